/*
 * kernel/console.h - where kernel messages go: the serial console (a 16550
 * UART, COM1 unless the command line picks another) and, when running in an
 * emulator that has it, the debug port 0xe9, and the screen
 * (drivers/screen.c) once there is one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uart;

/* Probe the debug port and COM1 at the default baud rate. Call first. */
void console_init_early(void);

/*
 * Move the serial console to the UART at @base with @baud (from the command
 * line). @base == 0 turns the serial console off. Before leaving a UART,
 * says on it where the console went and sends everything queued; the new
 * UART's first line says where it came from. Returns 0, -EINVAL for a baud
 * rate the UART cannot make, -EBUSY once console_enable_input() has bound
 * the interrupt to the current UART, or the error of uart_init(), in which
 * case the console keeps its old UART (and has said nothing).
 */
int console_set_uart(uint16_t base, uint32_t baud);

/*
 * Write @len bytes to every console. With interrupts on and
 * console_enable_input() done, serial output is queued and sent by the
 * UART's interrupt; otherwise (early boot, interrupt handlers, a panic) it
 * is written before this returns. Port 0xe9 is always written at once.
 */
void console_write(const char *s, size_t len);

/*
 * Hold the consoles for a run of writes that must come out together (a
 * kprintf). Nests on one CPU and leaves interrupts as they were; another
 * CPU waits, and also waits (up to 20 ms) for the end of a line this CPU
 * left unfinished. Every console_write() takes it too.
 */
void console_lock(void);
void console_unlock(void);

/* Set how long console_lock() waits for another CPU's unfinished line
 * (20 ms unless changed), returning the old value. For tests that check
 * the line rule itself on a host that may hold a virtual CPU off for
 * longer. */
uint64_t console_set_line_wait_us(uint64_t us);

/* For panic() alone, once the other CPUs are stopped: take the console
 * lock on this CPU whoever held it. */
void console_break_lock(void);

/* A panic (or the exception report before one) begins: the screen shows
 * it on a fresh line in the panic's colours. Any context. */
void console_panic(void);

/* Send everything queued for the serial console and wait until the UART has
 * sent it, polling. Before halting or ending the emulator. Any context. */
void console_flush(void);

/*
 * Take serial input, and send serial output, by interrupt from now on:
 * received bytes go to a ring buffer that console_getc() reads. Returns 0
 * (output stays polled, with a message, on a UART without a working THRE
 * interrupt), or -ENOENT with no UART.
 */
int console_enable_input(void);

/*
 * What the receive interrupt does with each byte: put it in the input ring.
 * When the ring is full the byte is lost and counted; the first loss of a
 * burst (after a byte that fitted) is reported on the console. Interrupts
 * must be off (the ring has one producer). Tests feed it directly.
 */
void console_input_byte(uint8_t c);

/*
 * The same for the keyboard: put @n bytes (one key's, such as ESC [ A) in
 * the input ring, all of them or, when they do not fit, none (counted and
 * reported as for serial input). Interrupts must be off, as above.
 */
void console_input_push(const char *bytes, size_t n);

/* True when console_getc() has a byte. */
bool console_has_input(void);

/* Non-blocking: the next byte typed (serial console or keyboard), or -1. */
int console_getc(void);

/* Bytes lost because nobody read them in time. */
uint32_t console_input_dropped(void);

/*
 * Also copy everything written to the consoles into @buf (NUL-terminated,
 * cut at @size - 1 bytes) until called again with NULL. For tests that check
 * what the kernel prints.
 */
void console_capture(char *buf, size_t size);

/* The serial console's UART, or NULL when there is none. */
struct uart *console_uart(void);

/* True when output also goes to the emulator debug port. */
int console_has_debugcon(void);
