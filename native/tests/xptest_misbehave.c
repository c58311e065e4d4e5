/* xptest_misbehave.dll: a deliberately bad provider for xpcheck's own tests (tests/native.rs),
 * not a template. XPTEST_MODE picks what goes wrong:
 *   unsupported  TransportLogon calls IMAPISupport::OpenProfileSection, which the driver does
 *                not model (answered MAPI_E_NO_SUPPORT, listed in the report's notes);
 *   thread       TransportLogon calls SpoolerNotify from a thread of its own (the driver
 *                answers it without the harness; the report says the run is not deterministic);
 *   crash        SubmitMessage dereferences NULL (an access violation: a finding with the trace
 *                so far, not a crash of xpcheck);
 *   hang         SubmitMessage never returns (a deadlock finding once the watchdog gives up);
 *   initcrash    XPProviderInit dereferences NULL (the provider never starts: a finding);
 *   releasecrash the final Release of an object dereferences NULL (after the seed's trace is
 *                closed: noted in the report, the driver restarted).
 * Otherwise it is a minimal provider: a status row, S_OK everywhere, no mail. */
#include <windows.h>
#include <mapispi.h>
#include <mapicode.h>
#include <mapitags.h>
#include <string.h>

typedef struct Obj {
    void *lpVtbl;
    LONG refs;
    LPMAPISUP sup;
} Obj;

static char g_mode[32];

static HRESULT STDMETHODCALLTYPE ok(void *This) { return S_OK; }
static HRESULT STDMETHODCALLTYPE qi(void *This, REFIID r, LPVOID *p) { *p = NULL; return E_NOINTERFACE; }
static ULONG STDMETHODCALLTYPE addref(void *This) { return (ULONG)InterlockedIncrement(&((Obj *)This)->refs); }
static ULONG STDMETHODCALLTYPE release(void *This)
{
    LONG n = InterlockedDecrement(&((Obj *)This)->refs);
    if (n == 0 && !strcmp(g_mode, "releasecrash"))
        *(volatile int *)0 = 1;
    return (ULONG)n;
}

static void row(LPMAPISUP sup, ULONG flags, ULONG status, BOOL full)
{
    SPropValue v[3];
    v[0].ulPropTag = PR_STATUS_CODE;
    v[0].Value.l = (LONG)status;
    v[1].ulPropTag = PR_DISPLAY_NAME_A;
    v[1].Value.lpszA = (LPSTR) "misbehave";
    v[2].ulPropTag = PR_RESOURCE_METHODS;
    v[2].Value.l = 0;
    sup->lpVtbl->ModifyStatusRow(sup, full ? 3 : 1, v, flags);
}

static HRESULT STDMETHODCALLTYPE notify(Obj *This, ULONG *f, LPVOID *d)
{
    ULONG s = STATUS_AVAILABLE;
    static BOOL in, out;
    if (*f & NOTIFY_BEGIN_INBOUND) in = TRUE;
    if (*f & NOTIFY_END_INBOUND) in = FALSE;
    if (*f & NOTIFY_BEGIN_OUTBOUND) out = TRUE;
    if (*f & NOTIFY_END_OUTBOUND) out = FALSE;
    if (in) s |= STATUS_INBOUND_ENABLED;
    if (out) s |= STATUS_OUTBOUND_ENABLED;
    row(This->sup, STATUSROW_UPDATE, s, FALSE);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE submit(Obj *This, ULONG f, LPMESSAGE m, ULONG *ref, ULONG *parm)
{
    if (!strcmp(g_mode, "crash"))
        *(volatile int *)0 = 1;
    if (!strcmp(g_mode, "hang"))
        Sleep(INFINITE);
    *ref = 2;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE end(Obj *This, ULONG ref, ULONG *f) { *f = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE poll(Obj *This, ULONG *n) { *n = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE start(Obj *This, ULONG f, LPMESSAGE m, ULONG *ref) { return S_OK; }
static HRESULT STDMETHODCALLTYPE types(Obj *This, ULONG *f, ULONG *c, LPTSTR **t, ULONG *cu, LPMAPIUID **u)
{
    *c = 0; *t = NULL; *cu = 0; *u = NULL;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE nosup(Obj *This) { return MAPI_E_NO_SUPPORT; }
static HRESULT STDMETHODCALLTYPE logoff(Obj *This, ULONG f)
{
    This->sup->lpVtbl->Release(This->sup);
    return S_OK;
}

static void *g_logon_vtbl[] = {
    qi, addref, release, types, nosup, notify, ok, logoff, submit, end, poll, start, nosup, nosup, ok,
};

static DWORD WINAPI from_own_thread(LPVOID sup)
{
    ((LPMAPISUP)sup)->lpVtbl->SpoolerNotify((LPMAPISUP)sup, NOTIFY_READYTOSEND, NULL);
    return 0;
}

static HRESULT STDMETHODCALLTYPE logon(Obj *This, LPMAPISUP sup, ULONG ui, LPTSTR p, ULONG *f,
                                       LPMAPIERROR *e, LPXPLOGON *out)
{
    Obj *l = (Obj *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *l);
    l->lpVtbl = g_logon_vtbl;
    l->refs = 1;
    sup->lpVtbl->AddRef(sup);
    l->sup = sup;
    row(sup, 0, STATUS_AVAILABLE, TRUE);
    if (!strcmp(g_mode, "unsupported")) {
        LPPROFSECT ps = NULL;
        sup->lpVtbl->OpenProfileSection(sup, NULL, 0, &ps);
    }
    if (!strcmp(g_mode, "thread")) {
        HANDLE t = CreateThread(NULL, 0, from_own_thread, sup, 0, NULL);
        WaitForSingleObject(t, INFINITE);
        CloseHandle(t);
    }
    *f = LOGON_SP_POLL;
    if (e)
        *e = NULL;
    *out = (LPXPLOGON)l;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE pv_shutdown(Obj *This, ULONG *f) { return S_OK; }
static void *g_provider_vtbl[] = {qi, addref, release, pv_shutdown, logon};

HRESULT STDAPICALLTYPE XPProviderInit(HINSTANCE h, LPMALLOC m, LPALLOCATEBUFFER a, LPALLOCATEMORE mo,
                                      LPFREEBUFFER fr, ULONG f, ULONG ver, ULONG *pver, LPXPPROVIDER *out)
{
    if (!GetEnvironmentVariableA("XPTEST_MODE", g_mode, sizeof g_mode))
        g_mode[0] = 0;
    if (!strcmp(g_mode, "initcrash"))
        *(volatile int *)0 = 1;
    Obj *p = (Obj *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *p);
    p->lpVtbl = g_provider_vtbl;
    p->refs = 1;
    *pver = CURRENT_SPI_VERSION;
    *out = (LPXPPROVIDER)p;
    return S_OK;
}
