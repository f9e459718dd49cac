//! `csops-webhook-service SETTINGS.toml`: the GitLab webhook receiver (see the crate's docs and
//! the README's "GitLab webhook service"), and the operator's commands on its outbox. Logs are
//! JSON lines on stderr (`RUST_LOG` filters).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use csops_webhook_service::outbox::now_ms;
use csops_webhook_service::{Settings, SqliteStore, Store, start};

const USAGE: &str = "\
usage: csops-webhook-service SETTINGS.toml                   serve (Ctrl-C or SIGTERM stops it)
       csops-webhook-service dead SETTINGS.toml              list the outbox's dead entries
       csops-webhook-service resend SETTINGS.toml --all|ID…  send dead entries again

SETTINGS.toml: see examples/webhook-service/settings.example.toml. Secrets come from the
environment: CSOPS_WEBHOOK_SECRET (the webhook's secret token) and CSOPS_GITLAB_TOKEN (an access
token with the api scope); CSOPS_WEBHOOK_LISTEN, CSOPS_GITLAB_URL and CSOPS_WEBHOOK_STORE
override the file.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["-h" | "--help" | "help", ..] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        ["dead", settings] => operator(settings, |store| {
            let dead = store.dead_entries(usize::MAX >> 1)?;
            for d in &dead {
                println!(
                    "{}\tproject {} issue {}\t{} attempts\t{}",
                    d.id,
                    d.project,
                    d.iid,
                    d.attempts,
                    d.error.as_deref().unwrap_or("")
                );
            }
            eprintln!("{} dead entries", dead.len());
            Ok(())
        }),
        ["resend", settings, ids @ ..] if !ids.is_empty() => {
            let ids: Option<Vec<i64>> = match ids {
                ["--all"] => None,
                ids => match ids.iter().map(|i| i.parse::<i64>()).collect() {
                    Ok(ids) => Some(ids),
                    Err(_) => return usage("resend takes --all or entry ids (numbers)"),
                },
            };
            operator(settings, move |store| {
                let n = store.resend(ids.as_deref(), now_ms())?;
                println!(
                    "{n} entries back in the outbox (a running service sends them within a second)"
                );
                Ok(())
            })
        }
        [settings] if !settings.starts_with('-') => serve(Path::new(settings)),
        _ => usage("expected a settings file or a command"),
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!("csops-webhook-service: {why}\n{USAGE}");
    ExitCode::from(2)
}

fn operator(
    settings: &str,
    f: impl FnOnce(&SqliteStore) -> Result<(), csops_webhook_service::StoreError>,
) -> ExitCode {
    let run = || -> Result<(), String> {
        let path: PathBuf = Settings::store_of(Path::new(settings)).map_err(|e| e.to_string())?;
        let store = SqliteStore::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        f(&store).map_err(|e| e.to_string())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("csops-webhook-service: {e}");
            ExitCode::from(1)
        }
    }
}

#[tokio::main]
async fn serve(path: &Path) -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let settings = match Settings::load(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("csops-webhook-service: {e}\n(csops-webhook-service --help says more)");
            return ExitCode::from(2);
        }
    };
    match start(&settings, shutdown_signal()).await {
        Ok(running) => {
            running.stopped().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("csops-webhook-service: {e}");
            ExitCode::from(2)
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
