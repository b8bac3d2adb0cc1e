/* vt100.c: turns a serial terminal's bytes (VT100/xterm/Linux console sequences) into keys. */
#include "lib/lib.h"
#include "services/keys.h"
#include "services/vt100.h"

#define ESC_TIMEOUT_MS 50
#define PARAM_MAX 9999       /* parameters saturate here: garbage cannot overflow them */

enum {
	ST_GROUND = 0,
	ST_GROUND_CR,    /* last byte was '\r': a '\n' right after it is swallowed */
	ST_ESC,          /* ESC seen */
	ST_CSI,          /* ESC [ : reading the first parameter (param -1 = none yet) */
	ST_CSI_MORE,     /* ESC [ ... after ';' or an intermediate: waiting for the final */
	ST_SS3,          /* ESC O */
	ST_CSI_FKEY,     /* ESC [ [ : Linux console F1..F5, one more byte then done */
};

/* A byte outside any sequence. */
static int ground(struct vt100_decoder *d, int b, uint64_t now)
{
	bool after_cr = d->state == ST_GROUND_CR;

	d->state = ST_GROUND;
	switch (b) {
	case 0:
		return -1;   /* NUL: line noise or padding */
	case KEY_ESC:
		d->state = ST_ESC;
		d->esc_time = now;
		return -1;
	case '\r':
		d->state = ST_GROUND_CR;
		d->esc_time = now;
		return KEY_ENTER;
	case '\n':
		return after_cr ? -1 : KEY_ENTER;
	case KEY_DEL_ASCII:
		return KEY_BACKSPACE;
	default:
		return b;
	}
}

static int csi_final(int final, int param)
{
	switch (final) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '~':
		switch (param) {
		case 1: case 7: return KEY_HOME;
		case 4: case 8: return KEY_END;
		case 2: return KEY_INSERT;
		case 3: return KEY_DELETE;
		case 5: return KEY_PGUP;
		case 6: return KEY_PGDN;
		}
		return -1;
	}
	return -1;
}

/* One byte through the state machine. Returns the key it completes or -1; when ESC is
 * followed by a byte that cannot start a sequence, returns KEY_ESC and stores the key
 * for that byte in *second. */
static int decode(struct vt100_decoder *d, int b, uint64_t now, int *second)
{
	switch (d->state) {
	case ST_GROUND:
	case ST_GROUND_CR:
		return ground(d, b, now);
	case ST_ESC:
		d->esc_time = now;
		if (b == '[') {
			d->state = ST_CSI;
			d->param = -1;
			return -1;
		}
		if (b == 'O') {
			d->state = ST_SS3;
			return -1;
		}
		if (b == KEY_ESC)
			return KEY_ESC;   /* the first ESC is complete; stay in ST_ESC for this one */
		d->state = ST_GROUND;
		*second = ground(d, b, now);
		return KEY_ESC;
	case ST_CSI:
	case ST_CSI_MORE:
		d->esc_time = now;
		if (d->state == ST_CSI && b >= '0' && b <= '9') {
			int p = d->param < 0 ? 0 : d->param;
			d->param = p > (PARAM_MAX - 9) / 10 ? PARAM_MAX : p * 10 + (b - '0');
			return -1;
		}
		if (d->state == ST_CSI && b == '[' && d->param < 0) {
			d->state = ST_CSI_FKEY;
			return -1;
		}
		if (b >= 0x20 && b <= 0x3f) {   /* more parameters, private markers, intermediates */
			d->state = ST_CSI_MORE;
			return -1;
		}
		if (b >= 0x40 && b <= 0x7e) {
			d->state = ST_GROUND;
			return csi_final(b, d->param);
		}
		break;   /* a control byte or 8-bit byte aborts the sequence */
	case ST_SS3:
		d->esc_time = now;
		if (b >= 0x20 && b <= 0x3f)
			return -1;   /* modifier digits (ESC O 5 A): ignore */
		if (b >= 0x40 && b <= 0x7e) {
			d->state = ST_GROUND;
			return b == 'M' ? KEY_ENTER : csi_final(b, -1);
		}
		break;
	case ST_CSI_FKEY:
		if (b >= 0x20 && b <= 0x7e) {
			d->state = ST_GROUND;
			return -1;
		}
		break;
	}
	/* Aborted sequence or corrupt state: forget it and treat the byte as fresh input. */
	d->state = ST_GROUND;
	return ground(d, b, now);
}

/* Keys leave in order: an older pending key first, the newest stays pending. Only one
 * can ever be pending: a byte that completes two keys (ESC x) arrives in ST_ESC, which is
 * only entered by a call that has just handed out the pending key. */
int vt100_feed(struct vt100_decoder *d, int byte, uint64_t now_ms)
{
	int keys[3], n = 0;
	int second = -1;
	int k = decode(d, byte & 0xff, now_ms, &second);

	if (d->pending > 0)
		keys[n++] = d->pending;
	if (k >= 0)
		keys[n++] = k;
	if (second >= 0)
		keys[n++] = second;
	d->pending = n > 1 ? keys[1] : 0;
	return n ? keys[0] : -1;
}

int vt100_idle(struct vt100_decoder *d, uint64_t now_ms)
{
	bool expired = now_ms - d->esc_time >= ESC_TIMEOUT_MS;

	if (d->pending > 0) {
		int k = d->pending;
		d->pending = 0;
		return k;
	}
	if (d->state == ST_GROUND || !expired)
		return -1;
	if (d->state == ST_ESC) {
		d->state = ST_GROUND;
		return KEY_ESC;
	}
	/* A sequence that stalled half-way, or the '\r' window: drop back to ground. */
	d->state = ST_GROUND;
	return -1;
}
