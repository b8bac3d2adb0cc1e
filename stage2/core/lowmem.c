/* lowmem.c: base (conventional) memory arithmetic: what the BIOS reports, what must fit below it. */
#include "services/lowmem.h"
#include "lib/errors.h"

uint32_t lowmem_top(uint32_t int12_kib, uint32_t bda_kib)
{
	/* Trust the smaller count: a PXE ROM or an EBDA lowers 40:13, and a BIOS that forgets
	 * to update one of them must not make us use memory it gave away. */
	uint64_t top = (uint64_t)MIN(int12_kib, bda_kib) * 1024;

	return top > LOWMEM_LIMIT ? LOWMEM_LIMIT : (uint32_t)top;
}

int lowmem_check(uint32_t end, uint32_t top)
{
	return end <= top ? 0 : -E_NOMEM;
}

int lowmem_setup_base(uint32_t loader_end, uint32_t top, uint32_t *base)
{
	uint64_t b = ALIGN_UP((uint64_t)loader_end, LOWMEM_SETUP_ALIGN);

	*base = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
	return b + LOWMEM_SETUP_SPAN <= top ? 0 : -E_NOMEM;
}
