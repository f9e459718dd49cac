/* Is a GitLab issue's current state consistent? A legacy tool's check through libcsops.
 *
 *   issue_state ISSUE.json [DIRECTORY.json]
 *
 * ISSUE.json is one REST issue object (GET /projects/:id/issues/:iid). Prints
 * "#<iid> consistent" and exits 0, or "#<iid> inconsistent" with the report and exits 1;
 * exits 2 when the issue cannot be read (the error names the field).
 *
 * Build (from the repository root, after `cargo build -p csops-ffi`):
 *   cc -std=c11 -Wall -Wextra -I csops-ffi/include examples/c/issue_state.c \
 *      -L target/debug -lcsops -Wl,-rpath,$PWD/target/debug -o target/c/issue_state
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "csops.h"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) { free(buf); buf = NULL; }
            else buf = bigger;
        }
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ISSUE.json [DIRECTORY.json]\n", argv[0]);
        return 2;
    }
    char *issue = slurp(argv[1]);
    char *directory = argc > 2 ? slurp(argv[2]) : NULL;
    if (!issue || (argc > 2 && !directory)) {
        fprintf(stderr, "cannot read %s\n", !issue ? argv[1] : argv[2]);
        free(issue);
        free(directory);
        return 2;
    }
    int rc = 2;
    csops_workflow_t *wf = csops_workflow_new(directory ? directory : "{}", NULL);
    if (!wf) {
        fprintf(stderr, "directory: %s\n", csops_last_error_message());
    } else {
        bool consistent = false;
        char *report = NULL;
        csops_status_t st = csops_gitlab_check_issue(wf, issue, &consistent, &report);
        if (st != CSOPS_OK) {
            fprintf(stderr, "%s: %s\n", csops_status_name(st), csops_last_error_message());
        } else if (consistent) {
            printf("consistent: %s\n", report);
            rc = 0;
        } else {
            printf("inconsistent: %s\n", report);
            rc = 1;
        }
        csops_string_free(report);
        csops_workflow_free(wf);
    }
    free(issue);
    free(directory);
    return rc;
}
