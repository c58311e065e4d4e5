/* IMAPISupport as the spooler gives it to TransportLogon: the transport-provider methods the
 * contract names (ModifyStatusRow, SpoolerYield, SpoolerNotify, StatusRecips, MakeInvalid,
 * GetMemAllocRoutines) are served; every other method answers MAPI_E_NO_SUPPORT and is
 * reported to xpcheck ("unsupported"), never a crash. */
#include "xpdrive.h"

#include <string.h>

typedef struct Support {
    IMAPISupportVtbl *lpVtbl;
    LONG refs;
    ULONG logon;
} Support;

#define SUP(This) ((Support *)(This))

static HRESULT STDMETHODCALLTYPE sup_QueryInterface(LPMAPISUP This, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMAPISup)) {
        *ppv = This;
        InterlockedIncrement(&SUP(This)->refs);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE sup_AddRef(LPMAPISUP This)
{
    return (ULONG)InterlockedIncrement(&SUP(This)->refs);
}

/* The driver holds one reference for the logon's life; the provider's Release of the
 * reference it took is the support object's release (LIFE-30). */
static ULONG STDMETHODCALLTYPE sup_Release(LPMAPISUP This)
{
    LONG n = InterlockedDecrement(&SUP(This)->refs);
    if (n <= 1)
        proto_callback(SUP(This)->logon, NULL, 0, S_OK, "srelease");
    return n < 0 ? 0 : (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE sup_GetMemAllocRoutines(LPMAPISUP This, LPALLOCATEBUFFER *a,
                                                         LPALLOCATEMORE *m, LPFREEBUFFER *f)
{
    if (a)
        *a = MAPIAllocateBuffer;
    if (m)
        *m = MAPIAllocateMore;
    if (f)
        *f = MAPIFreeBuffer;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE sup_ModifyStatusRow(LPMAPISUP This, ULONG cValues,
                                                     LPSPropValue vals, ULONG ulFlags)
{
    ULONG status = 0, rm = 0;
    int has_name = 0, has_rm = 0, has_string = 0, has_rvok = 0, rvok = 0;
    for (ULONG i = 0; vals && i < cValues; i++) {
        switch (PROP_ID(vals[i].ulPropTag)) {
        case PROP_ID(PR_STATUS_CODE):
            status = vals[i].Value.l;
            break;
        case PROP_ID(PR_DISPLAY_NAME):
            has_name = 1;
            break;
        case PROP_ID(PR_RESOURCE_METHODS):
            has_rm = 1;
            rm = vals[i].Value.l;
            break;
        case PROP_ID(PR_STATUS_STRING):
            has_string = 1;
            break;
        case PROP_ID(PR_REMOTE_VALIDATE_OK):
            has_rvok = 1;
            rvok = vals[i].Value.b != 0;
            break;
        }
    }
    return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "row %lu %lu %d %d %lu %d %d %d",
                          ulFlags, status, has_name, has_rm, rm, has_string, has_rvok, rvok);
}

static HRESULT STDMETHODCALLTYPE sup_MakeInvalid(LPMAPISUP This, ULONG f, LPVOID obj, ULONG r,
                                                 ULONG c)
{
    return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "invalid");
}

static HRESULT STDMETHODCALLTYPE sup_SpoolerYield(LPMAPISUP This, ULONG ulFlags)
{
    return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "yield %lu", ulFlags);
}

/* The entry id of a harness message: "XPCK" and its id (message.c). */
static long entry_to_id(const SBinary *bin)
{
    if (!bin || bin->cb != 8 || !bin->lpb || memcmp(bin->lpb, "XPCK", 4))
        return -1;
    ULONG id;
    memcpy(&id, bin->lpb + 4, 4);
    return (long)id;
}

static HRESULT STDMETHODCALLTYPE sup_SpoolerNotify(LPMAPISUP This, ULONG ulFlags, LPVOID data)
{
    if ((ulFlags & NOTIFY_SENTDEFERRED) && data) {
        long id = entry_to_id((const SBinary *)data);
        if (id >= 0)
            return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "notify %lu %ld", ulFlags,
                                  id);
    }
    return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "notify %lu -", ulFlags);
}

static HRESULT STDMETHODCALLTYPE sup_StatusRecips(LPMAPISUP This, LPMESSAGE msg, LPADRLIST list)
{
    Message *m = message_find((LPUNKNOWN)msg);
    /* StatusRecips takes the list: MAPI frees it. */
    if (list) {
        for (ULONG i = 0; i < list->cEntries; i++)
            MAPIFreeBuffer(list->aEntries[i].rgPropVals);
        MAPIFreeBuffer(list);
    }
    if (!m)
        return proto_callback(SUP(This)->logon, NULL, 0, E_INVALIDARG, "recips -");
    return proto_callback(SUP(This)->logon, NULL, 0, S_OK, "recips %lu", message_id(m));
}

/* Every other method: MAPI_E_NO_SUPPORT, reported by name. */
#define UNSUPPORTED(name)                                                                     \
    static HRESULT STDMETHODCALLTYPE sup_##name(LPMAPISUP This)                               \
    {                                                                                         \
        return proto_unsupported(SUP(This)->logon, "IMAPISupport", #name);                    \
    }
UNSUPPORTED(GetLastError)
UNSUPPORTED(Subscribe)
UNSUPPORTED(Unsubscribe)
UNSUPPORTED(Notify)
UNSUPPORTED(OpenProfileSection)
UNSUPPORTED(RegisterPreprocessor)
UNSUPPORTED(NewUID)
UNSUPPORTED(CreateOneOff)
UNSUPPORTED(SetProviderUID)
UNSUPPORTED(CompareEntryIDs)
UNSUPPORTED(OpenTemplateID)
UNSUPPORTED(OpenEntry)
UNSUPPORTED(GetOneOffTable)
UNSUPPORTED(Address)
UNSUPPORTED(Details)
UNSUPPORTED(NewEntry)
UNSUPPORTED(DoConfigPropsheet)
UNSUPPORTED(CopyMessages)
UNSUPPORTED(CopyFolder)
UNSUPPORTED(DoCopyTo)
UNSUPPORTED(DoCopyProps)
UNSUPPORTED(DoProgressDialog)
UNSUPPORTED(ReadReceipt)
UNSUPPORTED(PrepareSubmit)
UNSUPPORTED(ExpandRecips)
UNSUPPORTED(UpdatePAB)
UNSUPPORTED(DoSentMail)
UNSUPPORTED(OpenAddressBook)
UNSUPPORTED(Preprocess)
UNSUPPORTED(CompleteMsg)
UNSUPPORTED(StoreLogoffTransports)
UNSUPPORTED(WrapStoreEntryID)
UNSUPPORTED(ModifyProfile)
UNSUPPORTED(IStorageFromStream)
UNSUPPORTED(GetSvcConfigSupportObj)

#define SLOT(name) .name = (void *)sup_##name
static IMAPISupportVtbl g_vtbl = {
    SLOT(QueryInterface),
    SLOT(AddRef),
    SLOT(Release),
    SLOT(GetLastError),
    SLOT(GetMemAllocRoutines),
    SLOT(Subscribe),
    SLOT(Unsubscribe),
    SLOT(Notify),
    SLOT(ModifyStatusRow),
    SLOT(OpenProfileSection),
    SLOT(RegisterPreprocessor),
    SLOT(NewUID),
    SLOT(MakeInvalid),
    SLOT(SpoolerYield),
    SLOT(SpoolerNotify),
    SLOT(CreateOneOff),
    SLOT(SetProviderUID),
    SLOT(CompareEntryIDs),
    SLOT(OpenTemplateID),
    SLOT(OpenEntry),
    SLOT(GetOneOffTable),
    SLOT(Address),
    SLOT(Details),
    SLOT(NewEntry),
    SLOT(DoConfigPropsheet),
    SLOT(CopyMessages),
    SLOT(CopyFolder),
    SLOT(DoCopyTo),
    SLOT(DoCopyProps),
    SLOT(DoProgressDialog),
    SLOT(ReadReceipt),
    SLOT(PrepareSubmit),
    SLOT(ExpandRecips),
    SLOT(UpdatePAB),
    SLOT(DoSentMail),
    SLOT(OpenAddressBook),
    SLOT(Preprocess),
    SLOT(CompleteMsg),
    SLOT(StoreLogoffTransports),
    SLOT(StatusRecips),
    SLOT(WrapStoreEntryID),
    SLOT(ModifyProfile),
    SLOT(IStorageFromStream),
    SLOT(GetSvcConfigSupportObj),
};

LPMAPISUP support_new(ULONG logon)
{
    /* Never freed: a provider may (wrongly) use it after logoff, which is then reported, not a
     * crash. One small object per logon. */
    Support *s = (Support *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *s);
    s->lpVtbl = &g_vtbl;
    s->refs = 1;
    s->logon = logon;
    return (LPMAPISUP)s;
}
