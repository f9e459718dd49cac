/* A program that forgets to free what libcsops gave it: valgrind with csops-ffi/valgrind.supp
 * must still report it (the suppressions hide only the default taxonomy, compiled once). */
#include <stdio.h>

#include "csops.h"

int main(void) {
    csops_request_t *req = csops_request_from_json(
        "{\"id\": 7, \"author\": \"rita\", \"labels\": [\"CSOps\"], "
        "\"created_at\": \"2026-01-05T09:00:00Z\"}");
    char *json = csops_request_to_json(req);
    printf("%s\n", json != NULL ? "made" : csops_last_error_message());
    return 0; /* neither freed, on purpose */
}
