/* Properties of the harness's messages and recipients (props.c). */
#ifndef XPDRIVE_PROPS_H
#define XPDRIVE_PROPS_H

#include "xpdrive.h"

/* A nontransmittable property the harness's outbound messages may carry (provider-defined
 * nontransmittable range, SUB-11). */
#define XPCHECK_PR_NONTRANSMITTABLE PROP_TAG(PT_LONG, 0x6700)
#define RECIPIENT_COLUMNS 7
#define RECIPIENTS 2

typedef struct PropSource {
    ULONG id;
    BOOL inbound;
    BOOL nontransmittable;
    BOOL taken;
    char addrtype[32];
} PropSource;

BOOL prop_transmittable(ULONG tag);
BOOL prop_message(const PropSource *m, ULONG tag, LPSPropValue v, LPVOID parent);
ULONG prop_message_tags(const PropSource *m, ULONG *out, ULONG max);
BOOL prop_recipient(const PropSource *m, ULONG row, ULONG tag, LPSPropValue v, LPVOID parent);
void prop_error(LPSPropValue v, ULONG tag);
extern const ULONG g_recipient_tags[RECIPIENT_COLUMNS];

#endif
