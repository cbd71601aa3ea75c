# Keel: one non-recursive Makefile. Every output goes under $(BUILD).
#
#   make            build/keel.elf and build/keel.iso
#   make run        boot the ISO in QEMU, serial console on this terminal
#                   (GUI=1: and a QEMU window with the screen)
#   make test       host unit tests, then the kernel self-test under BIOS and UEFI
#   make debug      boot with QEMU waiting for gdb (see scripts/gdbinit)
#   make bench      print the benchmark figures
#
# Variables a user may set are listed in README.md ("Make variables").

MAKEFLAGS += -rR
.SUFFIXES:
.DELETE_ON_ERROR:
# Keep intermediate objects (host test code), so nothing rebuilds twice.
.SECONDARY:

BUILD     ?= build
FIRMWARE  ?= bios
BOOT      ?= cdrom
MEMORY    ?= 256M
QEMUFLAGS ?=
CMDLINE   ?=
# GUI=1: make run and make debug show a QEMU window (the screen console).
GUI       ?=
export FIRMWARE BOOT MEMORY QEMUFLAGS CMDLINE BUILD GUI

# V=1 shows every command; by default each step prints one short line.
ifeq ($(V),1)
  Q :=
  say = @:
else
  Q := @
  say = @printf '  %-7s %s\n' $(1) $(2)
endif

# --- Toolchain -------------------------------------------------------------
# Preference: CC given on the command line; else an x86_64-elf cross compiler
# (the one scripts/build-toolchain.sh installs under $(TOOLCHAIN_PREFIX), or one
# on PATH); else the host's gcc in freestanding mode.
TOOLCHAIN_PREFIX ?= $(HOME)/.local/keel-toolchain
CROSS_CC := $(firstword $(wildcard $(TOOLCHAIN_PREFIX)/bin/x86_64-elf-gcc) \
                        $(shell command -v x86_64-elf-gcc 2>/dev/null))
ifeq ($(origin CC),default)
  ifneq ($(CROSS_CC),)
    CC := $(CROSS_CC)
  else
    CC := gcc
  endif
endif
CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
ifeq ($(origin LD),default)
  ifneq ($(filter %x86_64-elf-gcc,$(CC)),)
    LD := $(patsubst %gcc,%ld,$(CC))
  else ifeq ($(CC_IS_CLANG),1)
    LD := $(if $(shell command -v ld.lld 2>/dev/null),ld.lld,ld)
  else
    LD := ld
  endif
endif
NASM    ?= nasm
HOSTCC  ?= gcc

# --- Sources ---------------------------------------------------------------
C_SRCS     := $(shell find kernel arch drivers lib -name '*.c' | LC_ALL=C sort)
ASM_SRCS   := $(shell find boot arch tests/kernel -name '*.asm' | LC_ALL=C sort)
KTEST_SRCS := $(shell find tests/kernel -name '*.c' | LC_ALL=C sort)
# The in-kernel tests ship in the kernel, so the same ISO can test a real PC.
OBJS := $(ASM_SRCS:%=$(BUILD)/%.o) $(C_SRCS:%=$(BUILD)/%.o) $(KTEST_SRCS:%=$(BUILD)/%.o)

# The screen console's font (drivers/font.c), linked in as data.
OBJS += $(BUILD)/gen/font.asm.o

KERNEL := $(BUILD)/keel.elf
ISO    := $(BUILD)/keel.iso

# The kernel is linked in the top 2 GiB (see linker.ld), so -mcmodel=kernel.
override CPPFLAGS := -I. -MMD -MP $(CPPFLAGS)
# DEBUG=1: -Og, so that gdb shows locals instead of "optimized out".
OPTIMIZE := $(if $(filter 1,$(DEBUG)),-Og,-O2)
override KCFLAGS := -std=gnu11 $(OPTIMIZE) -g -Wall -Wextra -Werror -ffreestanding \
	-fno-stack-protector -fno-stack-check -fno-pic -fno-pie -fno-lto \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-optimize-sibling-calls -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
	-mno-80387 -mcmodel=kernel $(CFLAGS)
ifneq ($(CC_IS_CLANG),1)
  # GCC turns byte loops into memset/memcpy calls even when freestanding;
  # inside lib/string.c that would be infinite recursion.
  override KCFLAGS += -fno-tree-loop-distribute-patterns
else
  override KCFLAGS += --target=x86_64-unknown-none-elf
endif
override NASMFLAGS := -f elf64 -g -F dwarf -w+all -I. -I$(BUILD)/gen/ $(NASMFLAGS)
override KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-dynamic-linker -L $(BUILD)/gen -T linker.ld $(LDFLAGS)

.PHONY: all iso run test debug bench clean host-test kernel-test kernel-bench toolchain \
	options-doc
all: $(KERNEL) $(ISO)
iso: $(ISO)

# Install (or name) missing tools once, before the first build step.
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): scripts/install-deps.sh
	@scripts/install-deps.sh $(if $(CC_IS_CLANG),--with-clang)
	@mkdir -p $(@D) && touch $@

# Rebuild everything when the compiler or its flags change.
$(BUILD)/.compiler: FORCE | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "$(CC) $(LD) $(KCFLAGS)" | cmp -s - $@ || echo "$(CC) $(LD) $(KCFLAGS)" > $@
	@echo "  using $(CC) ($(shell $(CC) --version | head -n1)) and $(LD)"
FORCE:

# Two links: the first with an empty symbol table, the second with the table
# of the first (scripts/gen-ksyms.sh). The check proves no function moved.
$(BUILD)/ksyms-empty.asm: scripts/gen-ksyms.sh
	@mkdir -p $(@D)
	$(Q)scripts/gen-ksyms.sh --empty > $@
$(BUILD)/keel.pass1.elf: $(OBJS) $(BUILD)/ksyms-empty.asm.o linker.ld \
		$(BUILD)/gen/constants.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms-empty.asm.o
$(BUILD)/ksyms.asm: $(BUILD)/keel.pass1.elf scripts/gen-ksyms.sh
	$(Q)scripts/gen-ksyms.sh $< > $@
$(KERNEL): $(OBJS) $(BUILD)/ksyms.asm.o linker.ld $(BUILD)/gen/constants.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.asm.o
	$(Q)scripts/gen-ksyms.sh $@ | cmp -s - $(BUILD)/ksyms.asm || \
		{ echo "$@: functions moved between the two links"; rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@ is not a Multiboot2 kernel"; rm -f $@; exit 1; }

# Constants the boot stub and linker.ld share with C (boot/constants.c).
$(BUILD)/gen/constants.s: boot/constants.c Makefile $(BUILD)/.compiler
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)$(CC) $(CPPFLAGS) $(KCFLAGS) -S $< -o $@
$(BUILD)/gen/constants.inc: $(BUILD)/gen/constants.s scripts/gen-constants.sh
	$(Q)scripts/gen-constants.sh nasm $< > $@
$(BUILD)/gen/constants.ld: $(BUILD)/gen/constants.s scripts/gen-constants.sh
	$(Q)scripts/gen-constants.sh ld $< KERNEL_VMA KERNEL_LMA > $@

# The screen font: a PSF font from Debian's console-setup-linux (README,
# "Screen console"), decompressed at build time; no glyph data is kept in the
# repository. FONT may name another .psf or .psf.gz.
FONT ?= /usr/share/consolefonts/Lat15-VGA16.psf.gz
FONT_PSF := $(BUILD)/font/console.psf
$(FONT_PSF): $(wildcard $(FONT)) Makefile | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,FONT,$@)
	@test -f "$(FONT)" || { echo "font $(FONT) is missing: install console-setup-linux" \
		"(scripts/install-deps.sh) or set FONT=file.psf"; exit 1; }
	$(Q)case "$<" in *.gz) gzip -dc "$<" ;; *) cat "$<" ;; esac > $@
$(BUILD)/gen/font.asm: Makefile
	@mkdir -p $(@D)
	$(Q)printf '%s\n' '; The screen font (Makefile, FONT).' \
		'section .rodata' 'global font_psf, font_psf_end' 'align 16' \
		'font_psf: incbin "$(FONT_PSF)"' 'font_psf_end:' > $@
$(BUILD)/gen/font.asm.o: $(FONT_PSF)

$(BUILD)/%.c.o: %.c Makefile $(BUILD)/.compiler
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: $(BUILD)/%.asm
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@

# NASM 2.16.01's -MD leaves %include files out; a separate -M pass gets them.
$(BUILD)/%.asm.o: %.asm Makefile $(BUILD)/gen/constants.inc | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,NASM,$<)
	$(Q)$(NASM) $(NASMFLAGS) -M -MT $@ -MF $(@:.o=.d) -MP $<
	$(Q)$(NASM) $(NASMFLAGS) $< -o $@

$(ISO): $(KERNEL) scripts/mkiso.sh
	$(call say,ISO,$@)
	$(Q)scripts/mkiso.sh $@ $(KERNEL) --programs $(BUILD)/user

# make run CMDLINE="..." boots an image whose menu entries carry those words.
RUN_ISO := $(if $(CMDLINE),$(BUILD)/run/keel.iso,$(ISO))
$(BUILD)/run/keel.iso: $(KERNEL) scripts/mkiso.sh FORCE
	$(call say,ISO,$@)
	$(Q)scripts/mkiso.sh $@ $(KERNEL) --cmdline "$(CMDLINE)" --programs $(BUILD)/user

# --- Host unit tests (cmocka, sanitizers) ----------------------------------
# tests/host/<path>_test.c tests <path>.c (if it exists) and may use all of
# lib/. Host objects are renamed with objcopy (tests/host/rename.syms) so that
# our memcpy, snprintf, ... can be tested beside the host C library's.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CODE_CFLAGS := $(HOST_CFLAGS) -ffreestanding -fno-builtin -I. -MMD -MP -DKEEL_HOST
HOST_TEST_SRCS := $(shell find tests/host -name '*_test.c' | LC_ALL=C sort)
HOST_TESTS := $(HOST_TEST_SRCS:tests/host/%.c=$(BUILD)/host/%)
HOST_LIB_OBJS := $(shell find lib -name '*.c' | LC_ALL=C sort | sed 's|^|$(BUILD)/host/code/|; s|$$|.o|')

$(BUILD)/host/code/%.c.o: %.c Makefile tests/host/rename.syms | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(HOST_CODE_CFLAGS) -c $< -o $@.tmp
	$(Q)objcopy --redefine-syms=tests/host/rename.syms $@.tmp $@
	@rm -f $@.tmp

$(BUILD)/host/%_test.o: tests/host/%_test.c Makefile | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -I. -MMD -MP -c $< -o $@

# A test links the code it is named after, when that file exists.
.SECONDEXPANSION:
$(BUILD)/host/%_test: $(BUILD)/host/%_test.o $(HOST_LIB_OBJS) \
		$$(if $$(filter-out lib/%,$$(wildcard $$*.c)),$(BUILD)/host/code/$$*.c.o)
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ -lcmocka

# The font parser's tests read the real font.
$(BUILD)/host/lib/psf_test.o: $(FONT_PSF)
$(BUILD)/host/lib/psf_test.o: HOST_CFLAGS += -DPSF_TEST_FONT='"$(FONT_PSF)"'

host-test: $(HOST_TESTS)
	@scripts/run-host-tests.sh $(HOST_TESTS)

# --- QEMU ------------------------------------------------------------------
run: $(RUN_ISO)
	@scripts/run-qemu.sh $(RUN_ISO)

debug: $(RUN_ISO)
	@scripts/run-qemu.sh --debug $(RUN_ISO) $(KERNEL)

# Only the kernel self-test, under $(FIRMWARE), with $(CMDLINE) added.
kernel-test: $(KERNEL)
	@scripts/run-tests.sh $(KERNEL)

test: $(KERNEL) $(HOST_TESTS)
	@scripts/test-all.sh $(KERNEL) $(HOST_TESTS)

# Benchmarks print figures; nothing is asserted on timing. mk/*.mk add their
# own host benchmarks as prerequisites of bench.
bench: kernel-bench
kernel-bench: $(KERNEL)
	@scripts/run-bench.sh $(KERNEL)

toolchain:
	scripts/build-toolchain.sh

# README's option table, rendered from kernel/option_table.c.
options-doc: $(BUILD)/host/kernel/option_table_test
	@$< --print-table

clean:
	rm -rf $(BUILD)

-include mk/*.mk
-include $(OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HOST_TESTS:=.d) \
	$(BUILD)/gen/constants.d
