//! `uniffi-bindgen generate --library <lib> --language kotlin|swift|python --out-dir <dir>`: the bindings
//! generator, pinned to the uniffi version orientation-ffi is built with (a mismatch gives bindings that
//! fail their checksum checks at load time).

fn main() {
    uniffi::uniffi_bindgen_main()
}
