/* IStream over a message's body, for IMessage::OpenProperty(PR_BODY, IID_IStream): read-only
 * text on the harness's outbound messages, a writable buffer on the inbound ones (the write is
 * reported when the stream is opened for writing, message.c). Memory only; freed at release. */
#include "xpdrive.h"

#include <string.h>

typedef struct Stream {
    IStreamVtbl *lpVtbl;
    LONG refs;
    ULONG logon;
    BYTE *data;
    ULONG size, cap, pos;
    BOOL writable;
} Stream;

#define STM(This) ((Stream *)(This))

static HRESULT STDMETHODCALLTYPE stm_QueryInterface(IStream *This, REFIID riid, void **ppv)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IStream) ||
        IsEqualIID(riid, &IID_ISequentialStream)) {
        *ppv = This;
        InterlockedIncrement(&STM(This)->refs);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE stm_AddRef(IStream *This)
{
    return (ULONG)InterlockedIncrement(&STM(This)->refs);
}

static ULONG STDMETHODCALLTYPE stm_Release(IStream *This)
{
    LONG n = InterlockedDecrement(&STM(This)->refs);
    if (n == 0) {
        HeapFree(GetProcessHeap(), 0, STM(This)->data);
        HeapFree(GetProcessHeap(), 0, This);
    }
    return n < 0 ? 0 : (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE stm_Read(IStream *This, void *pv, ULONG cb, ULONG *read)
{
    Stream *s = STM(This);
    ULONG n = s->pos < s->size ? s->size - s->pos : 0;
    if (n > cb)
        n = cb;
    memcpy(pv, s->data + s->pos, n);
    s->pos += n;
    if (read)
        *read = n;
    return S_OK;
}

static BOOL reserve(Stream *s, ULONG need)
{
    if (need <= s->cap)
        return TRUE;
    ULONG cap = s->cap ? s->cap : 256;
    while (cap < need)
        cap *= 2;
    BYTE *d = s->data ? HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, s->data, cap)
                      : HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, cap);
    if (!d)
        return FALSE;
    s->data = d;
    s->cap = cap;
    return TRUE;
}

static HRESULT STDMETHODCALLTYPE stm_Write(IStream *This, const void *pv, ULONG cb, ULONG *done)
{
    Stream *s = STM(This);
    if (!s->writable)
        return STG_E_ACCESSDENIED;
    if (!reserve(s, s->pos + cb))
        return STG_E_MEDIUMFULL;
    memcpy(s->data + s->pos, pv, cb);
    s->pos += cb;
    if (s->pos > s->size)
        s->size = s->pos;
    if (done)
        *done = cb;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE stm_Seek(IStream *This, LARGE_INTEGER move, DWORD origin,
                                          ULARGE_INTEGER *now)
{
    Stream *s = STM(This);
    LONGLONG base = origin == STREAM_SEEK_SET ? 0 : origin == STREAM_SEEK_CUR ? s->pos : s->size;
    LONGLONG to = base + move.QuadPart;
    if (to < 0)
        return STG_E_INVALIDFUNCTION;
    s->pos = (ULONG)to;
    if (now)
        now->QuadPart = s->pos;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE stm_SetSize(IStream *This, ULARGE_INTEGER size)
{
    Stream *s = STM(This);
    if (!s->writable)
        return STG_E_ACCESSDENIED;
    if (!reserve(s, (ULONG)size.QuadPart))
        return STG_E_MEDIUMFULL;
    s->size = (ULONG)size.QuadPart;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE stm_Commit(IStream *This, DWORD flags) { return S_OK; }

static HRESULT STDMETHODCALLTYPE stm_Stat(IStream *This, STATSTG *st, DWORD flags)
{
    memset(st, 0, sizeof *st);
    st->type = STGTY_STREAM;
    st->cbSize.QuadPart = STM(This)->size;
    return S_OK;
}

#define STM_UNSUPPORTED(name)                                                                 \
    static HRESULT STDMETHODCALLTYPE stm_##name(IStream *This)                                \
    {                                                                                         \
        return proto_unsupported(STM(This)->logon, "IStream", #name);                         \
    }
STM_UNSUPPORTED(CopyTo)
STM_UNSUPPORTED(Revert)
STM_UNSUPPORTED(LockRegion)
STM_UNSUPPORTED(UnlockRegion)
STM_UNSUPPORTED(Clone)

#define SSLOT(name) .name = (void *)stm_##name
static IStreamVtbl g_stream_vtbl = {
    SSLOT(QueryInterface), SSLOT(AddRef),     SSLOT(Release), SSLOT(Read),
    SSLOT(Write),          SSLOT(Seek),       SSLOT(SetSize), SSLOT(CopyTo),
    SSLOT(Commit),         SSLOT(Revert),     SSLOT(LockRegion), SSLOT(UnlockRegion),
    SSLOT(Stat),           SSLOT(Clone),
};

IStream *stream_new(ULONG logon, const void *data, ULONG size, BOOL writable)
{
    Stream *s = (Stream *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *s);
    s->lpVtbl = &g_stream_vtbl;
    s->refs = 1;
    s->logon = logon;
    s->writable = writable;
    if (size && reserve(s, size)) {
        memcpy(s->data, data, size);
        s->size = size;
    }
    return (IStream *)s;
}
