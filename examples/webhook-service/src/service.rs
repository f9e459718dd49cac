//! The server: the routes, the outbox worker, and a shutdown that finishes what is in flight.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use csops_core::{Config, Directory, Workflow};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify, watch};
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::gitlab_api::GitlabApi;
use crate::hook::{Shared, gitlab_hook, healthz};
use crate::outbox;
use crate::store::{SqliteStore, Store};

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
}

impl Running {
    /// Stops taking requests, finishes those in flight and the deliveries under way, and
    /// returns when all is done.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        let _ = self.worker.await;
    }

    /// Waits until the service stops (on its own: a signal, for `main`).
    pub async fn stopped(self) {
        let _ = self.server.await;
        let _ = self.stop.send(true);
        let _ = self.worker.await;
    }
}

fn read(path: &std::path::Path) -> Result<String, StartError> {
    std::fs::read_to_string(path).map_err(|source| StartError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Starts the service: opens the store, binds `settings.listen`, serves, and runs the outbox
/// worker. `signal` ends it gracefully when it completes (`main` passes Ctrl-C / SIGTERM).
pub async fn start(
    settings: &Settings,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let directory =
        Directory::from_json(&read(&settings.directory)?).map_err(csops_core::Error::from)?;
    let config = match &settings.workflow_config {
        Some(path) => Config::from_text(&read(path)?).map_err(csops_core::Error::from)?,
        None => Config::default(),
    };
    let workflow = Workflow::new(directory, config).map_err(csops_core::Error::from)?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&settings.store_path)?);
    let api = GitlabApi::new(
        &settings.gitlab_url,
        &settings.gitlab_token,
        Duration::from_millis(settings.gitlab_timeout_ms),
    )?;
    let wake = Arc::new(Notify::new());
    let shared = Arc::new(Shared {
        workflow,
        store: store.clone(),
        secret: settings.secret_token.clone(),
        wake: wake.clone(),
        stripes: (0..64).map(|_| Arc::new(Mutex::new(()))).collect(),
    });
    let app = Router::new()
        .route("/hooks/gitlab", post(gitlab_hook))
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .with_state(shared);
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(StartError::Listen)?;
    let addr = listener.local_addr().map_err(StartError::Listen)?;
    let (stop, stopped) = watch::channel(false);
    let mut on_stop = stopped.clone();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            tokio::select! {
                _ = signal => {}
                _ = on_stop.wait_for(|s| *s) => {}
            }
            tracing::info!("shutting down: finishing the requests in flight");
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server failed");
        }
    });
    let worker = tokio::spawn(outbox::run(
        store,
        api,
        settings.retry.clone(),
        settings.deliveries_in_flight,
        wake,
        stopped,
    ));
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        stop,
        server,
        worker,
    })
}
