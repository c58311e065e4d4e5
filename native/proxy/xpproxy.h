/* xpproxy.h: shared declarations of the recording proxy xpproxy.dll (README "Producing a trace
 * from a C/C++ provider"). trace.c writes the JSON Lines trace and keeps the per-thread stack of
 * open calls; xpproxy.c wraps IXPProvider / IXPLogon / IMAPIStatus; support.c wraps
 * IMAPISupport; message.c wraps IMessage. Event names and fields follow Body in
 * properties/src/event.rs. */
#ifndef XPPROXY_H
#define XPPROXY_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <mapidefs.h>
#include <mapicode.h>
#include <mapitags.h>
#include <mapispi.h>

#define XP_MAX_LOGONS 16

/* Logical threads (the trace's "thread" field). */
#define LANE_SPOOLER "spooler"
#define LANE_NOTIFY "notify"
#define LANE_PROVIDER "provider"
#define LANE_CLIENT "client1"

/* ---- trace.c ---- */

/* Opens the trace file once per load of the DLL (XPPROXY_TRACE or xpproxy-trace.jsonl). */
BOOL xp_trace_open(void);
void xp_trace_close(void);

/* Writes one line {"v":1,"seq":N,"logon":L,"thread":"lane",<body>} under the global lock and
 * flushes it. body is a printf format producing `"event":"...",...`. */
void xp_log(int logon, const char *lane, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Per-thread stack of open spooler -> provider calls. cell: the spooler's *lpulMsgRef of an
 * open SubmitMessage/StartMessage (NULL otherwise). */
void xp_call_enter(const char *method, int logon, const char *lane, void *cell);
void xp_call_leave(void);

/* Before logging the return of the innermost open call: logs msg_ref_write if its cell changed.
 * Returns the low 32 bits of the cell (0 when the call has none). */
ULONG xp_call_check_cell(void);

/* A callback from the provider into a harness-owned object (support, message): returns the
 * lane to log it on (that of the innermost open call on this OS thread, or "provider"), and
 * logs msg_ref_write for any open SubmitMessage/StartMessage cell on this thread that changed. */
const char *xp_callback_lane(void);

/* Logs msg_ref_write for every open SubmitMessage/StartMessage cell on this OS thread that
 * changed: before a TransportNotify is logged, since the spooler reads the cell for a cancel
 * (TN-21) even when the provider made no callback since its write (a re-entrant notify). A
 * notify on another OS thread sees only its own thread's calls (none). */
void xp_check_open_cells(void);

/* Entry ids the provider read (PR_ENTRYID), by msg id; 0 when unknown. */
void xp_msg_entry_seen(ULONG id, const SBinary *bin);
ULONG xp_msg_by_entry(const SBinary *bin);

/* Logon slots: allocated at TransportLogon entry, freed on failure or final Release. */
int xp_logon_alloc(void);
void xp_logon_free(int logon);

/* Stable message id for an inner IMessage pointer (1, 2, 3, ...). */
ULONG xp_msg_id(void *inner);

/* Formats an HRESULT / flag word as "0x%08X" into a rotating static buffer (per thread). */
const char *xp_hex(ULONG v);

/* ---- support.c ---- */
/* Wraps the spooler's support object for logon (the wrapper starts with the one reference the
 * spooler lends for the duration of TransportLogon). */
LPMAPISUP xp_wrap_support(LPMAPISUP inner, int logon);
/* TransportLogon of the support wrapper's logon returned (from now on the provider's own
 * references are counted). */
void xp_support_logon_returned(LPMAPISUP wrapper);

/* ---- message.c ---- */
LPMESSAGE xp_wrap_message(LPMESSAGE inner, int logon, BOOL inbound);
/* If p is a message wrapper, its id (else 0) and, through inner, the object it wraps. */
ULONG xp_message_id_of(void *p, LPMESSAGE *inner);

#endif
