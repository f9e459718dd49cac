//! The parsers' messages csops rewords (`words.rs`, by matching their text) pinned against the
//! real libraries: when a serde, serde_json or chrono upgrade changes its wording, the
//! rewording would silently stop and users would read the library's words; this test fails
//! first.

use chrono::{DateTime, Utc};
use csops_core::reader_words;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Three {
    a: i64,
    b: i64,
    c: i64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Kind {
    Red,
    Green,
    Blue,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Either {
    N(i64),
    B(bool),
}

fn json<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> String {
    serde_json::from_str::<T>(text).unwrap_err().to_string()
}

#[test]
fn every_message_csops_rewords_is_still_worded_so_by_its_library() {
    let deep = "[".repeat(200);
    let cases: Vec<(String, &str)> = vec![
        (
            json::<i64>(r#""3""#),
            r#"expected a whole number, found the text "3""#,
        ),
        (
            json::<u8>("300"),
            "expected a whole number, 0 or more, found 300",
        ),
        (
            json::<[i64; 2]>("[1]"),
            "expected an array of length 2, found 1 items",
        ),
        (
            json::<Three>(r#"{"d": 1}"#),
            r#"unknown field "d"; the fields are a, b, c"#,
        ),
        (
            json::<Kind>(r#""Pink""#),
            r#"unknown value "Pink"; expected one of Red, Green, Blue"#,
        ),
        (
            json::<Three>(r#"{"a": 1}"#),
            r#"the field "b" is required, but missing"#,
        ),
        (
            json::<Three>(r#"{"a": 1, "a": 2}"#),
            r#""a" is given twice"#,
        ),
        (json::<Either>(r#""x""#), "not a value this field takes"),
        (
            json::<i64>(""),
            "not valid JSON: it ends too soon (line 1, column 0)",
        ),
        (
            json::<i64>("x"),
            "not valid JSON: expected a value (an object, a list, text in double quotes, a number, true, false or null) (line 1, column 1)",
        ),
        (
            json::<i64>("1 2"),
            "not valid JSON: there is more after the end of the document (line 1, column 3)",
        ),
        (
            json::<serde_json::Value>("{1: 2}"),
            "not valid JSON: a key must be text in double quotes (line 1, column 2)",
        ),
        (
            json::<Vec<i64>>("[1,]"),
            "not valid JSON: a comma before a closing bracket (line 1, column 4)",
        ),
        (
            json::<serde_json::Value>(&deep),
            "not valid JSON: nested more than 128 levels deep (line 1, column 128)",
        ),
        (
            json::<String>("\"\\q\""),
            "not valid JSON: invalid escape (line 1, column 3)",
        ),
        (
            json::<String>("\"a\u{1}\""),
            "not valid JSON: control character (\\u0000-\\u001F) found while parsing a string (line 1, column 3)",
        ),
        (
            json::<serde_json::Value>("{\"a\" 1}"),
            "not valid JSON: expected `:` (line 1, column 6)",
        ),
    ];
    for (raw, want) in &cases {
        assert_eq!(&reader_words(raw), want, "the library now says: {raw}");
    }
    // chrono's reasons for a time that is not RFC 3339.
    for text in [
        "yesterday",
        "2026-03-16",
        "2026-13-16T09:00:00Z",
        "2026-02-30T09:00:00Z",
    ] {
        let raw = text.parse::<DateTime<Utc>>().unwrap_err().to_string();
        assert!(
            reader_words(&raw).starts_with("expected a time like "),
            "chrono now says, for {text:?}: {raw}"
        );
    }
}
