//! What a GitLab webhook service does in its handler: read an Issue Hook payload (here from
//! stdin), look up the request as it was stored (here in the sample export), decide whether the
//! workflow-label move was allowed, and print the decision as JSON — the REST parameters to send
//! back to GitLab and the comment to post when the move is undone.
//!
//! ```text
//! cargo run --example webhook < examples/webhook/hook.json
//! ```
//!
//! Exit status: 0 with the decision on stdout; 2 with the error on stderr for a payload that is
//! not a readable Issue Hook.

use std::io::Read;

use csops_core::{Config, Directory, Workflow, gitlab};

/// The team, and the issues as the service last stored them.
const DIRECTORY: &str = include_str!("../gitlab-export/directory.json");
const STORED: &str = include_str!("../gitlab-export/issues.json");

fn main() {
    let mut payload = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut payload) {
        eprintln!("webhook: cannot read stdin: {e}");
        std::process::exit(2);
    }
    match decide(&payload) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

fn decide(payload: &str) -> Result<String, Box<dyn std::error::Error>> {
    let wf = Workflow::new(Directory::from_json(DIRECTORY)?, Config::default())?;
    let hook = gitlab::read_webhook(payload)?;
    // The store: the request as csops last saw it, or — for an issue it has never seen — the
    // issue as the payload shows it.
    let stored = gitlab::read_issues(STORED, wf.config())?
        .requests
        .into_iter()
        .find(|r| r.id() == hook.iid);
    let stored = match stored {
        Some(r) => r,
        None => hook.to_request(wf.config())?,
    };
    let decision = gitlab::decide_webhook(&wf, &hook, &stored)?;
    Ok(serde_json::to_string_pretty(&decision)?)
}
