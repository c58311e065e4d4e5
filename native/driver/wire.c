/* The XPCHECK_WIRE the driver lends a provider that exports XPCheckAttachWire: every call is a
 * callback answered by xpcheck's simulated messaging system (the Rust providers' Wire). */
#include "xpdrive.h"

#include <string.h>

static BOOL wire_is_online(void *ctx)
{
    ULONGLONG v[1] = {0};
    proto_callback(0, v, 1, S_OK, "wire_online");
    return v[0] != 0;
}

static HRESULT wire_transmit(void *ctx, LPMESSAGE msg, BOOL with_nt, BOOL to_taken)
{
    Message *m = message_find((LPUNKNOWN)msg);
    if (!m)
        return E_INVALIDARG;
    return proto_callback(message_logon(m), NULL, 0, S_OK, "transmit %lu %d %d", message_id(m),
                          with_nt != 0, to_taken != 0);
}

static ULONG wire_waiting(void *ctx)
{
    ULONGLONG v[1] = {0};
    proto_callback(0, v, 1, S_OK, "wire_waiting");
    return (ULONG)v[0];
}

static BOOL wire_take(void *ctx, XPCHECK_WIRE_MESSAGE *out)
{
    ULONGLONG v[3] = {0, 0, 0};
    proto_callback(0, v, 3, S_OK, "wire_take");
    if (!v[0])
        return FALSE;
    memset(out, 0, sizeof *out);
    snprintf(out->szSubject, sizeof out->szSubject, "xpcheck wire message %llu", v[1]);
    out->fNontransmittable = v[2] != 0;
    return TRUE;
}

static void wire_put_back(void *ctx, const XPCHECK_WIRE_MESSAGE *msg)
{
    unsigned long content;
    if (msg && sscanf(msg->szSubject, "xpcheck wire message %lu", &content) == 1)
        proto_callback(0, NULL, 0, S_OK, "wire_putback %lu %d", content,
                       msg->fNontransmittable != 0);
}

static const XPCHECK_WIRE g_wire = {
    sizeof(XPCHECK_WIRE), XPCHECK_WIRE_VERSION, NULL, wire_is_online, wire_transmit,
    wire_waiting,         wire_take,            wire_put_back,
};

const XPCHECK_WIRE *wire_get(void) { return &g_wire; }
