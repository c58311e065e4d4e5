/* message.c: the IMessage wrapper xpproxy.dll hands the real provider in SubmitMessage and
 * StartMessage (README "Producing a trace", step 4). The whole IMAPIProp + IMessage vtable is
 * forwarded; reads, writes, ModifyRecipients, PR_RESPONSIBILITY, SaveChanges and the provider's
 * release of the spooler's reference are logged. QueryInterface for any IID but IUnknown,
 * IMAPIProp and IMessage goes to the wrapped object (IID_IXPCheckMessage, xpcheck_wire.h). */
#include "xpproxy.h"

#define MSG_MAGIC 0x4D505058u /* "XPPM" */

typedef struct MessageW {
    IMessage iface;
    ULONG magic;
    LONG ref; /* 1: the reference the spooler lends for the call, + the provider's AddRefs */
    IMessage *inner;
    ULONG msg;
    int logon;
    BOOL inbound;           /* StartMessage's (else SubmitMessage's) */
    volatile LONG released; /* message_release logged */
    struct MessageW *next;  /* every wrapper, freed at DLL unload */
} MessageW;

static MessageW *volatile g_all;

#define MW(This) ((MessageW *)(This))
#define INR(This) (MW(This)->inner)
#define VT(This) (INR(This)->lpVtbl)

static const IID XP_IID_IMAPIProp = {0x00020303, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const IID XP_IID_IMessage = {0x00020307, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

static IMessageVtbl g_message_vtbl;

ULONG xp_message_id_of(void *p, LPMESSAGE *inner)
{
    MessageW *w = p;
    if (inner)
        *inner = p;
    if (!w || w->iface.lpVtbl != &g_message_vtbl || w->magic != MSG_MAGIC)
        return 0;
    if (inner)
        *inner = w->inner;
    return w->msg;
}

/* Every message event is logged BEFORE the call is forwarded: the spooler may run a
 * TransportNotify re-entrantly inside the callback (as a window procedure would), and the
 * callback came first. So the `result` field (what the object answered, SUB-2) is never
 * written: it would need the answer. */
static void log_read(IMessage *This, const char *lane)
{
    xp_log(MW(This)->logon, lane, "\"event\":\"message_read\",\"msg\":%lu",
           (unsigned long)MW(This)->msg);
}

/* The wire message a PR_SUBJECT value names ("xpcheck wire message N", xpcheck_wire.h), or -1. */
static long wire_content(const SPropValue *v)
{
    char a[64];
    unsigned long c;
    if (PROP_ID(v->ulPropTag) != PROP_ID(PR_SUBJECT))
        return -1;
    if (PROP_TYPE(v->ulPropTag) == PT_STRING8 && v->Value.lpszA) {
        lstrcpynA(a, v->Value.lpszA, sizeof a);
    } else if (PROP_TYPE(v->ulPropTag) == PT_UNICODE && v->Value.lpszW) {
        int k = 0;
        for (; k < 63 && v->Value.lpszW[k]; k++)
            a[k] = (char)v->Value.lpszW[k];
        a[k] = 0;
    } else {
        return -1;
    }
    if (sscanf(a, "xpcheck wire message %lu", &c) == 1)
        return (long)c;
    return -1;
}

/* tags: the tags written, n of them, stride bytes apart (NULL: none known, CreateAttach);
 * vals: the values when SetProps (for the wire content). */
static void log_write(IMessage *This, const char *lane, const ULONG *tags, ULONG n, size_t stride,
                      const SPropValue *vals)
{
    char content[32] = "";
    BOOL nontx = FALSE, eid = FALSE, cls = FALSE;
    for (ULONG i = 0; tags && i < n; i++) {
        ULONG tag = *(const ULONG *)((const char *)tags + i * stride);
        if (vals && wire_content(&vals[i]) >= 0)
            snprintf(content, sizeof content, ",\"content\":%ld", wire_content(&vals[i]));
        if (PROP_TYPE(tag) == PT_ERROR)
            continue;
        if (!FIsTransmittable(tag))
            nontx = TRUE;
        if (PROP_ID(tag) == PROP_ID(PR_ENTRYID))
            eid = TRUE;
        if (PROP_ID(tag) == PROP_ID(PR_MESSAGE_CLASS))
            cls = TRUE;
    }
    xp_log(MW(This)->logon, lane, "\"event\":\"message_write\",\"msg\":%lu%s%s%s%s",
           (unsigned long)MW(This)->msg, content, nontx ? ",\"nontransmittable\":true" : "",
           eid ? ",\"entry_id\":true" : "",
           tags ? (cls ? ",\"message_class\":true" : ",\"message_class\":false") : "");
}

/* ---- IUnknown ---- */

static HRESULT STDMETHODCALLTYPE Me_QueryInterface(IMessage *This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &XP_IID_IMAPIProp) ||
        IsEqualIID(riid, &XP_IID_IMessage)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return VT(This)->QueryInterface(INR(This), riid, ppv);
}

static ULONG STDMETHODCALLTYPE Me_AddRef(IMessage *This)
{
    xp_callback_lane();
    InterlockedIncrement(&MW(This)->ref);
    return VT(This)->AddRef(INR(This));
}

static ULONG STDMETHODCALLTYPE Me_Release(IMessage *This)
{
    MessageW *w = MW(This);
    const char *lane = xp_callback_lane();
    LONG left = InterlockedDecrement(&w->ref);
    /* Dropping below the lent reference releases the spooler's own (SM-11); a balanced
     * AddRef/Release pair never gets there. */
    if (left == 0 && InterlockedCompareExchange(&w->released, 1, 0) == 0)
        xp_log(w->logon, lane, "\"event\":\"message_release\",\"msg\":%lu", (unsigned long)w->msg);
    return VT(This)->Release(INR(This));
}

/* ---- IMAPIProp ---- */

static HRESULT STDMETHODCALLTYPE Me_GetLastError(IMessage *This, HRESULT h, ULONG f, LPMAPIERROR *e)
{ xp_callback_lane(); return VT(This)->GetLastError(INR(This), h, f, e); }

static HRESULT STDMETHODCALLTYPE Me_SaveChanges(IMessage *This, ULONG f)
{
    const char *lane = xp_callback_lane();
    xp_log(MW(This)->logon, lane, "\"event\":\"save_changes\",\"msg\":%lu",
           (unsigned long)MW(This)->msg);
    return VT(This)->SaveChanges(INR(This), f);
}

static HRESULT STDMETHODCALLTYPE Me_GetProps(IMessage *This, LPSPropTagArray t, ULONG f, ULONG *c, LPSPropValue *v)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    HRESULT hr = VT(This)->GetProps(INR(This), t, f, c, v);
    if (SUCCEEDED(hr) && c && v && *v)
        for (ULONG i = 0; i < *c; i++)
            if ((*v)[i].ulPropTag == PR_ENTRYID)
                xp_msg_entry_seen(MW(This)->msg, &(*v)[i].Value.bin);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Me_GetPropList(IMessage *This, ULONG f, LPSPropTagArray *t)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->GetPropList(INR(This), f, t);
}

static HRESULT STDMETHODCALLTYPE Me_OpenProperty(IMessage *This, ULONG tag, LPCIID iid, ULONG o, ULONG f,
                                                LPUNKNOWN *u)
{
    const char *lane = xp_callback_lane();
    /* Opened for writing (a stream the provider fills): a write of that property. */
    if (f & (MAPI_CREATE | MAPI_MODIFY))
        log_write(This, lane, &tag, 1, sizeof tag, NULL);
    else
        log_read(This, lane);
    return VT(This)->OpenProperty(INR(This), tag, iid, o, f, u);
}

static HRESULT STDMETHODCALLTYPE Me_SetProps(IMessage *This, ULONG c, LPSPropValue v, LPSPropProblemArray *p)
{
    const char *lane = xp_callback_lane();
    log_write(This, lane, v ? &v[0].ulPropTag : NULL, v ? c : 0, sizeof(SPropValue), v);
    return VT(This)->SetProps(INR(This), c, v, p);
}

static HRESULT STDMETHODCALLTYPE Me_DeleteProps(IMessage *This, LPSPropTagArray t, LPSPropProblemArray *p)
{
    const char *lane = xp_callback_lane();
    log_write(This, lane, t ? t->aulPropTag : NULL, t ? t->cValues : 0, sizeof(ULONG), NULL);
    return VT(This)->DeleteProps(INR(This), t, p);
}

/* CopyTo / CopyProps copy FROM this message to lpDestObj: reads of this message. A copy INTO
 * the message arrives as SetProps calls on the wrapper (the destination). */
static HRESULT STDMETHODCALLTYPE Me_CopyTo(IMessage *This, ULONG ci, LPCIID ri, LPSPropTagArray ex, ULONG ui,
                                          LPMAPIPROGRESS pr, LPCIID iid, LPVOID d, ULONG f,
                                          LPSPropProblemArray *p)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->CopyTo(INR(This), ci, ri, ex, ui, pr, iid, d, f, p);
}

static HRESULT STDMETHODCALLTYPE Me_CopyProps(IMessage *This, LPSPropTagArray in, ULONG ui, LPMAPIPROGRESS pr,
                                             LPCIID iid, LPVOID d, ULONG f, LPSPropProblemArray *p)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->CopyProps(INR(This), in, ui, pr, iid, d, f, p);
}

static HRESULT STDMETHODCALLTYPE Me_GetNamesFromIDs(IMessage *This, LPSPropTagArray *t, LPGUID g, ULONG f,
                                                   ULONG *c, LPMAPINAMEID **n)
{ xp_callback_lane(); return VT(This)->GetNamesFromIDs(INR(This), t, g, f, c, n); }
static HRESULT STDMETHODCALLTYPE Me_GetIDsFromNames(IMessage *This, ULONG c, LPMAPINAMEID *n, ULONG f,
                                                   LPSPropTagArray *t)
{ xp_callback_lane(); return VT(This)->GetIDsFromNames(INR(This), c, n, f, t); }

/* ---- IMessage ---- */

static HRESULT STDMETHODCALLTYPE Me_GetAttachmentTable(IMessage *This, ULONG f, LPMAPITABLE *t)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->GetAttachmentTable(INR(This), f, t);
}

static HRESULT STDMETHODCALLTYPE Me_OpenAttach(IMessage *This, ULONG n, LPCIID i, ULONG f, LPATTACH *a)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->OpenAttach(INR(This), n, i, f, a);
}

static HRESULT STDMETHODCALLTYPE Me_CreateAttach(IMessage *This, LPCIID i, ULONG f, ULONG *n, LPATTACH *a)
{
    const char *lane = xp_callback_lane();
    log_write(This, lane, NULL, 0, 0, NULL);
    return VT(This)->CreateAttach(INR(This), i, f, n, a);
}

static HRESULT STDMETHODCALLTYPE Me_DeleteAttach(IMessage *This, ULONG n, ULONG ui, LPMAPIPROGRESS p, ULONG f)
{
    const char *lane = xp_callback_lane();
    log_write(This, lane, NULL, 0, 0, NULL);
    return VT(This)->DeleteAttach(INR(This), n, ui, p, f);
}

static HRESULT STDMETHODCALLTYPE Me_GetRecipientTable(IMessage *This, ULONG f, LPMAPITABLE *t)
{
    const char *lane = xp_callback_lane();
    log_read(This, lane);
    return VT(This)->GetRecipientTable(INR(This), f, t);
}

/* The addressing properties every recipient row written carries (SM-7; ModifyRecipients'
 * required set: PR_DISPLAY_NAME, PR_ADDRTYPE, PR_EMAIL_ADDRESS, PR_RECIPIENT_TYPE, PR_ENTRYID). */
static BOOL row_complete(const ADRENTRY *e)
{
    static const ULONG need[] = {PROP_ID(PR_DISPLAY_NAME), PROP_ID(PR_ADDRTYPE),
                                 PROP_ID(PR_EMAIL_ADDRESS), PROP_ID(PR_RECIPIENT_TYPE),
                                 PROP_ID(PR_ENTRYID)};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
        BOOL found = FALSE;
        for (ULONG i = 0; e->rgPropVals && i < e->cValues; i++)
            if (PROP_ID(e->rgPropVals[i].ulPropTag) == need[k] &&
                PROP_TYPE(e->rgPropVals[i].ulPropTag) != PT_ERROR) {
                found = TRUE;
                break;
            }
        if (!found)
            return FALSE;
    }
    return TRUE;
}

static BOOL row_responsible(const ADRENTRY *e)
{
    for (ULONG i = 0; e->rgPropVals && i < e->cValues; i++)
        if (e->rgPropVals[i].ulPropTag == PR_RESPONSIBILITY && e->rgPropVals[i].Value.b)
            return TRUE;
    return FALSE;
}

static HRESULT STDMETHODCALLTYPE Me_ModifyRecipients(IMessage *This, ULONG f, LPADRLIST mods)
{
    const char *lane = xp_callback_lane();
    BOOL complete = TRUE, responsible = FALSE;
    /* Evaluated and logged before forwarding (the callee may rewrite the list). MODRECIP_REMOVE rows name
     * recipients by PR_ROWID only and write no addressing. */
    for (ULONG i = 0; mods && i < mods->cEntries; i++) {
        const ADRENTRY *e = &mods->aEntries[i];
        if (!(f & MODRECIP_REMOVE) && !row_complete(e))
            complete = FALSE;
        if (row_responsible(e))
            responsible = TRUE;
    }
    /* Outbound, PR_RESPONSIBILITY TRUE: the provider takes recipients (SUB-12, FLOW-10); any
     * other ModifyRecipients writes recipients (SM-7 judges those of inbound messages). */
    if (responsible && !MW(This)->inbound)
        xp_log(MW(This)->logon, lane, "\"event\":\"set_responsibility\",\"msg\":%lu",
               (unsigned long)MW(This)->msg);
    else
        xp_log(MW(This)->logon, lane, "\"event\":\"message_recipients\",\"msg\":%lu,\"complete\":%s",
               (unsigned long)MW(This)->msg, complete ? "true" : "false");
    return VT(This)->ModifyRecipients(INR(This), f, mods);
}

static HRESULT STDMETHODCALLTYPE Me_SubmitMessage(IMessage *This, ULONG f)
{ xp_callback_lane(); return VT(This)->SubmitMessage(INR(This), f); }
static HRESULT STDMETHODCALLTYPE Me_SetReadFlag(IMessage *This, ULONG f)
{ xp_callback_lane(); return VT(This)->SetReadFlag(INR(This), f); }

static IMessageVtbl g_message_vtbl = {
    Me_QueryInterface, Me_AddRef, Me_Release,
    Me_GetLastError, Me_SaveChanges, Me_GetProps, Me_GetPropList, Me_OpenProperty, Me_SetProps,
    Me_DeleteProps, Me_CopyTo, Me_CopyProps, Me_GetNamesFromIDs, Me_GetIDsFromNames,
    Me_GetAttachmentTable, Me_OpenAttach, Me_CreateAttach, Me_DeleteAttach, Me_GetRecipientTable,
    Me_ModifyRecipients, Me_SubmitMessage, Me_SetReadFlag,
};

LPMESSAGE xp_wrap_message(LPMESSAGE inner, int logon, BOOL inbound)
{
    LPMESSAGE in = inner;
    xp_message_id_of(inner, &in); /* never wrap a wrapper */
    MessageW *w = calloc(1, sizeof *w);
    if (!w)
        return inner;
    w->iface.lpVtbl = &g_message_vtbl;
    w->magic = MSG_MAGIC;
    w->ref = 1;
    w->inner = in;
    w->msg = xp_msg_id(in);
    w->logon = logon;
    w->inbound = inbound;
    MessageW *head;
    do {
        head = g_all;
        w->next = head;
    } while (InterlockedCompareExchangePointer((PVOID volatile *)&g_all, w, head) != head);
    return &w->iface;
}
