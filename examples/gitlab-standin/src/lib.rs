//! A stand-in GitLab, for csops's tests and benchmarks (loopback only, bounded).
//!
//! It serves what csops reads and writes of GitLab's REST API v4, shaped as GitLab's API docs
//! show it rather than as csops's client expects: `GET /projects/:id/issues` and
//! `/groups/:id/issues` (`order_by`, `sort`, `updated_after`, `state`; pages of at most 100 with
//! `X-Page`, `X-Next-Page`, `X-Total`, `X-Total-Pages` and a `Link` header, the totals left out
//! past 10,000 as GitLab does), `GET …/issues/:iid/resource_label_events` (paged the same way,
//! `label: null` for a deleted label), `GET` / `PUT …/issues/:iid`, `GET` / `POST …/notes`, and
//! `GET /user`. Times carry offsets and milliseconds (`2019-07-17T09:53:48.937-04:00`); a label
//! event is stamped a few milliseconds after the issue's `updated_at`, as GitLab stamps them; a
//! moved issue is closed with `moved_to_id`. It can refuse the token (401), rate-limit in fixed
//! windows as GitLab's Rack::Attack does (429 with `Retry-After` and `RateLimit-*`), answer 500,
//! or answer slowly, and it counts every call.
//!
//! Layout: `data` (projects, issues, label events, and a generator of realistic ones),
//! `api` (the routes), `faults` (latency, failures, the rate limit, and the tally).

pub mod api;
pub mod data;
pub mod faults;

pub use api::{Standin, serve};
pub use data::{Data, Event, Issue, Project, generate};
pub use faults::{Faults, Tally};
