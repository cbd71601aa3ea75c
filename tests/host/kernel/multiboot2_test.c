/*
 * tests/host/kernel/multiboot2_test.c - host tests of kernel/multiboot2.c.
 *
 * Each test builds Multiboot2 boot information (spec 2.0, section 3.6) with
 * the small builder below and hands the parser a heap copy of exactly the
 * built length, so ASan reports any read past the information. The
 * in-kernel test (tests/kernel/multiboot2_test.c) covers what GRUB really
 * passes; these cover crafted and damaged input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/multiboot2.h"
#include "lib/errno.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BLOB_CAP	4096

/* --- Builder ----------------------------------------------------------- */

/* Boot information under construction: the 8-byte header, then tags. */
struct blob {
	_Alignas(8) uint8_t bytes[BLOB_CAP];
	size_t len;
};

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	return get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void blob_init(struct blob *b)
{
	memset(b->bytes, 0, sizeof(b->bytes));
	b->len = 8;	/* total_size and reserved, filled in by blob_seal */
}

static void emit(struct blob *b, const void *p, size_t n)
{
	assert_true(b->len + n <= BLOB_CAP);
	memcpy(b->bytes + b->len, p, n);
	b->len += n;
}

static void emit_u32(struct blob *b, uint32_t v)
{
	assert_true(b->len + 4 <= BLOB_CAP);
	put_u32(b->bytes + b->len, v);
	b->len += 4;
}

static void emit_u64(struct blob *b, uint64_t v)
{
	assert_true(b->len + 8 <= BLOB_CAP);
	put_u64(b->bytes + b->len, v);
	b->len += 8;
}

/* Starts a tag of @type; returns its offset for tag_close. */
static size_t tag_open(struct blob *b, uint32_t type)
{
	size_t off = b->len;

	assert_int_equal(off % 8, 0);
	emit_u32(b, type);
	emit_u32(b, 0);
	return off;
}

/* Writes the tag's size (header and body, no padding), then pads to 8. */
static size_t tag_close(struct blob *b, size_t off)
{
	put_u32(b->bytes + off + 4, (uint32_t)(b->len - off));
	while (b->len % 8)
		b->bytes[b->len++] = 0;
	return off;
}

/* Sets total_size to the length built so far. */
static void blob_seal(struct blob *b)
{
	put_u32(b->bytes, (uint32_t)b->len);
}

static size_t add_string(struct blob *b, uint32_t type, const char *s)
{
	size_t off = tag_open(b, type);

	emit(b, s, strlen(s) + 1);
	return tag_close(b, off);
}

static size_t add_cmdline(struct blob *b, const char *s)
{
	return add_string(b, MB2_TAG_CMDLINE, s);
}

static size_t add_loader_name(struct blob *b, const char *s)
{
	return add_string(b, MB2_TAG_LOADER_NAME, s);
}

static size_t add_module(struct blob *b, uint32_t start, uint32_t end,
			 const char *s)
{
	size_t off = tag_open(b, MB2_TAG_MODULE);

	emit_u32(b, start);
	emit_u32(b, end);
	emit(b, s, strlen(s) + 1);
	return tag_close(b, off);
}

static size_t add_meminfo(struct blob *b, uint32_t lower, uint32_t upper)
{
	size_t off = tag_open(b, MB2_TAG_BASIC_MEMINFO);

	emit_u32(b, lower);
	emit_u32(b, upper);
	return tag_close(b, off);
}

/* Entries larger than 24 bytes carry 0xa5 junk where a newer loader would
 * put fields Keel does not know. */
static size_t add_mmap(struct blob *b, uint32_t entry_size,
		       const struct mb2_mmap_entry *e, size_t n)
{
	size_t off = tag_open(b, MB2_TAG_MMAP);

	emit_u32(b, entry_size);
	emit_u32(b, 0);		/* entry_version */
	for (size_t i = 0; i < n; i++) {
		size_t start = b->len;

		emit_u64(b, e[i].base);
		emit_u64(b, e[i].length);
		emit_u32(b, e[i].type);
		emit_u32(b, 0);
		while (b->len - start < entry_size)
			emit(b, "\xa5", 1);
	}
	return tag_close(b, off);
}

/* A framebuffer tag: the common part from @fb, then @color_info as given. */
static size_t add_fb_raw(struct blob *b, const struct mb2_framebuffer *fb,
			 const uint8_t *color_info, size_t color_len)
{
	size_t off = tag_open(b, MB2_TAG_FRAMEBUFFER);

	emit_u64(b, fb->addr);
	emit_u32(b, fb->pitch);
	emit_u32(b, fb->width);
	emit_u32(b, fb->height);
	emit(b, &fb->bpp, 1);
	emit(b, &fb->type, 1);
	emit(b, "\0\0", 2);	/* reserved (16 bits, as GRUB writes it) */
	if (color_len)
		emit(b, color_info, color_len);
	return tag_close(b, off);
}

static const uint8_t xrgb_fields[6] = { 16, 8, 8, 8, 0, 8 };

static size_t add_framebuffer(struct blob *b, const struct mb2_framebuffer *fb)
{
	return add_fb_raw(b, fb, xrgb_fields, sizeof(xrgb_fields));
}

/* @num section headers of @entsize bytes; header i is filled with i + 1. */
static size_t add_elf_sections(struct blob *b, uint32_t num, uint32_t entsize,
			       uint32_t shndx)
{
	size_t off = tag_open(b, MB2_TAG_ELF_SECTIONS);

	emit_u32(b, num);
	emit_u32(b, entsize);
	emit_u32(b, shndx);
	for (uint32_t i = 0; i < num; i++) {
		for (uint32_t j = 0; j < entsize; j++)
			emit(b, &(uint8_t){ (uint8_t)(i + 1) }, 1);
	}
	return tag_close(b, off);
}

static size_t add_efi64(struct blob *b, uint64_t system_table)
{
	size_t off = tag_open(b, MB2_TAG_EFI64);

	emit_u64(b, system_table);
	return tag_close(b, off);
}

/* An ACPI 1.0 RSDP is 20 bytes, a 2.0 one 36; the contents only need to
 * be recognisable. Each literal's NUL is the RSDP's last (zero) byte. */
static const uint8_t rsdp_v1[20] = "RSD PTR \x11OLDOEM\x00\x00\x10\x00";
static const uint8_t rsdp_v2[36] = "RSD PTR \x22NEWOEM\x02\x00\x10\x00\x00"
				   "\x24\x00\x00\x00\x00\x20\x00\x00\x00\x00\x00\x00"
				   "\x33\x00\x00";

static size_t add_acpi(struct blob *b, uint32_t type)
{
	size_t off = tag_open(b, type);

	if (type == MB2_TAG_ACPI_OLD)
		emit(b, rsdp_v1, sizeof(rsdp_v1));
	else
		emit(b, rsdp_v2, sizeof(rsdp_v2));
	return tag_close(b, off);
}

/* @n descriptors of @desc_size bytes; descriptor i is filled with 0x40 + i. */
static size_t add_efi_mmap(struct blob *b, uint32_t desc_size, uint32_t version,
			   uint32_t n)
{
	size_t off = tag_open(b, MB2_TAG_EFI_MMAP);

	emit_u32(b, desc_size);
	emit_u32(b, version);
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < desc_size; j++)
			emit(b, &(uint8_t){ (uint8_t)(0x40 + i) }, 1);
	}
	return tag_close(b, off);
}

static size_t add_empty(struct blob *b, uint32_t type)
{
	return tag_close(b, tag_open(b, type));
}

/* A tag type from a later revision of the specification. */
static size_t add_future(struct blob *b)
{
	size_t off = tag_open(b, 99);

	emit(b, "future fields", 13);
	return tag_close(b, off);
}

static size_t add_end(struct blob *b)
{
	size_t off = add_empty(b, MB2_TAG_END);

	blob_seal(b);
	return off;
}

/* A heap copy of exactly @len bytes of @b. */
static uint8_t *exact_copy(const struct blob *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, b->bytes, len);
	return p;
}

/* --- Complete boot information ----------------------------------------- */

#define FULL_CMDLINE	"ktest=multiboot2_* serial=com1"
#define FULL_LOADER	"GRUB 2.06"
#define FULL_LOWER	639
#define FULL_UPPER	130048
#define FULL_EFI_ST	0x7fe1e018ULL
#define FULL_TAGS	14	/* including the end tag */

static const struct mb2_mmap_entry full_mmap[] = {
	{ 0x0, 0x9fc00, 1, 0 },
	{ 0x9fc00, 0x400, 2, 0 },
	{ 0x100000, 0x7ee0000, 1, 0 },
	{ 0xfffc0000, 0x40000, 2, 0 },
};

static const struct mb2_framebuffer full_fb = {
	.addr = 0xfd000000, .pitch = 4096, .width = 1024, .height = 768,
	.bpp = 32, .type = 1,
};

/* Every tag type Keel reads, one it skips and one it has never heard of. */
static void build_full(struct blob *b)
{
	blob_init(b);
	add_cmdline(b, FULL_CMDLINE);
	add_loader_name(b, FULL_LOADER);
	add_module(b, 0x200000, 0x201000, "initrd");
	add_meminfo(b, FULL_LOWER, FULL_UPPER);
	add_mmap(b, 24, full_mmap, ARRAY_SIZE(full_mmap));
	add_framebuffer(b, &full_fb);
	add_elf_sections(b, 5, 64, 4);
	add_efi64(b, FULL_EFI_ST);
	add_acpi(b, MB2_TAG_ACPI_OLD);
	add_acpi(b, MB2_TAG_ACPI_NEW);
	add_efi_mmap(b, 48, 1, 3);
	add_empty(b, MB2_TAG_EFI_BS);
	add_future(b);
	add_end(b);
}

/* State of the tests on the complete information: parsed once per test. */
struct parsed {
	struct blob blob;
	uint8_t *buf;
	int rc;
	struct boot_info info;
	struct mb2_error err;
};

static int full_setup(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	build_full(&p->blob);
	p->buf = exact_copy(&p->blob, p->blob.len);
	p->rc = mb2_parse(p->buf, p->blob.len, &p->info, &p->err);
	*state = p;
	return 0;
}

static int full_teardown(void **state)
{
	struct parsed *p = *state;

	free(p->buf);
	free(p);
	return 0;
}

/* True when [@p, @p + @n) lies inside [@buf, @buf + @len). */
static bool in_buf(const uint8_t *buf, size_t len, const void *p, uint64_t n)
{
	const uint8_t *q = p;

	return q >= buf && q <= buf + len && n <= (uint64_t)(buf + len - q);
}

/* True when [@ptr, @ptr + @n) lies inside the parsed copy. */
static bool inside(const struct parsed *p, const void *ptr, size_t n)
{
	return in_buf(p->buf, p->blob.len, ptr, n);
}

static void multiboot2_test_full_info_parses(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(p->rc, 0);
	assert_int_equal(p->info.total_size, p->blob.len);
	assert_int_equal(p->info.tags, FULL_TAGS);
}

/* The strings point into the copy, not into the builder's buffer. */
static void multiboot2_test_full_info_strings(void **state)
{
	struct parsed *p = *state;

	assert_string_equal(p->info.cmdline, FULL_CMDLINE);
	assert_string_equal(p->info.loader_name, FULL_LOADER);
	assert_true(inside(p, p->info.cmdline, sizeof(FULL_CMDLINE)));
	assert_true(inside(p, p->info.loader_name, sizeof(FULL_LOADER)));
}

static void multiboot2_test_full_info_meminfo(void **state)
{
	struct parsed *p = *state;

	assert_true(p->info.has_meminfo);
	assert_int_equal(p->info.mem_lower_kib, FULL_LOWER);
	assert_int_equal(p->info.mem_upper_kib, FULL_UPPER);
}

static void multiboot2_test_full_info_mmap(void **state)
{
	struct parsed *p = *state;
	const struct boot_info *info = &p->info;

	assert_int_equal(info->mmap_entry_size, 24);
	assert_int_equal(info->mmap_count, ARRAY_SIZE(full_mmap));
	assert_true(inside(p, info->mmap, 24 * ARRAY_SIZE(full_mmap)));
	for (size_t i = 0; i < ARRAY_SIZE(full_mmap); i++) {
		const uint8_t *e = info->mmap + i * 24;

		assert_int_equal(get_u64(e), full_mmap[i].base);
		assert_int_equal(get_u64(e + 8), full_mmap[i].length);
		assert_int_equal(get_u32(e + 16), full_mmap[i].type);
	}
}

static void multiboot2_test_full_info_framebuffer(void **state)
{
	struct parsed *p = *state;
	const struct mb2_framebuffer *fb = &p->info.fb;

	assert_true(p->info.has_framebuffer);
	assert_int_equal(fb->addr, full_fb.addr);
	assert_int_equal(fb->pitch, full_fb.pitch);
	assert_int_equal(fb->width, full_fb.width);
	assert_int_equal(fb->height, full_fb.height);
	assert_int_equal(fb->bpp, full_fb.bpp);
	assert_int_equal(fb->type, full_fb.type);
	assert_int_equal(fb->red.position, 16);
	assert_int_equal(fb->red.size, 8);
	assert_int_equal(fb->green.position, 8);
	assert_int_equal(fb->blue.position, 0);
	assert_int_equal(fb->blue.size, 8);
	assert_null(p->info.fb_error);
}

static void multiboot2_test_full_info_elf_sections(void **state)
{
	struct parsed *p = *state;
	const struct boot_info *info = &p->info;

	assert_int_equal(info->elf_count, 5);
	assert_int_equal(info->elf_entsize, 64);
	assert_int_equal(info->elf_shndx, 4);
	assert_true(inside(p, info->elf_sections, 5 * 64));
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(info->elf_sections[i * 64], i + 1);
		assert_int_equal(info->elf_sections[i * 64 + 63], i + 1);
	}
}

/* Both RSDP tags are present; the ACPI 2.0 one is kept. */
static void multiboot2_test_full_info_acpi(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(p->info.rsdp_version, 2);
	assert_int_equal(p->info.rsdp_size, sizeof(rsdp_v2));
	assert_true(inside(p, p->info.rsdp, sizeof(rsdp_v2)));
	assert_memory_equal(p->info.rsdp, rsdp_v2, sizeof(rsdp_v2));
}

static void multiboot2_test_full_info_efi(void **state)
{
	struct parsed *p = *state;
	const struct boot_info *info = &p->info;

	assert_true(info->efi);
	assert_int_equal(info->efi_system_table, FULL_EFI_ST);
	assert_true(info->efi_boot_services);
	assert_int_equal(info->efi_desc_size, 48);
	assert_int_equal(info->efi_desc_version, 1);
	assert_int_equal(info->efi_mmap_count, 3);
	assert_true(inside(p, info->efi_mmap, 3 * 48));
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(info->efi_mmap[i * 48], 0x40 + i);
}

static void multiboot2_test_full_info_counts_modules(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(p->info.modules, 1);
}

/* --- Modules ------------------------------------------------------------ */

/* Walks every module of @info into @mods (at most @cap); returns the count. */
static uint32_t walk_modules(const struct boot_info *info,
			     struct mb2_module *mods, uint32_t cap)
{
	uint32_t cursor = 0, n = 0;
	struct mb2_module mod;

	while (mb2_next_module(info, &cursor, &mod)) {
		assert_true(n < cap);
		mods[n++] = mod;
	}
	/* Once done, the walk stays done. */
	assert_false(mb2_next_module(info, &cursor, &mod));
	return n;
}

/* Far more modules than any fixed table would hold: all of them are seen,
 * in order, with their ranges and strings, among other tags. */
static void multiboot2_test_every_module_is_walked(void **state)
{
	struct mb2_module mods[100];
	struct boot_info info;
	struct mb2_error err;
	struct blob b;
	char name[16];
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_cmdline(&b, "ktest");
	for (uint32_t i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		add_module(&b, 0x1000000 + i * 0x10000, 0x1010000 + i * 0x10000,
			   name);
		if (i % 7 == 0)
			add_loader_name(&b, "between");
	}
	add_end(&b);
	blob_seal(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(info.modules, 100);
	assert_int_equal(walk_modules(&info, mods, 100), 100);
	for (uint32_t i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		assert_int_equal(mods[i].start, 0x1000000 + i * 0x10000);
		assert_int_equal(mods[i].end, 0x1010000 + i * 0x10000);
		assert_string_equal(mods[i].string, name);
	}
	free(buf);
}

/* A module tag with no string at all has the empty string. */
static void multiboot2_test_module_without_string_is_empty(void **state)
{
	struct mb2_module mods[1];
	struct boot_info info;
	struct mb2_error err;
	struct blob b;
	size_t off;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_MODULE);
	emit_u32(&b, 0x100000);
	emit_u32(&b, 0x101000);
	tag_close(&b, off);
	add_end(&b);
	blob_seal(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(walk_modules(&info, mods, 1), 1);
	assert_string_equal(mods[0].string, "");
	free(buf);
}

/* before: the parse stopped at a tag with a bad string, and a module after
 * it went unreserved; after: that tag is left out, the walk goes on, and
 * both modules are walked (and so reserved). */
static void multiboot2_test_modules_after_a_refused_tag_are_walked(void **state)
{
	struct mb2_module mods[2];
	struct boot_info info;
	struct mb2_error err;
	struct blob b;
	size_t bad;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_module(&b, 0x100000, 0x101000, "first");
	bad = add_cmdline(&b, "x");
	add_module(&b, 0x200000, 0x201000, "second");
	add_end(&b);
	blob_seal(&b);
	put_u32(b.bytes + bad + 8, 0x78787878);	/* string loses its NUL */
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), -EBADMSG);
	assert_int_equal(err.type, MB2_TAG_CMDLINE);
	assert_true(info.complete);
	assert_string_equal(info.cmdline, "");		/* left out */
	assert_int_equal(info.modules, 2);
	assert_int_equal(walk_modules(&info, mods, 2), 2);
	assert_string_equal(mods[1].string, "second");
	free(buf);
}

/* A module whose string lacks its NUL is still counted and walked, with
 * the empty string: its memory must be reserved all the same. */
static void multiboot2_test_module_with_bad_string_still_counts(void **state)
{
	struct mb2_module mods[1];
	struct boot_info info;
	struct mb2_error err;
	struct blob b;
	size_t off;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_MODULE);
	emit_u32(&b, 0x300000);
	emit_u32(&b, 0x301000);
	emit(&b, "abcdefgh", 8);
	tag_close(&b, off);
	add_end(&b);
	blob_seal(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), -EBADMSG);
	assert_int_equal(walk_modules(&info, mods, 1), 1);
	assert_int_equal(mods[0].start, 0x300000);
	assert_string_equal(mods[0].string, "");
	free(buf);
}

/* A tag whose size breaks the walk ends it: complete stays false, which
 * the kernel takes as fatal (kernel/bootinfo.c). */
static void multiboot2_test_broken_size_leaves_the_walk_incomplete(void **state)
{
	struct boot_info info;
	struct mb2_error err;
	struct blob b;
	size_t bad;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_module(&b, 0x100000, 0x101000, "first");
	bad = add_cmdline(&b, "quiet");
	add_end(&b);
	blob_seal(&b);
	put_u32(b.bytes + bad + 4, 0x10000);	/* size past the end */
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), -EBADMSG);
	assert_false(info.complete);
	assert_int_equal(err.offset, bad);
	free(buf);
}

/* --- Framebuffer tags (3.6.12) ---------------------------------------- */

/* Parse info holding @fb with @color_info, then a command line tag: the
 * walk must reach the command line whatever the framebuffer tag says. */
static void parse_fb(const struct mb2_framebuffer *fb, const uint8_t *color_info,
		     size_t color_len, struct boot_info *info)
{
	struct blob b;
	struct mb2_error err;
	uint8_t *buf;

	blob_init(&b);
	add_fb_raw(&b, fb, color_info, color_len);
	add_cmdline(&b, "after");
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, info, &err), 0);
	assert_string_equal(info->cmdline, "after");
	/* The palette points into buf: check it before freeing. */
	if (info->fb.palette)
		assert_true(in_buf(buf, b.len, info->fb.palette,
				   3u * info->fb.palette_colors));
	info->fb.palette = info->fb.palette ? (const uint8_t *)1 : NULL;
	free(buf);
}

static void multiboot2_test_fb_ega_text_is_read(void **state)
{
	const struct mb2_framebuffer ega = {
		.addr = 0xb8000, .pitch = 160, .width = 80, .height = 25,
		.bpp = 16, .type = MB2_FB_EGA_TEXT,
	};
	struct boot_info info;

	(void)state;
	parse_fb(&ega, NULL, 0, &info);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.fb.type, MB2_FB_EGA_TEXT);
	assert_int_equal(info.fb.width, 80);
	assert_int_equal(info.fb.pitch, 160);
}

/* Indexed: a 16-bit count, then that many (r, g, b) triples. */
static void multiboot2_test_fb_indexed_palette_is_read(void **state)
{
	const struct mb2_framebuffer idx = {
		.addr = 0xa0000, .pitch = 320, .width = 320, .height = 200,
		.bpp = 8, .type = MB2_FB_INDEXED,
	};
	uint8_t pal[2 + 3 * 4] = { 4, 0, 0, 0, 0, 255, 0, 0, 0, 255, 0, 1, 2, 3 };
	struct boot_info info;

	(void)state;
	parse_fb(&idx, pal, sizeof(pal), &info);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.fb.palette_colors, 4);
	assert_non_null(info.fb.palette);
}

/* 16 bpp 5:6:5 and 24 bpp, with a pitch wider than the line. */
static void multiboot2_test_fb_rgb_depths_are_read(void **state)
{
	static const uint8_t f565[6] = { 11, 5, 5, 6, 0, 5 };
	static const uint8_t f888[6] = { 16, 8, 8, 8, 0, 8 };
	struct mb2_framebuffer fb = {
		.addr = 0xe0000000, .pitch = 2 * 800 + 64, .width = 800,
		.height = 600, .bpp = 16, .type = MB2_FB_RGB,
	};
	struct boot_info info;

	(void)state;
	parse_fb(&fb, f565, sizeof(f565), &info);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.fb.red.position, 11);
	assert_int_equal(info.fb.green.size, 6);
	fb.bpp = 24;
	fb.pitch = 3 * 800;
	parse_fb(&fb, f888, sizeof(f888), &info);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.fb.bpp, 24);
}

struct fb_lie {
	const char *what;
	struct mb2_framebuffer fb;
	uint8_t color[8];
	size_t color_len;
};

/* Each lie overrides one field of a good 1024x768x32 tag. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#define RGB32(...) { .addr = 0xfd000000, .pitch = 4096, .width = 1024, \
		     .height = 768, .bpp = 32, .type = MB2_FB_RGB, __VA_ARGS__ }
#define FIELDS { 16, 8, 8, 8, 0, 8 }, 6

static const struct fb_lie fb_lies[] = {
	{ "zero width", RGB32(.width = 0), FIELDS },
	{ "zero height", RGB32(.height = 0), FIELDS },
	{ "pitch short of a line", RGB32(.pitch = 4095), FIELDS },
	{ "address 0", RGB32(.addr = 0), FIELDS },
	{ "past 2^52", RGB32(.addr = 1ULL << 52), FIELDS },
	{ "end past 2^52", RGB32(.addr = (1ULL << 52) - 4096), FIELDS },
	{ "address wraps", RGB32(.addr = 0xfffffffffffff000ULL), FIELDS },
	{ "12 bpp", RGB32(.bpp = 12), FIELDS },
	{ "no colour fields", RGB32(), { 0 }, 0 },
	{ "cut colour fields", RGB32(), { 16, 8, 8, 8 }, 4 },
	{ "zero-size field", RGB32(), { 16, 0, 8, 8, 0, 8 }, 6 },
	{ "9-bit field", RGB32(), { 16, 9, 8, 8, 0, 8 }, 6 },
	{ "field past the pixel", RGB32(), { 28, 8, 8, 8, 0, 8 }, 6 },
	{ "indexed 32 bpp", RGB32(.type = MB2_FB_INDEXED), { 1, 0, 1, 2, 3 }, 5 },
	{ "no colours", RGB32(.type = MB2_FB_INDEXED, .bpp = 8,
			      .pitch = 1024), { 0, 0 }, 2 },
	{ "300 colours", RGB32(.type = MB2_FB_INDEXED, .bpp = 8,
			       .pitch = 1024), { 0x2c, 0x01, 1, 2, 3 }, 5 },
	{ "palette past the tag", RGB32(.type = MB2_FB_INDEXED, .bpp = 8,
					.pitch = 1024), { 2, 0, 1, 2, 3 }, 5 },
	{ "indexed without count", RGB32(.type = MB2_FB_INDEXED, .bpp = 8,
					 .pitch = 1024), { 0 }, 0 },
	{ "EGA text 8 bpp", RGB32(.type = MB2_FB_EGA_TEXT, .bpp = 8,
				  .width = 80, .height = 25), { 0 }, 0 },
	{ "EGA pitch short", RGB32(.type = MB2_FB_EGA_TEXT, .bpp = 16,
				   .width = 80, .height = 25, .pitch = 100),
	  { 0 }, 0 },
	{ "type 3", RGB32(.type = 3), FIELDS },
};
#pragma GCC diagnostic pop

/* before: a framebuffer tag was taken as it came. after: each lie is
 * refused with a reason, and the boot information after it is still read. */
static void multiboot2_test_fb_lies_are_refused_and_skipped(void **state)
{
	struct boot_info info;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fb_lies); i++) {
		const struct fb_lie *l = &fb_lies[i];

		parse_fb(&l->fb, l->color, l->color_len, &info);
		if (info.has_framebuffer || !info.fb_error)
			fail_msg("framebuffer lie \"%s\" was accepted", l->what);
		assert_int_equal(info.fb.addr, 0);
	}
}

/* A tag of 22 bytes of body or less fails the walk as before (too small
 * for its type): nothing can be read from it. */
static void multiboot2_test_fb_tag_below_minimum_fails(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	size_t off;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_FRAMEBUFFER);
	emit_u64(&b, 0xfd000000);
	emit_u32(&b, 4096);
	tag_close(&b, off);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), -EBADMSG);
	assert_false(info.has_framebuffer);
	free(buf);
}

/* --- Small hand-built cases -------------------------------------------- */

/* Just the header and the end tag: everything takes its "absent" value. */
static void multiboot2_test_minimal_info_has_defaults(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_string_equal(info.cmdline, "");
	assert_null(info.loader_name);
	assert_null(info.mmap);
	assert_null(info.rsdp);
	assert_null(info.efi_mmap);
	assert_null(info.elf_sections);
	assert_false(info.has_meminfo);
	assert_false(info.has_framebuffer);
	assert_false(info.efi);
	assert_int_equal(info.modules, 0);
	assert_int_equal(info.tags, 1);
	free(buf);
}

/* Three 32-byte entries: 3 entries, not 96 / 24 = 4, each 32 bytes on. */
static void multiboot2_test_mmap_entry_size_32_is_stepped(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_mmap(&b, 32, full_mmap, 3);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(info.mmap_entry_size, 32);
	assert_int_equal(info.mmap_count, 3);
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *e = info.mmap + i * info.mmap_entry_size;

		assert_int_equal(get_u64(e), full_mmap[i].base);
		assert_int_equal(get_u64(e + 8), full_mmap[i].length);
		assert_int_equal(get_u32(e + 16), full_mmap[i].type);
		assert_int_equal(e[24], 0xa5);	/* the skipped tail */
	}
	free(buf);
}

/* before: cmdline, meminfo, no end tag; after: -EBADMSG, both tags read. */
static void multiboot2_test_missing_end_tag_fails_keeping_earlier_tags(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err = { 0 };
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_cmdline(&b, "quiet");
	add_meminfo(&b, 1, 2);
	blob_seal(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), -EBADMSG);
	assert_non_null(err.what);
	assert_int_equal(info.tags, 2);
	assert_string_equal(info.cmdline, "quiet");
	assert_true(info.has_meminfo);
	assert_int_equal(info.mem_upper_kib, 2);
	free(buf);
}

/* Parses @b (already sealed) from an exact copy and expects a failure at
 * the tag at @offset, of type @type. */
static void expect_failure_at(const struct blob *b, size_t offset, uint32_t type)
{
	struct boot_info info;
	struct mb2_error err = { 0 };
	uint8_t *buf = exact_copy(b, b->len);

	assert_int_equal(mb2_parse(buf, b->len, &info, &err), -EBADMSG);
	assert_non_null(err.what);
	assert_int_equal(err.offset, offset);
	assert_int_equal(err.type, type);
	free(buf);
}

/* The mmap tag's size claims 4 KiB more than the information holds. */
static void multiboot2_test_tag_past_total_size_fails_at_that_tag(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	add_cmdline(&b, "quiet");
	off = add_mmap(&b, 24, full_mmap, 2);
	add_end(&b);
	put_u32(b.bytes + off + 4, get_u32(b.bytes + off + 4) + 4096);
	expect_failure_at(&b, off, MB2_TAG_MMAP);
}

/* A size that ends exactly one byte past total_size is caught too. */
static void multiboot2_test_tag_one_byte_past_total_size_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	add_meminfo(&b, 1, 2);
	off = add_cmdline(&b, "1234567");	/* 16 bytes, no padding */
	blob_seal(&b);
	put_u32(b.bytes + off + 4, 17);
	expect_failure_at(&b, off, MB2_TAG_CMDLINE);
}

/* A size of 4 would not even cover the tag's own header. */
static void multiboot2_test_tag_smaller_than_header_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	add_cmdline(&b, "quiet");
	off = add_meminfo(&b, 1, 2);
	add_end(&b);
	put_u32(b.bytes + off + 4, 4);
	expect_failure_at(&b, off, MB2_TAG_BASIC_MEMINFO);
}

/* A size of 0 must not make the walk stand still. */
static void multiboot2_test_tag_of_size_zero_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_meminfo(&b, 1, 2);
	add_end(&b);
	put_u32(b.bytes + off + 4, 0);
	expect_failure_at(&b, off, MB2_TAG_BASIC_MEMINFO);
}

/* A known tag shorter than its fixed fields: meminfo with 4 of 8 bytes. */
static void multiboot2_test_known_tag_below_its_minimum_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_BASIC_MEMINFO);
	emit_u32(&b, 639);
	tag_close(&b, off);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_BASIC_MEMINFO);
}

/* The copy is 8 bytes shorter than the information says it is. */
static void multiboot2_test_total_size_larger_than_buffer_fails(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err = { 0 };
	uint8_t *buf;

	(void)state;
	build_full(&b);
	buf = exact_copy(&b, b.len - 8);
	assert_int_equal(mb2_parse(buf, b.len - 8, &info, &err), -EBADMSG);
	assert_non_null(err.what);
	assert_int_equal(err.offset, 0);
	free(buf);
}

static void multiboot2_test_buffer_shorter_than_header_fails(void **state)
{
	struct boot_info info;
	struct mb2_error err = { 0 };
	uint8_t *buf = malloc(7);

	(void)state;
	assert_non_null(buf);
	memset(buf, 0, 7);
	assert_int_equal(mb2_parse(buf, 7, &info, &err), -EBADMSG);
	assert_non_null(err.what);
	free(buf);
}

/* "quiet" without its NUL: the string would run into the next tag. */
static void multiboot2_test_cmdline_without_nul_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	add_meminfo(&b, 1, 2);
	off = tag_open(&b, MB2_TAG_CMDLINE);
	emit(&b, "quiet", 5);
	tag_close(&b, off);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_CMDLINE);
}

/* An mmap tag of @entry_size whose body holds @body_bytes of entries. */
static size_t add_raw_mmap(struct blob *b, uint32_t entry_size, size_t body_bytes)
{
	size_t off = tag_open(b, MB2_TAG_MMAP);

	emit_u32(b, entry_size);
	emit_u32(b, 0);
	for (size_t i = 0; i < body_bytes; i++)
		emit(b, "\x01", 1);
	return tag_close(b, off);
}

static void multiboot2_test_mmap_entry_size_16_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_raw_mmap(&b, 16, 64);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_MMAP);
}

/* 28 is above 24 but would leave every other entry misaligned. */
static void multiboot2_test_mmap_entry_size_not_multiple_of_8_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_raw_mmap(&b, 28, 56);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_MMAP);
}

/* Two and a half 24-byte entries. */
static void multiboot2_test_mmap_ending_mid_entry_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_raw_mmap(&b, 24, 60);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_MMAP);
}

/* Five 64-byte section headers announced, four present. */
static void multiboot2_test_elf_sections_past_tag_fail(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_elf_sections(&b, 4, 64, 1);
	add_end(&b);
	put_u32(b.bytes + off + 8, 5);
	expect_failure_at(&b, off, MB2_TAG_ELF_SECTIONS);
}

/* 40-byte entries are ELF32 section headers; Keel is a 64-bit image. */
static void multiboot2_test_elf_sections_small_entsize_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_elf_sections(&b, 4, 40, 1);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_ELF_SECTIONS);
}

/* An ACPI 2.0 RSDP tag holding only the 20 bytes of a 1.0 one. */
static void multiboot2_test_acpi_new_shorter_than_36_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_ACPI_NEW);
	emit(&b, rsdp_v1, sizeof(rsdp_v1));
	tag_close(&b, off);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_ACPI_NEW);
}

static void multiboot2_test_efi_mmap_small_descriptor_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = add_efi_mmap(&b, 32, 1, 2);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_EFI_MMAP);
}

/* before: an EFI map tag with 2 descriptors and 8 stray bytes
 * after: rejected, as the Multiboot2 map is (lib/memmap.c agrees) */
static void multiboot2_test_efi_mmap_ending_mid_descriptor_fails(void **state)
{
	struct blob b;
	size_t off;

	(void)state;
	blob_init(&b);
	off = tag_open(&b, MB2_TAG_EFI_MMAP);
	emit_u32(&b, 48);
	emit_u32(&b, 1);
	for (int i = 0; i < 2 * 48 + 8; i++)
		emit(&b, &(uint8_t){ 0x40 }, 1);
	tag_close(&b, off);
	add_end(&b);
	expect_failure_at(&b, off, MB2_TAG_EFI_MMAP);
}

/* before: cmdline, type 99, meminfo, end; after: all parsed, 99 counted. */
static void multiboot2_test_unknown_tag_is_skipped(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_cmdline(&b, "quiet");
	add_future(&b);
	add_meminfo(&b, 639, 1024);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(info.tags, 4);
	assert_string_equal(info.cmdline, "quiet");
	assert_true(info.has_meminfo);
	assert_int_equal(info.mem_upper_kib, 1024);
	free(buf);
}

/* Parses an information holding the ACPI tags @first then @second. */
static void check_acpi_order(uint32_t first, uint32_t second)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *buf;

	blob_init(&b);
	add_acpi(&b, first);
	add_acpi(&b, second);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(info.rsdp_version, 2);
	assert_int_equal(info.rsdp_size, sizeof(rsdp_v2));
	assert_memory_equal(info.rsdp, rsdp_v2, sizeof(rsdp_v2));
	free(buf);
}

static void multiboot2_test_acpi_new_kept_when_listed_first(void **state)
{
	(void)state;
	check_acpi_order(MB2_TAG_ACPI_NEW, MB2_TAG_ACPI_OLD);
}

static void multiboot2_test_acpi_new_kept_when_listed_last(void **state)
{
	(void)state;
	check_acpi_order(MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW);
}

static void multiboot2_test_acpi_old_alone_is_used(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *buf;

	(void)state;
	blob_init(&b);
	add_acpi(&b, MB2_TAG_ACPI_OLD);
	add_end(&b);
	buf = exact_copy(&b, b.len);
	assert_int_equal(mb2_parse(buf, b.len, &info, &err), 0);
	assert_int_equal(info.rsdp_version, 1);
	assert_int_equal(info.rsdp_size, sizeof(rsdp_v1));
	assert_memory_equal(info.rsdp, rsdp_v1, sizeof(rsdp_v1));
	free(buf);
}

/* --- mb2_copy ---------------------------------------------------------- */

static void multiboot2_test_copy_rejects_null(void **state)
{
	uint8_t dst[64];

	(void)state;
	assert_int_equal(mb2_copy(dst, sizeof(dst), NULL), -EINVAL);
}

/* The loader must place the information on an 8-byte boundary; a valid
 * one 4 bytes or 1 byte off is refused. */
static void multiboot2_test_copy_rejects_misaligned_source(void **state)
{
	struct blob b;
	_Alignas(8) uint8_t src[32];
	uint8_t dst[32];

	(void)state;
	blob_init(&b);
	add_end(&b);
	memcpy(src + 4, b.bytes, b.len);
	assert_int_equal(mb2_copy(dst, sizeof(dst), src + 4), -EINVAL);
	memcpy(src + 1, b.bytes, b.len);
	assert_int_equal(mb2_copy(dst, sizeof(dst), src + 1), -EINVAL);
}

/* 16 bytes is the header and an end tag: anything less is impossible. */
static void multiboot2_test_copy_rejects_total_below_16(void **state)
{
	_Alignas(8) uint8_t src[16] = { 0 };
	uint8_t dst[64];

	(void)state;
	put_u32(src, 15);
	assert_int_equal(mb2_copy(dst, sizeof(dst), src), -EBADMSG);
	put_u32(src, 8);
	assert_int_equal(mb2_copy(dst, sizeof(dst), src), -EBADMSG);
	put_u32(src, 0);
	assert_int_equal(mb2_copy(dst, sizeof(dst), src), -EBADMSG);
}

/* before: dst all 0x5a, one byte too small; after: -ENOSPC, dst untouched. */
static void multiboot2_test_copy_too_big_writes_nothing(void **state)
{
	struct blob b;
	uint8_t *dst;
	size_t cap;

	(void)state;
	build_full(&b);
	cap = b.len - 1;
	dst = malloc(cap);
	assert_non_null(dst);
	memset(dst, 0x5a, cap);
	assert_int_equal(mb2_copy(dst, cap, b.bytes), -ENOSPC);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(dst[i], 0x5a);
	free(dst);
}

/* A destination of exactly total_size bytes takes the whole information,
 * and the copy parses. */
static void multiboot2_test_copy_exact_fit_copies_all(void **state)
{
	struct blob b;
	struct boot_info info;
	struct mb2_error err;
	uint8_t *dst;

	(void)state;
	build_full(&b);
	dst = malloc(b.len);
	assert_non_null(dst);
	assert_int_equal(mb2_copy(dst, b.len, b.bytes), (long)b.len);
	assert_memory_equal(dst, b.bytes, b.len);
	assert_int_equal(mb2_parse(dst, b.len, &info, &err), 0);
	assert_int_equal(info.tags, FULL_TAGS);
	free(dst);
}

/* --- Hostile input ----------------------------------------------------- */

/* Every prefix of the complete information, with total_size claiming the
 * prefix's length, lacks its end tag: each must fail, in bounds. */
static void multiboot2_test_every_truncation_fails(void **state)
{
	struct blob b;

	(void)state;
	build_full(&b);
	for (size_t len = 0; len < b.len; len++) {
		struct boot_info info;
		struct mb2_error err = { 0 };
		uint8_t *buf = exact_copy(&b, len);

		if (len >= 4)
			put_u32(buf, (uint32_t)len);
		assert_int_equal(mb2_parse(buf, len, &info, &err), -EBADMSG);
		assert_non_null(err.what);
		free(buf);
	}
}

/* The same prefixes with the original total_size: larger than the copy. */
static void multiboot2_test_every_truncation_with_stale_total_fails(void **state)
{
	struct blob b;

	(void)state;
	build_full(&b);
	for (size_t len = 0; len < b.len; len++) {
		struct boot_info info;
		struct mb2_error err = { 0 };
		uint8_t *buf = exact_copy(&b, len);

		assert_int_equal(mb2_parse(buf, len, &info, &err), -EBADMSG);
		assert_non_null(err.what);
		free(buf);
	}
}

/* xorshift64: a fixed seed gives the same mutations on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* True when @s starts inside [@buf, @buf + @len) and ends there. */
static bool string_in_buf(const uint8_t *buf, size_t len, const char *s)
{
	return in_buf(buf, len, s, 1) &&
	       memchr(s, 0, (size_t)(buf + len - (const uint8_t *)s));
}

/* What a successful parse hands out must lie inside the buffer. */
/* Every module the walker returns lies in the buffer and is counted. */
static void check_modules_in_bounds(const uint8_t *buf, size_t len,
				    const struct boot_info *info)
{
	struct mb2_module mod;
	uint32_t cursor = 0, seen = 0;

	while (mb2_next_module(info, &cursor, &mod)) {
		assert_true(string_in_buf(buf, len, mod.string) ||
			    !*mod.string);
		assert_true(mod.start <= mod.end);
		seen++;
	}
	assert_int_equal(seen, info->modules);
}

static void check_info_in_bounds(const uint8_t *buf, size_t len,
				 const struct boot_info *info)
{
	assert_true(info->total_size <= len);
	if (*info->cmdline)
		assert_true(string_in_buf(buf, len, info->cmdline));
	if (info->loader_name)
		assert_true(string_in_buf(buf, len, info->loader_name));
	if (info->mmap)
		assert_true(in_buf(buf, len, info->mmap,
				   (uint64_t)info->mmap_count *
				   info->mmap_entry_size));
	if (info->elf_sections)
		assert_true(in_buf(buf, len, info->elf_sections,
				   (uint64_t)info->elf_count * info->elf_entsize));
	if (info->efi_mmap)
		assert_true(in_buf(buf, len, info->efi_mmap,
				   (uint64_t)info->efi_mmap_count *
				   info->efi_desc_size));
	if (info->rsdp)
		assert_true(in_buf(buf, len, info->rsdp, info->rsdp_size));
	check_modules_in_bounds(buf, len, info);
}

/* Flips 1-4 random bytes; every other round spares total_size so the walk
 * gets past the header, and every fourth writes a small size field value
 * over a random aligned word, where tag sizes live. */
static void mutate(uint8_t *buf, size_t len, uint64_t *seed, unsigned round)
{
	static const uint32_t sizes[] = { 0, 4, 7, 8, 9, 12, 16, 0xffffffff };
	unsigned flips = 1 + next_random(seed) % 4;
	size_t from = round % 2 ? 8 : 0;

	for (unsigned i = 0; i < flips; i++) {
		size_t at = from + next_random(seed) % (len - from);

		buf[at] ^= (uint8_t)(1 + next_random(seed) % 255);
	}
	if (round % 4 == 3) {
		size_t at = 8 + 4 * (next_random(seed) % ((len - 8) / 4));

		put_u32(buf + at, sizes[next_random(seed) % ARRAY_SIZE(sizes)]);
	}
}

/* Thousands of damaged copies: each parse either succeeds with everything
 * in bounds or fails with a reason; ASan and UBSan watch every access. */
static void multiboot2_test_random_mutations_stay_in_bounds(void **state)
{
	struct blob b;
	uint64_t seed = 0x6b65656c6d623221ULL;
	unsigned ok = 0;

	(void)state;
	build_full(&b);
	for (unsigned round = 0; round < 5000; round++) {
		struct boot_info info;
		struct mb2_error err = { 0 };
		uint8_t *buf = exact_copy(&b, b.len);
		int rc;

		mutate(buf, b.len, &seed, round);
		rc = mb2_parse(buf, b.len, &info, &err);
		if (rc == 0) {
			check_info_in_bounds(buf, b.len, &info);
			ok++;
		} else {
			assert_int_equal(rc, -EBADMSG);
			assert_non_null(err.what);
		}
		free(buf);
	}
	print_message("# %u of 5000 damaged copies still parsed\n", ok);
}

static void multiboot2_test_tag_names(void **state)
{
	(void)state;
	assert_string_equal(mb2_tag_name(MB2_TAG_END), "end");
	assert_string_equal(mb2_tag_name(MB2_TAG_MMAP), "memory map");
	assert_string_equal(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR),
			    "image load base address");
	assert_string_equal(mb2_tag_name(MB2_TAG_LOAD_BASE_ADDR + 1), "unknown");
	assert_string_equal(mb2_tag_name(99), "unknown");
	assert_string_equal(mb2_tag_name(0xffffffff), "unknown");
}

#define FULL_TEST(f)	cmocka_unit_test_setup_teardown(f, full_setup, full_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FULL_TEST(multiboot2_test_full_info_parses),
		FULL_TEST(multiboot2_test_full_info_strings),
		FULL_TEST(multiboot2_test_full_info_meminfo),
		FULL_TEST(multiboot2_test_full_info_mmap),
		FULL_TEST(multiboot2_test_full_info_framebuffer),
		FULL_TEST(multiboot2_test_full_info_elf_sections),
		FULL_TEST(multiboot2_test_full_info_acpi),
		FULL_TEST(multiboot2_test_full_info_efi),
		FULL_TEST(multiboot2_test_full_info_counts_modules),
		cmocka_unit_test(multiboot2_test_every_module_is_walked),
		cmocka_unit_test(multiboot2_test_module_without_string_is_empty),
		cmocka_unit_test(multiboot2_test_modules_after_a_refused_tag_are_walked),
		cmocka_unit_test(multiboot2_test_module_with_bad_string_still_counts),
		cmocka_unit_test(multiboot2_test_broken_size_leaves_the_walk_incomplete),
		cmocka_unit_test(multiboot2_test_minimal_info_has_defaults),
		cmocka_unit_test(multiboot2_test_mmap_entry_size_32_is_stepped),
		cmocka_unit_test(multiboot2_test_missing_end_tag_fails_keeping_earlier_tags),
		cmocka_unit_test(multiboot2_test_tag_past_total_size_fails_at_that_tag),
		cmocka_unit_test(multiboot2_test_tag_one_byte_past_total_size_fails),
		cmocka_unit_test(multiboot2_test_tag_smaller_than_header_fails),
		cmocka_unit_test(multiboot2_test_tag_of_size_zero_fails),
		cmocka_unit_test(multiboot2_test_known_tag_below_its_minimum_fails),
		cmocka_unit_test(multiboot2_test_total_size_larger_than_buffer_fails),
		cmocka_unit_test(multiboot2_test_buffer_shorter_than_header_fails),
		cmocka_unit_test(multiboot2_test_cmdline_without_nul_fails),
		cmocka_unit_test(multiboot2_test_mmap_entry_size_16_fails),
		cmocka_unit_test(multiboot2_test_mmap_entry_size_not_multiple_of_8_fails),
		cmocka_unit_test(multiboot2_test_mmap_ending_mid_entry_fails),
		cmocka_unit_test(multiboot2_test_efi_mmap_ending_mid_descriptor_fails),
		cmocka_unit_test(multiboot2_test_elf_sections_past_tag_fail),
		cmocka_unit_test(multiboot2_test_elf_sections_small_entsize_fails),
		cmocka_unit_test(multiboot2_test_acpi_new_shorter_than_36_fails),
		cmocka_unit_test(multiboot2_test_efi_mmap_small_descriptor_fails),
		cmocka_unit_test(multiboot2_test_unknown_tag_is_skipped),
		cmocka_unit_test(multiboot2_test_acpi_new_kept_when_listed_first),
		cmocka_unit_test(multiboot2_test_acpi_new_kept_when_listed_last),
		cmocka_unit_test(multiboot2_test_acpi_old_alone_is_used),
		cmocka_unit_test(multiboot2_test_copy_rejects_null),
		cmocka_unit_test(multiboot2_test_copy_rejects_misaligned_source),
		cmocka_unit_test(multiboot2_test_copy_rejects_total_below_16),
		cmocka_unit_test(multiboot2_test_copy_too_big_writes_nothing),
		cmocka_unit_test(multiboot2_test_copy_exact_fit_copies_all),
		cmocka_unit_test(multiboot2_test_every_truncation_fails),
		cmocka_unit_test(multiboot2_test_every_truncation_with_stale_total_fails),
		cmocka_unit_test(multiboot2_test_random_mutations_stay_in_bounds),
		cmocka_unit_test(multiboot2_test_tag_names),
		cmocka_unit_test(multiboot2_test_fb_ega_text_is_read),
		cmocka_unit_test(multiboot2_test_fb_indexed_palette_is_read),
		cmocka_unit_test(multiboot2_test_fb_rgb_depths_are_read),
		cmocka_unit_test(multiboot2_test_fb_lies_are_refused_and_skipped),
		cmocka_unit_test(multiboot2_test_fb_tag_below_minimum_fails),
	};

	return cmocka_run_group_tests_name("multiboot2", tests, NULL, NULL);
}
