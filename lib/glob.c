/*
 * lib/glob.c - '*' and '?' matching, without recursion.
 */
#include "lib/glob.h"

#include <stddef.h>

bool glob_match(const char *pattern, const char *s)
{
	const char *star = NULL;	/* last '*' seen in the pattern */
	const char *resume = NULL;	/* where in s that star's match ends */

	while (*s) {
		if (*pattern == '*') {
			star = pattern++;
			resume = s;
		} else if (*pattern == '?' || *pattern == *s) {
			pattern++;
			s++;
		} else if (star) {
			/* Let the last star swallow one more character. */
			pattern = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
