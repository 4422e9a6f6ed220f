//! Taste profile JSON → `TasteProfile::from_json` (what `TasteProfile::load` parses), then the
//! scoring the preview does with it against frame embeddings: a profile that loads must give
//! finite scores, and must still load after a like and a skip are saved into it.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use std::sync::OnceLock;

use clipforge::preview::embed::DIM;
use clipforge::preview::rank::{centred_cosine, combine, mean};
use clipforge::TasteProfile;
use libfuzzer_sys::fuzz_target;

/// Three unit vectors shaped like the model's embeddings (non-negative, L2-normalised).
fn embeddings() -> &'static [Vec<f32>; 3] {
    static E: OnceLock<[Vec<f32>; 3]> = OnceLock::new();
    E.get_or_init(|| {
        [1u64, 2, 3].map(|seed| {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let v: Vec<f32> = (0..DIM)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % 1000) as f32 / 1000.0
                })
                .collect();
            let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
            v.into_iter().map(|a| a / n).collect()
        })
    })
}

fn check_scores(p: &TasteProfile, when: &str) {
    let Some(taste) = p.taste() else { return };
    assert_eq!(taste.len(), DIM);
    assert!(taste.iter().all(|x| x.is_finite()), "{when}: the taste vector is not finite");
    let e = embeddings();
    let centre = mean(&e.iter().map(Vec::as_slice).collect::<Vec<_>>());
    for v in e {
        let sim = centred_cosine(v, &taste, &centre);
        assert!(sim.is_finite() && (-1.001..=1.001).contains(&sim), "{when}: similarity {sim}");
        let score = combine(Some(sim), 0.5, None);
        assert!(score.is_finite(), "{when}: score {score}");
    }
}

fuzz_target!(|data: &[u8]| {
    let _watch = common::watch();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut p) = TasteProfile::from_json(text) else { return };
    check_scores(&p, "loaded");
    let e = embeddings();
    p.like(&e[0]).expect("a valid embedding is accepted");
    p.skip(&e[1]).expect("a valid embedding is accepted");
    check_scores(&p, "after a like and a skip");
    let again = TasteProfile::from_json(&p.to_json()).unwrap_or_else(|e| panic!("a saved profile does not load again: {}", e.message));
    check_scores(&again, "saved and loaded");
});
