//! `csops-gitlab-sync URL PROJECT FOLDER`: the sync from a shell, for a Rust-only setup (the
//! Python command line, `python -m csops sync`, runs the same crate with a progress bar). The
//! token comes from the environment (`CSOPS_GITLAB_TOKEN`, `GITLAB_TOKEN`, or
//! `GITLAB_OAUTH_TOKEN` for a bearer token). Prints the report as JSON; exits 1 when the sync
//! stopped, 2 on a usage error.

use csops_gitlab::{Options, Scope, sync_blocking};

const USAGE: &str = "usage: csops-gitlab-sync URL PROJECT FOLDER [--group] [--full] [--concurrency N] \
                     [--calls-per-minute N]\n  the token from CSOPS_GITLAB_TOKEN (or GITLAB_TOKEN, or \
                     GITLAB_OAUTH_TOKEN for a bearer token)";

fn main() {
    let mut positional = Vec::new();
    let (mut scope, mut full) = (Scope::Project, false);
    let (mut concurrency, mut per_minute) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--group" => scope = Scope::Group,
            "--full" => full = true,
            "--concurrency" | "--calls-per-minute" => {
                let Some(n) = args
                    .next()
                    .and_then(|v| v.parse::<u32>().ok())
                    .filter(|n| *n > 0)
                else {
                    usage(&format!("{a} needs a whole number above 0"));
                };
                if a == "--concurrency" {
                    concurrency = Some(n as usize);
                } else {
                    per_minute = Some(n);
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            flag if flag.starts_with("--") => usage(&format!("unknown option {flag}")),
            _ => positional.push(a),
        }
    }
    let [url, project, folder] = positional.as_slice() else {
        usage("give GitLab's address, the project (or group) and the folder");
    };
    let mut opts = match Options::new(url, scope, project, folder, None) {
        Ok(o) => o,
        Err(e) => fail(&e.to_string()),
    };
    opts.full = full;
    opts.crash_after_writes = std::env::var(csops_gitlab::folder::CRASH_VARIABLE)
        .ok()
        .and_then(|v| v.parse().ok());
    opts.calls_per_minute = per_minute;
    if let Some(c) = concurrency {
        opts.concurrency = c;
    }
    match sync_blocking(&opts, &|_| {}) {
        Ok(report) => println!(
            "{}",
            serde_json::to_string(&report).expect("a report serializes")
        ),
        Err(e) => fail(&e.to_string()),
    }
}

fn usage(message: &str) -> ! {
    eprintln!("csops-gitlab-sync: {message}\n{USAGE}");
    std::process::exit(2)
}

fn fail(message: &str) -> ! {
    eprintln!("csops-gitlab-sync: {message}");
    std::process::exit(1)
}
