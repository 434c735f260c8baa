# vigild itself.
sbin_PROGRAMS += daemon/vigild
daemon_vigild_SOURCES = \
	daemon/vigild.c \
	daemon/cluster.c daemon/cluster.h \
	daemon/replica.c daemon/replica.h daemon/replica_internal.h \
	daemon/replica_apply.c daemon/replica_change.c \
	daemon/changes.c daemon/changes.h \
	daemon/merge.c daemon/merge.h \
	daemon/coord.c daemon/coord.h \
	daemon/runner.c daemon/runner.h \
	daemon/control.c daemon/control.h \
	daemon/alerts.c daemon/alerts.h
daemon_vigild_CFLAGS = $(AM_CFLAGS) $(CPG_CFLAGS) $(QUORUM_CFLAGS) $(CMAP_CFLAGS) $(GIO_CFLAGS)
daemon_vigild_LDADD = $(VIEW_LIBS) $(MSG_LIBS) daemon/libvglipc.a $(EXEC_LIBS) $(SCHED_LIBS) \
	$(CIB_LIBS) $(CPG_LIBS) $(QUORUM_LIBS) $(CMAP_LIBS) $(QB_LIBS) $(GIO_LIBS) $(GLIB_LIBS)

# The lab's control client (tests and benchmarks; people use crmctl).
check_PROGRAMS += tests/lab/vlc
tests_lab_vlc_SOURCES = tests/lab/vlc.c
tests_lab_vlc_LDADD = $(SCHED_LIBS) $(CLIENT_LIBS) $(XML_LIBS)
LAB_TESTS += tests/lab/daemon.test
EXTRA_DIST += tests/lab/data

# The replica on a simulated CPG bus.
check_PROGRAMS += tests/unit/check_replica
UNIT_TESTS += tests/unit/check_replica
tests_unit_check_replica_SOURCES = tests/unit/check_replica.c tests/unit/vgl_check.h \
	daemon/replica.c daemon/replica_apply.c daemon/replica_change.c daemon/changes.c \
	daemon/merge.c
tests_unit_check_replica_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(GIO_CFLAGS)
tests_unit_check_replica_LDADD = $(VIEW_LIBS) $(MSG_LIBS) $(SCHED_LIBS) $(CIB_LIBS) \
	$(QB_LIBS) $(GIO_LIBS) $(GLIB_LIBS) $(CHECK_LIBS)
LAB_TESTS += tests/lab/fencing.test

# Alert agents run on events (daemon/alerts.c).
check_PROGRAMS += tests/unit/check_alerts
UNIT_TESTS += tests/unit/check_alerts
tests_unit_check_alerts_SOURCES = tests/unit/check_alerts.c tests/unit/vgl_check.h \
	daemon/alerts.c daemon/alerts.h
tests_unit_check_alerts_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_alerts_LDADD = $(EXEC_LIBS) $(CHECK_LIBS)
LAB_TESTS += tests/lab/compat.test
