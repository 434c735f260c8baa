# sched/: the scheduler library (libxml2 + glib + the CIB library only).
noinst_LIBRARIES += sched/libvglsched.a
sched_libvglsched_a_SOURCES = \
	include/vigil/sched.h \
	sched/sched_internal.h \
	sched/sched.c \
	sched/sched_unpack.c \
	sched/sched_rule.c \
	sched/sched_status.c \
	sched/sched_history.c \
	sched/sched_place.c \
	sched/sched_actions.c \
	sched/sched_order.c \
	sched/sched_output.c \
	sched/sched_show.c
SCHED_LIBS = sched/libvglsched.a
CRMCTL_LIBS = sched/libvglsched.a

# Scheduler scenarios (tests/scheduler/NAME.xml -> NAME.summary), one TAP
# result each, run through crmctl simulate.
UNIT_TESTS += tests/scheduler/scenarios.test
EXTRA_DIST += tests/scheduler

check_PROGRAMS += tests/unit/check_sched
UNIT_TESTS += tests/unit/check_sched
tests_unit_check_sched_SOURCES = tests/unit/check_sched.c tests/unit/vgl_check.h
tests_unit_check_sched_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_sched_LDADD = $(SCHED_LIBS) $(CIB_LIBS) $(CHECK_LIBS)

# bench/sched-bench runs this over the size matrix and prints the table.
noinst_PROGRAMS += bench/sched_bench
bench_sched_bench_SOURCES = bench/sched_bench.c
bench_sched_bench_LDADD = $(SCHED_LIBS) $(CIB_LIBS)
EXTRA_DIST += bench/sched-bench

# The status cache must give exactly the cold run's transitions.
check_PROGRAMS += tests/unit/check_sched_cache
UNIT_TESTS += tests/unit/check_sched_cache
tests_unit_check_sched_cache_SOURCES = tests/unit/check_sched_cache.c tests/unit/vgl_check.h
tests_unit_check_sched_cache_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_sched_cache_LDADD = $(SCHED_LIBS) $(CIB_LIBS) $(CHECK_LIBS)
