/* The properties of the harness's messages and recipients, as GetProps / QueryRows hand them
 * out: allocated with MAPIAllocateBuffer / MAPIAllocateMore, freed by the provider with
 * MAPIFreeBuffer (or FreeProws). */
#include "props.h"

#include <string.h>

/* Whether a property id is transmittable (MAPI's FIsTransmittable ranges): 0x0E00-0x0FFF,
 * 0x6000-0x67FF and 0x7C00-0x7FFF are not (SUB-11, SM-8). */
BOOL prop_transmittable(ULONG tag)
{
    ULONG id = PROP_ID(tag);
    return id < 0x0E00 || id >= 0x8000 || (id >= 0x1000 && id < 0x6000) ||
           (id >= 0x6800 && id < 0x7C00);
}

static void set_string(LPSPropValue v, ULONG tag, const char *s, LPVOID parent)
{
    size_t n = strlen(s) + 1;
    if (PROP_TYPE(tag) == PT_UNICODE) {
        WCHAR *w = NULL;
        MAPIAllocateMore((ULONG)(n * sizeof(WCHAR)), parent, (LPVOID *)&w);
        for (size_t i = 0; i < n; i++)
            w[i] = (WCHAR)(unsigned char)s[i];
        v->ulPropTag = tag;
        v->Value.lpszW = w;
    } else {
        char *a = NULL;
        MAPIAllocateMore((ULONG)n, parent, (LPVOID *)&a);
        memcpy(a, s, n);
        v->ulPropTag = PROP_TAG(PT_STRING8, PROP_ID(tag));
        v->Value.lpszA = a;
    }
}

static void set_binary(LPSPropValue v, ULONG tag, const char magic[4], ULONG id, LPVOID parent)
{
    BYTE *b = NULL;
    MAPIAllocateMore(8, parent, (LPVOID *)&b);
    memcpy(b, magic, 4);
    memcpy(b + 4, &id, 4);
    v->ulPropTag = tag;
    v->Value.bin.cb = 8;
    v->Value.bin.lpb = b;
}

static BOOL is_string_tag(ULONG tag, ULONG id)
{
    return PROP_ID(tag) == id &&
           (PROP_TYPE(tag) == PT_STRING8 || PROP_TYPE(tag) == PT_UNICODE ||
            PROP_TYPE(tag) == PT_UNSPECIFIED);
}

BOOL prop_message(const PropSource *m, ULONG tag, LPSPropValue v, LPVOID parent)
{
    char text[96];
    if (m->inbound)
        return FALSE; /* an inbound message holds what the provider writes; not read back */
    if (is_string_tag(tag, PROP_ID(PR_MESSAGE_CLASS))) {
        set_string(v, tag, "IPM.Note", parent);
    } else if (is_string_tag(tag, PROP_ID(PR_SUBJECT))) {
        snprintf(text, sizeof text, "xpcheck message %lu", m->id);
        set_string(v, tag, text, parent);
    } else if (is_string_tag(tag, PROP_ID(PR_BODY))) {
        snprintf(text, sizeof text, "Body of xpcheck message %lu.", m->id);
        set_string(v, tag, text, parent);
    } else if (PROP_ID(tag) == PROP_ID(PR_ENTRYID)) {
        set_binary(v, PR_ENTRYID, "XPCK", m->id, parent);
    } else if (PROP_ID(tag) == PROP_ID(PR_MESSAGE_FLAGS)) {
        v->ulPropTag = PR_MESSAGE_FLAGS;
        v->Value.l = MSGFLAG_UNSENT;
    } else if (PROP_ID(tag) == PROP_ID(XPCHECK_PR_NONTRANSMITTABLE) && m->nontransmittable) {
        v->ulPropTag = XPCHECK_PR_NONTRANSMITTABLE;
        v->Value.l = 1;
    } else {
        return FALSE;
    }
    return TRUE;
}

/* Outbound messages carry these (nontransmittable only when the harness says so). */
static const ULONG g_message_tags[] = {PR_MESSAGE_CLASS_A, PR_SUBJECT_A, PR_BODY_A, PR_ENTRYID,
                                       PR_MESSAGE_FLAGS, XPCHECK_PR_NONTRANSMITTABLE};

ULONG prop_message_tags(const PropSource *m, ULONG *out, ULONG max)
{
    ULONG n = 0;
    if (m->inbound)
        return 0;
    for (ULONG i = 0; i < sizeof g_message_tags / sizeof g_message_tags[0] && n < max; i++) {
        if (g_message_tags[i] == XPCHECK_PR_NONTRANSMITTABLE && !m->nontransmittable)
            continue;
        out[n++] = g_message_tags[i];
    }
    return n;
}

BOOL prop_recipient(const PropSource *m, ULONG row, ULONG tag, LPSPropValue v, LPVOID parent)
{
    char text[64];
    if (PROP_ID(tag) == PROP_ID(PR_ROWID)) {
        v->ulPropTag = PR_ROWID;
        v->Value.l = (LONG)row;
    } else if (is_string_tag(tag, PROP_ID(PR_DISPLAY_NAME))) {
        snprintf(text, sizeof text, "Recipient %lu", row);
        set_string(v, tag, text, parent);
    } else if (is_string_tag(tag, PROP_ID(PR_ADDRTYPE))) {
        set_string(v, tag, m->addrtype, parent);
    } else if (is_string_tag(tag, PROP_ID(PR_EMAIL_ADDRESS))) {
        snprintf(text, sizeof text, "rcpt%lu@xpcheck.loop", row);
        set_string(v, tag, text, parent);
    } else if (PROP_ID(tag) == PROP_ID(PR_RECIPIENT_TYPE)) {
        v->ulPropTag = PR_RECIPIENT_TYPE;
        v->Value.l = MAPI_TO;
    } else if (PROP_ID(tag) == PROP_ID(PR_RESPONSIBILITY)) {
        /* The second recipient is already taken by another transport when the harness says
         * so (SUB-12). */
        v->ulPropTag = PR_RESPONSIBILITY;
        v->Value.b = (unsigned short)(row == 1 && m->taken);
    } else if (PROP_ID(tag) == PROP_ID(PR_ENTRYID)) {
        set_binary(v, PR_ENTRYID, "XPRC", row, parent);
    } else {
        return FALSE;
    }
    return TRUE;
}

const ULONG g_recipient_tags[RECIPIENT_COLUMNS] = {PR_ROWID,          PR_DISPLAY_NAME_A,
                                                   PR_ADDRTYPE_A,     PR_EMAIL_ADDRESS_A,
                                                   PR_RECIPIENT_TYPE, PR_RESPONSIBILITY,
                                                   PR_ENTRYID};

void prop_error(LPSPropValue v, ULONG tag)
{
    v->ulPropTag = PROP_TAG(PT_ERROR, PROP_ID(tag));
    v->Value.err = MAPI_E_NOT_FOUND;
}
