/*
 * kernel/ktest_cpu.h - ask the test runner on the host for its CPU.
 *
 * Under an emulator, a test that times the machine against real time (the
 * timer tick, sleep_ms) fails when the host gives the emulator only part of
 * a CPU: QEMU then delivers every other tick. scripts/test-all.sh runs boots
 * side by side, so before a suite of such tests the kernel asks the runner
 * (scripts/run-tests.sh) to keep everything else off the host's CPUs, and
 * says when the suite is over. The runner answers one byte on the serial
 * line. On a machine whose runner does not say it takes part (fw_cfg file
 * opt/keel/cpu-lock), or without a UART to answer on, nothing is asked.
 */
#pragma once

#include <stdbool.h>

/* Before suite @suite (@len bytes of name): ask, and wait a bounded time
 * for the answer. Returns whether the runner was asked. */
bool ktest_cpu_claim(const char *suite, int len);

/* After the suite: give the CPU back (when ktest_cpu_claim() asked). */
void ktest_cpu_release(const char *suite, int len);
