/* fuzz_config_names.c: libFuzzer target for the configuration file names built from a DHCP
 * reply's options 150, 209 and 210 (the input is the whole reply). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ui/server_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config_names c;
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	config_names_build(&c, data, size, "boot/osprey.0", size >= 16 ? data : NULL, mac, 0x0a000205);
	if (c.n < 0 || c.n > CONFIG_NAMES_MAX || memchr(c.dir, 0, sizeof(c.dir)) == NULL)
		abort();
	for (int i = 0; i < c.n; i++) {
		size_t n = strnlen(c.name[i], CONFIG_NAME_LEN);
		if (n == 0 || n >= CONFIG_NAME_LEN)
			abort();
		for (size_t k = 0; k < n; k++)
			if (c.name[i][k] <= ' ' || c.name[i][k] > '~')
				abort();
	}
	(void)config_names_in_reply(data, size);
	return 0;
}
