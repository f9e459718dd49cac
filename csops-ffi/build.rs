//! Generates `csops.h` into OUT_DIR with cbindgen; the `header` test compares it with the
//! checked-in `include/csops.h` (and writes it there with CSOPS_UPDATE_HEADER=1).

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config =
        cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml")).unwrap_or_default();
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(format!("{out_dir}/csops.h"));
        }
        Err(e) => println!("cargo:warning=cbindgen could not generate csops.h: {e}"),
    }
}
