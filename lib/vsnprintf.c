/*
 * lib/vsnprintf.c - printf-style formatting (C99 7.19.6.1, integer and
 * string conversions only: the kernel is built without SSE or x87, so there
 * is no floating point). See lib/vsnprintf.h for what is supported.
 */
#include "lib/vsnprintf.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

#define MAX_INT		((int)(~0u >> 1))
/* Marks a width or precision that is to be read from the arguments. */
#define FROM_ARG	(-2)
/* The most digits a 64-bit value needs: 22 in octal. */
#define MAX_DIGITS	24

/* The flag characters, in the order of their bits in spec.flags. */
static const char flag_chars[] = "-0+ #";
enum {
	FLAG_LEFT	= 1 << 0,	/* '-': pad on the right */
	FLAG_ZERO	= 1 << 1,	/* '0': pad numbers with zeros */
	FLAG_PLUS	= 1 << 2,	/* '+': sign even when positive */
	FLAG_SPACE	= 1 << 3,	/* ' ': space where '+' would be */
	FLAG_ALT	= 1 << 4,	/* '#': 0x for hex, leading 0 for octal */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

/* One conversion specification: %[flags][width][.precision][length]conv */
struct spec {
	unsigned int flags;
	int width;		/* 0 if none */
	int prec;		/* -1 if none */
	enum length len;
	char conv;		/* '\0' if the format ended first */
};

struct out {
	void (*put)(char c, void *ctx);
	void *ctx;
	size_t count;
};

static void emit(struct out *o, char c)
{
	o->put(c, o->ctx);
	o->count++;
}

static void emit_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		emit(o, *s++);
}

static void emit_n(struct out *o, char c, size_t n)
{
	while (n--)
		emit(o, c);
}

/* Pads with spaces a field of width that holds len characters. */
static void pad(struct out *o, int width, size_t len)
{
	if (len < (size_t)width)
		emit_n(o, ' ', (size_t)width - len);
}

/* Parses a decimal number, saturating at MAX_INT rather than overflowing. */
static int parse_num(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		int digit = *(*p)++ - '0';

		n = n > (MAX_INT - digit) / 10 ? MAX_INT : n * 10 + digit;
	}
	return n;
}

/* A width or precision: '*' gives FROM_ARG, no digits give 0. */
static int parse_field(const char **p)
{
	if (**p != '*')
		return parse_num(p);
	(*p)++;
	return FROM_ARG;
}

static const char *parse_length(const char *p, enum length *len)
{
	switch (*p) {
	case 'h':
		*len = p[1] == 'h' ? LEN_HH : LEN_H;
		return p + (p[1] == 'h' ? 2 : 1);
	case 'l':
		*len = p[1] == 'l' ? LEN_LL : LEN_L;
		return p + (p[1] == 'l' ? 2 : 1);
	case 'z':
		*len = LEN_Z;
		return p + 1;
	case 'j':
		*len = LEN_J;
		return p + 1;
	case 't':
		*len = LEN_T;
		return p + 1;
	default:
		*len = LEN_NONE;
		return p;
	}
}

/* Parses the specification after a '%'; returns where the text resumes. */
static const char *parse_spec(const char *p, struct spec *s)
{
	const char *f;

	s->flags = 0;
	while (*p && (f = strchr(flag_chars, *p))) {
		s->flags |= 1u << (f - flag_chars);
		p++;
	}
	s->width = parse_field(&p);
	s->prec = -1;
	if (*p == '.') {
		p++;
		s->prec = parse_field(&p);
	}
	p = parse_length(p, &s->len);
	s->conv = *p;
	return *p ? p + 1 : p;
}

/* Reads '*' widths and precisions; C99 gives negative ones a meaning. */
static void fetch_fields(struct spec *s, va_list *ap)
{
	if (s->width == FROM_ARG) {
		int w = va_arg(*ap, int);

		if (w < 0) {
			s->flags |= FLAG_LEFT;
			w = w < -MAX_INT ? MAX_INT : -w;
		}
		s->width = w;
	}
	if (s->prec == FROM_ARG) {
		int prec = va_arg(*ap, int);

		s->prec = prec < 0 ? -1 : prec;
	}
}

/* Reads a signed argument, narrowing it as its length modifier says. */
static intmax_t fetch_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, unsigned int);
	}
}

static unsigned int base_of(char conv)
{
	switch (conv) {
	case 'o':
		return 8;
	case 'x':
	case 'X':
	case 'p':
		return 16;
	default:
		return 10;
	}
}

/* Writes v's digits into buf, least significant first; returns how many. */
static int to_digits(char *buf, uintmax_t v, char conv)
{
	const char *set = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = base_of(conv);
	int n = 0;

	do {
		buf[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

/* How many zeros go between the prefix and n digits of v. */
static size_t count_zeros(const struct spec *s, uintmax_t v, int n,
			  size_t prefix_len)
{
	size_t zeros = s->prec > n ? (size_t)(s->prec - n) : 0;

	/* '#' makes octal start with 0, even when precision 0 hid the value. */
	if (s->conv == 'o' && (s->flags & FLAG_ALT) && !zeros && (v || !n))
		zeros = 1;
	/* '0' is ignored with '-' or with a precision. */
	if ((s->flags & (FLAG_ZERO | FLAG_LEFT)) == FLAG_ZERO && s->prec < 0 &&
	    (size_t)s->width > prefix_len + (size_t)n + zeros)
		zeros = (size_t)s->width - prefix_len - (size_t)n;
	return zeros;
}

/* Prints [padding][sign][0x][zeros]digits[padding] for magnitude v. */
static void put_integer(struct out *o, const struct spec *s, uintmax_t v,
			char sign)
{
	char digits[MAX_DIGITS];
	char prefix[3];
	size_t plen = 0;
	size_t zeros;
	size_t len;
	int n = 0;

	if (sign)
		prefix[plen++] = sign;
	if (s->conv == 'p' || ((s->flags & FLAG_ALT) && v &&
			       (s->conv == 'x' || s->conv == 'X'))) {
		prefix[plen++] = '0';
		prefix[plen++] = s->conv == 'X' ? 'X' : 'x';
	}
	/* C99: a zero value with precision 0 prints no digits. */
	if (v || s->prec != 0)
		n = to_digits(digits, v, s->conv);
	zeros = count_zeros(s, v, n, plen);
	len = plen + zeros + (size_t)n;
	if (!(s->flags & FLAG_LEFT))
		pad(o, s->width, len);
	emit_str(o, prefix, plen);
	emit_n(o, '0', zeros);
	while (n)
		emit(o, digits[--n]);
	if (s->flags & FLAG_LEFT)
		pad(o, s->width, len);
}

/* The sign character of a conversion that shows one ('\0' for none). */
static char sign_of(const struct spec *s, bool negative)
{
	if (negative)
		return '-';
	if (s->flags & FLAG_PLUS)
		return '+';
	if (s->flags & FLAG_SPACE)
		return ' ';
	return '\0';
}

static void put_signed(struct out *o, const struct spec *s, intmax_t v)
{
	/* Negate as unsigned: -INTMAX_MIN does not fit in intmax_t. */
	uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

	put_integer(o, s, mag, sign_of(s, v < 0));
}

/* Prints n bytes of str in a field; a precision does not apply here. */
static void put_field(struct out *o, const struct spec *s, const char *str,
		      size_t n)
{
	if (!(s->flags & FLAG_LEFT))
		pad(o, s->width, n);
	emit_str(o, str, n);
	if (s->flags & FLAG_LEFT)
		pad(o, s->width, n);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	size_t n;

	if (!str)
		str = "(null)";
	/* With a precision the string need not be terminated: read no more. */
	n = s->prec < 0 ? strlen(str) : strnlen(str, (size_t)s->prec);
	put_field(o, s, str, n);
}

static void put_pointer(struct out *o, const struct spec *s, const void *p)
{
	if (!p)
		put_field(o, s, "(nil)", 5);
	else
		put_integer(o, s, (uintptr_t)p, sign_of(s, false));
}

/*
 * Prints one conversion and consumes its arguments. Returns false, having
 * consumed nothing, if the conversion is unknown.
 */
static bool convert(struct out *o, struct spec *s, va_list *ap)
{
	char c;

	if (!s->conv || !strchr("diouxXcsp%", s->conv))
		return false;
	fetch_fields(s, ap);
	switch (s->conv) {
	case '%':
		emit(o, '%');
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_field(o, s, &c, 1);
		break;
	case 's':
		put_string(o, s, va_arg(*ap, const char *));
		break;
	case 'p':
		put_pointer(o, s, va_arg(*ap, const void *));
		break;
	case 'd':
	case 'i':
		put_signed(o, s, fetch_signed(s->len, ap));
		break;
	default:
		put_integer(o, s, fetch_unsigned(s->len, ap), '\0');
		break;
	}
	return true;
}

int vcbprintf(void (*out)(char c, void *ctx), void *ctx, const char *fmt,
	      va_list ap)
{
	struct out o = { .put = out, .ctx = ctx, .count = 0 };
	struct spec s;
	const char *start;
	va_list args;

	/*
	 * Work on a copy: the helpers take a va_list *, and where va_list is
	 * an array type (x86_64) &ap of a parameter has the wrong type.
	 */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		start = fmt;
		fmt = parse_spec(fmt + 1, &s);
		if (!convert(&o, &s, &args))
			emit_str(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	return o.count > (size_t)MAX_INT ? -1 : (int)o.count;
}

struct buf_out {
	char *buf;
	size_t size;
	size_t len;		/* of the whole output, stored or not */
};

static void buf_put(char c, void *ctx)
{
	struct buf_out *b = ctx;

	/* Keep the last byte for the terminator. */
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_out b = { .buf = buf, .size = size, .len = 0 };
	int ret = vcbprintf(buf_put, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return ret;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
