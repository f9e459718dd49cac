//! `gitlab-standin`: the stand-in GitLab as a process, for the Python tests and benchmarks.
//! Prints `URL PROJECT_ID PROJECT_PATH` on its first line, then serves until killed.
//!
//! ```text
//! gitlab-standin [--issues N] [--events N] [--seed N] [--from-export DIR]
//!                [--project-id N] [--project-path PATH] [--token T]
//!                [--latency-ms N] [--rate-limit CALLS] [--window-secs N] [--fail-every N]
//!                [--no-link] [--write-export DIR]
//! ```
//!
//! `--write-export DIR` also writes the data it serves as an export made by hand (what a sync
//! of it must audit the same as).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use gitlab_standin::{Data, Faults, Project, generate, serve};

fn main() {
    if let Err(e) = run() {
        eprintln!("gitlab-standin: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut issues, mut events, mut seed) = (200u64, 20usize, 1u64);
    let mut export: Option<PathBuf> = None;
    let mut project = Project {
        id: 4417,
        path: "cs-ops/requests".into(),
    };
    let mut token = "standin-token".to_owned();
    let mut faults = Faults::default();
    let mut window = 60u64;
    let mut limit = None;
    let mut write_to: Option<PathBuf> = None;
    while let Some(flag) = args.next() {
        if flag == "--no-link" {
            faults.no_link = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: {value:?} is not a whole number"))
        };
        match flag.as_str() {
            "--issues" => issues = number()?,
            "--events" => events = number()? as usize,
            "--seed" => seed = number()?,
            "--from-export" => export = Some(PathBuf::from(&value)),
            "--write-export" => write_to = Some(PathBuf::from(&value)),
            "--project-id" => project.id = number()?,
            "--project-path" => project.path = value.clone(),
            "--token" => token = value.clone(),
            "--latency-ms" => faults.latency = Duration::from_millis(number()?),
            "--rate-limit" => limit = Some(number()?),
            "--window-secs" => window = number()?,
            "--fail-every" => faults.fail_every = Some(number()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    faults.rate_limit = limit.map(|l| (l, window));
    let data = match export {
        Some(dir) => Data::from_export(&dir, project.clone())?,
        None => generate(project.clone(), issues, events, seed),
    };
    if let Some(dir) = &write_to {
        data.write_export(dir)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let standin = serve(data, &token, faults)
            .await
            .map_err(|e| e.to_string())?;
        let mut out = std::io::stdout();
        writeln!(out, "{} {} {}", standin.url(), project.id, project.path)
            .map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        std::future::pending::<()>().await;
        Ok(())
    })
}
