/*
 * lib/glob.h - shell-style wildcard matching for names.
 */
#pragma once

#include <stdbool.h>

/* True when @s matches @pattern, where '*' matches any run of characters
 * (also none) and '?' any single character. Linear in practice: a '*'
 * backtracks only to the position after the last star. */
bool glob_match(const char *pattern, const char *s);
