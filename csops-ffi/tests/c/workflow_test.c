/* The C ABI from C: a whole request through the workflow, every status code, and every
 * `workflow` and `metrics` conformance vector of the folders (or files) named on the command
 * line, each step or case passed through the ABI. Vectors are read with cJSON. Ends with the line
 * "N passed, N failed" and exits non-zero on a failure.
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -I csops-ffi/include workflow_test.c \
 *           -L target/debug -lcsops -lcjson -Wl,-rpath,target/debug
 */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csops.h"

#include "check.h"
#include "metrics_cases.h"
#include "vector_kinds.h"
#include "parity_cases.h"

/* The status type is a fixed 32 bits and its numbers never change: a program compiled against
 * this header keeps reading the same outcomes from a later library. */
_Static_assert(sizeof(csops_status_t) == 4, "csops_status_t is 32 bits");
_Static_assert(CSOPS_OK == 0 && CSOPS_UNKNOWN_PERSON == 1 && CSOPS_INVALID_TIME == 2 &&
                   CSOPS_INVALID_TRANSITION == 3 && CSOPS_NOT_PERMITTED == 4 &&
                   CSOPS_MISSING_INPUT == 5 && CSOPS_INVALID_WEIGHT == 6 && CSOPS_NEEDS_EPIC == 7 &&
                   CSOPS_REVIEW_REQUIRED == 8 && CSOPS_CHECKLIST_INCOMPLETE == 9,
               "the rejection kinds keep their numbers");
_Static_assert(CSOPS_INVALID_ARGUMENT == 100 && CSOPS_INVALID_UTF8 == 101 &&
                   CSOPS_INVALID_JSON == 102 && CSOPS_INVALID_INPUT == 103 &&
                   CSOPS_INVALID_CONFIG == 104 && CSOPS_PANIC == 199,
               "the call's own errors keep their numbers");

static const char *DIRECTORY =
    "{\"lena\": [\"workstream_lead:Gainsight\"], \"omar\": [\"cs_ops\"], "
    "\"gia\": [\"cs_ops\", \"gainsight_admin\"]}";
static const char *REQUEST =
    "{\"id\": 101, \"title\": \"Combine two CTA rules\", \"author\": \"rita\", "
    "\"labels\": [\"CSOps\", \"Gainsight\"], \"created_at\": \"2026-01-05T09:00:00Z\", "
    "\"change_kind\": \"gainsight_rule\"}";

static csops_status_t step(const csops_workflow_t *wf, csops_request_t *req, const char *cmd,
                           const char *actor, const char *at) {
    char *transition = NULL;
    csops_status_t s = csops_workflow_apply(wf, req, cmd, actor, at, &transition);
    if (s == CSOPS_OK) {
        CHECK(transition != NULL, "a transition on success");
    } else {
        CHECK(transition == NULL, "no transition written on failure");
        CHECK(strlen(csops_last_error_message()) > 0, "a message on failure");
    }
    csops_string_free(transition);
    return s;
}

/* One error of each kind a C caller meets, worded as the domain (issue 14): the input named,
 * what was expected in user words, what was found. Core and Python test the same inputs. */
static void expect_message(const char *what, const char *want) {
    const char *got = csops_last_error_message();
    CHECK(strcmp(got, want) == 0, "%s: got \"%s\"", what, got);
}

static void errors_read_as_the_domain(void) {
    csops_workflow_t *wf = csops_workflow_new(DIRECTORY, NULL);
    csops_request_t *req = csops_request_from_json(REQUEST);
    CHECK(wf != NULL && req != NULL, "handles");
    if (wf == NULL || req == NULL) {
        csops_workflow_free(wf);
        csops_request_free(req);
        return;
    }
    step(wf, req, "{\"type\": \"triage\"}", "lena", "2026-13-45");
    expect_message("a bad time",
                   "at: \"2026-13-45\" is not a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)");
    step(wf, req, "{\"type\": \"triage\", \"wrkstream\": \"Digital\"}", "lena", "2026-01-06T10:00:00Z");
    expect_message("a typo in a command",
                   "command is not valid: at `wrkstream`: unknown field \"wrkstream\"; a triage command's fields are workstream");
    step(wf, req, "{\"type\": \"ready\", \"weight\": \"3\"}", "lena", "2026-01-06T10:00:00Z");
    expect_message("a mistyped value",
                   "command is not valid: at `weight`: expected a whole number, found the text \"3\"");
    step(wf, req, "{\"type\": \"decline\", \"reason\": \"dup\"}", "omar", "2026-01-06T10:00:00Z");
    expect_message("a rejection",
                   "not_permitted: decline in New is for the lead of workstream Gainsight (lena); \"omar\" is not");
    csops_request_t *bad = csops_request_from_json("{\"author\": \"r\", \"created_at\": \"2026-01-05T09:00:00Z\"}");
    CHECK(bad == NULL, "a request without its id");
    expect_message("a missing field", "request is not valid: at `id`: required, but missing");
    csops_workflow_t *typo = csops_workflow_new(DIRECTORY, "{\"slas\": {}}");
    CHECK(typo == NULL, "a configuration with a typo");
    expect_message("a configuration typo",
                   "JSON configuration: at `slas`: unknown field \"slas\"; the fields are labels, routing, review, sla");
    char *report = NULL;
    CHECK(csops_board_report(wf, "[]", "2026-03-16", &report) == CSOPS_INVALID_INPUT && report == NULL,
          "a board as of a day");
    expect_message("the input named", "as_of: \"2026-03-16\" is not a time like 2026-01-06T10:00:00Z (RFC 3339: a "
                                      "date, a time and a zone)");
    csops_request_free(req);
    csops_workflow_free(wf);
}

/* A request from New to Completed, and every status code on the way. */
static void walk_a_request(void) {
    csops_workflow_t *wf = csops_workflow_new(DIRECTORY, NULL);
    csops_request_t *req = csops_request_from_json(REQUEST);
    CHECK(wf != NULL && req != NULL, "handles");
    if (wf == NULL || req == NULL) {
        csops_workflow_free(wf);
        csops_request_free(req);
        return;
    }
    CHECK(strcmp(csops_request_state(req), "New") == 0, "starts in New");

    CHECK(step(wf, req, "{\"type\": \"triage\"}", "zed", "2026-01-06T10:00:00Z") == CSOPS_UNKNOWN_PERSON, "unknown person");
    CHECK(step(wf, req, "{\"type\": \"triage\"}", "lena", "2020-01-06T10:00:00Z") == CSOPS_INVALID_TIME, "invalid time");
    CHECK(step(wf, req, "{\"type\": \"unblock\"}", "lena", "2026-01-06T10:00:00Z") == CSOPS_INVALID_TRANSITION, "invalid transition");
    CHECK(step(wf, req, "{\"type\": \"triage\"}", "omar", "2026-01-06T10:00:00Z") == CSOPS_NOT_PERMITTED, "not permitted");
    CHECK(strcmp(csops_request_state(req), "New") == 0, "rejections change nothing");

    char *transition = NULL;
    csops_status_t s = csops_workflow_apply(wf, req, "{\"type\": \"triage\"}", "lena", "2026-01-06T10:00:00Z", &transition);
    CHECK(s == CSOPS_OK, "triage");
    cJSON *t = cJSON_Parse(transition);
    const cJSON *added = cJSON_GetObjectItemCaseSensitive(t, "add_labels");
    CHECK(cJSON_IsArray(added) && cJSON_GetArraySize(added) == 1 &&
              strcmp(cJSON_GetArrayItem(added, 0)->valuestring, "CSOps::Triage") == 0,
          "triage adds CSOps::Triage");
    cJSON_Delete(t);
    csops_string_free(transition);

    CHECK(step(wf, req, "{\"type\": \"ready\"}", "lena", "2026-01-06T10:01:00Z") == CSOPS_MISSING_INPUT, "missing input");
    CHECK(step(wf, req, "{\"type\": \"ready\", \"weight\": 4}", "lena", "2026-01-06T10:01:00Z") == CSOPS_INVALID_WEIGHT, "invalid weight");
    CHECK(step(wf, req, "{\"type\": \"ready\", \"hours\": 9}", "lena", "2026-01-06T10:01:00Z") == CSOPS_NEEDS_EPIC, "needs epic");
    CHECK(step(wf, req, "{\"type\": \"ready\", \"weight\": 5}", "lena", "2026-01-06T10:02:00Z") == CSOPS_OK, "ready");
    CHECK(step(wf, req, "{\"type\": \"start\"}", "omar", "2026-01-07T09:00:00Z") == CSOPS_OK, "start");
    CHECK(step(wf, req, "{\"type\": \"waive_review\", \"reason\": \"small\"}", "omar", "2026-01-07T09:01:00Z") == CSOPS_REVIEW_REQUIRED, "review required");
    CHECK(step(wf, req, "{\"type\": \"request_review\", \"reviewer\": \"gia\", \"summary\": \"merged\"}", "omar", "2026-01-07T15:00:00Z") == CSOPS_OK, "request review");
    CHECK(step(wf, req, "{\"type\": \"approve_review\"}", "gia", "2026-01-08T09:00:00Z") == CSOPS_OK, "approve");
    CHECK(step(wf, req, "{\"type\": \"complete\"}", "omar", "2026-01-08T09:30:00Z") == CSOPS_CHECKLIST_INCOMPLETE, "checklist incomplete");
    CHECK(step(wf, req,
               "{\"type\": \"complete\", \"checklist\": {\"handbook_updated\": true, \"gainsight_changelog\": true, "
               "\"stakeholders_communicated\": true, \"lead_informed\": {\"summary\": \"done\", \"next_steps\": \"none\"}}}",
               "omar", "2026-01-08T10:00:00Z") == CSOPS_OK,
          "complete");
    CHECK(strcmp(csops_request_state(req), "Completed") == 0 && !csops_request_is_open(req), "completed and closed");

    /* The call's own errors. */
    CHECK(csops_workflow_apply(NULL, req, "{}", "a", "b", NULL) == CSOPS_INVALID_ARGUMENT, "NULL handle");
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"reopen\"}", "\xff", "2026-01-09T10:00:00Z", NULL) == CSOPS_INVALID_UTF8, "invalid UTF-8");
    CHECK(csops_workflow_apply(wf, req, "{nope", "lena", "2026-01-09T10:00:00Z", NULL) == CSOPS_INVALID_JSON, "invalid JSON");
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"dance\"}", "lena", "2026-01-09T10:00:00Z", NULL) == CSOPS_INVALID_INPUT, "invalid input");
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"reopen\", \"wrkstream\": \"Digital\"}", "lena",
                               "2026-01-09T10:00:00Z", NULL) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "wrkstream") != NULL,
          "a typo in a command is refused, naming the field");
    CHECK(csops_workflow_new("{\"x\": [\"boss\"]}", NULL) == NULL, "a bad directory is NULL");
    CHECK(strstr(csops_last_error_message(), "boss") != NULL, "and names the role");
    CHECK(csops_workflow_new(DIRECTORY, "[sla]\nuntriaged_days = 0\n") == NULL, "a bad config is NULL");
    CHECK(csops_last_error_status() == CSOPS_INVALID_CONFIG, "invalid config");
    CHECK(csops_workflow_new(DIRECTORY, "[sla") == NULL && csops_last_error_status() == CSOPS_INVALID_CONFIG,
          "TOML that is not TOML is a configuration error, not CSOPS_INVALID_JSON");
    CHECK(csops_workflow_new(DIRECTORY, "{\"sla\": ") == NULL && csops_last_error_status() == CSOPS_INVALID_JSON,
          "a JSON configuration that is not JSON is CSOPS_INVALID_JSON");
    CHECK(csops_request_from_json("{\"id\": 1") == NULL && csops_last_error_status() == CSOPS_INVALID_JSON,
          "a constructor's status after NULL");
    csops_status_t st = csops_test_panic();
    CHECK(st == CSOPS_PANIC, "a panic stops at the boundary");
    int weight = 0;
    CHECK(csops_weight_for_hours(2.5, &weight) == CSOPS_OK && weight == 3, "2.5 hours is weight 3");

    /* A prepared command: read once, applied (and rejected) by the same rules. */
    csops_command_t *reopen = csops_command_from_json("{\"type\": \"reopen\"}");
    CHECK(reopen != NULL, "a prepared command");
    CHECK(csops_workflow_can_apply_command(wf, req, reopen, "omar", "2026-01-09T10:00:00Z", NULL) == CSOPS_NOT_PERMITTED,
          "a prepared command is checked like any other");
    CHECK(csops_workflow_apply_command(wf, req, reopen, "lena", "2026-01-09T10:00:00Z", NULL) == CSOPS_OK &&
              strcmp(csops_request_state(req), "Triage") == 0 && csops_request_is_open(req),
          "reopen through a prepared command");
    CHECK(csops_command_from_json("{\"type\": \"x\"}") == NULL && csops_last_error_status() == CSOPS_INVALID_INPUT,
          "an unknown command type");
    csops_command_free(reopen);

    char *json = csops_request_to_json(req);
    csops_request_t *copy = csops_request_from_json(json);
    CHECK(copy != NULL && strcmp(csops_request_state(copy), "Triage") == 0, "JSON round trip");
    csops_request_free(copy);
    csops_string_free(json);
    csops_request_free(req);
    csops_workflow_free(wf);
}

/* A customer journey through the ABI: contract, milestones, the renewal window, a renewal. */
static void walk_a_journey(void) {
    csops_journey_t *j = csops_journey_new("acme", NULL);
    CHECK(j != NULL && strcmp(csops_journey_stage(j), "Align") == 0, "a journey starts in Align");
    if (j == NULL) return;
    CHECK(csops_journey_record(j, "{\"type\": \"contract_signed\", \"start\": \"2026-01-05\", \"renewal\": \"2027-01-05\", \"arr\": 100000}",
                               "2026-01-02") == CSOPS_OK, "contract signed");
    CHECK(csops_journey_record(j, "{\"type\": \"first_engagement\"}", "2026-01-10") == CSOPS_OK, "first engagement");
    CHECK(csops_journey_record(j, "{\"type\": \"first_value\"}", "2026-01-09") == CSOPS_INVALID_INPUT, "dates in order");
    CHECK(csops_journey_record(j, "{\"type\": \"first_value\"}", "2026-01-20") == CSOPS_OK, "first value");
    CHECK(csops_journey_record(j, "{\"type\": \"onboarding_completed\"}", "2026-02-01") == CSOPS_OK, "onboarded");
    char *report = NULL;
    CHECK(csops_journey_advance(j, "2026-10-01", &report) == CSOPS_OK && strcmp(csops_journey_stage(j), "Renew") == 0,
          "the renewal window opens");
    cJSON *r = cJSON_Parse(report);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "steps")) == 1 &&
              cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "misses")) == 0,
          "one step, no misses");
    cJSON_Delete(r);
    csops_string_free(report);
    CHECK(csops_journey_record(j, "{\"type\": \"renewed\", \"renewal\": \"2028-01-05\", \"arr\": 120000}", "2026-12-01") == CSOPS_OK &&
              strcmp(csops_journey_stage(j), "Enable") == 0,
          "renewed");
    csops_journey_free(j);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (text != NULL && fread(text, 1, (size_t)n, f) == (size_t)n) {
        text[n] = '\0';
    } else {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

static int bool_of(const cJSON *obj, const char *key) {
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* The default scorecard over three accounts as columns; each batch result must equal the
 * single score of the same account (read from its JSON), bit for bit. */
static void score_a_book(void) {
    csops_scorecard_t *card = csops_scorecard_new(NULL);
    CHECK(card != NULL, "default scorecard");
    size_t m = csops_scorecard_measure_count(card);
    CHECK(m == 11, "eleven measures in the default scorecard (%zu)", m);
    CHECK(strcmp(csops_scorecard_measure(card, 0), "license_utilization") == 0, "measure 0");
    CHECK(csops_scorecard_measure(card, m) == NULL, "measure out of range");
    enum { N = 3 };
    double cols[11][N];
    const double *ptrs[11];
    for (size_t i = 0; i < m; i++) {
        for (int r = 0; r < N; r++) cols[i][r] = NAN;
        ptrs[i] = cols[i];
    }
    const char *values[N] = {
        "{\"license_utilization\": 90, \"user_engagement\": 85, \"scm_adoption\": 80, \"ci_adoption\": 70,"
        " \"devsecops_adoption\": 40, \"cd_adoption\": 60, \"csm_sentiment\": \"green\", \"outcomes_achieved\": 50,"
        " \"nps_response\": 8, \"csat_response\": 4, \"days_since_last_touch\": 9}",
        "{\"license_utilization\": 90, \"user_engagement\": 85, \"scm_adoption\": 80, \"ci_adoption\": 70,"
        " \"csm_sentiment\": \"red\"}",
        "{\"nps_response\": 10}"};
    double raw[N][11] = {{90, 85, 80, 70, 40, 60, 2, 50, 8, 4, 9},
                         {90, 85, 80, 70, NAN, NAN, 0, NAN, NAN, NAN, NAN},
                         {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 10, NAN, NAN}};
    for (int r = 0; r < N; r++)
        for (size_t i = 0; i < m; i++) cols[i][r] = raw[r][i];
    double score[N], coverage[N];
    uint8_t band[N];
    csops_status_t s = csops_scorecard_score_batch(card, N, ptrs, NULL, score, band, coverage);
    CHECK(s == CSOPS_OK, "batch (%s)", csops_last_error_message());
    for (int r = 0; r < N; r++) {
        char *json = NULL;
        s = csops_scorecard_score(card, values[r], NULL, NULL, &json);
        CHECK(s == CSOPS_OK && json != NULL, "single %d (%s)", r, csops_last_error_message());
        cJSON *one = cJSON_Parse(json);
        cJSON *sc = cJSON_GetObjectItem(one, "score");
        const char *b = cJSON_GetStringValue(cJSON_GetObjectItem(one, "band"));
        if (cJSON_IsNull(sc))
            CHECK(isnan(score[r]), "row %d: Unknown in both", r);
        else
            CHECK(cJSON_GetNumberValue(sc) == score[r], "row %d: %.17g == %.17g", r,
                  cJSON_GetNumberValue(sc), score[r]);
        CHECK(b && strcmp(b, csops_scorecard_band_name(card, band[r])) == 0, "row %d: band %s", r, b);
        cJSON_Delete(one);
        csops_string_free(json);
    }
    CHECK(strcmp(csops_scorecard_band_name(card, band[0]), "Green") == 0, "healthy is Green");
    CHECK(strcmp(csops_scorecard_band_name(card, band[1]), "Red") == 0, "red sentiment vetoes");
    CHECK(strcmp(csops_scorecard_band_name(card, 255), "Unknown") == 0, "255 is Unknown");
    /* A category code out of range: an error naming the row and measure; rows read Unknown. */
    cols[6][1] = 7;
    s = csops_scorecard_score_batch(card, N, ptrs, NULL, score, band, coverage);
    CHECK(s == CSOPS_INVALID_INPUT && strstr(csops_last_error_message(), "row 1") &&
              strstr(csops_last_error_message(), "csm_sentiment") && csops_last_error_row() == 1 &&
              same_text(csops_last_error_key(), "csm_sentiment"),
          "bad code (%s), its row as data", csops_last_error_message());
    CHECK(isnan(score[0]) && band[0] == 255, "outputs read Unknown after an error");
    char *json = NULL;
    CHECK(csops_scorecard_score(card, "{\"csm_sentiment\": \"purple\"}", NULL, NULL, &json) == CSOPS_INVALID_INPUT &&
              json == NULL, "unknown category");
    CHECK(csops_scorecard_score_batch(card, N, NULL, NULL, score, band, coverage) == CSOPS_INVALID_ARGUMENT &&
              csops_last_error_row() == -1,
          "NULL columns, about no row");
    /* as_of and segment: a stale value, and a segment whose profile drops the sentiment. */
    json = NULL;
    s = csops_scorecard_score(card, "{\"license_utilization\": {\"value\": 90, \"at\": \"2026-01-01\"}, "
                              "\"csm_sentiment\": \"red\", \"scm_adoption\": 80}",
                              "2026-11-01", "tech_touch", &json);
    CHECK(s == CSOPS_OK && json != NULL, "as_of and segment (%s)", csops_last_error_message());
    cJSON *dated = cJSON_Parse(json);
    cJSON *stale = cJSON_GetObjectItem(dated, "stale");
    CHECK(cJSON_GetArraySize(stale) == 1 &&
              strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(stale, 0)), "license_utilization") == 0,
          "the stale value is reported");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(dated, "vetoes")) == 0, "no sentiment veto for tech touch");
    cJSON_Delete(dated);
    csops_string_free(json);
    json = NULL;
    CHECK(csops_scorecard_score(card, "{}", "2026-13-01", NULL, &json) == CSOPS_INVALID_INPUT && json == NULL,
          "a bad as_of");
    CHECK(csops_scorecard_score(card, "{}", NULL, NULL, NULL) == CSOPS_INVALID_ARGUMENT, "NULL output");
    CHECK(csops_scorecard_measure_count(NULL) == 0 && csops_scorecard_band_name(NULL, 0) == NULL, "NULL card");
    csops_scorecard_free(card);
    CHECK(csops_scorecard_new("{\"groups\": [{\"id\": \"g\", \"weight\": 0, \"measures\": []}], \"bands\": []}") == NULL &&
              csops_last_error_status() == CSOPS_INVALID_CONFIG && strstr(csops_last_error_message(), "groups[0]"),
          "bad scorecard (%s)", csops_last_error_message());
    CHECK(csops_scorecard_new("{") == NULL && csops_last_error_status() == CSOPS_INVALID_JSON, "not JSON");
    csops_scorecard_free(NULL);
}

static void run_workflow_vector(const char *path, const cJSON *v) {
    char *dir = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(v, "directory"));
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(v, "config");
    char *config_text = config ? cJSON_PrintUnformatted(config) : NULL;
    csops_workflow_t *wf = csops_workflow_new(dir, config_text);
    char *req_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(v, "request"));
    csops_request_t *req = wf ? csops_workflow_load_request(wf, req_text) : NULL;
    CHECK(wf != NULL && req != NULL, "%s: workflow and request load", path);
    int index = 0;
    const cJSON *steps = req != NULL ? cJSON_GetObjectItemCaseSensitive(v, "steps") : NULL;
    const cJSON *s;
    cJSON_ArrayForEach(s, steps) {
        char *cmd = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(s, "command"));
        const char *actor = cJSON_GetObjectItemCaseSensitive(s, "actor")->valuestring;
        const char *at = cJSON_GetObjectItemCaseSensitive(s, "at")->valuestring;
        char *before = csops_request_to_json(req);
        char *transition = NULL;
        csops_status_t st = csops_workflow_apply(wf, req, cmd, actor, at, &transition);
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(s, "expect");
        const cJSON *expect_error = cJSON_GetObjectItemCaseSensitive(s, "expect_error");
        if (expect != NULL) {
            cJSON *t = cJSON_Parse(transition);
            CHECK(st == CSOPS_OK && t != NULL, "%s steps[%d] %s: expected %s, actual %s", path, index, cmd,
                  cJSON_GetObjectItemCaseSensitive(expect, "state")->valuestring, csops_status_name(st));
            if (t != NULL) {
                CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(t, "to")->valuestring,
                             cJSON_GetObjectItemCaseSensitive(expect, "state")->valuestring) == 0,
                      "%s steps[%d]: state", path, index);
                CHECK(same_set(cJSON_GetObjectItemCaseSensitive(expect, "add_labels"), cJSON_GetObjectItemCaseSensitive(t, "add_labels")),
                      "%s steps[%d]: add_labels", path, index);
                CHECK(same_set(cJSON_GetObjectItemCaseSensitive(expect, "remove_labels"), cJSON_GetObjectItemCaseSensitive(t, "remove_labels")),
                      "%s steps[%d]: remove_labels", path, index);
                CHECK(bool_of(expect, "close") == bool_of(t, "close") && bool_of(expect, "reopen") == bool_of(t, "reopen"),
                      "%s steps[%d]: close/reopen", path, index);
                const cJSON *rest = cJSON_GetObjectItemCaseSensitive(t, "rest_params");
                const cJSON *event = cJSON_GetObjectItemCaseSensitive(rest, "state_event");
                CHECK(cJSON_IsObject(rest) &&
                          (bool_of(t, "close") ? cJSON_IsString(event) && strcmp(event->valuestring, "close") == 0
                           : bool_of(t, "reopen") ? cJSON_IsString(event) && strcmp(event->valuestring, "reopen") == 0
                                                  : event == NULL),
                      "%s steps[%d]: rest_params.state_event", path, index);
            }
            cJSON_Delete(t);
        } else {
            const char *kind = cJSON_GetObjectItemCaseSensitive(expect_error, "kind")->valuestring;
            CHECK(strcmp(csops_status_name(st), kind) == 0, "%s steps[%d] %s: expected %s, actual %s", path, index, cmd,
                  kind, csops_status_name(st));
            /* The rejection as structure: its rule, its missing inputs (a set), its problems. */
            CHECK(csops_last_error_problem_count() >= 1 && strlen(csops_last_error_rule()) > 0,
                  "%s steps[%d]: the rejection's rule and problems", path, index);
            csops_status_t first = CSOPS_OK;
            CHECK(csops_last_error_problem(0, &first, NULL, NULL) == CSOPS_OK && first == st,
                  "%s steps[%d]: the first problem is the status's kind", path, index);
            const cJSON *missing = cJSON_GetObjectItemCaseSensitive(expect_error, "missing");
            if (missing != NULL) {
                cJSON *actual = cJSON_CreateArray();
                for (size_t k = 0; k < csops_last_error_missing_count(); k++) {
                    cJSON_AddItemToArray(actual, cJSON_CreateString(csops_last_error_missing(k)));
                }
                CHECK(same_set(missing, actual), "%s steps[%d]: missing", path, index);
                cJSON_Delete(actual);
            }
            char *after = csops_request_to_json(req);
            CHECK(strcmp(before, after) == 0, "%s steps[%d]: a rejection changed the request", path, index);
            csops_string_free(after);
        }
        csops_string_free(transition);
        csops_string_free(before);
        free(cmd);
        index++;
    }
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(v, "final");
    if (final != NULL && req != NULL) {
        char *json = csops_request_to_json(req);
        cJSON *r = cJSON_Parse(json);
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(final, "state");
        if (state) CHECK(strcmp(csops_request_state(req), state->valuestring) == 0, "%s final: state", path);
        const cJSON *open = cJSON_GetObjectItemCaseSensitive(final, "open");
        if (open) CHECK(cJSON_IsTrue(open) == csops_request_is_open(req), "%s final: open", path);
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(final, "labels");
        if (labels) CHECK(same_set(labels, cJSON_GetObjectItemCaseSensitive(r, "labels")), "%s final: labels", path);
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(final, "history_len");
        if (hl) {
            const cJSON *history = cJSON_GetObjectItemCaseSensitive(r, "history");
            CHECK(cJSON_GetArraySize(history) == hl->valueint, "%s final: history_len", path);
        }
        cJSON_Delete(r);
        csops_string_free(json);
    }
    csops_request_free(req);
    csops_workflow_free(wf);
    free(req_text);
    free(config_text);
    free(dir);
}

/* A weight vector: each case's hours (csops_weight_for_hours) or weight value
 * (csops_weight_check) gives the weight expected, or the error named by its status; an error
 * leaves the output as it was. */
static void run_weight_vector(const char *path, const cJSON *v) {
    int index = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
        const cJSON *hours = cJSON_GetObjectItemCaseSensitive(c, "hours");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(c, "weight_value");
        int32_t weight = -1;
        csops_status_t st;
        if (cJSON_IsNumber(hours)) {
            st = csops_weight_for_hours(hours->valuedouble, &weight);
        } else if (cJSON_IsNumber(value)) {
            st = csops_weight_check((int64_t)value->valuedouble, &weight);
        } else {
            CHECK(0, "%s cases[%d]: neither hours nor weight_value", path, index);
            index++;
            continue;
        }
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, "weight");
        const cJSON *error = cJSON_GetObjectItemCaseSensitive(c, "error");
        if (cJSON_IsNumber(want)) {
            CHECK(st == CSOPS_OK && weight == want->valueint, "%s cases[%d]: expected weight %d, actual %s %d",
                  path, index, want->valueint, csops_status_name(st), (int)weight);
        } else {
            CHECK(cJSON_IsString(error) && strcmp(csops_status_name(st), error->valuestring) == 0 && weight == -1,
                  "%s cases[%d]: expected error %s, actual %s", path, index,
                  cJSON_IsString(error) ? error->valuestring : "(none)", csops_status_name(st));
        }
        index++;
    }
}

/* Every vector kind the C ABI runs; a vector of any other kind fails the run (SPEC's
 * cross-surface rules: every kind passes through every surface). */
static const struct {
    const char *kind;
    void (*run)(const char *path, const cJSON *v);
} KINDS[] = {
    {"workflow", run_workflow_vector}, {"labels", run_labels_vector}, {"weight", run_weight_vector},
    {"health", run_health_vector},     {"metrics", run_metrics_vector},
    {"backtest", run_backtest_vector},
};

static void run_vector_file(const char *path) {
    char *text = read_file(path);
    cJSON *v = text ? cJSON_Parse(text) : NULL;
    CHECK(v != NULL, "%s: readable JSON", path);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(v, "kind");
    int known = 0;
    for (size_t k = 0; v != NULL && k < sizeof KINDS / sizeof KINDS[0]; k++) {
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, KINDS[k].kind) == 0) {
            int before = failed;
            KINDS[k].run(path, v);
            printf("vector %s ... %s\n", path, failed == before ? "ok" : "FAILED");
            known = 1;
        }
    }
    CHECK(v == NULL || known, "%s: kind %s is not run by the C runner", path,
          cJSON_IsString(kind) ? kind->valuestring : "(none)");
    cJSON_Delete(v);
    free(text);
}

static void run_vectors(const char *path) {
    DIR *dir = opendir(path);
    if (dir == NULL) {
        run_vector_file(path);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t n = strlen(entry->d_name);
        if (n > 5 && strcmp(entry->d_name + n - 5, ".json") == 0) {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", path, entry->d_name);
            run_vector_file(full);
        }
    }
    closedir(dir);
}

/* The sample GitLab export (run from the repository root): a webhook decision, an issue's
 * history audit, the whole export audited with its board, one issue's consistency, and the
 * errors of each function. */
static void gitlab_export(void) {
    char *directory = read_file("examples/gitlab-export/directory.json");
    char *issues_text = read_file("examples/gitlab-export/issues.json");
    char *hook = read_file("examples/webhook/hook.json");
    char *events_134 = read_file("examples/gitlab-export/label_events/134.json");
    CHECK(directory && issues_text && hook && events_134, "the sample export reads");
    if (!directory || !issues_text || !hook || !events_134) goto done;
    csops_workflow_t *wf = csops_workflow_new(directory, NULL);
    cJSON *issues = cJSON_Parse(issues_text);
    cJSON *events = cJSON_CreateObject();
    cJSON *issue_123 = NULL, *issue_134 = NULL, *issue_132 = NULL;
    cJSON *it = NULL;
    cJSON_ArrayForEach(it, issues) {
        int iid = cJSON_GetObjectItem(it, "iid")->valueint;
        char path[128], key[16];
        snprintf(path, sizeof path, "examples/gitlab-export/label_events/%d.json", iid);
        snprintf(key, sizeof key, "%d", iid);
        char *text = read_file(path);
        if (text) cJSON_AddItemToObject(events, key, cJSON_Parse(text));
        free(text);
        if (iid == 123) issue_123 = it;
        if (iid == 134) issue_134 = it;
        if (iid == 132) issue_132 = it;
    }
    char *t123 = cJSON_PrintUnformatted(issue_123);
    char *t134 = cJSON_PrintUnformatted(issue_134);
    char *t132 = cJSON_PrintUnformatted(issue_132);
    char *events_text = cJSON_PrintUnformatted(events);

    /* The webhook: Triage -> In_Process by omar is undone. */
    csops_request_t *stored = csops_gitlab_read_issue(wf, t123);
    CHECK(stored != NULL, "issue 123 reads");
    char *out = NULL;
    CHECK(csops_gitlab_decide_webhook(wf, hook, stored, NULL, &out) == CSOPS_OK, "decide_webhook");
    cJSON *d = cJSON_Parse(out);
    CHECK(d && cJSON_IsFalse(cJSON_GetObjectItem(d, "allowed")), "the move is not allowed");
    cJSON *rp = cJSON_GetObjectItem(d, "rest_params");
    CHECK(rp && strcmp(cJSON_GetObjectItem(rp, "add_labels")->valuestring, "CSOps::Triage") == 0,
          "CSOps::Triage restored");
    CHECK(strstr(cJSON_GetObjectItem(d, "comment")->valuestring, "invalid_transition") != NULL,
          "the comment names the rule");
    cJSON_Delete(d);
    csops_string_free(out);
    out = NULL;
    CHECK(csops_gitlab_decide_webhook(wf, hook, NULL, NULL, &out) == CSOPS_INVALID_ARGUMENT && !out,
          "a stored request or events are needed");
    cJSON *note = cJSON_Parse(hook);
    cJSON_ReplaceItemInObject(note, "object_kind", cJSON_CreateString("note"));
    char *note_text = cJSON_PrintUnformatted(note);
    CHECK(csops_gitlab_decide_webhook(wf, note_text, stored, NULL, &out) == CSOPS_INVALID_INPUT && !out,
          "a note hook is not an issue hook");
    CHECK(strstr(csops_last_error_message(), "object_kind") != NULL, "the error names the field");
    free(note_text);
    cJSON_Delete(note);
    CHECK(csops_gitlab_decide_webhook(wf, "{\"object_kind\": \"issue\"}", stored, NULL, &out) ==
              CSOPS_INVALID_INPUT, "a hook without its user");
    CHECK(strstr(csops_last_error_message(), "user") != NULL, "the error names the missing field");
    csops_request_free(stored);

    /* One issue's history: the move off the table, by whom. */
    CHECK(csops_gitlab_reconstruct(wf, t134, events_134, &out) == CSOPS_OK, "reconstruct");
    d = cJSON_Parse(out);
    cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "violations"), 0);
    CHECK(v && strcmp(cJSON_GetObjectItem(v, "rule")->valuestring, "invalid_transition") == 0 &&
              strcmp(cJSON_GetObjectItem(v, "actor")->valuestring, "sam") == 0,
          "Triage -> In_Process by sam");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "request"), "history")) == 3,
          "three steps");
    cJSON_Delete(d);
    csops_string_free(out);
    out = NULL;
    CHECK(csops_gitlab_reconstruct(wf, t134, "[{]", &out) == CSOPS_INVALID_JSON && !out,
          "events that are not JSON");

    /* Many issues at once on two threads: each answered in its place, a bad one as an error. */
    {
        enum { N = 600 };
        const char *many_issues[N], *many_events[N];
        for (int i = 0; i < N; i++) {
            many_issues[i] = i == 7 ? "{\"iid\": 8, \"title\": 3}" : t134;
            many_events[i] = i == 9 ? "[{]" : events_134;
        }
        CHECK(csops_gitlab_reconstruct_all(wf, many_issues, many_events, N, 2, &out) == CSOPS_OK,
              "reconstruct_all");
        d = cJSON_Parse(out);
        CHECK(d && cJSON_GetArraySize(d) == N, "one entry per issue");
        int done = 0;
        for (int i = 0; i < N; i++) {
            cJSON *e = cJSON_GetArrayItem(d, i);
            cJSON *err = cJSON_GetObjectItem(e, "error");
            if (i == 7) {
                CHECK(err && strcmp(cJSON_GetObjectItem(err, "status")->valuestring, "invalid_input") == 0 &&
                          strcmp(cJSON_GetObjectItem(err, "key")->valuestring, "[7].title") == 0,
                      "the issue that does not read, keyed by its place");
            } else if (i == 9) {
                CHECK(err && strcmp(cJSON_GetObjectItem(err, "status")->valuestring, "invalid_json") == 0,
                      "the events that are not JSON");
            } else {
                cJSON *hist = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "request"), "history");
                done += !err && cJSON_GetArraySize(hist) == 3 &&
                        cJSON_GetArraySize(cJSON_GetObjectItem(e, "violations")) == 1;
            }
        }
        CHECK(done == N - 2, "every other issue reconstructed as alone");
        cJSON_Delete(d);
        csops_string_free(out);
        out = NULL;
        many_issues[3] = NULL;
        CHECK(csops_gitlab_reconstruct_all(wf, many_issues, many_events, N, 0, &out) ==
                  CSOPS_INVALID_ARGUMENT && !out, "a NULL issue");
        CHECK(strstr(csops_last_error_message(), "issues_json[3]") != NULL, "named by its place");
        CHECK(csops_gitlab_reconstruct_all(wf, NULL, NULL, 0, 0, &out) == CSOPS_OK &&
                  strcmp(out, "[]") == 0, "no issues, no entries");
        csops_string_free(out);
        out = NULL;
    }

    /* The export at once: the planted violations and the board. */
    CHECK(csops_gitlab_audit(wf, issues_text, events_text, "2026-03-16T09:00:00Z", &out) == CSOPS_OK,
          "audit");
    d = cJSON_Parse(out);
    cJSON *summary = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "audit"), "summary");
    CHECK(cJSON_GetObjectItem(summary, "issues_with_violations")->valueint == 8,
          "eight issues broke it (one still carries two workflow labels)");
    CHECK(cJSON_GetObjectItem(summary, "errors")->valueint == 0, "every issue reads");
    cJSON *board = cJSON_GetObjectItem(d, "board");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(board, "anomalies")) == 4, "four anomalies");
    cJSON *flow = cJSON_GetObjectItem(d, "flow");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(flow, "days")) % 12 == 0 &&
              cJSON_GetArraySize(cJSON_GetObjectItem(flow, "days")) > 0,
          "the flow: every state on every day");
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(flow, "cycle_time"), "count")->valueint ==
              cJSON_GetArraySize(cJSON_GetObjectItem(flow, "completions")),
          "the control chart's lines are over its points");
    cJSON_Delete(d);
    {
        /* The board's page of the same run (SPEC §6): one self-contained file. */
        char *page = NULL;
        CHECK(csops_board_page(out, "cs-ops/requests", &page) == CSOPS_OK && page, "board page");
        CHECK(strncmp(page, "<!DOCTYPE html>", 15) == 0 && strstr(page, "<figure id=\"cfd\">") &&
                  strstr(page, "<figure id=\"control-chart\">") && !strstr(page, "<script") &&
                  strstr(page, "cs-ops/requests"),
              "the page holds its charts and no script");
        csops_string_free(page);
        page = NULL;
        CHECK(csops_board_page("{\"audit\": 1}", NULL, &page) == CSOPS_INVALID_INPUT && !page,
              "a page of JSON that is no audit run");
        CHECK(csops_board_page("{", NULL, &page) == CSOPS_INVALID_JSON && !page, "text that is not JSON");
    }
    csops_string_free(out);
    out = NULL;
    CHECK(csops_gitlab_audit(wf, issues_text, NULL, "yesterday", &out) == CSOPS_INVALID_INPUT,
          "as_of must be RFC 3339");
    /* SPEC §6: as of a past date, the project as it stood then: issues created later are not
       yet known, none is an error. */
    CHECK(csops_gitlab_audit(wf, issues_text, events_text, "2026-01-01T00:00:00Z", &out) == CSOPS_OK,
          "an audit before every issue");
    d = cJSON_Parse(out);
    summary = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "audit"), "summary");
    CHECK(cJSON_GetObjectItem(summary, "issues")->valueint == 0 &&
              cJSON_GetObjectItem(summary, "not_yet_created")->valueint > 0 &&
              cJSON_GetObjectItem(summary, "errors")->valueint == 0,
          "every issue not yet created");
    cJSON_Delete(d);
    csops_string_free(out);
    out = NULL;
    CHECK(csops_gitlab_audit(wf, issues_text, "{\"101\": [}", "2026-03-16T09:00:00Z", &out) ==
              CSOPS_INVALID_JSON && !out, "events that are not JSON");
    {
        /* Nesting deeper than the readers take is invalid JSON, not invalid input. */
        enum { DEPTH = 5000 };
        char *deep = malloc(2 * DEPTH + 16);
        if (deep != NULL) {
            char *p = deep;
            p += sprintf(p, "[{\"iid\":");
            for (int i = 0; i < DEPTH; i++) *p++ = '[';
            for (int i = 0; i < DEPTH; i++) *p++ = ']';
            sprintf(p, "}]");
            CHECK(csops_gitlab_audit(wf, deep, NULL, "2026-03-16T09:00:00Z", &out) ==
                      CSOPS_INVALID_JSON && !out, "deeply nested issues");
            CHECK(strstr(csops_last_error_message(), "nested more than 128 levels deep") != NULL,
                  "says why: %s", csops_last_error_message());
            free(deep);
        }
    }
    CHECK(csops_board_report(wf, issues_text, "2026-03-16T09:00:00Z", &out) == CSOPS_OK, "board");
    d = cJSON_Parse(out);
    CHECK(cJSON_GetObjectItem(d, "requests")->valueint == cJSON_GetArraySize(issues) - 1,
          "every readable issue on the board");
    cJSON_Delete(d);
    csops_string_free(out);
    out = NULL;
    CHECK(csops_board_report(wf, "[{\"iid\": 1}]", "2026-03-16T09:00:00Z", &out) == CSOPS_INVALID_INPUT,
          "a bad issue");
    CHECK(strstr(csops_last_error_message(), "[0]") != NULL, "names its position");
    CHECK(csops_board_report(wf, issues_text, "2026-03-16T09:00:00Z", NULL) == CSOPS_INVALID_ARGUMENT,
          "NULL out_json");

    /* One issue's consistency. */
    bool consistent = true;
    CHECK(csops_gitlab_check_issue(wf, t132, &consistent, &out) == CSOPS_OK && !consistent,
          "132 is closed in In_Process");
    CHECK(strstr(out, "closed_without_outcome") != NULL, "the report says why");
    csops_string_free(out);
    out = NULL;
    CHECK(csops_gitlab_check_issue(wf, t123, &consistent, NULL) == CSOPS_OK && consistent,
          "123 is consistent");
    CHECK(csops_gitlab_check_issue(wf, t123, NULL, NULL) == CSOPS_INVALID_ARGUMENT, "NULL verdict");
    CHECK(csops_gitlab_check_issue(wf, "{", &consistent, NULL) == CSOPS_INVALID_JSON, "not JSON");
    CHECK(csops_gitlab_check_issue(wf, "{}", &consistent, NULL) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "iid") != NULL, "JSON without the issue's fields");
    CHECK(csops_gitlab_check_issue(NULL, t123, &consistent, NULL) == CSOPS_INVALID_ARGUMENT, "NULL wf");
    CHECK(csops_gitlab_read_issue(wf, "\xff") == NULL &&
              csops_last_error_status() == CSOPS_INVALID_UTF8, "invalid UTF-8");

    free(t123);
    free(t134);
    free(t132);
    free(events_text);
    cJSON_Delete(issues);
    cJSON_Delete(events);
    csops_workflow_free(wf);
done:
    free(directory);
    free(issues_text);
    free(hook);
    free(events_134);
}

/* The wild export (examples/gitlab-wild): a mixed project. Every issue reads; those that are not
 * CS Ops requests are counted and left out; the audit finds exactly the planted problems. */
static void gitlab_wild(void) {
    char *directory = read_file("examples/gitlab-wild/directory.json");
    char *issues = read_file("examples/gitlab-wild/issues.json");
    char *events = read_file("examples/gitlab-wild/label_events.json");
    char *planted_text = read_file("examples/gitlab-wild/planted.json");
    CHECK(directory && issues && events && planted_text, "the wild export is there");
    if (!directory || !issues || !events || !planted_text) goto done;
    cJSON *planted = cJSON_Parse(planted_text);
    csops_workflow_t *wf = csops_workflow_new(directory, NULL);
    char *out = NULL;
    const char *as_of = cJSON_GetObjectItem(planted, "as_of")->valuestring;
    CHECK(csops_gitlab_audit(wf, issues, events, as_of, &out) == CSOPS_OK, "wild audit");
    cJSON *d = cJSON_Parse(out);
    cJSON *audit = cJSON_GetObjectItem(d, "audit");
    cJSON *summary = cJSON_GetObjectItem(audit, "summary");
    int total = cJSON_GetObjectItem(planted, "issues")->valueint;
    int unmanaged = cJSON_GetObjectItem(planted, "unmanaged")->valueint;
    CHECK(cJSON_GetObjectItem(summary, "errors")->valueint == 0, "nothing GitLab wrote is refused");
    CHECK(cJSON_GetObjectItem(summary, "unmanaged")->valueint == unmanaged, "unmanaged counted");
    CHECK(cJSON_GetObjectItem(summary, "issues")->valueint == total - unmanaged, "requests audited");
    /* Each planted violation is found, and nothing else. */
    cJSON *listed = cJSON_GetObjectItem(planted, "violations");
    cJSON *undecided = cJSON_GetObjectItem(planted, "undecided");
    int found = 0, matched = 0;
    const cJSON *issue;
    cJSON_ArrayForEach(issue, cJSON_GetObjectItem(audit, "issues")) {
        int iid = cJSON_GetObjectItem(issue, "iid")->valueint;
        const cJSON *v;
        cJSON_ArrayForEach(v, cJSON_GetObjectItem(issue, "violations")) {
            found++;
            const char *rule = cJSON_GetObjectItem(v, "rule")->valuestring;
            const cJSON *p;
            cJSON_ArrayForEach(p, listed) {
                if (cJSON_GetObjectItem(p, "iid")->valueint == iid &&
                    strcmp(cJSON_GetObjectItem(p, "rule")->valuestring, rule) == 0)
                    matched++;
            }
            cJSON_ArrayForEach(p, undecided) {
                if (p->valueint == iid && strcmp(rule, "two_workflow_labels") == 0) matched++;
            }
        }
    }
    int expected = cJSON_GetArraySize(listed) + cJSON_GetArraySize(undecided);
    CHECK(found == expected && matched == expected, "found %d, matched %d, planted %d", found,
          matched, expected);
    cJSON_Delete(d);
    csops_string_free(out);
    /* The moved issue: its events predate it, and its request is dated from the first. */
    int moved = cJSON_GetArrayItem(cJSON_GetObjectItem(planted, "moved"), 0)->valueint;
    cJSON *all = cJSON_Parse(issues), *by_iid = cJSON_Parse(events);
    char iid_text[32];
    snprintf(iid_text, sizeof iid_text, "%d", moved);
    cJSON *moved_events = cJSON_GetObjectItem(by_iid, iid_text);
    const cJSON *moved_issue = NULL;
    cJSON_ArrayForEach(issue, all) {
        if (cJSON_GetObjectItem(issue, "iid")->valueint == moved) moved_issue = issue;
    }
    char *issue_text = cJSON_PrintUnformatted(moved_issue);
    char *events_text = cJSON_PrintUnformatted(moved_events);
    out = NULL;
    CHECK(csops_gitlab_reconstruct(wf, issue_text, events_text, &out) == CSOPS_OK, "moved issue");
    cJSON *r = out ? cJSON_Parse(out) : NULL;
    const cJSON *created = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "request"), "created_at");
    const cJSON *first = cJSON_GetObjectItem(cJSON_GetArrayItem(moved_events, 0), "created_at");
    const cJSON *issued = cJSON_GetObjectItem(moved_issue, "created_at");
    CHECK(cJSON_IsString(created) && cJSON_IsString(first) && cJSON_IsString(issued) &&
              strncmp(created->valuestring, first->valuestring, 19) == 0 &&
              strcmp(created->valuestring, issued->valuestring) != 0,
          "the moved request is dated from its first event");
    CHECK(r != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(r, "violations")) == 0,
          "a move is no finding");
    cJSON_Delete(r);
    csops_string_free(out);
    free(issue_text);
    free(events_text);
    cJSON_Delete(all);
    cJSON_Delete(by_iid);
    cJSON_Delete(planted);
    csops_workflow_free(wf);
done:
    free(directory);
    free(issues);
    free(events);
    free(planted_text);
}

/* A book's report and page (SPEC §6): bands per segment, the band changes since the previous
   scores, the largest movers with their reasons. */
static void report_a_book(void) {
    csops_scorecard_t *card = csops_scorecard_new(NULL);
    enum { N = 3 };
    double usage[N] = {80, 25, 60}, util[N] = {90, 20, 55}, nps[N] = {9, 3, 7};
    csops_batch_t *b = csops_batch_new(card, N);
    const char *usage_measures[] = {"user_engagement", "scm_adoption", "ci_adoption", "cd_adoption",
                                    "devsecops_adoption", "outcomes_achieved"};
    for (size_t i = 0; i < sizeof usage_measures / sizeof *usage_measures; i++)
        CHECK(csops_batch_values(b, usage_measures[i], usage) == CSOPS_OK, "%s", usage_measures[i]);
    CHECK(csops_batch_values(b, "license_utilization", util) == CSOPS_OK &&
              csops_batch_values(b, "nps_response", nps) == CSOPS_OK, "columns");
    double previous[N] = {40, 85, NAN};
    char *out = NULL;
    CHECK(csops_batch_book_report(b, "[\"acme\", \"globex\", \"initech\"]",
                                  "[\"high_touch\", \"high_touch\", \"tech_touch\"]", previous, 5, 2,
                                  &out) == CSOPS_OK && out,
          "book report (%s)", csops_last_error_message());
    cJSON *r = cJSON_Parse(out);
    CHECK(cJSON_GetObjectItem(r, "accounts")->valueint == N, "three accounts");
    cJSON *down = cJSON_GetObjectItem(r, "movers_down");
    CHECK(cJSON_GetArraySize(down) == 1 &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(down, 0), "account")), "globex") == 0,
          "globex fell");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(down, 0), "reasons")) <= 2, "two reasons at most");
    cJSON_Delete(r);
    char *page = NULL;
    CHECK(csops_book_page(out, "Q3 book", &page) == CSOPS_OK && page && strstr(page, "Q3 book") &&
              strstr(page, "<figure id=\"bands\">") && !strstr(page, "<script"),
          "the book's page");
    csops_string_free(page);
    csops_string_free(out);
    out = NULL;
    CHECK(csops_batch_book_report(b, "[\"acme\"]", NULL, NULL, 5, 2, &out) == CSOPS_INVALID_INPUT && !out &&
              strstr(csops_last_error_message(), "accounts"),
          "one account id per row (%s)", csops_last_error_message());
    CHECK(csops_batch_book_report(b, "[1, 2, 3]", NULL, NULL, 5, 2, &out) == CSOPS_INVALID_INPUT && !out,
          "account ids are text");
    CHECK(csops_batch_book_report(NULL, "[]", NULL, NULL, 5, 2, &out) == CSOPS_INVALID_ARGUMENT, "NULL batch");
    csops_batch_free(b);
    csops_scorecard_free(card);
}

int main(int argc, char **argv) {
    printf("libcsops %s\n", csops_version());
    walk_a_request();
    errors_read_as_the_domain();
    walk_a_journey();
    score_a_book();
    report_a_book();
    gitlab_export();
    gitlab_wild();
    smau_columns();
    labels_from_c();
    workflow_from_c();
    questions_from_c();
    customer_side_from_c();
    health_from_c();
    for (int i = 1; i < argc; i++) {
        if (strlen(argv[i]) > 0) run_vectors(argv[i]);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
