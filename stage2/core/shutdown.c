/* shutdown.c: runs the registered shutdown hooks, last registered first. */
#include "lib/lib.h"
#include "services/shutdown.h"

static void (*hooks[8])(unsigned how);
static int nhooks;

void shutdown_register(void (*fn)(unsigned how))
{
	if (nhooks < (int)ARRAY_SIZE(hooks))
		hooks[nhooks++] = fn;
}

void shutdown_all(unsigned how)
{
	while (nhooks > 0)
		hooks[--nhooks](how);
}
