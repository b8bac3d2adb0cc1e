/* test_e1000_rx.c: the e1000 receive ring's lending: frames come out of their ring buffers, and
 * RDT (what the chip may fill) never reaches a buffer the stack still holds. The chip is played
 * by the test: registers are plain memory, "receiving" sets a descriptor's DD bit. */
#include "test.h"
#include "../../netboot/drivers/e1000.c"

/* What e1000.c needs from PCI at probe, which these tests never call. */
uintptr_t pci_bar_mem(const struct pci_dev *d, int bar)
{
	(void)d;
	(void)bar;
	return 0;
}

void pci_enable(const struct pci_dev *d)
{
	(void)d;
}

static struct e1000_rx_desc ring[NUM_RX];
static uint8_t bufs[NUM_RX * RX_BUF_SIZE];
static uint32_t regs[0x4000];
static struct netdev nd;
static unsigned chip_next;              /* the next descriptor the "chip" fills */

static struct e1000 *setup(void)
{
	struct e1000 *e = &e1000_state;

	memset(e, 0, sizeof(*e));
	memset(ring, 0, sizeof(ring));
	memset(regs, 0, sizeof(regs));
	e->regs = (volatile uint8_t *)regs;
	e->rx = ring;
	e->rx_buf = bufs;
	e->rx_tail = NUM_RX - 1;
	regs[E1000_RDT / 4] = NUM_RX - 1;
	chip_next = 0;
	nd.priv = e;
	return e;
}

static unsigned rdt(void)
{
	return regs[E1000_RDT / 4];
}

/* The chip fills the next descriptor, as it may only up to RDT-1; returns false when it owns
 * none (the ring is full for it). The frame's first byte says which it is. */
static bool chip_receive(uint16_t len, uint8_t errors)
{
	if (chip_next == rdt())
		return false;
	bufs[chip_next * RX_BUF_SIZE] = (uint8_t)chip_next;
	ring[chip_next].length = len;
	ring[chip_next].errors = errors;
	ring[chip_next].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	chip_next = (chip_next + 1) % NUM_RX;
	return true;
}

/* Is descriptor i the chip's to fill, given where it stands (chip_next) and RDT? */
static bool chip_owns(unsigned i)
{
	return (i + NUM_RX - chip_next) % NUM_RX < (rdt() + NUM_RX - chip_next) % NUM_RX;
}

TEST(e1000_rx_lends_frames_in_place_and_gives_back_in_batches)
{
	setup();
	const uint8_t *f;

	CHECK_EQ(e1000_rx_lend(&nd, &f), 0);            /* nothing yet */
	for (unsigned n = 0; n < 3 * NUM_RX; n++) {
		CHECK(chip_receive(60, 0));
		int rc = e1000_rx_lend(&nd, &f);
		CHECK_EQ(rc, 60);
		CHECK(f == bufs + (n % NUM_RX) * RX_BUF_SIZE);     /* no copy: the ring buffer */
		CHECK(!chip_owns(n % NUM_RX));
		e1000_rx_return(&nd, f);
		/* Everything consumed but less than a batch is back with the chip. */
		CHECK((n % NUM_RX + NUM_RX - rdt()) % NUM_RX < RX_RETURN_BATCH);
	}
}

TEST(e1000_rx_held_frame_stays_out_of_the_chips_reach)
{
	setup();
	const uint8_t *outer, *inner;
	unsigned nested = 0;

	CHECK(chip_receive(100, 0));
	CHECK_EQ(e1000_rx_lend(&nd, &outer), 100);
	/* While the outer frame is held (a handler polling for ARP), frames pass through nested
	 * polls until the chip has no descriptor left: the held buffer, and every one after it,
	 * stays out of its reach (RDT gives back a contiguous run). */
	while (nested < 2 * NUM_RX && chip_receive(60, 0)) {   /* bounded if RDT passed it */
		CHECK_EQ(e1000_rx_lend(&nd, &inner), 60);
		e1000_rx_return(&nd, inner);
		CHECK(!chip_owns(0));
		CHECK(outer[0] == 0);                   /* still the outer frame's bytes */
		nested++;
	}
	CHECK_EQ(nested, NUM_RX - 2);
	CHECK_EQ(e1000_state.lent, 1);
	e1000_rx_return(&nd, outer);
	/* All of them go back at once (the last consumed stays ours as the gap). */
	CHECK_EQ(rdt(), NUM_RX - 2);
	CHECK(chip_owns(0));
	CHECK(chip_receive(60, 0));
	CHECK(chip_receive(60, 0));
	CHECK_EQ(e1000_rx_lend(&nd, &inner), 60);
	CHECK(inner == bufs + (NUM_RX - 1) * RX_BUF_SIZE);
	e1000_rx_return(&nd, inner);
}

TEST(e1000_rx_bad_frames_dropped_and_given_back)
{
	setup();
	const uint8_t *f;

	CHECK(chip_receive(60, E1000_RXD_ERR_MASK & -E1000_RXD_ERR_MASK));   /* a CRC-class error */
	CHECK_EQ(e1000_rx_lend(&nd, &f), 0);
	CHECK(chip_receive(10, 0));                     /* shorter than an Ethernet header */
	CHECK_EQ(e1000_rx_lend(&nd, &f), 0);
	CHECK(chip_receive(ETH_RXBUF_SIZE + 1, 0));     /* longer than the stack takes */
	CHECK_EQ(e1000_rx_lend(&nd, &f), 0);
	CHECK_EQ(e1000_state.lent, 0);
	CHECK(chip_receive(60, 0));
	CHECK_EQ(e1000_rx_lend(&nd, &f), 60);
	CHECK(f[0] == 3);
	e1000_rx_return(&nd, f);
	CHECK_EQ(e1000_state.lent, 0);
}
