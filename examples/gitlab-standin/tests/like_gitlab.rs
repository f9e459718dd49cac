//! The stand-in answers as GitLab's REST API docs show GitLab answering ("Pagination", "Rate
//! limits", "Resource label events"), so that tests against it are not a mirror of csops's own
//! client.

use gitlab_standin::{Faults, Project, generate, serve};

const TOKEN: &str = "t";

#[tokio::test]
async fn pages_carry_the_headers_gitlab_documents() {
    let data = generate(
        Project {
            id: 8,
            path: "g/p".into(),
        },
        10,
        4,
        1,
    );
    let s = serve(data, TOKEN, Faults::default()).await.unwrap();
    let r = reqwest::Client::new()
        .get(format!(
            "{}/api/v4/projects/8/issues?per_page=3&page=2",
            s.url()
        ))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await
        .unwrap();
    let h = r.headers().clone();
    let get = |k: &str| h.get(k).unwrap().to_str().unwrap().to_owned();
    // The docs' example: x-next-page 3, x-page 2, x-per-page 3, x-prev-page 1, x-total, x-total-pages.
    assert_eq!(
        (
            get("x-page"),
            get("x-per-page"),
            get("x-prev-page"),
            get("x-next-page")
        ),
        ("2".into(), "3".into(), "1".into(), "3".into())
    );
    assert_eq!(
        (get("x-total"), get("x-total-pages")),
        ("10".into(), "4".into())
    );
    let link = get("link");
    for rel in ["prev", "next", "first", "last"] {
        assert!(link.contains(&format!("rel=\"{rel}\"")), "{link}");
    }
    assert!(
        link.contains("page=3") && link.contains("per_page=3"),
        "{link}"
    );
    let page: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 3);
    // GitLab's default order: created_at, newest first.
    assert!(page[0]["created_at"].as_str() > page[2]["created_at"].as_str());
    // A page past 100 is 100; the last page's next is blank.
    let last = reqwest::Client::new()
        .get(format!(
            "{}/api/v4/projects/g%2Fp/issues?per_page=500",
            s.url()
        ))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(last.headers()["x-per-page"], "100");
    assert_eq!(last.headers()["x-next-page"], "");
}

#[tokio::test]
async fn a_rate_limit_answers_429_with_gitlab_s_headers_and_no_token_is_401() {
    let data = generate(
        Project {
            id: 8,
            path: "g/p".into(),
        },
        2,
        2,
        1,
    );
    let faults = Faults {
        rate_limit: Some((2, 60)),
        ..Faults::default()
    };
    let s = serve(data, TOKEN, faults).await.unwrap();
    let client = reqwest::Client::new();
    let url = format!(
        "{}/api/v4/projects/8/issues/1/resource_label_events",
        s.url()
    );
    let nobody = client.get(&url).send().await.unwrap();
    assert_eq!(nobody.status(), 401);
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            client
                .get(&url)
                .header("Authorization", format!("Bearer {TOKEN}"))
                .send()
                .await
                .unwrap(),
        );
    }
    let r = last.unwrap();
    assert_eq!(r.status(), 429);
    for k in [
        "retry-after",
        "ratelimit-limit",
        "ratelimit-observed",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-resettime",
        "ratelimit-name",
    ] {
        assert!(r.headers().contains_key(k), "{k}");
    }
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(r.headers()["ratelimit-remaining"], "0");
    assert_eq!(
        s.tally().throttled,
        2,
        "the unauthenticated call counted too, as Rack::Attack counts"
    );
}
