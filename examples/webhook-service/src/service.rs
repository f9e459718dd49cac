//! The service: the routes and their bounds, the listener, the outbox worker, and a shutdown
//! with a deadline.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::response::Response;
use axum::routing::{get, post};
use csops_core::{Config, Directory, Workflow};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceBuilder;

use crate::board::{board_json, board_page};
use crate::catch_up::Reconciler;
use crate::config::Settings;
use crate::gitlab_api::GitlabApi;
use crate::hook::{Shared, busy, gitlab_hook, healthz};
use crate::outbox::{Status, Worker};
use crate::store::{SqliteStore, Store};
use csops_gitlab::{Reader, Scope, Target, Token};

/// A service that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A file the settings name cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The directory or the workflow's configuration cannot be used.
    #[error("{0}")]
    Csops(#[from] csops_core::Error),
    /// The store cannot be opened.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// The HTTP client cannot be built.
    #[error("gitlab client: {0}")]
    Client(#[from] reqwest::Error),
    /// The catch-up's GitLab or a project or group of it cannot be read as one.
    #[error("catch_up: {0}")]
    CatchUp(#[from] csops_gitlab::SyncError),
    /// The address cannot be listened on.
    #[error("listen: {0}")]
    Listen(std::io::Error),
}

/// A running service.
pub struct Running {
    /// Where it listens (the port chosen when the settings said 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    worker: JoinHandle<()>,
    reconciler: Option<JoinHandle<()>>,
}

impl Running {
    /// Stops taking requests, lets those in progress and the deliveries under way finish
    /// within the shutdown deadline, closes the rest, and returns when all is done.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        let _ = self.worker.await;
        if let Some(r) = self.reconciler {
            let _ = r.await;
        }
    }

    /// Waits until the service stops (on its own: a signal, for `main`).
    pub async fn stopped(self) {
        let _ = self.server.await;
        let _ = self.stop.send(true);
        let _ = self.worker.await;
        if let Some(r) = self.reconciler {
            let _ = r.await;
        }
    }
}

fn read(path: &std::path::Path) -> Result<String, StartError> {
    std::fs::read_to_string(path).map_err(|source| StartError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// The webhook route's own bounds: at most `max_requests_in_flight` at once (beyond it 503
/// with `Retry-After`, so that GitLab delivers again), each within `request_timeout_ms`.
async fn over_a_limit(e: tower::BoxError) -> Response {
    if e.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("hook: the request took longer than limits.request_timeout_ms");
        busy("the request took too long; deliver again later")
    } else {
        tracing::warn!(error = %e, "hook: too many requests in progress");
        busy("too many requests in progress; deliver again later")
    }
}

/// The live board's bounds: two made at once, each within 30 seconds.
fn board_limits() -> impl tower::Layer<
    axum::routing::Route,
    Service: tower::Service<
        axum::extract::Request,
        Response = Response,
        Error = std::convert::Infallible,
        Future: Send + 'static,
    > + Clone
                 + Send
                 + Sync
                 + 'static,
> + Clone {
    ServiceBuilder::new()
        .layer(HandleErrorLayer::new(over_a_limit))
        .load_shed()
        .concurrency_limit(2)
        .timeout(Duration::from_secs(30))
}

/// Starts the service: opens the store, binds `settings.listen`, serves, and runs the outbox
/// worker. `signal` ends it gracefully when it completes (`main` passes Ctrl-C / SIGTERM).
pub async fn start(
    settings: &Settings,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&settings.store_path)?);
    start_with(settings, store, signal).await
}

/// [`start`] with a store of the caller's (another database, or one that fails on purpose in
/// a test); `settings.store_path` is not used.
pub async fn start_with(
    settings: &Settings,
    store: Arc<dyn Store>,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let directory =
        Directory::from_json(&read(&settings.directory)?).map_err(csops_core::Error::from)?;
    let config = match &settings.workflow_config {
        Some(path) => Config::from_text(&read(path)?).map_err(csops_core::Error::from)?,
        None => Config::default(),
    };
    let workflow = Workflow::new(directory, config).map_err(csops_core::Error::from)?;
    let api = GitlabApi::new(
        &settings.gitlab_url,
        &settings.gitlab_token,
        Duration::from_millis(settings.gitlab_timeout_ms),
    )?;
    let mut limits = settings.limits.clone();
    // Room for the connections the settings allow (each is a descriptor), where the hard limit
    // lets; where it does not, fewer connections, so that the cap (which makes room for a new
    // one) is reached before the descriptors run out (which would refuse it).
    const RESERVE: u64 = 256;
    let wanted = limits.max_connections as u64 + RESERVE;
    if let Ok(got) = rlimit::increase_nofile_limit(wanted)
        && got < wanted
    {
        let fewer = got.saturating_sub(RESERVE).max(16) as usize;
        tracing::warn!(
            descriptors = got,
            max_connections = fewer,
            "the process may open too few descriptors for limits.max_connections; fewer are kept"
        );
        limits.max_connections = fewer;
    }
    let catch_up = &settings.catch_up;
    let targets = catch_up
        .projects
        .iter()
        .map(|p| (Scope::Project, p))
        .chain(catch_up.groups.iter().map(|g| (Scope::Group, g)));
    let wants_reader = catch_up.first_seen_events
        || (catch_up.interval_secs > 0
            && !(catch_up.projects.is_empty() && catch_up.groups.is_empty()));
    let reader = if wants_reader {
        Some(Arc::new(Reader::new(
            &settings.gitlab_url,
            Token::new(&settings.gitlab_token, false),
            Duration::from_millis(settings.gitlab_timeout_ms),
            3,
        )?))
    } else {
        None
    };
    let targets: Vec<(String, Target)> = match &reader {
        Some(r) => targets
            .map(|(scope, given)| {
                Ok((
                    format!("{scope:?}:{given}").to_lowercase(),
                    r.target(scope, given)?,
                ))
            })
            .collect::<Result<_, csops_gitlab::SyncError>>()?,
        None => Vec::new(),
    };
    let wake = Arc::new(Notify::new());
    let status = Arc::new(std::sync::Mutex::new(Status::default()));
    let shared = Arc::new(Shared {
        workflow,
        store: store.clone(),
        secret: settings.secret_token.clone(),
        board_token: settings.board_token.clone(),
        board_title: settings
            .board_title
            .clone()
            .unwrap_or_else(|| "live".to_owned()),
        wake: wake.clone(),
        stripes: (0..64).map(|_| Arc::new(Mutex::new(()))).collect(),
        max_body_bytes: settings.max_body_bytes,
        body_read_timeout: Duration::from_millis(limits.body_read_timeout_ms),
        lock_wait: Duration::from_millis(limits.lock_wait_ms),
        max_skew_ms: (settings.max_clock_skew_secs.min(i64::MAX as u64 / 1000) * 1000) as i64,
        outbox: status.clone(),
        counts: std::sync::Mutex::new(None),
        reader: reader.clone().filter(|_| catch_up.first_seen_events),
    });
    let reconciler = match reader {
        Some(reader) if catch_up.interval_secs > 0 && !targets.is_empty() => Some(Reconciler {
            shared: shared.clone(),
            reader,
            targets,
            interval: Duration::from_secs(catch_up.interval_secs),
        }),
        _ => None,
    };
    let hook = post(gitlab_hook).layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(over_a_limit))
            .load_shed()
            .concurrency_limit(limits.max_requests_in_flight)
            .timeout(Duration::from_millis(limits.request_timeout_ms)),
    );
    let app = Router::new()
        .route("/hooks/gitlab", hook)
        // Anyone may ask; a flood of askers is shed, never queued.
        .route(
            "/healthz",
            get(healthz).layer(
                ServiceBuilder::new()
                    .layer(HandleErrorLayer::new(over_a_limit))
                    .load_shed()
                    .concurrency_limit(8)
                    .timeout(Duration::from_secs(5)),
            ),
        )
        // A lead's bookmark: its token checked first; two boards made at once at most, the
        // rest shed (503), never queued.
        .route("/board", get(board_page).layer(board_limits()))
        .route("/board.json", get(board_json).layer(board_limits()))
        .with_state(shared);
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(StartError::Listen)?;
    let addr = listener.local_addr().map_err(StartError::Listen)?;
    let (stop, stopped) = watch::channel(false);
    let on_signal = stop.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = signal => { let _ = on_signal.send(true); }
            _ = on_signal.closed() => {}
        }
    });
    let server = tokio::spawn(crate::server::serve(
        listener,
        app,
        limits.clone(),
        stopped.clone(),
    ));
    let worker = Worker {
        store,
        api,
        retry: settings.retry.clone(),
        in_flight: settings.deliveries_in_flight,
        wake,
        status,
        retention_ms: (settings.event_retention_hours.min(1 << 40) * 3_600_000) as i64,
    };
    let reconciler = reconciler.map(|r| tokio::spawn(r.run(stopped.clone())));
    let worker =
        tokio::spawn(worker.run(stopped, Duration::from_millis(limits.shutdown_deadline_ms)));
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        stop,
        server,
        worker,
        reconciler,
    })
}
