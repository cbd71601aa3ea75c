/*
 * kernel/multiboot2.c - copy and parse the Multiboot2 boot information
 * (Multiboot2 specification 2.0, section 3.6). Pure code: it touches only
 * the buffers it is given, so the host tests run it on hostile input.
 */
#include "kernel/multiboot2.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MB2_HEADER_SIZE 8	/* total_size, reserved */
#define MB2_TAG_HEADER_SIZE 8	/* type, size */

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t read_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

long mb2_copy(void *dst, size_t cap, const void *src)
{
	uint32_t total;

	if (!src || ((uintptr_t)src & 7))
		return -EINVAL;
	total = read_u32(src);
	if (total < MB2_HEADER_SIZE + MB2_TAG_HEADER_SIZE)
		return -EBADMSG;
	if (total > cap)
		return -ENOSPC;
	memcpy(dst, src, total);
	return total;
}

/* A tag as the walker hands it to a handler: body excludes the header. */
struct tag {
	uint32_t type;
	const uint8_t *body;
	uint32_t body_size;
};

/* A handler returns NULL or a description of what is wrong with the tag. */
typedef const char *(*tag_handler)(const struct tag *tag, struct boot_info *info);

/* A string in a tag, from byte @at of its body, must hold its NUL. */
static const char *checked_string_at(const struct tag *tag, uint32_t at,
				     const char **out)
{
	if (tag->body_size <= at ||
	    !memchr(tag->body + at, 0, tag->body_size - at))
		return "string is not NUL-terminated inside its tag";
	*out = (const char *)tag->body + at;
	return NULL;
}

/* A string tag: the string is the body. */
static const char *checked_string(const struct tag *tag, const char **out)
{
	return checked_string_at(tag, 0, out);
}

static const char *on_cmdline(const struct tag *tag, struct boot_info *info)
{
	return checked_string(tag, &info->cmdline);
}

static const char *on_loader_name(const struct tag *tag, struct boot_info *info)
{
	return checked_string(tag, &info->loader_name);
}

/*
 * Module (3.6.6): mod_start, mod_end, then its command line. A module whose
 * string lacks its NUL still counts, so that its memory is reserved (the
 * walker then gives its string as ""); only a range that ends before it
 * starts is refused.
 */
static const char *on_module(const struct tag *tag, struct boot_info *info)
{
	uint32_t start = read_u32(tag->body);
	uint32_t end = read_u32(tag->body + 4);
	const char *string;

	if (end < start)
		return "module ends before it starts";
	if (!info->modules)
		info->first_module = (uint32_t)(tag->body - MB2_TAG_HEADER_SIZE -
						info->raw);
	info->modules_end = (uint32_t)(tag->body + tag->body_size - info->raw);
	info->modules++;
	if (tag->body_size > 8 && checked_string_at(tag, 8, &string))
		return "module string is not NUL-terminated inside its tag";
	return NULL;
}

static const char *on_meminfo(const struct tag *tag, struct boot_info *info)
{
	info->has_meminfo = true;
	info->mem_lower_kib = read_u32(tag->body);
	info->mem_upper_kib = read_u32(tag->body + 4);
	return NULL;
}

/*
 * Memory map (3.6.8): entry_size, entry_version, then entries. entry_size is
 * a multiple of 8 and at least 24; larger entries have fields Keel skips.
 */
static const char *on_mmap(const struct tag *tag, struct boot_info *info)
{
	uint32_t entry_size = read_u32(tag->body);

	if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size % 8)
		return "memory map entry_size is below 24 or not a multiple of 8";
	if ((tag->body_size - 8) % entry_size)
		return "memory map ends inside an entry";
	info->mmap_tag = tag->body - MB2_TAG_HEADER_SIZE;
	info->mmap_tag_size = tag->body_size + MB2_TAG_HEADER_SIZE;
	info->mmap = tag->body + 8;
	info->mmap_entry_size = entry_size;
	info->mmap_count = (tag->body_size - 8) / entry_size;
	return NULL;
}

/* Byte offsets in the framebuffer tag's body (3.6.12, GRUB's layout). */
#define FB_COLOR_INFO		24
#define FB_RGB_BODY		(FB_COLOR_INFO + 6)
#define FB_PALETTE		(FB_COLOR_INFO + 2)
/* The framebuffer must lie inside the 52-bit physical address space. */
#define FB_PHYS_LIMIT		(1ULL << 52)

static const char *check_rgb_field(const struct mb2_rgb_field *f, uint8_t bpp)
{
	if (f->size == 0 || f->size > 8)
		return "framebuffer colour field is not 1 to 8 bits wide";
	if (f->position + f->size > bpp)
		return "framebuffer colour field lies outside the pixel";
	return NULL;
}

static const char *read_rgb(const struct tag *tag, struct mb2_framebuffer *fb)
{
	const uint8_t *c = tag->body + FB_COLOR_INFO;
	struct mb2_rgb_field *fields[] = { &fb->red, &fb->green, &fb->blue };
	const char *why;

	if (tag->body_size < FB_RGB_BODY)
		return "RGB framebuffer tag has no colour fields";
	if (fb->bpp < 15)
		return "RGB framebuffer with fewer than 15 bits per pixel";
	for (int i = 0; i < 3; i++) {
		fields[i]->position = c[2 * i];
		fields[i]->size = c[2 * i + 1];
		why = check_rgb_field(fields[i], fb->bpp);
		if (why)
			return why;
	}
	return NULL;
}

static const char *read_palette(const struct tag *tag,
				struct mb2_framebuffer *fb)
{
	uint16_t colors;

	if (tag->body_size < FB_PALETTE)
		return "indexed framebuffer tag has no palette";
	if (fb->bpp != 8)
		return "indexed framebuffer is not 8 bits per pixel";
	colors = (uint16_t)(tag->body[FB_COLOR_INFO] |
			    tag->body[FB_COLOR_INFO + 1] << 8);
	if (colors == 0 || colors > MB2_FB_MAX_COLORS)
		return "indexed framebuffer palette has 0 or more than 256 colours";
	if (FB_PALETTE + 3u * colors > tag->body_size)
		return "indexed framebuffer palette runs past its tag";
	fb->palette_colors = colors;
	fb->palette = tag->body + FB_PALETTE;
	return NULL;
}

/* Sizes and place, common to every type. */
static const char *check_geometry(const struct mb2_framebuffer *fb)
{
	uint64_t line = fb->type == MB2_FB_EGA_TEXT ? 2ULL * fb->width :
			(uint64_t)fb->width * ((fb->bpp + 7) / 8);
	uint64_t size = (uint64_t)fb->pitch * fb->height;

	if (fb->width == 0 || fb->height == 0)
		return "framebuffer has zero width or height";
	if (fb->pitch < line)
		return "framebuffer pitch is shorter than a line";
	if (fb->addr == 0 || fb->addr >= FB_PHYS_LIMIT ||
	    size > FB_PHYS_LIMIT - fb->addr)
		return "framebuffer lies outside the physical address space";
	return NULL;
}

static const char *read_framebuffer(const struct tag *tag,
				    struct mb2_framebuffer *fb)
{
	const char *why;

	memset(fb, 0, sizeof(*fb));
	fb->addr = read_u64(tag->body);
	fb->pitch = read_u32(tag->body + 8);
	fb->width = read_u32(tag->body + 12);
	fb->height = read_u32(tag->body + 16);
	fb->bpp = tag->body[20];
	fb->type = tag->body[21];
	switch (fb->type) {
	case MB2_FB_INDEXED:
		why = read_palette(tag, fb);
		break;
	case MB2_FB_RGB:
		why = fb->bpp == 15 || fb->bpp == 16 || fb->bpp == 24 ||
		      fb->bpp == 32 ? read_rgb(tag, fb) :
		      "RGB framebuffer is not 15, 16, 24 or 32 bits per pixel";
		break;
	case MB2_FB_EGA_TEXT:
		why = fb->bpp == 16 ? NULL :
		      "EGA text framebuffer is not 16 bits a cell";
		break;
	default:
		why = "unknown framebuffer type";
	}
	return why ? why : check_geometry(fb);
}

/*
 * A framebuffer tag Keel cannot use is not a broken boot: the boot goes on
 * without a screen, and info->fb_error says why for the boot log.
 */
static const char *on_framebuffer(const struct tag *tag, struct boot_info *info)
{
	const char *why = read_framebuffer(tag, &info->fb);

	info->has_framebuffer = !why;
	info->fb_error = why;
	if (why)
		memset(&info->fb, 0, sizeof(info->fb));
	return NULL;
}

/* ELF sections (3.6.7): num, entsize, shndx (32 bits each, as GRUB 2 writes
 * them), then the section headers. Kept for the symbol table. */
static const char *on_elf_sections(const struct tag *tag, struct boot_info *info)
{
	uint32_t num = read_u32(tag->body);
	uint32_t entsize = read_u32(tag->body + 4);

	if (entsize < 64 || (uint64_t)num * entsize > tag->body_size - 12)
		return "ELF section headers run past the tag";
	info->elf_count = num;
	info->elf_entsize = entsize;
	info->elf_shndx = read_u32(tag->body + 8);
	info->elf_sections = tag->body + 12;
	return NULL;
}

static const char *on_efi32(const struct tag *tag, struct boot_info *info)
{
	info->efi = true;
	info->efi_system_table = read_u32(tag->body);
	return NULL;
}

static const char *on_efi64(const struct tag *tag, struct boot_info *info)
{
	info->efi = true;
	info->efi_system_table = read_u64(tag->body);
	return NULL;
}

/* ACPI RSDP copies (3.6.14, 3.6.15): 20 bytes for ACPI 1.0, 36 and up for
 * 2.0 (ACPI 6.5, 5.2.5.3). */
static const char *on_acpi(const struct tag *tag, struct boot_info *info)
{
	uint8_t version = tag->type == MB2_TAG_ACPI_NEW ? 2 : 1;

	/* Prefer the newer RSDP when the loader passes both. */
	if (info->rsdp && info->rsdp_version > version)
		return NULL;
	info->rsdp = tag->body;
	info->rsdp_size = tag->body_size;
	info->rsdp_version = version;
	return NULL;
}

/* EFI memory map (3.6.16): descriptor size and version, then descriptors. */
static const char *on_efi_mmap(const struct tag *tag, struct boot_info *info)
{
	uint32_t desc_size = read_u32(tag->body);

	if (desc_size < 40 || desc_size % 8)
		return "EFI descriptor size is below 40 or not a multiple of 8";
	if ((tag->body_size - 8) % desc_size)
		return "EFI memory map ends inside a descriptor";
	info->efi = true;
	info->efi_mmap_tag = tag->body - MB2_TAG_HEADER_SIZE;
	info->efi_mmap_tag_size = tag->body_size + MB2_TAG_HEADER_SIZE;
	info->efi_desc_size = desc_size;
	info->efi_desc_version = read_u32(tag->body + 4);
	info->efi_mmap = tag->body + 8;
	info->efi_mmap_count = (tag->body_size - 8) / desc_size;
	return NULL;
}

static const char *on_efi_bs(const struct tag *tag, struct boot_info *info)
{
	(void)tag;
	info->efi = true;
	info->efi_boot_services = true;
	return NULL;
}

/* What Keel does with each tag type, and the least body size it needs. */
static const struct {
	uint32_t min_body;
	tag_handler handle;
	const char *name;
} tag_table[] = {
	[MB2_TAG_END] = { 0, NULL, "end" },
	[MB2_TAG_CMDLINE] = { 1, on_cmdline, "command line" },
	[MB2_TAG_LOADER_NAME] = { 1, on_loader_name, "boot loader name" },
	[MB2_TAG_MODULE] = { 8, on_module, "module" },
	[MB2_TAG_BASIC_MEMINFO] = { 8, on_meminfo, "basic memory information" },
	[MB2_TAG_BOOTDEV] = { 12, NULL, "BIOS boot device" },
	[MB2_TAG_MMAP] = { 8, on_mmap, "memory map" },
	[MB2_TAG_VBE] = { 0, NULL, "VBE information" },
	[MB2_TAG_FRAMEBUFFER] = { 22, on_framebuffer, "framebuffer" },
	[MB2_TAG_ELF_SECTIONS] = { 12, on_elf_sections, "ELF sections" },
	[MB2_TAG_APM] = { 0, NULL, "APM table" },
	[MB2_TAG_EFI32] = { 4, on_efi32, "EFI 32-bit system table" },
	[MB2_TAG_EFI64] = { 8, on_efi64, "EFI 64-bit system table" },
	[MB2_TAG_SMBIOS] = { 0, NULL, "SMBIOS tables" },
	[MB2_TAG_ACPI_OLD] = { 20, on_acpi, "ACPI 1.0 RSDP" },
	[MB2_TAG_ACPI_NEW] = { 36, on_acpi, "ACPI 2.0 RSDP" },
	[MB2_TAG_NETWORK] = { 0, NULL, "network information" },
	[MB2_TAG_EFI_MMAP] = { 8, on_efi_mmap, "EFI memory map" },
	[MB2_TAG_EFI_BS] = { 0, on_efi_bs, "EFI boot services not terminated" },
	[MB2_TAG_EFI32_IH] = { 4, NULL, "EFI 32-bit image handle" },
	[MB2_TAG_EFI64_IH] = { 8, NULL, "EFI 64-bit image handle" },
	[MB2_TAG_LOAD_BASE_ADDR] = { 4, NULL, "image load base address" },
};

const char *mb2_tag_name(uint32_t type)
{
	if (type < ARRAY_SIZE(tag_table))
		return tag_table[type].name;
	return "unknown";
}

/* Check one tag against the table and let its handler read it. */
static const char *handle_tag(const struct tag *tag, struct boot_info *info)
{
	if (tag->type >= ARRAY_SIZE(tag_table))
		return NULL;	/* newer than this kernel: skip it (3.6) */
	if (tag->body_size < tag_table[tag->type].min_body)
		return "tag is too small for its type";
	if (!tag_table[tag->type].handle)
		return NULL;
	return tag_table[tag->type].handle(tag, info);
}

static int fail(struct mb2_error *err, const char *what, size_t offset,
		uint32_t type)
{
	err->what = what;
	err->offset = (uint32_t)offset;
	err->type = type;
	return -EBADMSG;
}

/*
 * A tag whose contents break a rule is left out and the walk goes on (the
 * first such tag is the one @err names); a tag whose size breaks the walk
 * itself ends it, and info->complete stays false.
 */
int mb2_parse(const void *buf, size_t size, struct boot_info *info,
	      struct mb2_error *err)
{
	const uint8_t *base = buf;
	size_t off = MB2_HEADER_SIZE;
	size_t total;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	info->cmdline = "";
	info->raw = base;
	if (size < MB2_HEADER_SIZE)
		return fail(err, "shorter than its header", 0, 0);
	total = read_u32(base);
	info->total_size = (uint32_t)total;
	if (total > size)
		return fail(err, "total_size is larger than the copy", 0, 0);

	while (off + MB2_TAG_HEADER_SIZE <= total) {
		struct tag tag = { read_u32(base + off), NULL, 0 };
		uint32_t tag_size = read_u32(base + off + 4);
		const char *why;

		if (tag_size < MB2_TAG_HEADER_SIZE || tag_size > total - off)
			return rc ? rc : fail(err, "tag size runs outside the "
					      "information", off, tag.type);
		info->tags++;
		if (tag.type == MB2_TAG_END) {
			info->complete = true;
			return rc;
		}
		tag.body = base + off + MB2_TAG_HEADER_SIZE;
		tag.body_size = tag_size - MB2_TAG_HEADER_SIZE;
		why = handle_tag(&tag, info);
		if (why && !rc)
			rc = fail(err, why, off, tag.type);
		off += (tag_size + 7) & ~(size_t)7;
	}
	return rc ? rc : fail(err, "the tag list has no end tag", off, 0);
}

bool mb2_next_module(const struct boot_info *info, uint32_t *cursor,
		     struct mb2_module *mod)
{
	uint32_t off = *cursor ? *cursor : info->first_module;

	/* Every tag before modules_end passed mb2_parse()'s size checks. A
	 * module tag there with end < start was not counted: skip it. */
	while (info->modules && off < info->modules_end) {
		const uint8_t *t = info->raw + off;
		uint32_t size = read_u32(t + 4);

		off += (size + 7) & ~7u;
		if (read_u32(t) != MB2_TAG_MODULE || size < 16 ||
		    read_u32(t + 12) < read_u32(t + 8))
			continue;
		mod->start = read_u32(t + 8);
		mod->end = read_u32(t + 12);
		mod->string = size > 16 && memchr(t + 16, 0, size - 16) ?
			      (const char *)t + 16 : "";
		*cursor = off;
		return true;
	}
	*cursor = info->modules_end;
	return false;
}
