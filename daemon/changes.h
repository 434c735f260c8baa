/*
 * changes.h — a tool's configuration change as data: an atomic list of
 * operations (aa{sv}), the format of CIB_CHANGE requests and of the
 * CHANGE_REQUEST message, applied to a CIB by the coordinator.
 *
 * Operations, each {op:s, ...}: replace-config {xml}, put {section, xml},
 * delete {id, cascade?}, set-option {name, value?}, set-node-attr {node,
 * name, value?}, set-rsc-meta {rsc, name, value?}.  An absent value unsets.
 */
#ifndef VGL_DAEMON_CHANGES_H
#define VGL_DAEMON_CHANGES_H

#include <glib.h>
#include <vigil/cib.h>

/* Apply every operation of [in] ops (aa{sv}) to [in,out] cib in order; the
 * first failure stops and returns its rc with messages in errors.  The CIB
 * is then partly changed: callers work on a copy. */
int vgl_changes_apply(vgl_cib *cib, GVariant *ops, GPtrArray *errors);

#endif
