/* test_vt100.c: unit tests of the VT100 key decoder: sequences, CR/LF, lone ESC, garbage. */
#include "test.h"
#include "lib/lib.h"
#include "services/keys.h"
#include "services/vt100.h"

/* Feed n bytes one ms apart starting at *t, then go idle for 100 ms; collect every key. */
static int decode_keys(struct vt100_decoder *d, const char *bytes, size_t n, uint64_t *t,
		       int *keys, int max)
{
	int nk = 0, k;

	for (size_t i = 0; i < n; i++) {
		k = vt100_feed(d, (unsigned char)bytes[i], (*t)++);
		if (k >= 0 && nk < max)
			keys[nk++] = k;
	}
	*t += 100;
	while ((k = vt100_idle(d, *t)) >= 0 && nk < max)
		keys[nk++] = k;
	return nk;
}

#define KEYS(str, ...)                                                              \
	do {                                                                        \
		struct vt100_decoder _d = { 0 };                                    \
		uint64_t _t = 1000;                                                 \
		int _got[64], _want[] = { __VA_ARGS__ };                            \
		int _n = decode_keys(&_d, str, sizeof(str) - 1, &_t, _got, 64);     \
		CHECK_EQ(_n, ARRAY_SIZE(_want));                                    \
		for (int _i = 0; _i < _n && _i < (int)ARRAY_SIZE(_want); _i++)      \
			CHECK_EQ(_got[_i], _want[_i]);                              \
	} while (0)

#define NOKEYS(str)                                                                 \
	do {                                                                        \
		struct vt100_decoder _d = { 0 };                                    \
		uint64_t _t = 1000;                                                 \
		int _got[64];                                                       \
		CHECK_EQ(decode_keys(&_d, str, sizeof(str) - 1, &_t, _got, 64), 0); \
	} while (0)

TEST(vt100_plain_bytes)
{
	KEYS("ab", 'a', 'b');
	KEYS("\x7f\x08", KEY_BACKSPACE, KEY_BACKSPACE);
	KEYS("\x01\x03\t", KEY_CTRL_A, KEY_CTRL_C, KEY_TAB);
	KEYS("\xe9", 0xe9);
	NOKEYS("\0");
	KEYS("a\0b", 'a', 'b');
}

TEST(vt100_enter)
{
	KEYS("\r", KEY_ENTER);
	KEYS("\n", KEY_ENTER);
	KEYS("\r\n", KEY_ENTER);
	KEYS("a\r\nb", 'a', KEY_ENTER, 'b');
	KEYS("\r\r", KEY_ENTER, KEY_ENTER);
	KEYS("\n\n", KEY_ENTER, KEY_ENTER);
	KEYS("\n\r", KEY_ENTER, KEY_ENTER);
	KEYS("\r\n\r\n", KEY_ENTER, KEY_ENTER);

	/* A '\n' long after a '\r' is a key of its own. */
	struct vt100_decoder d = { 0 };
	CHECK_EQ(vt100_feed(&d, '\r', 0), KEY_ENTER);
	CHECK_EQ(vt100_idle(&d, 1), -1);
	CHECK_EQ(vt100_feed(&d, '\n', 2), -1);
	CHECK_EQ(vt100_feed(&d, '\r', 10), KEY_ENTER);
	CHECK_EQ(vt100_idle(&d, 100), -1);
	CHECK_EQ(vt100_feed(&d, '\n', 101), KEY_ENTER);
}

TEST(vt100_csi_keys)
{
	KEYS("\x1b[A\x1b[B\x1b[C\x1b[D", KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT);
	KEYS("\x1bOA\x1bOB\x1bOC\x1bOD", KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT);
	KEYS("\x1b[H\x1b[F\x1bOH\x1bOF", KEY_HOME, KEY_END, KEY_HOME, KEY_END);
	KEYS("\x1b[1~\x1b[7~\x1b[4~\x1b[8~", KEY_HOME, KEY_HOME, KEY_END, KEY_END);
	KEYS("\x1b[3~\x1b[2~\x1b[5~\x1b[6~", KEY_DELETE, KEY_INSERT, KEY_PGUP, KEY_PGDN);
	/* Modifiers (ctrl-right, ctrl-delete) are ignored, the key stays. */
	KEYS("\x1b[1;5C\x1b[3;5~\x1bO5A", KEY_RIGHT, KEY_DELETE, KEY_UP);
	KEYS("x\x1b[Ay", 'x', KEY_UP, 'y');
	KEYS("\x1bOM", KEY_ENTER);
}

TEST(vt100_unknown_sequences_dropped)
{
	NOKEYS("\x1b[Z");
	NOKEYS("\x1b[9~");
	NOKEYS("\x1b[?25h");
	NOKEYS("\x1b[15;2~");
	NOKEYS("\x1bOP");
	KEYS("\x1b[[Ab", 'b');   /* Linux console F1 */
	KEYS("\x1b[200~hi\x1b[201~", 'h', 'i');   /* bracketed paste markers */
}

TEST(vt100_lone_esc)
{
	struct vt100_decoder d = { 0 };

	CHECK_EQ(vt100_feed(&d, 0x1b, 1000), -1);
	CHECK_EQ(vt100_idle(&d, 1010), -1);
	CHECK_EQ(vt100_idle(&d, 1049), -1);
	CHECK_EQ(vt100_idle(&d, 1050), KEY_ESC);
	CHECK_EQ(vt100_idle(&d, 1200), -1);
	CHECK_EQ(vt100_feed(&d, 'A', 1201), 'A');   /* back to normal, not ESC O/[ */

	KEYS("\x1b\x1b[A", KEY_ESC, KEY_UP);
	KEYS("\x1b\x1b\x1b", KEY_ESC, KEY_ESC, KEY_ESC);
}

TEST(vt100_esc_then_other_byte_not_lost)
{
	struct vt100_decoder d = { 0 };

	CHECK_EQ(vt100_feed(&d, 0x1b, 0), -1);
	CHECK_EQ(vt100_feed(&d, 'x', 1), KEY_ESC);
	CHECK_EQ(vt100_idle(&d, 1), 'x');
	CHECK_EQ(vt100_idle(&d, 2), -1);

	/* Without an idle call in between, keys still come out in order. */
	KEYS("\x1bxyz", KEY_ESC, 'x', 'y', 'z');
	KEYS("\x1bx\x1b[A", KEY_ESC, 'x', KEY_UP);
	KEYS("\x1bx\x1by", KEY_ESC, 'x', KEY_ESC, 'y');
	KEYS("\x1b\r\nq", KEY_ESC, KEY_ENTER, 'q');
	KEYS("\x1b\x7f", KEY_ESC, KEY_BACKSPACE);
	KEYS("\x1b\0a", KEY_ESC, 'a');
}

TEST(vt100_aborted_and_garbage)
{
	/* A control byte inside a sequence ends it and counts as itself. */
	KEYS("\x1b[\x01", KEY_CTRL_A);
	KEYS("\x1b[12\r", KEY_ENTER);
	KEYS("\x1b[\x1b[B", KEY_DOWN);
	KEYS("\x1bO\x03", KEY_CTRL_C);
	KEYS("\x1b[[\x01", KEY_CTRL_A);

	/* Overlong parameters saturate. */
	struct vt100_decoder d = { 0 };
	uint64_t t = 0;
	vt100_feed(&d, 0x1b, t++);
	vt100_feed(&d, '[', t++);
	for (int i = 0; i < 100000; i++)
		CHECK_EQ(vt100_feed(&d, '9', t++), -1);
	CHECK(d.param >= 0 && d.param <= 9999);
	CHECK_EQ(vt100_feed(&d, '~', t++), -1);
	CHECK_EQ(vt100_feed(&d, 'q', t++), 'q');
	vt100_feed(&d, 0x1b, t++);
	vt100_feed(&d, '[', t++);
	for (int i = 0; i < 100000; i++)
		vt100_feed(&d, ';', t++);
	CHECK_EQ(vt100_feed(&d, 'A', t++), KEY_UP);

	/* Values beyond a byte are masked, not trusted. */
	struct vt100_decoder e = { 0 };
	CHECK_EQ(vt100_feed(&e, 0x161, 0), 'a');
	CHECK_EQ(vt100_feed(&e, -1, 0), 0xff);
}

TEST(vt100_stalled_sequence)
{
	struct vt100_decoder d = { 0 };

	CHECK_EQ(vt100_feed(&d, 0x1b, 0), -1);
	CHECK_EQ(vt100_feed(&d, '[', 1), -1);
	CHECK_EQ(vt100_idle(&d, 20), -1);
	CHECK_EQ(vt100_feed(&d, 'A', 21), KEY_UP);   /* still within the window */
	CHECK_EQ(vt100_feed(&d, 0x1b, 30), -1);
	CHECK_EQ(vt100_feed(&d, '[', 31), -1);
	CHECK_EQ(vt100_idle(&d, 200), -1);            /* dropped */
	CHECK_EQ(vt100_feed(&d, 'A', 201), 'A');
	/* A decoder with a corrupt state recovers. */
	d.state = 12345;
	CHECK_EQ(vt100_feed(&d, 'z', 300), 'z');
	d.state = -7;
	CHECK_EQ(vt100_idle(&d, 400), -1);
	CHECK_EQ(vt100_feed(&d, 'y', 401), 'y');
}
