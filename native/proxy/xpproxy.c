/* xpproxy.c: xpproxy.dll, a recording proxy for real MAPI transport providers (README
 * "Producing a trace from a C/C++ provider"). XPProviderInit loads the DLL named by
 * XPPROXY_PROVIDER, calls its XPProviderInit and wraps what it returns; every spooler call into
 * IXPProvider / IXPLogon / the status object is logged with its inputs, forwarded, and its return
 * logged with every output, as JSON Lines in XPPROXY_TRACE (default xpproxy-trace.jsonl). The
 * support and message objects handed to the provider are wrapped too (support.c, message.c). */
#include "xpproxy.h"
#include "xpcheck_wire.h"

/* MAPI IIDs (mapiguid.h declares them without a library that defines them). */
#define XP_MAPI_IID(name, l) static const IID name = {l, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
XP_MAPI_IID(XP_IID_IMAPIProp, 0x00020303);
XP_MAPI_IID(XP_IID_IMAPIStatus, 0x00020305);
XP_MAPI_IID(XP_IID_IXPProvider, 0x00020312);
XP_MAPI_IID(XP_IID_IXPLogon, 0x00020313);

static HMODULE g_real;
static XPPROVIDERINIT *g_real_init;
static LPXPCHECKATTACHWIRE g_real_attach;

BOOL WINAPI DllMain(HINSTANCE hinst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_DETACH) {
        xp_trace_close();
        /* Unloaded by FreeLibrary (not at process exit): unload the real provider with us, as
         * a spooler that unloads the provider would. At exit the loader does it. */
        if (!reserved && g_real) {
            FreeLibrary(g_real);
            g_real = NULL;
        }
    }
    return TRUE;
}

/* Logs the return of the innermost open call (after the msg-ref check) and leaves it. extra:
 * the output fields, already formatted (starting with ',' or empty). */
static void log_return(int logon, const char *lane, const char *method, HRESULT hr,
                       const char *extra)
{
    xp_call_check_cell();
    xp_log(logon, lane, "\"event\":\"return\",\"method\":\"%s\",\"hr\":\"%s\"%s", method,
           xp_hex((ULONG)hr), extra);
    xp_call_leave();
}

/* ======================= IMAPIStatus (the provider's status object) ======================= */

typedef struct StatusW {
    IMAPIStatus iface;
    LONG ref;
    IMAPIStatus *inner;
    int logon;
} StatusW;

#define ST(This) ((StatusW *)(This))
#define ST_IN(This) (ST(This)->inner)

static HRESULT STDMETHODCALLTYPE St_QueryInterface(IMAPIStatus *This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &XP_IID_IMAPIProp) ||
        IsEqualIID(riid, &XP_IID_IMAPIStatus)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return ST_IN(This)->lpVtbl->QueryInterface(ST_IN(This), riid, ppv);
}
static ULONG STDMETHODCALLTYPE St_AddRef(IMAPIStatus *This)
{
    InterlockedIncrement(&ST(This)->ref);
    return ST_IN(This)->lpVtbl->AddRef(ST_IN(This));
}
static ULONG STDMETHODCALLTYPE St_Release(IMAPIStatus *This)
{
    InterlockedDecrement(&ST(This)->ref);
    /* The wrapper itself is kept (a client may misuse a released pointer). */
    return ST_IN(This)->lpVtbl->Release(ST_IN(This));
}
static HRESULT STDMETHODCALLTYPE St_GetLastError(IMAPIStatus *This, HRESULT h, ULONG f, LPMAPIERROR *e)
{ return ST_IN(This)->lpVtbl->GetLastError(ST_IN(This), h, f, e); }
static HRESULT STDMETHODCALLTYPE St_SaveChanges(IMAPIStatus *This, ULONG f)
{ return ST_IN(This)->lpVtbl->SaveChanges(ST_IN(This), f); }
static HRESULT STDMETHODCALLTYPE St_GetProps(IMAPIStatus *This, LPSPropTagArray t, ULONG f, ULONG *c, LPSPropValue *v)
{ return ST_IN(This)->lpVtbl->GetProps(ST_IN(This), t, f, c, v); }
static HRESULT STDMETHODCALLTYPE St_GetPropList(IMAPIStatus *This, ULONG f, LPSPropTagArray *t)
{ return ST_IN(This)->lpVtbl->GetPropList(ST_IN(This), f, t); }
static HRESULT STDMETHODCALLTYPE St_OpenProperty(IMAPIStatus *This, ULONG tag, LPCIID iid, ULONG o, ULONG f, LPUNKNOWN *u)
{ return ST_IN(This)->lpVtbl->OpenProperty(ST_IN(This), tag, iid, o, f, u); }
static HRESULT STDMETHODCALLTYPE St_SetProps(IMAPIStatus *This, ULONG c, LPSPropValue v, LPSPropProblemArray *p)
{ return ST_IN(This)->lpVtbl->SetProps(ST_IN(This), c, v, p); }
static HRESULT STDMETHODCALLTYPE St_DeleteProps(IMAPIStatus *This, LPSPropTagArray t, LPSPropProblemArray *p)
{ return ST_IN(This)->lpVtbl->DeleteProps(ST_IN(This), t, p); }
static HRESULT STDMETHODCALLTYPE St_CopyTo(IMAPIStatus *This, ULONG ci, LPCIID ri, LPSPropTagArray ex, ULONG ui,
                                          LPMAPIPROGRESS pr, LPCIID iid, LPVOID d, ULONG f, LPSPropProblemArray *p)
{ return ST_IN(This)->lpVtbl->CopyTo(ST_IN(This), ci, ri, ex, ui, pr, iid, d, f, p); }
static HRESULT STDMETHODCALLTYPE St_CopyProps(IMAPIStatus *This, LPSPropTagArray in, ULONG ui, LPMAPIPROGRESS pr,
                                             LPCIID iid, LPVOID d, ULONG f, LPSPropProblemArray *p)
{ return ST_IN(This)->lpVtbl->CopyProps(ST_IN(This), in, ui, pr, iid, d, f, p); }
static HRESULT STDMETHODCALLTYPE St_GetNamesFromIDs(IMAPIStatus *This, LPSPropTagArray *t, LPGUID g, ULONG f,
                                                   ULONG *c, LPMAPINAMEID **n)
{ return ST_IN(This)->lpVtbl->GetNamesFromIDs(ST_IN(This), t, g, f, c, n); }
static HRESULT STDMETHODCALLTYPE St_GetIDsFromNames(IMAPIStatus *This, ULONG c, LPMAPINAMEID *n, ULONG f,
                                                   LPSPropTagArray *t)
{ return ST_IN(This)->lpVtbl->GetIDsFromNames(ST_IN(This), c, n, f, t); }

static HRESULT STDMETHODCALLTYPE St_ValidateState(IMAPIStatus *This, ULONG ui, ULONG f)
{
    int l = ST(This)->logon;
    xp_log(l, LANE_CLIENT, "\"event\":\"status_validate_state\",\"flags\":\"%s\"", xp_hex(f));
    xp_call_enter("StatusValidateState", l, LANE_CLIENT, NULL);
    HRESULT hr = ST_IN(This)->lpVtbl->ValidateState(ST_IN(This), ui, f);
    log_return(l, LANE_CLIENT, "StatusValidateState", hr, "");
    return hr;
}
static HRESULT STDMETHODCALLTYPE St_SettingsDialog(IMAPIStatus *This, ULONG ui, ULONG f)
{
    int l = ST(This)->logon;
    xp_log(l, LANE_CLIENT, "\"event\":\"status_settings_dialog\"");
    xp_call_enter("StatusSettingsDialog", l, LANE_CLIENT, NULL);
    HRESULT hr = ST_IN(This)->lpVtbl->SettingsDialog(ST_IN(This), ui, f);
    log_return(l, LANE_CLIENT, "StatusSettingsDialog", hr, "");
    return hr;
}
static HRESULT STDMETHODCALLTYPE St_ChangePassword(IMAPIStatus *This, LPTSTR o, LPTSTR n, ULONG f)
{ return ST_IN(This)->lpVtbl->ChangePassword(ST_IN(This), o, n, f); }
static HRESULT STDMETHODCALLTYPE St_FlushQueues(IMAPIStatus *This, ULONG ui, ULONG cb, LPENTRYID t, ULONG f)
{
    int l = ST(This)->logon;
    xp_log(l, LANE_CLIENT, "\"event\":\"status_flush_queues\",\"flags\":\"%s\"%s", xp_hex(f),
           (cb || t) ? ",\"target\":true" : "");
    xp_call_enter("StatusFlushQueues", l, LANE_CLIENT, NULL);
    HRESULT hr = ST_IN(This)->lpVtbl->FlushQueues(ST_IN(This), ui, cb, t, f);
    log_return(l, LANE_CLIENT, "StatusFlushQueues", hr, "");
    return hr;
}

static IMAPIStatusVtbl g_status_vtbl = {
    St_QueryInterface, St_AddRef, St_Release,
    St_GetLastError, St_SaveChanges, St_GetProps, St_GetPropList, St_OpenProperty,
    St_SetProps, St_DeleteProps, St_CopyTo, St_CopyProps, St_GetNamesFromIDs,
    St_GetIDsFromNames,
    St_ValidateState, St_SettingsDialog, St_ChangePassword, St_FlushQueues,
};

static IMAPIStatus *wrap_status(IMAPIStatus *inner, int logon)
{
    StatusW *w = calloc(1, sizeof *w);
    if (!w)
        return inner;
    w->iface.lpVtbl = &g_status_vtbl;
    w->ref = 1;
    w->inner = inner;
    w->logon = logon;
    return &w->iface;
}

/* ================================ IXPLogon ================================ */

typedef struct LogonW {
    IXPLogon iface;
    LONG ref;
    IXPLogon *inner;
    int logon;
} LogonW;

#define LW(This) ((LogonW *)(This))
#define LW_IN(This) (LW(This)->inner)

static HRESULT STDMETHODCALLTYPE Lo_QueryInterface(IXPLogon *This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &XP_IID_IXPLogon)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return LW_IN(This)->lpVtbl->QueryInterface(LW_IN(This), riid, ppv);
}
static ULONG STDMETHODCALLTYPE Lo_AddRef(IXPLogon *This)
{
    InterlockedIncrement(&LW(This)->ref);
    return LW_IN(This)->lpVtbl->AddRef(LW_IN(This));
}
static ULONG STDMETHODCALLTYPE Lo_Release(IXPLogon *This)
{
    LogonW *w = LW(This);
    LONG left = InterlockedDecrement(&w->ref);
    if (left != 0)
        return w->inner->lpVtbl->Release(w->inner);
    /* The spooler's final Release of the logon object (LIFE-32, LIFE-34). */
    int l = w->logon;
    xp_log(l, LANE_SPOOLER, "\"event\":\"release\",\"object\":\"logon\"");
    xp_call_enter("Release", l, LANE_SPOOLER, NULL);
    ULONG n = w->inner->lpVtbl->Release(w->inner);
    log_return(l, LANE_SPOOLER, "Release", S_OK, "");
    xp_logon_free(l);
    /* w is kept: a buggy spooler or provider thread may still hold the pointer. */
    return n;
}

static HRESULT STDMETHODCALLTYPE Lo_AddressTypes(IXPLogon *This, ULONG *lpulFlags, ULONG *lpcAdrType,
                                                LPTSTR **lpppAdrTypeArray, ULONG *lpcMAPIUID,
                                                LPMAPIUID **lpppUIDArray)
{
    int l = LW(This)->logon;
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"address_types\"");
    xp_call_enter("AddressTypes", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->AddressTypes(LW_IN(This), lpulFlags, lpcAdrType,
                                                   lpppAdrTypeArray, lpcMAPIUID, lpppUIDArray);
    if (lpulFlags)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulFlags));
    log_return(l, LANE_SPOOLER, "AddressTypes", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_RegisterOptions(IXPLogon *This, ULONG *lpulFlags, ULONG *lpcOptions,
                                                   LPOPTIONDATA *lppOptions)
{
    int l = LW(This)->logon;
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"register_options\"");
    xp_call_enter("RegisterOptions", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->RegisterOptions(LW_IN(This), lpulFlags, lpcOptions, lppOptions);
    if (lpulFlags)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulFlags));
    log_return(l, LANE_SPOOLER, "RegisterOptions", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_TransportNotify(IXPLogon *This, ULONG *lpulFlags, LPVOID *lppvData)
{
    int l = LW(This)->logon;
    ULONG in = lpulFlags ? *lpulFlags : 0;
    char extra[64] = "";
    xp_check_open_cells();
    /* *lppvData is a msg-ref for NOTIFY_CANCEL_MESSAGE alone; with NOTIFY_ABORT_DEFERRED it is
     * an entry id (TN-3), not recorded here. */
    ULONG deferred = (in & NOTIFY_ABORT_DEFERRED) && lppvData && *lppvData
                         ? xp_msg_by_entry((const SBinary *)*lppvData)
                         : 0;
    if (deferred)
        xp_log(l, LANE_NOTIFY, "\"event\":\"transport_notify\",\"flags\":\"%s\",\"data\":{\"entry_id\":%lu}",
               xp_hex(in), (unsigned long)deferred);
    else if ((in & NOTIFY_CANCEL_MESSAGE) && !(in & NOTIFY_ABORT_DEFERRED) && lppvData && *lppvData)
        xp_log(l, LANE_NOTIFY, "\"event\":\"transport_notify\",\"flags\":\"%s\",\"data\":{\"msg_ref\":%lu}",
               xp_hex(in), (unsigned long)*(ULONG *)*lppvData);
    else
        xp_log(l, LANE_NOTIFY, "\"event\":\"transport_notify\",\"flags\":\"%s\"", xp_hex(in));
    xp_call_enter("TransportNotify", l, LANE_NOTIFY, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->TransportNotify(LW_IN(This), lpulFlags, lppvData);
    if (lpulFlags)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulFlags));
    log_return(l, LANE_NOTIFY, "TransportNotify", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_Idle(IXPLogon *This, ULONG ulFlags)
{
    int l = LW(This)->logon;
    xp_log(l, LANE_SPOOLER, "\"event\":\"idle\",\"flags\":\"%s\"", xp_hex(ulFlags));
    xp_call_enter("Idle", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->Idle(LW_IN(This), ulFlags);
    log_return(l, LANE_SPOOLER, "Idle", hr, "");
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_TransportLogoff(IXPLogon *This, ULONG ulFlags)
{
    int l = LW(This)->logon;
    xp_log(l, LANE_SPOOLER, "\"event\":\"transport_logoff\",\"flags\":\"%s\"", xp_hex(ulFlags));
    xp_call_enter("TransportLogoff", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->TransportLogoff(LW_IN(This), ulFlags);
    log_return(l, LANE_SPOOLER, "TransportLogoff", hr, "");
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_SubmitMessage(IXPLogon *This, ULONG ulFlags, LPMESSAGE lpMessage,
                                                 ULONG *lpulMsgRef, ULONG *lpulReturnParm)
{
    int l = LW(This)->logon;
    LPMESSAGE w = lpMessage ? xp_wrap_message(lpMessage, l, FALSE) : NULL;
    ULONG msg = w ? xp_message_id_of(w, NULL) : 0;
    ULONG preset = lpulMsgRef ? *(volatile ULONG *)lpulMsgRef : 0;
    char extra[96] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"submit_message\",\"flags\":\"%s\",\"msg\":%lu,\"msg_ref\":%lu",
           xp_hex(ulFlags), (unsigned long)msg, (unsigned long)preset);
    /* The provider gets the spooler's own cell: the spooler may read it during the call. */
    xp_call_enter("SubmitMessage", l, LANE_SPOOLER, lpulMsgRef);
    HRESULT hr = LW_IN(This)->lpVtbl->SubmitMessage(LW_IN(This), ulFlags, w, lpulMsgRef, lpulReturnParm);
    ULONG ref = xp_call_check_cell();
    int n = 0;
    if (lpulMsgRef)
        n = snprintf(extra, sizeof extra, ",\"msg_ref\":%lu", (unsigned long)ref);
    if (lpulReturnParm)
        snprintf(extra + n, sizeof extra - n, ",\"return_parm\":%lu",
                 (unsigned long)*(volatile ULONG *)lpulReturnParm);
    log_return(l, LANE_SPOOLER, "SubmitMessage", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_EndMessage(IXPLogon *This, ULONG ulMsgRef, ULONG *lpulFlags)
{
    int l = LW(This)->logon;
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"end_message\",\"msg_ref\":%lu", (unsigned long)ulMsgRef);
    xp_call_enter("EndMessage", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->EndMessage(LW_IN(This), ulMsgRef, lpulFlags);
    if (lpulFlags)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulFlags));
    log_return(l, LANE_SPOOLER, "EndMessage", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_Poll(IXPLogon *This, ULONG *lpulIncoming)
{
    int l = LW(This)->logon;
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"poll\"");
    xp_call_enter("Poll", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->Poll(LW_IN(This), lpulIncoming);
    if (lpulIncoming)
        snprintf(extra, sizeof extra, ",\"incoming\":%lu", (unsigned long)*lpulIncoming);
    log_return(l, LANE_SPOOLER, "Poll", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_StartMessage(IXPLogon *This, ULONG ulFlags, LPMESSAGE lpMessage,
                                                ULONG *lpulMsgRef)
{
    int l = LW(This)->logon;
    LPMESSAGE w = lpMessage ? xp_wrap_message(lpMessage, l, TRUE) : NULL;
    ULONG msg = w ? xp_message_id_of(w, NULL) : 0;
    ULONG preset = lpulMsgRef ? *(volatile ULONG *)lpulMsgRef : 0;
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"start_message\",\"flags\":\"%s\",\"msg\":%lu,\"msg_ref\":%lu",
           xp_hex(ulFlags), (unsigned long)msg, (unsigned long)preset);
    xp_call_enter("StartMessage", l, LANE_SPOOLER, lpulMsgRef);
    HRESULT hr = LW_IN(This)->lpVtbl->StartMessage(LW_IN(This), ulFlags, w, lpulMsgRef);
    ULONG ref = xp_call_check_cell();
    if (lpulMsgRef)
        snprintf(extra, sizeof extra, ",\"msg_ref\":%lu", (unsigned long)ref);
    log_return(l, LANE_SPOOLER, "StartMessage", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_OpenStatusEntry(IXPLogon *This, LPCIID lpInterface, ULONG ulFlags,
                                                   ULONG *lpulObjType, LPMAPISTATUS *lppEntry)
{
    /* A client's call (the status table's OpenEntry), logged on client1 like xpcheck's simulator. */
    int l = LW(This)->logon;
    char extra[64] = "";
    if (ulFlags)
        xp_log(l, LANE_CLIENT, "\"event\":\"open_status_entry\",\"flags\":\"%s\"", xp_hex(ulFlags));
    else
        xp_log(l, LANE_CLIENT, "\"event\":\"open_status_entry\"");
    xp_call_enter("OpenStatusEntry", l, LANE_CLIENT, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->OpenStatusEntry(LW_IN(This), lpInterface, ulFlags, lpulObjType, lppEntry);
    if (SUCCEEDED(hr) && lppEntry && *lppEntry)
        *lppEntry = wrap_status(*lppEntry, l);
    if (lpulObjType && SUCCEEDED(hr))
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulObjType));
    log_return(l, LANE_CLIENT, "OpenStatusEntry", hr, extra);
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_ValidateState(IXPLogon *This, ULONG ulUIParam, ULONG ulFlags)
{
    int l = LW(This)->logon;
    xp_log(l, LANE_SPOOLER, "\"event\":\"validate_state\",\"flags\":\"%s\"", xp_hex(ulFlags));
    xp_call_enter("ValidateState", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->ValidateState(LW_IN(This), ulUIParam, ulFlags);
    log_return(l, LANE_SPOOLER, "ValidateState", hr, "");
    return hr;
}

static HRESULT STDMETHODCALLTYPE Lo_FlushQueues(IXPLogon *This, ULONG ulUIParam, ULONG cbTargetTransport,
                                               LPENTRYID lpTargetTransport, ULONG ulFlags)
{
    int l = LW(This)->logon;
    xp_log(l, LANE_SPOOLER, "\"event\":\"flush_queues\",\"flags\":\"%s\"", xp_hex(ulFlags));
    xp_call_enter("FlushQueues", l, LANE_SPOOLER, NULL);
    HRESULT hr = LW_IN(This)->lpVtbl->FlushQueues(LW_IN(This), ulUIParam, cbTargetTransport,
                                                  lpTargetTransport, ulFlags);
    log_return(l, LANE_SPOOLER, "FlushQueues", hr, "");
    return hr;
}

static IXPLogonVtbl g_logon_vtbl = {
    Lo_QueryInterface, Lo_AddRef, Lo_Release,
    Lo_AddressTypes, Lo_RegisterOptions, Lo_TransportNotify, Lo_Idle, Lo_TransportLogoff,
    Lo_SubmitMessage, Lo_EndMessage, Lo_Poll, Lo_StartMessage, Lo_OpenStatusEntry,
    Lo_ValidateState, Lo_FlushQueues,
};

/* ================================ IXPProvider ================================ */

typedef struct ProviderW {
    IXPProvider iface;
    LONG ref;
    IXPProvider *inner;
} ProviderW;

#define PW(This) ((ProviderW *)(This))
#define PW_IN(This) (PW(This)->inner)

static HRESULT STDMETHODCALLTYPE Pr_QueryInterface(IXPProvider *This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &XP_IID_IXPProvider)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return PW_IN(This)->lpVtbl->QueryInterface(PW_IN(This), riid, ppv);
}
static ULONG STDMETHODCALLTYPE Pr_AddRef(IXPProvider *This)
{
    InterlockedIncrement(&PW(This)->ref);
    return PW_IN(This)->lpVtbl->AddRef(PW_IN(This));
}
static ULONG STDMETHODCALLTYPE Pr_Release(IXPProvider *This)
{
    ProviderW *w = PW(This);
    LONG left = InterlockedDecrement(&w->ref);
    if (left != 0)
        return w->inner->lpVtbl->Release(w->inner);
    /* The spooler's final Release of the provider object (LIFE-31). */
    xp_log(0, LANE_SPOOLER, "\"event\":\"release\",\"object\":\"provider\"");
    xp_call_enter("Release", 0, LANE_SPOOLER, NULL);
    ULONG n = w->inner->lpVtbl->Release(w->inner);
    log_return(0, LANE_SPOOLER, "Release", S_OK, "");
    return n;
}

static HRESULT STDMETHODCALLTYPE Pr_Shutdown(IXPProvider *This, ULONG *lpulFlags)
{
    ULONG in = lpulFlags ? *lpulFlags : 0;
    if (in)
        xp_log(0, LANE_SPOOLER, "\"event\":\"shutdown\",\"flags\":\"%s\"", xp_hex(in));
    else
        xp_log(0, LANE_SPOOLER, "\"event\":\"shutdown\"");
    xp_call_enter("Shutdown", 0, LANE_SPOOLER, NULL);
    HRESULT hr = PW_IN(This)->lpVtbl->Shutdown(PW_IN(This), lpulFlags);
    log_return(0, LANE_SPOOLER, "Shutdown", hr, "");
    return hr;
}

static HRESULT STDMETHODCALLTYPE Pr_TransportLogon(IXPProvider *This, LPMAPISUP lpMAPISup, ULONG ulUIParam,
                                                  LPTSTR lpszProfileName, ULONG *lpulFlags,
                                                  LPMAPIERROR *lppMAPIError, LPXPLOGON *lppXPLogon)
{
    int l = xp_logon_alloc();
    char extra[64] = "";
    xp_log(l, LANE_SPOOLER, "\"event\":\"transport_logon\",\"flags\":\"%s\"",
           xp_hex(lpulFlags ? *lpulFlags : 0));
    LPMAPISUP sup = lpMAPISup ? xp_wrap_support(lpMAPISup, l) : NULL;
    xp_call_enter("TransportLogon", l, LANE_SPOOLER, NULL);
    HRESULT hr = PW_IN(This)->lpVtbl->TransportLogon(PW_IN(This), sup, ulUIParam, lpszProfileName,
                                                     lpulFlags, lppMAPIError, lppXPLogon);
    BOOL ok = FALSE;
    if (SUCCEEDED(hr) && lppXPLogon && *lppXPLogon) {
        LogonW *w = calloc(1, sizeof *w);
        if (w) {
            w->iface.lpVtbl = &g_logon_vtbl;
            w->ref = 1;
            w->inner = *lppXPLogon;
            w->logon = l;
            *lppXPLogon = &w->iface;
            ok = TRUE;
        }
    }
    if (lpulFlags)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulFlags));
    log_return(l, LANE_SPOOLER, "TransportLogon", hr, extra);
    if (sup && sup != lpMAPISup)
        xp_support_logon_returned(sup);
    if (!ok)
        xp_logon_free(l);
    return hr;
}

static IXPProviderVtbl g_provider_vtbl = {
    Pr_QueryInterface, Pr_AddRef, Pr_Release, Pr_Shutdown, Pr_TransportLogon,
};

/* ================================ exports ================================ */

/* quiet: XPCheckAttachWire's call (XPProviderInit reports the missing variable). */
static BOOL load_real(BOOL quiet)
{
    if (g_real_init)
        return TRUE;
    char path[MAX_PATH * 2];
    DWORD n = GetEnvironmentVariableA("XPPROXY_PROVIDER", path, sizeof path);
    if (n == 0 || n >= sizeof path) {
        if (!quiet)
            fprintf(stderr, "xpproxy: XPPROXY_PROVIDER is not set (path of the real provider DLL)\n");
        return FALSE;
    }
    HMODULE h = LoadLibraryA(path);
    if (!h) {
        fprintf(stderr, "xpproxy: cannot load %s (error %lu)\n", path, (unsigned long)GetLastError());
        return FALSE;
    }
    XPPROVIDERINIT *init = (XPPROVIDERINIT *)(void *)GetProcAddress(h, "XPProviderInit");
    if (!init) {
        fprintf(stderr, "xpproxy: %s does not export XPProviderInit\n", path);
        FreeLibrary(h);
        return FALSE;
    }
    g_real = h;
    g_real_attach = (LPXPCHECKATTACHWIRE)(void *)GetProcAddress(h, "XPCheckAttachWire");
    g_real_init = init;
    return TRUE;
}

HRESULT __cdecl XPProviderInit(HINSTANCE hInstance, LPMALLOC lpMalloc, LPALLOCATEBUFFER lpAllocateBuffer,
                               LPALLOCATEMORE lpAllocateMore, LPFREEBUFFER lpFreeBuffer, ULONG ulFlags,
                               ULONG ulMAPIVer, ULONG *lpulProviderVer, LPXPPROVIDER *lppXPProvider)
{
    if (!load_real(FALSE))
        return MAPI_E_CALL_FAILED;
    xp_trace_open();
    char extra[64] = "";
    xp_log(0, LANE_SPOOLER, "\"event\":\"provider_init\",\"flags\":\"%s\",\"mapi_ver\":\"%s\"",
           xp_hex(ulFlags), xp_hex(ulMAPIVer));
    xp_call_enter("ProviderInit", 0, LANE_SPOOLER, NULL);
    HRESULT hr = g_real_init(hInstance, lpMalloc, lpAllocateBuffer, lpAllocateMore, lpFreeBuffer,
                             ulFlags, ulMAPIVer, lpulProviderVer, lppXPProvider);
    if (SUCCEEDED(hr) && lppXPProvider && *lppXPProvider) {
        ProviderW *w = calloc(1, sizeof *w);
        if (w) {
            w->iface.lpVtbl = &g_provider_vtbl;
            w->ref = 1;
            w->inner = *lppXPProvider;
            *lppXPProvider = &w->iface;
        }
    }
    if (lpulProviderVer)
        snprintf(extra, sizeof extra, ",\"flags\":\"%s\"", xp_hex(*lpulProviderVer));
    log_return(0, LANE_SPOOLER, "ProviderInit", hr, extra);
    return hr;
}

void STDAPICALLTYPE XPCheckAttachWire(const XPCHECK_WIRE *lpWire)
{
    /* The harness's wire goes to the provider under test (after XPProviderInit loaded it). */
    if (!g_real_attach && !g_real)
        load_real(TRUE);
    if (g_real_attach)
        g_real_attach(lpWire);
}
