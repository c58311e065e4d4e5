/* The line protocol between xpcheck and xpdrive.exe (protocol.md). */
#include "xpdrive.h"

#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

DWORD g_main_thread;
LONG g_foreign_callbacks;

#define MAX_DEPTH 64
static Cell *g_cells[MAX_DEPTH];
static int g_ncells;

void proto_init(void)
{
    g_main_thread = GetCurrentThreadId();
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
}

void proto_send(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

/* One line of input without its line end; exits when xpcheck has gone (end of input). */
static char *read_line(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin)) {
        fflush(stdout);
        ExitProcess(0);
    }
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = 0;
    return buf;
}

Cell *proto_cell(void) { return g_ncells ? g_cells[g_ncells - 1] : NULL; }

void proto_push_cell(Cell *c)
{
    if (g_ncells < MAX_DEPTH)
        g_cells[g_ncells] = c;
    g_ncells++;
}

void proto_pop_cell(void)
{
    if (g_ncells)
        g_ncells--;
}

HRESULT proto_callback(ULONG logon, ULONGLONG *vals, int nvals, HRESULT foreign_hr,
                       const char *fmt, ...)
{
    char text[512], line[600], in[4096];
    va_list ap;
    if (GetCurrentThreadId() != g_main_thread) {
        /* A thread the provider started: xpcheck is not listening now (it waits for the
         * answer of the entry point it called); answered here, counted, reported as foreign. */
        InterlockedIncrement(&g_foreign_callbacks);
        return foreign_hr;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Cell *c = proto_cell();
    if (c)
        snprintf(line, sizeof line, "C %lu %llu %s", logon, c->value, text);
    else
        snprintf(line, sizeof line, "C %lu - %s", logon, text);
    proto_send("%s", line);
    for (;;) {
        read_line(in, sizeof in);
        if (in[0] == 'A' && in[1] == ' ') {
            char *p = in + 2, *end;
            HRESULT hr = (HRESULT)strtoul(p, &end, 10);
            for (int i = 0; i < nvals; i++) {
                p = end;
                vals[i] = strtoull(p, &end, 10);
            }
            return hr;
        }
        command(in);
    }
}

HRESULT proto_unsupported(ULONG logon, const char *iface, const char *method)
{
    proto_callback(logon, NULL, 0, MAPI_E_NO_SUPPORT, "unsupported %s::%s", iface, method);
    return MAPI_E_NO_SUPPORT;
}

void proto_serve(void)
{
    char in[4096];
    for (;;) {
        read_line(in, sizeof in);
        if (!strcmp(in, "quit"))
            break;
        command(in);
    }
}
