//! The shell every page shares: one HTML document holding its own style, no script, and a
//! content security policy that forbids fetching anything (SPEC §6: it opens offline); the
//! numbers it shows and the JSON paths they come from.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use plotters::style::RGBColor;

/// The style of every page: readable on a laptop, a phone and paper.
const STYLE: &str = include_str!("page.css");

/// Nothing may be fetched: no script, no font, no image, no style from elsewhere.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// A whole page: `title`, a line under it, and the body.
pub(crate) fn document(title: &str, subtitle: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                // A page served with a token in its address never sends it on with a link.
                meta name="referrer" content="no-referrer";
                meta name="generator" content=(concat!("csops ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (title) }
                    p.subtitle { (subtitle) }
                }
                main { (body) }
                footer {
                    p {
                        "Made by csops " (env!("CARGO_PKG_VERSION"))
                        ". Every number on this page is a number of the report's JSON; "
                        "this page is one file and fetches nothing."
                    }
                }
            }
        }
    }
    .into_string()
}

/// A page to show inside another (a notebook's cell): in a sandboxed frame, so that its style
/// restyles nothing around it and nothing in it runs; it keeps its policy and its links.
pub fn embedded(page: &str) -> String {
    html! {
        iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc=(page)
            style="width: 100%; height: 80vh; border: 1px solid #ddd; border-radius: 6px" {}
    }
    .into_string()
}

/// A number shown on a page, with the JSON path it comes from (`data-json`); when the page
/// shows it in other units, the divisor (`data-scale`: 24 for hours shown in days); when the
/// path names a list, `data-length` (the number is its length).
pub(crate) struct Number {
    /// The path in the report's JSON: keys and list positions joined by dots.
    pub path: String,
    /// The value as the JSON holds it.
    pub value: Option<f64>,
    /// What the page divides it by.
    pub scale: f64,
    /// Decimals shown.
    pub decimals: usize,
    /// Whether the path names a list whose length is the number.
    pub length: bool,
}

impl Number {
    /// A count.
    pub(crate) fn count(path: impl Into<String>, n: usize) -> Number {
        Number {
            path: path.into(),
            value: Some(n as f64),
            scale: 1.0,
            decimals: 0,
            length: false,
        }
    }

    /// The length of the list at `path`.
    pub(crate) fn length(path: impl Into<String>, n: usize) -> Number {
        Number {
            length: true,
            ..Number::count(path, n)
        }
    }

    /// A quantity with `decimals` decimals.
    pub(crate) fn quantity(path: impl Into<String>, value: Option<f64>, decimals: usize) -> Number {
        Number {
            path: path.into(),
            value,
            scale: 1.0,
            decimals,
            length: false,
        }
    }

    /// Hours, shown in days with one decimal.
    pub(crate) fn days(path: impl Into<String>, hours: Option<f64>) -> Number {
        Number {
            path: path.into(),
            value: hours,
            scale: 24.0,
            decimals: 1,
            length: false,
        }
    }

    /// A share (0–1), shown in percent with one decimal.
    pub(crate) fn percent(path: impl Into<String>, share: Option<f64>) -> Number {
        Number {
            path: path.into(),
            value: share,
            scale: 0.01,
            decimals: 1,
            length: false,
        }
    }

    /// The text the page shows.
    pub(crate) fn text(&self) -> String {
        match self.value {
            Some(v) => grouped(v / self.scale, self.decimals),
            None => "–".to_owned(),
        }
    }
}

impl maud::Render for Number {
    fn render(&self) -> Markup {
        let scale = (self.scale != 1.0).then(|| self.scale.to_string());
        html! {
            span.n data-json=(self.path) data-scale=[scale] data-length[self.length] { (self.text()) }
        }
    }
}

/// `v` with `decimals` decimals and thousands separated by commas (`12,345.6`).
pub(crate) fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A figure: a chart, its key, its caption, and its numbers in a table under a fold.
pub(crate) fn figure(
    id: &str,
    chart: String,
    key: &[(&str, RGBColor)],
    caption: &str,
    numbers: Option<Markup>,
) -> Markup {
    html! {
        figure id=(id) {
            div.chart { (PreEscaped(chart)) }
            @if !key.is_empty() {
                ul.key {
                    @for (name, color) in key {
                        li { span.swatch style=(format!("background:#{:02x}{:02x}{:02x}", color.0, color.1, color.2)) {} (name) }
                    }
                }
            }
            figcaption { (caption) }
            @if let Some(table) = numbers {
                details {
                    summary { "The numbers" }
                    div.scroll { (table) }
                }
            }
        }
    }
}

/// A headline figure.
pub(crate) fn tile(label: &str, value: Number, unit: &str) -> Markup {
    html! {
        div.tile {
            div.value { (value) @if !unit.is_empty() { " " span.unit { (unit) } } }
            div.label { (label) }
        }
    }
}

/// A link to an issue's page when the export gives one on the web (`http`, `https`), else its
/// number: a `javascript:` or `data:` address in an export is never made a link.
pub(crate) fn issue_link(iid: u64, url: Option<&String>) -> Markup {
    let web = url.filter(|u| {
        let u = u.trim_start().to_ascii_lowercase();
        u.starts_with("https://") || u.starts_with("http://")
    });
    html! {
        @if let Some(url) = web {
            a href=(url) { "#" (iid) }
        } @else {
            "#" (iid)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(1234567.0, 0), "1,234,567");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1234.56, 1), "1,234.6");
        assert_eq!(grouped(-0.04, 1), "0.0");
        assert_eq!(grouped(-1500.0, 0), "-1,500");
    }

    #[test]
    fn a_shown_number_carries_its_path_and_scale() {
        let html = maud::Render::render(&Number::days("board.x", Some(36.0))).into_string();
        assert_eq!(
            html,
            r#"<span class="n" data-json="board.x" data-scale="24">1.5</span>"#
        );
        assert_eq!(Number::count("a", 3).text(), "3");
        assert_eq!(Number::quantity("a", None, 1).text(), "–");
    }
}
