#!/usr/bin/env python3
"""scripts/screen-text.py - read the text back off a QEMU screendump.

    scripts/screen-text.py [--colors] FONT.psf SCREEN.ppm

Matches every character cell of the screenshot (binary PPM, P6) against the
glyphs of the PSF1/PSF2 font the kernel draws with (build/font/console.psf),
and prints the screen as text, one line per row of cells. A cell's
background is its most common colour; every other pixel is ink. A cell that
matches no glyph prints as '?' (the cursor's cell does).

Cells are the font's size; a screen 720 pixels wide is VGA text mode, whose
cells are 9 pixels wide (the ninth column is spacing and is not compared).
In text mode the kernel has loaded this same font into the VGA, so the
glyphs on the screen are the font's own.

--colors prefixes each line with the colours of its first non-blank cell,
named after the nearest of the 16 console colours ("fg=white bg=red|"), so a
test can check that a line is, say, white on red, whether the VGA's 6-bit
DAC or a framebuffer drew it. Exit status 2 on a file it cannot read, with the reason.
"""
import collections
import struct
import sys


# The console's 16 colours (drivers/fb.c, the VGA's) and their names.
PALETTE = [
    ("black", (0, 0, 0)), ("red", (170, 0, 0)), ("green", (0, 170, 0)),
    ("yellow", (170, 85, 0)), ("blue", (0, 0, 170)),
    ("magenta", (170, 0, 170)), ("cyan", (0, 170, 170)),
    ("grey", (170, 170, 170)), ("darkgrey", (85, 85, 85)),
    ("brightred", (255, 85, 85)), ("brightgreen", (85, 255, 85)),
    ("brightyellow", (255, 255, 85)), ("brightblue", (85, 85, 255)),
    ("brightmagenta", (255, 85, 255)), ("brightcyan", (85, 255, 255)),
    ("white", (255, 255, 255)),
]


def color_name(px):
    return min(PALETTE, key=lambda e: sum((a - b) ** 2
                                          for a, b in zip(e[1], px)))[0]


def fail(msg):
    print(f"screen-text.py: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_unicode_psf1(table, count):
    out, glyph, i, in_seq = {}, 0, 0, False
    while i + 1 < len(table) and glyph < count:
        v = table[i] | table[i + 1] << 8
        i += 2
        if v == 0xFFFF:
            glyph, in_seq = glyph + 1, False
        elif v == 0xFFFE:
            in_seq = True
        elif not in_seq:
            out.setdefault(glyph, []).append(v)
    return out


def parse_unicode_psf2(table, count):
    out, glyph = {}, 0
    for chunk in table.split(b"\xff")[:count]:
        text = chunk.split(b"\xfe")[0].decode("utf-8", "replace")
        out[glyph] = [ord(c) for c in text]
        glyph += 1
    return out


def load_font(path):
    """Return (width, height, {bitmap bytes: character})."""
    try:
        data = open(path, "rb").read()
    except OSError as e:
        fail(f"cannot read the font: {e}")
    if data[:2] == b"\x36\x04":
        mode, height = data[2], data[3]
        count, width, header, size = (512 if mode & 1 else 256), 8, 4, data[3]
        table_reader = parse_unicode_psf1 if mode & 6 else None
    elif data[:4] == b"\x72\xb5\x4a\x86":
        (_, header, flags, count, size, height,
         width) = struct.unpack_from("<7I", data, 4)
        table_reader = parse_unicode_psf2 if flags & 1 else None
    else:
        fail(f"{path} is not a PSF1 or PSF2 font")
    row = (width + 7) // 8
    if size != row * height or header + count * size > len(data):
        fail(f"{path}: the glyph data does not fit the file")
    table = data[header + count * size:]
    names = table_reader(table, count) if table_reader else {
        g: [g] for g in range(count)}
    glyphs = {}
    for g in range(count):
        bitmap = data[header + g * size: header + (g + 1) * size]
        for cp in names.get(g, []):
            ch = chr(cp)
            old = glyphs.get(bitmap)
            # Prefer printable ASCII where glyphs look the same.
            if old is None or (not (" " <= old <= "~") and " " <= ch <= "~"):
                glyphs[bitmap] = ch
    return width, height, glyphs


def load_ppm(path):
    try:
        data = open(path, "rb").read()
    except OSError as e:
        fail(f"cannot read the screenshot: {e}")
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        fail(f"{path} is not an 8-bit binary PPM (P6)")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:]
    if len(pixels) < w * h * 3:
        fail(f"{path} is cut short")
    return w, h, pixels


def read_cell(pixels, w, x0, y0, fw, fh, cw):
    """Return (bitmap bytes, fg, bg) of the cell at pixel (x0, y0)."""
    rows = [pixels[((y0 + y) * w + x0) * 3:((y0 + y) * w + x0 + cw) * 3]
            for y in range(fh)]
    counts = collections.Counter()
    for r in rows:
        for x in range(cw):
            counts[r[3 * x:3 * x + 3]] += 1
    bg = counts.most_common(1)[0][0]
    fg = bg
    row_bytes = (fw + 7) // 8
    bitmap = bytearray()
    for r in rows:
        bits = [0] * row_bytes
        for x in range(fw):
            px = r[3 * x:3 * x + 3]
            if px != bg:
                bits[x // 8] |= 0x80 >> (x % 8)
                fg = px
        bitmap += bytes(bits)
    return bytes(bitmap), fg, bg


def main():
    args = sys.argv[1:]
    colors = "--colors" in args
    args = [a for a in args if a != "--colors"]
    if len(args) != 2:
        fail("usage: screen-text.py [--colors] FONT.psf SCREEN.ppm")
    fw, fh, glyphs = load_font(args[0])
    w, h, pixels = load_ppm(args[1])
    cw = 9 if w == 720 and fw == 8 else fw
    for y0 in range(0, h - fh + 1, fh):
        line, first = [], None
        for x0 in range(0, w - cw + 1, cw):
            bitmap, fg, bg = read_cell(pixels, w, x0, y0, fw, fh, cw)
            ch = glyphs.get(bitmap, "?")
            if not any(bitmap):
                ch = " "
            elif first is None:
                first = (fg, bg)
            line.append(ch)
        text = "".join(line).rstrip()
        if colors and first:
            text = f"fg={color_name(first[0])} bg={color_name(first[1])}|{text}"
        print(text)


if __name__ == "__main__":
    main()
