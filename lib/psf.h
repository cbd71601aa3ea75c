/*
 * lib/psf.h - PC Screen Font bitmap fonts, versions 1 and 2, as the Linux
 * console (kbd's psffontop.h, the psf(5) layout) and Debian's
 * console-setup fonts use them.
 *
 * PSF1: magic 36 04, mode, height; 256 or 512 glyphs of 8 x height pixels,
 * one byte per row; then, with mode bit 1, a table of little-endian 16-bit
 * code points per glyph (FFFE starts a sequence, FFFF ends the glyph).
 * PSF2: magic 72 b5 4a 86, then 32-bit version, header size, flags, glyph
 * count, bytes per glyph, height and width; glyph rows are (width + 7) / 8
 * bytes, leftmost pixel in bit 7; with flag bit 0, a table of UTF-8 code
 * points per glyph (FE starts a sequence, FF ends the glyph).
 *
 * Pure code: every read is checked against the buffer it is given.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Glyphs larger than this are refused: no console font is, and the
 * renderers size their buffers by it. */
#define PSF_MAX_WIDTH	32
#define PSF_MAX_HEIGHT	64

struct psf_font {
	uint32_t version;	/* 1 or 2 */
	uint32_t glyph_count;
	uint32_t width;		/* pixels */
	uint32_t height;
	uint32_t row_bytes;	/* (width + 7) / 8 */
	uint32_t glyph_bytes;	/* row_bytes * height */
	const uint8_t *glyphs;	/* glyph_count * glyph_bytes bytes */
	const uint8_t *unicode;	/* the unicode table, or NULL */
	size_t unicode_size;
};

/*
 * Check the font in @buf (@size bytes) and describe it in @font. Returns 0,
 * or -EBADMSG with *@why saying what is wrong (bad magic, a header that
 * runs past the buffer, zero or oversized glyphs, glyph data past the end).
 * @font points into @buf afterwards.
 */
int psf_parse(const void *buf, size_t size, struct psf_font *font,
	      const char **why);

/* The bitmap of glyph @index, or NULL when there is no such glyph. */
const uint8_t *psf_glyph(const struct psf_font *font, uint32_t index);

/*
 * Fill @map[cp] (cp < @n) with the glyph that shows code point cp: from the
 * unicode table when the font has one (the first glyph that lists cp wins;
 * sequences are skipped), else glyph cp itself. Code points no glyph shows
 * get @fallback. Entries of the table that name a glyph past glyph_count,
 * or that are cut off by the end of the table, are ignored. Returns how
 * many code points below @n have a glyph.
 */
size_t psf_build_map(const struct psf_font *font, uint16_t *map, size_t n,
		     uint16_t fallback);

/* Code points below this have a direct table (psf_build_map's); the rest,
 * a sorted one (psf_build_wide's). */
#define PSF_MAP_DIRECT	256

/* A code point at or past PSF_MAP_DIRECT and the glyph that shows it. */
struct psf_wide {
	uint32_t cp;
	uint32_t glyph;
};

/*
 * Fill @wide (room for @max) with every code point at or past
 * PSF_MAP_DIRECT that the font's unicode table lists (with no table, glyph
 * cp for each cp the font has), sorted by code point, each once: the first
 * glyph that lists it. Sequences and entries naming a glyph past
 * glyph_count are ignored. Returns the number of entries kept; *@wanted
 * (if not NULL) gets the number of entries the table lists, repeats
 * included: more than @max means some were left out, and a @wide of
 * *@wanted entries holds them all. O(n log n), no allocation.
 */
size_t psf_build_wide(const struct psf_font *font, struct psf_wide *wide,
		      size_t max, size_t *wanted);

/* Which glyph shows each code point. */
struct psf_map {
	const uint16_t *direct;		/* PSF_MAP_DIRECT entries */
	const struct psf_wide *wide;	/* from psf_build_wide() */
	size_t wide_count;
	uint16_t fallback;		/* for code points neither lists */
};

/* The glyph for @cp: the direct table's, the wide table's (a binary
 * search), or map->fallback. */
uint16_t psf_map_glyph(const struct psf_map *map, uint32_t cp);
