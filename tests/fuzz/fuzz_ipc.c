/*
 * fuzz_ipc.c — libFuzzer target for the IPC wire decoders
 * (daemon/ipc_proto.c), the code that sees every byte a local user sends
 * to vigild.
 *
 * The first input byte picks the decoder and how the frame is built: raw
 * (the input is the whole frame, header included) or behind a correct
 * header (so the fuzzer spends its time inside GVariant and our checks).
 * Whatever decodes must re-encode and decode to the same values, and field
 * lookups on it must not misbehave.  Built and run by tests/fuzz/ipc.test.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>
#include <vigil/ipc_proto.h>
#include <vigil/vigil.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAME_MAX (64u * 1024u)

static void probe_fields(GVariant *fields)
{
    GVariant *v = NULL;
    char *err = NULL;

    vgl_ipc_field(fields, "node", "s", &v, &err);
    g_clear_pointer(&v, g_variant_unref);
    g_free(err);
    vgl_ipc_field(fields, "events", "au", &v, NULL);
    g_clear_pointer(&v, g_variant_unref);
}

static void check_request(const void *frame, size_t len)
{
    GVariant *fields = NULL, *again = NULL;
    uint32_t type = 0, type2 = 0;
    uint64_t id = 0, id2 = 0;
    char *err = NULL;
    void *out = NULL;
    size_t out_len = 0;

    if (vgl_ipc_request_decode(frame, len, FRAME_MAX, &type, &id, &fields, &err) == 0) {
        probe_fields(fields);
        /* fields is not floating: encode takes its own reference */
        if (vgl_ipc_request_encode(type, id, fields, FRAME_MAX, &out, &out_len) != 0
            || vgl_ipc_request_decode(out, out_len, FRAME_MAX, &type2, &id2, &again, NULL) != 0
            || type != type2 || id != id2 || !g_variant_equal(fields, again)) {
            abort();
        }
        g_variant_unref(again);
        g_variant_unref(fields);
    } else if (err == NULL || fields != NULL) {
        abort();
    }
    g_free(out);
    g_free(err);
}

static void check_reply(const void *frame, size_t len)
{
    GVariant *fields = NULL;
    uint64_t id = 0;
    int32_t rc = 0;
    char *text = NULL, *err = NULL;

    if (vgl_ipc_reply_decode(frame, len, FRAME_MAX, &id, &rc, &text, &fields, &err) == 0) {
        if (rc > 0 || text == NULL || !g_utf8_validate(text, -1, NULL)) {
            abort();
        }
        probe_fields(fields);
        g_variant_unref(fields);
        g_free(text);
    } else if (err == NULL || fields != NULL || text != NULL) {
        abort();
    }
    g_free(err);
}

static void check_event(const void *frame, size_t len)
{
    GVariant *fields = NULL;
    uint32_t type = 0;
    uint64_t seq = 0;
    char *err = NULL;

    if (vgl_ipc_event_decode(frame, len, FRAME_MAX, &type, &seq, &fields, &err) == 0) {
        if (seq == 0) {
            abort();
        }
        probe_fields(fields);
        g_variant_unref(fields);
    } else if (err == NULL || fields != NULL) {
        abort();
    }
    g_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int32_t ids[] = { VGL_IPC_FRAME_REQUEST, VGL_IPC_FRAME_REPLY, VGL_IPC_FRAME_EVENT };
    uint8_t *frame;
    size_t header, len;
    unsigned kind;

    if (size < 1 || size > FRAME_MAX) {
        return 0;
    }
    kind = data[0] % 3;
    header = kind == 0 ? sizeof(struct qb_ipc_request_header) : sizeof(struct qb_ipc_response_header);
    if (data[0] & 0x80) {
        /* raw: the rest is the whole frame, header and all */
        len = size - 1;
        frame = malloc(len + 1);
        memcpy(frame, data + 1, len);
    } else {
        struct qb_ipc_response_header h = { .id = ids[kind] };

        len = header + size - 1;
        h.size = (int32_t)len;
        frame = malloc(len);
        memcpy(frame, &h, header);
        memcpy(frame + header, data + 1, size - 1);
        /* a reply's rc sits at payload offset 16 of "(utisa{sv})": copy it
         * into the header so that the decoder gets past that check */
        if (kind == 1 && size >= 1 + 20) {
            memcpy(&h.error, data + 1 + 16, sizeof(h.error));
        }
        memcpy(frame, &h, header);
    }
    if (kind == 0) {
        check_request(frame, len);
    } else if (kind == 1) {
        check_reply(frame, len);
    } else {
        check_event(frame, len);
    }
    free(frame);
    return 0;
}
