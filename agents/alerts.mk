# agents/alerts/: alert agents (doc/alerts.md), and `crmctl import`
# (keepalived, Heartbeat; doc/migrating.md), with their tests.
# Include it after tools/local.mk: it adds to crmctl.

# Installed where alert paths point (Pacemaker keeps its samples in
# /usr/share/pacemaker/alerts).
vglalertsdir = $(datadir)/vigil/alerts
dist_vglalerts_SCRIPTS = agents/alerts/alert_smtp.sh agents/alerts/alert_file.sh
UNIT_TESTS += tests/alerts/agents.test
EXTRA_DIST += tests/alerts/agents.test

# crmctl import: a library of its own, so that it knows where the alert
# agents are installed (the mail alert it writes names alert_smtp.sh).
noinst_LIBRARIES += tools/libvglimport.a
tools_libvglimport_a_SOURCES = tools/crmctl_import.c tools/crmctl_import_internal.h \
	tools/crmctl_import_out.c tools/crmctl_import_keepalived.c tools/crmctl_import_heartbeat.c
tools_libvglimport_a_CPPFLAGS = $(AM_CPPFLAGS) -DVGL_ALERTS_DIR='"$(vglalertsdir)"'
tools_crmctl_LDADD += tools/libvglimport.a $(SYNTAX_LIBS)
UNIT_TESTS += tests/tools/import.test
EXTRA_DIST += tests/tools/import.test tests/import

# What the imports produce makes the scheduler decide as keepalived and
# Heartbeat did.
check_PROGRAMS += tests/unit/check_import
UNIT_TESTS += tests/unit/check_import
tests_unit_check_import_SOURCES = tests/unit/check_import.c tests/unit/vgl_check.h
tests_unit_check_import_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_import_LDADD = tools/libvglimport.a $(SYNTAX_LIBS) $(SCHED_LIBS) $(CIB_LIBS) \
	$(CHECK_LIBS)

# In the lab: a node failure, a resource start and a fence each run the
# configured alert agents with the right environment.
LAB_TESTS += tests/lab/alerts.test
