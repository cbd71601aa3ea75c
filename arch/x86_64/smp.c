/*
 * arch/x86_64/smp.c - starting the application processors and talking to
 * them: INIT-SIPI-SIPI through the local APIC (Intel SDM Vol. 3A, 9.4.4
 * "MP initialization example"), the call-function IPI, and stopping them
 * with an NMI when the kernel panics.
 *
 * Start-up, all APs at once: INIT to each (smp_send_init(), early in the
 * boot), the boot going on for most of the 10 ms wait, a STARTUP IPI to
 * each (smp_init()), and a second one only to those that have not reached the
 * trampoline 1 ms later. Each AP runs arch/x86_64/trampoline.asm from a
 * page below 1 MiB (memory_ap_start_page()) into ap_entry() here, on its
 * own stack (arch/x86_64/cpu_stacks.c), and reports in.
 */
#include "kernel/smp.h"

#include <stddef.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_stacks.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/trap.h"
#include "lib/acpi.h"
#include "kernel/arch.h"
#include "kernel/frame.h"
#include "kernel/layout.h"
#include "kernel/memory.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/usermode.h"

#define INIT_WAIT_US 10000	/* INIT to STARTUP (SDM Vol. 3A, 9.4.4.1) */
#define SIPI_RETRY_US 1000	/* then a second STARTUP to the late */
#define REPORT_TIMEOUT_US 200000	/* an AP still silent is given up */
#define STOP_WAIT_US 20000	/* a panic waits this long for the others */

/* Trampoline GDT selectors (trampoline.asm). */
#define TRAMP_SEL_CODE32 0x08
#define TRAMP_SEL_CODE64 0x18
#define EFER_LMA (1ULL << 10)

/* Layout fixed by trampoline.asm's parameter block; keep them in sync. */
struct trampoline_cpu {
	uint32_t apic_id;
	uint32_t arrived;	/* set by the AP in the trampoline */
	uint64_t stack_top;
	uint64_t cpu;		/* its struct cpu * */
} __attribute__((packed));

struct trampoline_params {
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t pm_entry;
	uint16_t pm_sel;
	uint16_t pad1;
	uint32_t lm_entry;
	uint16_t lm_sel;
	uint16_t pad2;
	uint32_t cr3;
	uint32_t cr0;
	uint32_t efer;
	uint32_t ncpus;
	uint64_t entry;
	uint64_t gdt[4];
	struct trampoline_cpu cpus[MAX_CPUS];
} __attribute__((packed));
_Static_assert(offsetof(struct trampoline_params, entry) == 40,
	       "trampoline.asm: params.entry");
_Static_assert(offsetof(struct trampoline_params, cpus) == 80,
	       "trampoline.asm: params.cpus");

extern const char trampoline_start[], trampoline_params[], trampoline_end[];
extern const char trampoline_pm_entry[], trampoline_lm_entry[];

/* What the boot CPU hands every AP besides the trampoline's block. */
static struct {
	uint64_t cr3;		/* the kernel's tables */
	uint64_t cr4;
	uint64_t pat;
	struct cpu_stacks stacks[MAX_CPUS];
} boot_state;

static volatile uint64_t ready_mask = 1;	/* the boot CPU */
static volatile bool reported[MAX_CPUS];
static uint64_t init_cycles;	/* when the INITs went out */
static uint64_t sipi_cycles;
static uint64_t bringup_us;
static unsigned int started;
static const char *cpu_state[MAX_CPUS];	/* for smp_print_cpus() */

/* --- Time -------------------------------------------------------------- */

static uint64_t us_to_cycles(uint64_t us)
{
	return timer_cycles_hz() / 1000000 * us;
}

static uint64_t cycles_to_us(uint64_t cycles)
{
	uint64_t per_us = timer_cycles_hz() / 1000000;

	return per_us ? cycles / per_us : 0;
}

/* --- Call-function IPI ------------------------------------------------- */

enum { CALL_IDLE, CALL_PENDING, CALL_RUNNING, CALL_DONE };

static struct call_slot {
	struct spinlock lock;	/* one caller at a time per target */
	void (*fn)(void *);
	void *arg;
	uint32_t state;
} calls[MAX_CPUS];

/* Run the call waiting for this CPU, if any. */
static void serve_call(void)
{
	struct call_slot *s = &calls[this_cpu_index()];
	uint32_t want = CALL_PENDING;

	if (!__atomic_compare_exchange_n(&s->state, &want, CALL_RUNNING, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	s->fn(s->arg);
	__atomic_store_n(&s->state, CALL_DONE, __ATOMIC_RELEASE);
}

static void on_call_ipi(struct trap_frame *frame)
{
	(void)frame;
	lapic_eoi();
	serve_call();
}

static bool call_started(struct call_slot *s, uint64_t deadline)
{
	uint32_t want = CALL_PENDING;

	while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == CALL_PENDING) {
		serve_call();	/* the target may be calling us */
		arch_relax();
		if (arch_cycles() > deadline &&
		    __atomic_compare_exchange_n(&s->state, &want, CALL_IDLE,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return false;
		want = CALL_PENDING;
	}
	return true;
}

/* Hand @fn to @cpu; with @wait, also wait for it to return. */
static int call(unsigned int cpu, void (*fn)(void *), void *arg, bool wait)
{
	struct call_slot *s = &calls[cpu % MAX_CPUS];
	uint64_t deadline;
	uint64_t flags;
	int err = 0;

	if (cpu >= MAX_CPUS || !(smp_ready_mask() & (1ULL << cpu)))
		return -EINVAL;
	flags = arch_irq_save();
	while (!spin_trylock(&s->lock)) {
		serve_call();
		arch_relax();
	}
	/* A call that did not wait may still be running there. */
	while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == CALL_RUNNING) {
		serve_call();
		arch_relax();
	}
	s->fn = fn;
	s->arg = arg;
	__atomic_store_n(&s->state, CALL_PENDING, __ATOMIC_RELEASE);
	lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI_CALL);
	deadline = arch_cycles() + us_to_cycles(SMP_CALL_TIMEOUT_MS * 1000ULL);
	if (!call_started(s, deadline))
		err = -ETIMEDOUT;
	else
		while (wait && __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) !=
			       CALL_DONE) {
			serve_call();
			arch_relax();
		}
	spin_unlock(&s->lock);
	arch_irq_restore(flags);
	return err;
}

int smp_call(unsigned int cpu, void (*fn)(void *), void *arg)
{
	if (cpu == this_cpu_index()) {
		fn(arg);
		return 0;
	}
	return call(cpu, fn, arg, true);
}

int smp_call_async(unsigned int cpu, void (*fn)(void *), void *arg)
{
	if (cpu == this_cpu_index())
		return -EINVAL;
	return call(cpu, fn, arg, false);
}

uint64_t smp_ready_mask(void)
{
	return __atomic_load_n(&ready_mask, __ATOMIC_ACQUIRE);
}

/* --- Stopping every other CPU (panic) ---------------------------------- */

static volatile bool stopping;
static volatile uint64_t stopped_mask;

static void on_nmi(struct trap_frame *frame)
{
	if (!stopping)
		exception_die(frame);
	__atomic_fetch_or(&stopped_mask, 1ULL << this_cpu_index(),
			  __ATOMIC_RELEASE);
	/* NMIs stay blocked until an iret that never comes: halted for good. */
	for (;;) {
		cli();
		hlt();
	}
}

void arch_stop_other_cpus(void)
{
	uint64_t others = smp_ready_mask() & ~(1ULL << this_cpu_index());
	uint64_t end;

	if (!others)
		return;
	stopping = true;
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		if (others & (1ULL << i))
			lapic_send_nmi(cpus[i].apic_id);
	end = arch_cycles() + us_to_cycles(STOP_WAIT_US);
	while ((__atomic_load_n(&stopped_mask, __ATOMIC_ACQUIRE) & others) !=
	       others && arch_cycles() < end)
		pause();
}

/* --- The AP's side ----------------------------------------------------- */

/* Nothing to do but return: the way out of the interrupt (trap.c) finds
 * need_resched set by the waker and switches. */
static void on_resched_ipi(struct trap_frame *frame)
{
	(void)frame;
	lapic_eoi();
}

void arch_send_resched(unsigned int cpu)
{
	if (cpu < MAX_CPUS && (smp_ready_mask() & (1ULL << cpu)))
		lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI_RESCHED);
}

/* Entered from trampoline.asm on this CPU's own stack, on the start-up
 * page tables, interrupts off. */
__attribute__((noreturn)) void ap_entry(struct cpu *c);
void ap_entry(struct cpu *c)
{
	unsigned int i = (unsigned int)(c - cpus);

	write_cr3(boot_state.cr3);	/* the kernel's own tables */
	write_cr4(boot_state.cr4);	/* the boot CPU's protections */
	wrmsr(MSR_IA32_PAT, boot_state.pat);
	arch_usermode_init();	/* SSE on, and the SYSCALL MSRs, per CPU */
	gdt_init_ap(i, boot_state.stacks[i].ist_top);
	idt_load();
	arch_percpu_init(c);
	lapic_cpu_init();
	lapic_timer_start_cpu();
	c->start_us = cycles_to_us(arch_cycles() - sipi_cycles);
	__atomic_fetch_or(&ready_mask, 1ULL << i, __ATOMIC_RELEASE);
	/* A kernel mapping changed before we took IPIs may still be cached:
	 * drop everything once (here only), now that shootdowns reach us. */
	write_cr3(read_cr3());
	__atomic_store_n(&reported[i], true, __ATOMIC_RELEASE);
	sched_idle_enter(boot_state.stacks[i].kernel_top);
}

/* --- The boot CPU's side ----------------------------------------------- */

/* Page tables for the switch: the kernel's upper half plus the first
 * 2 MiB identity-mapped, where the trampoline runs when paging starts. */
static paddr_t start_tables[3];

static void free_start_tables(void)
{
	for (int i = 0; i < 3; i++) {
		if (start_tables[i])
			frame_free(start_tables[i]);
		start_tables[i] = 0;
	}
}

static int build_start_tables(void)
{
	uint64_t *pml4, *pdpt, *pd;

	for (int i = 0; i < 3; i++) {
		start_tables[i] = frame_alloc();
		/* CR3 is loaded in 32-bit code: it must lie below 4 GiB. */
		if (!start_tables[i] || start_tables[i] >= (1ULL << 32)) {
			free_start_tables();
			return -ENOMEM;
		}
	}
	pml4 = phys_to_virt(start_tables[0]);
	pdpt = phys_to_virt(start_tables[1]);
	pd = phys_to_virt(start_tables[2]);
	memcpy(pml4, phys_to_virt(boot_state.cr3 & PTE_ADDR_MASK), PAGE_SIZE);
	pml4[0] = start_tables[1] | PTE_PRESENT | PTE_WRITABLE;
	pdpt[0] = start_tables[2] | PTE_PRESENT | PTE_WRITABLE;
	pd[0] = PTE_PRESENT | PTE_WRITABLE | PTE_HUGE;	/* [0, 2 MiB) */
	return 0;
}

static void fill_params(struct trampoline_params *p, paddr_t page)
{
	uint32_t base = (uint32_t)page;

	p->gdt[0] = 0;
	p->gdt[1] = 0x00cf9a000000ffffULL;	/* 32-bit code, flat */
	p->gdt[2] = 0x00cf92000000ffffULL;	/* data, flat */
	p->gdt[3] = 0x00af9a000000ffffULL;	/* 64-bit code */
	p->gdt_limit = sizeof(p->gdt) - 1;
	p->gdt_base = base + (uint32_t)(trampoline_params - trampoline_start) +
		      (uint32_t)offsetof(struct trampoline_params, gdt);
	p->pm_entry = base + (uint32_t)(trampoline_pm_entry - trampoline_start);
	p->pm_sel = TRAMP_SEL_CODE32;
	p->lm_entry = base + (uint32_t)(trampoline_lm_entry - trampoline_start);
	p->lm_sel = TRAMP_SEL_CODE64;
	p->cr3 = (uint32_t)start_tables[0];
	p->cr0 = (uint32_t)read_cr0();
	p->efer = (uint32_t)(rdmsr(MSR_EFER) & ~EFER_LMA);
	p->entry = (uint64_t)(uintptr_t)ap_entry;
}

static void copy_trampoline(paddr_t page, unsigned int n)
{
	char *dst = phys_to_virt(page);
	struct trampoline_params *p = (struct trampoline_params *)
		(dst + (trampoline_params - trampoline_start));

	memcpy(dst, trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	fill_params(p, page);
	p->ncpus = n;
	for (unsigned int i = 1; i <= n; i++) {
		p->cpus[i - 1] = (struct trampoline_cpu){
			.apic_id = cpus[i].apic_id,
			.stack_top = boot_state.stacks[i].kernel_top,
			.cpu = (uint64_t)(uintptr_t)&cpus[i],
		};
	}
}

static struct trampoline_params *params_at(paddr_t page)
{
	char *base = phys_to_virt(page);

	return (struct trampoline_params *)(base + (trampoline_params -
						    trampoline_start));
}

/* Pick the APs from the MADT: enabled, not this CPU, at most @limit CPUs
 * in all. Returns how many (cpus[1..n]). */
static unsigned int choose_aps(const struct acpi_madt *madt, unsigned int limit)
{
	uint32_t self = lapic_id();
	unsigned int n = 0;

	for (unsigned int i = 0; i < madt->cpu_count && n + 1 < limit &&
	     n + 1 < MAX_CPUS; i++) {
		const struct acpi_madt_cpu *m = &madt->cpus[i];

		if (!m->enabled || m->apic_id == self)
			continue;
		n++;
		cpus[n].apic_id = m->apic_id;
		cpu_state[n] = "starting";
	}
	/* A processor that never answers, for the runner to check how that
	 * is reported: the INIT and STARTUP go to an APIC id nobody has. */
	if (options_number("smp_ghost") && n + 1 < limit && n + 1 < MAX_CPUS) {
		n++;
		cpus[n].apic_id = (uint32_t)options_number("smp_ghost");
		cpu_state[n] = "starting";
	}
	return n;
}

/* Map the stacks of cpus[1..n]; returns how many got theirs. */
static unsigned int map_stacks(unsigned int n)
{
	for (unsigned int i = 1; i <= n; i++) {
		if (cpu_stacks_alloc(i, &boot_state.stacks[i])) {
			kprintf("smp: no memory for CPU %u's stacks; starting "
				"%u CPUs\n", i, i);
			return i - 1;
		}
	}
	return n;
}

static void send_all(unsigned int n, paddr_t page, bool startup,
		     const volatile struct trampoline_params *p)
{
	for (unsigned int i = 1; i <= n; i++) {
		if (!startup)
			lapic_send_init(cpus[i].apic_id);
		else if (!p || !p->cpus[i - 1].arrived)
			lapic_send_startup(cpus[i].apic_id,
					   (uint8_t)(page / PAGE_SIZE));
	}
}

/* How many of cpus[1..n] have reported in. */
static unsigned int reported_count(unsigned int n)
{
	unsigned int up = 0;

	for (unsigned int i = 1; i <= n; i++)
		up += __atomic_load_n(&reported[i], __ATOMIC_ACQUIRE);
	return up;
}

/* Wait until every AP has reported in, or the time is up. */
static unsigned int wait_reports(unsigned int n)
{
	uint64_t end = arch_cycles() + us_to_cycles(REPORT_TIMEOUT_US);
	unsigned int up;

	while ((up = reported_count(n)) < n && arch_cycles() < end)
		arch_relax();
	return up;
}

/* Up to SIPI_RETRY_US for every AP to reach the trampoline. */
static void wait_arrivals(unsigned int n,
			  const volatile struct trampoline_params *p)
{
	uint64_t end = arch_cycles() + us_to_cycles(SIPI_RETRY_US);
	unsigned int in;

	do {
		in = 0;
		for (unsigned int i = 0; i < n; i++)
			in += p->cpus[i].arrived != 0;
		arch_relax();
	} while (in < n && arch_cycles() < end);
}

/*
 * INIT to every AP, then everything they will use: stacks, start-up
 * tables, the trampoline. An AP left without them stays waiting for a
 * STARTUP that never comes. Returns how many are ready for one.
 */
static unsigned int init_aps(unsigned int n, paddr_t page)
{
	init_cycles = arch_cycles();
	send_all(n, page, false, NULL);		/* INIT */
	n = map_stacks(n);
	if (n && build_start_tables()) {
		kprintf("smp: no memory for the start-up page tables\n");
		n = 0;
	}
	if (n)
		copy_trampoline(page, n);
	return n;
}

/*
 * The rest of the 10 ms after the INIT that the APs need before a
 * STARTUP (the boot went on meanwhile), then the STARTUPs, and the
 * reports. The cycle counter is calibrated by now; the INIT's timestamp
 * was taken in its units before.
 */
static void startup_aps(unsigned int n, paddr_t page)
{
	const volatile struct trampoline_params *p = params_at(page);
	uint64_t startup_at = init_cycles + us_to_cycles(INIT_WAIT_US);

	while (arch_cycles() < startup_at)
		arch_relax();
	sipi_cycles = arch_cycles();
	send_all(n, page, true, NULL);		/* STARTUP */
	wait_arrivals(n, p);
	send_all(n, page, true, p);		/* STARTUP, to the late */
	wait_reports(n);
	bringup_us = cycles_to_us(arch_cycles() - init_cycles);
}

/* Why the boot stays on one CPU, or NULL when APs may start. */
static const char *why_one_cpu(const struct acpi_madt *madt, paddr_t page)
{
	if (options_has("nosmp"))
		return "nosmp on the command line";
	if (options_number("smp") == 1)
		return "smp=1 on the command line";
	if (!madt)
		return "no ACPI MADT lists the processors";
	if (!apic_in_use())
		return "the local APIC is not in use";
	if (!page)
		return "no free page below 1 MiB for the start-up code";
	if ((size_t)(trampoline_end - trampoline_params) !=
	    sizeof(struct trampoline_params))
		return "trampoline.asm and smp.c disagree on the parameters";
	return NULL;
}

static const char *one_cpu_why;	/* for the summary line */

/* Mark each AP's state; an AP that did not answer is reported now. */
static void check_reports(unsigned int n)
{
	for (unsigned int i = 1; i <= n; i++) {
		bool ok = __atomic_load_n(&reported[i], __ATOMIC_ACQUIRE);

		cpu_state[i] = ok ? "online" : "did not answer";
		if (!ok)
			kprintf("smp: CPU %u (APIC id %u) did not answer "
				"within %u ms; going on without it\n", i,
				cpus[i].apic_id, REPORT_TIMEOUT_US / 1000);
	}
}

/* Nothing on a machine with one processor: the summary fills a text
 * screen already. */
void smp_print_summary(void)
{
	if (one_cpu_why)
		kprintf("smp: one CPU: %s\n", one_cpu_why);
	else if (started)
		kprintf("smp: %u of %u CPUs online, started in %llu us\n",
			cpu_online_count(), started + 1,
			(unsigned long long)bringup_us);
}

/* The boot went on since the INIT: what the APs load after their STARTUP
 * is read again, and the start-up tables, which copy the kernel's PML4,
 * are built again if the boot CPU has moved to other tables. */
static int refresh_boot_state(unsigned int n, paddr_t page)
{
	bool same_tables = read_cr3() == boot_state.cr3;

	boot_state.cr3 = read_cr3();
	boot_state.cr4 = read_cr4();
	boot_state.pat = rdmsr(MSR_IA32_PAT);
	if (same_tables)
		return 0;
	free_start_tables();
	if (build_start_tables())
		return -ENOMEM;
	copy_trampoline(page, n);
	return 0;
}

static paddr_t start_page;	/* the trampoline's, while APs start */
static unsigned int initialised;	/* APs sent INIT and made ready */

void smp_send_init(const struct acpi_madt *madt)
{
	paddr_t page = memory_ap_start_page();
	const char *why = why_one_cpu(madt, page);
	unsigned int n;

	cpus[0].apic_id = apic_in_use() ? lapic_id() : 0;
	cpus[0].start_us = 0;
	cpu_state[0] = "online (boot CPU)";
	one_cpu_why = why;
	if (why)
		return;
	trap_set_handler(VEC_IPI_CALL, on_call_ipi);
	trap_set_handler(VEC_IPI_TLB, tlb_shootdown_ipi);
	trap_set_handler(VEC_IPI_RESCHED, on_resched_ipi);
	trap_set_handler(VEC_NMI, on_nmi);
	boot_state.cr3 = read_cr3();
	boot_state.cr4 = read_cr4();
	boot_state.pat = rdmsr(MSR_IA32_PAT);
	n = choose_aps(madt, options_number("smp"));
	if (!n)
		return;		/* the only processor the MADT lists */
	initialised = init_aps(n, page);
	start_page = page;
	if (!initialised)
		one_cpu_why = "no memory to start the others";
}

void smp_init(void)
{
	unsigned int n = initialised;

	if (!n)
		return;
	if (refresh_boot_state(n, start_page)) {
		kprintf("smp: no memory for the start-up page tables\n");
		one_cpu_why = "no memory to start the others";
		return;
	}
	startup_aps(n, start_page);
	started = n;
	check_reports(n);
	/* An AP that did not answer may still be on its way through the
	 * trampoline's tables: keep them then. */
	if (reported_count(n) == n)
		free_start_tables();
}

uint64_t smp_bringup_us(void)
{
	return bringup_us;
}

unsigned int smp_started_count(void)
{
	return started;
}

void smp_print_cpus(void)
{
	for (unsigned int i = 0; i <= started; i++) {
		kprintf("cpu %u: APIC id %u, %s", i, cpus[i].apic_id,
			cpu_state[i] ? cpu_state[i] : "?");
		if (i && reported[i])
			kprintf(", started in %llu us",
				(unsigned long long)cpus[i].start_us);
		kprintf("\n");
	}
}
