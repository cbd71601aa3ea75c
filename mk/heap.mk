# mk/heap.mk - the heap's host library, fuzz target and benchmark
# (included by the Makefile; the allocator itself is lib/heap*.c).
#
#   build/host/libkheap.a  kmalloc & co. over one arena, see tests/host/heap_host.h
#   make heap-fuzz         libFuzzer over random operation sequences, clang only;
#                          HEAP_FUZZ_TIME seconds (default 30)
#   make heap-bench        Keel's heap against glibc malloc; part of make bench

.PHONY: heap-fuzz heap-bench
bench: heap-bench

HEAP_FUZZ_TIME ?= 30

# --- libkheap.a --------------------------------------------------------------
# Optimized and without sanitizers, so that benchmarks measure the allocator.
# One relocatable object with every symbol but the k* entry points made
# local: the library can be linked beside any program's own names.
KHEAP_LIB := $(BUILD)/host/libkheap.a
KHEAP_SYMS := kheap_host_init kmalloc kcalloc krealloc kmalloc_aligned kfree
HEAP_SRCS := $(sort $(wildcard lib/heap*.c))
KHEAP_OBJS := $(HEAP_SRCS:%=$(BUILD)/host/kheap/%.o) \
	$(BUILD)/host/kheap/tests/host/heap_host.c.o
KHEAP_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -fno-semantic-interposition \
	-I. -MMD -MP

$(BUILD)/host/kheap/%.c.o: %.c Makefile mk/heap.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(KHEAP_CFLAGS) -c $< -o $@

$(KHEAP_LIB): $(KHEAP_OBJS)
	$(call say,AR,$@)
	$(Q)ld -r -o $(@:.a=.o) $^
	$(Q)objcopy $(addprefix --keep-global-symbol=,$(KHEAP_SYMS)) $(@:.a=.o)
	$(Q)rm -f $@ && ar rcs $@ $(@:.a=.o)

# --- Fuzzing -----------------------------------------------------------------
HEAP_FUZZ := $(BUILD)/fuzz/heap_fuzz
HEAP_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(HEAP_FUZZ): tests/fuzz/heap_fuzz.c $(HEAP_SRCS) $(wildcard lib/heap*.h) \
		lib/compiler.h mk/heap.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@scripts/install-deps.sh --with-fuzzer
	$(call say,CLANG,$@)
	$(Q)clang $(HEAP_FUZZ_CFLAGS) -o $@ tests/fuzz/heap_fuzz.c $(HEAP_SRCS)

# The corpus stays under build/ and grows from run to run; a crashing input
# is saved as $(BUILD)/fuzz/crash-*, to replay with "$(HEAP_FUZZ) FILE".
heap-fuzz: $(HEAP_FUZZ)
	@mkdir -p $(BUILD)/fuzz/heap-corpus
	$(HEAP_FUZZ) -max_total_time=$(HEAP_FUZZ_TIME) -max_len=4096 -rss_limit_mb=2048 \
		-artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 $(BUILD)/fuzz/heap-corpus

# --- Benchmark ---------------------------------------------------------------
HEAP_BENCH := $(BUILD)/bench/heap_bench

$(HEAP_BENCH): tests/bench/heap_bench.c tests/host/heap_host.h $(KHEAP_LIB) mk/heap.mk
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -o $@ $< $(KHEAP_LIB)

heap-bench: $(HEAP_BENCH)
	@scripts/heap-bench.sh $(HEAP_BENCH)

-include $(KHEAP_OBJS:.o=.d)
