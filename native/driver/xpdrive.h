/* xpdrive.exe: the script-driven spooler. xpcheck (`xpcheck native sim`) runs it and streams
 * the spooler's script over its standard input, one command per line; the driver calls the
 * provider DLL's entry points as told and turns every callback the provider makes (IMAPISupport,
 * IMessage, the msg-ref cell, the test wire) into a line on standard output, answered by
 * xpcheck. Inside a callback xpcheck may send further commands first (a TransportNotify
 * injected re-entrantly, as a window procedure would run it), exactly as the simulator does for
 * Rust providers. The protocol is described in protocol.md next to this file.
 */
#ifndef XPDRIVE_H
#define XPDRIVE_H

#include <windows.h>
#include <mapispi.h>
#include <mapidefs.h>
#include <mapicode.h>
#include <mapitags.h>
#include <mapix.h>
#include <mapiutil.h>
#include <stdio.h>

#include "xpcheck_wire.h"

#define XPDRIVE_PROTOCOL 1
#define MAX_LOGONS 16

/* One open SubmitMessage/StartMessage: its msg-ref cell, pointer-sized for providers built
 * against Outlook 2010's MAPISPI.h (ULONG_PTR, SPEC AMB-7); a ULONG provider writes its low
 * half. */
typedef struct Cell {
    ULONGLONG value;
    ULONGLONG return_parm;
} Cell;

/* protocol.c */
void proto_init(void);
/* Writes one line (printf format, no newline) and flushes. */
void proto_send(const char *fmt, ...);
/* Sends "C <logon> <ref> <text>" and serves nested commands until xpcheck answers
 * "A <hr> [values...]"; returns hr and leaves the values in *vals (up to nvals). From a thread
 * other than the driver's main thread nothing is sent: the callback is counted as foreign and
 * `foreign_hr` returned. */
HRESULT proto_callback(ULONG logon, ULONGLONG *vals, int nvals, HRESULT foreign_hr,
                       const char *fmt, ...);
/* Records that an unmodelled method was called: "C <logon> <ref> unsupported Iface::Method". */
HRESULT proto_unsupported(ULONG logon, const char *iface, const char *method);
/* The innermost open msg-ref cell (NULL outside SubmitMessage/StartMessage). */
Cell *proto_cell(void);
void proto_push_cell(Cell *c);
void proto_pop_cell(void);
/* Reads commands until "quit" or the end of input. */
void proto_serve(void);
extern DWORD g_main_thread;
extern LONG g_foreign_callbacks;

/* commands.c */
void command(char *line);
void reset_all(void);

/* support.c: IMAPISupport for logon index `logon`. */
LPMAPISUP support_new(ULONG logon);

/* message.c: the message objects of SubmitMessage (outbound) and StartMessage (inbound). */
typedef struct Message Message;
LPMESSAGE message_new(ULONG logon, ULONG id, BOOL inbound, BOOL nontransmittable, BOOL taken,
                      const char *addrtype);
/* The harness's message behind lpMessage (through any wrapper), or NULL. */
Message *message_find(LPUNKNOWN lpMessage);
ULONG message_id(const Message *m);
ULONG message_logon(const Message *m);
void messages_free_all(void);

/* stream.c: an IStream over `size` bytes (a body), writable or not. */
IStream *stream_new(ULONG logon, const void *data, ULONG size, BOOL writable);

/* wire.c: the XPCHECK_WIRE handed to XPCheckAttachWire. */
const XPCHECK_WIRE *wire_get(void);

/* imports.c: under wine, mapi32 imports bound to wine's decorated exports (returns how many
 * were rebound; 0 on Windows). */
int imports_fix_wine_mapi32(void);

/* Allocators handed to XPProviderInit (mapi32's, wine's builtin under wine). */
#endif
