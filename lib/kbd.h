/*
 * lib/kbd.h - turn PC keyboard scancodes (set 1, as an i8042 with
 * translation delivers them) into the bytes a terminal sends, with a US
 * layout. Pure: no hardware, no kernel state; the caller owns struct kbd.
 *
 * Output encoding (what console_getc() readers expect from every source):
 *   printable keys     ASCII, Shift and Caps Lock applied
 *   Enter, keypad Enter '\r'      Backspace 0x7f      Tab '\t'    Esc 0x1b
 *   Ctrl-letter        0x01-0x1a; Ctrl-[ \ ] give 0x1b-0x1d
 *   Alt-key            ESC before the key's byte (as the Linux console does)
 *   Up Down Right Left ESC [ A, ESC [ B, ESC [ C, ESC [ D
 *   Home End           ESC [ H, ESC [ F
 *   Insert Delete      ESC [ 2 ~, ESC [ 3 ~
 *   Page Up/Down       ESC [ 5 ~, ESC [ 6 ~
 * The keypad gives digits with Num Lock on (the start state) and the
 * navigation sequences above with it off. Function keys, Print Screen,
 * Pause, Scroll Lock and the Windows keys give nothing.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* LED bits of the keyboard's Set LEDs command (0xED). */
#define KBD_LED_SCROLL_LOCK	0x01
#define KBD_LED_NUM_LOCK	0x02
#define KBD_LED_CAPS_LOCK	0x04

/* Modifier keys held (struct kbd.mods). */
#define KBD_MOD_LSHIFT		0x01
#define KBD_MOD_RSHIFT		0x02
#define KBD_MOD_LCTRL		0x04
#define KBD_MOD_RCTRL		0x08
#define KBD_MOD_LALT		0x10
#define KBD_MOD_RALT		0x20
#define KBD_MOD_SHIFT		(KBD_MOD_LSHIFT | KBD_MOD_RSHIFT)
#define KBD_MOD_CTRL		(KBD_MOD_LCTRL | KBD_MOD_RCTRL)
#define KBD_MOD_ALT		(KBD_MOD_LALT | KBD_MOD_RALT)

/* The most bytes one scancode byte produces: Alt + a 4-byte sequence. */
#define KBD_OUT_MAX		8

struct kbd {
	bool e0;		/* the last byte was the 0xE0 prefix */
	uint8_t skip;		/* bytes of a Pause (0xE1) sequence to ignore */
	uint8_t mods;		/* KBD_MOD_* held */
	uint8_t locks;		/* KBD_LED_* locks that are on */
	uint8_t locks_held;	/* lock keys down (repeats: no toggle) */
};

/* What one scancode byte gave. */
struct kbd_out {
	uint8_t len;		/* bytes in @bytes, 0 for most bytes */
	bool leds_changed;	/* a lock toggled: send kbd_leds() */
	char bytes[KBD_OUT_MAX];
};

/* Start state: no key held, no prefix pending, Num Lock on. */
void kbd_init(struct kbd *k);

/*
 * Decode one byte from the keyboard into @out. Any byte is accepted: a
 * keyboard reply (ACK 0xFA, resend, echo, self-test results, the error
 * codes 0x00 and 0xFF) or an unknown code gives nothing and cancels a
 * pending 0xE0 prefix, so junk never leaves the decoder mid-sequence.
 */
void kbd_feed(struct kbd *k, uint8_t code, struct kbd_out *out);

/* The LED byte for the locks that are on (the argument of command 0xED). */
static inline uint8_t kbd_leds(const struct kbd *k)
{
	return k->locks;
}
