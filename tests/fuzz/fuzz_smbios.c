/* fuzz_smbios.c: libFuzzer target for the SMBIOS entry point scan and structure walk: the input
 * is laid out as a fake F segment (first 64 KiB) and the table at whatever address it names. */
#include "services/smbios.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *in;
static size_t in_len;

/* F segment: the first 64 KiB of input (zero beyond it); at 0x100000: the whole input again,
 * so a table an entry point names there is the fuzzer's bytes. */
static uint8_t fseg[0x10000];

static const uint8_t *fake_read(uint32_t phys, size_t len)
{
	if (phys >= SMBIOS_SCAN_START && phys < SMBIOS_SCAN_END && len <= SMBIOS_SCAN_END - phys)
		return fseg + (phys - SMBIOS_SCAN_START);
	if (phys == 0x100000u && len <= in_len)
		return in;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t u[16];
	int rc;

	in = data;
	in_len = size;
	memset(fseg, 0, sizeof(fseg));
	memcpy(fseg, data, size < sizeof(fseg) ? size : sizeof(fseg));
	rc = smbios_find_uuid(fake_read, u);
	if (rc != 0 && rc != -E_NOENT && rc != -E_PROTO)
		abort();
	/* The same bytes as the table of a valid 2.8 entry point at 0xf0000. */
	if (size > 0) {
		static const uint8_t ep[0x20] = "_SM_\0\x1f\x02\x08\0\0\0\0\0\0\0\0_DMI_";
		memcpy(fseg, ep, sizeof(ep));
		put_le16(fseg + 0x16, (uint16_t)(size > 0xffff ? 0xffff : size));
		put_le32(fseg + 0x18, 0x100000u);
		uint8_t s = 0;
		fseg[4] = 0;
		fseg[0x15] = 0;
		for (int i = 0x10; i < 0x1f; i++)
			s = (uint8_t)(s + fseg[i]);
		fseg[0x15] = (uint8_t)-s;
		s = 0;
		for (int i = 0; i < 0x1f; i++)
			s = (uint8_t)(s + fseg[i]);
		fseg[4] = (uint8_t)-s;
		rc = smbios_find_uuid(fake_read, u);
		if (rc != 0 && rc != -E_NOENT && rc != -E_PROTO)
			abort();
	}
	return 0;
}
