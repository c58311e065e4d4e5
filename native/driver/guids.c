/* The MAPI interface ids the driver answers QueryInterface for, defined once. */
#define INITGUID
#define USES_IID_IMessage
#define USES_IID_IMAPIProp
#define USES_IID_IMAPITable
#define USES_IID_IMAPISup
#include <windows.h>
#include <initguid.h>
#include <mapiguid.h>
