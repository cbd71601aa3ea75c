/*
 * drivers/i8042.c - PS/2 controller and keyboard (IBM PC AT Technical
 * Reference, "Keyboard Controller" and "Keyboard"; the commands below are
 * the ones every PC-compatible controller since the AT implements).
 *
 *   port 0x60  data: keyboard bytes in, bytes for the keyboard out
 *   port 0x64  read: status; write: a controller command
 *
 * Initialisation follows the usual order: ports off, output buffer
 * drained, interrupts off in the configuration byte, controller and port
 * tests, then the keyboard (reset, scanning on, LEDs), and only then the
 * interrupt. Each step is one row of steps[] below.
 */
#include "drivers/i8042.h"

#include "lib/errno.h"
#include "lib/kbd.h"
#include "arch/x86_64/cpu.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

#define I8042_DATA		0x60
#define I8042_STATUS		0x64	/* read */
#define I8042_COMMAND		0x64	/* write */

#define STATUS_OUTPUT_FULL	0x01	/* a byte waits at port 0x60 */
#define STATUS_INPUT_FULL	0x02	/* the controller has not taken ours */
#define STATUS_AUX		0x20	/* the byte is the second port's */
#define STATUS_ABSENT		0xff	/* what a port with no device reads */

#define CMD_READ_CONFIG		0x20
#define CMD_WRITE_CONFIG	0x60
#define CMD_PORT2_DISABLE	0xa7
#define CMD_SELF_TEST		0xaa
#define CMD_PORT1_TEST		0xab
#define CMD_PORT1_DISABLE	0xad
#define CMD_PORT1_ENABLE	0xae
#define SELF_TEST_PASSED	0x55
#define PORT_TEST_PASSED	0x00

#define KBD_CMD_SET_LEDS	0xed
#define KBD_CMD_ENABLE		0xf4
#define KBD_CMD_RESET		0xff
#define KBD_ACK			0xfa
#define KBD_RESEND		0xfe
#define KBD_SELF_TEST_PASSED	0xaa
#define KBD_TRIES		3	/* sends of a command met by "resend" */

/*
 * Bounds on each wait. A controller answers in microseconds; a keyboard's
 * reset runs its self-test, which takes up to about half a second.
 */
#define WAIT_MS			20
#define RESET_WAIT_MS		1000
#define FLUSH_MAX		64	/* bytes drained before giving up */
/* Cycles per second if calibration failed: long enough on any machine. */
#define FALLBACK_CYCLES_HZ	4000000000ull

static struct i8042_state state = { .answer = -1 };
static struct kbd kbd;

/* LED updates from the interrupt: command, value, each acknowledged. */
static enum { LEDS_IDLE, LEDS_SENT_COMMAND, LEDS_SENT_VALUE } leds_state;
static uint8_t leds_last_sent;

static uint64_t deadline(unsigned int ms)
{
	uint64_t hz = timer_cycles_hz();

	if (!hz)
		hz = FALLBACK_CYCLES_HZ;
	return arch_cycles() + hz / 1000 * ms;
}

/* Wait until the status has all of @set and none of @clear. */
static int wait_status(uint8_t set, uint8_t clear, unsigned int ms)
{
	uint64_t end = deadline(ms);

	for (;;) {
		uint8_t s = inb(I8042_STATUS);

		if ((s & set) == set && !(s & clear))
			return 0;
		if (arch_cycles() > end)
			return -ETIMEDOUT;
		arch_relax();
	}
}

static int send_command(uint8_t cmd)
{
	int err = wait_status(0, STATUS_INPUT_FULL, WAIT_MS);

	if (!err)
		outb(I8042_COMMAND, cmd);
	return err;
}

static int send_data(uint8_t byte)
{
	int err = wait_status(0, STATUS_INPUT_FULL, WAIT_MS);

	if (!err)
		outb(I8042_DATA, byte);
	return err;
}

static int read_data(uint8_t *byte, unsigned int ms)
{
	int err = wait_status(STATUS_OUTPUT_FULL, 0, ms);

	if (!err)
		*byte = inb(I8042_DATA);
	return err;
}

/* A controller command whose answer must be @want. */
static int command_expect(uint8_t cmd, uint8_t want)
{
	uint8_t got;
	int err = send_command(cmd);

	if (!err)
		err = read_data(&got, WAIT_MS);
	if (err)
		return err;
	state.answer = got;
	return got == want ? 0 : -EIO;
}

static int write_config(uint8_t config)
{
	int err = send_command(CMD_WRITE_CONFIG);

	if (!err)
		err = send_data(config);
	if (!err)
		state.config = config;
	return err;
}

/* Send a byte to the keyboard until it acknowledges it (polled). */
static int keyboard_send(uint8_t byte)
{
	for (int i = 0; i < KBD_TRIES; i++) {
		uint8_t got;
		int err = send_data(byte);

		if (!err)
			err = read_data(&got, WAIT_MS);
		if (err)
			return err;
		state.answer = got;
		if (got == KBD_ACK)
			return 0;
		if (got != KBD_RESEND)
			return -EIO;
	}
	return -EIO;
}

/* --- The steps of i8042_init(), in order ------------------------------- */

static int probe(void)
{
	state.answer = inb(I8042_STATUS);
	return state.answer == STATUS_ABSENT ? -ENOENT : 0;
}

static int disable_ports(void)
{
	int err = send_command(CMD_PORT1_DISABLE);

	return err ? err : send_command(CMD_PORT2_DISABLE);
}

/* What the firmware or a key pressed during boot left behind. */
static int flush_output(void)
{
	for (int i = 0; i < FLUSH_MAX; i++) {
		if (!(inb(I8042_STATUS) & STATUS_OUTPUT_FULL))
			return 0;
		state.answer = inb(I8042_DATA);
	}
	return -EIO;
}

/* Interrupts off while polling, translation on, the second port off. */
static int setup_config(void)
{
	uint8_t config;
	int err = send_command(CMD_READ_CONFIG);

	if (!err)
		err = read_data(&config, WAIT_MS);
	if (err)
		return err;
	config &= ~(I8042_CFG_PORT1_IRQ | I8042_CFG_PORT2_IRQ);
	config |= I8042_CFG_TRANSLATE | I8042_CFG_PORT2_OFF;
	return write_config(config);
}

/* Some controllers reset the configuration byte in the self-test. */
static int self_test(void)
{
	int err = command_expect(CMD_SELF_TEST, SELF_TEST_PASSED);

	return err ? err : write_config(state.config);
}

static int port1_test(void)
{
	return command_expect(CMD_PORT1_TEST, PORT_TEST_PASSED);
}

static int port1_enable(void)
{
	int err = send_command(CMD_PORT1_ENABLE);

	/* Keep the configuration byte we remember in step with the port. */
	if (!err)
		state.config &= ~I8042_CFG_PORT1_OFF;
	return err;
}

/* Reset: ACK, then the keyboard's self-test result. */
static int keyboard_reset(void)
{
	uint8_t got;
	int err = keyboard_send(KBD_CMD_RESET);

	if (!err)
		err = read_data(&got, RESET_WAIT_MS);
	if (err)
		return err;
	state.answer = got;
	return got == KBD_SELF_TEST_PASSED ? 0 : -EIO;
}

static int keyboard_enable(void)
{
	return keyboard_send(KBD_CMD_ENABLE);
}

static int keyboard_leds(void)
{
	int err = keyboard_send(KBD_CMD_SET_LEDS);

	return err ? err : keyboard_send(kbd_leds(&kbd));
}

static void on_irq(void *ctx);

static int take_irq(void)
{
	int err = irq_register(I8042_IRQ, on_irq, NULL);

	return err ? err : write_config(state.config | I8042_CFG_PORT1_IRQ);
}

static const struct {
	const char *what;
	int (*run)(void);
} steps[] = {
	{ "probe", probe },
	{ "disabling the ports", disable_ports },
	{ "draining the output buffer", flush_output },
	{ "writing the configuration byte", setup_config },
	{ "controller self-test", self_test },
	{ "first port test", port1_test },
	{ "enabling the first port", port1_enable },
	{ "keyboard reset", keyboard_reset },
	{ "enabling the keyboard", keyboard_enable },
	{ "setting the keyboard LEDs", keyboard_leds },
	{ "taking IRQ 1", take_irq },
};
_Static_assert(sizeof(steps) / sizeof(steps[0]) == I8042_STEPS,
	       "I8042_STEPS counts the steps");

int i8042_init(void)
{
	kbd_init(&kbd);
	state.steps_done = 0;
	for (size_t i = 0; i < I8042_STEPS; i++) {
		state.answer = -1;
		state.err = steps[i].run();
		if (state.err) {
			state.failed_step = steps[i].what;
			return state.err;
		}
		state.present = true;
		state.steps_done++;
	}
	state.answer = -1;
	state.ready = true;
	return 0;
}

/* --- Interrupt time ---------------------------------------------------- */

/*
 * Start an LED update. The interrupt must not wait, so the value byte goes
 * out when the command's ACK arrives (leds_on_reply). An update asked for
 * while one is under way starts over: it sends the newest state.
 */
static void leds_start(void)
{
	leds_state = LEDS_SENT_COMMAND;
	leds_last_sent = KBD_CMD_SET_LEDS;
	send_data(KBD_CMD_SET_LEDS);
}

/* Take the keyboard's answer to an LED update; true if @byte was one. */
static bool leds_on_reply(uint8_t byte)
{
	if (leds_state == LEDS_IDLE)
		return false;
	if (byte == KBD_RESEND) {
		send_data(leds_last_sent);
		return true;
	}
	if (byte != KBD_ACK)
		return false;
	if (leds_state == LEDS_SENT_COMMAND) {
		leds_state = LEDS_SENT_VALUE;
		leds_last_sent = kbd_leds(&kbd);
		send_data(leds_last_sent);
	} else {
		leds_state = LEDS_IDLE;
		state.led_updates++;
	}
	return true;
}

static void on_irq(void *ctx)
{
	uint8_t status = inb(I8042_STATUS);
	struct kbd_out out;
	uint8_t byte;

	(void)ctx;
	if (!(status & STATUS_OUTPUT_FULL))
		return;		/* a polled read took the byte first */
	byte = inb(I8042_DATA);
	if (status & STATUS_AUX)
		return;		/* the second port's (it is off) */
	state.bytes++;
	if (leds_on_reply(byte))
		return;
	kbd_feed(&kbd, byte, &out);
	if (out.len)
		console_input_push(out.bytes, out.len);
	if (out.leds_changed)
		leds_start();
}

/* --- For the summary and the tests ------------------------------------- */

void i8042_print_summary(void)
{
	if (state.ready)
		kprintf("keyboard: PS/2 on the i8042, scancode set 1 by "
			"translation, IRQ %u, US layout\n", I8042_IRQ);
	else if (state.err == -ENOENT)
		kprintf("keyboard: none: no PS/2 controller (port 0x64 reads "
			"0xff)\n");
	else if (state.answer >= 0)
		kprintf("keyboard: none: %s failed (%s, answer %#x)\n",
			state.failed_step, errno_name(state.err), state.answer);
	else
		kprintf("keyboard: none: %s failed (%s)\n", state.failed_step,
			errno_name(state.err));
}

const struct i8042_state *i8042_state(void)
{
	return &state;
}

int i8042_read_config(uint8_t *config)
{
	bool on = read_rflags() & RFLAGS_IF;
	int err;

	if (!state.present)
		return -ENOENT;
	cli();
	err = send_command(CMD_READ_CONFIG);
	if (!err)
		err = read_data(config, WAIT_MS);
	if (on)
		sti();
	return err;
}
