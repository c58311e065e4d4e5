/* support.c: the IMAPISupport wrapper xpproxy.dll hands the real provider in TransportLogon
 * (README "Producing a trace", step 3). Every method is forwarded; SpoolerNotify, SpoolerYield,
 * ModifyStatusRow, StatusRecips, MakeInvalid and the provider's release of the support object
 * are logged. Message pointers the provider passes back (StatusRecips, DoSentMail, ...) are
 * unwrapped so the spooler sees its own objects. */
#include "xpproxy.h"

typedef struct SupportW {
    IMAPISupport iface;
    LONG ref;           /* references on the wrapper: 1 lent by the spooler + the provider's */
    IMAPISupport *inner;
    int logon;
    volatile LONG logon_returned; /* TransportLogon returned: count the provider's own refs */
    volatile LONG released;       /* support_release logged */
    ULONG last_status;            /* last PR_STATUS_CODE written */
} SupportW;

#define SW(This) ((SupportW *)(This))
#define INR(This) (SW(This)->inner)
#define VT(This) (INR(This)->lpVtbl)

static const IID XP_IID_IMAPISup = {0x0002030F, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

static LPMESSAGE unwrap(LPMESSAGE m)
{
    LPMESSAGE inner = m;
    if (m)
        xp_message_id_of(m, &inner);
    return inner;
}

static HRESULT STDMETHODCALLTYPE Su_QueryInterface(IMAPISupport *This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &XP_IID_IMAPISup)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return VT(This)->QueryInterface(INR(This), riid, ppv);
}

static ULONG STDMETHODCALLTYPE Su_AddRef(IMAPISupport *This)
{
    InterlockedIncrement(&SW(This)->ref);
    return VT(This)->AddRef(INR(This));
}

static ULONG STDMETHODCALLTYPE Su_Release(IMAPISupport *This)
{
    SupportW *w = SW(This);
    LONG left = InterlockedDecrement(&w->ref);
    /* The provider let go of the support object: it released the reference the spooler lent
     * (left 0), or, after TransportLogon returned, the last one it took itself (left 1). A
     * temporary AddRef/Release pair inside TransportLogon is no release. */
    if ((left == 0 || (left == 1 && w->logon_returned)) &&
        InterlockedCompareExchange(&w->released, 1, 0) == 0) {
        const char *lane = xp_callback_lane();
        xp_log(w->logon, lane, "\"event\":\"support_release\"");
    }
    return w->inner->lpVtbl->Release(w->inner);
}

void xp_support_logon_returned(LPMAPISUP p)
{
    SupportW *w = SW(p);
    InterlockedExchange(&w->logon_returned, 1);
}

/* ---- logged methods ---- */

static HRESULT STDMETHODCALLTYPE Su_ModifyStatusRow(IMAPISupport *This, ULONG cValues, LPSPropValue lpColumnVals,
                                                   ULONG ulFlags)
{
    SupportW *w = SW(This);
    const char *lane = xp_callback_lane();
    ULONG cols = 0, status = w->last_status, methods = 0;
    BOOL have_methods = FALSE, have_rvo = FALSE, rvo = FALSE;
    for (ULONG i = 0; lpColumnVals && i < cValues; i++) {
        ULONG tag = lpColumnVals[i].ulPropTag;
        if (PROP_TYPE(tag) == PT_ERROR)
            continue;
        switch (PROP_ID(tag)) {
        case PROP_ID(PR_DISPLAY_NAME):
            cols |= 0x01;
            break;
        case PROP_ID(PR_STATUS_CODE):
            cols |= 0x02;
            status = (ULONG)lpColumnVals[i].Value.l;
            break;
        case PROP_ID(PR_RESOURCE_METHODS):
            cols |= 0x04;
            methods = (ULONG)lpColumnVals[i].Value.l;
            have_methods = TRUE;
            break;
        case PROP_ID(PR_STATUS_STRING):
            cols |= 0x08;
            break;
        case PROP_ID(PR_REMOTE_VALIDATE_OK):
            cols |= 0x10;
            rvo = lpColumnVals[i].Value.b != 0;
            have_rvo = TRUE;
            break;
        case PROP_ID(PR_IDENTITY_DISPLAY):
        case PROP_ID(PR_IDENTITY_ENTRYID):
        case PROP_ID(PR_IDENTITY_SEARCH_KEY):
            cols |= 0x20;
            break;
        default:
            break;
        }
    }
    w->last_status = status;
    /* Logged before forwarding (a re-entrant TransportNotify inside the callback comes after
     * it), so the `result` field is never written. */
    char extra[160];
    int n = snprintf(extra, sizeof extra, ",\"columns\":\"%s\"", xp_hex(cols));
    if (have_methods)
        n += snprintf(extra + n, sizeof extra - n, ",\"resource_methods\":\"%s\"", xp_hex(methods));
    if (have_rvo)
        snprintf(extra + n, sizeof extra - n, ",\"remote_validate_ok\":%s", rvo ? "true" : "false");
    xp_log(w->logon, lane, "\"event\":\"modify_status_row\",\"flags\":\"%s\",\"status\":\"%s\"%s",
           xp_hex(ulFlags), xp_hex(status), extra);
    return VT(This)->ModifyStatusRow(INR(This), cValues, lpColumnVals, ulFlags);
}

static HRESULT STDMETHODCALLTYPE Su_MakeInvalid(IMAPISupport *This, ULONG ulFlags, LPVOID lpObject,
                                               ULONG ulRefCount, ULONG cMethods)
{
    const char *lane = xp_callback_lane();
    xp_log(SW(This)->logon, lane, "\"event\":\"make_invalid\"");
    return VT(This)->MakeInvalid(INR(This), ulFlags, lpObject, ulRefCount, cMethods);
}

static HRESULT STDMETHODCALLTYPE Su_SpoolerYield(IMAPISupport *This, ULONG ulFlags)
{
    const char *lane = xp_callback_lane();
    HRESULT hr = VT(This)->SpoolerYield(INR(This), ulFlags);
    xp_log(SW(This)->logon, lane, "\"event\":\"spooler_yield\",\"flags\":\"%s\",\"result\":\"%s\"",
           xp_hex(ulFlags), xp_hex((ULONG)hr));
    return hr;
}

static HRESULT STDMETHODCALLTYPE Su_SpoolerNotify(IMAPISupport *This, ULONG ulFlags, LPVOID lpvData)
{
    const char *lane = xp_callback_lane();
    /* Logged before forwarding, without `result`. entry_id (NOTIFY_SENTDEFERRED): the message
     * whose PR_ENTRYID the provider read earlier, when it did. */
    ULONG id = (ulFlags & NOTIFY_SENTDEFERRED) && lpvData ? xp_msg_by_entry((const SBinary *)lpvData) : 0;
    if (id)
        xp_log(SW(This)->logon, lane, "\"event\":\"spooler_notify\",\"flags\":\"%s\",\"entry_id\":%lu",
               xp_hex(ulFlags), (unsigned long)id);
    else
        xp_log(SW(This)->logon, lane, "\"event\":\"spooler_notify\",\"flags\":\"%s\"", xp_hex(ulFlags));
    return VT(This)->SpoolerNotify(INR(This), ulFlags, lpvData);
}

static HRESULT STDMETHODCALLTYPE Su_StatusRecips(IMAPISupport *This, LPMESSAGE lpMessage, LPADRLIST lpRecipList)
{
    const char *lane = xp_callback_lane();
    LPMESSAGE inner = lpMessage;
    ULONG msg = lpMessage ? xp_message_id_of(lpMessage, &inner) : 0;
    if (lpMessage && !msg)
        msg = xp_msg_id(lpMessage); /* not one of ours: id by the pointer the spooler knows */
    xp_log(SW(This)->logon, lane, "\"event\":\"status_recips\",\"msg\":%lu", (unsigned long)msg);
    return VT(This)->StatusRecips(INR(This), inner, lpRecipList);
}

/* ---- forwarded methods ---- */

static HRESULT STDMETHODCALLTYPE Su_GetLastError(IMAPISupport *This, HRESULT h, ULONG f, LPMAPIERROR *e)
{ xp_callback_lane(); return VT(This)->GetLastError(INR(This), h, f, e); }
static HRESULT STDMETHODCALLTYPE Su_GetMemAllocRoutines(IMAPISupport *This, LPALLOCATEBUFFER *a, LPALLOCATEMORE *m,
                                                       LPFREEBUFFER *f)
{ xp_callback_lane(); return VT(This)->GetMemAllocRoutines(INR(This), a, m, f); }
static HRESULT STDMETHODCALLTYPE Su_Subscribe(IMAPISupport *This, LPNOTIFKEY k, ULONG m, ULONG f, LPMAPIADVISESINK s,
                                             ULONG *c)
{ xp_callback_lane(); return VT(This)->Subscribe(INR(This), k, m, f, s, c); }
static HRESULT STDMETHODCALLTYPE Su_Unsubscribe(IMAPISupport *This, ULONG c)
{ xp_callback_lane(); return VT(This)->Unsubscribe(INR(This), c); }
static HRESULT STDMETHODCALLTYPE Su_Notify(IMAPISupport *This, LPNOTIFKEY k, ULONG c, LPNOTIFICATION n, ULONG *f)
{ xp_callback_lane(); return VT(This)->Notify(INR(This), k, c, n, f); }
static HRESULT STDMETHODCALLTYPE Su_OpenProfileSection(IMAPISupport *This, LPMAPIUID u, ULONG f, LPPROFSECT *p)
{ xp_callback_lane(); return VT(This)->OpenProfileSection(INR(This), u, f, p); }
static HRESULT STDMETHODCALLTYPE Su_RegisterPreprocessor(IMAPISupport *This, LPMAPIUID u, LPTSTR a, LPTSTR d,
                                                        LPSTR p, LPSTR r, ULONG f)
{ xp_callback_lane(); return VT(This)->RegisterPreprocessor(INR(This), u, a, d, p, r, f); }
static HRESULT STDMETHODCALLTYPE Su_NewUID(IMAPISupport *This, LPMAPIUID u)
{ xp_callback_lane(); return VT(This)->NewUID(INR(This), u); }
static HRESULT STDMETHODCALLTYPE Su_CreateOneOff(IMAPISupport *This, LPTSTR n, LPTSTR a, LPTSTR ad, ULONG f,
                                                ULONG *cb, LPENTRYID *e)
{ xp_callback_lane(); return VT(This)->CreateOneOff(INR(This), n, a, ad, f, cb, e); }
static HRESULT STDMETHODCALLTYPE Su_SetProviderUID(IMAPISupport *This, LPMAPIUID u, ULONG f)
{ xp_callback_lane(); return VT(This)->SetProviderUID(INR(This), u, f); }
static HRESULT STDMETHODCALLTYPE Su_CompareEntryIDs(IMAPISupport *This, ULONG c1, LPENTRYID e1, ULONG c2,
                                                   LPENTRYID e2, ULONG f, ULONG *r)
{ xp_callback_lane(); return VT(This)->CompareEntryIDs(INR(This), c1, e1, c2, e2, f, r); }
static HRESULT STDMETHODCALLTYPE Su_OpenTemplateID(IMAPISupport *This, ULONG cb, LPENTRYID t, ULONG tf,
                                                  LPMAPIPROP d, LPCIID i, LPMAPIPROP *n, LPMAPIPROP s)
{ xp_callback_lane(); return VT(This)->OpenTemplateID(INR(This), cb, t, tf, d, i, n, s); }
static HRESULT STDMETHODCALLTYPE Su_OpenEntry(IMAPISupport *This, ULONG cb, LPENTRYID e, LPCIID i, ULONG f,
                                             ULONG *t, LPUNKNOWN *u)
{ xp_callback_lane(); return VT(This)->OpenEntry(INR(This), cb, e, i, f, t, u); }
static HRESULT STDMETHODCALLTYPE Su_GetOneOffTable(IMAPISupport *This, ULONG f, LPMAPITABLE *t)
{ xp_callback_lane(); return VT(This)->GetOneOffTable(INR(This), f, t); }
static HRESULT STDMETHODCALLTYPE Su_Address(IMAPISupport *This, ULONG *ui, LPADRPARM p, LPADRLIST *l)
{ xp_callback_lane(); return VT(This)->Address(INR(This), ui, p, l); }
static HRESULT STDMETHODCALLTYPE Su_Details(IMAPISupport *This, ULONG *ui, LPFNDISMISS d, LPVOID dc, ULONG cb,
                                           LPENTRYID e, LPFNBUTTON b, LPVOID bc, LPTSTR bt, ULONG f)
{ xp_callback_lane(); return VT(This)->Details(INR(This), ui, d, dc, cb, e, b, bc, bt, f); }
static HRESULT STDMETHODCALLTYPE Su_NewEntry(IMAPISupport *This, ULONG ui, ULONG f, ULONG cbc, LPENTRYID c,
                                            ULONG cbt, LPENTRYID t, ULONG *cbn, LPENTRYID *n)
{ xp_callback_lane(); return VT(This)->NewEntry(INR(This), ui, f, cbc, c, cbt, t, cbn, n); }
static HRESULT STDMETHODCALLTYPE Su_DoConfigPropsheet(IMAPISupport *This, ULONG ui, ULONG f, LPTSTR t,
                                                     LPMAPITABLE d, LPMAPIPROP c, ULONG p)
{ xp_callback_lane(); return VT(This)->DoConfigPropsheet(INR(This), ui, f, t, d, c, p); }
static HRESULT STDMETHODCALLTYPE Su_CopyMessages(IMAPISupport *This, LPCIID si, LPVOID sf, LPENTRYLIST l,
                                                LPCIID di, LPVOID df, ULONG ui, LPMAPIPROGRESS p, ULONG f)
{ xp_callback_lane(); return VT(This)->CopyMessages(INR(This), si, sf, l, di, df, ui, p, f); }
static HRESULT STDMETHODCALLTYPE Su_CopyFolder(IMAPISupport *This, LPCIID si, LPVOID sf, ULONG cb, LPENTRYID e,
                                              LPCIID di, LPVOID df, LPTSTR n, ULONG ui, LPMAPIPROGRESS p,
                                              ULONG f)
{ xp_callback_lane(); return VT(This)->CopyFolder(INR(This), si, sf, cb, e, di, df, n, ui, p, f); }
static HRESULT STDMETHODCALLTYPE Su_DoCopyTo(IMAPISupport *This, LPCIID si, LPVOID so, ULONG ci, LPCIID ri,
                                            LPSPropTagArray ex, ULONG ui, LPMAPIPROGRESS p, LPCIID di,
                                            LPVOID d, ULONG f, LPSPropProblemArray *pr)
{ xp_callback_lane(); return VT(This)->DoCopyTo(INR(This), si, so, ci, ri, ex, ui, p, di, d, f, pr); }
static HRESULT STDMETHODCALLTYPE Su_DoCopyProps(IMAPISupport *This, LPCIID si, LPVOID so, LPSPropTagArray in,
                                               ULONG ui, LPMAPIPROGRESS p, LPCIID di, LPVOID d, ULONG f,
                                               LPSPropProblemArray *pr)
{ xp_callback_lane(); return VT(This)->DoCopyProps(INR(This), si, so, in, ui, p, di, d, f, pr); }
static HRESULT STDMETHODCALLTYPE Su_DoProgressDialog(IMAPISupport *This, ULONG ui, ULONG f, LPMAPIPROGRESS *p)
{ xp_callback_lane(); return VT(This)->DoProgressDialog(INR(This), ui, f, p); }
static HRESULT STDMETHODCALLTYPE Su_ReadReceipt(IMAPISupport *This, ULONG f, LPMESSAGE m, LPMESSAGE *e)
{ xp_callback_lane(); return VT(This)->ReadReceipt(INR(This), f, unwrap(m), e); }
static HRESULT STDMETHODCALLTYPE Su_PrepareSubmit(IMAPISupport *This, LPMESSAGE m, ULONG *f)
{ xp_callback_lane(); return VT(This)->PrepareSubmit(INR(This), unwrap(m), f); }
static HRESULT STDMETHODCALLTYPE Su_ExpandRecips(IMAPISupport *This, LPMESSAGE m, ULONG *f)
{ xp_callback_lane(); return VT(This)->ExpandRecips(INR(This), unwrap(m), f); }
static HRESULT STDMETHODCALLTYPE Su_UpdatePAB(IMAPISupport *This, ULONG f, LPMESSAGE m)
{ xp_callback_lane(); return VT(This)->UpdatePAB(INR(This), f, unwrap(m)); }
static HRESULT STDMETHODCALLTYPE Su_DoSentMail(IMAPISupport *This, ULONG f, LPMESSAGE m)
{ xp_callback_lane(); return VT(This)->DoSentMail(INR(This), f, unwrap(m)); }
static HRESULT STDMETHODCALLTYPE Su_OpenAddressBook(IMAPISupport *This, LPCIID i, ULONG f, LPADRBOOK *a)
{ xp_callback_lane(); return VT(This)->OpenAddressBook(INR(This), i, f, a); }
static HRESULT STDMETHODCALLTYPE Su_Preprocess(IMAPISupport *This, ULONG f, ULONG cb, LPENTRYID e)
{ xp_callback_lane(); return VT(This)->Preprocess(INR(This), f, cb, e); }
static HRESULT STDMETHODCALLTYPE Su_CompleteMsg(IMAPISupport *This, ULONG f, ULONG cb, LPENTRYID e)
{ xp_callback_lane(); return VT(This)->CompleteMsg(INR(This), f, cb, e); }
static HRESULT STDMETHODCALLTYPE Su_StoreLogoffTransports(IMAPISupport *This, ULONG *f)
{ xp_callback_lane(); return VT(This)->StoreLogoffTransports(INR(This), f); }
static HRESULT STDMETHODCALLTYPE Su_WrapStoreEntryID(IMAPISupport *This, ULONG cb, LPENTRYID e, ULONG *cbw,
                                                    LPENTRYID *w)
{ xp_callback_lane(); return VT(This)->WrapStoreEntryID(INR(This), cb, e, cbw, w); }
static HRESULT STDMETHODCALLTYPE Su_ModifyProfile(IMAPISupport *This, ULONG f)
{ xp_callback_lane(); return VT(This)->ModifyProfile(INR(This), f); }
static HRESULT STDMETHODCALLTYPE Su_IStorageFromStream(IMAPISupport *This, LPUNKNOWN u, LPCIID i, ULONG f,
                                                      LPSTORAGE *s)
{ xp_callback_lane(); return VT(This)->IStorageFromStream(INR(This), u, i, f, s); }
static HRESULT STDMETHODCALLTYPE Su_GetSvcConfigSupportObj(IMAPISupport *This, ULONG f, LPMAPISUP *s)
{ xp_callback_lane(); return VT(This)->GetSvcConfigSupportObj(INR(This), f, s); }

static IMAPISupportVtbl g_support_vtbl = {
    Su_QueryInterface, Su_AddRef, Su_Release,
    /* METHODS1 */
    Su_GetLastError, Su_GetMemAllocRoutines, Su_Subscribe, Su_Unsubscribe, Su_Notify,
    Su_ModifyStatusRow, Su_OpenProfileSection, Su_RegisterPreprocessor, Su_NewUID, Su_MakeInvalid,
    /* METHODS2 */
    Su_SpoolerYield, Su_SpoolerNotify, Su_CreateOneOff, Su_SetProviderUID, Su_CompareEntryIDs,
    Su_OpenTemplateID, Su_OpenEntry, Su_GetOneOffTable, Su_Address, Su_Details, Su_NewEntry,
    Su_DoConfigPropsheet, Su_CopyMessages, Su_CopyFolder,
    /* METHODS3 */
    Su_DoCopyTo, Su_DoCopyProps, Su_DoProgressDialog, Su_ReadReceipt, Su_PrepareSubmit,
    Su_ExpandRecips, Su_UpdatePAB, Su_DoSentMail, Su_OpenAddressBook, Su_Preprocess,
    Su_CompleteMsg, Su_StoreLogoffTransports, Su_StatusRecips, Su_WrapStoreEntryID,
    Su_ModifyProfile, Su_IStorageFromStream, Su_GetSvcConfigSupportObj,
};

LPMAPISUP xp_wrap_support(LPMAPISUP inner, int logon)
{
    SupportW *w = calloc(1, sizeof *w);
    if (!w)
        return inner;
    w->iface.lpVtbl = &g_support_vtbl;
    w->ref = 1;
    w->inner = inner;
    w->logon = logon;
    return &w->iface;
}
