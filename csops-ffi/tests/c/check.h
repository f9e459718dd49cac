/* The C test programs' one assertion: CHECK(cond, printf-style message) counts a pass or
 * prints the failure with the last csops error (its first 300 bytes) and counts it. Each
 * program ends with `printf("%d passed, %d failed\n", passed, failed)`. */
#ifndef CSOPS_TEST_CHECK_H
#define CSOPS_TEST_CHECK_H

#include <stdio.h>

#include "csops.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond, ...)                                                            \
    do {                                                                            \
        if (cond) {                                                                 \
            passed++;                                                               \
        } else {                                                                    \
            failed++;                                                               \
            fprintf(stderr, "FAILED %s:%d: ", __FILE__, __LINE__);                  \
            fprintf(stderr, __VA_ARGS__);                                           \
            fprintf(stderr, " (last error: %.300s)\n", csops_last_error_message()); \
        }                                                                           \
    } while (0)

#endif
