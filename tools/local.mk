# tools/: crmctl and ha-status, the syntax library, completion, man pages.

# The compact configuration syntax (crm shell style): parser and printer.
noinst_LIBRARIES += tools/libvglsyntax.a
tools_libvglsyntax_a_SOURCES = \
	tools/crm_syntax.h tools/crm_syntax_internal.h \
	tools/crm_syntax.c \
	tools/crm_syntax_rsc.c \
	tools/crm_syntax_cons.c \
	tools/crm_syntax_misc.c \
	tools/crm_syntax_print.c
SYNTAX_LIBS = tools/libvglsyntax.a $(CIB_LIBS)

# The cluster at a glance (ha-status, crmctl status): snapshot, text,
# one line, JSON, event lines.  Uses the scheduler to place resources.
noinst_LIBRARIES += tools/libvglstatus.a
tools_libvglstatus_a_SOURCES = \
	tools/ha_status.h tools/ha_status_internal.h \
	tools/ha_status_model.c \
	tools/ha_status_render.c \
	tools/ha_status_json.c \
	tools/ha_status_why.c
STATUS_LIBS = tools/libvglstatus.a tools/libvglsyntax.a $(SCHED_LIBS) $(CIB_LIBS)

bin_PROGRAMS += tools/crmctl
tools_crmctl_SOURCES = tools/crmctl.c tools/crmctl.h \
	tools/crmctl_common.c \
	tools/crmctl_wait.c \
	tools/crmctl_status.c \
	tools/crmctl_resource.c tools/crmctl_resource.h \
	tools/crmctl_move.c \
	tools/crmctl_node.c \
	tools/crmctl_constraint.c \
	tools/crmctl_configure.c \
	tools/crmctl_config.c \
	tools/crmctl_simulate.c \
	tools/crmctl_agent.c
# CRMCTL_LIBS is set (with =) by the fragments included before this one
# (sched/local.mk); later ones add with +=.
tools_crmctl_LDADD = tools/libvglstatus.a tools/libvglsyntax.a $(CRMCTL_LIBS) $(CLIENT_LIBS) \
	$(SCHED_LIBS) $(CIB_LIBS)

bin_PROGRAMS += tools/ha-status
tools_ha_status_SOURCES = tools/ha_status_cli.c tools/ha_status_watch.c tools/ha_status_watch.h
tools_ha_status_LDADD = $(STATUS_LIBS) $(CLIENT_LIBS)

check_PROGRAMS += tests/unit/check_syntax
UNIT_TESTS += tests/unit/check_syntax
tests_unit_check_syntax_SOURCES = tests/unit/check_syntax.c tests/unit/vgl_check.h
tests_unit_check_syntax_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_syntax_LDADD = $(SYNTAX_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_status
UNIT_TESTS += tests/unit/check_status
tests_unit_check_status_SOURCES = tests/unit/check_status.c tests/unit/vgl_check.h
tests_unit_check_status_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_status_LDADD = $(STATUS_LIBS) $(CHECK_LIBS)

# crmctl and ha-status without a cluster (help, usage, --cib, completion).
UNIT_TESTS += tests/tools/offline.test
EXTRA_DIST += tests/tools/offline.test tests/tools/data/cib-3node.xml

# Against a lab cluster (tests/lab/lab.sh): every command, ha-status watch
# under tmux, fencing by hand.
LAB_TESTS += tests/tools/crmctl.test tests/tools/ha-status.test tests/tools/fence.test
EXTRA_DIST += tests/tools/crmctl.test tests/tools/ha-status.test tests/tools/fence.test

# Bash completion.
bashcompdir = $(datadir)/bash-completion/completions
dist_bashcomp_DATA = tools/completion/crmctl tools/completion/ha-status

# Man pages, from scdoc sources (doc/man/*.scd).
SCDOC = scdoc
man1_MANS = doc/man/crmctl.1 doc/man/ha-status.1
man8_MANS = doc/man/vigild.8
CLEANFILES += $(man1_MANS) $(man8_MANS)
EXTRA_DIST += doc/man/crmctl.1.scd doc/man/ha-status.1.scd doc/man/vigild.8.scd
doc/man/crmctl.1: doc/man/crmctl.1.scd
	$(AM_V_GEN)$(MKDIR_P) doc/man && $(SCDOC) < $(srcdir)/doc/man/crmctl.1.scd > $@
doc/man/ha-status.1: doc/man/ha-status.1.scd
	$(AM_V_GEN)$(MKDIR_P) doc/man && $(SCDOC) < $(srcdir)/doc/man/ha-status.1.scd > $@
doc/man/vigild.8: doc/man/vigild.8.scd
	$(AM_V_GEN)$(MKDIR_P) doc/man && $(SCDOC) < $(srcdir)/doc/man/vigild.8.scd > $@
