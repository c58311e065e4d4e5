/* xpsample_cancel_missed.dll: the C sample with a classic flaw (TN-17): it checks for
 * NOTIFY_CANCEL_MESSAGE once, before the transfer starts, and misses a cancel that arrives
 * while the message is being sent. `xpcheck native sim --dll xpsample_cancel_missed.dll`
 * catches it; see TRANSFER_CANCELLED in xpsample_loop.c for the one place it differs. */
#define XPSAMPLE_CANCEL_MISSED
#include "xpsample_loop.c"
