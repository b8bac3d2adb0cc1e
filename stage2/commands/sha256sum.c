/* sha256sum.c: `sha256sum [--gunzip] FILE` prints a file's SHA-256 digest (of its unpacked
 * contents with --gunzip, which also shows the unpacking rate). */
#include "ui/command.h"
#include "lib/errors.h"
#include "files/file.h"
#include "services/heap.h"
#include "net/sha256.h"

static int cmd_sha256sum(int argc, char **argv)
{
	struct sha256_ctx ctx;
	uint8_t digest[32];
	char hex[65];
	const char *gz = NULL;
	const struct option_spec specs[] = { { "gunzip", false, &gz } };
	struct load_opts lo = { 0 };
	void *data;
	size_t len;
	int rc;

	argc = parse_options(argc, argv, specs, ARRAY_SIZE(specs));
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: sha256sum [--gunzip] FILE");
	if (gz)
		lo.flags = LOAD_GUNZIP;
	rc = file_load(argv[1], &lo, &data, &len);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	heap_free(data);
	sha256_hex(digest, hex);
	printf("%s  %s\n", hex, argv[1]);
	return 0;
}
COMMAND(sha256sum, CMD_MENU, "sha256sum [--gunzip] FILE",
	"Print the SHA-256 digest of FILE (--gunzip: of the unpacked contents of a gzip FILE).",
	cmd_sha256sum);
