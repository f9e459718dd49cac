//! Inputs shared by the benchmarks: a deterministic book of accounts for the default scorecard,
//! GitLab issues with their label events as the API writes them, the directory they use, and
//! the process's peak memory.

use csops_core::Directory;
use csops_core::health::Scorecard;

/// Labels as trackers carry them: canonical spellings and listed aliases, one workflow label in
/// an unlisted spelling (which takes the full matching rule), team and source labels, and labels
/// csops does not know.
pub const LABELS: [&str; 9] = [
    "csops::in-process",
    "CSOps::In_Process",
    "CSOps::In Process",
    "CS Ops::Awaiting Feedback",
    "CSOps::Won’t Do",
    "Gainsight: Bug",
    "CSOps - Interrupt",
    "frontend",
    "team::backend::api",
];

/// The directory of the GitLab benchmarks: a lead per workstream, three cs_ops members and a
/// Gainsight admin.
pub const DIRECTORY: &str = r#"{"lena": ["workstream_lead:Gainsight"], "ana": ["workstream_lead:Analytics"],
    "rosa": ["workstream_lead:ROPS"], "dev": ["workstream_lead:Digital"],
    "omar": ["cs_ops"], "pat": ["cs_ops"], "kai": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#;

/// [`DIRECTORY`], read.
pub fn directory() -> Directory {
    Directory::from_json(DIRECTORY).unwrap_or_else(|e| panic!("bench directory: {e}"))
}

/// A deterministic book of `n` accounts: one column per measure of `card`, ~10 % missing (NaN).
pub fn book(card: &Scorecard, n: usize) -> Vec<Vec<f64>> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    card.measures()
        .iter()
        .enumerate()
        .map(|(m, id)| {
            let cats = card.categories(m).len() as f64;
            (0..n)
                .map(|_| {
                    let x = next();
                    if next() < 0.1 {
                        f64::NAN
                    } else if cats > 0.0 {
                        (x * cats).floor()
                    } else if id == "nps_response" {
                        (x * 11.0).floor()
                    } else if id == "csat_response" {
                        1.0 + (x * 5.0).floor().min(4.0)
                    } else if id == "days_since_last_touch" {
                        x * 120.0
                    } else {
                        x * 100.0
                    }
                })
                .collect()
        })
        .collect()
}

const TEAMS: [(&str, &str, &str); 4] = [
    ("Gainsight", "lena", "omar"),
    ("CS Analytics", "ana", "omar"),
    ("CS RenewalOps", "rosa", "pat"),
    ("CS Programs", "dev", "kai"),
];

/// GitLab issue `iid` (REST JSON) and its 20 resource label events (a JSON list), as GitLab
/// writes them: New → Triage → … → Completed with a block and a review sent back once.
pub fn gitlab_issue(iid: usize) -> (String, String) {
    let (team, lead, who) = TEAMS[iid % TEAMS.len()];
    let day = 1 + iid % 28;
    let mut events = Vec::with_capacity(20);
    let mut t = 0u32; // minutes since creation
    let mut ev = |user: &str, t: u32, label: &str, action: &str| {
        events.push(format!(
            r##"{{"id":{},"user":{{"id":7,"username":"{user}","name":"{user}","state":"active"}},"created_at":"2026-02-{day:02}T{:02}:{:02}:00.000Z","resource_type":"Issue","resource_id":{iid},"label":{{"id":3,"name":"{label}","color":"#428BCA"}},"action":"{action}"}}"##,
            iid * 100 + events.len(),
            8 + t / 60,
            t % 60
        ))
    };
    ev("rita", t, "CSOps", "add");
    ev("rita", t, team, "add");
    let path = [
        (lead, "CSOps::Triage"),
        (lead, "CSOps::Ready_for_Assignment"),
        (who, "CSOps::In_Process"),
        (who, "CSOps::Blocked"),
        (who, "CSOps::In_Process"),
        (who, "CSOps::Awaiting Feedback"),
        ("gia", "CSOps::In_Process"),
        (who, "CSOps::Awaiting Feedback"),
        (who, "CSOps::Completed"),
    ];
    let mut prev: Option<&str> = None;
    for (user, label) in path {
        t += 37;
        ev(user, t, label, "add");
        if let Some(p) = prev {
            ev(user, t, p, "remove");
        }
        prev = Some(label);
    }
    ev(who, t, "Priority::High", "add");
    let issue = format!(
        r#"{{"id":{},"iid":{iid},"project_id":4417,"title":"Request {iid}","description":"","state":"closed","created_at":"2026-02-{day:02}T08:00:00.000Z","updated_at":"2026-02-{day:02}T14:00:00.000Z","closed_at":"2026-02-{day:02}T{:02}:{:02}:00.000Z","labels":["CSOps","{team}","CSOps::Completed","Priority::High"],"milestone":null,"assignees":[{{"id":7,"username":"{who}"}}],"author":{{"id":9,"username":"rita"}},"weight":3,"web_url":"https://gitlab.example.com/cs-ops/requests/-/issues/{iid}"}}"#,
        50_000 + iid,
        8 + t / 60,
        t % 60
    );
    (issue, format!("[{}]", events.join(",")))
}

/// The process's peak resident memory so far, in MiB (Linux; 0 elsewhere).
pub fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The memory-bound floor of a column: one pass that reads every value and does nothing else
/// (a sum in eight lanes, so that the compiler vectorises it; NaN propagates, which does not
/// matter to a pass that only reads). Sums that skip NaN branch per value and measure
/// themselves, not memory.
pub fn floor_sum(column: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = column.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for (l, x) in lanes.iter_mut().zip(c) {
            *l += x;
        }
    }
    lanes.iter().sum::<f64>() + tail
}
