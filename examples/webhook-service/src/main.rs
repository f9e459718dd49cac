//! `csops-webhook-service SETTINGS.toml`: the GitLab webhook receiver (see the crate's docs and
//! the README's "GitLab webhook service"). Logs are JSON lines on stderr (`RUST_LOG` filters).

use std::path::PathBuf;

use csops_webhook_service::{Settings, start};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: csops-webhook-service SETTINGS.toml");
        std::process::exit(2);
    };
    let settings = match Settings::load(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("csops-webhook-service: {e}");
            std::process::exit(2);
        }
    };
    match start(&settings, shutdown_signal()).await {
        Ok(running) => running.stopped().await,
        Err(e) => {
            eprintln!("csops-webhook-service: {e}");
            std::process::exit(2);
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
