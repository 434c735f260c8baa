# daemon/ipc*: vigild's IPC server (libqb IPC in the glib main loop) and
# tools/client*: the client library the tools use.  Both share the wire
# codec daemon/ipc_proto.c (include/vigil/ipc_proto.h).
noinst_LIBRARIES += daemon/libvglipc.a tools/libvglclient.a
daemon_libvglipc_a_SOURCES = \
	include/vigil/ipc_proto.h \
	daemon/ipc.h daemon/ipc.c \
	daemon/ipc_internal.h daemon/ipc_loop.c \
	daemon/ipc_proto.c
tools_libvglclient_a_SOURCES = \
	include/vigil/client.h include/vigil/ipc_proto.h \
	tools/client.c \
	daemon/ipc_proto.c
IPC_LIBS = daemon/libvglipc.a $(CIB_LIBS) $(QB_LIBS) $(GLIB_LIBS)
CLIENT_LIBS = tools/libvglclient.a $(CIB_LIBS) $(QB_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/unit/check_ipc
UNIT_TESTS += tests/unit/check_ipc
tests_unit_check_ipc_SOURCES = tests/unit/check_ipc.c tests/unit/vgl_check.h
tests_unit_check_ipc_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_ipc_LDADD = daemon/libvglipc.a $(CLIENT_LIBS) $(CHECK_LIBS)

noinst_PROGRAMS += bench/ipc_bench
bench_ipc_bench_SOURCES = bench/ipc_bench.c
bench_ipc_bench_LDADD = daemon/libvglipc.a $(CLIENT_LIBS)

FUZZ_TESTS += tests/fuzz/ipc.test
EXTRA_DIST += tests/fuzz/ipc.test tests/fuzz/fuzz_ipc.c
