//! The C ABI called from Rust: statuses, ownership, NULL and UTF-8 checks, the panic boundary.

use std::collections::HashSet;
use std::ffi::{CStr, CString, c_char};
use std::ptr;

use csops::*;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(csops_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

const DIR: &str = r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#;
const REQ: &str = r#"{"id": 1, "author": "rita", "labels": ["CSOps", "Gainsight"], "created_at": "2026-01-05T09:00:00Z", "change_kind": "gainsight_rule"}"#;

struct Fixture {
    wf: *mut csops_workflow_t,
    req: *mut csops_request_t,
}

impl Fixture {
    fn new() -> Fixture {
        let wf = unsafe { csops_workflow_new(c(DIR).as_ptr(), ptr::null()) };
        let req = unsafe { csops_request_from_json(c(REQ).as_ptr()) };
        assert!(!wf.is_null() && !req.is_null(), "{}", last_error());
        Fixture { wf, req }
    }

    fn apply(&self, cmd: &str, actor: &str, at: &str) -> (csops_status_t, Option<String>) {
        let mut out: *mut c_char = ptr::null_mut();
        let s = unsafe {
            csops_workflow_apply(
                self.wf,
                self.req,
                c(cmd).as_ptr(),
                c(actor).as_ptr(),
                c(at).as_ptr(),
                &mut out,
            )
        };
        let t = (!out.is_null()).then(|| {
            let text = unsafe { CStr::from_ptr(out) }
                .to_string_lossy()
                .into_owned();
            unsafe { csops_string_free(out) };
            text
        });
        (s, t)
    }

    fn state(&self) -> String {
        unsafe { CStr::from_ptr(csops_request_state(self.req)) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        unsafe {
            csops_request_free(self.req);
            csops_workflow_free(self.wf);
        }
    }
}

#[test]
fn statuses_are_distinct_and_named() {
    let numbers: HashSet<i32> = ALL_STATUSES.iter().map(|s| *s as i32).collect();
    assert_eq!(numbers.len(), ALL_STATUSES.len());
    let names: HashSet<String> = ALL_STATUSES
        .iter()
        .map(|s| {
            unsafe { CStr::from_ptr(csops_status_name(*s)) }
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names.len(), ALL_STATUSES.len());
    // The rejection kinds keep the vectors' names and their precedence order.
    let kinds: Vec<String> = ALL_STATUSES[1..10]
        .iter()
        .map(|s| {
            unsafe { CStr::from_ptr(csops_status_name(*s)) }
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let core: Vec<&str> = <csops_core::RejectionKind as strum::VariantArray>::VARIANTS
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(kinds, core);
}

#[test]
fn every_state_reaches_c_under_the_core_name() {
    use csops_core::label::Taxonomy;
    for state in <csops_core::State as strum::VariantArray>::VARIANTS {
        let label = Taxonomy::default_ref().canonical(*state).unwrap_or("CSOps");
        let json = format!(
            r#"{{"id": 1, "author": "rita", "labels": ["{label}"], "created_at": "2026-01-05T09:00:00Z"}}"#
        );
        let req = unsafe { csops_request_from_json(c(&json).as_ptr()) };
        assert!(!req.is_null(), "{}", last_error());
        assert_eq!(
            unsafe { CStr::from_ptr(csops_request_state(req)) }
                .to_str()
                .unwrap(),
            state.as_str()
        );
        unsafe { csops_request_free(req) };
    }
}

#[test]
fn a_request_walks_through_the_workflow() {
    let f = Fixture::new();
    let (s, t) = f.apply(r#"{"type": "triage"}"#, "lena", "2026-01-06T10:00:00Z");
    assert_eq!(s, csops_status_t::CSOPS_OK, "{}", last_error());
    let t: serde_json::Value = serde_json::from_str(&t.unwrap()).unwrap();
    assert_eq!(t["to"], "Triage");
    assert_eq!(t["add_labels"], serde_json::json!(["CSOps::Triage"]));
    assert_eq!(f.state(), "Triage");
    assert!(unsafe { csops_request_is_open(f.req) });
    // A dry run answers and changes nothing; NULL out-pointers are allowed.
    let s = unsafe {
        csops_workflow_can_apply(
            f.wf,
            f.req,
            c(r#"{"type": "ready", "weight": 3}"#).as_ptr(),
            c("lena").as_ptr(),
            c("2026-01-06T10:01:00Z").as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_OK);
    assert_eq!(f.state(), "Triage");
    let json = unsafe { csops_request_to_json(f.req) };
    let copy = unsafe { csops_request_from_json(json) };
    assert!(!copy.is_null());
    assert_eq!(
        unsafe { CStr::from_ptr(csops_request_state(copy)) }
            .to_str()
            .unwrap(),
        "Triage"
    );
    unsafe {
        csops_request_free(copy);
        csops_string_free(json);
    }
}

#[test]
fn every_rejection_kind_is_its_status_and_changes_nothing() {
    let f = Fixture::new();
    let cases = [
        (
            r#"{"type": "triage"}"#,
            "zed",
            "2026-01-06T10:00:00Z",
            csops_status_t::CSOPS_UNKNOWN_PERSON,
        ),
        (
            r#"{"type": "triage"}"#,
            "lena",
            "2020-01-06T10:00:00Z",
            csops_status_t::CSOPS_INVALID_TIME,
        ),
        (
            r#"{"type": "unblock"}"#,
            "lena",
            "2026-01-06T10:00:00Z",
            csops_status_t::CSOPS_INVALID_TRANSITION,
        ),
        (
            r#"{"type": "triage"}"#,
            "omar",
            "2026-01-06T10:00:00Z",
            csops_status_t::CSOPS_NOT_PERMITTED,
        ),
    ];
    for (cmd, actor, at, want) in cases {
        let before = unsafe { CStr::from_ptr(csops_request_to_json(f.req)) }.to_owned();
        let (s, t) = f.apply(cmd, actor, at);
        assert_eq!((s, t), (want, None), "{cmd} by {actor}");
        assert!(!last_error().is_empty());
        let after = unsafe { CStr::from_ptr(csops_request_to_json(f.req)) }.to_owned();
        assert_eq!(before, after);
    }
    assert_eq!(
        f.apply(r#"{"type": "triage"}"#, "lena", "2026-01-06T10:00:00Z")
            .0,
        csops_status_t::CSOPS_OK
    );
    assert_eq!(
        f.apply(r#"{"type": "ready"}"#, "lena", "2026-01-06T10:01:00Z")
            .0,
        csops_status_t::CSOPS_MISSING_INPUT
    );
    assert_eq!(
        f.apply(
            r#"{"type": "ready", "weight": 4}"#,
            "lena",
            "2026-01-06T10:01:00Z"
        )
        .0,
        csops_status_t::CSOPS_INVALID_WEIGHT
    );
    assert_eq!(
        f.apply(
            r#"{"type": "ready", "hours": 9}"#,
            "lena",
            "2026-01-06T10:01:00Z"
        )
        .0,
        csops_status_t::CSOPS_NEEDS_EPIC
    );
    assert_eq!(
        f.apply(
            r#"{"type": "ready", "weight": 3}"#,
            "lena",
            "2026-01-06T10:02:00Z"
        )
        .0,
        csops_status_t::CSOPS_OK
    );
    assert_eq!(
        f.apply(r#"{"type": "start"}"#, "omar", "2026-01-06T10:03:00Z")
            .0,
        csops_status_t::CSOPS_OK
    );
    assert_eq!(
        f.apply(
            r#"{"type": "waive_review", "reason": "x"}"#,
            "omar",
            "2026-01-06T10:04:00Z"
        )
        .0,
        csops_status_t::CSOPS_REVIEW_REQUIRED
    );
    assert_eq!(
        f.apply(
            r#"{"type": "request_review", "reviewer": "gia", "summary": "s"}"#,
            "omar",
            "2026-01-06T10:05:00Z"
        )
        .0,
        csops_status_t::CSOPS_OK
    );
    assert_eq!(
        f.apply(
            r#"{"type": "approve_review"}"#,
            "gia",
            "2026-01-06T10:06:00Z"
        )
        .0,
        csops_status_t::CSOPS_OK
    );
    assert_eq!(
        f.apply(r#"{"type": "complete"}"#, "omar", "2026-01-06T10:07:00Z")
            .0,
        csops_status_t::CSOPS_CHECKLIST_INCOMPLETE
    );
    assert!(last_error().contains("handbook"), "{}", last_error());
}

#[test]
fn null_utf8_json_input_and_config_errors() {
    let f = Fixture::new();
    let at = c("2026-01-06T10:00:00Z");
    let cmd = c(r#"{"type": "triage"}"#);
    let lena = c("lena");
    let s = unsafe {
        csops_workflow_apply(
            ptr::null(),
            f.req,
            cmd.as_ptr(),
            lena.as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_ARGUMENT);
    assert!(last_error().contains("wf is NULL"));
    let s = unsafe {
        csops_workflow_apply(
            f.wf,
            f.req,
            ptr::null(),
            lena.as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_ARGUMENT);
    let bad = [0x6cu8, 0xff, 0x00];
    let s = unsafe {
        csops_workflow_apply(
            f.wf,
            f.req,
            cmd.as_ptr(),
            bad.as_ptr().cast(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_UTF8);
    let s = unsafe {
        csops_workflow_apply(
            f.wf,
            f.req,
            c("{nope").as_ptr(),
            lena.as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_JSON);
    let s = unsafe {
        csops_workflow_apply(
            f.wf,
            f.req,
            c(r#"{"type": "dance"}"#).as_ptr(),
            lena.as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_INPUT);
    let s = unsafe {
        csops_workflow_apply(
            f.wf,
            f.req,
            cmd.as_ptr(),
            lena.as_ptr(),
            c("tuesday").as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_INPUT);
    assert_eq!(f.state(), "New");
    // Constructors: NULL and the last error.
    assert!(unsafe { csops_workflow_new(c(r#"{"a": ["boss"]}"#).as_ptr(), ptr::null()) }.is_null());
    assert!(last_error().contains("boss"));
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_CONFIG
    );
    assert!(unsafe { csops_workflow_new(c("{").as_ptr(), ptr::null()) }.is_null());
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_JSON
    );
    assert!(
        unsafe { csops_workflow_new(c(DIR).as_ptr(), c("[sla]\nuntriaged_days = 0").as_ptr()) }
            .is_null()
    );
    assert!(last_error().contains("sla.untriaged_days"));
    assert!(unsafe { csops_workflow_new(ptr::null(), ptr::null()) }.is_null());
    assert!(unsafe { csops_request_from_json(c(r#"{"id": 1}"#).as_ptr()) }.is_null());
    assert!(unsafe { csops_request_from_json(c("[").as_ptr()) }.is_null());
    assert!(unsafe { csops_request_to_json(ptr::null()) }.is_null());
    assert!(unsafe { csops_request_state(ptr::null()) }.is_null());
    assert!(!unsafe { csops_request_is_open(ptr::null()) });
    unsafe {
        csops_request_free(ptr::null_mut());
        csops_workflow_free(ptr::null_mut());
        csops_string_free(ptr::null_mut());
    }
}

#[test]
fn prepared_commands_answer_like_json_ones() {
    let f = Fixture::new();
    let triage = unsafe { csops_command_from_json(c(r#"{"type": "triage"}"#).as_ptr()) };
    assert!(!triage.is_null());
    let at = c("2026-01-06T10:00:00Z");
    let s = unsafe {
        csops_workflow_can_apply_command(
            f.wf,
            f.req,
            triage,
            c("omar").as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_NOT_PERMITTED);
    let mut out: *mut c_char = ptr::null_mut();
    let s = unsafe {
        csops_workflow_apply_command(
            f.wf,
            f.req,
            triage,
            c("lena").as_ptr(),
            at.as_ptr(),
            &mut out,
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_OK);
    assert!(
        unsafe { CStr::from_ptr(out) }
            .to_str()
            .unwrap()
            .contains("CSOps::Triage")
    );
    // The command is not consumed: applying it again is an ordinary (rejected) step.
    let s = unsafe {
        csops_workflow_apply_command(
            f.wf,
            f.req,
            triage,
            c("lena").as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_TRANSITION);
    assert!(unsafe { csops_command_from_json(c("{").as_ptr()) }.is_null());
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_JSON
    );
    assert!(unsafe { csops_command_from_json(c(r#"{"type": "x"}"#).as_ptr()) }.is_null());
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_INPUT
    );
    let s = unsafe {
        csops_workflow_apply_command(
            f.wf,
            f.req,
            ptr::null(),
            c("lena").as_ptr(),
            at.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, csops_status_t::CSOPS_INVALID_ARGUMENT);
    unsafe {
        csops_string_free(out);
        csops_command_free(triage);
        csops_command_free(ptr::null_mut());
    }
}

#[test]
fn metrics_through_the_abi() {
    let mut v = f64::NAN;
    let answers = [10i64, 9, 7, 3];
    assert_eq!(
        unsafe { csops_metric_nps(answers.as_ptr(), 4, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 25.0);
    assert_eq!(
        unsafe { csops_metric_nps(ptr::null(), 0, &mut v) },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    assert_eq!(
        unsafe { csops_metric_nps(ptr::null(), 3, &mut v) },
        csops_status_t::CSOPS_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe { csops_metric_csat([5i64, 0].as_ptr(), 2, &mut v) },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    assert!(last_error().contains("answers[1]"), "{}", last_error());
    assert_eq!(v, 25.0, "written only on success");
    assert_eq!(
        unsafe { csops_metric_nrr(1e6, 2e5, 5e4, 1e5, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 105.0);
    assert_eq!(
        unsafe { csops_metric_grr(1e6, 2e5, 5e4, 1e5, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 85.0);
    assert_eq!(
        unsafe { csops_metric_grr(0.0, 0.0, 0.0, 0.0, &mut v) },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    let (a, b) = ([100.0, 100.0, 0.0], [150.0, 0.0, 80.0]);
    assert_eq!(
        unsafe { csops_metric_nrr_per_account(a.as_ptr(), b.as_ptr(), 3, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 75.0);
    assert_eq!(
        unsafe { csops_metric_grr_per_account(a.as_ptr(), b.as_ptr(), 3, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 50.0);
    assert_eq!(
        unsafe { csops_metric_logo_churn(200, 9, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 4.5);
    assert_eq!(
        unsafe { csops_metric_license_utilization(45.0, 60.0, &mut v) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(v, 75.0);
    assert_eq!(
        unsafe { csops_metric_license_utilization(45.0, 60.0, ptr::null_mut()) },
        csops_status_t::CSOPS_INVALID_ARGUMENT
    );
}

#[test]
fn a_journey_through_the_abi() {
    let j = unsafe { csops_journey_new(c("acme").as_ptr(), ptr::null()) };
    assert!(!j.is_null());
    let stage = || {
        unsafe { CStr::from_ptr(csops_journey_stage(j)) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(stage(), "Align");
    let signed = c(
        r#"{"type": "contract_signed", "start": "2026-01-05", "renewal": "2027-01-05", "arr": 100000}"#,
    );
    assert_eq!(
        unsafe { csops_journey_record(j, signed.as_ptr(), c("2026-01-02").as_ptr()) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(stage(), "Onboard");
    assert_eq!(
        unsafe { csops_journey_record(j, signed.as_ptr(), c("2026-01-03").as_ptr()) },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    assert_eq!(
        unsafe { csops_journey_record(j, c("{").as_ptr(), c("2026-01-03").as_ptr()) },
        csops_status_t::CSOPS_INVALID_JSON
    );
    assert_eq!(
        unsafe {
            csops_journey_record(
                j,
                c(r#"{"type": "first_value"}"#).as_ptr(),
                c("Jan 3").as_ptr(),
            )
        },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { csops_journey_advance(j, c("2026-02-10").as_ptr(), &mut out) },
        csops_status_t::CSOPS_OK
    );
    let report: serde_json::Value =
        serde_json::from_str(unsafe { CStr::from_ptr(out) }.to_str().unwrap()).unwrap();
    assert_eq!(report["misses"].as_array().unwrap().len(), 2);
    assert_eq!(report["misses"][0]["days_late"], 22);
    assert_eq!(
        unsafe { csops_journey_advance(j, c("2025-01-01").as_ptr(), ptr::null_mut()) },
        csops_status_t::CSOPS_INVALID_INPUT
    );
    assert!(
        unsafe { csops_journey_new(c("x").as_ptr(), c(r#"{"window": 3}"#).as_ptr()) }.is_null()
    );
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_CONFIG
    );
    assert!(unsafe { csops_journey_stage(ptr::null()) }.is_null());
    unsafe {
        csops_string_free(out);
        csops_journey_free(j);
        csops_journey_free(ptr::null_mut());
    }
}

#[test]
fn loading_with_a_workflow_and_its_failures() {
    // A replaced taxonomy is used only through the workflow.
    let wf = unsafe {
        csops_workflow_new(
            c(DIR).as_ptr(),
            c(r#"{"labels": {"workflow": {"InProcess": {"canonical": "Ops::Doing"}}}}"#).as_ptr(),
        )
    };
    assert!(!wf.is_null(), "{}", last_error());
    let json = c(
        r#"{"id": 1, "author": "rita", "labels": ["ops::doing"], "assignee": "omar", "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    let req = unsafe { csops_workflow_load_request(wf, json.as_ptr()) };
    assert_eq!(
        unsafe { CStr::from_ptr(csops_request_state(req)) }
            .to_str()
            .unwrap(),
        "InProcess"
    );
    let anomaly = c(
        r#"{"id": 1, "author": "rita", "labels": ["Ops::Doing", "CSOps::Blocked"], "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    let cases: [(*const csops_workflow_t, *const c_char, csops_status_t); 4] = [
        (
            ptr::null(),
            json.as_ptr(),
            csops_status_t::CSOPS_INVALID_ARGUMENT,
        ),
        (wf, ptr::null(), csops_status_t::CSOPS_INVALID_ARGUMENT),
        (wf, c"{nope".as_ptr(), csops_status_t::CSOPS_INVALID_JSON),
        (wf, anomaly.as_ptr(), csops_status_t::CSOPS_INVALID_INPUT),
    ];
    for (w, j, want) in cases {
        assert!(unsafe { csops_workflow_load_request(w, j) }.is_null());
        assert_eq!(csops_last_error_status(), want, "{}", last_error());
    }
    assert!(unsafe { csops_request_from_json(ptr::null()) }.is_null());
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_ARGUMENT
    );
    assert!(unsafe { csops_workflow_mermaid(ptr::null()) }.is_null());
    assert_eq!(
        csops_last_error_status(),
        csops_status_t::CSOPS_INVALID_ARGUMENT
    );
    unsafe {
        csops_request_free(req);
        csops_workflow_free(wf);
    }
}

#[test]
fn a_panic_is_contained_at_the_boundary() {
    assert_eq!(csops_test_panic(), csops_status_t::CSOPS_PANIC);
    assert!(
        last_error().contains("csops_test_panic"),
        "{}",
        last_error()
    );
}

#[test]
fn weights_and_versions() {
    let mut w = 0;
    assert_eq!(
        unsafe { csops_weight_for_hours(2.5, &mut w) },
        csops_status_t::CSOPS_OK
    );
    assert_eq!(w, 3);
    assert_eq!(
        unsafe { csops_weight_for_hours(7.5, &mut w) },
        csops_status_t::CSOPS_NEEDS_EPIC
    );
    assert_eq!(
        unsafe { csops_weight_for_hours(f64::NAN, &mut w) },
        csops_status_t::CSOPS_INVALID_WEIGHT
    );
    assert_eq!(w, 3, "written only on success");
    assert_eq!(
        unsafe { csops_weight_for_hours(1.0, ptr::null_mut()) },
        csops_status_t::CSOPS_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe { CStr::from_ptr(csops_version()) }.to_str().unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    let m = unsafe { csops_workflow_mermaid(Fixture::new().wf) };
    // (the fixture was dropped: only the string is checked)
    assert!(
        unsafe { CStr::from_ptr(m) }
            .to_str()
            .unwrap()
            .starts_with("stateDiagram-v2")
    );
    unsafe { csops_string_free(m) };
}
