/*
 * ipc_internal.h — what the IPC files need from each other: daemon/ipc.c
 * from ipc_loop.c, and both ends from the codec in ipc_proto.c.
 */
#ifndef VIGIL_DAEMON_IPC_INTERNAL_H
#define VIGIL_DAEMON_IPC_INTERNAL_H

#include <glib.h>
#include <qb/qbipcs.h>

/* ipc_loop.c: libqb's poll handlers on glib's default main context.
 * acquire() before the first qb_ipcs_run(), release() after the last
 * qb_ipcs_destroy(); the returned table is static storage. */
struct qb_ipcs_poll_handlers *vgl__ipc_loop_acquire(void);
void vgl__ipc_loop_release(void);
/* How many fds libqb watches right now (for tests and leak checks). */
unsigned vgl__ipc_loop_watches(void);

/* ipc_proto.c, also used by tools/client.c: replace *error (if error is
 * not NULL) with a new printf-style text; the old one is freed. */
void vgl__ipc_set_error(char **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
