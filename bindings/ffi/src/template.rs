//! `Template` (built-in or JSON) over `clipforge::template`: its slots as records, typed fills in,
//! the expanded recipe out as typed records (`render`: inspect, tweak, `start_export(recipe)`) or
//! as JSON (`render_json`, for `start_export_json(json, work_dir)`).

use std::sync::Arc;

use clipforge::template as core;

use crate::error::ClipforgeError;
use crate::guard::catch;

#[derive(uniffi::Object)]
pub struct Template {
    inner: core::Template,
}

/// A slot's kind: what the app's form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TemplateSlotKind {
    Clip,
    Image,
    Text,
    Price,
    Link,
    Color,
    Date,
}

/// One hole of a template, with its constraints.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TemplateSlot {
    pub name: String,
    pub kind: TemplateSlotKind,
    pub label: String,
    pub optional: bool,
    /// Used when the slot is not filled (`default` in the template JSON).
    pub default_value: Option<String>,
    /// Clip slots: the usable length range, seconds.
    pub min_seconds: Option<f64>,
    pub max_seconds: Option<f64>,
    /// Clip slots: `start` (from the clip's start), `trim` (the fill's start/end) or `loop` (the
    /// clip's best loop window).
    pub part: Option<String>,
    /// Text slots: most characters.
    pub max_chars: Option<i32>,
}

/// A slot's value.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FillValue {
    Clip { path: String, start: Option<f64>, end: Option<f64> },
    Image { path: String },
    Text { text: String },
    /// `amount` as written ("12.50"); `currency` ISO 4217.
    Price { amount: String, currency: String },
    /// `code`: the app's short code (default: derived from the link).
    Link { url: String, code: Option<String> },
    Color { color: String },
    Date { date: String },
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SlotFill {
    pub slot: String,
    pub value: FillValue,
}

/// The locales prices and expiry badges can be written for (BCP 47 tags).
#[uniffi::export]
pub fn template_locales() -> Vec<String> {
    core::Locale::tags().into_iter().map(String::from).collect()
}

/// Names of the templates shipped inside the library.
#[uniffi::export]
pub fn builtin_template_names() -> Vec<String> {
    core::Template::builtin_names().into_iter().map(String::from).collect()
}

#[uniffi::export]
impl Template {
    #[uniffi::constructor]
    pub fn builtin(name: String) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| Ok(Arc::new(Template { inner: core::Template::builtin(&name)? })))
    }

    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, ClipforgeError> {
        catch(|| Ok(Arc::new(Template { inner: core::Template::from_json(&json)? })))
    }

    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    pub fn slots(&self) -> Vec<TemplateSlot> {
        self.inner.slots().iter().map(TemplateSlot::from).collect()
    }

    /// Checks every fill (errors name the slot), writes the generated pictures (end cards,
    /// stings) into `work_dir` and returns the recipe (version 2) as typed records, `base_dir` set
    /// to `work_dir`: inspect or change it, then `start_export(recipe)`. Prices and the expiry
    /// badge are written for `locale` (default "en-US"; see `template_locales()`).
    #[uniffi::method(default(locale = None))]
    pub fn render(&self, fills: Vec<SlotFill>, work_dir: String, locale: Option<String>) -> Result<crate::recipe::Recipe, ClipforgeError> {
        catch(|| {
            let recipe = self.expand(fills, &work_dir, locale)?;
            crate::recipe::Recipe::try_from(&recipe)
        })
    }

    /// `render`, with the recipe as JSON (its relative paths resolving against `work_dir`).
    #[uniffi::method(default(locale = None))]
    pub fn render_json(&self, fills: Vec<SlotFill>, work_dir: String, locale: Option<String>) -> Result<String, ClipforgeError> {
        catch(|| Ok(self.expand(fills, &work_dir, locale)?.to_json()))
    }
}

impl Template {
    fn expand(&self, fills: Vec<SlotFill>, work_dir: &str, locale: Option<String>) -> Result<clipforge::Recipe, ClipforgeError> {
        let fills: core::Fills = fills.into_iter().map(|f| (f.slot, f.value.into())).collect();
        let locale = locale.as_deref().unwrap_or(core::DEFAULT_LOCALE);
        Ok(self.inner.render_for(&fills, locale, std::path::Path::new(work_dir))?)
    }
}

impl From<&core::Slot> for TemplateSlot {
    fn from(s: &core::Slot) -> Self {
        use core::SlotKind as K;
        TemplateSlot {
            name: s.name.clone(),
            kind: match s.kind {
                K::Clip => TemplateSlotKind::Clip,
                K::Image => TemplateSlotKind::Image,
                K::Text => TemplateSlotKind::Text,
                K::Price => TemplateSlotKind::Price,
                K::Link => TemplateSlotKind::Link,
                K::Color => TemplateSlotKind::Color,
                K::Date => TemplateSlotKind::Date,
            },
            label: s.label.clone(),
            optional: s.optional,
            default_value: s.default.clone(),
            min_seconds: s.min_seconds,
            max_seconds: s.max_seconds,
            part: s.part.map(|p| p.name().to_string()),
            max_chars: s.max_chars.map(|m| i32::try_from(m).unwrap_or(i32::MAX)),
        }
    }
}

impl From<FillValue> for core::Fill {
    fn from(v: FillValue) -> Self {
        match v {
            FillValue::Clip { path, start, end } => core::Fill::Clip { path: path.into(), start, end },
            FillValue::Image { path } => core::Fill::Image { path: path.into() },
            FillValue::Text { text } => core::Fill::Text { text },
            FillValue::Price { amount, currency } => core::Fill::Price { amount, currency },
            FillValue::Link { url, code } => core::Fill::Link { url, code },
            FillValue::Color { color } => core::Fill::Color { color },
            FillValue::Date { date } => core::Fill::Date { date },
        }
    }
}
