#![no_main]
#[path = "../ffi_targets.rs"]
mod ffi_targets;
libfuzzer_sys::fuzz_target!(|data: &[u8]| ffi_targets::ffi(data));
