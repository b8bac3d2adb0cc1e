/* fuzz_dns.c: libFuzzer target: the DNS answer parser over fuzzed answers to a fixed query. */
#include "lib/errors.h"
#include "net/dns.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t ip = 0, ttl = 0;
	/* The first two bytes are the id the query used, so matching answers are reachable. */
	if (size < 2)
		return 0;
	int rc = dns_parse_answer(data, size, get_be16(data), "www.boot.lab", &ip, &ttl);
	if (rc != 0 && rc != -E_BUSY && rc != -E_NOENT && rc != -E_IO && rc != -E_PROTO)
		abort();
	/* The name in a query must round-trip through the builder without overflow. */
	uint8_t q[DNS_QUERY_MAX];
	char name[DNS_NAME_MAX + 8];
	size_t n = MIN(size, sizeof(name) - 1);
	memcpy(name, data, n);
	name[n] = '\0';
	int qlen = dns_build_query(q, sizeof(q), 1, name);
	if (qlen > (int)sizeof(q))
		abort();
	return 0;
}
