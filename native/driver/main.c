/* xpdrive.exe --serve PROVIDER.DLL: the script-driven spooler (xpdrive.h, protocol.md). */
#include "xpdrive.h"

#include <string.h>

extern const char *g_dll_path;

/* A crash in the provider (an access violation, an unimplemented import under wine, ...) is a
 * finding, not a lost run: the exception goes to xpcheck as "X <code> <address> <module>"
 * before the process ends, instead of a debugger's dump. */
static LONG WINAPI on_crash(EXCEPTION_POINTERS *e)
{
    char module[MAX_PATH] = "?";
    HMODULE h = NULL;
    void *at = e->ExceptionRecord->ExceptionAddress;
    if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                               GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (LPCSTR)at, &h))
        GetModuleFileNameA(h, module, sizeof module);
    proto_send("X %lu %p %s", (ULONG)e->ExceptionRecord->ExceptionCode, at, module);
    fflush(stdout);
    ExitProcess(5);
    return EXCEPTION_EXECUTE_HANDLER;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--serve")) {
        g_dll_path = argv[2];
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
        SetUnhandledExceptionFilter(on_crash);
        proto_init();
        proto_serve();
        return 0;
    }
    fprintf(stderr,
            "usage: xpdrive.exe --serve PROVIDER.DLL\n"
            "  The script-driven spooler of xpcheck: it loads PROVIDER.DLL (a MAPI transport\n"
            "  provider exporting XPProviderInit) and executes the spooler script xpcheck\n"
            "  streams on standard input (protocol %d). Run it through `xpcheck native sim\n"
            "  --dll PROVIDER.DLL`, not by hand.\n",
            XPDRIVE_PROTOCOL);
    return 2;
}
