//! The checked-in header must be exactly what cbindgen generates from the source (CI fails when
//! it is stale). `CSOPS_UPDATE_HEADER=1 cargo test -p csops-ffi --test header` rewrites it.

#[test]
fn checked_in_header_is_current() {
    let generated = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/csops.h"))
        .expect("build.rs generated csops.h");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/csops.h");
    if std::env::var_os("CSOPS_UPDATE_HEADER").is_some() {
        std::fs::write(path, &generated).expect("write include/csops.h");
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "csops-ffi/include/csops.h is stale: regenerate it with CSOPS_UPDATE_HEADER=1 cargo test -p csops-ffi --test header"
    );
}
