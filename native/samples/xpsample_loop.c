/* xpsample_loop.dll: a conforming MAPI transport provider in C, the template for C/C++ authors
 * (README "C and C++ providers"). It is xpcheck's `loopback` written as a Windows DLL: it polls
 * (LOGON_SP_POLL), sends outbound mail to the messaging system and delivers what arrives. The
 * messaging system is the harness's wire when xpdrive.exe lends one (XPCheckAttachWire); put
 * your own network code behind the same five calls.
 *
 * What it gets right, rule by rule (SPEC.md):
 *   - TransportNotify returns *lpulFlags unchanged (TN-1) and updates the status row for every
 *     BEGIN/END of a direction before it returns (TN-6, TN-14, TN-22, TN-24, STAT-4).
 *   - A cancel (NOTIFY_CANCEL_MESSAGE, *lppvData -> the msg-ref) is checked before EVERY
 *     transfer step, and a transfer step never runs after a cancel returned (TN-17, TN-19);
 *     SpoolerYield's MAPI_W_CANCEL_MESSAGE stops the message too (YLD-4).
 *   - *lpulMsgRef is written first, before the message is touched (SUB-4, SM-5), with a value
 *     unique among the logon's messages and never 0 or 1 (AMB-7).
 *   - No SpoolerYield inside a flush cycle (TN-10, TN-16); flush bits set in the row for the
 *     cycle and cleared at its END (FQ-12).
 *   - A message for another address type is refused with MAPI_E_NOT_ME before any transfer
 *     (SUB-5); PR_RESPONSIBILITY is set on the recipients served (FLOW-10), never on those
 *     another transport already took (SUB-12); nontransmittable properties are not sent
 *     (SUB-11) nor stored from inbound mail (SM-8).
 *   - StartMessage writes PR_MESSAGE_CLASS (FLOW-14) and complete recipients (SM-7), saves,
 *     never releases lpMessage (SM-11) and never touches it after returning (SM-3); a cancelled
 *     delivery is put back on the wire to be delivered again (TN-20).
 *   - Messages held while the remote system is offline are deferred (END_DONT_RESEND) and
 *     announced with NOTIFY_SENTDEFERRED when it is back (EM-2, DEF-4, FQ-7).
 *   - TransportLogoff makes the logon invalid and releases the support object last (LIFE-30).
 *
 * Thread safety: TransportNotify runs on another thread (TN-18) or re-entrantly inside a
 * callback. State is under one CRITICAL_SECTION, never held across a call into MAPI (a
 * re-entrant TransportNotify on the same thread re-enters it; a callback under the lock would
 * block a notify thread and the spooler with it, AMB-21).
 */
#define INITGUID
#define USES_IID_IMAPIStatus
#define USES_IID_IMAPIProp
#include <windows.h>
#include <initguid.h>
#include <mapiguid.h>
#include <mapispi.h>
#include <mapicode.h>
#include <mapitags.h>
#include <mapiutil.h>
#include <string.h>

#include "xpcheck_wire.h"

#define MAX_FLIGHTS 16
#define MAX_DEFERRED 16
#define METHODS (STATUS_VALIDATE_STATE | STATUS_FLUSH_QUEUES)
#define KNOWN_VS                                                                               \
    (SUPPRESS_UI | REFRESH_XP_HEADER_CACHE | PROCESS_XP_HEADER_CACHE | FORCE_XP_CONNECT |     \
     FORCE_XP_DISCONNECT | CONFIG_CHANGED | ABORT_XP_HEADER_OPERATION | SHOW_XP_SESSION_UI)

static const XPCHECK_WIRE *g_wire; /* NULL under a real spooler: plug your transport in */

void STDAPICALLTYPE XPCheckAttachWire(const XPCHECK_WIRE *w) { g_wire = w; }

typedef struct Flight {
    ULONG ref; /* 0: free slot */
    BOOL inbound, cancelled, held;
    ULONG held_entry; /* outbound held while offline: its entry id's number */
} Flight;

typedef struct Logon {
    IXPLogonVtbl *lpVtbl;
    IMAPIStatusVtbl *lpStatusVtbl; /* the logon is its own status object (STAT-6) */
    LONG refs;
    CRITICAL_SECTION cs;
    LPMAPISUP sup;
    BOOL inbound, outbound, flush_in, flush_out, offline;
    ULONG row, next_ref;
    Flight flights[MAX_FLIGHTS];
    ULONG deferred[MAX_DEFERRED], ndeferred;
} Logon;

typedef struct Provider {
    IXPProviderVtbl *lpVtbl;
    LONG refs;
} Provider;

#define LG(This) ((Logon *)(This))
#define LG_OF_STATUS(This) ((Logon *)((char *)(This) - offsetof(Logon, lpStatusVtbl)))

/* ---- state (always under cs, never across a MAPI call) ---- */

static ULONG row_of(Logon *l)
{
    ULONG r = STATUS_AVAILABLE;
    if (l->inbound && !l->offline)
        r |= STATUS_INBOUND_ENABLED;
    if (l->outbound)
        r |= STATUS_OUTBOUND_ENABLED;
    if (l->offline)
        r |= STATUS_OFFLINE;
    if (l->flush_in)
        r |= STATUS_INBOUND_FLUSH;
    if (l->flush_out)
        r |= STATUS_OUTBOUND_FLUSH;
    return r;
}

static void write_row(Logon *l, BOOL always)
{
    EnterCriticalSection(&l->cs);
    ULONG row = row_of(l);
    BOOL changed = row != l->row;
    l->row = row;
    LeaveCriticalSection(&l->cs);
    if (changed || always) {
        SPropValue v;
        v.ulPropTag = PR_STATUS_CODE;
        v.Value.l = (LONG)row;
        l->sup->lpVtbl->ModifyStatusRow(l->sup, 1, &v, STATUSROW_UPDATE);
    }
}

static Flight *flight(Logon *l, ULONG ref)
{
    for (int i = 0; i < MAX_FLIGHTS; i++)
        if (l->flights[i].ref == ref)
            return &l->flights[i];
    /* Before a provider writes its msg-ref the spooler's cancel carries the preset: 0
     * outbound, 1 inbound (TN-21). */
    if (ref <= 1)
        for (int i = 0; i < MAX_FLIGHTS; i++)
            if (l->flights[i].ref && l->flights[i].inbound == (ref == 1))
                return &l->flights[i];
    return NULL;
}

/* A new message: its msg-ref, written before anything else (SUB-4, SM-5). */
static ULONG begin(Logon *l, BOOL inbound, ULONG *lpulMsgRef)
{
    EnterCriticalSection(&l->cs);
    ULONG ref = l->next_ref++;
    for (int i = 0; i < MAX_FLIGHTS; i++)
        if (!l->flights[i].ref) {
            memset(&l->flights[i], 0, sizeof l->flights[i]);
            l->flights[i].ref = ref;
            l->flights[i].inbound = inbound;
            break;
        }
    LeaveCriticalSection(&l->cs);
    *lpulMsgRef = ref;
    return ref;
}

static void finish(Logon *l, ULONG ref)
{
    EnterCriticalSection(&l->cs);
    Flight *f = flight(l, ref);
    if (f)
        f->ref = 0;
    LeaveCriticalSection(&l->cs);
}

static BOOL cancelled(Logon *l, ULONG ref)
{
    EnterCriticalSection(&l->cs);
    Flight *f = flight(l, ref);
    BOOL c = f && f->cancelled;
    LeaveCriticalSection(&l->cs);
    return c;
}

#ifdef XPSAMPLE_CANCEL_MISSED
/* THE FLAW of xpsample_cancel_missed.dll: a cancel is looked at once, before the transfer
 * starts; one that arrives while the message is being sent (inside any callback, or from the
 * notify thread) is missed, and the message is sent and marked anyway (TN-17). */
#define TRANSFER_CANCELLED(l, ref) ((void)(l), (void)(ref), FALSE)
#else
/* Checked before every transfer step (TN-17). */
#define TRANSFER_CANCELLED(l, ref) cancelled(l, ref)
#endif

/* SpoolerYield between steps, except in a flush cycle (TN-10, TN-16). */
static BOOL yield_cancels(Logon *l)
{
    EnterCriticalSection(&l->cs);
    BOOL flushing = l->flush_in || l->flush_out;
    LeaveCriticalSection(&l->cs);
    return !flushing && l->sup->lpVtbl->SpoolerYield(l->sup, 0) == MAPI_W_CANCEL_MESSAGE;
}

static BOOL online(Logon *l)
{
    EnterCriticalSection(&l->cs);
    BOOL off = l->offline;
    LeaveCriticalSection(&l->cs);
    return !off && (!g_wire || g_wire->IsOnline(g_wire->pvContext));
}

/* NOTIFY_SENTDEFERRED for held messages while the remote system is up (DEF-4, FQ-7). */
static void announce_deferred(Logon *l, BOOL even_offline)
{
    while (even_offline || online(l)) {
        EnterCriticalSection(&l->cs);
        BOOL any = l->ndeferred > 0;
        ULONG id = any ? l->deferred[--l->ndeferred] : 0;
        LeaveCriticalSection(&l->cs);
        if (!any)
            return;
        BYTE eid[8] = {'X', 'P', 'C', 'K'};
        memcpy(eid + 4, &id, 4);
        SBinary bin = {sizeof eid, eid};
        l->sup->lpVtbl->SpoolerNotify(l->sup, NOTIFY_SENTDEFERRED, &bin);
    }
}

/* ---- IXPLogon ---- */

static HRESULT STDMETHODCALLTYPE lg_QueryInterface(LPXPLOGON This, REFIID riid, LPVOID *ppv)
{
    *ppv = NULL;
    return E_NOINTERFACE; /* the spooler only calls the vtable it was given */
}

static ULONG STDMETHODCALLTYPE lg_AddRef(LPXPLOGON This)
{
    return (ULONG)InterlockedIncrement(&LG(This)->refs);
}

static ULONG STDMETHODCALLTYPE lg_Release(LPXPLOGON This)
{
    LONG n = InterlockedDecrement(&LG(This)->refs);
    if (n == 0) {
        DeleteCriticalSection(&LG(This)->cs);
        HeapFree(GetProcessHeap(), 0, This);
    }
    return (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE lg_AddressTypes(LPXPLOGON This, ULONG *f, ULONG *cTypes,
                                                 LPTSTR **types, ULONG *cUids, LPMAPIUID **uids)
{
    static LPTSTR s_types[] = {(LPTSTR)XPCHECK_ADDRTYPE};
    *cTypes = 1;
    *types = s_types;
    *cUids = 0;
    *uids = NULL;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_RegisterOptions(LPXPLOGON This, ULONG *f, ULONG *c,
                                                    LPOPTIONDATA *o)
{
    *c = 0;
    *o = NULL;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_TransportNotify(LPXPLOGON This, ULONG *lpulFlags,
                                                    LPVOID *lppvData)
{
    Logon *l = LG(This);
    ULONG f = *lpulFlags; /* read, never written back changed (TN-1) */
    EnterCriticalSection(&l->cs);
    if ((f & NOTIFY_ABORT_DEFERRED) && lppvData && *lppvData) {
        const SBinary *eid = (const SBinary *)*lppvData;
        ULONG id;
        if (eid->cb == 8 && !memcmp(eid->lpb, "XPCK", 4)) {
            memcpy(&id, eid->lpb + 4, 4);
            for (ULONG i = 0; i < l->ndeferred; i++)
                if (l->deferred[i] == id)
                    l->deferred[i] = l->deferred[--l->ndeferred];
        }
    } else if ((f & NOTIFY_CANCEL_MESSAGE) && lppvData && *lppvData) {
        Flight *fl = flight(l, *(ULONG *)*lppvData);
        if (fl)
            fl->cancelled = TRUE;
    }
    if (f & NOTIFY_BEGIN_INBOUND) l->inbound = TRUE;
    if (f & NOTIFY_END_INBOUND) l->inbound = FALSE;
    if (f & NOTIFY_BEGIN_OUTBOUND) l->outbound = TRUE;
    if (f & NOTIFY_END_OUTBOUND) l->outbound = FALSE;
    if (f & NOTIFY_BEGIN_INBOUND_FLUSH) l->flush_in = TRUE;
    if (f & NOTIFY_END_INBOUND_FLUSH) l->flush_in = FALSE;
    if (f & NOTIFY_BEGIN_OUTBOUND_FLUSH) l->flush_out = TRUE;
    if (f & NOTIFY_END_OUTBOUND_FLUSH) l->flush_out = FALSE;
    LeaveCriticalSection(&l->cs);
    ULONG directions =
        NOTIFY_BEGIN_INBOUND | NOTIFY_END_INBOUND | NOTIFY_BEGIN_OUTBOUND | NOTIFY_END_OUTBOUND;
    write_row(l, (f & directions) != 0);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_Idle(LPXPLOGON This, ULONG ulFlags)
{
    announce_deferred(LG(This), FALSE); /* background work: what waited for the wire */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_TransportLogoff(LPXPLOGON This, ULONG ulFlags)
{
    Logon *l = LG(This);
    l->sup->lpVtbl->MakeInvalid(l->sup, 0, l, 0, 0);
    l->sup->lpVtbl->Release(l->sup); /* the last callback (LIFE-30) */
    return S_OK;
}

/* Sets PR_RESPONSIBILITY on the recipients this transport serves, not on those another
 * transport already took (SUB-12, FLOW-10). */
static HRESULT take_responsibility(Logon *l, ULONG ref, LPMESSAGE m)
{
    LPMAPITABLE t = NULL;
    LPSRowSet rows = NULL;
    SizedSPropTagArray(2, cols) = {2, {PR_ROWID, PR_RESPONSIBILITY}};
    HRESULT hr = m->lpVtbl->GetRecipientTable(m, 0, &t);
    if (FAILED(hr))
        return hr;
    hr = t->lpVtbl->SetColumns(t, (LPSPropTagArray)&cols, 0);
    if (SUCCEEDED(hr))
        hr = t->lpVtbl->QueryRows(t, 100, 0, &rows);
    t->lpVtbl->Release(t);
    if (FAILED(hr))
        return hr;
    /* Reading the table made MAPI calls, in which a cancel may have arrived (TN-17). */
    if (TRANSFER_CANCELLED(l, ref)) {
        FreeProws(rows);
        return MAPI_E_USER_CANCEL;
    }
    SPropValue vals[64][2];
    ADRLIST *mods = NULL;
    MAPIAllocateBuffer(CbNewADRLIST(rows->cRows ? rows->cRows : 1), (LPVOID *)&mods);
    mods->cEntries = 0;
    for (ULONG r = 0; r < rows->cRows && r < 64; r++) {
        const SPropValue *p = rows->aRow[r].lpProps;
        if (p[1].ulPropTag == PR_RESPONSIBILITY && p[1].Value.b)
            continue; /* taken by another transport */
        vals[r][0] = p[0];
        vals[r][1].ulPropTag = PR_RESPONSIBILITY;
        vals[r][1].Value.b = TRUE;
        mods->aEntries[mods->cEntries].cValues = 2;
        mods->aEntries[mods->cEntries].rgPropVals = vals[r];
        mods->cEntries++;
    }
    hr = mods->cEntries ? m->lpVtbl->ModifyRecipients(m, MODRECIP_MODIFY, mods) : S_OK;
    MAPIFreeBuffer(mods);
    FreeProws(rows);
    return hr;
}

static HRESULT STDMETHODCALLTYPE lg_SubmitMessage(LPXPLOGON This, ULONG ulFlags, LPMESSAGE m,
                                                  ULONG *lpulMsgRef, ULONG *lpulReturnParm)
{
    Logon *l = LG(This);
    /* SUB-5: another address type is not ours, refused before any transfer. */
    LPSPropValue at = NULL;
    LPMAPITABLE t = NULL;
    LPSRowSet rows = NULL;
    SizedSPropTagArray(1, cols) = {1, {PR_ADDRTYPE_A}};
    BOOL mine = FALSE;
    ULONG ref = begin(l, FALSE, lpulMsgRef);
    if (SUCCEEDED(m->lpVtbl->GetRecipientTable(m, 0, &t))) {
        if (SUCCEEDED(t->lpVtbl->SetColumns(t, (LPSPropTagArray)&cols, 0)) &&
            SUCCEEDED(t->lpVtbl->QueryRows(t, 1, 0, &rows)) && rows->cRows == 1) {
            at = rows->aRow[0].lpProps;
            mine = at->ulPropTag == PR_ADDRTYPE_A && !strcmp(at->Value.lpszA, XPCHECK_ADDRTYPE);
        }
        if (rows)
            FreeProws(rows);
        t->lpVtbl->Release(t);
    }
    if (!mine) {
        finish(l, ref);
        return MAPI_E_NOT_ME;
    }
    if ((ulFlags & BEGIN_DEFERRED) && !online(l)) {
        finish(l, ref);
        *lpulReturnParm = 60; /* try again in a minute (SUB-7) */
        return MAPI_E_WAIT;
    }
    /* Every transfer step is preceded by a cancel check (TN-17). */
    LPSPropValue subject = NULL;
    if (cancelled(l, ref) || FAILED(HrGetOneProp((LPMAPIPROP)m, PR_SUBJECT_A, &subject)))
        goto cancel;
    MAPIFreeBuffer(subject);
    /* The body, read as providers read long text: through a stream. */
    LPSTREAM body = NULL;
    if (SUCCEEDED(m->lpVtbl->OpenProperty(m, PR_BODY_A, &IID_IStream, 0, 0, (LPUNKNOWN *)&body))) {
        char text[256];
        ULONG got = 0;
        body->lpVtbl->Read(body, text, sizeof text, &got);
        body->lpVtbl->Release(body);
    }
    if (!online(l)) {
        LPSPropValue eid = NULL;
        EnterCriticalSection(&l->cs);
        Flight *f = flight(l, ref);
        LeaveCriticalSection(&l->cs);
        if (SUCCEEDED(HrGetOneProp((LPMAPIPROP)m, PR_ENTRYID, &eid)) && f) {
            if (eid->Value.bin.cb == 8) {
                f->held = TRUE;
                memcpy(&f->held_entry, eid->Value.bin.lpb + 4, 4);
            }
            MAPIFreeBuffer(eid);
        }
        return S_OK; /* held: EndMessage defers it */
    }
    if (TRANSFER_CANCELLED(l, ref))
        goto cancel;
    if (g_wire)
        g_wire->Transmit(g_wire->pvContext, m, FALSE, FALSE); /* SUB-11, SUB-12 */
    if (TRANSFER_CANCELLED(l, ref))
        goto cancel;
    if (take_responsibility(l, ref, m) == MAPI_E_USER_CANCEL || yield_cancels(l) ||
        TRANSFER_CANCELLED(l, ref))
        goto cancel;
    return S_OK;
cancel:
    finish(l, ref);
    return MAPI_E_USER_CANCEL;
}

static HRESULT STDMETHODCALLTYPE lg_EndMessage(LPXPLOGON This, ULONG ulMsgRef, ULONG *lpulFlags)
{
    Logon *l = LG(This);
    EnterCriticalSection(&l->cs);
    Flight *f = flight(l, ulMsgRef);
    *lpulFlags = 0; /* sent, or cancelled (EM-2) */
    if (f) {
        if (f->held && !f->cancelled && l->ndeferred < MAX_DEFERRED) {
            l->deferred[l->ndeferred++] = f->held_entry;
            *lpulFlags = END_DONT_RESEND; /* NOTIFY_SENTDEFERRED follows (EM-2, DEF-4) */
        }
        f->ref = 0;
    }
    LeaveCriticalSection(&l->cs);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_Poll(LPXPLOGON This, ULONG *lpulIncoming)
{
    announce_deferred(LG(This), FALSE);
    *lpulIncoming = g_wire ? g_wire->Waiting(g_wire->pvContext) : 0; /* POLL-2 */
    return S_OK;
}

/* The new message: subject, class (FLOW-14), a complete recipient (SM-7), saved (SM-10). */
static BOOL deliver_step(Logon *l, ULONG ref, LPMESSAGE m, const XPCHECK_WIRE_MESSAGE *w, int step)
{
    if (cancelled(l, ref))
        return FALSE;
    if (step == 0) {
        SPropValue v[2];
        v[0].ulPropTag = PR_SUBJECT_A;
        v[0].Value.lpszA = (LPSTR)w->szSubject;
        v[1].ulPropTag = PR_MESSAGE_CLASS_A;
        v[1].Value.lpszA = (LPSTR) "IPM.Note";
        /* Nontransmittable properties of the received mail are not stored (SM-8). */
        m->lpVtbl->SetProps(m, 2, v, NULL);
        if (cancelled(l, ref)) /* a cancel may have come inside SetProps (TN-17) */
            return FALSE;
        LPSTREAM body = NULL;
        if (SUCCEEDED(m->lpVtbl->OpenProperty(m, PR_BODY_A, &IID_IStream, STGM_WRITE,
                                              MAPI_CREATE | MAPI_MODIFY, (LPUNKNOWN *)&body))) {
            static const char text[] = "Delivered by the C loopback sample.";
            body->lpVtbl->Write(body, text, sizeof text - 1, NULL);
            body->lpVtbl->Commit(body, 0);
            body->lpVtbl->Release(body);
        }
    } else if (step == 1) {
        static BYTE eid[8] = {'X', 'P', 'R', 'C', 0, 0, 0, 0};
        SPropValue v[5];
        v[0].ulPropTag = PR_DISPLAY_NAME_A;
        v[0].Value.lpszA = (LPSTR) "Loopback recipient";
        v[1].ulPropTag = PR_ADDRTYPE_A;
        v[1].Value.lpszA = (LPSTR)XPCHECK_ADDRTYPE;
        v[2].ulPropTag = PR_EMAIL_ADDRESS_A;
        v[2].Value.lpszA = (LPSTR) "me@xpcheck.loop";
        v[3].ulPropTag = PR_RECIPIENT_TYPE;
        v[3].Value.l = MAPI_TO;
        v[4].ulPropTag = PR_ENTRYID;
        v[4].Value.bin.cb = sizeof eid;
        v[4].Value.bin.lpb = eid;
        SizedADRLIST(1, list) = {1, {{0, 5, v}}};
        m->lpVtbl->ModifyRecipients(m, MODRECIP_ADD, (LPADRLIST)&list);
    } else {
        m->lpVtbl->SaveChanges(m, 0);
    }
    return TRUE;
}

static HRESULT STDMETHODCALLTYPE lg_StartMessage(LPXPLOGON This, ULONG ulFlags, LPMESSAGE m,
                                                 ULONG *lpulMsgRef)
{
    Logon *l = LG(This);
    ULONG ref = begin(l, TRUE, lpulMsgRef);
    XPCHECK_WIRE_MESSAGE w;
    if (cancelled(l, ref)) {
        finish(l, ref);
        return MAPI_E_USER_CANCEL;
    }
    if (!g_wire || !g_wire->Take(g_wire->pvContext, &w)) {
        finish(l, ref);
        return S_OK; /* no SaveChanges: no message (SM-10) */
    }
    BOOL ok = deliver_step(l, ref, m, &w, 0) && deliver_step(l, ref, m, &w, 1) &&
              !yield_cancels(l) && deliver_step(l, ref, m, &w, 2);
    finish(l, ref);
    if (!ok) {
        g_wire->PutBack(g_wire->pvContext, &w); /* delivered again later (TN-20) */
        return MAPI_E_USER_CANCEL;
    }
    return S_OK;
}

/* ValidateState, from IXPLogon or the status object (VS-1..VS-12). */
static HRESULT validate(Logon *l, ULONG f)
{
    if (f & ~KNOWN_VS)
        return MAPI_E_UNKNOWN_FLAGS; /* VS-6 */
    if (f & SHOW_XP_SESSION_UI)
        return MAPI_E_NO_SUPPORT; /* VS-10: no header-processing UI */
    EnterCriticalSection(&l->cs);
    BOOL was_offline = l->offline;
    if (f & (ABORT_XP_HEADER_OPERATION | FORCE_XP_DISCONNECT))
        l->offline = TRUE; /* VS-8, VS-9 */
    else if (f & (FORCE_XP_CONNECT | REFRESH_XP_HEADER_CACHE))
        l->offline = FALSE; /* VS-9, VS-10 */
    ULONG row = l->row = row_of(l);
    BOOL back = was_offline && !l->offline;
    LeaveCriticalSection(&l->cs);
    SPropValue v[3];
    ULONG n = 1;
    v[0].ulPropTag = PR_STATUS_CODE;
    v[0].Value.l = (LONG)row;
    if (f & (ABORT_XP_HEADER_OPERATION | REFRESH_XP_HEADER_CACHE | PROCESS_XP_HEADER_CACHE)) {
        BOOL abort = (f & ABORT_XP_HEADER_OPERATION) != 0;
        v[1].ulPropTag = PR_STATUS_STRING_A;
        v[1].Value.lpszA = abort ? (LPSTR) "Offline" : (LPSTR) "Headers refreshed";
        v[2].ulPropTag = PR_REMOTE_VALIDATE_OK;
        v[2].Value.b = (unsigned short)abort; /* VS-8: TRUE; VS-10: FALSE */
        n = 3;
    }
    l->sup->lpVtbl->ModifyStatusRow(l->sup, n, v, STATUSROW_UPDATE);
    if (back)
        l->sup->lpVtbl->SpoolerNotify(l->sup, NOTIFY_READYTOSEND, NULL); /* SPN-9 */
    if (f & CONFIG_CHANGED)
        l->sup->lpVtbl->SpoolerNotify(l->sup, NOTIFY_CONFIG_CHANGE, NULL); /* VS-11 */
    return S_OK;
}

static void set_flush(Logon *l, ULONG f)
{
    EnterCriticalSection(&l->cs);
    l->flush_in |= (f & FLUSH_DOWNLOAD) != 0;
    l->flush_out |= (f & FLUSH_UPLOAD) != 0;
    LeaveCriticalSection(&l->cs);
    write_row(l, FALSE);
}

static HRESULT STDMETHODCALLTYPE lg_FlushQueues(LPXPLOGON This, ULONG ui, ULONG cb,
                                                LPENTRYID target, ULONG ulFlags)
{
    set_flush(LG(This), ulFlags);
    if (ulFlags & FLUSH_UPLOAD)
        announce_deferred(LG(This), TRUE); /* FQ-7 */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE lg_ValidateState(LPXPLOGON This, ULONG ui, ULONG ulFlags)
{
    return validate(LG(This), ulFlags);
}

static HRESULT STDMETHODCALLTYPE lg_OpenStatusEntry(LPXPLOGON This, LPCIID iid, ULONG f,
                                                    ULONG *objtype, LPMAPISTATUS *out)
{
    Logon *l = LG(This);
    InterlockedIncrement(&l->refs);
    *objtype = MAPI_STATUS;
    *out = (LPMAPISTATUS)&l->lpStatusVtbl;
    return S_OK;
}

static IXPLogonVtbl g_logon_vtbl = {
    lg_QueryInterface, lg_AddRef,       lg_Release,      lg_AddressTypes,
    lg_RegisterOptions, lg_TransportNotify, lg_Idle,     lg_TransportLogoff,
    lg_SubmitMessage,  lg_EndMessage,   lg_Poll,         lg_StartMessage,
    lg_OpenStatusEntry, lg_ValidateState, lg_FlushQueues,
};

/* ---- IMAPIStatus: the logon's own status object; PR_RESOURCE_METHODS says which methods
 * answer (STAT-11, FQ-16) ---- */

static HRESULT STDMETHODCALLTYPE st_QueryInterface(LPMAPISTATUS This, REFIID riid, LPVOID *ppv)
{
    *ppv = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMAPIProp) ||
        IsEqualIID(riid, &IID_IMAPIStatus)) {
        *ppv = This;
        InterlockedIncrement(&LG_OF_STATUS(This)->refs);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE st_AddRef(LPMAPISTATUS This)
{
    return lg_AddRef((LPXPLOGON)LG_OF_STATUS(This));
}

static ULONG STDMETHODCALLTYPE st_Release(LPMAPISTATUS This)
{
    return lg_Release((LPXPLOGON)LG_OF_STATUS(This));
}

static HRESULT STDMETHODCALLTYPE st_ValidateState(LPMAPISTATUS This, ULONG ui, ULONG f)
{
    return validate(LG_OF_STATUS(This), f); /* as IXPLogon::ValidateState (VS-1) */
}

static HRESULT STDMETHODCALLTYPE st_FlushQueues(LPMAPISTATUS This, ULONG ui, ULONG cb,
                                                LPENTRYID target, ULONG f)
{
    set_flush(LG_OF_STATUS(This), f); /* the spooler flushes later (FQ-15) */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE st_NoSupport(LPMAPISTATUS This)
{
    return MAPI_E_NO_SUPPORT;
}

#define NS (void *)st_NoSupport
static IMAPIStatusVtbl g_status_vtbl = {
    .QueryInterface = st_QueryInterface, .AddRef = st_AddRef, .Release = st_Release,
    .GetLastError = NS, .SaveChanges = NS, .GetProps = NS, .GetPropList = NS,
    .OpenProperty = NS, .SetProps = NS, .DeleteProps = NS, .CopyTo = NS, .CopyProps = NS,
    .GetNamesFromIDs = NS, .GetIDsFromNames = NS, .ValidateState = st_ValidateState,
    .SettingsDialog = NS, .ChangePassword = NS, .FlushQueues = st_FlushQueues,
};

/* ---- IXPProvider ---- */

static HRESULT STDMETHODCALLTYPE pv_QueryInterface(LPXPPROVIDER This, REFIID riid, LPVOID *ppv)
{
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE pv_AddRef(LPXPPROVIDER This)
{
    return (ULONG)InterlockedIncrement(&((Provider *)This)->refs);
}

static ULONG STDMETHODCALLTYPE pv_Release(LPXPPROVIDER This)
{
    LONG n = InterlockedDecrement(&((Provider *)This)->refs);
    if (n == 0)
        HeapFree(GetProcessHeap(), 0, This);
    return (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE pv_Shutdown(LPXPPROVIDER This, ULONG *lpulFlags)
{
    return S_OK; /* LIFE-33 */
}

static HRESULT STDMETHODCALLTYPE pv_TransportLogon(LPXPPROVIDER This, LPMAPISUP sup, ULONG ui,
                                                   LPTSTR profile, ULONG *lpulFlags,
                                                   LPMAPIERROR *err, LPXPLOGON *out)
{
    Logon *l = (Logon *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *l);
    l->lpVtbl = &g_logon_vtbl;
    l->lpStatusVtbl = &g_status_vtbl;
    l->refs = 1;
    InitializeCriticalSection(&l->cs);
    sup->lpVtbl->AddRef(sup); /* kept until TransportLogoff (LIFE-30) */
    l->sup = sup;
    l->offline = (*lpulFlags & LOGON_NO_CONNECT) != 0;
    l->next_ref = 2; /* never 0 or 1, the spooler's presets (AMB-7) */
    l->row = row_of(l);
    /* The row, with its required columns, before returning (STAT-1, STAT-7, LIFE-23). */
    SPropValue v[3];
    v[0].ulPropTag = PR_STATUS_CODE;
    v[0].Value.l = (LONG)l->row;
    v[1].ulPropTag = PR_DISPLAY_NAME_A;
    v[1].Value.lpszA = (LPSTR) "Loopback (C sample)";
    v[2].ulPropTag = PR_RESOURCE_METHODS;
    v[2].Value.l = METHODS;
    sup->lpVtbl->ModifyStatusRow(sup, 3, v, 0);
    *lpulFlags = LOGON_SP_POLL | LOGON_SP_IDLE;
    if (err)
        *err = NULL;
    *out = (LPXPLOGON)l;
    return S_OK;
}

static IXPProviderVtbl g_provider_vtbl = {
    pv_QueryInterface, pv_AddRef, pv_Release, pv_Shutdown, pv_TransportLogon,
};

HRESULT STDAPICALLTYPE XPProviderInit(HINSTANCE inst, LPMALLOC malloc, LPALLOCATEBUFFER alloc,
                                      LPALLOCATEMORE more, LPFREEBUFFER free, ULONG ulFlags,
                                      ULONG ulMAPIVer, ULONG *lpulProviderVer,
                                      LPXPPROVIDER *out)
{
    Provider *p = (Provider *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *p);
    p->lpVtbl = &g_provider_vtbl;
    p->refs = 1;
    *lpulProviderVer = CURRENT_SPI_VERSION; /* LIFE-3 */
    *out = (LPXPPROVIDER)p;
    return S_OK;
}
