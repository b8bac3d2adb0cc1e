/* chain_jump.c: the last step of every chained boot: osprey's own stack below 0:7C00 and the
 * jump through the trampoline, which overwrites osprey with the chained program. */
#include "chain_tramp.h"
#include "loader/chain.h"
#include "segments.h"

extern char chain_tramp[], chain_tramp_end[], chain_tramp_params[], chain_tramp_return[];

#define OWN_STACK_SP (CHAIN_LOAD_ADDR - 8)

uint16_t chain_own_stack(uint32_t bang)
{
	uint8_t *s = (uint8_t *)(uintptr_t)OWN_STACK_SP;

	put_le16(s, (uint16_t)(CHAIN_TRAMP_ADDR + (chain_tramp_return - chain_tramp)));
	put_le16(s + 2, 0);
	put_le32(s + 4, bang);
	return OWN_STACK_SP;
}

void chain_jump(const struct chain_params *p)
{
	uint8_t *tramp = (uint8_t *)(uintptr_t)CHAIN_TRAMP_ADDR;

	memcpy(tramp, chain_tramp, (size_t)(chain_tramp_end - chain_tramp));
	memcpy(tramp + (chain_tramp_params - chain_tramp), p, sizeof(*p));
	((void (*)(void))(uintptr_t)CHAIN_TRAMP_ADDR)();
	__builtin_unreachable();
}
