# daemon/: vigild (the lead's pieces; exec.mk and ipc.mk hold the others).
noinst_LIBRARIES += daemon/libvglmsg.a
daemon_libvglmsg_a_SOURCES = daemon/msg.c daemon/msg.h
daemon_libvglmsg_a_CFLAGS = $(AM_CFLAGS) $(GIO_CFLAGS)
MSG_LIBS = daemon/libvglmsg.a $(GIO_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/unit/check_msg
UNIT_TESTS += tests/unit/check_msg
tests_unit_check_msg_SOURCES = tests/unit/check_msg.c tests/unit/vgl_check.h
tests_unit_check_msg_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_msg_LDADD = $(MSG_LIBS) $(CIB_LIBS) $(CHECK_LIBS)

noinst_LIBRARIES += daemon/libvglview.a
daemon_libvglview_a_SOURCES = daemon/view.c daemon/view.h
VIEW_LIBS = daemon/libvglview.a $(GLIB_LIBS)

check_PROGRAMS += tests/unit/check_view
UNIT_TESTS += tests/unit/check_view
tests_unit_check_view_SOURCES = tests/unit/check_view.c tests/unit/vgl_check.h
tests_unit_check_view_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_view_LDADD = $(VIEW_LIBS) $(CIB_LIBS) $(CHECK_LIBS)
