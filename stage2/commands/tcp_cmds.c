/* tcp_cmds.c: `tcpopts`, the receive window and ACK spacing of osprey's TCP (HTTP loads), and
 * what its TCP has seen since start. */
#include "lib/errors.h"
#include "net/tcp.h"
#include "ui/command.h"

static int cmd_tcpopts(int argc, char **argv)
{
	const char *win = NULL, *every = NULL, *stats = NULL;
	const struct option_spec opts[] = {
		{ "window", true, &win }, { "ack-every", true, &every }, { "stats", false, &stats },
	};
	uint64_t w = 0;
	uint32_t n = 0;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "tcpopts takes only options (see help tcpopts)");
	/* Check both before changing either. */
	if (win && (parse_size(win, &w) < 0 || w < TCP_WINDOW_MIN || w > TCP_WINDOW_MAX))
		return cmd_error(-E_INVAL, "--window=%s: a size from %uK to %uK", win,
				 TCP_WINDOW_MIN / 1024, TCP_WINDOW_MAX / 1024);
	if (every && (parse_u32(every, &n) < 0 || n > TCP_ACK_EVERY_MAX))
		return cmd_error(-E_INVAL, "--ack-every=%s: a number from 0 (automatic) to %u", every,
				 TCP_ACK_EVERY_MAX);
	if (win)
		tcp_set_window((uint32_t)w);
	if (every)
		tcp_ack_every = n;
	if (tcp_ack_every)
		printf("tcpopts: window %uK ack-every %u\n", tcp_window / 1024, tcp_ack_every);
	else
		printf("tcpopts: window %uK ack-every auto\n", tcp_window / 1024);
	if (stats) {
		const struct tcp_stats *t = &tcp_stats;
		printf("since start: %u segments in, %u out, %u retransmitted (%u fast), %u kept out "
		       "of order, %u duplicates dropped, %u window probes answered, %u resets sent\n",
		       t->segs_in, t->segs_out, t->retransmits, t->fast_retransmits, t->ooo_kept,
		       t->dup_dropped, t->window_probes_answered, t->resets_sent);
	}
	return 0;
}
COMMAND(tcpopts, CMD_MENU, "tcpopts [--window=SIZE] [--ack-every=N] [--stats]",
	"Show or set osprey's TCP receive window (4K-1M, rounded down to a power of two; also "
	"capped to what the NIC can buffer) and how many in-order segments it acknowledges at "
	"once (1-64, 0: a quarter of the window, 2 to 64). Applies to connections opened later. "
	"--stats: segments, retransmissions, out-of-order and duplicate segments since start.",
	cmd_tcpopts);
