/*
 * tests/kernel/kbd_test.c - the PS/2 controller driver on the emulated
 * i8042, the scancode decoder in the kernel build, and keyboard bytes in
 * the console's input queue. The runner says through fw_cfg whether the
 * machine has an i8042 (opt/keel/i8042) and whether it types on the PS/2
 * keyboard when asked (opt/keel/keyboard-input).
 */
#include "lib/errno.h"
#include "lib/escape.h"
#include "lib/kbd.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "drivers/i8042.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

/* What the runner says about the i8042: "present", "absent" or "". */
static const char *expected_i8042(void)
{
	static char buf[16];

	if (fw_cfg_read_file("opt/keel/i8042", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

static const struct i8042_state *ready_or_skip(struct ktest_ctx *t)
{
	const struct i8042_state *s = i8042_state();

	if (!s->ready)
		ktest_skip(t, "no working PS/2 controller on this machine");
	return s->ready ? s : NULL;
}

KTEST(kbd_controller_found_where_the_machine_has_one)
{
	const char *want = expected_i8042();
	const struct i8042_state *s = i8042_state();

	if (!*want) {
		ktest_skip(t, "the emulator does not say if it has an i8042");
		return;
	}
	if (strcmp(want, "absent") == 0) {
		KT_ASSERT(!s->present);
		KT_ASSERT_EQ(s->err, -ENOENT);
		KT_ASSERT_EQ(s->answer, 0xff);
		KT_EXPECT_STREQ(s->failed_step, "probe");
		return;
	}
	KT_ASSERT(s->present);
	if (s->err)
		ktest_fail_at(t, __FILE__, __LINE__, "%s failed: %s, answer %d",
			      s->failed_step, errno_name(s->err), s->answer);
	KT_ASSERT_EQ(s->steps_done, I8042_STEPS);
	KT_ASSERT(s->ready);
}

/* Read back from the controller: translation on, port 1 and its IRQ on,
 * port 2's IRQ off, and nothing else changed behind the driver's back. */
KTEST(kbd_configuration_byte_reads_back)
{
	const struct i8042_state *s = ready_or_skip(t);
	uint8_t config;

	if (!s)
		return;
	KT_ASSERT_EQ(i8042_read_config(&config), 0);
	KT_ASSERT(config & I8042_CFG_TRANSLATE);
	KT_ASSERT(config & I8042_CFG_PORT1_IRQ);
	KT_ASSERT(!(config & I8042_CFG_PORT1_OFF));
	KT_ASSERT(!(config & I8042_CFG_PORT2_IRQ));
	KT_ASSERT_EQ(config, s->config);
}

static void no_handler(void *ctx)
{
	(void)ctx;
}

KTEST(kbd_irq1_is_taken)
{
	if (!ready_or_skip(t))
		return;
	KT_ASSERT_EQ(irq_register(I8042_IRQ, no_handler, NULL), -EBUSY);
}

/* Without a controller a second probe costs one port read: well under a
 * millisecond, and IRQ 1 stays free and silent. */
KTEST_FLAGS(kbd_missing_controller_is_harmless, KTEST_TIMING)
{
	const struct i8042_state *s = i8042_state();
	uint64_t start;
	int err;

	if (s->present) {
		ktest_skip(t, "this machine has an i8042");
		return;
	}
	start = arch_cycles();
	err = i8042_init();
	KT_ASSERT(arch_cycles() - start < timer_cycles_hz() / 1000);
	KT_ASSERT_EQ(err, -ENOENT);
	KT_ASSERT(!s->ready);
	KT_ASSERT_EQ(irq_count(I8042_IRQ), 0);
}

/* The decoder as the kernel build compiles it (the host tests cover it in
 * depth): make and break, Shift, Caps Lock, an 0xE0 key. */
KTEST(kbd_decoder_in_the_kernel_build)
{
	static const uint8_t codes[] = {
		0x2a, 0x23, 0xaa, 0x17,		/* Shift-h, i */
		0x3a, 0xba, 0x1e, 0x9e,		/* Caps Lock, a */
		0xe0, 0x48, 0xe0, 0xc8,		/* Up */
	};
	struct kbd k;
	char got[32];
	size_t len = 0;
	int leds = 0;

	kbd_init(&k);
	for (size_t i = 0; i < sizeof(codes); i++) {
		struct kbd_out out;

		kbd_feed(&k, codes[i], &out);
		memcpy(got + len, out.bytes, out.len);
		len += out.len;
		leds += out.leds_changed;
	}
	got[len] = '\0';
	KT_EXPECT_STREQ(got, "HiA\x1b[A");
	KT_ASSERT_EQ(leds, 1);
	KT_ASSERT_EQ(kbd_leds(&k), KBD_LED_CAPS_LOCK | KBD_LED_NUM_LOCK);
}

static void drain_input(void)
{
	while (console_getc() >= 0)
		;
}

/* Serial bytes and keyboard sequences come out of one queue in order. */
KTEST(kbd_and_serial_input_share_one_queue)
{
	char got[8];
	size_t len = 0;
	int c;

	drain_input();
	irq_disable();
	console_input_byte('s');
	console_input_push("\x1b[A", 3);
	console_input_byte('t');
	irq_enable();
	while (len < sizeof(got) - 1 && (c = console_getc()) >= 0)
		got[len++] = (char)c;
	got[len] = '\0';
	KT_EXPECT_STREQ(got, "s\x1b[At");
}

/*
 * A key's sequence that does not fit is dropped whole, counted and
 * reported once, and the serial bytes already queued stay. before: the
 * first two bytes of ESC [ A would go in. after: none of it.
 */
KTEST(kbd_sequence_that_does_not_fit_is_dropped_whole)
{
	static char out[512];
	uint32_t dropped;
	size_t queued = 0;

	drain_input();
	dropped = console_input_dropped();
	irq_disable();
	for (int i = 0; i < RING_SIZE - 2; i++)
		console_input_byte('x');
	console_capture(out, sizeof(out));
	console_input_push("\x1b[A", 3);
	console_input_push("\x1b[B", 3);
	console_capture(NULL, 0);
	irq_enable();
	while (console_getc() == 'x')
		queued++;
	KT_ASSERT_EQ(queued, RING_SIZE - 2);
	KT_ASSERT(!console_has_input());
	KT_ASSERT_EQ(console_input_dropped() - dropped, 6);
	KT_ASSERT(strstr(out, "console: keyboard input lost") != NULL);
	KT_ASSERT(strstr(strstr(out, "input lost") + 1, "input lost") == NULL);
}

/*
 * The keys the runner types (QEMU monitor "sendkey" names) and the bytes
 * they must give: Shift, an arrow, Caps Lock on and off (with Shift in
 * between), Ctrl-C, the 0xE0 keys.
 */
static const char typed_keys[] =
	"shift-h i shift-1 up left caps_lock a shift-b caps_lock c ctrl-c "
	"kp_enter delete home backspace tab ret";
static const char typed_bytes[] =
	"Hi!\x1b[A\x1b[D" "Abc\x03\r\x1b[3~\x1b[H\x7f\t\r";

/* Wait up to @ms for @n bytes from console_getc(). */
static size_t read_input(char *buf, size_t n, unsigned int ms)
{
	uint64_t start = arch_cycles();
	uint64_t limit = timer_cycles_hz() / 1000 * ms;
	size_t len = 0;

	while (len < n && arch_cycles() - start < limit) {
		int c = console_getc();

		if (c >= 0)
			buf[len++] = (char)c;
		else
			arch_idle();
	}
	buf[len] = '\0';
	return len;
}

/* The runner types on the PS/2 keyboard; the bytes arrive by IRQ 1. */
KTEST_FLAGS(kbd_typed_keys_arrive_by_interrupt, KTEST_TIMING)
{
	const struct i8042_state *s = ready_or_skip(t);
	char flag[8], got[64], want_esc[128], got_esc[128];
	uint32_t leds, dropped;
	uint64_t irqs;

	if (!s)
		return;
	if (fw_cfg_read_file("opt/keel/keyboard-input", flag,
			     sizeof(flag)) < 0) {
		ktest_skip(t, "the emulator does not type on the keyboard");
		return;
	}
	drain_input();
	leds = s->led_updates;
	dropped = console_input_dropped();
	irqs = irq_count(I8042_IRQ);
	kprintf("# ktest: waiting for keyboard input: %s\n", typed_keys);
	read_input(got, strlen(typed_bytes), 10000);
	escape_str(want_esc, sizeof(want_esc), typed_bytes);
	escape_str(got_esc, sizeof(got_esc), got);
	KT_EXPECT_STREQ(got_esc, want_esc);
	KT_ASSERT(irq_count(I8042_IRQ) > irqs);
	KT_ASSERT_EQ(console_input_dropped(), dropped);
	/* Both Caps Lock presses reached the LEDs, acknowledged. */
	KT_ASSERT_EQ(s->led_updates - leds, 2);
}
