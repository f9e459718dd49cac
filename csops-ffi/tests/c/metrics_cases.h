/* The customer metrics through the ABI, for workflow_test.c (included once, after check.h):
 * one metrics vector case per call (SPEC §11, SMAU included) and SMAU over columns. */
#ifndef CSOPS_TEST_METRICS_CASES_H
#define CSOPS_TEST_METRICS_CASES_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csops.h"

static double num(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

/* One metrics case through the ABI. Integer answers are the ABI's type: a non-integer answer is
 * refused here, by the caller, as the ABI cannot carry it. */
static csops_status_t metric_case(const char *name, const cJSON *input, double *out) {
    if (strcmp(name, "nps") == 0 || strcmp(name, "csat") == 0) {
        int n = cJSON_GetArraySize(input);
        int64_t answers[256];
        if (n > 256) return CSOPS_INVALID_ARGUMENT;
        for (int i = 0; i < n; i++) {
            double d = cJSON_GetArrayItem(input, i)->valuedouble;
            if (d != (double)(int64_t)d) return CSOPS_INVALID_INPUT;
            answers[i] = (int64_t)d;
        }
        return name[0] == 'n' ? csops_metric_nps(answers, (size_t)n, out) : csops_metric_csat(answers, (size_t)n, out);
    }
    if (strcmp(name, "nrr") == 0 || strcmp(name, "grr") == 0) {
        const cJSON *start = cJSON_GetObjectItemCaseSensitive(input, "start");
        if (start != NULL) {
            const cJSON *now = cJSON_GetObjectItemCaseSensitive(input, "now");
            int n = cJSON_GetArraySize(start);
            if (cJSON_GetArraySize(now) != n) return CSOPS_INVALID_INPUT;
            double a[256], b[256];
            if (n > 256) return CSOPS_INVALID_ARGUMENT;
            for (int i = 0; i < n; i++) {
                a[i] = cJSON_GetArrayItem(start, i)->valuedouble;
                b[i] = cJSON_GetArrayItem(now, i)->valuedouble;
            }
            return name[0] == 'n' ? csops_metric_nrr_per_account(a, b, (size_t)n, out)
                                  : csops_metric_grr_per_account(a, b, (size_t)n, out);
        }
        double s = num(input, "start_arr"), e = num(input, "expansion"), c = num(input, "contraction"), ch = num(input, "churned");
        return name[0] == 'n' ? csops_metric_nrr(s, e, c, ch, out) : csops_metric_grr(s, e, c, ch, out);
    }
    if (strcmp(name, "logo_churn") == 0) {
        double start = num(input, "accounts_at_start"), churned = num(input, "churned_accounts");
        if (start < 0 || churned < 0) return CSOPS_INVALID_INPUT;
        return csops_metric_logo_churn((uint64_t)start, (uint64_t)churned, out);
    }
    if (strcmp(name, "license_utilization") == 0) {
        return csops_metric_license_utilization(num(input, "active_users"), num(input, "purchased_seats"), out);
    }
    return CSOPS_INVALID_ARGUMENT;
}

/* SMAU's answer is a structure: the call form goes in as the vector gives it (the core reads
 * it) and the JSON that comes out is compared whole with `expect`. */
static void run_smau_case(const char *path, int index, const cJSON *c) {
    char *input = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "input"));
    char *out = NULL;
    csops_status_t st = csops_smau_json(input, &out);
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    if (expect != NULL) {
        cJSON *actual = out ? cJSON_Parse(out) : NULL;
        CHECK(st == CSOPS_OK && actual != NULL && cJSON_Compare(actual, expect, 1), "%s cases[%d] smau: expected %s, actual %s %s",
              path, index, cJSON_PrintUnformatted(expect), csops_status_name(st), out ? out : csops_last_error_message());
        cJSON_Delete(actual);
    } else {
        CHECK(st == CSOPS_INVALID_INPUT && out == NULL, "%s cases[%d] smau: expected an input error, actual %s", path, index,
              csops_status_name(st));
    }
    csops_string_free(out);
    free(input);
}

static void run_metrics_vector(const char *path, const cJSON *v) {
    int index = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "metric")->valuestring;
        if (strcmp(name, "smau") == 0) {
            run_smau_case(path, index++, c);
            continue;
        }
        double value = -12345.0;
        csops_status_t st = metric_case(name, cJSON_GetObjectItemCaseSensitive(c, "input"), &value);
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
        if (cJSON_IsNumber(expect)) {
            double diff = value - expect->valuedouble;
            CHECK(st == CSOPS_OK && diff <= 1e-9 && diff >= -1e-9, "%s cases[%d] %s: expected %g, actual %s %g", path, index,
                  name, expect->valuedouble, csops_status_name(st), value);
        } else {
            CHECK(st == CSOPS_INVALID_INPUT && value == -12345.0, "%s cases[%d] %s: expected an input error, actual %s", path,
                  index, name, csops_status_name(st));
        }
        index++;
    }
}

/* SMAU over columns, as a usage-event table hands them over: seconds since 1970, a paying set. */
static void smau_columns(void) {
    const char *accounts[] = {"acme", "acme", "acme", "free"};
    const char *users[] = {"u1", "u1", "u2", "u3"};
    const char *stages[] = {"create", "create", "plan", "create"};
    const int64_t at[] = {1769903999 /* 2026-01-31T23:59:59Z */, 1767225600 /* 2026-01-01 */, 1769904000, 1767225600};
    const char *paying[] = {"acme"};
    char *out = NULL;
    CHECK(csops_smau(accounts, users, stages, at, 4, paying, 1, &out) == CSOPS_OK, "SMAU over columns");
    CHECK(out != NULL && strcmp(out, "{\"total\":{\"2026-01\":{\"create\":1},\"2026-02\":{\"plan\":1}},"
                                     "\"by_account\":{\"acme\":{\"2026-01\":{\"create\":1},\"2026-02\":{\"plan\":1}}}}") == 0,
          "SMAU's JSON: %s", out ? out : "(none)");
    csops_string_free(out);
    out = NULL;
    CHECK(csops_smau(accounts, users, stages, at, 4, NULL, 0, &out) == CSOPS_OK && strstr(out, "\"free\"") != NULL,
          "every account counts without a paying set");
    csops_string_free(out);
    out = NULL;
    const char *missing[] = {"u1", NULL, "u2", "u3"};
    CHECK(csops_smau(accounts, missing, stages, at, 4, NULL, 0, &out) == CSOPS_INVALID_INPUT && out == NULL &&
              strstr(csops_last_error_message(), "events[1].user") != NULL,
          "a NULL user is an input error naming the event");
    CHECK(csops_smau(NULL, NULL, NULL, NULL, 0, NULL, 0, &out) == CSOPS_INVALID_INPUT && out == NULL, "no events");
    const char *null_paying[] = {"acme", NULL};
    CHECK(csops_smau(accounts, users, stages, at, 4, null_paying, 2, &out) == CSOPS_INVALID_ARGUMENT && out == NULL &&
              strstr(csops_last_error_message(), "paying[1]") != NULL,
          "a NULL paying name is refused, named");
    CHECK(csops_smau(accounts, users, stages, at, 4, NULL, 0, NULL) == CSOPS_INVALID_ARGUMENT, "no output");
    CHECK(csops_smau_json("{\"events\": [", &out) == CSOPS_INVALID_JSON && out == NULL, "SMAU's call form that is not JSON");
}

#endif
