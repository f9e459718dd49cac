//! The pages of the sample data: each number on a page is the JSON report's number at the path
//! it names, each chart has the points it should, and nothing is fetched. The pages are written
//! to `target/pages/` for a person (and the browser test) to look at.

use std::path::PathBuf;

use csops_core::gitlab::{self, AuditRun};
use csops_core::{Config, Directory, State, Workflow};
use serde_json::Value;
use strum::VariantArray;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn wild(as_of: &str) -> AuditRun {
    let wf = Workflow::new(
        Directory::from_json(&read("examples/gitlab-wild/directory.json")).unwrap(),
        Config::default(),
    )
    .unwrap();
    gitlab::audit_export(
        &wf,
        &read("examples/gitlab-wild/issues.json"),
        Some(&read("examples/gitlab-wild/label_events.json")),
        as_of.parse().unwrap(),
    )
    .unwrap()
}

fn keep(name: &str, page: &str) {
    let dir = root().join("target/pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), page).unwrap();
}

/// The text between `start` and the next `end` after each occurrence of `start`.
fn between<'a>(text: &'a str, start: &'a str, end: &'a str) -> impl Iterator<Item = &'a str> {
    text.split(start)
        .skip(1)
        .filter_map(move |s| s.split(end).next())
}

/// The value at a dotted path of a JSON document (keys and list positions).
fn at<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |v, key| match v {
        Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        Value::Object(o) => o.get(key),
        _ => None,
    })
}

/// Checks every number the page shows against the report's JSON; returns how many.
fn numbers_match(page: &str, json: &Value) -> usize {
    let mut checked = 0;
    for span in between(page, "<span class=\"n\" data-json=\"", "</span>") {
        let (path, rest) = span.split_once('"').unwrap();
        let scale: f64 = between(rest, "data-scale=\"", "\"")
            .next()
            .map_or(1.0, |s| s.parse().unwrap());
        let (attributes, text) = rest.split_once('>').unwrap();
        let value = at(json, path).unwrap_or_else(|| panic!("{path} is not in the report"));
        let value = match value {
            Value::Array(a) if attributes.contains("data-length") => &Value::from(a.len()),
            v => v,
        };
        match value.as_f64() {
            None => assert!(value.is_null() && text == "–", "{path}: {text} for {value}"),
            Some(v) => {
                let shown: f64 = text.replace(',', "").parse().unwrap();
                let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
                let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
                assert!(
                    (shown - v / scale).abs() <= tolerance,
                    "{path}: the page shows {text}, the report has {v} (÷ {scale})"
                );
            }
        }
        checked += 1;
    }
    checked
}

fn fetches_nothing(page: &str) {
    assert!(!page.contains("<script"));
    assert!(!page.contains(" src=\""), "nothing is loaded from anywhere");
    assert!(!page.contains("<link"));
    assert!(!page.contains("url("));
    assert!(page.contains("default-src 'none'"));
}

#[test]
fn the_board_page_shows_the_reports_numbers_and_charts() {
    let run = wild("2026-05-11T00:00:00Z");
    let page = csops_pages::board_page(&run, "cs-ops/requests");
    keep("board-wild.html", &page);
    let json = serde_json::to_value(&run).unwrap();
    fetches_nothing(&page);
    assert!(numbers_match(&page, &json) > 50);

    // The cumulative flow diagram: one polygon per state with requests, 2 × days points each.
    let cfd = between(&page, "<figure id=\"cfd\">", "</figure>")
        .next()
        .unwrap();
    let days = run.flow.day_list().count();
    let states = states_drawn(&run);
    let polygons: Vec<&str> = between(cfd, "<polygon ", "/>")
        .filter_map(|p| between(p, "points=\"", "\"").next())
        .collect();
    assert_eq!(polygons.len(), states);
    for p in &polygons {
        assert_eq!(p.split_whitespace().count(), 2 * days);
    }

    // The control chart: one circle per completion.
    let control = between(&page, "<figure id=\"control-chart\">", "</figure>")
        .next()
        .unwrap();
    assert_eq!(
        control.matches("<circle").count(),
        run.flow.completions.len()
    );
    assert!(!run.flow.completions.is_empty());

    // Violations link to their issues.
    let linked = run
        .audit
        .issues
        .iter()
        .filter(|i| !i.violations.is_empty())
        .filter_map(|i| run.web_urls.get(&i.iid))
        .next()
        .unwrap();
    assert!(page.contains(&format!("<a href=\"{linked}\">")));
}

/// How many states have a request on some day of the flow (the layers the diagram draws).
fn states_drawn(run: &AuditRun) -> usize {
    State::VARIANTS
        .iter()
        .filter(|s| {
            run.flow
                .days
                .iter()
                .any(|c| c.state == **s && c.requests > 0)
        })
        .count()
}

#[test]
fn a_board_as_of_a_past_date_is_the_board_of_that_day() {
    let run = wild("2026-04-01T00:00:00Z");
    assert!(run.audit.errors.is_empty());
    let page = csops_pages::board_page(&run, "cs-ops/requests");
    keep("board-wild-2026-04-01.html", &page);
    let json = serde_json::to_value(&run).unwrap();
    assert!(numbers_match(&page, &json) > 20);
    assert!(page.contains("created after this date not yet known"));
}

#[test]
fn an_empty_board_is_a_page_too() {
    let wf = Workflow::with_directory(Directory::new());
    let run =
        gitlab::audit_export(&wf, "[]", None, "2026-03-16T00:00:00Z".parse().unwrap()).unwrap();
    let page = csops_pages::board_page(&run, "");
    fetches_nothing(&page);
    assert!(page.contains("No request has been finished yet."));
    let json = serde_json::to_value(&run).unwrap();
    numbers_match(&page, &json);
}

/// What an export holds is text, never markup: a title, a project or an account name with
/// `<script>` is escaped, and an issue's `web_url` that is not on the web is not a link.
#[test]
fn what_an_export_holds_is_escaped_and_only_web_addresses_are_links() {
    let wf = Workflow::with_directory(Directory::new());
    let issues = r#"[
      {"iid": 1, "title": "<script>alert(1)</script>", "state": "opened",
       "labels": ["CSOps", "CSOps::In_Process"], "author": {"username": "rita"},
       "created_at": "2026-03-02T09:00:00Z", "web_url": "javascript:alert(1)"},
      {"iid": 2, "title": "ok", "state": "opened", "labels": ["CSOps", "CSOps::In_Process"],
       "author": {"username": "rita"}, "created_at": "2026-03-02T09:00:00Z",
       "web_url": "https://gitlab.example.com/cs/ops/-/issues/2"}]"#;
    let run =
        gitlab::audit_export(&wf, issues, None, "2026-03-16T00:00:00Z".parse().unwrap()).unwrap();
    let page = csops_pages::board_page(&run, "<img src=x onerror=alert(2)>");
    fetches_nothing(&page);
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(!page.contains("javascript:"));
    assert!(page.contains(r#"<a href="https://gitlab.example.com/cs/ops/-/issues/2">#2</a>"#));
    // In a notebook the page sits in a sandboxed frame, escaped once more.
    let framed = csops_pages::embedded(&page);
    assert!(framed.starts_with("<iframe sandbox=") && !framed.contains("<script"));
}
