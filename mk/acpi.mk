# mk/acpi.mk - ACPI tables compiled from ASL, and the ACPI parser's fuzz
# target (included by the Makefile; the parser is lib/acpi*.c and
# lib/aml.c, its host tests tests/host/lib/acpi_test.c, acpi_sleep_test.c
# and aml_test.c).
#
#   build/acpi/NAME.aml    tests/fixtures/acpi/asl/NAME.dsl compiled by iasl
#                          (acpica-tools): definition blocks (DSDT, SSDT)
#                          and data tables (MADT, FADT) for the host tests
#   make acpi-fuzz         libFuzzer over tables and memory images, clang
#                          only; ACPI_FUZZ_TIME seconds (default 30); the
#                          corpus starts from tests/fixtures/acpi/ and the
#                          tables above

.PHONY: acpi-fuzz

# --- Tables from ASL -----------------------------------------------------------
# Only the .dsl sources are kept; iasl writes the table (and nothing else)
# beside its log, which is shown when it fails. A warning fails the build
# (-we), so the sources stay clean.
ACPI_ASL_SRCS := $(sort $(wildcard tests/fixtures/acpi/asl/*.dsl))
ACPI_AML := $(ACPI_ASL_SRCS:tests/fixtures/acpi/asl/%.dsl=$(BUILD)/acpi/%.aml)

$(BUILD)/acpi/%.aml: tests/fixtures/acpi/asl/%.dsl mk/acpi.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(call say,IASL,$<)
	$(Q)iasl -vs -we -p $(basename $@) $< > $(basename $@).log 2>&1 || \
		{ cat $(basename $@).log; rm -f $@; exit 1; }

# The host tests read the tables from $(BUILD)/acpi/.
$(BUILD)/host/lib/acpi_test.o $(BUILD)/host/lib/acpi_sleep_test.o \
$(BUILD)/host/lib/aml_test.o: $(ACPI_AML)
$(BUILD)/host/lib/acpi_test.o $(BUILD)/host/lib/acpi_sleep_test.o \
$(BUILD)/host/lib/aml_test.o: HOST_CFLAGS += -DACPI_AML_DIR='"$(BUILD)/acpi"'

# --- Fuzzing -------------------------------------------------------------------

ACPI_FUZZ_TIME ?= 30
ACPI_FUZZ := $(BUILD)/fuzz/acpi_fuzz
ACPI_FUZZ_SRCS := tests/fuzz/acpi_fuzz.c lib/acpi.c lib/acpi_madt.c \
	lib/acpi_fadt.c lib/acpi_sleep.c lib/aml.c lib/string.c lib/vsnprintf.c
ACPI_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-builtin

# lib/string.c and lib/vsnprintf.c define memcpy, snprintf, ...: renamed
# after compiling (tests/host/rename.syms), as the host tests do, so the
# fuzzer's own C library is left alone.
$(ACPI_FUZZ): $(ACPI_FUZZ_SRCS) lib/acpi.h lib/acpi_internal.h lib/aml.h \
		lib/acpi_sleep.h \
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
acpi-fuzz: $(ACPI_FUZZ) $(ACPI_AML)
	@mkdir -p $(BUILD)/fuzz/acpi-corpus
	@cp -n tests/fixtures/acpi/*/*.bin $(ACPI_AML) $(BUILD)/fuzz/acpi-corpus/ \
		2>/dev/null || true
	$(ACPI_FUZZ) -max_total_time=$(ACPI_FUZZ_TIME) -max_len=16384 \
		-rss_limit_mb=2048 \
		-artifact_prefix=$(BUILD)/fuzz/acpi- -print_final_stats=1 \
		$(BUILD)/fuzz/acpi-corpus
