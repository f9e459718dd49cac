//! The next page of a list, as GitLab says it: the `Link` header's `rel="next"` (offset pages,
//! and keyset pages, whose cursor only the link carries), else `X-Next-Page` (a page number;
//! blank on the last page). GitLab leaves `Link` out behind some proxies and `X-Total` out past
//! 10,000 results, so neither is required.

use reqwest::Url;
use reqwest::header::HeaderMap;

/// The URL of the page after `current`, or `None` on the last page. A `Link` to another host
/// than `current`'s is not followed (the token would go with it); `X-Next-Page` is used instead.
pub fn next_page(current: &Url, headers: &HeaderMap) -> Option<Url> {
    let same_origin = |u: &Url| u.origin() == current.origin();
    let linked = headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(link_next)
        .and_then(|href| current.join(&href).ok());
    if let Some(url) = linked.filter(same_origin) {
        return Some(url);
    }
    let page = headers
        .get("x-next-page")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())?
        .parse::<u64>()
        .ok()?;
    let mut url = current.clone();
    let kept: Vec<(String, String)> = current
        .query_pairs()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("page", &page.to_string());
    Some(url)
}

/// The target of the `rel="next"` link in a `Link` header value (RFC 8288:
/// `<url>; rel="next", <url>; rel="last"`); a URL may itself hold commas and semicolons.
pub fn link_next(value: &str) -> Option<String> {
    let mut rest = value;
    loop {
        let open = rest.find('<')?;
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let is_next = params.split(';').any(|p| {
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_end_matches(',')
                    .trim_end()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
        rest = &after[params_end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn gitlab_s_documented_link_header_is_followed() {
        // The example in GitLab's REST API docs ("Pagination Link header").
        let link = r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="prev", <https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="next", <https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="first", <https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="last""#;
        let current = Url::parse(
            "https://gitlab.example.com/api/v4/projects/8/issues/8/notes?per_page=3&page=2",
        )
        .unwrap();
        let next = next_page(&current, &headers(&[("Link", link), ("X-Next-Page", "3")])).unwrap();
        assert_eq!(next.query(), Some("page=3&per_page=3"));
        // Keyset: only the link carries the cursor.
        let keyset = r#"<https://gitlab.example.com/api/v4/projects?pagination=keyset&per_page=50&order_by=id&sort=asc&id_after=42>; rel="next""#;
        assert!(
            next_page(&current, &headers(&[("Link", keyset)]))
                .unwrap()
                .as_str()
                .ends_with("id_after=42")
        );
    }

    #[test]
    fn without_a_link_the_next_page_number_is_used_and_a_blank_one_ends() {
        let current = Url::parse(
            "https://g.example/api/v4/projects/1/issues?per_page=100&page=1&order_by=updated_at",
        )
        .unwrap();
        let next = next_page(&current, &headers(&[("X-Next-Page", "2")])).unwrap();
        assert_eq!(
            next.query(),
            Some("per_page=100&order_by=updated_at&page=2")
        );
        assert_eq!(next_page(&current, &headers(&[("X-Next-Page", "")])), None);
        assert_eq!(
            next_page(&current, &headers(&[("X-Next-Page", "  ")])),
            None
        );
        assert_eq!(next_page(&current, &HeaderMap::new()), None);
        let only_last = r#"<https://g.example/api/v4/projects/1/issues?page=9>; rel="last""#;
        assert_eq!(next_page(&current, &headers(&[("Link", only_last)])), None);
    }

    #[test]
    fn a_link_elsewhere_is_not_followed_with_the_token() {
        let current = Url::parse("https://g.example/api/v4/projects/1/issues?page=1").unwrap();
        let away = r#"<https://evil.example/steal?page=2>; rel="next""#;
        let next = next_page(&current, &headers(&[("Link", away), ("X-Next-Page", "2")])).unwrap();
        assert_eq!(next.host_str(), Some("g.example"));
        assert_eq!(
            link_next(r#"<a,b;c>; rel="prev next""#).as_deref(),
            Some("a,b;c")
        );
        assert_eq!(link_next("garbage <"), None);
    }

    proptest::proptest! {
        // The headers are outside text: any value reads to a next page or none, never a panic,
        // and a followed link never leaves the GitLab the token is for.
        #[test]
        fn any_header_reads_without_panic(link in ".{0,200}", next in ".{0,12}") {
            let current = Url::parse("https://g.example/api/v4/projects/1/issues?page=1").unwrap();
            let _ = link_next(&link);
            let mut h = HeaderMap::new();
            if let Ok(v) = link.parse() {
                h.insert("link", v);
            }
            if let Ok(v) = next.parse() {
                h.insert("x-next-page", v);
            }
            if let Some(url) = next_page(&current, &h) {
                proptest::prop_assert_eq!(url.origin(), current.origin());
            }
        }
    }
}
