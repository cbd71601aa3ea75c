/*
 * tests/bench/callgrind.h - valgrind's callgrind client requests, or
 * nothing where valgrind's header is not installed: the host benchmarks
 * then still time themselves, only without instruction counts.
 */
#pragma once

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(name)
#endif
