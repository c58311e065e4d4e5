/* Under wine, mapi32's utility functions: wine 8's builtin mapi32 exports many of them only
 * under their 32-bit decorated names even on x64 ("HrGetOneProp@12"), and its undecorated
 * names are stubs that abort. A provider built for Windows x64 imports the undecorated names,
 * so the driver points each such import of every loaded module at the decorated export when
 * wine has one (FreeProws, HrGetOneProp, HrQueryAllRows, PpropFindProp, ...). Functions wine
 * does not implement at all stay stubs: calling one stops the provider with a finding naming
 * it. On Windows nothing is changed. */
#include "xpdrive.h"

#include <psapi.h>
#include <string.h>

static BOOL under_wine(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static FARPROC decorated(HMODULE mapi, const char *name)
{
    char buf[128];
    for (int n = 0; n <= 64; n += 4) {
        snprintf(buf, sizeof buf, "%s@%d", name, n);
        FARPROC f = GetProcAddress(mapi, buf);
        if (f)
            return f;
    }
    return NULL;
}

static int fix_module(HMODULE mod, HMODULE mapi)
{
    BYTE *base = (BYTE *)mod;
    IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)base;
    if (dos->e_magic != IMAGE_DOS_SIGNATURE)
        return 0;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + dos->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    if (!dir.VirtualAddress)
        return 0;
    int fixed = 0;
    for (IMAGE_IMPORT_DESCRIPTOR *imp = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress);
         imp->Name; imp++) {
        if (_stricmp((const char *)(base + imp->Name), "mapi32.dll") || !imp->OriginalFirstThunk)
            continue;
        IMAGE_THUNK_DATA *names = (IMAGE_THUNK_DATA *)(base + imp->OriginalFirstThunk);
        IMAGE_THUNK_DATA *iat = (IMAGE_THUNK_DATA *)(base + imp->FirstThunk);
        for (; names->u1.AddressOfData; names++, iat++) {
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal))
                continue;
            IMAGE_IMPORT_BY_NAME *by = (IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData);
            FARPROC real = decorated(mapi, (const char *)by->Name);
            if (!real || iat->u1.Function == (ULONG_PTR)real)
                continue;
            DWORD old;
            if (VirtualProtect(&iat->u1.Function, sizeof iat->u1.Function, PAGE_READWRITE, &old)) {
                iat->u1.Function = (ULONG_PTR)real;
                VirtualProtect(&iat->u1.Function, sizeof iat->u1.Function, old, &old);
                fixed++;
            }
        }
    }
    return fixed;
}

int imports_fix_wine_mapi32(void)
{
    if (!under_wine())
        return 0;
    HMODULE mapi = GetModuleHandleA("mapi32.dll");
    if (!mapi)
        return 0;
    HMODULE mods[256];
    DWORD need = 0;
    if (!EnumProcessModules(GetCurrentProcess(), mods, sizeof mods, &need))
        return 0;
    int fixed = 0;
    for (DWORD i = 0; i < need / sizeof(HMODULE) && i < 256; i++)
        if (mods[i] != mapi)
            fixed += fix_module(mods[i], mapi);
    return fixed;
}
