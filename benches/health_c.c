/* Batch health scoring of 1,000,000 accounts x the default scorecard from C
 * (csops_scorecard_score_batch over caller-allocated double columns), beside the same floor as
 * `cargo bench -p csops-benches --bench health` (one pass reading the columns) and on the
 * same book: the same generator, seed and draw order, so the Unknown count matches the Rust
 * bench's. Best of 15 rounds (or CSOPS_BENCH_ROUNDS); the ABI's overhead is the difference from the Rust figure.
 *
 *   cargo build --release -p csops-ffi
 *   cc -O2 -std=c11 -I csops-ffi/include benches/health_c.c -L target/release -lcsops \
 *      -lm -Wl,-rpath,target/release -o target/health_c && target/health_c
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csops.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t state = 0x2545f4914f6cdd1dULL;

static double next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / (double)(1ULL << 53);
}

int main(void) {
    /* CSOPS_BENCH_ACCOUNTS and CSOPS_BENCH_ROUNDS as in the Rust bench (50,000 in cache, best
     * of 300, shows the fixed cost of a call). */
    const char *accounts = getenv("CSOPS_BENCH_ACCOUNTS"), *rounds_text = getenv("CSOPS_BENCH_ROUNDS");
    const size_t n = accounts ? (size_t)strtoull(accounts, NULL, 10) : 1000000;
    const int rounds = rounds_text ? atoi(rounds_text) : 15;
    if (n == 0 || rounds <= 0) return 1;
    csops_scorecard_t *card = csops_scorecard_new(NULL);
    if (card == NULL) return 1;
    size_t m = csops_scorecard_measure_count(card);
    double **cols = calloc(m, sizeof *cols);
    if (cols == NULL) return 1;
    for (size_t k = 0; k < m; k++) {
        const char *id = csops_scorecard_measure(card, k);
        cols[k] = malloc(n * sizeof(double));
        if (id == NULL || cols[k] == NULL) return 1;
        for (size_t i = 0; i < n; i++) {
            double x = next();
            double v;
            if (next() < 0.1) v = NAN;
            else if (strcmp(id, "csm_sentiment") == 0) v = floor(x * 3.0); /* red, yellow, green */
            else if (strcmp(id, "nps_response") == 0) v = floor(x * 11.0);
            else if (strcmp(id, "csat_response") == 0) v = 1.0 + fmin(floor(x * 5.0), 4.0);
            else if (strcmp(id, "days_since_last_touch") == 0) v = x * 120.0;
            else v = x * 100.0;
            cols[k][i] = v;
        }
    }
    double *score = malloc(n * sizeof(double));
    uint8_t *band = malloc(n);
    double *coverage = malloc(n * sizeof(double));
    if (score == NULL || band == NULL || coverage == NULL) return 1;

    double floor_ms = 1e9, scored_ms = 1e9;
    volatile double sink = 0.0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        /* One read of every value in eight lanes (vectorised); NaN propagates, which a pass
         * that only reads does not mind. A NaN-skipping sum branches per value. */
        double lanes[8] = {0};
        for (size_t k = 0; k < m; k++) {
            size_t i = 0;
            for (; i + 8 <= n; i += 8)
                for (int l = 0; l < 8; l++) lanes[l] += cols[k][i + l];
            for (; i < n; i++) lanes[0] += cols[k][i];
        }
        double total = 0.0;
        for (int l = 0; l < 8; l++) total += lanes[l];
        sink = total;
        double t = (now() - t0) * 1e3;
        if (t < floor_ms) floor_ms = t;
    }
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        csops_status_t st = csops_scorecard_score_batch(
            card, n, (const double *const *)cols, NULL, score, band, coverage);
        double t = (now() - t0) * 1e3;
        if (st != CSOPS_OK) {
            fprintf(stderr, "score_batch failed: %d\n", (int)st);
            return 1;
        }
        if (t < scored_ms) scored_ms = t;
    }
    size_t unknown = 0;
    for (size_t i = 0; i < n; i++) unknown += band[i] == 255;
    printf("%zu accounts x %zu measures: floor (read the columns) %.1f ms; "
           "csops_scorecard_score_batch %.1f ms = %.2fx the floor (%.1f ns/account; %zu Unknown)\n",
           n, m, floor_ms, scored_ms, scored_ms / floor_ms, scored_ms / (double)n * 1e6, unknown);

    /* The same book through a csops_batch_t, then dated: every value with an observation day,
     * each account with a previous band, as of 2026-11-01 (the same columns as the dated row
     * of `cargo bench -p csops-benches --bench health`). */
    csops_batch_t *b = csops_batch_new(card, n);
    for (size_t k = 0; k < m; k++) {
        if (csops_batch_values(b, csops_scorecard_measure(card, k), cols[k]) != CSOPS_OK) return 1;
    }
    double batch_ms = 1e9, dated_ms = 1e9;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        if (csops_batch_score(b, score, band, coverage) != CSOPS_OK) return 1;
        double t = (now() - t0) * 1e3;
        if (t < batch_ms) batch_ms = t;
    }
    const int64_t day = 20758; /* 2026-11-01 */
    int64_t **days = calloc(m, sizeof *days);
    uint8_t *previous = malloc(n);
    if (days == NULL || previous == NULL) return 1;
    static const uint8_t codes[4] = {0, 1, 2, 255};
    for (size_t i = 0; i < n; i++) previous[i] = codes[i % 4];
    for (size_t k = 0; k < m; k++) {
        days[k] = malloc(n * sizeof(int64_t));
        if (days[k] == NULL) return 1;
        for (size_t i = 0; i < n; i++) days[k][i] = day - (int64_t)((i * 7 + k * 13) % 400);
        if (csops_batch_observed(b, csops_scorecard_measure(card, k), days[k]) != CSOPS_OK) return 1;
    }
    if (csops_batch_previous_bands(b, previous) != CSOPS_OK || csops_batch_as_of(b, "2026-11-01") != CSOPS_OK) return 1;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        if (csops_batch_score(b, score, band, coverage) != CSOPS_OK) return 1;
        double t = (now() - t0) * 1e3;
        if (t < dated_ms) dated_ms = t;
    }
    printf("csops_batch_score %.1f ms = %.2fx the floor (%.1f ns/account); dated book (observation days, "
           "previous bands, as_of) %.1f ms = %.2fx the floor (%.1f ns/account)\n",
           batch_ms, batch_ms / floor_ms, batch_ms / (double)n * 1e6, dated_ms, dated_ms / floor_ms,
           dated_ms / (double)n * 1e6);
    csops_batch_free(b);
    for (size_t k = 0; k < m; k++) free(days[k]);
    free(days);
    free(previous);
    (void)sink;
    for (size_t k = 0; k < m; k++) free(cols[k]);
    free(cols);
    free(score);
    free(band);
    free(coverage);
    csops_scorecard_free(card);
    return 0;
}
