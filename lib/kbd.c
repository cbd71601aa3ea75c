/*
 * lib/kbd.c - scancode set 1 to terminal bytes, US layout (IBM PC AT
 * Technical Reference, keyboard scan codes; set 1 is what an i8042 with
 * translation on delivers).
 *
 * A key sends its make code when pressed (and again while it repeats) and
 * make | 0x80 when released. Keys added after the XT keyboard send 0xE0
 * first. Pause sends E1 1D 45 E1 9D C5 when pressed and nothing when
 * released. With Num Lock on, the grey navigation keys are wrapped in fake
 * Shift presses (E0 2A ... E0 AA), which must not count as Shift.
 */
#include "lib/kbd.h"

#include <stddef.h>

#include "lib/string.h"

#define SC_E0		0xe0	/* prefix of the extended keys */
#define SC_E1		0xe1	/* prefix of Pause */
#define SC_BREAK	0x80	/* set on a key's release code */
#define PAUSE_TAIL	2	/* bytes after each 0xE1: 1D 45 or 9D C5 */
#define ESC		"\x1b"

/* Codes of keys the decoder handles by name. */
#define SC_LCTRL	0x1d
#define SC_LSHIFT	0x2a
#define SC_RSHIFT	0x36
#define SC_LALT		0x38
#define SC_CAPS_LOCK	0x3a
#define SC_NUM_LOCK	0x45
#define SC_KP_FIRST	0x47	/* keypad 7 */
#define SC_KP_LAST	0x53	/* keypad '.' */
#define SC_KP_MINUS	0x4a
#define SC_KP_PLUS	0x4e

/* Replies and errors the keyboard sends in the same stream as keys. */
static const uint8_t not_keys[] = {
	0x00,	/* key detection error or buffer overrun */
	0xee,	/* echo */
	0xfa,	/* acknowledge */
	0xfc,	/* self-test failed */
	0xfd,	/* self-test failed */
	0xfe,	/* resend */
	0xff,	/* key detection error or buffer overrun */
};

/*
 * The byte of each key without the 0xE0 prefix, indexed by make code,
 * plain and with Shift (0: a key that types nothing itself). Rows of 16.
 */
static const char plain[] =
	"\0" ESC "1234567890-=\x7f\t"		/* 0x00 */
	"qwertyuiop[]\r\0as"			/* 0x10: Enter, left Ctrl */
	"dfghjkl;'`\0\\zxcv"			/* 0x20: left Shift */
	"bnm,./\0*\0 \0\0\0\0\0\0"		/* 0x30: Shift, Alt, Caps, F1 */
	"\0\0\0\0\0\0\0" "789-456+1"		/* 0x40: Num Lock, keypad */
	"230.\0\0\\\0\0";			/* 0x50: 0x56 the 102nd key */
static const char shifted[] =
	"\0" ESC "!@#$%^&*()_+\x7f\t"
	"QWERTYUIOP{}\r\0AS"
	"DFGHJKL:\"~\0|ZXCV"
	"BNM<>?\0*\0 \0\0\0\0\0\0"
	"\0\0\0\0\0\0\0" "789-456+1"
	"230.\0\0|\0\0";
#define KEY_CODES 0x59
_Static_assert(sizeof(plain) == KEY_CODES + 1, "plain: one byte per code");
_Static_assert(sizeof(shifted) == KEY_CODES + 1, "shifted: one per code");

/*
 * What the 0xE0 keys send, indexed by make code. The keypad's digit keys
 * send the same with Num Lock off: they share the grey keys' make codes.
 */
static const char *const e0_keys[0x80] = {
	[0x1c] = "\r",			/* keypad Enter */
	[0x35] = "/",			/* keypad '/' */
	[0x47] = ESC "[H",		/* Home */
	[0x48] = ESC "[A",		/* Up */
	[0x49] = ESC "[5~",		/* Page Up */
	[0x4b] = ESC "[D",		/* Left */
	[0x4d] = ESC "[C",		/* Right */
	[0x4f] = ESC "[F",		/* End */
	[0x50] = ESC "[B",		/* Down */
	[0x51] = ESC "[6~",		/* Page Down */
	[0x52] = ESC "[2~",		/* Insert */
	[0x53] = ESC "[3~",		/* Delete */
};

/* Modifier keys. E0 2A and E0 36 (the fake Shifts) are left out on purpose. */
static const struct {
	uint8_t code;
	bool e0;
	uint8_t mod;
} modifiers[] = {
	{ SC_LSHIFT, false, KBD_MOD_LSHIFT },
	{ SC_RSHIFT, false, KBD_MOD_RSHIFT },
	{ SC_LCTRL, false, KBD_MOD_LCTRL },
	{ SC_LCTRL, true, KBD_MOD_RCTRL },
	{ SC_LALT, false, KBD_MOD_LALT },
	{ SC_LALT, true, KBD_MOD_RALT },	/* AltGr counts as Alt */
};

/* Lock keys, each toggling an LED on press. */
static const struct {
	uint8_t code;
	uint8_t led;
} locks[] = {
	{ SC_CAPS_LOCK, KBD_LED_CAPS_LOCK },
	{ SC_NUM_LOCK, KBD_LED_NUM_LOCK },
};

void kbd_init(struct kbd *k)
{
	memset(k, 0, sizeof(*k));
	k->locks = KBD_LED_NUM_LOCK;	/* what a PC BIOS leaves on */
}

static bool is_reply(uint8_t code)
{
	for (size_t i = 0; i < sizeof(not_keys); i++)
		if (code == not_keys[i])
			return true;
	return false;
}

/* Track a modifier key; true when @key is one. */
static bool update_modifier(struct kbd *k, bool e0, uint8_t key,
			    bool released)
{
	for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++) {
		if (modifiers[i].code != key || modifiers[i].e0 != e0)
			continue;
		if (released)
			k->mods &= ~modifiers[i].mod;
		else
			k->mods |= modifiers[i].mod;
		return true;
	}
	return false;
}

/* Toggle a lock on its first make (not on repeats); true for lock keys. */
static bool update_lock(struct kbd *k, bool e0, uint8_t key, bool released,
			struct kbd_out *out)
{
	for (size_t i = 0; !e0 && i < sizeof(locks) / sizeof(locks[0]); i++) {
		uint8_t led = locks[i].led;

		if (locks[i].code != key)
			continue;
		if (released) {
			k->locks_held &= ~led;
		} else if (!(k->locks_held & led)) {
			k->locks_held |= led;
			k->locks ^= led;
			out->leds_changed = true;
		}
		return true;
	}
	return false;
}

static void emit(struct kbd_out *out, const char *s)
{
	while (*s && out->len < KBD_OUT_MAX)
		out->bytes[out->len++] = *s++;
}

/* The byte of a key that types one, with Shift, Caps Lock and Ctrl. */
static char key_char(const struct kbd *k, uint8_t key)
{
	bool shift = k->mods & KBD_MOD_SHIFT;
	char c = plain[key];

	if (c >= 'a' && c <= 'z' && (k->locks & KBD_LED_CAPS_LOCK))
		shift = !shift;
	c = shift ? shifted[key] : c;
	if (!(k->mods & KBD_MOD_CTRL))
		return c;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '[' || c == '\\' || c == ']')
		return c & 0x1f;
	return c;
}

static bool is_keypad_digit(uint8_t key)
{
	return key >= SC_KP_FIRST && key <= SC_KP_LAST &&
	       key != SC_KP_MINUS && key != SC_KP_PLUS;
}

/* A key was pressed (or repeats): put what it types in @out. */
static void press(const struct kbd *k, bool e0, uint8_t key,
		  struct kbd_out *out)
{
	char c[2] = { 0, 0 };

	if (e0 || (is_keypad_digit(key) && !(k->locks & KBD_LED_NUM_LOCK))) {
		if (e0_keys[key] && e0_keys[key][1])
			emit(out, e0_keys[key]);	/* a sequence: no Alt */
		else if (e0_keys[key])
			c[0] = e0_keys[key][0];
	} else if (key < KEY_CODES) {
		c[0] = key_char(k, key);
	}
	if (!c[0])
		return;
	if (k->mods & KBD_MOD_ALT)
		emit(out, ESC);
	emit(out, c);
}

void kbd_feed(struct kbd *k, uint8_t code, struct kbd_out *out)
{
	bool e0 = k->e0;
	uint8_t key = code & ~SC_BREAK;
	bool released = code & SC_BREAK;

	out->len = 0;
	out->leds_changed = false;
	k->e0 = false;
	if (code == SC_E1) {
		k->skip = PAUSE_TAIL;
		return;
	}
	if (k->skip) {
		k->skip--;
		return;
	}
	if (code == SC_E0) {
		k->e0 = true;
		return;
	}
	if (is_reply(code))
		return;
	if (update_modifier(k, e0, key, released) ||
	    update_lock(k, e0, key, released, out) || released)
		return;
	press(k, e0, key, out);
}
