/* The message objects the spooler hands to SubmitMessage (outbound: the harness's message, read
 * by the provider) and StartMessage (inbound: empty, written by the provider), and the
 * recipient table of an outbound message. Reads, writes, recipients, PR_RESPONSIBILITY,
 * SaveChanges and the release of the spooler's reference are reported to xpcheck; methods
 * outside that answer MAPI_E_NO_SUPPORT and are reported by name. */
#include "props.h"

#include <stdlib.h>
#include <string.h>

struct Message {
    IMessageVtbl *lpVtbl;
    LONG refs;
    ULONG logon;
    PropSource src;
    Message *next;
};

typedef struct Table {
    IMAPITableVtbl *lpVtbl;
    LONG refs;
    Message *m;
    ULONG pos;
    ULONG ncols;
    ULONG cols[64];
} Table;

static Message *g_messages;

#define MSG(This) ((Message *)(This))
#define TBL(This) ((Table *)(This))

ULONG message_id(const Message *m) { return m->src.id; }
ULONG message_logon(const Message *m) { return m->logon; }

Message *message_find(LPUNKNOWN p)
{
    for (Message *m = g_messages; m; m = m->next)
        if ((LPUNKNOWN)m == p)
            return m;
    LPVOID inner = NULL;
    /* A wrapper (a recording proxy) forwards this IID to the object it wraps. */
    if (p && SUCCEEDED(p->lpVtbl->QueryInterface(p, &IID_IXPCheckMessage, &inner)))
        for (Message *m = g_messages; m; m = m->next)
            if ((LPVOID)m == inner)
                return m;
    return NULL;
}

void messages_free_all(void)
{
    while (g_messages) {
        Message *n = g_messages->next;
        HeapFree(GetProcessHeap(), 0, g_messages);
        g_messages = n;
    }
}

/* ---- IMessage ---- */

static HRESULT STDMETHODCALLTYPE msg_QueryInterface(LPMESSAGE This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IXPCheckMessage)) {
        *ppv = This; /* private: no reference taken */
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMAPIProp) ||
        IsEqualIID(riid, &IID_IMessage)) {
        *ppv = This;
        InterlockedIncrement(&MSG(This)->refs);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE msg_AddRef(LPMESSAGE This)
{
    return (ULONG)InterlockedIncrement(&MSG(This)->refs);
}

/* The spooler's reference is the one the message was handed with: the provider's Release of
 * it (the count reaching 0) is reported (SM-11); the object stays valid, so a later use is a
 * finding, not a crash. */
static ULONG STDMETHODCALLTYPE msg_Release(LPMESSAGE This)
{
    LONG n = InterlockedDecrement(&MSG(This)->refs);
    if (n == 0)
        proto_callback(MSG(This)->logon, NULL, 0, S_OK, "mrelease %lu", MSG(This)->src.id);
    return n < 0 ? 0 : (ULONG)n;
}

static HRESULT read_event(Message *m)
{
    return proto_callback(m->logon, NULL, 0, S_OK, "read %lu", m->src.id);
}

static HRESULT STDMETHODCALLTYPE msg_GetProps(LPMESSAGE This, LPSPropTagArray tags, ULONG flags,
                                              ULONG *count, LPSPropValue *props)
{
    Message *m = MSG(This);
    read_event(m);
    ULONG all[16];
    ULONG n = tags ? tags->cValues : prop_message_tags(&m->src, all, 16);
    const ULONG *want = tags ? tags->aulPropTag : all;
    LPSPropValue v = NULL;
    if (MAPIAllocateBuffer((ULONG)(sizeof(SPropValue) * (n ? n : 1)), (LPVOID *)&v))
        return MAPI_E_NOT_ENOUGH_MEMORY;
    HRESULT hr = S_OK;
    for (ULONG i = 0; i < n; i++) {
        memset(&v[i], 0, sizeof v[i]);
        if (!prop_message(&m->src, want[i], &v[i], v)) {
            prop_error(&v[i], want[i]);
            hr = MAPI_W_ERRORS_RETURNED;
        }
    }
    *count = n;
    *props = v;
    return hr;
}

static HRESULT STDMETHODCALLTYPE msg_GetPropList(LPMESSAGE This, ULONG flags,
                                                 LPSPropTagArray *out)
{
    Message *m = MSG(This);
    read_event(m);
    ULONG all[16];
    ULONG n = prop_message_tags(&m->src, all, 16);
    LPSPropTagArray t = NULL;
    if (MAPIAllocateBuffer(CbNewSPropTagArray(n), (LPVOID *)&t))
        return MAPI_E_NOT_ENOUGH_MEMORY;
    t->cValues = n;
    memcpy(t->aulPropTag, all, n * sizeof(ULONG));
    *out = t;
    return S_OK;
}

static HRESULT write_event(Message *m, ULONG n, const ULONG *tags, const SPropValue *vals);

/* PR_BODY as an IStream (the way providers read and write long text): the outbound message's
 * text, or a new writable body on an inbound message (a write of PR_BODY). Any other property
 * or interface answers MAPI_E_NO_SUPPORT and is reported. */
static HRESULT STDMETHODCALLTYPE msg_OpenProperty(LPMESSAGE This, ULONG tag, LPCIID iid,
                                                  ULONG opts, ULONG flags, LPUNKNOWN *out)
{
    Message *m = MSG(This);
    if (out)
        *out = NULL;
    BOOL body = PROP_ID(tag) == PROP_ID(PR_BODY) && iid && IsEqualIID(iid, &IID_IStream);
    BOOL modify = (flags & (MAPI_CREATE | MAPI_MODIFY)) != 0;
    if (!body || !out) {
        read_event(m);
        return proto_unsupported(m->logon, "IMessage", "OpenProperty");
    }
    if (modify) {
        ULONG t = PR_BODY;
        write_event(m, 1, &t, NULL);
        *out = (LPUNKNOWN)stream_new(m->logon, NULL, 0, TRUE);
        return S_OK;
    }
    read_event(m);
    SPropValue v;
    memset(&v, 0, sizeof v);
    LPVOID parent = NULL;
    MAPIAllocateBuffer(sizeof(SPropValue), &parent);
    if (!prop_message(&m->src, PROP_TAG(PROP_TYPE(tag) == PT_UNICODE ? PT_UNICODE : PT_STRING8,
                                        PROP_ID(PR_BODY)),
                      &v, parent)) {
        MAPIFreeBuffer(parent);
        return MAPI_E_NOT_FOUND;
    }
    ULONG size = PROP_TYPE(v.ulPropTag) == PT_UNICODE
                     ? (ULONG)(lstrlenW(v.Value.lpszW) * sizeof(WCHAR))
                     : (ULONG)strlen(v.Value.lpszA);
    *out = (LPUNKNOWN)stream_new(m->logon, v.Value.lpszA, size, FALSE);
    MAPIFreeBuffer(parent);
    return S_OK;
}

/* What a write touches: nontransmittable properties (SM-8), PR_ENTRYID (SM-9),
 * PR_MESSAGE_CLASS (FLOW-14), and the wire message it stores (its subject, TN-20). */
static HRESULT write_event(Message *m, ULONG n, const ULONG *tags, const SPropValue *vals)
{
    int nt = 0, eid = 0, cls = 0;
    long content = -1;
    for (ULONG i = 0; i < n; i++) {
        ULONG tag = tags ? tags[i] : vals[i].ulPropTag;
        nt |= !prop_transmittable(tag);
        eid |= PROP_ID(tag) == PROP_ID(PR_ENTRYID);
        cls |= PROP_ID(tag) == PROP_ID(PR_MESSAGE_CLASS);
        if (vals && PROP_ID(tag) == PROP_ID(PR_SUBJECT) && PROP_TYPE(tag) == PT_STRING8 &&
            vals[i].Value.lpszA) {
            unsigned long c;
            if (sscanf(vals[i].Value.lpszA, "xpcheck wire message %lu", &c) == 1)
                content = (long)c;
        }
        if (vals && PROP_ID(tag) == PROP_ID(PR_SUBJECT) && PROP_TYPE(tag) == PT_UNICODE &&
            vals[i].Value.lpszW) {
            char a[64];
            int k = 0;
            for (; k < 63 && vals[i].Value.lpszW[k]; k++)
                a[k] = (char)vals[i].Value.lpszW[k];
            a[k] = 0;
            unsigned long c;
            if (sscanf(a, "xpcheck wire message %lu", &c) == 1)
                content = (long)c;
        }
    }
    if (content >= 0)
        return proto_callback(m->logon, NULL, 0, S_OK, "write %lu %d %d %d %ld", m->src.id, nt,
                              eid, cls, content);
    return proto_callback(m->logon, NULL, 0, S_OK, "write %lu %d %d %d -", m->src.id, nt, eid,
                          cls);
}

static HRESULT STDMETHODCALLTYPE msg_SetProps(LPMESSAGE This, ULONG n, LPSPropValue vals,
                                              LPSPropProblemArray *problems)
{
    if (problems)
        *problems = NULL;
    return write_event(MSG(This), n, NULL, vals);
}

static HRESULT STDMETHODCALLTYPE msg_DeleteProps(LPMESSAGE This, LPSPropTagArray tags,
                                                 LPSPropProblemArray *problems)
{
    if (problems)
        *problems = NULL;
    return write_event(MSG(This), tags ? tags->cValues : 0, tags ? tags->aulPropTag : NULL,
                       NULL);
}

static HRESULT STDMETHODCALLTYPE msg_SaveChanges(LPMESSAGE This, ULONG flags)
{
    return proto_callback(MSG(This)->logon, NULL, 0, S_OK, "save %lu", MSG(This)->src.id);
}

static BOOL has_prop(const ADRENTRY *e, ULONG id)
{
    for (ULONG i = 0; i < e->cValues; i++)
        if (PROP_ID(e->rgPropVals[i].ulPropTag) == id &&
            PROP_TYPE(e->rgPropVals[i].ulPropTag) != PT_ERROR)
            return TRUE;
    return FALSE;
}

/* Outbound: PR_RESPONSIBILITY TRUE on a recipient (SUB-12, FLOW-10). Inbound: the recipients
 * of the new message, complete when each carries the addressing properties (SM-7). */
static HRESULT STDMETHODCALLTYPE msg_ModifyRecipients(LPMESSAGE This, ULONG flags, LPADRLIST l)
{
    Message *m = MSG(This);
    BOOL resp = FALSE, complete = TRUE;
    for (ULONG r = 0; l && r < l->cEntries; r++) {
        const ADRENTRY *e = &l->aEntries[r];
        for (ULONG i = 0; i < e->cValues; i++)
            if (e->rgPropVals[i].ulPropTag == PR_RESPONSIBILITY && e->rgPropVals[i].Value.b)
                resp = TRUE;
        complete &= has_prop(e, PROP_ID(PR_DISPLAY_NAME)) && has_prop(e, PROP_ID(PR_ADDRTYPE)) &&
                    has_prop(e, PROP_ID(PR_EMAIL_ADDRESS)) &&
                    has_prop(e, PROP_ID(PR_RECIPIENT_TYPE)) && has_prop(e, PROP_ID(PR_ENTRYID));
    }
    if (!m->src.inbound && resp)
        return proto_callback(m->logon, NULL, 0, S_OK, "resp %lu", m->src.id);
    return proto_callback(m->logon, NULL, 0, S_OK, "recipients %lu %d", m->src.id, complete);
}

static HRESULT STDMETHODCALLTYPE msg_GetRecipientTable(LPMESSAGE This, ULONG flags,
                                                       LPMAPITABLE *out);

#define MSG_UNSUPPORTED(name)                                                                 \
    static HRESULT STDMETHODCALLTYPE msg_##name(LPMESSAGE This)                               \
    {                                                                                         \
        return proto_unsupported(MSG(This)->logon, "IMessage", #name);                        \
    }
MSG_UNSUPPORTED(GetLastError)
MSG_UNSUPPORTED(CopyTo)
MSG_UNSUPPORTED(CopyProps)
MSG_UNSUPPORTED(GetNamesFromIDs)
MSG_UNSUPPORTED(GetIDsFromNames)
MSG_UNSUPPORTED(GetAttachmentTable)
MSG_UNSUPPORTED(OpenAttach)
MSG_UNSUPPORTED(CreateAttach)
MSG_UNSUPPORTED(DeleteAttach)
MSG_UNSUPPORTED(SubmitMessage)
MSG_UNSUPPORTED(SetReadFlag)

#define MSLOT(name) .name = (void *)msg_##name
static IMessageVtbl g_msg_vtbl = {
    MSLOT(QueryInterface),     MSLOT(AddRef),           MSLOT(Release),
    MSLOT(GetLastError),       MSLOT(SaveChanges),      MSLOT(GetProps),
    MSLOT(GetPropList),        MSLOT(OpenProperty),     MSLOT(SetProps),
    MSLOT(DeleteProps),        MSLOT(CopyTo),           MSLOT(CopyProps),
    MSLOT(GetNamesFromIDs),    MSLOT(GetIDsFromNames),  MSLOT(GetAttachmentTable),
    MSLOT(OpenAttach),         MSLOT(CreateAttach),     MSLOT(DeleteAttach),
    MSLOT(GetRecipientTable),  MSLOT(ModifyRecipients), MSLOT(SubmitMessage),
    MSLOT(SetReadFlag),
};

LPMESSAGE message_new(ULONG logon, ULONG id, BOOL inbound, BOOL nontransmittable, BOOL taken,
                      const char *addrtype)
{
    Message *m = (Message *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *m);
    m->lpVtbl = &g_msg_vtbl;
    m->refs = 1;
    m->logon = logon;
    m->src.id = id;
    m->src.inbound = inbound;
    m->src.nontransmittable = nontransmittable;
    m->src.taken = taken;
    lstrcpynA(m->src.addrtype, addrtype, sizeof m->src.addrtype);
    m->next = g_messages;
    g_messages = m;
    return (LPMESSAGE)m;
}

/* ---- the recipient table (IMAPITable) ---- */

static HRESULT STDMETHODCALLTYPE tbl_QueryInterface(LPMAPITABLE This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMAPITable)) {
        *ppv = This;
        InterlockedIncrement(&TBL(This)->refs);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE tbl_AddRef(LPMAPITABLE This)
{
    return (ULONG)InterlockedIncrement(&TBL(This)->refs);
}

static ULONG STDMETHODCALLTYPE tbl_Release(LPMAPITABLE This)
{
    LONG n = InterlockedDecrement(&TBL(This)->refs);
    if (n == 0)
        HeapFree(GetProcessHeap(), 0, This);
    return n < 0 ? 0 : (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE tbl_SetColumns(LPMAPITABLE This, LPSPropTagArray tags, ULONG f)
{
    Table *t = TBL(This);
    if (!tags || tags->cValues > 64)
        return MAPI_E_INVALID_PARAMETER;
    t->ncols = tags->cValues;
    memcpy(t->cols, tags->aulPropTag, t->ncols * sizeof(ULONG));
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE tbl_QueryColumns(LPMAPITABLE This, ULONG f, LPSPropTagArray *out)
{
    Table *t = TBL(This);
    LPSPropTagArray a = NULL;
    if (MAPIAllocateBuffer(CbNewSPropTagArray(t->ncols), (LPVOID *)&a))
        return MAPI_E_NOT_ENOUGH_MEMORY;
    a->cValues = t->ncols;
    memcpy(a->aulPropTag, t->cols, t->ncols * sizeof(ULONG));
    *out = a;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE tbl_GetRowCount(LPMAPITABLE This, ULONG f, ULONG *count)
{
    *count = RECIPIENTS;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE tbl_SeekRow(LPMAPITABLE This, BOOKMARK bk, LONG rows,
                                             LONG *sought)
{
    Table *t = TBL(This);
    LONG base = bk == BOOKMARK_BEGINNING ? 0 : bk == BOOKMARK_END ? RECIPIENTS : (LONG)t->pos;
    LONG to = base + rows;
    if (to < 0)
        to = 0;
    if (to > RECIPIENTS)
        to = RECIPIENTS;
    if (sought)
        *sought = to - base;
    t->pos = (ULONG)to;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE tbl_QueryRows(LPMAPITABLE This, LONG count, ULONG f,
                                               LPSRowSet *out)
{
    Table *t = TBL(This);
    read_event(t->m);
    ULONG n = 0;
    if (count > 0)
        n = (ULONG)count < RECIPIENTS - t->pos ? (ULONG)count : RECIPIENTS - t->pos;
    LPSRowSet rows = NULL;
    if (MAPIAllocateBuffer(CbNewSRowSet(n ? n : 1), (LPVOID *)&rows))
        return MAPI_E_NOT_ENOUGH_MEMORY;
    rows->cRows = n;
    for (ULONG r = 0; r < n; r++) {
        ULONG row = t->pos + r;
        LPSPropValue v = NULL;
        MAPIAllocateBuffer((ULONG)(sizeof(SPropValue) * (t->ncols ? t->ncols : 1)),
                           (LPVOID *)&v);
        for (ULONG c = 0; c < t->ncols; c++) {
            memset(&v[c], 0, sizeof v[c]);
            if (!prop_recipient(&t->m->src, row, t->cols[c], &v[c], v))
                prop_error(&v[c], t->cols[c]);
        }
        rows->aRow[r].ulAdrEntryPad = 0;
        rows->aRow[r].cValues = t->ncols;
        rows->aRow[r].lpProps = v;
    }
    t->pos += n;
    *out = rows;
    return S_OK;
}

#define TBL_UNSUPPORTED(name)                                                                 \
    static HRESULT STDMETHODCALLTYPE tbl_##name(LPMAPITABLE This)                             \
    {                                                                                         \
        return proto_unsupported(TBL(This)->m->logon, "IMAPITable", #name);                   \
    }
TBL_UNSUPPORTED(GetLastError)
TBL_UNSUPPORTED(Advise)
TBL_UNSUPPORTED(Unadvise)
TBL_UNSUPPORTED(GetStatus)
TBL_UNSUPPORTED(SeekRowApprox)
TBL_UNSUPPORTED(QueryPosition)
TBL_UNSUPPORTED(FindRow)
TBL_UNSUPPORTED(Restrict)
TBL_UNSUPPORTED(CreateBookmark)
TBL_UNSUPPORTED(FreeBookmark)
TBL_UNSUPPORTED(SortTable)
TBL_UNSUPPORTED(QuerySortOrder)
TBL_UNSUPPORTED(Abort)
TBL_UNSUPPORTED(ExpandRow)
TBL_UNSUPPORTED(CollapseRow)
TBL_UNSUPPORTED(WaitForCompletion)
TBL_UNSUPPORTED(GetCollapseState)
TBL_UNSUPPORTED(SetCollapseState)

#define TSLOT(name) .name = (void *)tbl_##name
static IMAPITableVtbl g_tbl_vtbl = {
    TSLOT(QueryInterface), TSLOT(AddRef),           TSLOT(Release),
    TSLOT(GetLastError),   TSLOT(Advise),           TSLOT(Unadvise),
    TSLOT(GetStatus),      TSLOT(SetColumns),       TSLOT(QueryColumns),
    TSLOT(GetRowCount),    TSLOT(SeekRow),          TSLOT(SeekRowApprox),
    TSLOT(QueryPosition),  TSLOT(FindRow),          TSLOT(Restrict),
    TSLOT(CreateBookmark), TSLOT(FreeBookmark),     TSLOT(SortTable),
    TSLOT(QuerySortOrder), TSLOT(QueryRows),        TSLOT(Abort),
    TSLOT(ExpandRow),      TSLOT(CollapseRow),      TSLOT(WaitForCompletion),
    TSLOT(GetCollapseState), TSLOT(SetCollapseState),
};

static HRESULT STDMETHODCALLTYPE msg_GetRecipientTable(LPMESSAGE This, ULONG flags,
                                                       LPMAPITABLE *out)
{
    Message *m = MSG(This);
    read_event(m);
    Table *t = (Table *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *t);
    t->lpVtbl = &g_tbl_vtbl;
    t->refs = 1;
    t->m = m;
    t->ncols = RECIPIENT_COLUMNS;
    memcpy(t->cols, g_recipient_tags, sizeof g_recipient_tags);
    *out = (LPMAPITABLE)t;
    return S_OK;
}
