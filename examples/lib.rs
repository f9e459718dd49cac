//! Runnable examples of csops. The main job is `cargo run --example quickstart`.
