/* fmt.c: osprey's printf-style formatter (integers, chars, strings, pointers; no floats). */
#include "lib/lib.h"

/* Widths and numeric precisions beyond this are clamped: nothing on a console needs more,
 * and it bounds the work a hostile format can cause. */
#define FMT_MAX_PAD 4096

struct fmt_out {
	char *buf;
	size_t size;
	size_t n;      /* characters the full output has so far (may exceed size) */
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->n + 1 < o->size)
		o->buf[o->n] = c;
	o->n++;
}

static void out_repeat(struct fmt_out *o, char c, int count)
{
	while (count-- > 0)
		out_char(o, c);
}

static void out_mem(struct fmt_out *o, const char *s, size_t len)
{
	while (len--)
		out_char(o, *s++);
}

struct fmt_spec {
	bool left, zero, plus, space, alt;
	int width;       /* 0 when not given */
	int prec;        /* -1 when not given */
};

/* Emit one integer conversion. neg is the sign, mag the magnitude, base 8/10/16. */
static void out_integer(struct fmt_out *o, const struct fmt_spec *sp, unsigned long long mag,
			bool neg, bool is_signed, unsigned base, bool upper, bool force_0x)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];              /* 2^64 in octal has 22 digits */
	int nd = 0;
	char prefix[2];
	int np = 0;

	for (unsigned long long v = mag; v; v /= base)
		tmp[nd++] = digits[v % base];
	/* "%.0d" of 0 prints no digits; otherwise at least one. */
	if (mag == 0 && sp->prec != 0)
		tmp[nd++] = '0';

	if (is_signed) {
		if (neg)
			prefix[np++] = '-';
		else if (sp->plus)
			prefix[np++] = '+';
		else if (sp->space)
			prefix[np++] = ' ';
	}
	if ((sp->alt && base == 16 && mag != 0) || force_0x) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}

	int zeros = sp->prec > nd ? sp->prec - nd : 0;
	/* '#' with octal: the first digit must be a 0. */
	if (sp->alt && base == 8 && zeros == 0 && (nd == 0 || tmp[nd - 1] != '0'))
		zeros = 1;
	int body = np + zeros + nd;
	int pad = sp->width > body ? sp->width - body : 0;

	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, (size_t)np);
	out_repeat(o, '0', zeros);
	while (nd > 0)
		out_char(o, tmp[--nd]);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

/* Emit len bytes of s padded to the width. */
static void out_padded(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t len)
{
	int pad = (size_t)sp->width > len ? sp->width - (int)len : 0;

	if (!sp->left)
		out_repeat(o, ' ', pad);
	out_mem(o, s, len);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

/* Read a decimal number from the format, saturating at FMT_MAX_PAD. */
static int read_number(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v < FMT_MAX_PAD)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v > FMT_MAX_PAD ? FMT_MAX_PAD : v;
}

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z };

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, buf ? size : 0, 0 };

	if (!fmt)
		fmt = "(null)";
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		struct fmt_spec sp = { .prec = -1 };

		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '+')
				sp.plus = true;
			else if (*fmt == ' ')
				sp.space = true;
			else if (*fmt == '#')
				sp.alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			int w = va_arg(ap, int);
			fmt++;
			if (w < 0) {
				sp.left = true;
				/* -INT_MIN overflows: clamp before negating. */
				w = w < -FMT_MAX_PAD ? FMT_MAX_PAD : -w;
			}
			sp.width = w > FMT_MAX_PAD ? FMT_MAX_PAD : w;
		} else {
			sp.width = read_number(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				int p = va_arg(ap, int);
				fmt++;
				sp.prec = p < 0 ? -1 : p;
			} else {
				sp.prec = read_number(&fmt);
			}
		}

		int len = LEN_NONE;
		if (*fmt == 'h') {
			fmt++;
			len = LEN_H;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_HH;
			}
		} else if (*fmt == 'l') {
			fmt++;
			len = LEN_L;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LL;
			}
		} else if (*fmt == 'z') {
			fmt++;
			len = LEN_Z;
		}

		char conv = *fmt;
		if (conv == '\0') {
			/* A format ending inside a conversion: print what there was. */
			out_mem(&o, start, (size_t)(fmt - start));
			break;
		}
		fmt++;

		/* Precision of a string is a maximum, not padding: only clamp it for numbers. */
		int num_prec = sp.prec > FMT_MAX_PAD ? FMT_MAX_PAD : sp.prec;

		switch (conv) {
		case 'd':
		case 'i': {
			long long v;
			if (len == LEN_LL)
				v = va_arg(ap, long long);
			else if (len == LEN_L)
				v = va_arg(ap, long);
			else if (len == LEN_Z)
				v = (long long)(ptrdiff_t)va_arg(ap, size_t);
			else if (len == LEN_HH)
				v = (signed char)va_arg(ap, int);
			else if (len == LEN_H)
				v = (short)va_arg(ap, int);
			else
				v = va_arg(ap, int);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
						       : (unsigned long long)v;
			sp.prec = num_prec;
			out_integer(&o, &sp, mag, v < 0, true, 10, false, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;
			if (len == LEN_LL)
				v = va_arg(ap, unsigned long long);
			else if (len == LEN_L)
				v = va_arg(ap, unsigned long);
			else if (len == LEN_Z)
				v = va_arg(ap, size_t);
			else if (len == LEN_HH)
				v = (unsigned char)va_arg(ap, unsigned int);
			else if (len == LEN_H)
				v = (unsigned short)va_arg(ap, unsigned int);
			else
				v = va_arg(ap, unsigned int);
			unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
			sp.prec = num_prec;
			out_integer(&o, &sp, v, false, false, base, conv == 'X', false);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			sp.prec = num_prec;
			sp.alt = false;
			out_integer(&o, &sp, v, false, false, 16, false, true);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			out_padded(&o, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;
			if (!s)
				s = "(null)";
			while ((sp.prec < 0 || n < (size_t)sp.prec) && s[n])
				n++;
			out_padded(&o, &sp, s, n);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		default:
			/* Unknown (or deliberately unsupported, like %n): print it as written. */
			out_mem(&o, start, (size_t)(fmt - start));
			break;
		}
	}

	if (o.size > 0)
		o.buf[o.n < o.size ? o.n : o.size - 1] = '\0';
	return o.n > 0x7fffffff ? 0x7fffffff : (int)o.n;
}
