# mk/user.mk - user programs and the ELF parser's fuzz target (included by
# the Makefile; the parser is lib/elf.c, its host tests
# tests/host/lib/elf_test.c).
#
#   build/user/NAME        user/NAME.c, a static musl program (ET_EXEC)
#   build/user/test-NAME   user/tests/NAME.c, a case of the user-space tests
#   make user              all of them; the ISO carries each as a module
#                          "NAME" (scripts/mkiso.sh --programs)
#   make bench-linux       Keel's benchmarks, then user/callbench as /init
#                          of Debian's Linux under the same QEMU, and the
#                          two kernels' callbench figures side by side
#   make elf-fuzz          libFuzzer over random ELF files, clang only;
#                          ELF_FUZZ_TIME seconds (default 30)

.PHONY: user elf-fuzz bench-linux

# musl-gcc (Debian's musl-tools) wraps the host gcc with musl's headers,
# crt1.o and libc.a. Debian 12's gcc makes PIE objects by default; -no-pie
# links them into an ET_EXEC at 0x400000 (lib/elf.c also takes static PIE,
# but a fixed address keeps faults and addresses readable).
MUSL_CC ?= musl-gcc
USER_CFLAGS := -std=gnu11 -static -no-pie -O2 -g -Wall -Wextra -Werror

USER_SRCS := $(sort $(wildcard user/*.c))
USER_TEST_SRCS := $(sort $(wildcard user/tests/*.c))
USER_PROGS := $(USER_SRCS:user/%.c=$(BUILD)/user/%) \
	$(USER_TEST_SRCS:user/tests/%.c=$(BUILD)/user/test-%)

user: $(USER_PROGS)

# Each program is one file. The check refuses anything but an ET_EXEC
# (e_type, bytes 16-17, is 2), the type the kernel is tested with.
define user_link
	@mkdir -p $(@D)
	$(call say,MUSLCC,$<)
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $(@D)/.$(@F).tmp $<
	$(Q)test "$$(od -An -tx1 -j16 -N2 $(@D)/.$(@F).tmp | tr -d ' ')" = 0200 || \
		{ echo "$@: not an ET_EXEC"; rm -f $(@D)/.$(@F).tmp; exit 1; }
	$(Q)mv -f $(@D)/.$(@F).tmp $@
endef

$(BUILD)/user/test-%: user/tests/%.c mk/user.mk | $(DEPS_STAMP)
	$(user_link)
$(BUILD)/user/%: user/%.c mk/user.mk | $(DEPS_STAMP)
	$(user_link)

# The ISOs and the boots carry the programs; the parser's host test reads
# them.
$(ISO) $(BUILD)/run/keel.iso kernel-test test kernel-bench: $(USER_PROGS)

# Downloads Debian's kernel package once into $(BUILD)/linux/ (not in
# make test: it needs a mirror, and figures are not a pass or a fail).
bench-linux: $(KERNEL) $(USER_PROGS)
	@scripts/run-bench.sh $(KERNEL)
	@scripts/linux-bench.sh $(BUILD)/user/callbench \
		$(BUILD)/test/bench-$(FIRMWARE).serial
$(BUILD)/host/lib/elf_test.o: $(USER_PROGS)
$(BUILD)/host/lib/elf_test.o: HOST_CFLAGS += -DELF_TEST_PROGRAMS='"$(USER_PROGS)"'

# --- Fuzzing -----------------------------------------------------------------
# lib/elf.c alone, calling the host C library's vsnprintf: the kernel's
# lib/vsnprintf.c is tested on its own (tests/host/lib/vsnprintf_test.c).
ELF_FUZZ_TIME ?= 30
ELF_FUZZ := $(BUILD)/fuzz/elf_fuzz
ELF_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(ELF_FUZZ): tests/fuzz/elf_fuzz.c lib/elf.c lib/elf.h mk/user.mk \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	@scripts/install-deps.sh --with-fuzzer
	$(call say,CLANG,$@)
	$(Q)clang $(ELF_FUZZ_CFLAGS) -o $@ tests/fuzz/elf_fuzz.c lib/elf.c

# The corpus stays under build/ and grows from run to run; it starts from
# the user programs. A crashing input is saved as $(BUILD)/fuzz/elf-crash-*,
# to replay with "$(ELF_FUZZ) FILE".
elf-fuzz: $(ELF_FUZZ) $(USER_PROGS)
	@mkdir -p $(BUILD)/fuzz/elf-corpus
	@cp -n $(USER_PROGS) $(BUILD)/fuzz/elf-corpus/ 2>/dev/null || true
	$(ELF_FUZZ) -max_total_time=$(ELF_FUZZ_TIME) -max_len=65536 \
		-rss_limit_mb=2048 \
		-artifact_prefix=$(BUILD)/fuzz/elf- -print_final_stats=1 \
		$(BUILD)/fuzz/elf-corpus
