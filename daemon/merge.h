/*
 * merge.h — the XML surgery of the barrier: pieces of the status section a
 * node announces, and the merged CIB the sync source sends (see
 * doc/protocol.md, "The barrier").
 *
 * Works on copies (serialized text parsed with libxml2), never on a live
 * vgl_cib: every result goes back through vgl_cib_load_string(), so what
 * replicas adopt is validated like any other input.
 */
#ifndef VGL_DAEMON_MERGE_H
#define VGL_DAEMON_MERGE_H

#include <glib.h>
#include <vigil/cib.h>

/* The <node_state> of [in] uname as XML text, or NULL when it has none.
 * Caller g_free()s. */
char *vgl_merge_node_state(const vgl_cib *cib, const char *uname);

/* Attribute [in] attr of the node_state of [in] uname, or NULL.  Caller
 * g_free()s. */
char *vgl_merge_state_attr(const vgl_cib *cib, const char *uname, const char *attr);

/* The node_states of nodes that are unclean (in_ccm false but expected or
 * join "member") and not named in [in] members (NULL-terminated names).
 * Caller g_ptr_array_unref()s (char * elements). */
GPtrArray *vgl_merge_unclean_states(const vgl_cib *cib, const char *const *members);

/* The <fence_history> element as XML text, or NULL.  Caller g_free()s. */
char *vgl_merge_fence_history(const vgl_cib *cib);

/* What the sync source merges into its CIB. */
typedef struct vgl_merge_input {
    GHashTable *member_states; /* uname → node_state XML ("" when none) */
    GPtrArray *unclean_states; /* node_state XML of unclean non-members */
    GPtrArray *fence_histories; /* fence_history XML texts */
} vgl_merge_input;

/* The CIB the sync source sends: [in] base with every member's node_state
 * replaced by what it announced, unclean non-members kept unclean (with
 * the announced history when base had them clean), and the fence histories
 * merged.  Returns the text (caller g_free()s) or NULL on error. */
char *vgl_merge_sync(const vgl_cib *base, const vgl_merge_input *in);

/* A copy of [in] cib with an empty status section, versions unchanged
 * (status is rebuilt from the cluster after a restart).  Caller frees. */
vgl_cib *vgl_merge_strip_status(const vgl_cib *cib);

#endif
