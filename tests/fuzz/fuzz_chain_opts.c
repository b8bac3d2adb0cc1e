/* fuzz_chain_opts.c: libFuzzer target for `chainloader --option=`: the CODE:TEXT argument and
 * setting options in an untrusted cached DHCP packet (dhcp_opts_patch); the result must stay in
 * its buffer and, when the input was a valid packet, still parse with the options found. */
#include "lib/errors.h"
#include "net/bootp.h"
#include "net/dhcp_patch.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[2048];
	struct dhcp_opt o[2];
	char arg[300];
	size_t alen = size < sizeof(arg) - 1 ? size : sizeof(arg) - 1;
	size_t outmax;
	const uint8_t *v;
	int n;

	memcpy(arg, data, alen);
	arg[alen] = 0;
	if (dhcp_opt_arg_parse(arg, &o[0]) == 0 && (o[0].code == 0 || o[0].code == 255))
		abort();
	dhcp_opt_arg_parse("209:pxelinux.cfg/boot", &o[0]);
	dhcp_opt_arg_parse("210:/pxe/", &o[1]);
	outmax = size ? 240 + data[0] * 8u : sizeof(out);
	if (outmax > sizeof(out))
		outmax = sizeof(out);
	n = dhcp_opts_patch(data, size, o, 2, out, outmax);
	if (n > (int)outmax)
		abort();
	if (n > 0 && (dhcp_find_option(out, (size_t)n, 210, &v) != 5 || memcmp(v, "/pxe/", 5)))
		abort();
	return 0;
}
