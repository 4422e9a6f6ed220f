//! What the manifest of one output says: the edit as C2PA actions, the sources with their
//! SHA-256, the tool, the creator.

use serde_json::{json, Value};

use super::Prepared;
use crate::plan::{OutputPlan, Plan};
use crate::recipe::{Fit, LoopMode};

const IPTC: &str = "http://cv.iptc.org/newscodes/digitalsourcetype/";

/// The manifest definition (c2pa's JSON form) for `out`.
pub(crate) fn definition(prep: &Prepared, plan: &Plan, out: &OutputPlan) -> Value {
    let tool = json!({ "name": "clipforge", "version": env!("CARGO_PKG_VERSION") });
    let n = prep.sources.len();
    // One source edited by a person with non-generative tools; several: a composite.
    let source_type = if n > 1 { "composite" } else { "humanEdits" };
    let mut actions = vec![json!({
        "action": "c2pa.created",
        "softwareAgent": tool,
        "digitalSourceType": format!("{IPTC}{source_type}"),
        "description": format!("composed from {n} source{}", if n == 1 { "" } else { "s" }),
        "parameters": { "sources": n },
    })];
    let mut act = |action: &str, description: String, parameters: Value| {
        actions.push(json!({ "action": action, "softwareAgent": tool, "description": description, "parameters": parameters }));
    };
    let clips = &plan.composition.clips;
    for (i, c) in clips.iter().enumerate().filter(|(_, c)| !c.is_still()) {
        let (start, end) = (c.src_start, c.src_end);
        let whole = prep.clip_durations.get(i).copied().unwrap_or(0.0);
        if start > 0.001 || (whole > 0.0 && end < whole - 0.001) {
            let which = if clips.len() > 1 { format!("clip {i}") } else { "the source".into() };
            act("dev.clipforge.trimmed", format!("{which} trimmed to {start:.3}–{end:.3} s"), json!({ "clip": i, "start": start, "end": end }));
        }
    }
    if clips.len() > 1 {
        let transitions = clips.iter().filter(|c| c.transition_len > 0.0).count();
        act(
            "dev.clipforge.composed",
            format!("{} clips in sequence, {transitions} transition{}", clips.len(), if transitions == 1 { "" } else { "s" }),
            json!({ "clips": clips.len(), "transitions": transitions }),
        );
    }
    if clips.iter().any(|c| (c.speed - 1.0).abs() > 1e-9) {
        act("dev.clipforge.speed_changed", "playback speed changed".into(), json!({ "speeds": clips.iter().map(|c| c.speed).collect::<Vec<_>>() }));
    }
    if out.overlays.is_some() {
        act("c2pa.placed", "image overlays placed onto the picture".into(), json!({}));
    }
    if plan.sound.as_ref().is_some_and(|s| s.music.is_some()) {
        act("dev.clipforge.music_added", "a music bed mixed under the sound".into(), json!({}));
    }
    let (passes, partial) = out.timeline.passes();
    if plan.mode != LoopMode::None || passes > 1 || (passes == 1 && partial > 0) {
        let mode = plan.mode.name();
        act("dev.clipforge.looped", format!("looped ({mode}) to {:.3} s", out.duration()), json!({ "mode": mode, "duration": out.duration() }));
    }
    if out.captions.is_some() {
        act("dev.clipforge.captioned", "captions drawn onto the picture".into(), json!({}));
    }
    let fit = format!("{:?}", out.fit).to_lowercase();
    let reframe = if out.fit == Fit::Crop { "c2pa.cropped" } else { "c2pa.resized" };
    act(
        reframe,
        format!("reframed to {}x{} ({fit})", out.width, out.height),
        json!({ "width": out.width, "height": out.height, "fit": fit }),
    );
    act("c2pa.transcoded", format!("encoded as H.264 ({}) in MP4", out.encoder.name), json!({}));

    let mut assertions = vec![
        json!({ "label": "c2pa.actions.v2", "data": { "actions": actions } }),
        json!({ "label": "dev.clipforge.sources", "data": { "sources": prep.sources } }),
    ];
    if let Some(c) = &prep.creator {
        let mut person = json!({ "@type": "Person", "name": c.name });
        if let Some(id) = &c.identifier {
            person["identifier"] = json!(id);
        }
        assertions.push(json!({
            "label": "stds.schema-org.CreativeWork",
            "data": { "@context": "https://schema.org", "@type": "CreativeWork", "author": [person] },
        }));
    }
    json!({
        "claim_generator_info": [tool],
        "title": out.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        "format": "video/mp4",
        "assertions": assertions,
    })
}
