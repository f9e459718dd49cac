//! csops at the I/O edge: a sync of a live GitLab into the export folder csops audits
//! (SPEC §7 "Sync from a live GitLab").
//!
//! [`sync()`] lists a project's (or a group's) issues ordered by `updated_at`, paged as GitLab
//! pages them, fetches every page of each issue's resource label events with bounded
//! concurrency, and writes the folder `csops audit` reads: `issues.json` and
//! `label_events/<iid>.json`, as GitLab returned them. It is incremental (a high-water mark with
//! an overlap, kept in `sync.json` and moved only after the data it covers is on disk), polite
//! (`429` waits for `Retry-After` / `RateLimit-Reset` and then paces every call under the limit
//! GitLab named; `5xx` and timeouts are retried with full-jitter backoff) and never prints the
//! token.
//!
//! ```no_run
//! use csops_gitlab::{Options, Scope, Token, sync_blocking};
//!
//! // The token from CSOPS_GITLAB_TOKEN / GITLAB_TOKEN when `None`.
//! let opts = Options::new(
//!     "https://gitlab.example.com",
//!     Scope::Project,
//!     "cs-ops/requests",
//!     "requests/",
//!     Some(Token::new("glpat-...", false)),
//! )?;
//! let report = sync_blocking(&opts, &|p| eprintln!("{} listed, {} fetched", p.listed, p.fetched))?;
//! println!("{} issues in the folder, {} calls", report.issues_in_folder, report.calls);
//! # Ok::<(), csops_gitlab::SyncError>(())
//! ```
//!
//! `csops-core` and `libcsops` hold no network code: this crate is the one place csops talks to
//! GitLab's REST API for reading, and the webhook service classes GitLab's answers with its
//! [`call`] module too.
//!
//! Layout: `auth` (the token), `target` (a project or group, by id or path), `call` (what an
//! answer means: retry, wait, stop), `pace` (the shared rate gate), `pages` (the next page, as
//! GitLab says it), `client` (one GET with its retries), `folder` (the export folder, written
//! durably), `sync` (the whole run), `reader` (the same calls for a long-running caller: the
//! webhook service's catch-up), `error`.

pub mod auth;
pub mod call;
mod client;
pub mod error;
pub mod folder;
pub mod pace;
pub mod pages;
pub mod reader;
pub mod sync;
pub mod target;

pub use auth::Token;
pub use error::SyncError;
pub use reader::Reader;
pub use sync::{Options, Progress, Report, next_mark, sync, sync_blocking};
pub use target::{Scope, Target};
