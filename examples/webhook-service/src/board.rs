//! `GET /board` and `GET /board.json`: the live board (SPEC §6) from the requests the service
//! keeps, the same page the command line writes for an audit, less the audit's violations.
//! Behind a read token of its own — `?token=` for a bookmark, or `Authorization: Bearer` —
//! checked before anything is read: a stranger costs a 401 and nothing else.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use csops_core::report::{BoardReport, FlowReport, FlowWindow};
use csops_core::workflow::Request;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::hook::{Shared, busy};

/// The board and its flow, as the page and its JSON show them.
#[derive(serde::Serialize)]
struct Live {
    board: BoardReport,
    flow: FlowReport,
}

/// What keeps the board from being made.
#[derive(Debug, thiserror::Error)]
enum BoardError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Report(#[from] csops_core::report::ReportError),
}

/// The one token given — `?token=` or `Authorization: Bearer` — equals the board's. Two tokens
/// (two `token=`, two headers, or one of each) are no answer. The SHA-256 digests are compared,
/// in constant time, so that neither the time nor the length of a wrong guess says anything.
fn authorized(headers: &HeaderMap, query: Option<&str>, token: &str) -> bool {
    let mut given: Vec<String> = query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "token")
        .map(|(_, v)| v)
        .collect();
    for v in headers.get_all(header::AUTHORIZATION) {
        let bearer = v.to_str().ok().and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_owned())
        });
        // A header that is no bearer token still counts as a second answer.
        given.push(bearer.unwrap_or_default());
    }
    match given.as_slice() {
        [one] => {
            use sha2::{Digest, Sha256};
            bool::from(Sha256::digest(one.as_bytes()).ct_eq(&Sha256::digest(token.as_bytes())))
        }
        _ => false,
    }
}

/// The board as of now, or as of the latest change kept when that is later (an event may be
/// dated up to the allowed clock skew ahead).
fn live(shared: &Shared) -> Result<Live, BoardError> {
    let wf = &shared.workflow;
    let mut requests: Vec<Request> = Vec::new();
    for json in shared.store.requests()? {
        match wf.load_request(&json) {
            Ok(r) => requests.push(r),
            Err(e) => tracing::warn!(error = %e, "board: a stored request does not load"),
        }
    }
    let latest = requests
        .iter()
        .flat_map(|r| {
            r.history()
                .last()
                .map(|s| s.at)
                .into_iter()
                .chain(r.closed_at())
                .chain([r.created_at()])
        })
        .max();
    let now: DateTime<Utc> = Utc::now();
    let as_of = latest.map_or(now, |l| l.max(now));
    let board = wf.board_report(&requests, as_of)?;
    let flow = wf.flow_report(&requests, FlowWindow::default_for(&requests, as_of))?;
    Ok(Live { board, flow })
}

/// Answers `/board` or `/board.json`: the token first, then the board made off the async
/// threads.
async fn answer(
    shared: Arc<Shared>,
    headers: HeaderMap,
    query: Option<String>,
    html: bool,
) -> Response {
    let Some(token) = shared.board_token.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no board: the service has no board_token"})),
        )
            .into_response();
    };
    if !authorized(&headers, query.as_deref(), token) {
        tracing::warn!("board: wrong, missing or repeated token");
        let mut r = (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "wrong or missing board token"})),
        )
            .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    let title = shared.board_title.clone();
    let made = tokio::task::spawn_blocking(move || {
        let live = live(&shared)?;
        Ok::<_, BoardError>(if html {
            csops_pages::live_board_page(&live.board, &live.flow, &title)
        } else {
            serde_json::to_string(&live).unwrap_or_default()
        })
    })
    .await;
    let body = match made {
        Ok(Ok(body)) => body,
        Ok(Err(BoardError::Store(e))) => {
            tracing::warn!(error = %e, "board: the store cannot be read");
            return busy("the store cannot be read; try again");
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "board: cannot be made");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({"error": e.to_string()})),
            )
                .into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "board: the task failed");
            return busy("the board could not be made; try again");
        }
    };
    let kind = if html {
        "text/html; charset=utf-8"
    } else {
        "application/json"
    };
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The token may be in the address: kept out of caches and referrers.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
    );
    r
}

/// `GET /board`: the live board's page.
pub async fn board_page(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    answer(shared, headers, query, true).await
}

/// `GET /board.json`: the numbers of the live board's page (`{"board": …, "flow": …}`).
pub async fn board_json(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    answer(shared, headers, query, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_by_query_or_header_opens_the_board() {
        let token = "board-read-token-0123";
        let none = HeaderMap::new();
        let mut bearer = HeaderMap::new();
        bearer.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        assert!(authorized(&none, Some(&format!("token={token}")), token));
        assert!(authorized(
            &none,
            Some(&format!("x=1&token={token}")),
            token
        ));
        assert!(authorized(&bearer, None, token));
        assert!(!authorized(&none, None, token));
        assert!(!authorized(
            &none,
            Some("token=board-read-token-0124"),
            token
        ));
        assert!(!authorized(&none, Some("token="), token));
        // Two tokens are no answer, even when one is right.
        assert!(!authorized(&bearer, Some(&format!("token={token}")), token));
        let mut two = bearer.clone();
        two.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(!authorized(&two, None, token));
        assert!(!authorized(&none, Some("%zz"), token));
        assert!(!authorized(
            &none,
            Some(&format!("token={token}&token={token}")),
            token
        ));
        let mut lower = HeaderMap::new();
        lower.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("bearer {token}")).unwrap(),
        );
        assert!(authorized(&lower, None, token));
        let mut basic = HeaderMap::new();
        basic.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic eA=="),
        );
        assert!(!authorized(&basic, Some(&format!("token={token}")), token));
    }
}
