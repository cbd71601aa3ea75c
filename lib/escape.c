/*
 * lib/escape.c - escape untrusted text for a terminal (see lib/escape.h).
 */
#include "lib/escape.h"

static const char hex_digits[] = "0123456789abcdef";

/* Write the escape of @c to @out; returns its length. */
static size_t escape_byte(char *out, unsigned char c)
{
	if (c == '\\' || c == '"') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c >= 0x20 && c <= 0x7e) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex_digits[c >> 4];
	out[3] = hex_digits[c & 0xf];
	return 4;
}

size_t escape_str(char *dst, size_t cap, const char *src)
{
	size_t used = 0, consumed = 0;

	if (!cap)
		return 0;
	while (src[consumed]) {
		char piece[ESCAPE_MAX_PER_BYTE];
		size_t n = escape_byte(piece, (unsigned char)src[consumed]);

		if (used + n >= cap)
			break;
		for (size_t i = 0; i < n; i++)
			dst[used++] = piece[i];
		consumed++;
	}
	dst[used] = '\0';
	return consumed;
}
