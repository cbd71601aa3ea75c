/*
 * kernel/multiboot2.h - the boot information a Multiboot2 loader hands over
 * (Multiboot2 specification 2.0, section 3.6), copied and checked.
 *
 * Layout: a fixed 8-byte header (total_size, reserved) and then tags, each
 * starting on an 8-byte boundary with a 32-bit type and a 32-bit size that
 * counts the tag's own header but not its padding. A type-0 tag of size 8
 * ends the list.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_HEADER_MAGIC 0xe85250d6	/* in the kernel's header (3.1.1) */
#define MB2_BOOTLOADER_MAGIC 0x36d76289	/* in EAX at entry (3.2) */

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_BOOTDEV = 5,
	MB2_TAG_MMAP = 6,
	MB2_TAG_VBE = 7,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ELF_SECTIONS = 9,
	MB2_TAG_APM = 10,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_SMBIOS = 13,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_NETWORK = 16,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	MB2_TAG_LOAD_BASE_ADDR = 21,
};

/* One entry of the memory map tag (spec 3.6.8); entries may be larger. */
struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "Multiboot2 3.6.8");

/*
 * The framebuffer tag (3.6.12). Keel follows GRUB's multiboot2.h where the
 * spec's prose differs: a 16-bit reserved field puts color_info at byte 32
 * of the tag, and an indexed palette's colour count is 16 bits wide.
 */
enum mb2_fb_type {
	MB2_FB_INDEXED = 0,	/* bpp bits index the palette */
	MB2_FB_RGB = 1,		/* direct colour, fields below */
	MB2_FB_EGA_TEXT = 2,	/* width x height cells of char + attribute */
};

/* Where one colour's bits sit in an RGB pixel. */
struct mb2_rgb_field {
	uint8_t position;
	uint8_t size;
};

#define MB2_FB_MAX_COLORS 256

struct mb2_framebuffer {
	uint64_t addr;		/* physical */
	uint32_t pitch;		/* bytes from one line to the next */
	uint32_t width;		/* pixels, or cells for EGA text */
	uint32_t height;
	uint8_t bpp;
	uint8_t type;		/* enum mb2_fb_type */
	struct mb2_rgb_field red, green, blue;	/* MB2_FB_RGB */
	uint16_t palette_colors;		/* MB2_FB_INDEXED */
	const uint8_t *palette;	/* palette_colors x (red, green, blue) */
};

/* Everything Keel uses from the boot information. Pointers point into the
 * kernel's copy, never into the loader's memory. */
struct boot_info {
	const char *cmdline;		/* "" when the tag is missing */
	const char *loader_name;	/* NULL when the tag is missing */

	const uint8_t *mmap_tag;	/* the memory map tag itself, or NULL */
	uint32_t mmap_tag_size;
	const uint8_t *mmap;		/* memory map entries, or NULL */
	uint32_t mmap_entry_size;
	uint32_t mmap_count;

	bool has_meminfo;
	uint32_t mem_lower_kib;		/* basic meminfo (3.6.3) */
	uint32_t mem_upper_kib;

	bool has_framebuffer;
	struct mb2_framebuffer fb;
	const char *fb_error;		/* why a framebuffer tag was refused */

	const void *rsdp;		/* a copy of the ACPI RSDP, or NULL */
	uint32_t rsdp_size;
	uint8_t rsdp_version;		/* 1: tag 14 (ACPI 1.0), 2: tag 15 */

	bool efi;			/* booted through UEFI */
	uint64_t efi_system_table;
	const uint8_t *efi_mmap_tag;	/* the EFI memory map tag, or NULL */
	uint32_t efi_mmap_tag_size;
	const uint8_t *efi_mmap;	/* EFI memory descriptors, or NULL */
	uint32_t efi_desc_size;
	uint32_t efi_desc_version;
	uint32_t efi_mmap_count;
	bool efi_boot_services;		/* tag 18: still running */

	const uint8_t *elf_sections;	/* tag 9 section headers, or NULL */
	uint32_t elf_count;
	uint32_t elf_entsize;
	uint32_t elf_shndx;

	/* Modules are not copied into a table of fixed size: any number of
	 * them must be reserved, so mb2_next_module() walks their tags. */
	uint32_t modules;		/* how many module tags */
	uint32_t first_module;		/* offset of the first one's tag */
	uint32_t modules_end;		/* offset just past the last one's */
	const uint8_t *raw;		/* the information mb2_parse() read */
	uint32_t tags;			/* how many tags in all */
	bool complete;			/* the walk reached the end tag */
	uint32_t total_size;
};

/* A module (3.6.6) as mb2_next_module() returns it. */
struct mb2_module {
	uint32_t start, end;		/* physical, [start, end) */
	const char *string;		/* its command line, "" when empty */
};

/* Why parsing stopped, filled in by mb2_parse() on failure. */
struct mb2_error {
	const char *what;
	uint32_t offset;	/* where in the information */
	uint32_t type;		/* the tag's type, when there is one */
};

/*
 * Copy the boot information at @src into @dst (@cap bytes, 8-byte aligned).
 * Returns the bytes copied, or a negative errno: -EINVAL for a NULL or
 * unaligned @src, -EBADMSG when its total_size is impossible (below 16),
 * -ENOSPC when it does not fit (nothing is copied then).
 */
long mb2_copy(void *dst, size_t cap, const void *src);

/*
 * Walk the tags of the information in @buf (@size bytes, as copied) and fill
 * @info. Every length is checked against the tag and the tag against the
 * buffer. A tag whose contents break a rule is left out and the walk goes
 * on; a tag whose size breaks the walk stops it there (info->complete stays
 * false). Returns 0, or -EBADMSG with @err naming the first problem.
 */
int mb2_parse(const void *buf, size_t size, struct boot_info *info,
	      struct mb2_error *err);

/*
 * Step through the modules of a parsed @info: start with *@cursor = 0; each
 * call fills @mod and returns true until there are no more. Only tags that
 * mb2_parse() accepted are visited.
 */
bool mb2_next_module(const struct boot_info *info, uint32_t *cursor,
		     struct mb2_module *mod);

/* A short name for a tag type ("memory map"), for messages. */
const char *mb2_tag_name(uint32_t type);
