/* netconf.c: the one network configuration every protocol and command reads. */
#include "net/net.h"

struct netconf netconf;
