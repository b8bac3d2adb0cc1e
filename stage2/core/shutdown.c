/* shutdown.c: runs the registered shutdown hooks, last registered first. */
#include "lib/lib.h"
#include "services/shutdown.h"

static void (*hooks[8])(void);
static int nhooks;

void shutdown_register(void (*fn)(void))
{
	if (nhooks < (int)ARRAY_SIZE(hooks))
		hooks[nhooks++] = fn;
}

void shutdown_all(void)
{
	while (nhooks > 0)
		hooks[--nhooks]();
}
