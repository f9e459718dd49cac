//! The report pages from C (SPEC §6 "A report a lead opens"): a report's JSON — as
//! `csops_gitlab_audit`, `csops_scorecard_backtest` and `csops_batch_book_report` write it — in,
//! one self-contained HTML page out (the page the command line, Python and the webhook service
//! give for the same report).

use std::ffi::c_char;

use csops_core::gitlab::AuditRun;
use csops_core::health::{Backtest, BookReport};

use crate::*;

/// The board's page of an audit run: `audit_json` as `csops_gitlab_audit` wrote it,
/// `project_or_null` what was audited (its title). Writes the page through `out_html`; free it
/// with `csops_string_free`. JSON of another shape is `CSOPS_INVALID_INPUT`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out_html` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_board_page(
    audit_json: *const c_char,
    project_or_null: *const c_char,
    out_html: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let (text, project) = (arg_text!(audit_json)?, arg_text_or_null!(project_or_null)?);
        let run: AuditRun = from_json_text(text, "audit", CSOPS_INVALID_INPUT)?;
        let project = project.unwrap_or("");
        let out = arg_out!(out_html)?;
        out.write(owned_string(csops_pages::board_page(&run, project)));
        Ok(CSOPS_OK)
    }
}

/// The backtest's page: `backtest_json` as `csops_scorecard_backtest` wrote it. Writes the page
/// through `out_html`; free it with `csops_string_free`.
///
/// # Safety
/// `backtest_json` is NULL or NUL-terminated; `out_html` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_backtest_page(
    backtest_json: *const c_char,
    out_html: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let report: Backtest = from_json_text(arg_text!(backtest_json)?, "backtest", CSOPS_INVALID_INPUT)?;
        let out = arg_out!(out_html)?;
        out.write(owned_string(csops_pages::backtest_page(&report)));
        Ok(CSOPS_OK)
    }
}

/// A scored book's page: `book_json` as `csops_batch_book_report` wrote it, `title_or_null`
/// the book's name. Writes the page through `out_html`; free it with `csops_string_free`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out_html` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_book_page(
    book_json: *const c_char,
    title_or_null: *const c_char,
    out_html: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let (text, title) = (arg_text!(book_json)?, arg_text_or_null!(title_or_null)?);
        let report: BookReport = from_json_text(text, "book", CSOPS_INVALID_INPUT)?;
        let title = title.unwrap_or("");
        let out = arg_out!(out_html)?;
        out.write(owned_string(csops_pages::book_page(&report, title)));
        Ok(CSOPS_OK)
    }
}
