/* csops_workflow_can_apply (JSON command, and prepared command) and csops_workflow_apply from C,
 * timed like `cargo bench -p csops-benches --bench baseline` (best of 5 rounds of 1,000,000
 * calls, the time parsed per call): the ABI's overhead is the difference.
 *
 *   cargo build --release -p csops-ffi
 *   cc -O2 -std=c11 -I csops-ffi/include benches/c_apply.c -L target/release -lcsops \
 *      -Wl,-rpath,target/release -o target/c_apply && target/c_apply
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "csops.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void) {
    csops_workflow_t *wf = csops_workflow_new(
        "{\"lena\": [\"workstream_lead:Gainsight\"], \"omar\": [\"cs_ops\"], \"gia\": [\"cs_ops\", \"gainsight_admin\"]}", NULL);
    const char *request =
        "{\"id\": 1, \"title\": \"bench\", \"author\": \"rita\", \"labels\": [\"CSOps\", \"Gainsight\", \"CSOps::In_Process\"], "
        "\"assignee\": \"omar\", \"weight\": 3, \"created_at\": \"2026-01-05T09:00:00Z\"}";
    csops_request_t *req = csops_request_from_json(request);
    if (wf == NULL || req == NULL) return 1;
    const int n = 1000000;
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (int i = 0; i < n; i++) {
            if (csops_workflow_can_apply(wf, req, "{\"type\": \"block\", \"reason\": \"waiting\"}", "omar",
                                         "2026-01-05T10:00:00Z", NULL) != CSOPS_OK) return 1;
        }
        double per = (now() - t0) / n;
        if (per < best) best = per;
    }
    printf("csops_workflow_can_apply (no transition out): %6.0f ns/call\n", best * 1e9);
    csops_command_t *block = csops_command_from_json("{\"type\": \"block\", \"reason\": \"waiting\"}");
    best = 1e9;
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (int i = 0; i < n; i++) {
            if (csops_workflow_can_apply_command(wf, req, block, "omar", "2026-01-05T10:00:00Z", NULL) != CSOPS_OK) return 1;
        }
        double per = (now() - t0) / n;
        if (per < best) best = per;
    }
    printf("csops_workflow_can_apply_command (prepared):  %6.0f ns/call\n", best * 1e9);
    csops_command_free(block);
    best = 1e9;
    for (int round = 0; round < 5; round++) {
        csops_request_t *r = csops_request_from_json(request);
        double t0 = now();
        for (int i = 0; i < n / 10; i++) {
            char *t = NULL;
            csops_workflow_apply(wf, r, "{\"type\": \"block\", \"reason\": \"waiting\"}", "omar", "2026-01-05T10:00:00Z", &t);
            csops_string_free(t);
            csops_workflow_apply(wf, r, "{\"type\": \"unblock\"}", "omar", "2026-01-05T10:00:00Z", &t);
            csops_string_free(t);
        }
        double per = (now() - t0) / (n / 5);
        if (per < best) best = per;
        csops_request_free(r);
    }
    printf("csops_workflow_apply (transition JSON out):   %6.0f ns/call\n", best * 1e9);
    csops_request_free(req);
    csops_workflow_free(wf);
    return 0;
}
