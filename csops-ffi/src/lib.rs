//! libcsops: the C ABI of csops. It converts types and errors and nothing else; every rule lives
//! in csops-core.
//!
//! Conventions (they hold for every function below):
//! - Handles (`csops_workflow_t`, `csops_request_t`) are opaque; each is made by a `_new` /
//!   `_from_json` / `_load_request` function and released by its `_free`, exactly once. Passing a
//!   freed handle is undefined behaviour (it cannot be detected); passing NULL is always checked
//!   and answered with `CSOPS_INVALID_ARGUMENT` (or NULL, or nothing for `_free`).
//! - Functions return a `csops_status_t` (`CSOPS_OK` = 0) or a pointer that is NULL on failure;
//!   every failure sets a thread-local message read with `csops_last_error_message()`.
//! - A `char *` csops returns belongs to the caller, who frees it with `csops_string_free()`. A
//!   `const char *` csops returns is static, owned by the handle it was read from (valid while
//!   the handle lives, or as the function says), or owned by the thread's last error (the
//!   `csops_last_error_*` texts: valid until the next csops call on the thread that fails).
//! - Out-parameters are written only on success; the one exception is batch scoring
//!   (`csops_batch_score`, `csops_scorecard_score_batch`), whose caller-allocated arrays read
//!   Unknown on every row after a failure.
//! - Inputs are NUL-terminated UTF-8 (`CSOPS_INVALID_UTF8` otherwise); JSON inputs have the
//!   shapes of `conformance/FORMAT.md`; times are RFC 3339.
//! - No panic crosses the boundary: one would be `CSOPS_PANIC` (or NULL) with a message.
//!
//! Layout, one module per concept: `status` (the status codes), `last_error` (the failure of
//! a call and what C reads of it), `boundary` (the panic guard every body goes through, and
//! the helpers that read C arguments and write results), then `workflow` (workflows, requests, commands, weights, replay, SLAs), `moves` (what a
//! person may do now, the paths between states), `labels`,
//! `customer` (segmentation, capacity, maturity), `metrics`, `journey`, `health` (scorecards),
//! `health_score` (one account's score), `batch` (a book at once), `backtest` (identity and
//! backtests over a measure history) and `gitlab`. This root declares them and re-exports their items, which is what
//! cbindgen reads for `include/csops.h`. A new capability is a module here.

#![allow(non_camel_case_types)]

use std::ffi::c_char;

mod backtest;
mod batch;
mod boundary;
mod customer;
mod gitlab;
mod health;
mod health_score;
mod journey;
mod labels;
mod last_error;
mod metrics;
mod moves;
mod pages;
mod status;
mod workflow;

pub use backtest::*;
pub use batch::*;
pub use boundary::*;
pub use customer::*;
pub use gitlab::*;
pub use health::*;
pub use health_score::*;
pub use journey::*;
pub use labels::*;
pub use last_error::*;
pub use metrics::*;
pub use moves::*;
pub use pages::*;
pub use status::*;
pub use workflow::*;

/// The library's version, e.g. "0.3.0". Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
