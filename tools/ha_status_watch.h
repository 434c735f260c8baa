/*
 * ha_status_watch.h — what ha-status's two files share: its options
 * (ha_status_cli.c parses them) and the watch loop (ha_status_watch.c).
 */
#ifndef VGL_HA_STATUS_WATCH_H
#define VGL_HA_STATUS_WATCH_H

#include <stdbool.h>

#include "tools/ha_status.h"

typedef struct vgl_client vgl_client;

typedef struct ha_status_cli_opts {
    bool json, one_line, no_color, watch;
    bool color;          /* colours decided from no_color and the terminal */
    unsigned width;      /* --width, 0: the terminal's */
    const char *cib;     /* --cib FILE */
    int timeout_ms;
} ha_status_cli_opts;

/* STATUS and CIB_QUERY from c, as a snapshot ([out] *st, caller frees;
 * [out] *error, caller g_frees).  Returns 0 or the client's error. */
int ha_status_cli_fetch(vgl_client *c, int timeout_ms, ha_status **st, char **error);

/* `ha-status watch` until SIGINT or SIGTERM: a live view on a terminal,
 * one line per event otherwise.  [in] width(given) gives the columns to
 * draw (asked again after SIGWINCH).  Returns the exit code. */
int ha_status_watch_run(const ha_status_cli_opts *o, unsigned (*width)(unsigned given));

#endif
