/* The spooler's commands: one IXPProvider / IXPLogon / IMAPIStatus call each (protocol.md). */
#include "xpdrive.h"

#include <stdlib.h>
#include <string.h>

const char *g_dll_path;

static HMODULE g_module;
static LPXPPROVIDER g_provider;
static LPXPLOGON g_logons[MAX_LOGONS];
static LPMAPISTATUS g_status[MAX_LOGONS];
static ULONG g_generation;

/* Casts for the entry points whose msg-ref is ULONG_PTR in Outlook 2010's MAPISPI.h: the
 * driver passes the whole pointer-sized value (a ULONG provider reads the low half). */
typedef HRESULT(STDMETHODCALLTYPE *END_MESSAGE_PTR)(LPXPLOGON, ULONG_PTR, ULONG *);

void reset_all(void)
{
    memset(g_logons, 0, sizeof g_logons);
    memset(g_status, 0, sizeof g_status);
    g_provider = NULL;
    messages_free_all();
    if (g_module) {
        FreeLibrary(g_module);
        g_module = NULL;
    }
}

static ULONGLONG next_num(char **p)
{
    char *end;
    ULONGLONG v = strtoull(*p, &end, 10);
    *p = end;
    return v;
}

static LPXPLOGON logon_at(ULONG l)
{
    if (l >= MAX_LOGONS || !g_logons[l]) {
        fprintf(stderr, "xpdrive: no logon object at index %lu\n", l);
        ExitProcess(4);
    }
    return g_logons[l];
}

static LPMAPISTATUS status_at(ULONG l)
{
    if (l >= MAX_LOGONS || !g_status[l]) {
        fprintf(stderr, "xpdrive: no status object at index %lu\n", l);
        ExitProcess(4);
    }
    return g_status[l];
}

static void cmd_init(void)
{
    reset_all();
    g_generation++;
    g_module = LoadLibraryA(g_dll_path);
    if (!g_module) {
        proto_send("E cannot load %s (error %lu)", g_dll_path, GetLastError());
        return;
    }
    XPPROVIDERINIT *init = (XPPROVIDERINIT *)(void *)GetProcAddress(g_module, "XPProviderInit");
    if (!init) {
        proto_send("E %s does not export XPProviderInit", g_dll_path);
        return;
    }
    imports_fix_wine_mapi32();
    LPXPCHECKATTACHWIRE attach =
        (LPXPCHECKATTACHWIRE)(void *)GetProcAddress(g_module, "XPCheckAttachWire");
    if (attach)
        attach(wire_get());
    ULONG ver = 0;
    LPXPPROVIDER prov = NULL;
    LPMALLOC malloc = NULL;
    CoGetMalloc(1, &malloc);
    HRESULT hr = init(g_module, malloc, MAPIAllocateBuffer, MAPIAllocateMore,
                      MAPIFreeBuffer, 0, CURRENT_SPI_VERSION, &ver, &prov);
    g_provider = SUCCEEDED(hr) ? prov : NULL;
    imports_fix_wine_mapi32(); /* DLLs the provider loaded itself (a proxy's real provider) */
    proto_send("R %lu %lu %d", (ULONG)hr, ver, attach != NULL);
}

void command(char *line)
{
    char verb[32];
    int n = 0;
    if (sscanf(line, "%31s%n", verb, &n) != 1) {
        proto_send("E empty command");
        return;
    }
    char *p = line + n;
    HRESULT hr;
    if (!strcmp(verb, "init")) {
        cmd_init();
    } else if (!strcmp(verb, "logon")) {
        ULONG l = (ULONG)next_num(&p), flags = (ULONG)next_num(&p);
        LPMAPISUP sup = support_new(l);
        LPXPLOGON logon = NULL;
        LPMAPIERROR err = NULL;
        hr = g_provider->lpVtbl->TransportLogon(g_provider, sup, 0, (LPTSTR) "xpcheck", &flags,
                                                &err, &logon);
        if (l < MAX_LOGONS)
            g_logons[l] = SUCCEEDED(hr) ? logon : NULL;
        if (err)
            MAPIFreeBuffer(err);
        /* The driver keeps its own reference to the support object for the logon's life; the
         * provider AddRefs it to keep it and releases that reference in TransportLogoff
         * (LIFE-30). */
        proto_send("R %lu %lu", (ULONG)hr, flags);
    } else if (!strcmp(verb, "shutdown")) {
        ULONG flags = (ULONG)next_num(&p);
        hr = g_provider->lpVtbl->Shutdown(g_provider, &flags);
        proto_send("R %lu %lu", (ULONG)hr, flags);
    } else if (!strcmp(verb, "release_provider")) {
        ULONG gen = (ULONG)next_num(&p);
        if (gen == g_generation && g_provider) {
            g_provider->lpVtbl->Release(g_provider);
            g_provider = NULL;
        }
        proto_send("R 0");
    } else if (!strcmp(verb, "release_logon")) {
        ULONG gen = (ULONG)next_num(&p), l = (ULONG)next_num(&p);
        if (gen == g_generation && l < MAX_LOGONS && g_logons[l]) {
            g_logons[l]->lpVtbl->Release(g_logons[l]);
            g_logons[l] = NULL;
        }
        proto_send("R 0");
    } else if (!strcmp(verb, "release_status")) {
        ULONG gen = (ULONG)next_num(&p), l = (ULONG)next_num(&p);
        if (gen == g_generation && l < MAX_LOGONS && g_status[l]) {
            g_status[l]->lpVtbl->Release(g_status[l]);
            g_status[l] = NULL;
        }
        proto_send("R 0");
    } else if (!strcmp(verb, "addrtypes")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        ULONG flags = 0, cTypes = 0, cUids = 0;
        LPTSTR *types = NULL;
        LPMAPIUID *uids = NULL;
        hr = x->lpVtbl->AddressTypes(x, &flags, &cTypes, &types, &cUids, &uids);
        proto_send("R %lu %lu", (ULONG)hr, cTypes);
    } else if (!strcmp(verb, "notify")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        ULONG flags = (ULONG)next_num(&p);
        ULONGLONG ref = next_num(&p);
        int has = (int)next_num(&p);
        /* *lppvData: the msg-ref (NOTIFY_CANCEL_MESSAGE, a pointer-sized cell, AMB-7), or the
         * deferred message's entry id as an SBinary (NOTIFY_ABORT_DEFERRED). */
        BYTE eid[8] = {'X', 'P', 'C', 'K'};
        ULONG id = (ULONG)ref;
        memcpy(eid + 4, &id, 4);
        SBinary bin = {sizeof eid, eid};
        LPVOID data = has == 1 ? (LPVOID)&ref : has == 2 ? (LPVOID)&bin : NULL;
        hr = x->lpVtbl->TransportNotify(x, &flags, &data);
        proto_send("R %lu %lu", (ULONG)hr, flags);
    } else if (!strcmp(verb, "submit")) {
        ULONG l = (ULONG)next_num(&p);
        LPXPLOGON x = logon_at(l);
        ULONG flags = (ULONG)next_num(&p), id = (ULONG)next_num(&p);
        Cell cell = {0, 0};
        cell.value = next_num(&p);
        BOOL nt = (BOOL)next_num(&p), taken = (BOOL)next_num(&p);
        char addrtype[32] = "LOOP";
        sscanf(p, "%31s", addrtype);
        LPMESSAGE m = message_new(l, id, FALSE, nt, taken, addrtype);
        proto_push_cell(&cell);
        hr = x->lpVtbl->SubmitMessage(x, flags, m, (ULONG *)&cell.value,
                                      (ULONG *)&cell.return_parm);
        proto_pop_cell();
        proto_send("R %lu %llu %llu", (ULONG)hr, cell.value, cell.return_parm);
    } else if (!strcmp(verb, "end")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        ULONGLONG ref = next_num(&p);
        ULONG flags = (ULONG)next_num(&p);
        END_MESSAGE_PTR end = (END_MESSAGE_PTR)(void *)x->lpVtbl->EndMessage;
        hr = end(x, (ULONG_PTR)ref, &flags);
        proto_send("R %lu %lu", (ULONG)hr, flags);
    } else if (!strcmp(verb, "start")) {
        ULONG l = (ULONG)next_num(&p);
        LPXPLOGON x = logon_at(l);
        ULONG flags = (ULONG)next_num(&p), id = (ULONG)next_num(&p);
        Cell cell = {0, 0};
        cell.value = next_num(&p);
        LPMESSAGE m = message_new(l, id, TRUE, FALSE, FALSE, "LOOP");
        proto_push_cell(&cell);
        hr = x->lpVtbl->StartMessage(x, flags, m, (ULONG *)&cell.value);
        proto_pop_cell();
        proto_send("R %lu %llu", (ULONG)hr, cell.value);
    } else if (!strcmp(verb, "poll")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        ULONG incoming = 0;
        hr = x->lpVtbl->Poll(x, &incoming);
        proto_send("R %lu %lu", (ULONG)hr, incoming);
    } else if (!strcmp(verb, "idle")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        hr = x->lpVtbl->Idle(x, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "flush")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        hr = x->lpVtbl->FlushQueues(x, 0, 0, NULL, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "validate")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        hr = x->lpVtbl->ValidateState(x, 0, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "openstatus")) {
        ULONG l = (ULONG)next_num(&p);
        LPXPLOGON x = logon_at(l);
        ULONG objtype = 0;
        LPMAPISTATUS st = NULL;
        hr = x->lpVtbl->OpenStatusEntry(x, NULL, 0, &objtype, &st);
        if (l < MAX_LOGONS)
            g_status[l] = SUCCEEDED(hr) ? st : NULL;
        proto_send("R %lu %lu", (ULONG)hr, objtype);
    } else if (!strcmp(verb, "st_validate")) {
        LPMAPISTATUS s = status_at((ULONG)next_num(&p));
        hr = s->lpVtbl->ValidateState(s, 0, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "st_flush")) {
        LPMAPISTATUS s = status_at((ULONG)next_num(&p));
        hr = s->lpVtbl->FlushQueues(s, 0, 0, NULL, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "st_settings")) {
        LPMAPISTATUS s = status_at((ULONG)next_num(&p));
        hr = s->lpVtbl->SettingsDialog(s, 0, 0);
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "logoff")) {
        LPXPLOGON x = logon_at((ULONG)next_num(&p));
        hr = x->lpVtbl->TransportLogoff(x, (ULONG)next_num(&p));
        proto_send("R %lu", (ULONG)hr);
    } else if (!strcmp(verb, "stats")) {
        proto_send("R 0 %ld %lu", InterlockedExchange(&g_foreign_callbacks, 0), g_generation);
    } else if (!strcmp(verb, "hello")) {
        proto_send("R 0 %d", XPDRIVE_PROTOCOL);
    } else {
        proto_send("E unknown command %s", verb);
    }
}
