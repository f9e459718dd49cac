//! A GitLab webhook receiver that enforces the CS Ops request process (SPEC §6–§7).
//!
//! GitLab posts every Issue Hook of a group to `POST /hooks/gitlab`. The service checks the
//! secret token, reads the payload with csops, decides whether a workflow-label move was
//! allowed against the request as it last stored it, keeps the request as the decision leaves
//! it, and for a move refused asks GitLab (its REST API) to put the labels back and comments
//! why. Each event is acted on once: its id and what to tell GitLab are written in one SQLite
//! transaction, and an outbox worker delivers the calls with retries until GitLab answers.
//!
//! Layout: `config` (the settings, from TOML and the environment), `store` (the trait the
//! service keeps its state behind, and SQLite), `hook` (the HTTP handlers), `gitlab_api` (the
//! REST calls), `board` (the live board's page), `outbox` (the worker that delivers them), `catch_up` (the reconciler that judges what no
//! webhook brought), `server` (connections under their
//! limits), `service` (start, serve, shut down).

pub mod board;
pub mod catch_up;
pub mod config;
pub mod gitlab_api;
pub mod hook;
pub mod outbox;
pub mod server;
pub mod service;
pub mod store;

pub use config::Settings;
pub use service::{Running, start, start_with};
pub use store::{Action, Counts, Dead, Judged, SqliteStore, Store, StoreError};
