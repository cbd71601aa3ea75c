/*
 * lib/cmdline.c - kernel command line parsing. All work happens in the
 * struct's own buffer, so any input, of any length, is safe.
 */
#include "lib/cmdline.h"

#include "lib/string.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy @raw into cl->buf, replacing unprintable bytes; returns the length
 * kept. Tabs survive as separators. */
static size_t copy_line(struct cmdline *cl, const char *raw)
{
	size_t n = 0;

	for (; raw[n] && n < CMDLINE_MAX_BYTES - 1; n++) {
		unsigned char c = (unsigned char)raw[n];

		if ((c < 0x20 || c > 0x7e) && c != '\t') {
			c = '?';
			cl->garbled++;
		}
		cl->buf[n] = (char)c;
	}
	cl->buf[n] = '\0';
	cl->raw_len = n + strlen(raw + n);
	cl->truncated = raw[n] != '\0';
	return n;
}

static bool is_known(const char *name, const char *const *known, size_t nknown)
{
	for (size_t i = 0; i < nknown; i++) {
		if (strcmp(name, known[i]) == 0)
			return true;
	}
	return false;
}

/* Turn the word starting at @word (already NUL-terminated) into an arg. */
static void add_arg(struct cmdline *cl, char *word,
		    const char *const *known, size_t nknown)
{
	struct cmdline_arg *arg;
	char *eq;

	if (cl->nargs == CMDLINE_MAX_ARGS) {
		cl->too_many = true;
		return;
	}
	arg = &cl->args[cl->nargs++];
	eq = strchr(word, '=');
	if (eq)
		*eq = '\0';
	arg->name = word;
	arg->value = eq ? eq + 1 : NULL;
	arg->known = is_known(word, known, nknown);
}

void cmdline_parse(struct cmdline *cl, const char *raw,
		   const char *const *known, size_t nknown)
{
	size_t len;
	size_t i = 0;

	memset(cl, 0, sizeof(*cl));
	len = copy_line(cl, raw);
	while (i < len) {
		size_t start;

		while (i < len && is_space(cl->buf[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_space(cl->buf[i]))
			i++;
		cl->buf[i++] = '\0';	/* i <= len < sizeof(buf) */
		add_arg(cl, &cl->buf[start], known, nknown);
	}
}

static const struct cmdline_arg *find_last(const struct cmdline *cl,
					   const char *name)
{
	for (size_t i = cl->nargs; i > 0; i--) {
		if (strcmp(cl->args[i - 1].name, name) == 0)
			return &cl->args[i - 1];
	}
	return NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *name)
{
	return find_last(cl, name) != NULL;
}

const char *cmdline_value(const struct cmdline *cl, const char *name)
{
	const struct cmdline_arg *arg = find_last(cl, name);

	return arg ? arg->value : NULL;
}

bool cmdline_first_unknown(const struct cmdline *cl, size_t i)
{
	if (i >= cl->nargs || cl->args[i].known)
		return false;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(cl->args[j].name, cl->args[i].name) == 0)
			return false;
	}
	return true;
}
