/* What the Python README shows, from C (issue 18): labels and label sets, a rejection read as
 * structure, replay, SLAs, time in state, the review level, REST parameters, diagrams,
 * segmentation, capacity, maturity, journey touchpoints and JSON, one account scored with a
 * previous score and an override, a book scored with observation days and previous bands, and
 * a validation. Included once by workflow_test.c, after check.h and cJSON. */
#ifndef CSOPS_TEST_PARITY_CASES_H
#define CSOPS_TEST_PARITY_CASES_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "vector_kinds.h"

/* A JSON text's member `key` as a string ("" when absent). */
static int json_has(const char *json, const char *key, const char *value) {
    cJSON *j = cJSON_Parse(json);
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(j, key);
    int ok = cJSON_IsString(item) && strcmp(item->valuestring, value) == 0;
    cJSON_Delete(j);
    return ok;
}

static void labels_from_c(void) {
    csops_label_t *l = csops_label_parse("CS Ops::Awaiting Feedback");
    CHECK(l != NULL && same_text(csops_label_canonical(l), "CSOps::Awaiting Feedback") &&
              same_text(csops_label_state(l), "AwaitingFeedback") && same_text(csops_label_scope(l), "CS Ops") &&
              same_text(csops_label_family(l), "workflow"),
          "a label's parts (%s, %s)", S(csops_label_canonical(l)), S(csops_label_family(l)));
    csops_label_free(l);
    l = csops_label_parse("Frontend");
    CHECK(l != NULL && csops_label_state(l) == NULL && csops_label_scope(l) == NULL &&
              same_text(csops_label_family(l), "other"),
          "a plain label has no state and no scope");
    csops_label_free(l);
    CHECK(csops_label_parse(" :: ") == NULL && csops_last_error_status() == CSOPS_INVALID_INPUT, "a blank label");

    const char *labels[] = {"CSOps", "CSOps::Triage", "team::a"};
    csops_label_set_t *set = csops_label_set_new(labels, 3);
    char *displaced = NULL;
    CHECK(set != NULL && csops_label_set_add(set, "CSOps::Blocked", &displaced) == CSOPS_OK &&
              same_text(displaced, "[\"CSOps::Triage\"]") && csops_label_set_count(set) == 3,
          "a scoped label displaces its scope (%s)", S(displaced));
    bool removed = false;
    CHECK(csops_label_set_remove(set, "team::a", &removed) == CSOPS_OK && removed && csops_label_set_count(set) == 2 &&
              csops_label_set_label(set, 2) == NULL,
          "remove");
    CHECK(csops_label_set_add(set, "::", NULL) == CSOPS_INVALID_INPUT && csops_label_set_count(set) == 2,
          "a blank label is refused and the set unchanged");
    csops_string_free(displaced);
    csops_label_set_free(set);
    char *scope = NULL;
    CHECK(csops_scope("a::b::c", &scope) == CSOPS_OK && same_text(scope, "a::b"), "scope of text");
    csops_string_free(scope);
}

static void workflow_from_c(void) {
    csops_workflow_t *wf = csops_workflow_new(
        "{\"lena\": [\"workstream_lead:Gainsight\"], \"omar\": [\"cs_ops\"], \"gia\": [\"cs_ops\", \"gainsight_admin\"]}",
        NULL);
    csops_request_t *req = csops_workflow_load_request(
        wf, "{\"id\": 101, \"author\": \"rita\", \"labels\": [\"CSOps\", \"Gainsight\"], "
            "\"created_at\": \"2026-01-05T09:00:00Z\", \"change_kind\": \"gainsight_rule\"}");
    CHECK(wf != NULL && req != NULL, "fixtures");
    if (wf == NULL || req == NULL) {
        csops_request_free(req);
        csops_workflow_free(wf);
        return;
    }
    csops_request_t *initial = csops_workflow_load_request(
        wf, "{\"id\": 101, \"author\": \"rita\", \"labels\": [\"CSOps\", \"Gainsight\"], "
            "\"created_at\": \"2026-01-05T09:00:00Z\", \"change_kind\": \"gainsight_rule\"}");
    CHECK(same_text(csops_workflow_review_level(wf, req), "required"), "a Gainsight rule needs a review");

    /* A rejection as structure: kind, rule, missing inputs, every problem. */
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"decline\", \"reason\": \"dup\"}", "omar",
                               "2026-01-06T10:05:00Z", NULL) == CSOPS_NOT_PERMITTED &&
              strlen(csops_last_error_rule()) > 0 && csops_last_error_problem_count() >= 1 &&
              same_text(csops_last_error_key(), "."),
          "not permitted, with its rule (%s)", S(csops_last_error_rule()));
    char *transition = NULL;
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"triage\"}", "lena", "2026-01-06T10:00:00Z", &transition) ==
                  CSOPS_OK &&
              strstr(transition, "\"rest_params\":{\"add_labels\":\"CSOps::Triage\"}") != NULL,
          "a transition carries GitLab's REST parameters (%s)", S(transition));
    csops_string_free(transition);
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"ready\"}", "lena", "2026-01-06T10:01:00Z", NULL) ==
                  CSOPS_MISSING_INPUT &&
              csops_last_error_missing_count() == 1 && same_text(csops_last_error_missing(0), "weight") &&
              csops_last_error_missing(1) == NULL,
          "the missing input by name (%zu: %s)", csops_last_error_missing_count(), S(csops_last_error_missing(0)));
    csops_status_t kind = CSOPS_OK;
    const char *rule = NULL, *missing = NULL;
    CHECK(csops_last_error_problem(0, &kind, &rule, &missing) == CSOPS_OK && kind == CSOPS_MISSING_INPUT &&
              same_text(missing, "weight") && strlen(rule) > 0,
          "problem 0");
    CHECK(csops_workflow_apply(wf, req, "{\"type\": \"ready\", \"weight\": 3}", "lena", "2026-01-06T10:02:00Z", NULL) ==
              CSOPS_OK,
          "ready");

    /* Replay, SLAs, time in state. */
    char *json = csops_request_to_json(req);
    cJSON *r = cJSON_Parse(json);
    char *history = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(r, "history"));
    csops_request_t *replayed = csops_workflow_replay(wf, initial, history);
    CHECK(replayed != NULL && same_text(csops_request_state(replayed), csops_request_state(req)) &&
              same_text(csops_request_state(initial), "New"),
          "a history replays from the initial request, which is unchanged");
    csops_request_free(replayed);
    CHECK(csops_workflow_replay(wf, req, history) == NULL && csops_last_error_status() == CSOPS_INVALID_INPUT &&
              same_text(csops_last_error_key(), "history[0]"),
          "a history that does not replay names the step (%s)", S(csops_last_error_key()));
    CHECK(csops_last_error_problem_count() >= 1, "and its step's rejection is readable");
    size_t problems = csops_last_error_problem_count();
    CHECK(csops_last_error_problem(problems, NULL, NULL, NULL) == CSOPS_INVALID_ARGUMENT &&
              csops_last_error_problem_count() == problems && csops_last_error_status() == CSOPS_INVALID_INPUT,
          "asking past the last problem leaves the error as it was");
    char *breaches = NULL;
    CHECK(csops_workflow_sla_breaches(wf, req, "2026-03-01T00:00:00Z", &breaches) == CSOPS_OK && breaches[0] == '[',
          "SLA breaches (%s)", S(breaches));
    csops_string_free(breaches);
    char *times = NULL;
    CHECK(csops_request_time_in_states(req, "2026-01-07T10:02:00Z", &times) == CSOPS_OK &&
              strstr(times, "\"ReadyForAssignment\":86400") != NULL,
          "a day ready for assignment (%s)", S(times));
    csops_string_free(times);
    times = NULL;
    CHECK(csops_request_time_in_states(req, "2026-01-01T00:00:00Z", &times) == CSOPS_INVALID_INPUT && times == NULL,
          "time runs forward");

    char *dot = csops_workflow_dot(wf);
    CHECK(dot != NULL && strncmp(dot, "digraph", 7) == 0, "DOT");
    csops_string_free(dot);
    char *config = csops_workflow_config_json(wf);
    char *directory = csops_workflow_directory_json(wf);
    CHECK(config != NULL && config[0] == '{' && directory != NULL && strstr(directory, "lena") != NULL,
          "configuration and directory");
    csops_workflow_t *again = csops_workflow_new(directory, config);
    CHECK(again != NULL, "a workflow from its own configuration and directory");
    csops_workflow_free(again);
    csops_string_free(config);
    csops_string_free(directory);
    free(history);
    cJSON_Delete(r);
    csops_string_free(json);
    csops_request_free(initial);
    csops_request_free(req);
    csops_workflow_free(wf);
}

static void customer_side_from_c(void) {
    csops_segmentation_t *seg = csops_segmentation_new(NULL);
    char *assignment = NULL;
    CHECK(seg != NULL && csops_segmentation_assign(seg, "{\"id\": \"acme\", \"arr\": 600000}", &assignment) == CSOPS_OK &&
              json_has(assignment, "account", "acme"),
          "an account's segment (%s)", S(assignment));
    csops_string_free(assignment);
    char *assignments = NULL;
    CHECK(csops_segmentation_assign_all(seg, "[{\"id\": \"a\", \"arr\": 600000}, {\"id\": \"b\", \"arr\": 3000}]",
                                        &assignments) == CSOPS_OK,
          "a book's segments");
    char *plan = NULL;
    CHECK(csops_capacity_plan(assignments, "{\"Strategic\": 1}", NULL, &plan) == CSOPS_OK && strstr(plan, "\"teams\"") != NULL,
          "a capacity plan (%s)", S(plan));
    csops_string_free(plan);
    CHECK(csops_capacity_plan(assignments, "{\"Strategc\": 1}", NULL, &plan) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "Strategc") != NULL,
          "a mistyped team is refused, named");
    csops_string_free(assignments);
    char *rules = csops_segmentation_to_json(seg);
    csops_segmentation_t *copy = csops_segmentation_new(rules);
    CHECK(copy != NULL, "rules round trip");
    csops_segmentation_free(copy);
    csops_string_free(rules);
    CHECK(csops_segmentation_new("{\"rules\": [{\"nme\": 1}]}") == NULL && csops_last_error_status() == CSOPS_INVALID_CONFIG,
          "bad rules");
    csops_segmentation_free(seg);

    const char *ratings =
        "{\"1\": 2, \"2\": 2, \"3\": 2, \"4\": 2, \"5\": 2, \"6\": 1, \"7\": 1, \"8\": 0, \"9\": 1, \"10\": 1, "
        "\"11\": 3, \"12\": 0, \"13\": 1, \"14\": 2, \"15\": 0}";
    char *report = NULL;
    CHECK(csops_maturity_report(ratings, NULL, &report) == CSOPS_OK && strstr(report, "\"weakest\"") != NULL,
          "a maturity report (%s)", S(report));
    csops_string_free(report);
    CHECK(csops_maturity_report("{\"1\": 2}", NULL, &report) == CSOPS_INVALID_INPUT &&
              same_text(csops_last_error_key(), "ratings"),
          "ratings missing capabilities are refused");

    csops_journey_t *j = csops_journey_new("acme", NULL);
    char *touchpoints = NULL;
    CHECK(csops_journey_touchpoints(j, "high_touch", &touchpoints) == CSOPS_OK && touchpoints[0] == '[',
          "touchpoints");
    csops_string_free(touchpoints);
    CHECK(csops_journey_touchpoints(j, "warm_touch", &touchpoints) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "tech_touch") != NULL,
          "an unknown engagement model lists the known ones");
    char *journey = csops_journey_to_json(j);
    CHECK(journey != NULL && json_has(journey, "stage", "Align") && json_has(journey, "account", "acme"),
          "a journey as JSON (%s)", S(journey));
    csops_string_free(journey);
    csops_journey_free(j);
}

static void health_from_c(void) {
    csops_scorecard_t *card = csops_scorecard_new(csops_scorecard_default_toml());
    CHECK(card != NULL && csops_scorecard_band_count(card) >= 3 && csops_scorecard_segment_count(card) >= 1,
          "the default scorecard from its TOML");
    if (card == NULL) return;
    const char *values = "{\"license_utilization\": 31.0, \"csm_sentiment\": \"red\", \"scm_adoption\": 40.0,"
                         " \"ci_adoption\": 20.0, \"user_engagement\": 35.0}";
    csops_health_t *h = csops_scorecard_evaluate(card, values, "{\"segment\": \"high_touch\"}");
    CHECK(h != NULL && same_text(csops_health_band(h), "Red") && fabs(csops_health_score(h) - 17.4) < 0.05 &&
              csops_health_reason_count(h) >= 1 && same_text(csops_health_reason(h, 0), "veto: csm_sentiment") &&
              csops_health_veto_count(h) == 1 && same_text(csops_health_veto(h, 0), "csm_sentiment"),
          "the README's account (%f %s)", csops_health_score(h), S(csops_health_band(h)));
    csops_health_free(h);
    h = csops_scorecard_evaluate(card, values,
                                 "{\"as_of\": \"2026-11-01\", \"previous\": {\"score\": 80, \"band\": \"Green\"},"
                                 " \"override\": {\"band\": \"Yellow\", \"author\": \"lena\", \"reason\": \"call\","
                                 " \"expires\": \"2027-01-01\"}}");
    const char *from = NULL, *to = NULL;
    CHECK(h != NULL && same_text(csops_health_band(h), "Yellow") && same_text(csops_health_computed_band(h), "Red") &&
              same_text(csops_health_trend(h), "down") && csops_health_band_change(h, &from, &to) &&
              same_text(from, "Green") && same_text(to, "Yellow"),
          "trend, band change and override");
    char *whole = csops_health_to_json(h);
    CHECK(whole != NULL && strstr(whole, "\"override\"") != NULL, "the whole score as JSON");
    csops_string_free(whole);
    csops_health_free(h);
    CHECK(csops_scorecard_evaluate(card, values, "{\"as_off\": \"2026-11-01\"}") == NULL &&
              csops_last_error_status() == CSOPS_INVALID_INPUT && strstr(csops_last_error_message(), "as_off") != NULL,
          "a mistyped option is named");

    /* A book: observation days (one stale), previous bands (hysteresis), four threads. */
    double util[3] = {92.0, 31.0, 62.0}, sentiment[3], scm[3] = {80.0, 40.0, 60.0};
    CHECK(csops_scorecard_category_code(card, "csm_sentiment", "green", &sentiment[0]) == CSOPS_OK &&
              csops_scorecard_category_code(card, "csm_sentiment", "red", &sentiment[1]) == CSOPS_OK,
          "category codes");
    sentiment[2] = NAN;
    int64_t seen[3] = {20390, 19000, INT64_MIN}; /* 2025-10-29, 2022-01-08, unknown */
    uint8_t previous[3];
    CHECK(csops_scorecard_band_code(card, "Green", &previous[0]) == CSOPS_OK &&
              csops_scorecard_band_code(card, "red", &previous[1]) == CSOPS_OK &&
              csops_scorecard_band_code(card, "Unknown", &previous[2]) == CSOPS_OK && previous[2] == 255,
          "band codes");
    csops_batch_t *b = csops_batch_new(card, 3);
    CHECK(csops_batch_values(b, "license_utilization", util) == CSOPS_OK &&
              csops_batch_observed(b, "license_utilization", seen) == CSOPS_OK &&
              csops_batch_values(b, "csm_sentiment", sentiment) == CSOPS_OK &&
              csops_batch_values(b, "scm_adoption", scm) == CSOPS_OK && csops_batch_previous_bands(b, previous) == CSOPS_OK &&
              csops_batch_as_of(b, "2025-11-01") == CSOPS_OK && csops_batch_threads(b, 4) == CSOPS_OK,
          "a batch's columns");
    CHECK(csops_batch_values(b, "licence_utilization", util) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "license_utilization") != NULL,
          "a mistyped measure lists the measures");
    double score[3], coverage[3];
    uint8_t band[3];
    CHECK(csops_batch_score(b, score, band, coverage) == CSOPS_OK, "the batch scores");
    for (size_t r = 0; r < 3; r++) {
        csops_health_t *row = csops_batch_explain(b, r);
        double s = csops_health_score(row);
        CHECK(row != NULL && (isnan(s) ? isnan(score[r]) : s == score[r]) &&
                  same_text(csops_health_band(row), csops_scorecard_band_name(card, band[r])),
              "row %zu explained as scored", r);
        if (r == 1) CHECK(row != NULL && csops_health_stale_count(row) == 1, "row 1's utilization is stale");
        csops_health_free(row);
    }
    /* Each row alone, its values dated and its previous band given, scores as in the batch:
     * the batch's observation days and previous bands (hysteresis) take effect. */
    const char *alone[3] = {
        "{\"license_utilization\": {\"value\": 92.0, \"at\": \"2025-10-29\"}, \"csm_sentiment\": \"green\","
        " \"scm_adoption\": 80.0}",
        "{\"license_utilization\": {\"value\": 31.0, \"at\": \"2022-01-08\"}, \"csm_sentiment\": \"red\","
        " \"scm_adoption\": 40.0}",
        "{\"license_utilization\": 62.0, \"csm_sentiment\": null, \"scm_adoption\": 60.0}"};
    const char *before[3] = {"Green", "Red", "Unknown"};
    for (size_t r = 0; r < 3; r++) {
        char options[128];
        snprintf(options, sizeof options, "{\"as_of\": \"2025-11-01\", \"previous\": {\"band\": \"%s\"}}", before[r]);
        csops_health_t *single = csops_scorecard_evaluate(card, alone[r], options);
        double s = csops_health_score(single);
        CHECK(single != NULL && (isnan(s) ? isnan(score[r]) : memcmp(&s, &score[r], sizeof s) == 0) &&
                  same_text(csops_health_band(single), csops_scorecard_band_name(card, band[r])),
              "row %zu alone (%f %s) as in the batch (%f %s)", r, s, S(csops_health_band(single)), score[r],
              S(csops_scorecard_band_name(card, band[r])));
        csops_health_free(single);
    }
    /* Threads change nothing, bit for bit (10,000 rows: enough for two). */
    enum { BIG = 10000 };
    double *col = malloc(sizeof(double) * BIG), *one = malloc(sizeof(double) * BIG * 4);
    uint8_t *bands = malloc(BIG * 2);
    if (col == NULL || one == NULL || bands == NULL) exit(2);
    for (size_t i = 0; i < BIG; i++) col[i] = (double)((i * 37) % 101);
    csops_batch_t *big = csops_batch_new(card, BIG);
    CHECK(csops_batch_values(big, "license_utilization", col) == CSOPS_OK &&
              csops_batch_values(big, "scm_adoption", col) == CSOPS_OK &&
              csops_batch_score(big, one, bands, one + BIG) == CSOPS_OK &&
              csops_batch_threads(big, 2) == CSOPS_OK &&
              csops_batch_score(big, one + 2 * BIG, bands + BIG, one + 3 * BIG) == CSOPS_OK,
          "a big batch on one and two threads");
    CHECK(memcmp(one, one + 2 * BIG, sizeof(double) * BIG) == 0 && memcmp(bands, bands + BIG, BIG) == 0 &&
              memcmp(one + BIG, one + 3 * BIG, sizeof(double) * BIG) == 0,
          "the same bits on two threads");
    csops_batch_free(big);
    free(col);
    free(one);
    free(bands);

    char *validation = NULL;
    uint8_t churned[3] = {0, 1, 0};
    CHECK(csops_scorecard_validate(card, 3, score, churned, &validation) == CSOPS_OK &&
              strstr(validation, "\"auc\"") != NULL,
          "a validation (%s)", S(validation));
    csops_string_free(validation);
    csops_batch_free(b);
    csops_scorecard_free(card);
}


/* The questions the table answers (SPEC §2): what a person may do now, and the ways between
 * states, as JSON. */
static cJSON *choice_named(cJSON *choices, const char *command) {
    cJSON *c = NULL;
    cJSON_ArrayForEach(c, choices) {
        if (same_text(cJSON_GetStringValue(cJSON_GetObjectItem(c, "command")), command)) return c;
    }
    return NULL;
}

static void questions_from_c(void) {
    csops_workflow_t *wf = csops_workflow_new(
        "{\"lena\": [\"workstream_lead:Gainsight\"], \"omar\": [\"cs_ops\"]}", NULL);
    csops_request_t *req = csops_workflow_load_request(
        wf, "{\"id\": 7, \"author\": \"rita\", \"labels\": [\"CSOps\", \"Gainsight\", \"CSOps::Triage\"], "
            "\"created_at\": \"2026-01-05T09:00:00Z\"}");
    CHECK(wf != NULL && req != NULL, "fixtures");
    if (wf == NULL || req == NULL) {
        csops_request_free(req);
        csops_workflow_free(wf);
        return;
    }
    char *json = NULL;
    CHECK(csops_workflow_choices(wf, req, "lena", "2026-01-06T10:00:00Z", &json) == CSOPS_OK, "choices");
    cJSON *lena = cJSON_Parse(json);
    csops_string_free(json);
    cJSON *ready = choice_named(lena, "ready");
    CHECK(ready != NULL && cJSON_IsTrue(cJSON_GetObjectItem(ready, "open")) &&
              same_text(cJSON_GetStringValue(cJSON_GetObjectItem(
                            cJSON_GetArrayItem(cJSON_GetObjectItem(ready, "inputs"), 0), "missing")),
                        "weight"),
          "ready is open to the lead and must carry a weight");
    cJSON_Delete(lena);
    json = NULL;
    CHECK(csops_workflow_choices(wf, req, "omar", "2026-01-06T10:00:00Z", &json) == CSOPS_OK, "choices");
    cJSON *omar = cJSON_Parse(json);
    csops_string_free(json);
    cJSON *c = NULL;
    int offered = 0, open = 0;
    cJSON_ArrayForEach(c, omar) {
        offered++;
        open += cJSON_IsTrue(cJSON_GetObjectItem(c, "open"));
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c, "open")) ||
                  cJSON_GetArraySize(cJSON_GetObjectItem(c, "unmet")) > 0,
              "a closed choice says what stands in the way");
    }
    CHECK(offered > 0 && open == 0, "nothing from Triage is open to omar (%d offered)", offered);
    cJSON_Delete(omar);
    CHECK(csops_workflow_choices(wf, req, "lena", "2026-01-06T10:00:00Z", NULL) == CSOPS_INVALID_ARGUMENT,
          "choices need somewhere to write");
    CHECK(csops_workflow_choices(wf, req, "lena", "later", &json) == CSOPS_INVALID_INPUT, "a bad time");

    json = NULL;
    CHECK(csops_shortest_path("New", "InProcess", &json) == CSOPS_OK, "shortest path");
    cJSON *path = cJSON_Parse(json);
    csops_string_free(json);
    CHECK(cJSON_GetArraySize(path) == 2 &&
              same_text(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(path, 1), "command")),
                        "resume"),
          "New to In Process in two moves");
    int shortest = cJSON_GetArraySize(path);
    cJSON_Delete(path);
    json = NULL;
    CHECK(csops_shortest_path("Completed", "New", &json) == CSOPS_OK && same_text(json, "null"),
          "no way back to New (%s)", S(json));
    csops_string_free(json);
    json = NULL;
    CHECK(csops_simple_paths("New", "InProcess", &json) == CSOPS_OK, "simple paths");
    cJSON *paths = cJSON_Parse(json);
    csops_string_free(json);
    CHECK(cJSON_GetArraySize(paths) > 1 && cJSON_GetArraySize(cJSON_GetArrayItem(paths, 0)) == shortest,
          "several paths, the shortest first");
    cJSON_Delete(paths);
    CHECK(csops_shortest_path("Doing", "New", &json) == CSOPS_INVALID_INPUT &&
              strstr(csops_last_error_message(), "Doing") != NULL && same_text(csops_last_error_key(), "state"),
          "an unknown state is named (%s)", csops_last_error_message());
    CHECK(csops_simple_paths(NULL, "New", &json) == CSOPS_INVALID_ARGUMENT, "NULL state");
    csops_request_free(req);
    csops_workflow_free(wf);
}

#endif
