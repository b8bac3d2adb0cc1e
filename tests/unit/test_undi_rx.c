/* test_undi_rx.c: unit tests of gathering UNDI receive pieces with hostile lengths from the ROM
 * (too long, empty, pieces overrunning the frame, a piece of another frame, unreadable). */
#include "test.h"
#include "drivers/netdev.h"
#include "drivers/undi.h"

static uint8_t buf[ETH_RXBUF_SIZE + 64];

TEST(undi_rx_one_piece)
{
	struct undi_rx rx = { 0 };
	uint8_t f[60];

	memset(f, 0xab, sizeof(f));
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 60, 60), 60);
	CHECK(!memcmp(buf, f, 60));
	CHECK_EQ(rx.have, 0);
}

TEST(undi_rx_pieces_add_up)
{
	struct undi_rx rx = { 0 };
	uint8_t f[1514];

	for (int i = 0; i < 1514; i++)
		f[i] = (uint8_t)i;
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 1000, 1514), 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, f + 1000, 514, 1514), 1514);
	CHECK(!memcmp(buf, f, 1514));
}

TEST(undi_rx_hostile_lengths)
{
	struct undi_rx rx = { 0 };
	uint8_t f[ETH_RXBUF_SIZE + 64] = { 0 };

	/* Longer than our buffer: dropped, nothing written past it. */
	memset(buf, 0x55, sizeof(buf));
	CHECK_EQ(undi_rx_piece(&rx, buf, f, ETH_RXBUF_SIZE + 10, ETH_RXBUF_SIZE + 10), 0);
	CHECK_EQ(buf[0], 0x55);
	/* Split over two pieces: still dropped whole, the state resets. */
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 1000, 2000), 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 1000, 2000), 0);
	CHECK_EQ(rx.have, 0);
	CHECK_EQ(buf[0], 0x55);
	/* A piece longer than the frame claims to be. */
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 100, 60), 0);
	CHECK_EQ(rx.have, 0);
	/* Empty pieces and empty frames never complete. */
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 0, 60), 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 0, 0), 0);
	CHECK_EQ(rx.have, 0);
	/* Unreadable piece (outside low memory): dropped. */
	CHECK_EQ(undi_rx_piece(&rx, buf, NULL, 60, 60), 0);
	/* A second piece overrunning the rest of the frame. */
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 40, 100), 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 70, 100), 0);
	CHECK_EQ(rx.have, 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, f, 60, 60), 60);
}

TEST(undi_rx_piece_of_another_frame_restarts)
{
	struct undi_rx rx = { 0 };
	uint8_t a[100], b[80];

	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	CHECK_EQ(undi_rx_piece(&rx, buf, a, 50, 100), 0);
	CHECK_EQ(undi_rx_piece(&rx, buf, b, 80, 80), 80);
	CHECK_EQ(buf[0], 2);
	CHECK_EQ(buf[79], 2);
}
