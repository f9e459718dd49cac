//! The words of csops's messages: inputs quoted and bounded, parsers' messages (serde's,
//! serde_json's, TOML's, chrono's) read into the domain's words, and the key an error is about.
//! Every module's error uses them; they depend on nothing of the domain.

/// When `text` is not JSON at all, the syntax error in the domain's words (`not valid JSON: it
/// ends too soon (line 1, column 27)`); `None` for JSON. A text reader that failed asks it
/// before reporting its own error: a streaming reader meets a field it does not take, or a
/// value of the wrong type, before it meets the end of a truncated text, and text that is not
/// JSON is that first. Only a failure pays for the second pass.
///
/// ```
/// assert!(csops_core::json_syntax_error(r#"{"id": 1, "labels": ["CSO"#).unwrap().starts_with("not valid JSON"));
/// assert_eq!(csops_core::json_syntax_error(r#"{"id": [1]}"#), None);
/// ```
pub fn json_syntax_error(text: &str) -> Option<String> {
    // A value, not `IgnoredAny`: serde_json skips ignored input without its nesting limit, and
    // text nested deeper than the readers take is not JSON csops reads.
    serde_json::from_str::<serde_json::Value>(text)
        .err()
        .filter(|e| e.is_syntax() || e.is_eof())
        .map(|e| bounded_message(reader_words(&e.to_string())))
}

/// Whether a reader's words ([`reader_words`]) say a JSON text is not JSON at all.
pub(crate) fn is_syntax_words(words: &str) -> bool {
    words.starts_with(SYNTAX_JSON)
}

/// How [`reader_words`] starts a JSON syntax error.
pub(crate) const SYNTAX_JSON: &str = "not valid JSON";
/// How a TOML syntax error starts.
pub(crate) const SYNTAX_TOML: &str = "not valid TOML";

/// How many characters of an input an error message quotes; a longer input is cut there and
/// its length given, so that a 50 MB label does not make a 50 MB message.
pub(crate) const QUOTED_CHARS: usize = 64;

/// An input quoted in an error message, as `{:?}` would, cut after [`QUOTED_CHARS`] characters
/// (`"aaaa…" (52428800 bytes)`).
pub(crate) struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match cut(self.0, QUOTED_CHARS, QUOTED_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some(at) => write!(f, "{:?}… ({} bytes)", &self.0[..at], self.0.len()),
        }
    }
}

/// A name as an error message shows it unquoted: cut as [`Quoted`] cuts.
pub(crate) fn bounded_name(name: &str) -> String {
    let mut out = String::new();
    cut_into(&mut out, name, QUOTED_CHARS, QUOTED_CHARS);
    out
}

/// Where to cut `text` when it is longer than `limit` characters: after its first `keep`.
fn cut(text: &str, limit: usize, keep: usize) -> Option<usize> {
    text.char_indices().nth(limit)?;
    Some(text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i))
}

/// Appends `text`, or when it is longer than `limit` characters its first `keep` and its
/// length.
fn cut_into(out: &mut String, text: &str, limit: usize, keep: usize) {
    match cut(text, limit, keep) {
        None => out.push_str(text),
        Some(at) => {
            out.push_str(&text[..at]);
            out.push_str(&format!("… ({} bytes)", text.len()));
        }
    }
}

/// Past this many characters, a quoted piece of a parser's message is an echoed input (what
/// [`Quoted`] writes stays below it).
const QUOTED_PIECE_CHARS: usize = 4 * QUOTED_CHARS;

/// Past this many characters, an unquoted piece of a long message is cut too (an input whose
/// own quote or backtick upset the count of quotes).
const PROSE_CHARS: usize = 400;

/// The longest message a parser's error keeps (serde's, TOML's, a key path).
pub(crate) const MESSAGE_CHARS: usize = 1_000;

/// A message bounded, as every csops error message is: serde quotes an unknown variant or the
/// string of a wrong type whole, so a quoted piece (between backticks or double quotes) longer
/// than 256 characters keeps its first 64 and its length, keeping the rest (what was expected);
/// an unquoted piece longer than 400 characters keeps 400; a message still longer than 1,000
/// characters keeps its first 1,000. A message of at most 1,000 bytes is returned as it is. The
/// bindings pass their own messages through it.
///
/// ```
/// let long = "x".repeat(1_000_000);
/// let m = csops_core::bounded_message(format!("unknown variant `{long}`, expected `a` or `b`"));
/// assert!(m.len() < 200 && m.ends_with("(1000000 bytes)`, expected `a` or `b`"), "{m}");
/// ```
pub fn bounded_message(message: String) -> String {
    if message.len() <= MESSAGE_CHARS {
        return message;
    }
    let mut out = String::new();
    let mut quoted = false;
    for piece in message.split_inclusive(['`', '"']) {
        let (text, delimiter) = match piece.char_indices().last() {
            Some((i, c @ ('`' | '"'))) => (&piece[..i], Some(c)),
            _ => (piece, None),
        };
        if quoted {
            cut_into(&mut out, text, QUOTED_PIECE_CHARS, QUOTED_CHARS);
        } else {
            cut_into(&mut out, text, PROSE_CHARS, PROSE_CHARS);
        }
        out.extend(delimiter);
        quoted ^= delimiter.is_some();
    }
    if let Some((cut, _)) = out.char_indices().nth(MESSAGE_CHARS) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// A key as a message shows it: `at `sla.untriaged_days`: `, nothing for the document as a
/// whole (`.`).
pub(crate) struct At<'a>(pub &'a str);

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            "." | "" => Ok(()),
            key => write!(f, "at `{key}`: "),
        }
    }
}

/// An example of every time csops reads, for messages: RFC 3339 with a zone.
pub const TIME_EXAMPLE: &str = "2026-01-06T10:00:00Z";

/// The key a deserialization error is about, as a dotted path (`sla.untriaged_days`,
/// `history[2].at`), or `.` when it is about the document as a whole (syntax errors).
pub(crate) fn error_key(path: &serde_path_to_error::Path) -> String {
    let key = bounded_message(path.to_string());
    if key.is_empty() || key == "?" || key == "." {
        ".".to_owned()
    } else {
        key
    }
}

/// A reader's error as (key, message) in the words of the domain: the key is where it went
/// wrong (a missing field's own path, not its parent's), the message says what was expected in
/// user words and what was found, without Rust type names (see [`reader_words`]), bounded.
pub(crate) fn read_error<E: std::fmt::Display>(
    e: &serde_path_to_error::Error<E>,
) -> (String, String) {
    read_error_at(error_key(e.path()), &e.inner().to_string())
}

/// [`read_error`] for a reader of JSON `text`: when the text is not JSON at all, that is the
/// error, keyed `.` ([`json_syntax_error`], asked on failure only).
pub(crate) fn read_text_error<E: std::fmt::Display>(
    text: &str,
    e: &serde_path_to_error::Error<E>,
) -> (String, String) {
    match json_syntax_error(text) {
        Some(words) => (".".to_owned(), words),
        None => read_error(e),
    }
}

/// [`read_error`] for a key and a parser's message.
pub(crate) fn read_error_at(mut key: String, message: &str) -> (String, String) {
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        key = if key == "." {
            bounded_name(field)
        } else {
            format!("{key}.{}", bounded_name(field))
        };
    }
    // The key names the missing field: the message need not repeat it.
    let words = if message.starts_with("missing field `") {
        "required, but missing".to_owned()
    } else {
        reader_words(message)
    };
    (key, bounded_message(words))
}

/// A parser's message (serde's, serde_json's, TOML's, chrono's) in user words:
/// `invalid type: string "3", expected i64` → `expected a whole number, found the text "3"`;
/// `missing field `id`` → `the field "id" is required, but missing`; chrono's `premature end of input` →
/// `expected a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)`.
/// A message it does not know is returned as it is.
///
/// ```
/// use csops_core::reader_words;
/// assert_eq!(reader_words("invalid type: string \"3\", expected i64"), "expected a whole number, found the text \"3\"");
/// assert_eq!(
///     reader_words("unknown field `wrkstream`, expected one of `type`, `workstream`"),
///     "unknown field \"wrkstream\"; the fields are type, workstream"
/// );
/// ```
pub fn reader_words(message: &str) -> String {
    // serde_json's position, at the very end: useful for a syntax error, noise once the key is
    // known. Only a trailing ` at line <n> column <n>` is one (a value may hold the words).
    let (body, position) = match trailing_position(message) {
        Some((i, line, column)) => (&message[..i], Some((line, column))),
        None => (message, None),
    };
    let words = body_words(body);
    match position {
        Some((line, column)) if words.starts_with(SYNTAX_JSON) => {
            format!("{words} (line {line}, column {column})")
        }
        _ => words,
    }
}

/// Where serde_json's ` at line <n> column <n>` starts, and the two numbers, when the message
/// ends with it.
fn trailing_position(message: &str) -> Option<(usize, &str, &str)> {
    let i = message.rfind(" at line ")?;
    let (line, column) = message[i + " at line ".len()..].split_once(" column ")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(line) && digits(column)).then_some((i, line, column))
}

/// A name serde quotes in backticks, then the rest of its message: the name is everything up
/// to the last backtick before what serde writes after it (a name may hold a backtick).
fn quoted_name(r: &str) -> Option<(&str, &str)> {
    [", expected", ", there are no"]
        .iter()
        .filter_map(|tail| r.rfind(&format!("`{tail}")))
        .min()
        .or_else(|| r.ends_with('`').then(|| r.len() - 1))
        .map(|i| (&r[..i], &r[i + 1..]))
}

/// What chrono's message about text that is not a time means, in words (`None` for a message
/// that is not chrono's): chrono's own reasons ("premature end of input" for `yesterday`)
/// mislead.
pub(crate) fn time_reason(message: &str) -> Option<&'static str> {
    match message {
        "premature end of input"
        | "input contains invalid characters"
        | "trailing input"
        | "input is not enough for unique date and time"
        | "bad or unsupported format string" => Some("(RFC 3339: a date, a time and a zone)"),
        "input is out of range" => {
            Some("(RFC 3339): a part of it is out of range (month 13, hour 25, …)")
        }
        "no possible date and time matching input" => Some("(RFC 3339): no such date and time"),
        _ => None,
    }
}

fn body_words(body: &str) -> String {
    if let Some(why) = time_reason(body) {
        return format!("expected a time like {TIME_EXAMPLE} {why}");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(r) = body.strip_prefix(prefix)
            && let Some((found, expected)) = split_expected(r)
        {
            return format!(
                "expected {}, found {}",
                expected_words(expected),
                found_words(found)
            );
        }
    }
    if let Some(r) = body.strip_prefix("invalid length ")
        && let Some((n, expected)) = r.split_once(", expected ")
    {
        return format!("expected {}, found {n} items", expected_words(expected));
    }
    if let Some(r) = body.strip_prefix("unknown field `")
        && let Some((field, rest)) = quoted_name(r)
    {
        return format!(
            "unknown field {field:?}; {}",
            allowed(
                rest,
                "the fields are",
                "the only field is",
                "it takes no fields"
            )
        );
    }
    if let Some(r) = body.strip_prefix("unknown variant `")
        && let Some((value, rest)) = quoted_name(r)
    {
        return format!(
            "unknown value {value:?}; {}",
            allowed(rest, "expected one of", "expected", "no value is allowed")
        );
    }
    if let Some(r) = body.strip_prefix("missing field `") {
        return format!(
            "the field {:?} is required, but missing",
            r.trim_end_matches('`')
        );
    }
    if let Some(r) = body.strip_prefix("duplicate field `") {
        return format!("{:?} is given twice", r.trim_end_matches('`'));
    }
    if body.starts_with("data did not match any variant of untagged enum") {
        return "not a value this field takes".to_owned();
    }
    let json = |why: &str| format!("{SYNTAX_JSON}: {why}");
    match body {
        "expected value" => json(
            "expected a value (an object, a list, text in double quotes, a number, true, false or null)",
        ),
        "key must be a string" => json("a key must be text in double quotes"),
        "trailing characters" => json("there is more after the end of the document"),
        "trailing comma" => json("a comma before a closing bracket"),
        "invalid number" | "number out of range" => json(body),
        "recursion limit exceeded" => json("nested more than 128 levels deep"),
        b if b.starts_with("EOF while parsing") => json("it ends too soon"),
        b if b.starts_with("expected `")
            || b.starts_with("control character")
            || b.starts_with("invalid escape")
            || b.starts_with("invalid unicode")
            || b.starts_with("lone leading surrogate")
            || b.starts_with("unexpected end of hex escape") =>
        {
            json(b)
        }
        _ => body.to_owned(),
    }
}

/// `string "3", expected i64` → (`string "3"`, `i64`); the found part may hold a comma.
fn split_expected(r: &str) -> Option<(&str, &str)> {
    r.rfind(", expected ")
        .map(|i| (&r[..i], &r[i + ", expected ".len()..]))
}

/// serde's description of what it expected, in user words.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "string" => "text",
        "a boolean" | "bool" => "true or false",
        "a sequence" | "sequence" => "a list",
        "a map" | "map" => "an object",
        "a character" | "char" => "one character",
        "unit" => "null",
        "option" => "a value or null",
        "an RFC 3339 formatted date and time string"
        | "a formatted date and time string or a unix timestamp" => {
            return format!("a time like {TIME_EXAMPLE}");
        }
        _ => {
            if e.starts_with("struct ") {
                return "an object".to_owned();
            }
            return e.to_owned();
        }
    };
    words.to_owned()
}

/// serde's description of what it found, in user words.
fn found_words(found: &str) -> String {
    let unticked = |s: &str| s.trim_matches('`').to_owned();
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text {s}");
    }
    for p in ["integer ", "floating point ", "boolean ", "char "] {
        if let Some(v) = found.strip_prefix(p) {
            return unticked(v);
        }
    }
    match found {
        "map" => "an object".to_owned(),
        "sequence" => "a list".to_owned(),
        "unit value" | "null" => "null".to_owned(),
        other => other.to_owned(),
    }
}

/// serde's list of what is allowed (`, expected one of `a`, `b``) in words.
fn allowed(rest: &str, many: &str, one: &str, none: &str) -> String {
    let names = |s: &str| {
        s.split(", ")
            .map(|n| n.trim_matches('`'))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(l) = rest.strip_prefix(", expected one of ") {
        format!("{many} {}", names(l))
    } else if let Some(l) = rest.strip_prefix(", expected ") {
        format!("{one} {}", names(l))
    } else if rest.starts_with(", there are no") {
        none.to_owned()
    } else {
        rest.trim_start_matches(", ").to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_inputs_and_parser_messages_are_bounded() {
        assert_eq!(Quoted("CSOps").to_string(), "\"CSOps\"");
        let long = "é".repeat(1_000_000);
        let q = Quoted(&long).to_string();
        assert!(
            q.starts_with(&format!("{:?}", "é".repeat(QUOTED_CHARS))),
            "{q}"
        );
        assert!(q.ends_with("… (2000000 bytes)"), "{q}");
        assert_eq!(bounded_message("short".into()), "short");
        let m = bounded_message(format!(
            "unknown variant `{long}`, expected one of `a`, `b`"
        ));
        let cut = "é".repeat(QUOTED_CHARS);
        assert_eq!(
            m,
            format!("unknown variant `{cut}… (2000000 bytes)`, expected one of `a`, `b`")
        );
        let m = bounded_message(format!("invalid type: string \"{long}\", expected u64"));
        assert!(m.ends_with("… (2000000 bytes)\", expected u64"), "{m}");
        // A quote inside the input upsets the count: the piece after it is cut as prose.
        let m = bounded_message(format!("unknown variant `a`b{long}`, expected `a`"));
        assert!(m.len() < PROSE_CHARS * 2 + 100, "{}", m.len());
        // What Quoted wrote is not cut again.
        let q = Quoted(&long).to_string();
        let m = bounded_message(format!("{} {q}", "prose ".repeat(200)));
        assert!(m.ends_with(&q), "{m}");
        let prose = format!("{} `{long}`", "a rule that is not quoted ".repeat(40));
        let m = bounded_message(prose);
        assert!(
            m.starts_with(&"a rule that is not quoted ".repeat(15)),
            "{m}"
        );
        assert!(m.contains("… (1041 bytes)`"), "{m}");
        let m = bounded_message("`ab`, ".repeat(MESSAGE_CHARS));
        assert_eq!(m.chars().count(), MESSAGE_CHARS + 1);
        assert!(m.starts_with("`ab`, `ab`") && m.ends_with('…'));
    }
}
