/* fuzz_net.h: the start of every run of a fuzz target that plays a server to the stack. */
#ifndef FUZZ_NET_H
#define FUZZ_NET_H

#include <stddef.h>
#include <stdint.h>

/* Reset the fake NIC once per process (slow: it unbinds every port), then for each run put
 * back the first run's settings, drain frames the last run left queued (nobody listens for
 * them now), make responder the fake server and clear the abort key. */
void fuzz_net_begin(void (*responder)(const uint8_t *frame, size_t len));

#endif
