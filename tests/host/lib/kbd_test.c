/*
 * tests/host/lib/kbd_test.c - host tests of lib/kbd.c, fed scancode set 1
 * sequences as a keyboard behind an i8042 with translation sends them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lib/kbd.h"

/* Make codes used below (break = make | 0x80). */
#define A	0x1e
#define B	0x30
#define C	0x2e
#define ONE	0x02
#define LBRACKET 0x1a
#define ENTER	0x1c
#define BKSP	0x0e
#define TAB	0x0f
#define ESCK	0x01
#define SPACE	0x39
#define LSHIFT	0x2a
#define RSHIFT	0x36
#define CTRL	0x1d
#define ALT	0x38
#define CAPS	0x3a
#define NUM	0x45
#define KP8	0x48
#define KP5	0x4c
#define KP_PLUS	0x4e
#define BRK(x)	((x) | 0x80)

struct run {
	char bytes[256];
	size_t len;
	int leds_changes;
};

/* Feed @n scancode bytes to @k; collect every byte and LED change. */
static struct run feed(struct kbd *k, const uint8_t *codes, size_t n)
{
	struct run r = { .len = 0 };

	for (size_t i = 0; i < n; i++) {
		struct kbd_out out;

		kbd_feed(k, codes[i], &out);
		assert_true(out.len <= KBD_OUT_MAX);
		memcpy(r.bytes + r.len, out.bytes, out.len);
		r.len += out.len;
		r.leds_changes += out.leds_changed;
	}
	r.bytes[r.len] = '\0';
	return r;
}

/* From a fresh decoder: feed, and compare what came out with @want. */
#define EXPECT(want, ...)                                                   \
	do {                                                                \
		static const uint8_t codes_[] = { __VA_ARGS__ };            \
		struct kbd k_;                                              \
		struct run r_;                                              \
		kbd_init(&k_);                                              \
		r_ = feed(&k_, codes_, sizeof(codes_));                     \
		assert_int_equal(r_.len, strlen(want));                     \
		assert_memory_equal(r_.bytes, want, r_.len);                \
	} while (0)

static void kbd_test_make_types_and_break_types_nothing(void **state)
{
	(void)state;
	EXPECT("a", A);
	EXPECT("", BRK(A));
	EXPECT("ab", A, BRK(A), B, BRK(B));
	EXPECT("aaa", A, A, A, BRK(A));		/* typematic repeat */
	EXPECT("1 ", ONE, BRK(ONE), SPACE, BRK(SPACE));
}

static void kbd_test_control_keys_encode_as_a_terminal(void **state)
{
	(void)state;
	EXPECT("\r", ENTER, BRK(ENTER));
	EXPECT("\x7f", BKSP, BRK(BKSP));
	EXPECT("\t", TAB, BRK(TAB));
	EXPECT("\x1b", ESCK, BRK(ESCK));
}

/* Either Shift; released, the next key is plain again. */
static void kbd_test_both_shifts(void **state)
{
	(void)state;
	EXPECT("A!a", LSHIFT, A, BRK(A), ONE, BRK(LSHIFT), A);
	EXPECT("B{b", RSHIFT, B, LBRACKET, BRK(RSHIFT), B);
	/* One Shift released while the other is held: still shifted. */
	EXPECT("AA", LSHIFT, RSHIFT, A, BRK(LSHIFT), A);
}

static void kbd_test_caps_lock_toggles_letters_only(void **state)
{
	struct kbd k;
	static const uint8_t on[] = { CAPS, BRK(CAPS), A, ONE };
	static const uint8_t shift_a[] = { LSHIFT, A, ONE, BRK(LSHIFT) };
	static const uint8_t off[] = { CAPS, BRK(CAPS), A };
	struct run r;

	(void)state;
	kbd_init(&k);
	r = feed(&k, on, sizeof(on));
	assert_string_equal(r.bytes, "A1");
	assert_int_equal(r.leds_changes, 1);
	assert_true(kbd_leds(&k) & KBD_LED_CAPS_LOCK);
	/* Shift with Caps Lock: lower-case letters, shifted digits. */
	r = feed(&k, shift_a, sizeof(shift_a));
	assert_string_equal(r.bytes, "a!");
	assert_int_equal(r.leds_changes, 0);
	r = feed(&k, off, sizeof(off));
	assert_string_equal(r.bytes, "a");
	assert_int_equal(r.leds_changes, 1);
	assert_false(kbd_leds(&k) & KBD_LED_CAPS_LOCK);
}

/* Holding Caps Lock repeats its make code; only the first one toggles. */
static void kbd_test_caps_lock_repeat_toggles_once(void **state)
{
	struct kbd k;
	static const uint8_t held[] = { CAPS, CAPS, CAPS, BRK(CAPS), A };
	struct run r;

	(void)state;
	kbd_init(&k);
	r = feed(&k, held, sizeof(held));
	assert_string_equal(r.bytes, "A");
	assert_int_equal(r.leds_changes, 1);
}

static void kbd_test_leds_start_with_num_lock(void **state)
{
	struct kbd k;
	static const uint8_t num[] = { NUM, BRK(NUM) };
	struct run r;

	(void)state;
	kbd_init(&k);
	assert_int_equal(kbd_leds(&k), KBD_LED_NUM_LOCK);
	r = feed(&k, num, sizeof(num));
	assert_int_equal(r.leds_changes, 1);
	assert_int_equal(kbd_leds(&k), 0);
}

static void kbd_test_ctrl_letters(void **state)
{
	(void)state;
	EXPECT("\x03", CTRL, C, BRK(C), BRK(CTRL));
	EXPECT("\x01\x1a", CTRL, A, 0x2c, BRK(CTRL));		/* ^A ^Z */
	EXPECT("\x03", 0xe0, CTRL, C, 0xe0, BRK(CTRL));	/* right Ctrl */
	EXPECT("\x03", CTRL, LSHIFT, C);			/* ^C shifted */
	EXPECT("\x1b", CTRL, LBRACKET);
	EXPECT("c", CTRL, BRK(CTRL), C);
	EXPECT("1", CTRL, ONE);			/* not a letter: unchanged */
}

static void kbd_test_alt_sends_escape_first(void **state)
{
	(void)state;
	EXPECT("\x1b" "a", ALT, A, BRK(ALT));
	EXPECT("\x1b" "b", 0xe0, ALT, B, 0xe0, BRK(ALT));	/* AltGr */
	EXPECT("a", ALT, BRK(ALT), A);
	/* A sequence gets no second ESC. */
	EXPECT("\x1b[A", ALT, 0xe0, 0x48);
}

static void kbd_test_e0_keys_send_ansi_sequences(void **state)
{
	(void)state;
	EXPECT("\x1b[A", 0xe0, 0x48, 0xe0, 0xc8);
	EXPECT("\x1b[B", 0xe0, 0x50, 0xe0, 0xd0);
	EXPECT("\x1b[C", 0xe0, 0x4d, 0xe0, 0xcd);
	EXPECT("\x1b[D", 0xe0, 0x4b, 0xe0, 0xcb);
	EXPECT("\x1b[H", 0xe0, 0x47);
	EXPECT("\x1b[F", 0xe0, 0x4f);
	EXPECT("\x1b[2~", 0xe0, 0x52);
	EXPECT("\x1b[3~", 0xe0, 0x53);
	EXPECT("\x1b[5~", 0xe0, 0x49);
	EXPECT("\x1b[6~", 0xe0, 0x51);
	EXPECT("\r", 0xe0, 0x1c, 0xe0, 0x9c);		/* keypad Enter */
	EXPECT("/", 0xe0, 0x35, 0xe0, 0xb5);		/* keypad '/' */
	/* Shift does not change the keypad '/' into '?'. */
	EXPECT("/", LSHIFT, 0xe0, 0x35);
}

/* The prefix applies to one byte only: the next key is a plain one. */
static void kbd_test_e0_prefix_lasts_one_byte(void **state)
{
	(void)state;
	EXPECT("\x1b[A" "8", 0xe0, 0x48, KP8);
	EXPECT("a", 0xe0, BRK(A), A);	/* an E0 break of an unknown key */
}

/*
 * With Num Lock on, the grey arrows come wrapped in fake Shifts (E0 2A
 * before, E0 AA after); they must not shift the keys that follow.
 */
static void kbd_test_fake_shifts_are_ignored(void **state)
{
	(void)state;
	EXPECT("\x1b[A" "a", 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa,
	       A);
	EXPECT("a", 0xe0, 0x36, A);
	/* A real Shift held across them stays held. */
	EXPECT("A", LSHIFT, 0xe0, 0xaa, A);
}

static void kbd_test_keypad_follows_num_lock(void **state)
{
	(void)state;
	EXPECT("8+5", KP8, KP_PLUS, KP5);
	EXPECT("\x1b[A+", NUM, BRK(NUM), KP8, KP_PLUS, KP5);
}

/* Pause: E1 1D 45 E1 9D C5. Its 1D must not press Ctrl. */
static void kbd_test_pause_is_ignored(void **state)
{
	(void)state;
	EXPECT("c", 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, C);
	/* Its 45 must not toggle Num Lock either: the keypad still types. */
	EXPECT("8", 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, KP8);
	/* A cut Pause sequence swallows two bytes (1D, then A), no more. */
	EXPECT("b", 0xe1, 0x1d, A, B);
}

/* Replies and error bytes give nothing and cancel a pending prefix. */
static void kbd_test_replies_and_errors_give_nothing(void **state)
{
	(void)state;
	EXPECT("", 0xfa, 0xfe, 0xee, 0xfc, 0xfd, 0x00, 0xff);
	EXPECT("8", 0xe0, 0xfa, KP8);	/* not an Up arrow */
	EXPECT("a", 0xe0, 0xe0, 0xff, A);
	/* Function keys and unknown codes type nothing. */
	EXPECT("", 0x3b, 0x44, 0x57, 0x58, 0x59, 0x7f, 0xe0, 0x5b, 0xe0, 0x37);
}

/*
 * Every byte value after every byte value, from every start state the
 * sequences above reach: output stays within bounds, and a break of each
 * modifier plus a plain key always brings the decoder back to "a".
 */
static void kbd_test_junk_never_breaks_the_state(void **state)
{
	static const uint8_t recover[] = {
		0xff, 0xff, 0xff,	/* ends a prefix or a Pause tail */
		BRK(LSHIFT), BRK(RSHIFT), BRK(CTRL), 0xe0, BRK(CTRL),
		BRK(ALT), 0xe0, BRK(ALT), A,
	};

	(void)state;
	for (int x = 0; x < 256; x++) {
		for (int y = 0; y < 256; y++) {
			struct kbd k;
			uint8_t junk[2] = { (uint8_t)x, (uint8_t)y };
			struct run r;

			kbd_init(&k);
			feed(&k, junk, sizeof(junk));
			k.locks &= ~KBD_LED_CAPS_LOCK;	/* a junk Caps Lock */
			r = feed(&k, recover, sizeof(recover));
			assert_string_equal(r.bytes, "a");
		}
	}
}

/* Random streams: a large one never overflows the output or crashes. */
static void kbd_test_random_stream_stays_in_bounds(void **state)
{
	struct kbd k;
	uint32_t seed = 12345;

	(void)state;
	kbd_init(&k);
	for (int i = 0; i < 1000000; i++) {
		struct kbd_out out;

		seed = seed * 1103515245u + 12345u;
		kbd_feed(&k, (uint8_t)(seed >> 16), &out);
		assert_true(out.len <= KBD_OUT_MAX);
		assert_true(k.skip <= 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kbd_test_make_types_and_break_types_nothing),
		cmocka_unit_test(kbd_test_control_keys_encode_as_a_terminal),
		cmocka_unit_test(kbd_test_both_shifts),
		cmocka_unit_test(kbd_test_caps_lock_toggles_letters_only),
		cmocka_unit_test(kbd_test_caps_lock_repeat_toggles_once),
		cmocka_unit_test(kbd_test_leds_start_with_num_lock),
		cmocka_unit_test(kbd_test_ctrl_letters),
		cmocka_unit_test(kbd_test_alt_sends_escape_first),
		cmocka_unit_test(kbd_test_e0_keys_send_ansi_sequences),
		cmocka_unit_test(kbd_test_e0_prefix_lasts_one_byte),
		cmocka_unit_test(kbd_test_fake_shifts_are_ignored),
		cmocka_unit_test(kbd_test_keypad_follows_num_lock),
		cmocka_unit_test(kbd_test_pause_is_ignored),
		cmocka_unit_test(kbd_test_replies_and_errors_give_nothing),
		cmocka_unit_test(kbd_test_junk_never_breaks_the_state),
		cmocka_unit_test(kbd_test_random_stream_stays_in_bounds),
	};

	return cmocka_run_group_tests_name("kbd", tests, NULL, NULL);
}
