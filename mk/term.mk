# mk/term.mk - the terminal emulator's fuzz target and benchmark (included
# by the Makefile; the emulator itself is lib/term.c, its host tests
# tests/host/lib/term_test.c).
#
#   make term-fuzz         libFuzzer over random byte streams, clang only;
#                          TERM_FUZZ_TIME seconds (default 30)
#   make term-bench        cost per character and per scrolled line at
#                          128x48; part of make bench

.PHONY: term-fuzz term-bench
bench: term-bench

TERM_FUZZ_TIME ?= 30

# --- Fuzzing -----------------------------------------------------------------
TERM_FUZZ := $(BUILD)/fuzz/term_fuzz
TERM_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(TERM_FUZZ): tests/fuzz/term_fuzz.c lib/term.c lib/term.h mk/term.mk \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	@scripts/install-deps.sh --with-fuzzer
	$(call say,CLANG,$@)
	$(Q)clang $(TERM_FUZZ_CFLAGS) -o $@ tests/fuzz/term_fuzz.c lib/term.c

# The corpus stays under build/ and grows from run to run; a crashing input
# is saved as $(BUILD)/fuzz/term-crash-*, to replay with "$(TERM_FUZZ) FILE".
term-fuzz: $(TERM_FUZZ)
	@mkdir -p $(BUILD)/fuzz/term-corpus
	$(TERM_FUZZ) -max_total_time=$(TERM_FUZZ_TIME) -max_len=4096 \
		-rss_limit_mb=2048 \
		-artifact_prefix=$(BUILD)/fuzz/term- -print_final_stats=1 \
		$(BUILD)/fuzz/term-corpus

# --- Benchmark ---------------------------------------------------------------
# lib/term.c is built as the kernel builds it (-O2, freestanding, no SSE),
# so the instruction counts are the kernel's; the driver is ordinary code.
TERM_BENCH := $(BUILD)/bench/term_bench
TERM_BENCH_OBJ := $(BUILD)/bench/term.c.o

$(TERM_BENCH_OBJ): lib/term.c lib/term.h mk/term.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
		-mno-mmx -mno-sse -mno-sse2 -I. -c $< -o $@

$(TERM_BENCH): tests/bench/term_bench.c $(TERM_BENCH_OBJ) lib/term.h mk/term.mk
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -o $@ $< \
		$(TERM_BENCH_OBJ)

term-bench: $(TERM_BENCH)
	@scripts/term-bench.sh $(TERM_BENCH)
