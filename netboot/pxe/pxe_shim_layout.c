/* pxe_shim_layout.c: builds the block of the chained NBP's PXE API front (pxe_shim.h): code,
 * copies of !PXE and PXENV+ pointing into it, the patched cached packets. */
#include "lib/errors.h"
#include "pxe/pxe_core.h"
#include "pxe/pxe_shim.h"

#define PARA(x) ALIGN_UP((size_t)(x), (size_t)16)

void pxe_fix_checksum(uint8_t *p, unsigned len, unsigned at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (unsigned i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

size_t pxe_shim_size(const struct pxe_shim_in *in)
{
	size_t n = PARA(in->code_len);

	if (in->bang)
		n += PARA(in->bang[4]);
	if (in->pxenv)
		n += PARA(in->pxenv[8]);
	for (int i = 0; i < 2; i++)
		if (in->pkt[i])
			n += PARA(in->pkt_len[i]);
	return n;
}

int pxe_shim_layout(const struct pxe_shim_in *in, uint16_t seg, uint8_t *out, size_t outmax,
		    struct pxe_shim_out *o)
{
	struct pxe_shim_vars v;
	size_t at = PARA(in->code_len), size = pxe_shim_size(in);
	uint32_t base = (uint32_t)seg << 16;
	uint16_t bang_off = 0;

	memset(o, 0, sizeof(*o));
	if (!in->bang && !in->pxenv)
		return -E_INVAL;
	if (in->code_len < sizeof(v) || size > 0x10000)
		return -E_INVAL;
	if (size > outmax)
		return -E_TOOBIG;
	memset(out, 0, size);
	memcpy(out, in->code, in->code_len);
	memset(&v, 0, sizeof(v));
	v.int1a = in->int1a;
	if (in->bang) {
		unsigned len = in->bang[4];
		memcpy(out + at, in->bang, len);
		v.bang_entry = get_le32(in->bang + 0x10);
		put_le32(out + at + 0x10, base | in->bang_entry_off);
		pxe_fix_checksum(out + at, len, 5);
		bang_off = (uint16_t)at;
		o->bang_so = base | bang_off;
		at += PARA(len);
	}
	if (in->pxenv) {
		unsigned len = in->pxenv[8];
		memcpy(out + at, in->pxenv, len);
		v.pxenv_entry = get_le32(in->pxenv + 0x0a);
		put_le32(out + at + 0x0a, base | in->pxenv_entry_off);
		if (len >= PXENV_PXEPTR_LEN && get_le16(in->pxenv + 6) >= 0x0201)
			put_le32(out + at + 0x28, o->bang_so);
		pxe_fix_checksum(out + at, len, 9);
		v.pxenv_off = (uint16_t)at;
		o->pxenv_so = base | v.pxenv_off;
		at += PARA(len);
	}
	for (int i = 0; i < 2; i++) {
		if (!in->pkt[i])
			continue;
		memcpy(out + at, in->pkt[i], in->pkt_len[i]);
		v.pkt_off[i] = (uint16_t)at;
		v.pkt_len[i] = (uint16_t)in->pkt_len[i];
		at += PARA(in->pkt_len[i]);
	}
	o->int1a_so = base | in->int1a_off;
	v.int1a_ours = o->int1a_so;
	v.kib_ours = in->kib_ours;
	v.kib_rom = in->kib_rom;
	memcpy(out, &v, sizeof(v));
	o->size = size;
	return 0;
}
