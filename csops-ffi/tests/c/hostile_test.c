/* Hostile input through the C ABI (issue 13): every text argument of every entry point is given
 * NULL, invalid UTF-8, truncated JSON, JSON nested 200,000 deep and 10 MB inputs, every other
 * argument valid; every handle argument is given NULL. Each call returns a status (never
 * CSOPS_PANIC, never a crash), the status the input deserves where one is certain, and a
 * message that quotes the input bounded. (Not run under valgrind: the 10 MB inputs through a
 * debug build would take many minutes there; workflow_test is.)
 * Ends with the line "N passed, N failed" and exits non-zero on a failure.
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -I csops-ffi/include hostile_test.c \
 *           -L target/debug -lcsops -Wl,-rpath,target/debug
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csops.h"

#include "check.h"

static const char *DIRECTORY = "{\"lena\": [\"workstream_lead:Gainsight\"], \"omar\": [\"cs_ops\"]}";
static const char *REQUEST = "{\"id\": 1, \"author\": \"rita\", \"labels\": [\"CSOps\", \"CSOps::Triage\"],"
                             " \"created_at\": \"2026-01-05T09:00:00Z\"}";
static const char *COMMAND = "{\"type\": \"triage\", \"workstream\": \"Gainsight\"}";
static const char *AT = "2026-01-06T09:00:00Z";
static const char *ISSUE = "{\"iid\": 1, \"title\": \"t\", \"state\": \"opened\", \"labels\": [\"CSOps\"],"
                           " \"author\": {\"username\": \"rita\"}, \"created_at\": \"2026-01-05T09:00:00Z\"}";
static const char *ISSUES = "[{\"iid\": 1, \"title\": \"t\", \"state\": \"opened\", \"labels\": [\"CSOps\"],"
                            " \"author\": {\"username\": \"rita\"}, \"created_at\": \"2026-01-05T09:00:00Z\"}]";
static const char *EVENTS = "[{\"user\": {\"username\": \"lena\"}, \"created_at\": \"2026-01-05T10:00:00Z\","
                            " \"label\": {\"name\": \"CSOps\"}, \"action\": \"add\"}]";
static const char *HOOK =
    "{\"object_kind\": \"issue\", \"user\": {\"username\": \"omar\"}, \"object_attributes\": {\"iid\": 1,"
    " \"title\": \"t\", \"state\": \"opened\", \"created_at\": \"2026-01-05T09:00:00Z\","
    " \"updated_at\": \"2026-01-06T09:00:00Z\", \"action\": \"update\"}, \"labels\": [{\"title\": \"CSOps\"}],"
    " \"changes\": {}}";

static csops_workflow_t *WF;
static csops_scorecard_t *CARD;

/* A constructor's status: CSOPS_OK (and the object freed) or the last error's. */
#define MADE(expr, free_fn)                                 \
    do {                                                    \
        void *made_ = (void *)(expr);                       \
        if (made_ == NULL) return csops_last_error_status(); \
        free_fn(made_);                                     \
        return CSOPS_OK;                                    \
    } while (0)

static void free_wf(void *p) { csops_workflow_free(p); }
static void free_req(void *p) { csops_request_free(p); }
static void free_cmd(void *p) { csops_command_free(p); }
static void free_j(void *p) { csops_journey_free(p); }
static void free_card(void *p) { csops_scorecard_free(p); }
static void free_label(void *p) { csops_label_free(p); }
static void free_set(void *p) { csops_label_set_free(p); }
static void free_seg(void *p) { csops_segmentation_free(p); }
static void free_health(void *p) { csops_health_free(p); }

/* The call `name` with `a` in the slot the name gives, every other argument valid. */
static csops_status_t with_request(const char *cmd, const char *actor, const char *at, bool apply) {
    csops_request_t *req = csops_workflow_load_request(WF, REQUEST);
    if (req == NULL) return CSOPS_PANIC; /* the fixture must load */
    char *out = NULL;
    csops_status_t st = apply ? csops_workflow_apply(WF, req, cmd, actor, at, &out)
                              : csops_workflow_can_apply(WF, req, cmd, actor, at, &out);
    csops_string_free(out);
    csops_request_free(req);
    return st;
}

static csops_status_t with_command(const char *actor, const char *at, bool apply) {
    csops_request_t *req = csops_workflow_load_request(WF, REQUEST);
    csops_command_t *cmd = csops_command_from_json(COMMAND);
    if (req == NULL || cmd == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = apply ? csops_workflow_apply_command(WF, req, cmd, actor, at, &out)
                              : csops_workflow_can_apply_command(WF, req, cmd, actor, at, &out);
    csops_string_free(out);
    csops_command_free(cmd);
    csops_request_free(req);
    return st;
}

static csops_status_t journey_record(const char *event, const char *date) {
    csops_journey_t *j = csops_journey_new("acme", NULL);
    if (j == NULL) return CSOPS_PANIC;
    csops_status_t st = csops_journey_record(j, event, date);
    csops_journey_free(j);
    return st;
}

static csops_status_t journey_advance(const char *now) {
    csops_journey_t *j = csops_journey_new("acme", NULL);
    if (j == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = csops_journey_advance(j, now, &out);
    csops_string_free(out);
    csops_journey_free(j);
    return st;
}

static csops_status_t score(const char *values, const char *as_of, const char *segment) {
    char *out = NULL;
    csops_status_t st = csops_scorecard_score(CARD, values, as_of, segment, &out);
    csops_string_free(out);
    return st;
}

/* `out` by address: read only once the call has written it (the order in which a call's
 * arguments are evaluated is unspecified in C, so `out_call(f(&out), &out)` could free NULL). */
static csops_status_t out_call(csops_status_t st, char **out) {
    csops_string_free(*out);
    return st;
}

static csops_status_t workflow_new_dir(const char *a) { MADE(csops_workflow_new(a, NULL), free_wf); }
static csops_status_t workflow_new_config(const char *a) { MADE(csops_workflow_new(DIRECTORY, a), free_wf); }
static csops_status_t request_from_json(const char *a) { MADE(csops_request_from_json(a), free_req); }
static csops_status_t load_request(const char *a) { MADE(csops_workflow_load_request(WF, a), free_req); }
static csops_status_t apply_command_json(const char *a) { return with_request(a, "lena", AT, true); }
static csops_status_t apply_actor(const char *a) { return with_request(COMMAND, a, AT, true); }
static csops_status_t apply_at(const char *a) { return with_request(COMMAND, "lena", a, true); }
static csops_status_t can_apply_command_json(const char *a) { return with_request(a, "lena", AT, false); }
static csops_status_t can_apply_actor(const char *a) { return with_request(COMMAND, a, AT, false); }
static csops_status_t can_apply_at(const char *a) { return with_request(COMMAND, "lena", a, false); }
static csops_status_t command_from_json(const char *a) { MADE(csops_command_from_json(a), free_cmd); }
static csops_status_t apply_command_actor(const char *a) { return with_command(a, AT, true); }
static csops_status_t apply_command_at(const char *a) { return with_command("lena", a, true); }
static csops_status_t can_apply_command_actor(const char *a) { return with_command(a, AT, false); }
static csops_status_t can_apply_command_at(const char *a) { return with_command("lena", a, false); }
static csops_status_t journey_new_account(const char *a) { MADE(csops_journey_new(a, NULL), free_j); }
static csops_status_t journey_new_config(const char *a) { MADE(csops_journey_new("acme", a), free_j); }
static csops_status_t journey_record_event(const char *a) { return journey_record(a, "2026-01-05"); }
static csops_status_t journey_record_date(const char *a) {
    return journey_record("{\"type\": \"contract_signed\", \"start\": \"2026-01-05\", \"renewal\": "
                          "\"2027-01-05\", \"arr\": 1000}",
                          a);
}
static csops_status_t scorecard_new(const char *a) { MADE(csops_scorecard_new(a), free_card); }
static csops_status_t score_values(const char *a) { return score(a, "2026-01-05", NULL); }
static csops_status_t score_as_of(const char *a) { return score("{}", a, NULL); }
static csops_status_t score_segment(const char *a) { return score("{}", NULL, a); }
static csops_status_t read_issue(const char *a) { MADE(csops_gitlab_read_issue(WF, a), free_req); }
static csops_status_t check_issue(const char *a) {
    bool consistent = false;
    char *out = NULL;
    return out_call(csops_gitlab_check_issue(WF, a, &consistent, &out), &out);
}
static csops_status_t reconstruct_issue(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_reconstruct(WF, a, EVENTS, &out), &out);
}
static csops_status_t reconstruct_events(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_reconstruct(WF, ISSUE, a, &out), &out);
}
static csops_status_t decide_hook(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_decide_webhook(WF, a, NULL, EVENTS, &out), &out);
}
static csops_status_t decide_events(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_decide_webhook(WF, HOOK, NULL, a, &out), &out);
}
static csops_status_t audit_issues(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_audit(WF, a, NULL, AT, &out), &out);
}
static csops_status_t audit_events(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_audit(WF, ISSUES, a, AT, &out), &out);
}
static csops_status_t audit_as_of(const char *a) {
    char *out = NULL;
    return out_call(csops_gitlab_audit(WF, ISSUES, NULL, a, &out), &out);
}
static csops_status_t board_requests(const char *a) {
    char *out = NULL;
    return out_call(csops_board_report(WF, a, AT, &out), &out);
}
static csops_status_t board_as_of(const char *a) {
    char *out = NULL;
    return out_call(csops_board_report(WF, ISSUES, a, &out), &out);
}

static const char *ACCOUNT = "{\"id\": \"acme\", \"arr\": 120000}";
static const char *ASSIGNMENTS = "[{\"account\": \"acme\", \"rule\": \"growth\", \"team\": \"Growth\", \"priority\": 2,"
                                 " \"engagement\": \"mid_touch\", \"sales_segment\": \"Mid-Market\"}]";
static const char *RATINGS = "{\"1\": 2, \"2\": 2, \"3\": 2, \"4\": 2, \"5\": 2, \"6\": 1, \"7\": 1, \"8\": 0, \"9\": 1,"
                             " \"10\": 1, \"11\": 3, \"12\": 0, \"13\": 1, \"14\": 2, \"15\": 0}";

static csops_status_t label_parse(const char *a) { MADE(csops_label_parse(a), free_label); }
static csops_status_t scope_of(const char *a) {
    char *out = NULL;
    return out_call(csops_scope(a, &out), &out);
}
static csops_status_t label_set_new(const char *a) {
    const char *labels[] = {"CSOps", a};
    MADE(csops_label_set_new(labels, 2), free_set);
}
static csops_status_t label_set_change(const char *a, bool add) {
    const char *labels[] = {"CSOps", "CSOps::Triage"};
    csops_label_set_t *set = csops_label_set_new(labels, 2);
    if (set == NULL) return CSOPS_PANIC;
    char *out = NULL;
    bool removed = false;
    csops_status_t st = add ? csops_label_set_add(set, a, &out) : csops_label_set_remove(set, a, &removed);
    csops_string_free(out);
    csops_label_set_free(set);
    return st;
}
static csops_status_t label_set_add(const char *a) { return label_set_change(a, true); }
static csops_status_t label_set_remove(const char *a) { return label_set_change(a, false); }
static csops_status_t with_loaded(const char *a, int which) {
    csops_request_t *req = csops_workflow_load_request(WF, REQUEST);
    if (req == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st;
    if (which == 0) {
        csops_request_t *r = csops_workflow_replay(WF, req, a);
        st = r == NULL ? csops_last_error_status() : CSOPS_OK;
        csops_request_free(r);
    } else if (which == 1) {
        st = out_call(csops_workflow_sla_breaches(WF, req, a, &out), &out);
    } else {
        st = out_call(csops_request_time_in_states(req, a, &out), &out);
    }
    csops_request_free(req);
    return st;
}
static csops_status_t replay_history(const char *a) { return with_loaded(a, 0); }
static csops_status_t sla_now(const char *a) { return with_loaded(a, 1); }
static csops_status_t time_in_states_now(const char *a) { return with_loaded(a, 2); }
static csops_status_t choices_of(const char *actor, const char *at) {
    csops_request_t *req = csops_workflow_load_request(WF, REQUEST);
    if (req == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = out_call(csops_workflow_choices(WF, req, actor, at, &out), &out);
    csops_request_free(req);
    return st;
}
static csops_status_t choices_actor(const char *a) { return choices_of(a, AT); }
static csops_status_t choices_at(const char *a) { return choices_of("lena", a); }
static csops_status_t shortest_from(const char *a) {
    char *out = NULL;
    return out_call(csops_shortest_path(a, "Completed", &out), &out);
}
static csops_status_t shortest_to(const char *a) {
    char *out = NULL;
    return out_call(csops_shortest_path("New", a, &out), &out);
}
static csops_status_t paths_from(const char *a) {
    char *out = NULL;
    return out_call(csops_simple_paths(a, "Completed", &out), &out);
}
static csops_status_t paths_to(const char *a) {
    char *out = NULL;
    return out_call(csops_simple_paths("New", a, &out), &out);
}
static csops_status_t segmentation_new(const char *a) { MADE(csops_segmentation_new(a), free_seg); }
static csops_status_t segmentation_assign(const char *a, bool all) {
    csops_segmentation_t *seg = csops_segmentation_new(NULL);
    if (seg == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = out_call(all ? csops_segmentation_assign_all(seg, a, &out) : csops_segmentation_assign(seg, a, &out), &out);
    csops_segmentation_free(seg);
    return st;
}
static csops_status_t assign_account(const char *a) { return segmentation_assign(a, false); }
static csops_status_t assign_all_accounts(const char *a) { return segmentation_assign(a, true); }
static csops_status_t capacity_assignments(const char *a) {
    char *out = NULL;
    return out_call(csops_capacity_plan(a, NULL, NULL, &out), &out);
}
static csops_status_t capacity_current(const char *a) {
    char *out = NULL;
    return out_call(csops_capacity_plan(ASSIGNMENTS, a, NULL, &out), &out);
}
static csops_status_t capacity_model(const char *a) {
    char *out = NULL;
    return out_call(csops_capacity_plan(ASSIGNMENTS, NULL, a, &out), &out);
}
static csops_status_t maturity_ratings(const char *a) {
    char *out = NULL;
    return out_call(csops_maturity_report(a, NULL, &out), &out);
}
static csops_status_t maturity_foundations(const char *a) {
    char *out = NULL;
    return out_call(csops_maturity_report(RATINGS, a, &out), &out);
}
static csops_status_t journey_touchpoints(const char *a) {
    csops_journey_t *j = csops_journey_new("acme", NULL);
    if (j == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = out_call(csops_journey_touchpoints(j, a, &out), &out);
    csops_journey_free(j);
    return st;
}
static csops_status_t evaluate_values(const char *a) { MADE(csops_scorecard_evaluate(CARD, a, NULL), free_health); }
static csops_status_t evaluate_options(const char *a) { MADE(csops_scorecard_evaluate(CARD, "{}", a), free_health); }
static csops_status_t band_code(const char *a) {
    uint8_t code = 0;
    return csops_scorecard_band_code(CARD, a, &code);
}
static csops_status_t segment_code(const char *a) {
    uint32_t code = 0;
    return csops_scorecard_segment_code(CARD, a, &code);
}
static csops_status_t category_measure(const char *a) {
    double code = 0;
    return csops_scorecard_category_code(CARD, a, "red", &code);
}
static csops_status_t category_name(const char *a) {
    double code = 0;
    return csops_scorecard_category_code(CARD, "csm_sentiment", a, &code);
}
static const char *BACKTEST_INPUT =
    "{\"history\": [{\"account\": \"a\", \"measure\": \"license_utilization\", \"observed_at\": \"2026-01-01\","
    " \"value\": 20}], \"outcomes\": [{\"account\": \"a\", \"outcome\": \"churned\", \"at\": \"2026-03-01\"},"
    " {\"account\": \"b\", \"outcome\": \"renewed\", \"at\": \"2026-09-01\"}], \"dates\": [\"2026-02-01\"],"
    " \"options\": {\"bootstrap\": 10}}";
static csops_status_t score_history_input(const char *a) {
    char *out = NULL;
    return out_call(csops_scorecard_score_history(CARD, a, &out), &out);
}
static csops_status_t backtest_input(const char *a) {
    char *out = NULL;
    return out_call(csops_scorecard_backtest(CARD, a, &out), &out);
}
static csops_status_t compare_input(const char *a) {
    char *out = NULL;
    return out_call(csops_scorecard_compare(CARD, CARD, a, &out), &out);
}
static csops_status_t suggest_input(const char *a) {
    char *out = NULL;
    return out_call(csops_scorecard_suggest_weights(CARD, a, "{\"split\": \"2026-06-01\"}", &out), &out);
}
static csops_status_t suggest_fit(const char *a) {
    char *out = NULL;
    return out_call(csops_scorecard_suggest_weights(CARD, BACKTEST_INPUT, a, &out), &out);
}
static csops_status_t with_batch(const char *a, int which) {
    csops_batch_t *b = csops_batch_new(CARD, 1);
    if (b == NULL) return CSOPS_PANIC;
    double x = 50.0;
    int64_t day = 20000;
    csops_status_t st = which == 0   ? csops_batch_values(b, a, &x)
                        : which == 1 ? csops_batch_observed(b, a, &day)
                                     : csops_batch_as_of(b, a);
    csops_batch_free(b);
    return st;
}
static csops_status_t book_with(const char *accounts, const char *segments) {
    csops_batch_t *b = csops_batch_new(CARD, 1);
    if (b == NULL) return CSOPS_PANIC;
    char *out = NULL;
    csops_status_t st = out_call(csops_batch_book_report(b, accounts, segments, NULL, 3, 3, &out), &out);
    csops_batch_free(b);
    return st;
}
static csops_status_t book_accounts(const char *a) { return book_with(a, NULL); }
static csops_status_t book_segments(const char *a) { return book_with("[\"a\"]", a); }
static csops_status_t board_page_run(const char *a) {
    char *out = NULL;
    return out_call(csops_board_page(a, "p", &out), &out);
}
static csops_status_t board_page_project(const char *a) {
    char *out = NULL;
    return out_call(csops_board_page("{}", a, &out), &out);
}
static csops_status_t backtest_page_report(const char *a) {
    char *out = NULL;
    return out_call(csops_backtest_page(a, &out), &out);
}
static csops_status_t book_page_report(const char *a) {
    char *out = NULL;
    return out_call(csops_book_page(a, NULL, &out), &out);
}
static csops_status_t batch_values_measure(const char *a) { return with_batch(a, 0); }
static csops_status_t batch_observed_measure(const char *a) { return with_batch(a, 1); }
static csops_status_t batch_as_of(const char *a) { return with_batch(a, 2); }

/* What a slot holds: JSON (nesting and truncation are CSOPS_INVALID_JSON), a configuration
 * (JSON, else TOML: what is not JSON is a TOML error, CSOPS_INVALID_CONFIG), or plain text. */
enum kind { JSON, CONFIG, TEXT };

struct slot {
    const char *name;
    csops_status_t (*call)(const char *);
    enum kind kind;
    bool null_ok; /* NULL means "the default" there */
};

static const struct slot SLOTS[] = {
    {"workflow_new(directory_json)", workflow_new_dir, JSON, false},
    {"workflow_new(config_or_null)", workflow_new_config, CONFIG, true},
    {"request_from_json(json)", request_from_json, JSON, false},
    {"workflow_load_request(json)", load_request, JSON, false},
    {"workflow_apply(command_json)", apply_command_json, JSON, false},
    {"workflow_apply(actor)", apply_actor, TEXT, false},
    {"workflow_apply(at_rfc3339)", apply_at, TEXT, false},
    {"workflow_can_apply(command_json)", can_apply_command_json, JSON, false},
    {"workflow_can_apply(actor)", can_apply_actor, TEXT, false},
    {"workflow_can_apply(at_rfc3339)", can_apply_at, TEXT, false},
    {"command_from_json(command_json)", command_from_json, JSON, false},
    {"workflow_apply_command(actor)", apply_command_actor, TEXT, false},
    {"workflow_apply_command(at_rfc3339)", apply_command_at, TEXT, false},
    {"workflow_can_apply_command(actor)", can_apply_command_actor, TEXT, false},
    {"workflow_can_apply_command(at_rfc3339)", can_apply_command_at, TEXT, false},
    {"journey_new(account)", journey_new_account, TEXT, false},
    {"journey_new(config_json_or_null)", journey_new_config, JSON, true},
    {"journey_record(event_json)", journey_record_event, JSON, false},
    {"journey_record(date_iso)", journey_record_date, TEXT, false},
    {"journey_advance(now_iso)", journey_advance, TEXT, false},
    {"scorecard_new(json_or_null)", scorecard_new, CONFIG, true},
    {"scorecard_score(values_json)", score_values, JSON, false},
    {"scorecard_score(as_of_or_null)", score_as_of, TEXT, true},
    {"scorecard_score(segment_or_null)", score_segment, TEXT, true},
    {"gitlab_read_issue(issue_json)", read_issue, JSON, false},
    {"gitlab_check_issue(issue_json)", check_issue, JSON, false},
    {"gitlab_reconstruct(issue_json)", reconstruct_issue, JSON, false},
    {"gitlab_reconstruct(events_json)", reconstruct_events, JSON, false},
    {"gitlab_decide_webhook(hook_json)", decide_hook, JSON, false},
    {"gitlab_decide_webhook(events_json_or_null)", decide_events, JSON, false},
    {"gitlab_audit(issues_json)", audit_issues, JSON, false},
    {"gitlab_audit(events_json_or_null)", audit_events, JSON, true},
    {"gitlab_audit(as_of_rfc3339)", audit_as_of, TEXT, false},
    {"board_report(requests_json)", board_requests, JSON, false},
    {"board_report(as_of_rfc3339)", board_as_of, TEXT, false},
    {"label_parse(text)", label_parse, TEXT, false},
    {"scope(label)", scope_of, TEXT, false},
    {"label_set_new(labels[1])", label_set_new, TEXT, false},
    {"label_set_add(label)", label_set_add, TEXT, false},
    {"label_set_remove(label)", label_set_remove, TEXT, false},
    {"workflow_replay(history_json)", replay_history, JSON, false},
    {"workflow_sla_breaches(now_rfc3339)", sla_now, TEXT, false},
    {"request_time_in_states(now_rfc3339)", time_in_states_now, TEXT, false},
    {"workflow_choices(actor)", choices_actor, TEXT, false},
    {"workflow_choices(at_rfc3339)", choices_at, TEXT, false},
    {"shortest_path(from_state)", shortest_from, TEXT, false},
    {"shortest_path(to_state)", shortest_to, TEXT, false},
    {"simple_paths(from_state)", paths_from, TEXT, false},
    {"simple_paths(to_state)", paths_to, TEXT, false},
    {"segmentation_new(rules_or_null)", segmentation_new, CONFIG, true},
    {"segmentation_assign(account_json)", assign_account, JSON, false},
    {"segmentation_assign_all(accounts_json)", assign_all_accounts, JSON, false},
    {"capacity_plan(assignments_json)", capacity_assignments, JSON, false},
    {"capacity_plan(current_json_or_null)", capacity_current, JSON, true},
    {"capacity_plan(model_json_or_null)", capacity_model, JSON, true},
    {"maturity_report(ratings_json)", maturity_ratings, JSON, false},
    {"maturity_report(foundations_json_or_null)", maturity_foundations, JSON, true},
    {"journey_touchpoints(engagement)", journey_touchpoints, TEXT, false},
    {"scorecard_evaluate(values_json)", evaluate_values, JSON, false},
    {"scorecard_evaluate(options_json_or_null)", evaluate_options, JSON, true},
    {"scorecard_band_code(band)", band_code, TEXT, false},
    {"scorecard_segment_code(segment)", segment_code, TEXT, false},
    {"scorecard_category_code(measure)", category_measure, TEXT, false},
    {"scorecard_category_code(category)", category_name, TEXT, false},
    {"batch_values(measure)", batch_values_measure, TEXT, false},
    {"batch_observed(measure)", batch_observed_measure, TEXT, false},
    {"batch_as_of(day_iso_or_null)", batch_as_of, TEXT, true},
    {"scorecard_score_history(input_json)", score_history_input, JSON, false},
    {"scorecard_backtest(input_json)", backtest_input, JSON, false},
    {"scorecard_compare(input_json)", compare_input, JSON, false},
    {"scorecard_suggest_weights(input_json)", suggest_input, JSON, false},
    {"scorecard_suggest_weights(fit_json)", suggest_fit, JSON, false},
    {"batch_book_report(accounts_json)", book_accounts, JSON, false},
    {"batch_book_report(segments_json_or_null)", book_segments, JSON, true},
    {"board_page(audit_json)", board_page_run, JSON, false},
    {"board_page(project_or_null)", board_page_project, TEXT, true},
    {"backtest_page(backtest_json)", backtest_page_report, JSON, false},
    {"book_page(book_json)", book_page_report, JSON, false},
};

/* `n` bytes: `open`, then `fill` repeated, then `close`, NUL-terminated. */
static char *make(const char *open, char fill, size_t n, const char *close) {
    size_t a = strlen(open), c = strlen(close);
    char *s = malloc(a + n + c + 1);
    if (s == NULL) exit(2);
    memcpy(s, open, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, close, c + 1);
    return s;
}

#define TEN_MB ((size_t)10 << 20)

static void each_slot_meets_hostile_text(void) {
    char *nested = make("", '[', 200000, "");
    char *nested_objects = make("", '{', 200000, "");
    char *big_string = make("\"", 'x', TEN_MB, "\"");
    char *big_key = make("{\"", 'k', TEN_MB, "\": 1}");
    char *big_text = make("", 'x', TEN_MB, "");
    struct {
        const char *name;
        const char *text;
    } inputs[] = {
        {"invalid UTF-8", "{\"\xff\xfe\": \"\xc3\x28\"}"},
        {"truncated JSON", "{\"id\": 1, \"labels\": [\"CSO"},
        {"nested arrays", nested},
        {"nested objects", nested_objects},
        {"a 10 MB string", big_string},
        {"a 10 MB key", big_key},
        {"10 MB of text", big_text},
    };
    for (size_t i = 0; i < sizeof SLOTS / sizeof SLOTS[0]; i++) {
        const struct slot *s = &SLOTS[i];
        csops_status_t st = s->call(NULL);
        if (!s->null_ok) {
            CHECK(st == CSOPS_INVALID_ARGUMENT, "%s: NULL is %s", s->name, csops_status_name(st));
        } else {
            CHECK(st != CSOPS_PANIC, "%s: NULL panics", s->name);
        }
        for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
            st = s->call(inputs[k].text);
            const char *message = csops_last_error_message();
            CHECK(st != CSOPS_PANIC && csops_status_name(st) != NULL, "%s: %s gives %d", s->name,
                  inputs[k].name, (int)st);
            if (st != CSOPS_OK) {
                CHECK(strlen(message) < 4096, "%s: %s gives a message of %zu bytes", s->name,
                      inputs[k].name, strlen(message));
            }
            if (k == 0) {
                CHECK(st == CSOPS_INVALID_UTF8, "%s: invalid UTF-8 is %s", s->name,
                      csops_status_name(st));
            } else if (s->kind == JSON && k <= 3) {
                CHECK(st == CSOPS_INVALID_JSON, "%s: %s is %s", s->name, inputs[k].name,
                      csops_status_name(st));
            } else if (s->kind != TEXT) {
                CHECK(st != CSOPS_OK, "%s: %s is accepted", s->name, inputs[k].name);
            }
        }
    }
    free(nested);
    free(nested_objects);
    free(big_string);
    free(big_key);
    free(big_text);
}

/* Every handle and output argument NULL, one at a time. */
static void null_handles_and_outputs(void) {
    csops_request_t *req = csops_workflow_load_request(WF, REQUEST);
    csops_command_t *cmd = csops_command_from_json(COMMAND);
    csops_journey_t *j = csops_journey_new("acme", NULL);
    char *out = NULL;
    double d = 0;
    int w = 0;
    const csops_status_t bad = CSOPS_INVALID_ARGUMENT;
    CHECK(req && cmd && j, "fixtures");
    CHECK(csops_workflow_load_request(NULL, REQUEST) == NULL && csops_last_error_status() == bad, "load wf");
    CHECK(csops_request_to_json(NULL) == NULL && csops_last_error_status() == bad, "to_json");
    CHECK(csops_request_state(NULL) == NULL && !csops_request_is_open(NULL), "state, is_open");
    CHECK(csops_workflow_apply(NULL, req, COMMAND, "lena", AT, &out) == bad, "apply wf");
    CHECK(csops_workflow_apply(WF, NULL, COMMAND, "lena", AT, &out) == bad, "apply req");
    CHECK(csops_workflow_can_apply(WF, NULL, COMMAND, "lena", AT, &out) == bad, "can_apply req");
    CHECK(csops_workflow_apply_command(WF, req, NULL, "lena", AT, &out) == bad, "apply_command cmd");
    CHECK(csops_workflow_apply_command(NULL, req, cmd, "lena", AT, &out) == bad, "apply_command wf");
    CHECK(csops_workflow_can_apply_command(WF, NULL, cmd, "lena", AT, &out) == bad, "can_apply_command req");
    CHECK(csops_workflow_mermaid(NULL) == NULL && csops_last_error_status() == bad, "mermaid");
    CHECK(csops_weight_for_hours(1.0, NULL) == bad, "weight out");
    CHECK(csops_weight_check(3, NULL) == bad, "weight_check out");
    CHECK(csops_weight_check(4, &w) == CSOPS_INVALID_WEIGHT, "weight 4");
    CHECK(csops_weight_for_hours(0.0 / 0.0, &w) != CSOPS_OK, "weight NaN");
    CHECK(csops_metric_nps(NULL, 3, &d) == bad && csops_metric_nps(NULL, 0, &d) != CSOPS_PANIC, "nps");
    CHECK(csops_metric_csat(NULL, 3, &d) == bad, "csat");
    CHECK(csops_metric_nrr(1.0 / 0.0, 0, 0, 0, &d) != CSOPS_OK, "nrr inf");
    CHECK(csops_metric_grr(100, 0, 0, 0, NULL) == bad, "grr out");
    CHECK(csops_metric_nrr_per_account(NULL, NULL, 2, &d) == bad, "nrr per account");
    CHECK(csops_metric_grr_per_account(NULL, NULL, 2, &d) == bad, "grr per account");
    CHECK(csops_metric_logo_churn(10, 1, NULL) == bad, "logo churn out");
    CHECK(csops_metric_license_utilization(0.0 / 0.0, 10, &d) != CSOPS_OK, "utilization NaN");
    CHECK(csops_journey_record(NULL, "{\"type\": \"first_value\"}", "2026-01-05") == bad, "record j");
    CHECK(csops_journey_advance(NULL, "2026-01-05", &out) == bad, "advance j");
    CHECK(csops_journey_stage(NULL) == NULL, "stage j");
    CHECK(csops_scorecard_score(NULL, "{}", NULL, NULL, &out) == bad, "score card");
    CHECK(csops_scorecard_score(CARD, "{}", NULL, NULL, NULL) == bad, "score out");
    CHECK(csops_scorecard_score_batch(NULL, 1, NULL, NULL, &d, NULL, NULL) == bad, "batch card");
    CHECK(csops_scorecard_score_batch(CARD, 1, NULL, NULL, &d, NULL, NULL) == bad, "batch columns");
    CHECK(csops_scorecard_measure(NULL, 0) == NULL && csops_scorecard_measure(CARD, 1u << 30) == NULL,
          "measure");
    CHECK(csops_gitlab_read_issue(NULL, ISSUE) == NULL && csops_last_error_status() == bad, "read_issue wf");
    CHECK(csops_gitlab_check_issue(WF, ISSUE, NULL, &out) == bad, "check_issue out");
    CHECK(csops_gitlab_reconstruct(NULL, ISSUE, EVENTS, &out) == bad, "reconstruct wf");
    CHECK(csops_gitlab_reconstruct(WF, ISSUE, EVENTS, NULL) == bad, "reconstruct out");
    CHECK(csops_gitlab_decide_webhook(WF, HOOK, NULL, NULL, &out) != CSOPS_OK, "decide without either");
    CHECK(csops_gitlab_decide_webhook(NULL, HOOK, req, NULL, &out) == bad, "decide wf");
    CHECK(csops_gitlab_audit(NULL, ISSUES, NULL, AT, &out) == bad, "audit wf");
    CHECK(csops_gitlab_audit(WF, ISSUES, NULL, AT, NULL) == bad, "audit out");
    CHECK(csops_board_report(NULL, ISSUES, AT, &out) == bad, "board wf");
    CHECK(csops_label_canonical(NULL) == NULL && csops_label_state(NULL) == NULL && csops_label_scope(NULL) == NULL &&
              csops_label_family(NULL) == NULL && csops_label_text(NULL) == NULL,
          "label getters");
    CHECK(csops_scope("a::b", NULL) == bad, "scope out");
    CHECK(csops_label_set_new(NULL, 2) == NULL && csops_last_error_status() == bad, "label set NULL array");
    CHECK(csops_label_set_add(NULL, "x", &out) == bad && csops_label_set_remove(NULL, "x", NULL) == bad, "set NULL");
    CHECK(csops_label_set_count(NULL) == 0 && csops_label_set_label(NULL, 0) == NULL, "set getters");
    CHECK(csops_workflow_dot(NULL) == NULL && csops_workflow_config_json(NULL) == NULL &&
              csops_workflow_directory_json(NULL) == NULL,
          "workflow getters");
    CHECK(csops_workflow_replay(WF, NULL, "[]") == NULL && csops_last_error_status() == bad, "replay initial");
    CHECK(csops_workflow_sla_breaches(WF, req, AT, NULL) == bad && csops_workflow_sla_breaches(NULL, req, AT, &out) == bad,
          "sla");
    CHECK(csops_request_time_in_states(NULL, AT, &out) == bad && csops_request_time_in_states(req, AT, NULL) == bad,
          "time in states");
    CHECK(csops_workflow_review_level(NULL, req) == NULL && csops_workflow_review_level(WF, NULL) == NULL, "review");
    CHECK(csops_workflow_choices(NULL, req, "lena", AT, &out) == bad && csops_workflow_choices(WF, NULL, "lena", AT, &out) == bad &&
              csops_workflow_choices(WF, req, "lena", AT, NULL) == bad,
          "choices");
    CHECK(csops_shortest_path("New", "Triage", NULL) == bad && csops_simple_paths("New", "Triage", NULL) == bad, "paths out");
    CHECK(csops_segmentation_assign(NULL, ACCOUNT, &out) == bad && csops_segmentation_to_json(NULL) == NULL,
          "segmentation");
    CHECK(csops_capacity_plan(ASSIGNMENTS, NULL, NULL, NULL) == bad, "capacity out");
    CHECK(csops_maturity_report("{}", NULL, NULL) == bad, "maturity out");
    CHECK(csops_journey_touchpoints(NULL, "high_touch", &out) == bad && csops_journey_to_json(NULL) == NULL,
          "journey");
    CHECK(csops_scorecard_evaluate(NULL, "{}", NULL) == NULL && csops_last_error_status() == bad, "evaluate card");
    CHECK(isnan(csops_health_score(NULL)) && csops_health_band(NULL) == NULL && isnan(csops_health_coverage(NULL)) &&
              csops_health_trend(NULL) == NULL && !csops_health_band_change(NULL, NULL, NULL) &&
              csops_health_veto_count(NULL) == 0 && csops_health_reason(NULL, 0) == NULL &&
              csops_health_to_json(NULL) == NULL,
          "health getters");
    CHECK(csops_scorecard_validate(CARD, 2, NULL, NULL, &out) == bad, "validate columns");
    CHECK(csops_scorecard_name(NULL) == NULL && csops_scorecard_hash(NULL) == NULL &&
              csops_scorecard_version(NULL) == NULL && csops_health_scorecard_hash(NULL) == NULL &&
              csops_health_scorecard_name(NULL) == NULL && csops_health_scorecard_version(NULL) == NULL,
          "identity getters");
    CHECK(strlen(csops_scorecard_hash(CARD)) == 64 && strcmp(csops_scorecard_version(CARD), "1") == 0,
          "the default scorecard's identity");
    CHECK(csops_scorecard_backtest(NULL, BACKTEST_INPUT, &out) == bad &&
              csops_scorecard_backtest(CARD, BACKTEST_INPUT, NULL) == bad &&
              csops_scorecard_compare(CARD, NULL, BACKTEST_INPUT, &out) == bad &&
              csops_scorecard_score_history(CARD, BACKTEST_INPUT, NULL) == bad &&
              csops_scorecard_suggest_weights(CARD, BACKTEST_INPUT, NULL, &out) == bad,
          "backtest handles and outputs");
    CHECK(csops_scorecard_band_code(CARD, "Purple", (uint8_t[]){0}) == CSOPS_INVALID_INPUT, "band Purple");
    CHECK(csops_batch_new(NULL, 3) == NULL && csops_batch_score(NULL, &d, NULL, NULL) == bad, "batch NULL");
    csops_batch_t *batch = csops_batch_new(CARD, 2);
    CHECK(csops_batch_score(batch, &d, NULL, NULL) == bad, "batch outputs");
    CHECK(csops_batch_explain(batch, 2) == NULL && csops_last_error_status() == CSOPS_INVALID_INPUT, "explain row 2");
    csops_batch_free(batch);
    CHECK(csops_last_error_problem(0, NULL, NULL, NULL) == bad, "no problem 0 after a non-rejection");
    CHECK(out == NULL, "no output written on failure");
    csops_string_free(NULL);
    csops_request_free(NULL);
    csops_command_free(NULL);
    csops_journey_free(NULL);
    csops_scorecard_free(NULL);
    csops_workflow_free(NULL);
    csops_label_free(NULL);
    csops_label_set_free(NULL);
    csops_segmentation_free(NULL);
    csops_health_free(NULL);
    csops_batch_free(NULL);
    csops_journey_free(j);
    csops_command_free(cmd);
    csops_request_free(req);
}

int main(void) {
    WF = csops_workflow_new(DIRECTORY, NULL);
    CARD = csops_scorecard_new(NULL);
    if (WF == NULL || CARD == NULL) {
        fprintf(stderr, "fixtures: %s\n", csops_last_error_message());
        return 2;
    }
    each_slot_meets_hostile_text();
    null_handles_and_outputs();
    csops_scorecard_free(CARD);
    csops_workflow_free(WF);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
