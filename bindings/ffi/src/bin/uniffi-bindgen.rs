//! `cargo run -p clipforge-ffi --bin uniffi-bindgen -- generate --library ... --language kotlin|swift`
fn main() {
    uniffi::uniffi_bindgen_main()
}
