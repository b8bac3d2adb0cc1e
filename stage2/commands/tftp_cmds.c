/* tftp_cmds.c: `tftpopts`, the TFTP options osprey's own client asks servers for. */
#include "lib/errors.h"
#include "net/tftp.h"
#include "ui/command.h"

/* Parse one size option into *out within [lo, hi]. */
static int take(const char *name, const char *text, unsigned lo, unsigned hi, uint16_t *out)
{
	uint32_t v;

	if (parse_u32(text, &v) < 0 || v < lo || v > hi)
		return cmd_error(-E_INVAL, "--%s=%s: a number from %u to %u", name, text, lo, hi);
	*out = (uint16_t)v;
	return 0;
}

static int cmd_tftpopts(int argc, char **argv)
{
	const char *bs = NULL, *ws = NULL, *stats = NULL;
	const struct option_spec opts[] = {
		{ "blksize", true, &bs }, { "windowsize", true, &ws }, { "stats", false, &stats },
	};
	struct tftp_opts o = tftp_settings;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "tftpopts takes only options (see help tftpopts)");
	if (bs && take("blksize", bs, 512, TFTP_DEFAULT_BLKSIZE, &o.blksize) < 0)
		return -E_INVAL;
	if (ws && take("windowsize", ws, 1, TFTP_MAX_WINDOW, &o.windowsize) < 0)
		return -E_INVAL;
	tftp_settings = o;
	printf("tftpopts: blksize %u windowsize %u\n",
	       o.blksize ? o.blksize : TFTP_DEFAULT_BLKSIZE,
	       o.windowsize ? o.windowsize : TFTP_DEFAULT_WINDOW);
	if (stats) {
		const struct tftp_stats *t = &tftp_last_stats;
		printf("last transfer: %llu blocks, %u gap ACKs (%u repeated at a flight's end), "
		       "%u ACKs after silence, %u timeouts, %u blocks kept ahead of a gap, %u "
		       "dropped; round trip %u us, timeout %u ms; blocks of %u bytes, window %u; "
		       "%u read request%s\n",
		       (unsigned long long)t->blocks, t->gap_acks, t->flight_end_acks,
		       t->silence_acks, t->timeouts, t->kept, t->dropped, t->srtt_us, t->rto_ms,
		       t->blksize, t->window, t->requests, t->requests == 1 ? "" : "s");
	}
	return 0;
}
COMMAND(tftpopts, CMD_MENU, "tftpopts [--blksize=N] [--windowsize=N] [--stats]",
	"Show or set the block size (512-1468; 512 asks for no blksize option) and window size "
	"(1-1024; 1 asks for no windowsize option) osprey's TFTP client asks servers for. A server "
	"may grant less; the default window is also capped to what the NIC can buffer (8 over the "
	"PXE ROM's UDP API). 1024 suits "
	"atftpd on a lossy wire. --stats: how the last transfer through osprey's TFTP client went "
	"(gaps, silences, timeouts, blocks kept, round trip, read requests).",
	cmd_tftpopts);
