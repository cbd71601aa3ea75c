/*
 * lib/escape.h - make untrusted text safe to print on a terminal.
 *
 * Text from outside the kernel (the command line, module strings) may hold
 * control bytes: an ESC sequence written raw reaches the operator's terminal
 * and can clear it, move the cursor or retitle the window. Escaped, every
 * byte outside printable ASCII shows as \xNN, and '\' and '"' as \\ and \",
 * so the text reads back unambiguously inside double quotes.
 */
#pragma once

#include <stddef.h>

/* The longest escape of one byte: "\xNN". */
#define ESCAPE_MAX_PER_BYTE 4

/*
 * escape_str - escape the NUL-terminated @src into @dst (@cap bytes).
 * Escapes only whole bytes: it stops before the first byte whose escape does
 * not fit, and always NUL-terminates @dst when @cap > 0. Returns the number
 * of bytes of @src consumed, so a caller prints a long text in pieces:
 *
 *	while (*s) { s += escape_str(buf, sizeof(buf), s); print(buf); }
 *
 * With @cap below ESCAPE_MAX_PER_BYTE + 1 it may consume nothing.
 */
size_t escape_str(char *dst, size_t cap, const char *src);
