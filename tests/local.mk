# tests/: unit tests (check, TAP output) and lab tests (shell, TAP output).
check_PROGRAMS += tests/unit/check_util
UNIT_TESTS += tests/unit/check_util
tests_unit_check_util_SOURCES = tests/unit/check_util.c tests/unit/vgl_check.h
tests_unit_check_util_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_util_LDADD = $(CIB_LIBS) $(CHECK_LIBS)

LAB_TESTS += tests/lab/corosync.test
EXTRA_DIST += tests/lab/lab.sh tests/lab/tap.sh $(LAB_TESTS)


# The lab's independent address checker.
check_PROGRAMS += tests/lab/vipwatch
tests_lab_vipwatch_SOURCES = tests/lab/vipwatch.c
tests_lab_vipwatch_LDADD = -lpthread

# The protocol model (tests/model/README.md): spin, one TAP line per property.
UNIT_TESTS += tests/model/model.test
EXTRA_DIST += tests/model/vigil.pml tests/model/model.test tests/model/README.md

# The fault campaign (tests/faults/README.md): a 3-node lab, 100 seeded faults;
# its verdicts on canned input need no lab.
LAB_TESTS += tests/faults/campaign.test
UNIT_TESTS += tests/faults/fx_check.test
EXTRA_DIST += tests/faults/README.md tests/faults/campaign-cib.xml \
	tests/faults/fx_lib.sh tests/faults/fx_kinds.sh tests/faults/fx_check.sh \
	tests/faults/fx_check.test
