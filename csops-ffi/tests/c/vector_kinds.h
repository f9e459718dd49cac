/* The labels and health vector kinds through the C ABI (conformance/FORMAT.md), for
 * workflow_test.c's runner: labels parsed, applied to sets and scoped; each health account
 * scored alone with its options (csops_scorecard_evaluate), and every account without a
 * previous score or override scored again in one batch per as-of day (csops_batch_*), bit for
 * bit the same. Included once, after check.h and cJSON. */
#ifndef CSOPS_TEST_VECTOR_KINDS_H
#define CSOPS_TEST_VECTOR_KINDS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"

/* Whether a JSON array of strings and a JSON text array hold the same set. */
static int same_set(const cJSON *expected, const cJSON *actual) {
    if (!cJSON_IsArray(expected) || !cJSON_IsArray(actual)) return 0;
    if (cJSON_GetArraySize(expected) != cJSON_GetArraySize(actual)) return 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, expected) {
        int found = 0;
        const cJSON *a;
        cJSON_ArrayForEach(a, actual) {
            if (cJSON_IsString(a) && cJSON_IsString(e) && strcmp(a->valuestring, e->valuestring) == 0) found = 1;
        }
        if (!found) return 0;
    }
    return 1;
}

/* A text for printf: "(null)" for NULL. */
#define S(text) ((text) != NULL ? (text) : "(null)")

static int same_text(const char *a, const char *b) {
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

/* The text of a JSON string, or NULL for null or absent. */
static const char *text_or_null(const cJSON *item) {
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void run_labels_vector(const char *path, const cJSON *v) {
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "parse")) {
        const char *input = text_or_null(cJSON_GetObjectItemCaseSensitive(c, "input"));
        csops_label_t *l = csops_label_parse(input);
        CHECK(l != NULL, "%s parse[%d] %s: a label", path, i, S(input));
        if (l != NULL) {
            const char *canonical = text_or_null(cJSON_GetObjectItemCaseSensitive(c, "canonical"));
            const char *state = text_or_null(cJSON_GetObjectItemCaseSensitive(c, "state"));
            CHECK(canonical == NULL || same_text(csops_label_canonical(l), canonical),
                  "%s parse[%d]: canonical expected %s, actual %s", path, i, S(canonical), S(csops_label_canonical(l)));
            CHECK(same_text(csops_label_state(l), state), "%s parse[%d]: state expected %s, actual %s", path, i,
                  S(state), S(csops_label_state(l)));
            CHECK(same_text(csops_label_text(l), input), "%s parse[%d]: text as given", path, i);
        }
        csops_label_free(l);
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "apply")) {
        const cJSON *set = cJSON_GetObjectItemCaseSensitive(c, "set");
        int n = cJSON_GetArraySize(set);
        const char **labels = calloc((size_t)n + 1, sizeof *labels);
        for (int k = 0; k < n; k++) labels[k] = text_or_null(cJSON_GetArrayItem(set, k));
        csops_label_set_t *s = csops_label_set_new(labels, (size_t)n);
        CHECK(s != NULL, "%s apply[%d]: the set loads", path, i);
        char *displaced = NULL;
        csops_status_t st = csops_label_set_add(s, text_or_null(cJSON_GetObjectItemCaseSensitive(c, "add")), &displaced);
        CHECK(st == CSOPS_OK, "%s apply[%d]: add", path, i);
        cJSON *actual = cJSON_CreateArray();
        for (size_t k = 0; k < csops_label_set_count(s); k++) {
            cJSON_AddItemToArray(actual, cJSON_CreateString(csops_label_set_label(s, k)));
        }
        CHECK(same_set(cJSON_GetObjectItemCaseSensitive(c, "result"), actual), "%s apply[%d]: result", path, i);
        cJSON_Delete(actual);
        csops_string_free(displaced);
        csops_label_set_free(s);
        free(labels);
        i++;
    }
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "scope")) {
        const char *input = text_or_null(cJSON_GetObjectItemCaseSensitive(c, "input"));
        const char *want = text_or_null(cJSON_GetObjectItemCaseSensitive(c, "scope"));
        char *scope = NULL;
        CHECK(csops_scope(input, &scope) == CSOPS_OK && same_text(scope, want),
              "%s scope[%d] %s: expected %s, actual %s", path, i, S(input), S(want), S(scope));
        csops_string_free(scope);
        i++;
    }
}

/* Days since 1970-01-01 of a YYYY-MM-DD date (Howard Hinnant's days_from_civil). */
static int64_t epoch_days(const char *iso) {
    int y = 0, m = 0, d = 0;
    if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3) return INT64_MIN;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int same_strings(const cJSON *expected, csops_health_t *h, size_t (*count)(const csops_health_t *),
                        const char *(*item)(const csops_health_t *, size_t)) {
    if (cJSON_GetArraySize(expected) != (int)count(h)) return 0;
    for (size_t k = 0; k < count(h); k++) {
        if (!same_text(text_or_null(cJSON_GetArrayItem(expected, (int)k)), item(h, k))) return 0;
    }
    return 1;
}

/* One account's expectations against its score. */
static void check_health(const char *at, const cJSON *e, csops_health_t *h) {
    const cJSON *score = cJSON_GetObjectItemCaseSensitive(e, "score");
    double actual = csops_health_score(h);
    CHECK(cJSON_IsNull(score) ? isnan(actual) : (cJSON_IsNumber(score) && fabs(actual - score->valuedouble) <= 1e-9),
          "%s: score expected %s, actual %f", at, cJSON_IsNull(score) ? "null" : "a number", actual);
    const char *band = text_or_null(cJSON_GetObjectItemCaseSensitive(e, "band"));
    CHECK(band == NULL || same_text(csops_health_band(h), band), "%s: band expected %s, actual %s", at, S(band),
          S(csops_health_band(h)));
    const cJSON *coverage = cJSON_GetObjectItemCaseSensitive(e, "coverage");
    if (cJSON_IsNumber(coverage)) {
        CHECK(fabs(csops_health_coverage(h) - coverage->valuedouble) <= 1e-9, "%s: coverage", at);
    }
    const cJSON *stale = cJSON_GetObjectItemCaseSensitive(e, "stale");
    if (stale) CHECK(same_strings(stale, h, csops_health_stale_count, csops_health_stale), "%s: stale", at);
    const cJSON *vetoes = cJSON_GetObjectItemCaseSensitive(e, "vetoes");
    if (vetoes) CHECK(same_strings(vetoes, h, csops_health_veto_count, csops_health_veto), "%s: vetoes", at);
    const cJSON *computed = cJSON_GetObjectItemCaseSensitive(e, "computed_band");
    if (computed) {
        CHECK(same_text(csops_health_computed_band(h), text_or_null(computed)), "%s: computed band, actual %s", at,
              S(csops_health_computed_band(h)));
    }
    const cJSON *trend = cJSON_GetObjectItemCaseSensitive(e, "trend");
    if (trend) CHECK(same_text(csops_health_trend(h), text_or_null(trend)), "%s: trend", at);
    const cJSON *change = cJSON_GetObjectItemCaseSensitive(e, "band_change");
    if (change) {
        const char *from = NULL, *to = NULL;
        int changed = csops_health_band_change(h, &from, &to);
        CHECK(cJSON_IsNull(change) ? !changed
                                   : changed && same_text(from, text_or_null(cJSON_GetArrayItem(change, 0))) &&
                                         same_text(to, text_or_null(cJSON_GetArrayItem(change, 1))),
              "%s: band change", at);
    }
}

/* The accounts of a health vector without a previous score or override and with as-of day
 * `as_of` (NULL: none), scored in one batch: each row the same bits as `singles`. */
static void health_batch_agrees(const char *path, csops_scorecard_t *card, const cJSON *accounts,
                                const char *as_of, csops_health_t **singles) {
    size_t m = csops_scorecard_measure_count(card);
    int *rows = malloc(sizeof(int) * ((size_t)cJSON_GetArraySize(accounts) + 1));
    size_t n = 0;
    int i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, accounts) {
        const char *day = text_or_null(cJSON_GetObjectItemCaseSensitive(a, "as_of"));
        if (singles[i] != NULL && !cJSON_GetObjectItemCaseSensitive(a, "previous") &&
            !cJSON_GetObjectItemCaseSensitive(a, "override") && same_text(day, as_of)) {
            rows[n++] = i;
        }
        i++;
    }
    if (n == 0) {
        free(rows);
        return;
    }
    double *values = malloc(sizeof(double) * m * n);
    int64_t *days = malloc(sizeof(int64_t) * m * n);
    uint32_t *segments = malloc(sizeof(uint32_t) * n);
    double *score = malloc(sizeof(double) * n), *coverage = malloc(sizeof(double) * n);
    uint8_t *band = malloc(n);
    csops_batch_t *b = csops_batch_new(card, n);
    for (size_t k = 0; k < m; k++) {
        const char *id = csops_scorecard_measure(card, k);
        for (size_t r = 0; r < n; r++) {
            const cJSON *acct = cJSON_GetArrayItem(accounts, rows[r]);
            const cJSON *val = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(acct, "values"), id);
            const cJSON *at = cJSON_GetObjectItemCaseSensitive(val, "at");
            if (cJSON_IsObject(val)) val = cJSON_GetObjectItemCaseSensitive(val, "value");
            values[k * n + r] = NAN;
            days[k * n + r] = cJSON_IsString(at) ? epoch_days(at->valuestring) : INT64_MIN;
            if (cJSON_IsNumber(val)) {
                values[k * n + r] = val->valuedouble;
            } else if (cJSON_IsString(val)) {
                CHECK(csops_scorecard_category_code(card, id, val->valuestring, &values[k * n + r]) == CSOPS_OK,
                      "%s: category %s of %s", path, val->valuestring, S(id));
            }
        }
        CHECK(csops_batch_values(b, id, &values[k * n]) == CSOPS_OK, "%s: batch values %s", path, S(id));
        CHECK(csops_batch_observed(b, id, &days[k * n]) == CSOPS_OK, "%s: batch observed %s", path, S(id));
    }
    for (size_t r = 0; r < n; r++) {
        const char *segment = text_or_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(accounts, rows[r]), "segment"));
        CHECK(csops_scorecard_segment_code(card, segment ? segment : "", &segments[r]) == CSOPS_OK, "%s: segment %s",
              path, S(segment));
    }
    CHECK(csops_batch_segments(b, segments) == CSOPS_OK && csops_batch_as_of(b, as_of) == CSOPS_OK, "%s: batch", path);
    CHECK(csops_batch_score(b, score, band, coverage) == CSOPS_OK, "%s: the batch scores", path);
    for (size_t r = 0; r < n; r++) {
        csops_health_t *single = singles[rows[r]];
        double s = csops_health_score(single);
        int same = (isnan(s) ? isnan(score[r]) : memcmp(&s, &score[r], sizeof s) == 0) &&
                   same_text(csops_scorecard_band_name(card, band[r]), csops_health_band(single)) &&
                   memcmp(&coverage[r], &(double){csops_health_coverage(single)}, sizeof(double)) == 0;
        CHECK(same, "%s accounts[%d]: batch (%f, %s) differs from single (%f, %s)", path, rows[r], score[r],
              S(csops_scorecard_band_name(card, band[r])), s, S(csops_health_band(single)));
        csops_health_t *explained = csops_batch_explain(b, r);
        CHECK(explained != NULL && same_text(csops_health_band(explained), csops_health_band(single)),
              "%s accounts[%d]: the batch explains the row as scored", path, rows[r]);
        csops_health_free(explained);
    }
    csops_batch_free(b);
    free(rows);
    free(values);
    free(days);
    free(segments);
    free(score);
    free(coverage);
    free(band);
}

static void run_health_vector(const char *path, const cJSON *v) {
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(v, "scorecard");
    char *spec_text = cJSON_IsString(spec) && strcmp(spec->valuestring, "default") == 0 ? NULL : cJSON_PrintUnformatted(spec);
    csops_scorecard_t *card = csops_scorecard_new(spec_text);
    free(spec_text);
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(v, "scorecard_error");
    if (error != NULL) {
        const char *key = text_or_null(cJSON_GetObjectItemCaseSensitive(error, "key"));
        CHECK(card == NULL && csops_last_error_status() == CSOPS_INVALID_CONFIG && key != NULL &&
                  strstr(csops_last_error_key(), key) != NULL,
              "%s: the scorecard is refused at %s (key %s)", path, S(key), csops_last_error_key());
        csops_scorecard_free(card);
        return;
    }
    CHECK(card != NULL, "%s: the scorecard loads", path);
    if (card == NULL) return;
    const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(v, "accounts");
    int count = cJSON_GetArraySize(accounts);
    csops_health_t **singles = calloc((size_t)count + 1, sizeof *singles);
    int i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, accounts) {
        char at[512];
        snprintf(at, sizeof at, "%s accounts[%d] %s", path, i, S(text_or_null(cJSON_GetObjectItemCaseSensitive(a, "id"))));
        cJSON *options = cJSON_CreateObject();
        const char *keys[] = {"as_of", "segment", "previous", "override"};
        for (size_t k = 0; k < 4; k++) {
            const cJSON *item = cJSON_GetObjectItemCaseSensitive(a, keys[k]);
            if (item) cJSON_AddItemToObject(options, keys[k], cJSON_Duplicate(item, 1));
        }
        char *options_text = cJSON_PrintUnformatted(options);
        char *values_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(a, "values"));
        csops_health_t *h = csops_scorecard_evaluate(card, values_text, options_text);
        const cJSON *expect_error = cJSON_GetObjectItemCaseSensitive(a, "expect_error");
        if (expect_error != NULL) {
            const char *measure = text_or_null(cJSON_GetObjectItemCaseSensitive(expect_error, "measure"));
            CHECK(h == NULL && csops_last_error_status() == CSOPS_INVALID_INPUT && measure != NULL &&
                      strstr(csops_last_error_message(), measure) != NULL,
                  "%s: an error naming %s", at, S(measure));
            csops_health_free(h);
        } else {
            CHECK(h != NULL, "%s: scores", at);
            if (h != NULL) check_health(at, cJSON_GetObjectItemCaseSensitive(a, "expect"), h);
            singles[i] = h;
        }
        free(values_text);
        free(options_text);
        cJSON_Delete(options);
        i++;
    }
    /* One batch per as-of day, the accounts without one first. */
    health_batch_agrees(path, card, accounts, NULL, singles);
    for (int k = 0; k < count; k++) {
        const char *day = text_or_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(accounts, k), "as_of"));
        int first = day != NULL;
        for (int j = 0; j < k && first; j++) {
            first = !same_text(day, text_or_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(accounts, j), "as_of")));
        }
        if (first) health_batch_agrees(path, card, accounts, day, singles);
    }
    for (int k = 0; k < count; k++) csops_health_free(singles[k]);
    free(singles);
    csops_scorecard_free(card);
}

/* Every key of `expected` is in `actual` with the same value (numbers within 1e-9). In a
 * backtest report, `missed_churn` / `false_alarms` are written as account names and
 * `missed_churn_reasons` / `false_alarm_reasons` as each listed pair's reasons. */
static int json_subset(const char *at, const cJSON *expected, const cJSON *actual, const cJSON *lead) {
    char here[512];
    if (cJSON_IsObject(expected)) {
        int ok = cJSON_IsObject(actual);
        const cJSON *e;
        cJSON_ArrayForEach(e, expected) {
            snprintf(here, sizeof here, "%s.%s", at, e->string);
            const char *list = strcmp(e->string, "missed_churn_reasons") == 0   ? "missed_churn"
                               : strcmp(e->string, "false_alarm_reasons") == 0 ? "false_alarms"
                                                                                : NULL;
            const cJSON *a = cJSON_GetObjectItemCaseSensitive(actual, list ? list : e->string);
            if (a == NULL) {
                fprintf(stderr, "FAILED %s: missing\n", here);
                ok = 0;
            } else if (list != NULL || strcmp(e->string, "missed_churn") == 0 || strcmp(e->string, "false_alarms") == 0) {
                /* pairs: their accounts, or their reasons */
                int same = cJSON_GetArraySize(a) == cJSON_GetArraySize(e);
                for (int i = 0; same && i < cJSON_GetArraySize(e); i++) {
                    const cJSON *pair = cJSON_GetArrayItem(a, i);
                    same = list ? json_subset(here, cJSON_GetArrayItem(e, i),
                                              cJSON_GetObjectItemCaseSensitive(pair, "reasons"), NULL)
                                : same_text(cJSON_GetArrayItem(e, i)->valuestring,
                                            text_or_null(cJSON_GetObjectItemCaseSensitive(pair, "account")));
                }
                if (!same) fprintf(stderr, "FAILED %s: the listed pairs differ\n", here);
                ok = ok && same;
            } else {
                ok = json_subset(here, e, a, lead) && ok;
            }
        }
        return ok;
    }
    if (cJSON_IsArray(expected)) {
        int ok = cJSON_IsArray(actual) && cJSON_GetArraySize(actual) == cJSON_GetArraySize(expected);
        for (int i = 0; ok && i < cJSON_GetArraySize(expected); i++) {
            snprintf(here, sizeof here, "%s[%d]", at, i);
            ok = json_subset(here, cJSON_GetArrayItem(expected, i), cJSON_GetArrayItem(actual, i), lead) && ok;
        }
        if (!ok) fprintf(stderr, "FAILED %s: arrays differ\n", at);
        return ok;
    }
    if (cJSON_IsNumber(expected)) {
        int ok = cJSON_IsNumber(actual) && fabs(expected->valuedouble - actual->valuedouble) <= 1e-9;
        if (!ok) fprintf(stderr, "FAILED %s: expected %g\n", at, expected->valuedouble);
        return ok;
    }
    if (cJSON_IsString(expected)) {
        int ok = cJSON_IsString(actual) && strcmp(expected->valuestring, actual->valuestring) == 0;
        if (!ok) fprintf(stderr, "FAILED %s: expected %s\n", at, expected->valuestring);
        return ok;
    }
    if (cJSON_IsNull(expected)) return cJSON_IsNull(actual);
    return cJSON_IsBool(actual) && cJSON_IsTrue(expected) == cJSON_IsTrue(actual);
}

/* A `backtest` vector (README "Conformance vectors"): the as-of rows of the input's dates,
 * then the report or the error, through the JSON form of the input. */
static void run_backtest_vector(const char *path, const cJSON *v) {
    char *spec_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(v, "scorecard"));
    csops_scorecard_t *card = csops_scorecard_new(spec_text);
    free(spec_text);
    CHECK(card != NULL, "%s: the scorecard loads", path);
    if (card == NULL) return;
    char *input = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(v, "input"));
    const cJSON *as_of = cJSON_GetObjectItemCaseSensitive(v, "as_of");
    if (as_of != NULL) {
        char *rows = NULL;
        csops_status_t st = csops_scorecard_score_history(card, input, &rows);
        CHECK(st == CSOPS_OK, "%s: scores as of the dates", path);
        cJSON *actual = cJSON_Parse(rows);
        CHECK(json_subset("as_of", as_of, actual, NULL), "%s: the as-of rows", path);
        cJSON_Delete(actual);
        csops_string_free(rows);
    }
    char *report = NULL;
    csops_status_t st = csops_scorecard_backtest(card, input, &report);
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(v, "expect_error");
    if (error != NULL) {
        const cJSON *row = cJSON_GetObjectItemCaseSensitive(error, "row");
        const char *name = text_or_null(cJSON_GetObjectItemCaseSensitive(error, "input"));
        CHECK(st == CSOPS_INVALID_INPUT && report == NULL, "%s: refused", path);
        CHECK(row == NULL || csops_last_error_row() == (int64_t)row->valuedouble, "%s: the error's row", path);
        CHECK(name == NULL || strstr(csops_last_error_message(), name) != NULL, "%s: the error names %s", path,
              S(name));
    } else {
        CHECK(st == CSOPS_OK, "%s: backtests", path);
        cJSON *actual = cJSON_Parse(report);
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(v, "expect");
        CHECK(expect == NULL || json_subset("expect", expect, actual, NULL), "%s: the report", path);
        cJSON_Delete(actual);
        char *page = NULL;
        CHECK(csops_backtest_page(report, &page) == CSOPS_OK && page && strstr(page, "<figure id=\"roc\">"),
              "%s: the report's page", path);
        csops_string_free(page);
    }
    csops_string_free(report);
    free(input);
    csops_scorecard_free(card);
}

#endif
