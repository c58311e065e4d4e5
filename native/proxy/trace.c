/* trace.c: the JSON Lines writer of xpproxy.dll, the per-thread stack of open calls, msg-ref
 * cell tracking, logon slots and message ids (README "Producing a trace", steps 5 and 6). */
#include "xpproxy.h"

#include <stdarg.h>
#include <stdlib.h>

static CRITICAL_SECTION g_lock;
static LONG g_lock_ready; /* 0: not initialised, 2: ready */
static FILE *g_trace;
static BOOL g_trace_tried;
static unsigned long long g_seq;

static void lock_init(void)
{
    /* First XPProviderInit and DllMain run before any concurrency, but be safe anyway. */
    if (InterlockedCompareExchange(&g_lock_ready, 1, 0) == 0) {
        InitializeCriticalSection(&g_lock);
        InterlockedExchange(&g_lock_ready, 2);
    }
    while (g_lock_ready != 2)
        Sleep(0);
}

BOOL xp_trace_open(void)
{
    lock_init();
    EnterCriticalSection(&g_lock);
    if (!g_trace_tried) {
        char path[MAX_PATH * 2];
        DWORD n = GetEnvironmentVariableA("XPPROXY_TRACE", path, sizeof path);
        if (n == 0 || n >= sizeof path)
            lstrcpynA(path, "xpproxy-trace.jsonl", sizeof path);
        g_trace = fopen(path, "w");
        if (!g_trace)
            fprintf(stderr, "xpproxy: cannot open trace file %s\n", path);
        g_trace_tried = TRUE;
    }
    LeaveCriticalSection(&g_lock);
    return g_trace != NULL;
}

void xp_trace_close(void)
{
    if (g_lock_ready != 2)
        return;
    EnterCriticalSection(&g_lock);
    if (g_trace) {
        fflush(g_trace);
        fclose(g_trace);
        g_trace = NULL;
    }
    LeaveCriticalSection(&g_lock);
}

void xp_log(int logon, const char *lane, const char *fmt, ...)
{
    char body[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (n < 0)
        body[0] = 0;
    lock_init();
    EnterCriticalSection(&g_lock);
    if (g_trace) {
        if (logon > 0)
            fprintf(g_trace, "{\"v\":1,\"seq\":%llu,\"logon\":%d,\"thread\":\"%s\",%s}\n", g_seq,
                    logon, lane, body);
        else
            fprintf(g_trace, "{\"v\":1,\"seq\":%llu,\"thread\":\"%s\",%s}\n", g_seq, lane, body);
        fflush(g_trace);
    }
    g_seq++;
    LeaveCriticalSection(&g_lock);
}

const char *xp_hex(ULONG v)
{
    static __thread char bufs[8][16];
    static __thread unsigned next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "0x%08lX", (unsigned long)v);
    return b;
}

/* ---- per-thread stack of open calls ---- */

typedef struct Frame {
    const char *method;
    int logon;
    const char *lane;
    volatile ULONG *cell; /* low half of the spooler's *lpulMsgRef (little-endian) */
    ULONG last;           /* last value of *cell seen */
} Frame;

#define MAX_DEPTH 32
static __thread Frame t_stack[MAX_DEPTH];
static __thread int t_depth;

void xp_call_enter(const char *method, int logon, const char *lane, void *cell)
{
    if (t_depth < MAX_DEPTH) {
        Frame *f = &t_stack[t_depth];
        f->method = method;
        f->logon = logon;
        f->lane = lane;
        f->cell = (volatile ULONG *)cell;
        f->last = cell ? *(volatile ULONG *)cell : 0;
    }
    t_depth++;
}

void xp_call_leave(void)
{
    if (t_depth > 0)
        t_depth--;
}

/* Logs msg_ref_write for frame f if its cell changed since last seen. */
static void check_frame(Frame *f)
{
    if (!f->cell)
        return;
    ULONG now = *f->cell;
    if (now != f->last) {
        f->last = now;
        xp_log(f->logon, f->lane, "\"event\":\"msg_ref_write\",\"value\":%lu", (unsigned long)now);
    }
}

ULONG xp_call_check_cell(void)
{
    if (t_depth <= 0 || t_depth > MAX_DEPTH)
        return 0;
    Frame *f = &t_stack[t_depth - 1];
    check_frame(f);
    return f->cell ? f->last : 0;
}

void xp_check_open_cells(void)
{
    int top = t_depth < MAX_DEPTH ? t_depth : MAX_DEPTH;
    for (int i = 0; i < top; i++)
        check_frame(&t_stack[i]);
}

const char *xp_callback_lane(void)
{
    int top = t_depth < MAX_DEPTH ? t_depth : MAX_DEPTH;
    xp_check_open_cells();
    if (t_depth <= 0)
        return LANE_PROVIDER;
    return t_stack[top - 1].lane;
}

/* ---- logon slots ---- */

static BOOL g_slot_used[XP_MAX_LOGONS];
static int g_next_slot;

int xp_logon_alloc(void)
{
    int slot = -1;
    lock_init();
    EnterCriticalSection(&g_lock);
    if (g_next_slot < XP_MAX_LOGONS) {
        slot = g_next_slot++;
    } else {
        for (int i = 0; i < XP_MAX_LOGONS; i++)
            if (!g_slot_used[i]) {
                slot = i;
                break;
            }
    }
    if (slot < 0)
        slot = XP_MAX_LOGONS - 1; /* more than 16 live logons: the trace cannot say */
    g_slot_used[slot] = TRUE;
    LeaveCriticalSection(&g_lock);
    return slot;
}

void xp_logon_free(int logon)
{
    if (logon < 0 || logon >= XP_MAX_LOGONS)
        return;
    lock_init();
    EnterCriticalSection(&g_lock);
    g_slot_used[logon] = FALSE;
    LeaveCriticalSection(&g_lock);
}

/* ---- message ids ---- */

typedef struct MsgEntry {
    void *inner;
    ULONG id;
} MsgEntry;

static MsgEntry *g_msgs;
static size_t g_nmsgs, g_capmsgs;
static ULONG g_next_msg = 1;

ULONG xp_msg_id(void *inner)
{
    ULONG id = 0;
    lock_init();
    EnterCriticalSection(&g_lock);
    for (size_t i = 0; i < g_nmsgs; i++)
        if (g_msgs[i].inner == inner) {
            id = g_msgs[i].id;
            break;
        }
    if (!id) {
        if (g_nmsgs == g_capmsgs) {
            size_t cap = g_capmsgs ? g_capmsgs * 2 : 64;
            MsgEntry *m = realloc(g_msgs, cap * sizeof *m);
            if (m) {
                g_msgs = m;
                g_capmsgs = cap;
            }
        }
        id = g_next_msg++;
        if (g_nmsgs < g_capmsgs) {
            g_msgs[g_nmsgs].inner = inner;
            g_msgs[g_nmsgs].id = id;
            g_nmsgs++;
        }
    }
    LeaveCriticalSection(&g_lock);
    return id;
}

/* ---- entry ids: learnt from what the provider reads (PR_ENTRYID in GetProps results), so that
 * NOTIFY_SENTDEFERRED and NOTIFY_ABORT_DEFERRED name the message they are about (TN-3, DEF-4)
 * without the proxy making calls of its own ---- */

#define MAX_ENTRIES 256
typedef struct EntryKey {
    ULONG id;
    ULONG cb;
    BYTE lpb[64];
} EntryKey;
static EntryKey g_entries[MAX_ENTRIES];
static int g_nentries;

void xp_msg_entry_seen(ULONG id, const SBinary *bin)
{
    if (!bin || !bin->lpb || bin->cb == 0 || bin->cb > 64)
        return;
    lock_init();
    EnterCriticalSection(&g_lock);
    int i = 0;
    for (; i < g_nentries; i++)
        if (g_entries[i].cb == bin->cb && !memcmp(g_entries[i].lpb, bin->lpb, bin->cb))
            break;
    if (i == g_nentries && g_nentries < MAX_ENTRIES)
        g_nentries++;
    if (i < MAX_ENTRIES) {
        g_entries[i].id = id;
        g_entries[i].cb = bin->cb;
        memcpy(g_entries[i].lpb, bin->lpb, bin->cb);
    }
    LeaveCriticalSection(&g_lock);
}

ULONG xp_msg_by_entry(const SBinary *bin)
{
    ULONG id = 0;
    if (!bin || !bin->lpb)
        return 0;
    lock_init();
    EnterCriticalSection(&g_lock);
    for (int i = 0; i < g_nentries; i++)
        if (g_entries[i].cb == bin->cb && !memcmp(g_entries[i].lpb, bin->lpb, bin->cb)) {
            id = g_entries[i].id;
            break;
        }
    LeaveCriticalSection(&g_lock);
    return id;
}
