//! Presets + explicit fields → one concrete style (validated once, at plan time).

use std::path::PathBuf;

use crate::captions::model::{Align, Preset, StyleFields, StyleSpec};
use crate::error::{Error, Result};

/// Straight-alpha sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const WHITE: Rgba = Rgba([255, 255, 255, 255]);
    pub const BLACK: Rgba = Rgba([0, 0, 0, 255]);

    /// `#RRGGBB` or `#RRGGBBAA`.
    pub fn parse(s: &str) -> Option<Rgba> {
        let h = s.strip_prefix('#')?;
        if !(h.len() == 6 || h.len() == 8) || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0);
        Some(Rgba([c(0), c(2), c(4), if h.len() == 8 { c(6) } else { 255 }]))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub font: Option<PathBuf>,
    /// Font size as a fraction of the output height.
    pub size: f32,
    pub bold: bool,
    pub color: Rgba,
    pub highlight: Rgba,
    /// em; 0 = none.
    pub stroke_width: f32,
    pub stroke_color: Rgba,
    pub shadow: Option<Shadow>,
    pub background: Option<Rgba>,
    pub padding: f32,
    pub corner_radius: f32,
    pub align: Align,
    pub max_width: f32,
    pub line_spacing: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shadow {
    pub color: Rgba,
    /// em.
    pub offset: [f32; 2],
    pub blur: f32,
}

/// A preset's style, before a caption's own fields apply.
pub(crate) fn preset(p: Preset) -> Style {
    let base = Style {
        font: None,
        size: 0.045,
        bold: true,
        color: Rgba::WHITE,
        highlight: Rgba([255, 214, 0, 255]),
        stroke_width: 0.0,
        stroke_color: Rgba::BLACK,
        shadow: None,
        background: None,
        padding: 0.3,
        corner_radius: 0.25,
        align: Align::Center,
        max_width: 0.86,
        line_spacing: 1.25,
    };
    match p {
        Preset::BoldOutline => Style { stroke_width: 0.1, ..base },
        Preset::Box => Style { background: Some(Rgba([0, 0, 0, 180])), ..base },
        Preset::Shadow => Style {
            shadow: Some(Shadow { color: Rgba([0, 0, 0, 200]), offset: [0.05, 0.07], blur: 0.08 }),
            ..base
        },
        Preset::Plain => Style { bold: false, ..base },
    }
}

/// Resolves a style; `what` names the caption in errors ("captions[2]").
pub fn resolve(spec: Option<&StyleSpec>, what: &str) -> Result<Style> {
    let f = match spec {
        None => return Ok(preset(Preset::default())),
        Some(StyleSpec::Preset(p)) => return Ok(preset(*p)),
        Some(StyleSpec::Custom(f)) => f,
    };
    let bad = |field: &str, v: &dyn std::fmt::Debug| Error::invalid(format!("{what}.style.{field} {v:?} is not valid"));
    let colour = |field: &str, v: &Option<String>, dflt: Rgba| -> Result<Rgba> {
        match v {
            None => Ok(dflt),
            Some(s) => Rgba::parse(s).ok_or_else(|| Error::invalid(format!("{what}.style.{field} '{s}' is not #RRGGBB or #RRGGBBAA"))),
        }
    };
    let range = |field: &str, v: Option<f32>, dflt: f32, lo: f32, hi: f32| -> Result<f32> {
        match v {
            None => Ok(dflt),
            Some(x) if x.is_finite() && (lo..=hi).contains(&x) => Ok(x),
            Some(x) => Err(bad(field, &x)),
        }
    };
    let StyleFields { preset: p, .. } = f;
    let mut s = preset(*p);
    s.font = f.font.clone();
    s.size = range("size", f.size, s.size, 0.005, 0.5)?;
    s.bold = f.bold.unwrap_or(s.bold);
    s.color = colour("color", &f.color, s.color)?;
    s.highlight = colour("highlight_color", &f.highlight_color, s.highlight)?;
    s.stroke_width = range("stroke_width", f.stroke_width, s.stroke_width, 0.0, 0.5)?;
    s.stroke_color = colour("stroke_color", &f.stroke_color, s.stroke_color)?;
    if f.shadow_color.is_some() || f.shadow_offset.is_some() || f.shadow_blur.is_some() {
        let d = s.shadow.unwrap_or(Shadow { color: Rgba([0, 0, 0, 200]), offset: [0.05, 0.07], blur: 0.08 });
        let offset = f.shadow_offset.unwrap_or(d.offset);
        if offset.iter().any(|o| !o.is_finite() || o.abs() > 1.0) {
            return Err(bad("shadow_offset", &offset));
        }
        s.shadow = Some(Shadow {
            color: colour("shadow_color", &f.shadow_color, d.color)?,
            offset,
            blur: range("shadow_blur", f.shadow_blur, d.blur, 0.0, 1.0)?,
        });
    }
    if f.background.is_some() {
        s.background = Some(colour("background", &f.background, Rgba::BLACK)?);
    }
    s.padding = range("padding", f.padding, s.padding, 0.0, 2.0)?;
    s.corner_radius = range("corner_radius", f.corner_radius, s.corner_radius, 0.0, 2.0)?;
    s.align = f.align.unwrap_or(s.align);
    s.max_width = range("max_width", f.max_width, s.max_width, 0.1, 1.0)?;
    s.line_spacing = range("line_spacing", f.line_spacing, s.line_spacing, 0.8, 3.0)?;
    Ok(s)
}
