# cib/: the CIB library (libxml2 + glib only).
noinst_LIBRARIES += cib/libvglcib.a
cib_libvglcib_a_SOURCES = \
	include/vigil/vigil.h \
	include/vigil/cib.h \
	include/vigil/cib_store.h \
	cib/cib_internal.h \
	cib/cib_validate_internal.h \
	cib/cib_util.c \
	cib/cib.c \
	cib/cib_xml.c \
	cib/cib_option.c \
	cib/cib_query.c \
	cib/cib_validate.c \
	cib/cib_validate_rsc.c \
	cib/cib_validate_cons.c \
	cib/cib_validate_status.c \
	cib/cib_modify.c \
	cib/cib_status.c \
	cib/cib_diff.c \
	cib/cib_journal.c \
	cib/cib_store.c
CIB_LIBS = cib/libvglcib.a $(XML_LIBS) $(GLIB_LIBS)

# Unit tests of the CIB (data files in tests/cib/good and tests/cib/bad).
CIB_TEST_SOURCES = tests/unit/check_cib_util.c tests/unit/check_cib_util.h tests/unit/vgl_check.h
check_PROGRAMS += tests/unit/check_cib
UNIT_TESTS += tests/unit/check_cib
tests_unit_check_cib_SOURCES = tests/unit/check_cib.c $(CIB_TEST_SOURCES)
tests_unit_check_cib_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_cib_LDADD = $(CIB_LIBS) $(CHECK_LIBS)
EXTRA_DIST += tests/cib
check_PROGRAMS += tests/unit/check_cib_modify
UNIT_TESTS += tests/unit/check_cib_modify
tests_unit_check_cib_modify_SOURCES = tests/unit/check_cib_modify.c $(CIB_TEST_SOURCES)
tests_unit_check_cib_modify_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_cib_modify_LDADD = $(CIB_LIBS) $(CHECK_LIBS)
check_PROGRAMS += tests/unit/check_cib_diff
UNIT_TESTS += tests/unit/check_cib_diff
tests_unit_check_cib_diff_SOURCES = tests/unit/check_cib_diff.c $(CIB_TEST_SOURCES)
tests_unit_check_cib_diff_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_cib_diff_LDADD = $(CIB_LIBS) $(CHECK_LIBS)
check_PROGRAMS += tests/unit/check_cib_store
UNIT_TESTS += tests/unit/check_cib_store
tests_unit_check_cib_store_SOURCES = tests/unit/check_cib_store.c $(CIB_TEST_SOURCES)
tests_unit_check_cib_store_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_cib_store_LDADD = $(CIB_LIBS) $(CHECK_LIBS)

# crmctl config verify (tools/crmctl_config.c) against the data files.
UNIT_TESTS += tests/cib/crmctl-verify.test

# libFuzzer target for load/validate/diff (built by the test with clang).
FUZZ_TESTS += tests/fuzz/cib.test
EXTRA_DIST += tests/fuzz/cib.test tests/fuzz/fuzz_cib.c

# Benchmark: load/validate/serialize/diff of 100 .. 10,000 resources.
noinst_PROGRAMS += bench/cib_bench
bench_cib_bench_SOURCES = bench/cib_bench.c
bench_cib_bench_LDADD = $(CIB_LIBS)
