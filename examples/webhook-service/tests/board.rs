//! The live board (SPEC §6): the service serves the board's page and its numbers at `/board`
//! and `/board.json` from the requests it keeps, behind a read token of its own. A stranger, a
//! wrong token and the webhook's secret get a 401 and nothing else; the page is the same
//! renderer's as the command line's, its numbers those of `/board.json`.

mod support;

use csops_webhook_service::Settings;
use serde_json::Value;
use support::*;

async fn get(url: &str, bearer: Option<&str>) -> (u16, String, reqwest::header::HeaderMap) {
    let mut r = reqwest::Client::new().get(url);
    if let Some(t) = bearer {
        r = r.bearer_auth(t);
    }
    let resp = r.send().await.expect("the service answers");
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, resp.text().await.unwrap(), headers)
}

#[tokio::test]
async fn the_live_board_is_a_page_behind_a_token_of_its_own() {
    let (dir, _g, gaddr, _guard) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    for (iid, at) in [
        (23, "2026-03-03 10:00:00 UTC"),
        (24, "2026-03-04 11:00:00 UTC"),
    ] {
        let (status, d) = deliver(
            svc.addr,
            &hook(iid, "lena", Some(BASE), TRIAGE, at),
            Some(&format!("u{iid}")),
        )
        .await;
        assert_eq!(status, 200, "{d}");
    }
    let base = format!("http://{}", svc.addr);

    // Strangers: no token, a wrong one, the webhook's secret, two at once.
    for (url, bearer) in [
        (format!("{base}/board"), None),
        (format!("{base}/board?token=guess"), None),
        (format!("{base}/board?token={SECRET}"), None),
        (format!("{base}/board.json"), Some(SECRET)),
        (format!("{base}/board?token={BOARD_TOKEN}"), Some("other")),
    ] {
        let (status, body, headers) = get(&url, bearer).await;
        assert_eq!(status, 401, "{url}");
        assert!(!body.contains("CS Ops board") && body.len() < 100, "{body}");
        assert_eq!(headers["www-authenticate"], "Bearer");
    }

    // The lead's bookmark.
    let (status, page, headers) = get(&format!("{base}/board?token={BOARD_TOKEN}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("CS Ops board: cs/ops"));
    assert!(page.contains(r#"<figure id="cfd">"#) && !page.contains("<script"));

    // Its numbers are those of /board.json (read with the header instead).
    let (status, json, _) = get(&format!("{base}/board.json"), Some(BOARD_TOKEN)).await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["board"]["requests"], 2);
    let triage = doc["flow"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| c["state"] == "Triage")
        .unwrap();
    assert_eq!(triage["requests"], 2, "both in Triage on the last day");
    assert!(page.contains(r#"<span class="n" data-json="board.requests">2</span>"#));
    svc.shutdown().await;
}

#[tokio::test]
async fn without_a_board_token_there_is_no_board() {
    let (dir, _g, gaddr, _guard) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.board_token = None;
    let svc = service(&s).await;
    let (status, _, _) = get(&format!("http://{}/board?token=anything", svc.addr), None).await;
    assert_eq!(status, 404);
    svc.shutdown().await;
}

#[test]
fn the_board_token_is_not_the_webhook_secret_and_not_short() {
    let dir = tempfile::tempdir().unwrap();
    let base = settings(dir.path(), "127.0.0.1:9".parse().unwrap());
    let same = Settings {
        board_token: Some(SECRET.repeat(2)),
        secret_token: SECRET.repeat(2),
        ..base.clone()
    };
    let e = same.with_env(|_| None).unwrap_err().to_string();
    assert!(e.contains("webhook's secret"), "{e}");
    let short = Settings {
        board_token: Some("short".into()),
        ..base
    };
    let e = short.with_env(|_| None).unwrap_err().to_string();
    assert!(e.contains("at least 16"), "{e}");
}
