//! The masters importer on any bytes as its source files (see orientation_fuzz::run_import).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| orientation_fuzz::run_import("masters", data));
