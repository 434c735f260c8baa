# daemon/: the executor (OCF/LSB resource agents) and the fencer (fence
# agents), as one static library that vigild links.  Both share the
# child-process runner in exec_child.c.
noinst_LIBRARIES += daemon/libvglexec.a
daemon_libvglexec_a_SOURCES = \
	daemon/exec.h \
	daemon/exec_internal.h \
	daemon/exec.c \
	daemon/exec_child.c \
	daemon/fencer.h \
	daemon/fencer_internal.h \
	daemon/fencer.c \
	daemon/fencer_fence.c \
	daemon/fencer_level.c \
	daemon/fencer_param.c \
	daemon/fencer_parse.c \
	daemon/fencer_cib.c
# Fence agents are looked up in /usr/sbin, then in the build's agents.
daemon_libvglexec_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVGL_FENCE_AGENT_PATH='"$(abs_top_builddir)/agents/fence:$(abs_top_srcdir)/agents/fence"'
# EXEC_LIBS carries what the library needs after it on the link line.
EXEC_LIBS = daemon/libvglexec.a $(CIB_LIBS) $(QB_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/unit/check_exec
UNIT_TESTS += tests/unit/check_exec
tests_unit_check_exec_SOURCES = tests/unit/check_exec.c tests/unit/vgl_check.h
tests_unit_check_exec_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_exec_LDADD = $(EXEC_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_fencer
UNIT_TESTS += tests/unit/check_fencer
tests_unit_check_fencer_SOURCES = tests/unit/check_fencer.c tests/unit/vgl_check.h
tests_unit_check_fencer_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_fencer_LDADD = $(EXEC_LIBS) $(CHECK_LIBS)
EXTRA_DIST += tests/exec
