/* fake_netdev.c: the unit tests' fake NIC, clock and abort key, shared with the fuzz targets. */
#include "../unit/fake_netdev.c"
