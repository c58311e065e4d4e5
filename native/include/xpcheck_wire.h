/* xpcheck_wire.h: the simulated messaging system xpdrive.exe lends a provider under test.
 *
 * A provider DLL that exports XPCheckAttachWire is handed the harness's wire right after
 * XPProviderInit, before any TransportLogon: outbound mail goes to the wire with Transmit,
 * inbound mail comes from it with Take, and the harness decides when the remote system is
 * online and what arrives (the same wire the Rust providers of xpcheck's simulator use).
 * Under a real spooler nobody calls XPCheckAttachWire and the provider uses its own
 * messaging system. Everything here is plain C, one calling convention (the default x64 one).
 */
#ifndef XPCHECK_WIRE_H
#define XPCHECK_WIRE_H

#include <windows.h>
#include <mapidefs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this structure (cb is its size). */
#define XPCHECK_WIRE_VERSION 1

/* One inbound wire message: its subject names it ("xpcheck wire message N"); copy it into
 * PR_SUBJECT of the message StartMessage fills, the harness matches deliveries by it (TN-20).
 * fNontransmittable: it carries nontransmittable properties, which a provider must not store
 * in the new message (SM-8). */
typedef struct XPCHECK_WIRE_MESSAGE {
    char szSubject[64];
    BOOL fNontransmittable;
} XPCHECK_WIRE_MESSAGE;

typedef struct XPCHECK_WIRE {
    ULONG cb;       /* sizeof(XPCHECK_WIRE) */
    ULONG ulVersion; /* XPCHECK_WIRE_VERSION */
    void *pvContext;
    /* The remote system is reachable (store-and-forward providers defer mail while it is not). */
    BOOL (*IsOnline)(void *pvContext);
    /* Hands lpMessage's content to the messaging system: with its nontransmittable properties
     * or not (SUB-11), to recipients another transport already took or not (SUB-12). A transfer
     * step (TN-17). lpMessage is the IMessage SubmitMessage was given. */
    HRESULT (*Transmit)(void *pvContext, LPMESSAGE lpMessage, BOOL fWithNontransmittable,
                        BOOL fToTakenRecipients);
    /* Inbound messages waiting on the wire. */
    ULONG (*Waiting)(void *pvContext);
    /* Takes the next inbound message (FALSE: none). */
    BOOL (*Take)(void *pvContext, XPCHECK_WIRE_MESSAGE *lpOut);
    /* Puts a taken message back at the head of the queue (a cancelled delivery, TN-20). */
    void (*PutBack)(void *pvContext, const XPCHECK_WIRE_MESSAGE *lpMsg);
} XPCHECK_WIRE;

/* The driver's message objects answer QueryInterface for this IID with themselves (a proxy
 * forwards it to the object it wraps), so Transmit finds the harness's message behind any
 * wrapper. {6f1c9a52-3b7e-4d1a-9c55-58a1e0c0d7a1} */
static const GUID IID_IXPCheckMessage = {
    0x6f1c9a52, 0x3b7e, 0x4d1a, {0x9c, 0x55, 0x58, 0xa1, 0xe0, 0xc0, 0xd7, 0xa1}};

/* Optional export of a provider DLL: keep lpWire (valid until the DLL is unloaded). */
typedef void (STDAPICALLTYPE XPCHECKATTACHWIRE)(const XPCHECK_WIRE *lpWire);
typedef XPCHECKATTACHWIRE *LPXPCHECKATTACHWIRE;

/* The recipient's PR_ADDRTYPE the harness's messages carry (LIFE-24: "LOOP"; a message for
 * another address type must be answered MAPI_E_NOT_ME, SUB-5). */
#define XPCHECK_ADDRTYPE "LOOP"

#ifdef __cplusplus
}
#endif

#endif
