//! Conformance runner (`conformance/FORMAT.md`): runs every vector of the kinds this build knows
//! (`workflow`, `labels`, `weight`, `metrics`, `health`) from
//!
//! - `tests/conformance/` — the project's copy of `../shared/conformance/` (a failure when the
//!   shared folder exists and holds a file the copy lacks or that differs),
//! - `tests/vectors/` — the project's own vectors,
//! - `$CSOPS_VECTORS` — a vector file or a folder of them, when set.
//!
//! A vector of a kind this build does not know yet is reported as skipped, by name. A failing
//! vector prints its file, step, expected and actual. Own harness (`harness = false`) so that
//! every vector is reported on every run; it ends with `N passed, N failed, N skipped`.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use csops_core::health::{
    BacktestInput, Batch, HealthError, Override, Previous, ScoreContext, Scorecard, Values,
};
use csops_core::label::{self, Label, LabelSet};
use csops_core::weight::{Weight, weight_for_hours};
use csops_core::workflow::{Command, Rejection, RejectionKind, Transition, Workflow};
use csops_core::{Config, Directory};
use serde_json::Value;

const KNOWN_KINDS: [&str; 6] = [
    "workflow", "labels", "weight", "metrics", "health", "backtest",
];

enum Outcome {
    Pass,
    Fail(Vec<String>),
    Skip(String),
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut failures: Vec<String> = Vec::new();
    let (mut passed, mut skipped) = (0usize, 0usize);

    // The copy must hold every shared vector, byte for byte.
    let copy_dir = manifest.join("tests/conformance");
    let shared_dir = manifest.join("../../shared/conformance");
    match sync_problems(&shared_dir, &copy_dir) {
        Ok(problems) if problems.is_empty() => {
            println!("sync {} ... ok", shared_dir.display());
            passed += 1;
        }
        Ok(problems) => {
            println!("sync {} ... FAILED", shared_dir.display());
            failures.extend(problems);
        }
        Err(absent) => println!("sync ... {absent}"),
    }

    let mut files = json_files(&copy_dir);
    files.extend(json_files(&manifest.join("tests/vectors")));
    if let Ok(extra) = std::env::var("CSOPS_VECTORS") {
        let p = PathBuf::from(&extra);
        if p.is_dir() {
            files.extend(json_files(&p));
        } else if p.is_file() {
            files.push(p);
        } else {
            failures.push(format!(
                "CSOPS_VECTORS={extra:?} is neither a file nor a folder"
            ));
        }
    }
    for file in files {
        let name = file.display().to_string();
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        match run_file(&file) {
            Outcome::Pass => {
                passed += 1;
                println!("vector {name} ... ok");
            }
            Outcome::Skip(kind) => {
                skipped += 1;
                println!(
                    "vector {name} ... skipped (kind {kind:?} is not known to this build yet)"
                );
            }
            Outcome::Fail(diffs) => {
                println!("vector {name} ... FAILED");
                for d in diffs {
                    failures.push(format!("{name}: {d}"));
                }
            }
        }
    }
    for f in &failures {
        println!("  {f}");
    }
    let failed = failures.len();
    println!("\n{passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        std::process::exit(1);
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Files of `shared` that `copy` lacks or holds differently; `Err` when there is no shared folder.
fn sync_problems(shared: &Path, copy: &Path) -> Result<Vec<String>, String> {
    let rd = std::fs::read_dir(shared).map_err(|_| {
        format!(
            "no {} beside the project: copy not compared",
            shared.display()
        )
    })?;
    let mut problems = Vec::new();
    for entry in rd.filter_map(Result::ok) {
        let name = entry.file_name();
        let theirs = std::fs::read(entry.path()).unwrap_or_default();
        match std::fs::read(copy.join(&name)) {
            Ok(ours) if ours == theirs => {}
            Ok(_) => problems.push(format!(
                "tests/conformance/{} differs from the shared vector: copy it again",
                name.to_string_lossy()
            )),
            Err(_) => problems.push(format!(
                "tests/conformance/ lacks the shared vector {}: copy it",
                name.to_string_lossy()
            )),
        }
    }
    Ok(problems)
}

fn run_file(file: &Path) -> Outcome {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(vec![format!("cannot read: {e}")]),
    };
    let v: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(vec![format!("not JSON: {e}")]),
    };
    let kind = v["kind"].as_str().unwrap_or("").to_owned();
    if !KNOWN_KINDS.contains(&kind.as_str()) {
        return Outcome::Skip(kind);
    }
    let mut diffs = Vec::new();
    match kind.as_str() {
        "labels" => run_labels(&v, &mut diffs),
        "weight" => run_weight(&v, &mut diffs),
        "metrics" => run_metrics(&v, &mut diffs),
        "health" => run_health(&v, &mut diffs),
        "backtest" => run_backtest(&v, &mut diffs),
        _ => run_workflow(&v, &mut diffs),
    }
    if diffs.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(diffs)
    }
}

fn check<T: PartialEq + Debug>(
    diffs: &mut Vec<String>,
    at: &str,
    what: &str,
    expected: T,
    actual: T,
) {
    if expected != actual {
        diffs.push(format!(
            "{at}: {what}: expected {expected:?}, actual {actual:?}"
        ));
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn set(v: &Value) -> BTreeSet<String> {
    strings(v).into_iter().collect()
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn run_labels(v: &Value, diffs: &mut Vec<String>) {
    for (i, case) in arr(&v["parse"]).iter().enumerate() {
        let at = format!("parse[{i}] {}", case["input"]);
        match Label::parse(case["input"].as_str().unwrap_or("")) {
            Ok(l) => {
                check(
                    diffs,
                    &at,
                    "canonical",
                    case["canonical"].as_str(),
                    Some(l.canonical()),
                );
                check(
                    diffs,
                    &at,
                    "state",
                    case["state"].as_str(),
                    l.state().map(|s| s.as_str()),
                );
            }
            Err(e) => diffs.push(format!("{at}: expected a label, actual error {e}")),
        }
    }
    for (i, case) in arr(&v["apply"]).iter().enumerate() {
        let mut s = LabelSet::from_iter(strings(&case["set"]));
        s.add(case["add"].as_str().unwrap_or(""));
        let actual: BTreeSet<String> = s.iter().map(str::to_owned).collect();
        check(
            diffs,
            &format!("apply[{i}]"),
            "result",
            set(&case["result"]),
            actual,
        );
    }
    for (i, case) in arr(&v["scope"]).iter().enumerate() {
        let input = case["input"].as_str().unwrap_or("");
        check(
            diffs,
            &format!("scope[{i}] {input:?}"),
            "scope",
            case["scope"].as_str(),
            label::scope(input),
        );
    }
}

fn run_weight(v: &Value, diffs: &mut Vec<String>) {
    for (i, case) in arr(&v["cases"]).iter().enumerate() {
        let (at, result) = if let Some(h) = case["hours"].as_f64() {
            (format!("cases[{i}] hours {h}"), weight_for_hours(h))
        } else if let Some(w) = case["weight_value"].as_i64() {
            (format!("cases[{i}] weight_value {w}"), Weight::try_from(w))
        } else {
            diffs.push(format!("cases[{i}]: neither hours nor weight_value"));
            continue;
        };
        let actual = match &result {
            Ok(w) => format!("weight {w}"),
            Err(e) => format!("error {}", RejectionKind::from(e)),
        };
        let expected = match (case["weight"].as_i64(), case["error"].as_str()) {
            (Some(w), _) => format!("weight {w}"),
            (None, Some(e)) => format!("error {e}"),
            _ => "neither weight nor error in the vector".to_owned(),
        };
        check(diffs, &at, "answer", expected, actual);
    }
}

/// One metrics case: the metric's value, or `Err` with why the input was refused.
fn metric(name: &str, input: &Value) -> Result<f64, String> {
    use csops_core::metrics as m;
    let num = |key: &str| {
        input[key]
            .as_f64()
            .ok_or_else(|| format!("{key} is not a number"))
    };
    let count = |key: &str| {
        input[key]
            .as_u64()
            .ok_or_else(|| format!("{key} is not a whole number"))
    };
    let answers = || -> Result<Vec<i64>, String> {
        arr(input)
            .iter()
            .map(|a| {
                a.as_i64()
                    .ok_or_else(|| format!("answer {a} is not an integer"))
            })
            .collect()
    };
    let floats = |key: &str| -> Result<Vec<f64>, String> {
        arr(&input[key])
            .iter()
            .map(|a| {
                a.as_f64()
                    .ok_or_else(|| format!("{key}: {a} is not a number"))
            })
            .collect()
    };
    let movement = || -> Result<m::ArrMovement, String> {
        serde_json::from_value(input.clone()).map_err(|e| e.to_string())
    };
    let per_account = input.get("start").is_some();
    match name {
        "nps" => m::nps(&answers()?).map_err(|e| e.to_string()),
        "csat" => m::csat(&answers()?).map_err(|e| e.to_string()),
        "nrr" if per_account => {
            m::nrr_per_account(&floats("start")?, &floats("now")?).map_err(|e| e.to_string())
        }
        "grr" if per_account => {
            m::grr_per_account(&floats("start")?, &floats("now")?).map_err(|e| e.to_string())
        }
        "nrr" => m::nrr(&movement()?).map_err(|e| e.to_string()),
        "grr" => m::grr(&movement()?).map_err(|e| e.to_string()),
        "logo_churn" => m::logo_churn(count("accounts_at_start")?, count("churned_accounts")?)
            .map_err(|e| e.to_string()),
        "license_utilization" => {
            m::license_utilization(num("active_users")?, num("purchased_seats")?)
                .map_err(|e| e.to_string())
        }
        other => Err(format!("unknown metric {other:?}")),
    }
}

fn run_metrics(v: &Value, diffs: &mut Vec<String>) {
    for (i, case) in arr(&v["cases"]).iter().enumerate() {
        let name = case["metric"].as_str().unwrap_or("");
        let at = format!("cases[{i}] {name} {}", case["input"]);
        // SMAU's answer is a structure (`{"total", "by_account"}`), compared whole.
        if name == "smau" {
            let actual = csops_core::metrics::Smau::read(&case["input"])
                .map(|s| serde_json::to_value(&s).expect("SMAU serializes"));
            match (actual, case.get("expect"), case.get("error")) {
                (Ok(actual), Some(expected), _) if &actual == expected => {}
                // `"error": "input"`: refused as an input error, not any error.
                (Err(e), None, Some(kind))
                    if kind == "input"
                        && csops_core::Error::from(e.clone()).class()
                            == csops_core::ErrorClass::Input => {}
                (actual, expected, error) => diffs.push(format!(
                    "{at}: expected {}, actual {actual:?}",
                    expected.map_or_else(
                        || format!("error {}", error.cloned().unwrap_or_default()),
                        |e| e.to_string()
                    )
                )),
            }
            continue;
        }
        match (
            metric(name, &case["input"]),
            case["expect"].as_f64(),
            case.get("error"),
        ) {
            // Exact formulas: equal to within 1e-9 (the vectors' tolerance for scores).
            (Ok(actual), Some(expected), _) if (actual - expected).abs() <= 1e-9 => {}
            (Err(_), None, Some(_)) => {}
            (actual, expected, error) => diffs.push(format!(
                "{at}: expected {}, actual {actual:?}",
                expected.map_or_else(
                    || format!("error {}", error.cloned().unwrap_or_default()),
                    |e| e.to_string()
                )
            )),
        }
    }
}

fn run_workflow(v: &Value, diffs: &mut Vec<String>) {
    let config = match v.get("config") {
        None => Config::default(),
        Some(c) => match Config::from_json(&c.to_string()) {
            Ok(c) => c,
            Err(e) => return diffs.push(format!("config: {e}")),
        },
    };
    let directory = match serde_json::from_value::<std::collections::BTreeMap<String, Vec<String>>>(
        v["directory"].clone(),
    )
    .map_err(|e| e.to_string())
    .and_then(|m| Directory::from_role_names(m).map_err(|e| e.to_string()))
    {
        Ok(d) => d,
        Err(e) => return diffs.push(format!("directory: {e}")),
    };
    let wf = match Workflow::new(directory, config) {
        Ok(wf) => wf,
        Err(e) => return diffs.push(format!("config: {e}")),
    };
    let mut req = match wf.load_request(&v["request"].to_string()) {
        Ok(r) => r,
        Err(e) => return diffs.push(format!("request: {e}")),
    };
    for (i, step) in arr(&v["steps"]).iter().enumerate() {
        let at_label = format!("steps[{i}] {} by {}", step["command"], step["actor"]);
        let Some(at) = step["at"].as_str().and_then(|s| s.parse().ok()) else {
            diffs.push(format!("{at_label}: `at` is not an RFC 3339 time"));
            return;
        };
        let command = match Command::read(&step["command"]) {
            Ok(c) => c,
            Err(e) => {
                diffs.push(format!("{at_label}: command not readable: {e}"));
                return;
            }
        };
        let before = req.clone();
        let result = wf.apply(&mut req, command, step["actor"].as_str().unwrap_or(""), at);
        compare_step(diffs, &at_label, step, &result);
        if result.is_err() {
            check(
                diffs,
                &at_label,
                "request after a rejection (must be unchanged)",
                &before,
                &req,
            );
        }
    }
    let fin = &v["final"];
    if fin.is_object() {
        if let Some(s) = fin["state"].as_str() {
            check(diffs, "final", "state", s, req.state().as_str());
        }
        if let Some(open) = fin["open"].as_bool() {
            check(diffs, "final", "open", open, req.is_open());
        }
        if fin["labels"].is_array() {
            let actual: BTreeSet<String> = req.labels().iter().map(str::to_owned).collect();
            check(diffs, "final", "labels", set(&fin["labels"]), actual);
        }
        if let Some(n) = fin["history_len"].as_u64() {
            check(
                diffs,
                "final",
                "history_len",
                n as usize,
                req.history().len(),
            );
        }
    }
}

fn compare_step(
    diffs: &mut Vec<String>,
    at: &str,
    step: &Value,
    result: &Result<Transition, Rejection>,
) {
    match (result, step.get("expect"), step.get("expect_error")) {
        (Ok(t), Some(e), _) => {
            check(diffs, at, "state", e["state"].as_str(), Some(t.to.as_str()));
            let add: BTreeSet<String> = t.add_labels.iter().map(|l| l.to_string()).collect();
            let remove: BTreeSet<String> = t.remove_labels.iter().map(|l| l.to_string()).collect();
            check(diffs, at, "add_labels", set(&e["add_labels"]), add);
            check(diffs, at, "remove_labels", set(&e["remove_labels"]), remove);
            check(
                diffs,
                at,
                "close",
                e["close"].as_bool().unwrap_or(false),
                t.close,
            );
            check(
                diffs,
                at,
                "reopen",
                e["reopen"].as_bool().unwrap_or(false),
                t.reopen,
            );
        }
        (Err(r), _, Some(e)) => {
            check(
                diffs,
                at,
                "error kind",
                e["kind"].as_str(),
                Some(r.kind.as_str()),
            );
            if e["missing"].is_array() {
                let actual: BTreeSet<String> = r.missing().map(str::to_owned).collect();
                check(diffs, at, "missing", set(&e["missing"]), actual);
            }
        }
        (Ok(t), None, Some(e)) => diffs.push(format!(
            "{at}: expected error {}, actual accepted {} -> {}",
            e["kind"], t.from, t.to
        )),
        (Err(r), Some(e), _) => diffs.push(format!(
            "{at}: expected {}, actual rejected: {r}",
            e["state"]
        )),
        (_, None, None) => diffs.push(format!(
            "{at}: the step has neither expect nor expect_error"
        )),
    }
}

/// The scorecard of a `health` vector: the library's JSON format, or `"default"`.
pub fn health_scorecard(v: &Value) -> Result<Scorecard, HealthError> {
    match &v["scorecard"] {
        Value::String(s) if s == "default" => Ok(Scorecard::default()),
        other => Scorecard::from_json(&other.to_string()),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> Result<Option<T>, String> {
    if v.is_null() {
        Ok(None)
    } else {
        serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

fn run_health(v: &Value, diffs: &mut Vec<String>) {
    let card = match (health_scorecard(v), v.get("scorecard_error")) {
        (Ok(card), None) => card,
        (Err(e), Some(expected)) => {
            let key = match &e {
                HealthError::Scorecard { key, .. } => key.clone(),
                _ => String::new(),
            };
            let want = expected["key"].as_str().unwrap_or("");
            if !key.contains(want) {
                diffs.push(format!(
                    "scorecard error at {key:?}, expected {want:?}: {e}"
                ));
            }
            return;
        }
        (Ok(_), Some(e)) => return diffs.push(format!("scorecard loaded, expected error {e}")),
        (Err(e), None) => return diffs.push(format!("scorecard: {e}")),
    };
    let mut plain = Vec::new();
    for (i, a) in arr(&v["accounts"]).iter().enumerate() {
        let at = format!("accounts[{i}] {}", a["id"].as_str().unwrap_or(""));
        let result = (|| -> Result<_, String> {
            let values: Values =
                serde_json::from_value(a["values"].clone()).map_err(|e| e.to_string())?;
            let as_of = parse(&a["as_of"])?;
            let previous: Option<Previous> = parse(&a["previous"])?;
            let over: Option<Override> = parse(&a["override"])?;
            let ctx = ScoreContext {
                as_of,
                segment: a["segment"].as_str(),
                previous: previous.clone(),
                override_: over.as_ref(),
            };
            let plain_account = previous.is_none() && over.is_none();
            Ok((
                card.score(&values, &ctx).map_err(|e| e.to_string()),
                values,
                plain_account,
            ))
        })();
        let (result, values, plain_account) = match result {
            Ok(r) => r,
            Err(e) => {
                diffs.push(format!("{at}: the vector's input does not read: {e}"));
                continue;
            }
        };
        let e = &a["expect"];
        match (&result, a.get("expect_error")) {
            (Err(err), Some(want)) => {
                let m = want["measure"].as_str().unwrap_or("");
                if !err.contains(m) {
                    diffs.push(format!("{at}: error {err:?} should name {m:?}"));
                }
            }
            (Err(err), None) => diffs.push(format!("{at}: error {err}")),
            (Ok(s), Some(want)) => {
                diffs.push(format!("{at}: scored {:?}, expected error {want}", s.score))
            }
            (Ok(s), None) => {
                let want = e["score"].as_f64();
                let same = match (want, s.score) {
                    (Some(w), Some(a)) => (w - a).abs() <= 1e-9,
                    (None, None) => e["score"].is_null(),
                    _ => false,
                };
                if !same {
                    diffs.push(format!(
                        "{at}: score: expected {}, actual {:?}",
                        e["score"], s.score
                    ));
                }
                check(
                    diffs,
                    &at,
                    "band",
                    e["band"].as_str(),
                    Some(s.band.as_str()),
                );
                if let Some(c) = e["coverage"].as_f64()
                    && (c - s.coverage).abs() > 1e-9
                {
                    diffs.push(format!(
                        "{at}: coverage: expected {c}, actual {}",
                        s.coverage
                    ));
                }
                if e.get("stale").is_some() {
                    check(diffs, &at, "stale", strings(&e["stale"]), s.stale.clone());
                }
                if e.get("vetoes").is_some() {
                    check(
                        diffs,
                        &at,
                        "vetoes",
                        strings(&e["vetoes"]),
                        s.vetoes.clone(),
                    );
                }
                if e.get("computed_band").is_some() {
                    check(
                        diffs,
                        &at,
                        "computed band",
                        e["computed_band"].as_str(),
                        Some(s.computed_band.as_str()),
                    );
                }
                if e.get("trend").is_some() {
                    check(
                        diffs,
                        &at,
                        "trend",
                        e["trend"].as_str().map(str::to_owned),
                        s.trend.map(|t| t.to_string()),
                    );
                }
                if e.get("band_change").is_some() {
                    let actual = s
                        .band_change
                        .as_ref()
                        .map(|c| format!("{} -> {}", c.from, c.to));
                    let expected = e["band_change"].as_array().map(|p| {
                        format!(
                            "{} -> {}",
                            p[0].as_str().unwrap_or(""),
                            p[1].as_str().unwrap_or("")
                        )
                    });
                    check(diffs, &at, "band change", expected, actual);
                }
                if plain_account {
                    plain.push((
                        i,
                        values,
                        a["as_of"].clone(),
                        a["segment"].as_str(),
                        s.clone(),
                    ));
                }
            }
        }
    }
    batch_agrees(&card, &plain, diffs);
}

type PlainAccount<'v> = (
    usize,
    Values,
    Value,
    Option<&'v str>,
    csops_core::health::HealthScore,
);

/// Every account scored without a previous score or override scores the same in one batch
/// per as-of date as alone, bit for bit.
fn batch_agrees(card: &Scorecard, accounts: &[PlainAccount<'_>], diffs: &mut Vec<String>) {
    let mut dates: Vec<&Value> = Vec::new();
    for a in accounts {
        if !dates.contains(&&a.2) {
            dates.push(&a.2);
        }
    }
    for date in dates {
        let rows: Vec<&PlainAccount<'_>> = accounts.iter().filter(|a| &a.2 == date).collect();
        let n = rows.len();
        let m = card.measures().len();
        let mut cols = vec![vec![f64::NAN; n]; m];
        let mut days = vec![vec![csops_core::health::NO_DATE; n]; m];
        let segments: Vec<u32> = match rows
            .iter()
            .map(|r| {
                r.3.map_or(Ok(csops_core::health::NO_SEGMENT), |s| card.segment_code(s))
            })
            .collect()
        {
            Ok(codes) => codes,
            Err(e) => {
                diffs.push(format!("batch: {e}"));
                continue;
            }
        };
        for (r, (_, values, ..)) in rows.iter().enumerate() {
            for (id, obs) in &values.0 {
                let Some(k) = card.measure_index(id) else {
                    continue;
                };
                cols[k][r] = match &obs.value {
                    None => f64::NAN,
                    Some(csops_core::health::Raw::Number(x)) => *x,
                    Some(csops_core::health::Raw::Category(c)) => {
                        card.category_code(k, c).unwrap_or(f64::NAN)
                    }
                };
                if let Some(d) = obs.at {
                    days[k][r] = csops_core::health::epoch_days(d);
                }
            }
        }
        let mut batch = Batch::new(card, n);
        for k in 0..m {
            let id = &card.measures()[k];
            batch = match batch
                .values(id, &cols[k])
                .and_then(|b| b.observed(id, &days[k]))
            {
                Ok(b) => b,
                Err(e) => return diffs.push(format!("batch: {e}")),
            };
        }
        batch = match batch.segments(&segments) {
            Ok(b) => b,
            Err(e) => return diffs.push(format!("batch: {e}")),
        };
        if let Some(d) = date.as_str().and_then(|d| d.parse().ok()) {
            batch = batch.as_of(d);
        }
        match batch.score() {
            Ok(out) => {
                for (r, (i, .., single)) in rows.iter().enumerate() {
                    let same = single.score.map(f64::to_bits)
                        == (!out.score[r].is_nan()).then(|| out.score[r].to_bits())
                        && single.band == card.band_name(out.band[r])
                        && single.coverage.to_bits() == out.coverage[r].to_bits();
                    if !same {
                        diffs.push(format!(
                            "accounts[{i}]: batch ({}, {}, {}) differs from single ({:?}, {}, {})",
                            out.score[r],
                            card.band_name(out.band[r]),
                            out.coverage[r],
                            single.score,
                            single.band,
                            single.coverage
                        ));
                    }
                }
            }
            Err(e) => diffs.push(format!("batch: {e}")),
        }
    }
}

/// A `backtest` vector (the project's own kind; README "Conformance vectors"): the as-of rows
/// of `input.dates`, then the report (or the error) of `input`'s outcomes.
fn run_backtest(v: &Value, diffs: &mut Vec<String>) {
    let card = match health_scorecard(v) {
        Ok(c) => c,
        Err(e) => return diffs.push(format!("scorecard: {e}")),
    };
    let input = match BacktestInput::from_json(&v["input"].to_string()) {
        Ok(i) => i,
        Err(e) => return diffs.push(format!("input: {e}")),
    };
    if let Some(rows) = v.get("as_of") {
        match input.score_history(&card) {
            Ok(actual) => {
                let actual = serde_json::to_value(actual).unwrap_or_default();
                subset("as_of", rows, &actual, diffs);
            }
            Err(e) => diffs.push(format!("as_of: {e}")),
        }
    }
    match (input.backtest(&card), v.get("expect_error")) {
        (Err(e), Some(want)) => {
            let input_name = match &e {
                HealthError::Input { input, .. } => input.as_str(),
                _ => "",
            };
            if want
                .get("input")
                .and_then(Value::as_str)
                .is_some_and(|w| w != input_name)
            {
                diffs.push(format!(
                    "error about {input_name:?}, expected {}: {e}",
                    want["input"]
                ));
            }
            if let Some(row) = want.get("row").and_then(Value::as_u64)
                && e.row() != usize::try_from(row).ok()
            {
                diffs.push(format!("error row {:?}, expected {row}: {e}", e.row()));
            }
        }
        (Err(e), None) => diffs.push(format!("backtest: {e}")),
        (Ok(_), Some(want)) => diffs.push(format!("backtest ran, expected error {want}")),
        (Ok(report), None) => {
            if let Some(expect) = v.get("expect") {
                subset("expect", expect, &report_shape(&report), diffs);
            }
        }
    }
}

/// A report as the vectors write it: each lead time's lists as account names, and their
/// reasons beside them.
fn report_shape(report: &csops_core::health::Backtest) -> Value {
    let mut out = serde_json::to_value(report).unwrap_or_default();
    if let Some(leads) = out["lead_times"].as_array_mut() {
        for l in leads {
            for list in ["missed_churn", "false_alarms"] {
                let pairs = l[list].as_array().cloned().unwrap_or_default();
                l[list] = pairs.iter().map(|p| p["account"].clone()).collect();
                let reasons: Value = pairs.iter().map(|p| p["reasons"].clone()).collect();
                let name = if list == "missed_churn" {
                    "missed_churn_reasons"
                } else {
                    "false_alarm_reasons"
                };
                l[name] = reasons;
            }
        }
    }
    out
}

/// Every key of `expected` is in `actual` with the same value (numbers within 1e-9; arrays
/// of the same length, element by element; `null` is `null`).
fn subset(at: &str, expected: &Value, actual: &Value, diffs: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(&format!("{at}.{k}"), ev, av, diffs),
                    None => diffs.push(format!("{at}.{k}: missing, expected {ev}")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(&format!("{at}[{i}]"), ev, av, diffs);
            }
        }
        (Value::Number(e), Value::Number(a))
            if (e.as_f64().unwrap_or(f64::NAN) - a.as_f64().unwrap_or(f64::NAN)).abs() <= 1e-9 => {}
        (e, a) if e == a => {}
        (e, a) => diffs.push(format!("{at}: expected {e}, actual {a}")),
    }
}
