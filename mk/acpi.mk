# mk/acpi.mk - the ACPI parser's fuzz target (included by the Makefile; the
# parser is lib/acpi*.c and lib/aml.c, its host tests
# tests/host/lib/acpi_test.c and aml_test.c).
#
#   make acpi-fuzz         libFuzzer over tables and memory images, clang
#                          only; ACPI_FUZZ_TIME seconds (default 30); the
#                          corpus starts from tests/fixtures/acpi/

.PHONY: acpi-fuzz

ACPI_FUZZ_TIME ?= 30
ACPI_FUZZ := $(BUILD)/fuzz/acpi_fuzz
ACPI_FUZZ_SRCS := tests/fuzz/acpi_fuzz.c lib/acpi.c lib/acpi_madt.c \
	lib/acpi_fadt.c lib/aml.c lib/string.c lib/vsnprintf.c
ACPI_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-builtin

# lib/string.c and lib/vsnprintf.c define memcpy, snprintf, ...: renamed
# after compiling (tests/host/rename.syms), as the host tests do, so the
# fuzzer's own C library is left alone.
$(ACPI_FUZZ): $(ACPI_FUZZ_SRCS) lib/acpi.h lib/acpi_internal.h lib/aml.h \
		mk/acpi.mk tests/host/rename.syms | $(DEPS_STAMP)
	@mkdir -p $(@D)/acpi-objs
	@scripts/install-deps.sh --with-fuzzer
	$(call say,CLANG,$@)
	$(Q)for src in $(filter %.c,$(ACPI_FUZZ_SRCS)); do \
		obj=$(@D)/acpi-objs/$$(basename $$src).o; \
		clang $(ACPI_FUZZ_CFLAGS) -ffreestanding -DKEEL_HOST -c $$src -o $$obj.tmp && \
		objcopy --redefine-syms=tests/host/rename.syms $$obj.tmp $$obj && \
		rm -f $$obj.tmp || exit 1; \
	done
	$(Q)clang $(ACPI_FUZZ_CFLAGS) -o $@ $(@D)/acpi-objs/*.o

# A crashing input is saved as $(BUILD)/fuzz/acpi-crash-*, to replay with
# "$(ACPI_FUZZ) FILE".
acpi-fuzz: $(ACPI_FUZZ)
	@mkdir -p $(BUILD)/fuzz/acpi-corpus
	@cp -n tests/fixtures/acpi/*/*.bin $(BUILD)/fuzz/acpi-corpus/ 2>/dev/null || true
	$(ACPI_FUZZ) -max_total_time=$(ACPI_FUZZ_TIME) -max_len=16384 \
		-rss_limit_mb=2048 \
		-artifact_prefix=$(BUILD)/fuzz/acpi- -print_final_stats=1 \
		$(BUILD)/fuzz/acpi-corpus
