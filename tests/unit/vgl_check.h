/*
 * vgl_check.h — the main() every unit test program shares.  Results go out
 * as TAP on stdout so automake's tap-driver counts each test case; every
 * test case has the timeout from CK_DEFAULT_TIMEOUT (set by the harness).
 */
#ifndef VGL_CHECK_H
#define VGL_CHECK_H

#include <check.h>
#include <stdlib.h>

#define VGL_CHECK_MAIN(suite_fn)                                  \
    int main(void)                                                \
    {                                                             \
        SRunner *sr = srunner_create(suite_fn());                 \
        int failed;                                               \
        srunner_set_tap(sr, "-");                                 \
        srunner_run_all(sr, CK_SILENT);                           \
        failed = srunner_ntests_failed(sr);                       \
        srunner_free(sr);                                         \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;         \
    }

#endif
