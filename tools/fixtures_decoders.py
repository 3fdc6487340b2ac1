#!/usr/bin/python3
"""Generate decoder fixtures for the promptmargin image section (PNG / BMP / PNM / zlib / gzip).

Called by tools/make_fixtures.py (run with Debian's python3, which has PIL 9.4 and numpy):
    /usr/bin/python3 tools/make_fixtures.py --decoders
Writes into tests/fixtures/decoders/:
  <name>.<ext>          the input file
  <name>.<ext>.rgb      expected RGB8: an ASCII header line "W H\n" then W*H*3 bytes
  <name>.<ext>.out      expected bytes for zlib / gzip / raw-deflate fixtures
  manifest.txt          one line per fixture: KIND FILE EXPECT TRUNC SOURCE
      KIND   png | bmp | pnm | zlib | gzip | raw
      EXPECT ok (compare with .rgb / .out) | err (decoder must fail)
      TRUNC  strict (every proper prefix must fail) | loose (prefixes must only not crash)
      SOURCE pil (expected = Image.open(f).convert("RGB")) | ref (expected from the generating
             data, where Pillow 9.4 cannot read the file or is known to be wrong) | zlib | -
Every PNG written by hand is also checked here against the pixel rules the C decoder uses
(gray scaling, 16-bit high byte / clipping, palette lookup) so a disagreement with Pillow shows
up at generation time.
"""
import gzip
import io
import os
import struct
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "tests", "fixtures", "decoders")
MANIFEST = []


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def write_rgb(name, arr):
    arr = np.asarray(arr, dtype=np.uint8)
    h, w = arr.shape[:2]
    write(name + ".rgb", b"%d %d\n" % (w, h) + arr.tobytes())


def pil_rgb(data):
    """Decode with Pillow, return an (h, w, 3) uint8 array or None if Pillow fails."""
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
        return np.asarray(im.convert("RGB"), dtype=np.uint8)
    except Exception:
        return None


def add_image(kind, name, data, expect=None, trunc="strict", source="pil"):
    """Register an image fixture. expect: None -> use Pillow; array -> must equal Pillow's result
    unless source == 'ref'; 'err' -> decoder must fail."""
    write(name, data)
    if isinstance(expect, str) and expect == "err":
        MANIFEST.append((kind, name, "err", trunc, "-"))
        return
    got = pil_rgb(data)
    if source == "pil":
        assert got is not None, "Pillow cannot read " + name
        if expect is not None:
            exp = np.asarray(expect, dtype=np.uint8)
            assert exp.shape == got.shape and np.array_equal(exp, got), \
                "rule mismatch with Pillow for %s" % name
        write_rgb(name, got)
    else:
        write_rgb(name, expect)
    MANIFEST.append((kind, name, "ok", trunc, source))


# ----------------------------------------------------------------------------------------------
# PNG
# ----------------------------------------------------------------------------------------------

def chunk(ctype, data, crc=None):
    if crc is None:
        crc = zlib.crc32(ctype + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", crc)


SIG = b"\x89PNG\r\n\x1a\n"
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]
CHANS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(ftype, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if (prev is not None and i >= bpp) else 0
        pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[ftype]
        out[i] = (row[i] - pred) & 255
    return bytes([ftype]) + bytes(out)


def pack_row(samples, depth):
    """samples: 1-D int array of one row's samples -> packed bytes (MSB first / big-endian)."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, s in enumerate(samples):
        out[i // per] |= int(s) << (8 - depth - (i % per) * depth)
    return bytes(out)


def png_raw(samples, depth, interlace, fstart=0):
    """Filtered image data: each row gets filter (fstart + row counter) % 5."""
    h, w, c = samples.shape
    bpp = max(1, c * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    k = fstart
    for (x0, y0, dx, dy) in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = None
        for y in range(sub.shape[0]):
            row = pack_row(sub[y].reshape(-1), depth)
            raw += filter_row(k % 5, row, prev, bpp)
            prev = row
            k += 1
    return bytes(raw)


def png_file(samples, depth, ctype, interlace=0, plte=None, trns=None, fstart=0, level=9,
             idat_split=None, extra_before=(), extra_after=(), raw=None, ihdr=None):
    h, w, _ = samples.shape
    if raw is None:
        raw = png_raw(samples, depth, interlace, fstart)
    z = zlib.compress(raw, level)
    s = SIG + chunk(b"IHDR", ihdr if ihdr is not None else
                    struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
    for c in extra_before:
        s += c
    if plte is not None:
        s += chunk(b"PLTE", plte)
    if trns is not None:
        s += chunk(b"tRNS", trns)
    if idat_split:
        pos, i = 0, 0
        while pos < len(z):
            n = idat_split[i % len(idat_split)]
            s += chunk(b"IDAT", z[pos:pos + n])
            pos += n
            i += 1
    else:
        s += chunk(b"IDAT", z)
    for c in extra_after:
        s += c
    return s + chunk(b"IEND", b"")


def png_expected(samples, depth, ctype, pal=None):
    """RGB per the rules the C decoder implements (checked against Pillow by add_image)."""
    s = samples.astype(np.int64)
    if ctype in (0, 4):
        g = s[..., 0]
        if depth == 16 and ctype == 0:
            g = np.minimum(g, 255)  # mode "I" -> RGB clips
        elif depth == 16:
            g = g >> 8
        elif depth < 8:
            g = g * (255 // ((1 << depth) - 1))
        return np.stack([g, g, g], axis=-1)
    if ctype in (2, 6):
        rgb = s[..., :3]
        return rgb >> 8 if depth == 16 else rgb
    idx = s[..., 0]
    out = np.stack([idx, idx, idx], axis=-1)  # out-of-range -> gray (i, i, i)
    p = np.frombuffer(pal, dtype=np.uint8).reshape(-1, 3)
    ok = idx < len(p)
    out[ok] = p[idx[ok]]
    return out


def rand_samples(rng, h, w, c, depth):
    return rng.randint(0, 1 << depth, size=(h, w, c)).astype(np.int64)


def gen_png(rng):
    sizes = [(1, 1), (3, 5), (33, 17), (9, 9)]
    combos = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4),
              (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)]
    k = 0
    for ctype, depth in combos:
        for (w, h) in sizes:
            for interlace in (0, 1):
                if (w, h) == (9, 9) and not interlace:
                    continue
                s = rand_samples(rng, h, w, CHANS[ctype], depth)
                if ctype == 0 and depth == 16 and (w * h) > 4:
                    # keep half of the samples below 256 so the clip rule is visible
                    s[::2] = s[::2] % 256
                pal = None
                if ctype == 3:
                    n = 1 << depth
                    pal = bytes(rng.randint(0, 256, size=3 * n).astype(np.uint8))
                name = "png_c%d_d%d_%dx%d%s.png" % (ctype, depth, w, h, "_i" if interlace else "")
                data = png_file(s, depth, ctype, interlace, plte=pal, fstart=k)
                add_image("png", name, data, png_expected(s, depth, ctype, pal))
                k += 1

    # a larger image with all filters, interlaced and not, plus multiple IDAT chunks
    yy, xx = np.mgrid[0:64, 0:80]
    grad = np.stack([(xx * 3) % 256, (yy * 4) % 256, ((xx + yy) * 2) % 256], axis=-1)
    for interlace in (0, 1):
        name = "png_grad_80x64%s.png" % ("_i" if interlace else "")
        add_image("png", name, png_file(grad, 8, 2, interlace, idat_split=[100, 0, 1, 777]),
                  png_expected(grad, 8, 2))
    g16 = np.stack([(xx * 811) % 65536, (yy * 1031) % 65536, (xx * yy * 7) % 65536,
                    (xx + 3 * yy) * 97 % 65536], axis=-1)
    add_image("png", "png_rgba16_80x64_i.png", png_file(g16, 16, 6, 1, idat_split=[64]),
              png_expected(g16, 16, 6))
    add_image("png", "png_gray16_80x64.png", png_file(g16[..., :1], 16, 0, 0),
              png_expected(g16[..., :1], 16, 0))
    # every compression level: 0 gives stored blocks, 1 mostly fixed/dynamic
    for level in (0, 1, 6):
        add_image("png", "png_grad_level%d.png" % level,
                  png_file(grad, 8, 2, 0, level=level), png_expected(grad, 8, 2))
    # one-byte IDAT chunks
    s = rand_samples(rng, 5, 7, 3, 8)
    add_image("png", "png_idat_1byte.png", png_file(s, 8, 2, 0, idat_split=[1]),
              png_expected(s, 8, 2))

    # tRNS in every colour type that allows it (alpha is dropped anyway)
    s = rand_samples(rng, 6, 6, 1, 8)
    add_image("png", "png_trns_gray8.png", png_file(s, 8, 0, trns=b"\x00\x10"),
              png_expected(s, 8, 0))
    s = rand_samples(rng, 6, 6, 1, 16)
    s[0, 0, 0] = 100
    add_image("png", "png_trns_gray16.png", png_file(s, 16, 0, trns=b"\x00\x64"),
              png_expected(s, 16, 0))
    s = rand_samples(rng, 6, 6, 3, 8)
    add_image("png", "png_trns_rgb8.png", png_file(s, 8, 2, trns=b"\x00\x01\x00\x02\x00\x03"),
              png_expected(s, 8, 2))
    s = rand_samples(rng, 6, 6, 3, 16)
    add_image("png", "png_trns_rgb16_i.png",
              png_file(s, 16, 2, 1, trns=b"\x01\x01\x02\x02\x03\x03"), png_expected(s, 16, 2))
    s = rand_samples(rng, 6, 6, 1, 4)
    pal = bytes(rng.randint(0, 256, size=48).astype(np.uint8))
    add_image("png", "png_trns_pal4.png", png_file(s, 4, 3, plte=pal, trns=b"\x00\x80\xff"),
              png_expected(s, 4, 3, pal))
    add_image("png", "png_trns_pal4_simple.png",
              png_file(s, 4, 3, plte=pal, trns=b"\xff\xff\x00"), png_expected(s, 4, 3, pal))

    # palette shorter than the indices used: Pillow maps index i beyond it to gray (i, i, i)
    s = rng.randint(0, 256, size=(8, 8, 1)).astype(np.int64)
    pal = bytes(rng.randint(0, 256, size=3 * 10).astype(np.uint8))
    add_image("png", "png_pal8_short_palette.png", png_file(s, 8, 3, plte=pal),
              png_expected(s, 8, 3, pal))
    s = rng.randint(0, 4, size=(4, 9, 1)).astype(np.int64)
    pal = b"\x10\x20\x30\x40\x50\x60"
    add_image("png", "png_pal2_short_palette_i.png", png_file(s, 2, 3, 1, plte=pal),
              png_expected(s, 2, 3, pal))
    # PLTE in an RGB image (a suggested palette, ignored)
    s = rand_samples(rng, 4, 4, 3, 8)
    add_image("png", "png_rgb_with_plte.png", png_file(s, 8, 2, plte=b"\x01\x02\x03"),
              png_expected(s, 8, 2))

    # ancillary chunks before and after IDAT, including unknown and APNG ones
    s = rand_samples(rng, 5, 5, 4, 8)
    anc = [chunk(b"gAMA", struct.pack(">I", 45455)), chunk(b"tEXt", b"Comment\x00hello"),
           chunk(b"prIv", b"\x00\x01\x02"), chunk(b"acTL", struct.pack(">II", 1, 0))]
    add_image("png", "png_ancillary.png",
              png_file(s, 8, 6, extra_before=anc, extra_after=[chunk(b"zzZz", b"xyz")]),
              png_expected(s, 8, 6))

    # Pillow-written PNGs
    base = rng.randint(0, 256, size=(23, 31, 4)).astype(np.uint8)
    for mode in ("1", "L", "LA", "RGB", "RGBA", "P", "I;16", "I"):
        if mode in ("1", "L", "P"):
            im = Image.fromarray(base[..., 0], "L")
            im = im.convert(mode) if mode != "P" else im.convert("RGB").quantize(37)
        elif mode == "LA":
            im = Image.fromarray(base[..., :2].copy(), "LA")
        elif mode == "RGB":
            im = Image.fromarray(base[..., :3].copy(), "RGB")
        elif mode == "RGBA":
            im = Image.fromarray(base, "RGBA")
        elif mode == "I;16":
            im = Image.fromarray((base[..., 0].astype(np.uint16) * 3).astype(np.uint16))
        else:
            im = Image.fromarray(base[..., 0].astype(np.int32) - 20, "I")
        for opt in (False, True):
            b = io.BytesIO()
            im.save(b, "PNG", optimize=opt)
            add_image("png", "png_pil_%s%s.png" % (mode.replace(";", ""), "_opt" if opt else ""),
                      b.getvalue())
    for bits in (1, 2, 4):
        im = Image.fromarray(base[..., :3].copy(), "RGB").quantize(1 << bits)
        b = io.BytesIO()
        im.save(b, "PNG", bits=bits)
        add_image("png", "png_pil_P_bits%d.png" % bits, b.getvalue())

    # ---- malformed PNGs: the decoder must reject each
    s = rand_samples(rng, 4, 4, 3, 8)
    good = png_file(s, 8, 2)
    err = {}
    bad = bytearray(good)
    bad[-20] ^= 1  # inside the IDAT payload -> CRC mismatch
    err["bad_crc_idat"] = bytes(bad)
    bad = bytearray(good)
    bad[8 + 8 + 3] ^= 1  # IHDR width byte
    err["bad_crc_ihdr"] = bytes(bad)
    err["missing_iend"] = good[:-12]
    err["unknown_critical"] = png_file(s, 8, 2, extra_before=[chunk(b"ABCD", b"")])
    err["no_idat"] = SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + \
        chunk(b"IEND", b"")
    err["first_not_ihdr"] = SIG + chunk(b"tEXt", b"a\x00b") + good[8:]
    err["ihdr_len12"] = SIG + chunk(b"IHDR", struct.pack(">IIBBBB", 4, 4, 8, 2, 0, 0)) + \
        good[8 + 25:]
    raw = bytearray(png_raw(s, 8, 0))
    raw[0] = 5
    err["filter_type_5"] = png_file(s, 8, 2, raw=bytes(raw))
    err["too_much_data"] = png_file(s, 8, 2, raw=png_raw(s, 8, 0) + b"\x00")
    err["too_little_data"] = png_file(s, 8, 2, raw=png_raw(s, 8, 0)[:-1])
    err["zero_width"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 0, 4, 8, 2, 0, 0, 0))
    err["zero_height"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 4, 0, 8, 2, 0, 0, 0))
    err["huge_dims"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0,
                                                          0, 0))
    err["huge_pixels"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 65536, 65536, 8, 2, 0,
                                                            0, 0))
    err["width_2_31"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 1 << 31, 1, 8, 2, 0, 0,
                                                           0))
    err["bad_depth_rgb4"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 4, 4, 4, 2, 0, 0,
                                                               0))
    err["bad_ctype_5"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 4, 4, 8, 5, 0, 0, 0))
    err["bad_interlace_2"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0,
                                                                2))
    err["bad_compression_1"] = png_file(s, 8, 2, ihdr=struct.pack(">IIBBBBB", 4, 4, 8, 2, 1, 0,
                                                                  0))
    p8 = rng.randint(0, 4, size=(4, 4, 1)).astype(np.int64)
    err["plte_missing"] = png_file(p8, 8, 3)
    err["plte_in_gray"] = png_file(p8, 8, 0, plte=b"\x01\x02\x03")
    err["plte_len_4"] = png_file(p8, 8, 3, plte=b"\x01\x02\x03\x04")
    err["plte_after_idat"] = png_file(p8, 8, 3, plte=b"\x01\x02\x03",
                                      extra_after=[chunk(b"PLTE", b"\x01\x02\x03")])
    z = zlib.compress(png_raw(s, 8, 0))
    err["idat_not_consecutive"] = (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0,
                                                                    0, 0)) +
                                   chunk(b"IDAT", z[:10]) + chunk(b"tEXt", b"a\x00b") +
                                   chunk(b"IDAT", z[10:]) + chunk(b"IEND", b""))
    zb = bytearray(z)
    zb[-1] ^= 1
    err["adler_mismatch"] = (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                             + chunk(b"IDAT", bytes(zb)) + chunk(b"IEND", b""))
    err["zlib_header_bad"] = (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", b"\x78\x9d" + z[2:]) + chunk(b"IEND", b""))
    err["oversubscribed_huffman"] = (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0,
                                                                      0, 0)) +
                                     chunk(b"IDAT", zlib_wrap(deflate_oversubscribed_lit())) +
                                     chunk(b"IEND", b""))
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
    err["duplicate_ihdr"] = png_file(s, 8, 2, extra_before=[ihdr])
    err["duplicate_plte"] = png_file(p8, 8, 3, plte=b"\x01\x02\x03",
                                     extra_before=[chunk(b"PLTE", b"\x01\x02\x03")])
    err["bad_signature"] = b"\x89PNG\r\n\x1a\x0b" + good[8:]
    err["chunk_len_huge"] = SIG + struct.pack(">I", 0x80000000) + b"IHDR" + good[16:]
    # a decompression bomb: 1x1 image, IDAT inflating to 10 MB of zeros
    bomb = zlib.compress(b"\x00" * (10 << 20), 9)
    err["bomb_1x1"] = (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) +
                       chunk(b"IDAT", bomb) + chunk(b"IEND", b""))
    for k2, v in sorted(err.items()):
        add_image("png", "png_err_%s.png" % k2, v, "err")


# ----------------------------------------------------------------------------------------------
# raw deflate bit writer, for hand-made (mostly invalid) streams
# ----------------------------------------------------------------------------------------------

class BitWriter:
    def __init__(self):
        self.bits = []

    def put(self, value, n):  # LSB first
        for i in range(n):
            self.bits.append((value >> i) & 1)

    def put_code(self, code, n):  # Huffman codes go MSB first
        for i in reversed(range(n)):
            self.bits.append((code >> i) & 1)

    def align(self):  # pad with zero bits to a byte boundary
        while len(self.bits) % 8:
            self.bits.append(0)

    def put_bytes(self, data):
        for byte in data:
            self.put(byte, 8)

    def data(self):
        out = bytearray((len(self.bits) + 7) // 8)
        for i, b in enumerate(self.bits):
            out[i // 8] |= b << (i % 8)
        return bytes(out)


def canonical(lengths):
    """Canonical Huffman codes for a list of lengths -> {sym: (code, len)}."""
    codes, code = {}, 0
    for L in range(1, 16):
        for sym, l in enumerate(lengths):
            if l == L:
                codes[sym] = (code, L)
                code += 1
        code <<= 1
    return codes


def cl_rle(lengths):
    """Code-length symbols for a list of lengths, using 16 (repeat previous 3-6), 17 (3-10
    zeros) and 18 (11-138 zeros); items are plain symbols or (symbol, extra, extra_bits)."""
    out, i, n = [], 0, len(lengths)
    while i < n:
        v = lengths[i]
        run = 1
        while i + run < n and lengths[i + run] == v:
            run += 1
        if v == 0 and run >= 3:
            r = run
            while r >= 11:
                k = min(r, 138)
                out.append((18, k - 11, 7))
                r -= k
            if r >= 3:
                out.append((17, r - 3, 3))
                r = 0
            out += [0] * r
            i += run
        elif v != 0 and run >= 4:
            out.append(v)
            r = run - 1
            while r >= 3:
                k = min(r, 6)
                out.append((16, k - 3, 2))
                r -= k
            out += [v] * r
            i += run
        else:
            out.append(v)
            i += 1
    return out


CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


def dynamic_block(lit_lens, dist_lens, symbols, final=1, cl_lens=None, hlit=None, hdist=None,
                  raw_cl_symbols=None):
    """A dynamic block. lit/dist code lengths are sent as plain 0..15 code-length symbols with a
    flat code-length code (all 19 symbols length 5 is over-subscribed, so use lengths 4/5)."""
    bw = BitWriter()
    bw.put(final, 1)
    bw.put(2, 2)
    nlit = hlit if hlit is not None else len(lit_lens)
    ndist = hdist if hdist is not None else len(dist_lens)
    bw.put(nlit - 257, 5)
    bw.put(ndist - 1, 5)
    bw.put(19 - 4, 4)
    if cl_lens is None:
        cl_lens = [4] * 13 + [5] * 6  # 13/16 + 6/32 = 1: complete
        cl_lens = cl_lens  # symbol i has length cl_lens[i]
    for sym in CL_ORDER:
        bw.put(cl_lens[sym], 3)
    clc = canonical(cl_lens)
    seq = raw_cl_symbols if raw_cl_symbols is not None else list(lit_lens) + list(dist_lens)
    for item in seq:
        if isinstance(item, tuple):  # (symbol, extra value, extra bits)
            c, n = clc[item[0]]
            bw.put_code(c, n)
            bw.put(item[1], item[2])
        else:
            c, n = clc[item]
            bw.put_code(c, n)
    litc = canonical(lit_lens)
    distc = canonical(dist_lens)
    for s in symbols:
        if isinstance(s, tuple):  # (len_sym, len_extra, len_bits, dist_sym, dist_extra, dbits)
            c, n = litc[s[0]]
            bw.put_code(c, n)
            bw.put(s[1], s[2])
            c, n = distc[s[3]]
            bw.put_code(c, n)
            bw.put(s[4], s[5])
        else:
            c, n = litc[s]
            bw.put_code(c, n)
    return bw


def deflate_oversubscribed_lit():
    lit = [8] * 286  # 286 codes of length 8 > 256: over-subscribed
    return dynamic_block(lit, [1], [65, 256]).data()


def zlib_wrap(raw, data=b""):
    return b"\x78\x9c" + raw + struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)


def gen_deflate(rng):
    def add_raw(name, data, expect, trunc="loose"):
        write(name, data)
        if expect == "err":
            MANIFEST.append(("raw", name, "err", trunc, "-"))
        else:
            write(name + ".out", expect)
            MANIFEST.append(("raw", name, "ok", trunc, "ref"))

    lit_ok = [0] * 286
    for sym in (65, 66, 256, 257, 258):
        lit_ok[sym] = 3
    lit_ok[67] = 2  # 5 codes of 3 bits + 1 of 2 = 5/8 + 1/4 = 7/8: incomplete
    # complete: 65,66,256,257,258,67 at len 3 (6/8) + 68,69 at len 3 (8/8)
    lit_ok[67] = 3
    lit_ok[68] = 3
    lit_ok[69] = 3
    dist_one = [1]  # a single 1-bit distance code: allowed although incomplete
    # "ABAB" + match(len 3, dist 2) -> "ABABABA"? length symbol 257 = length 3
    bw = dynamic_block(lit_ok, dist_one, [65, 66, (257, 0, 0, 0, 0, 0), 256])
    add_raw("raw_dyn_single_dist.deflate", bw.data(), b"ABBBB")
    # no distance codes at all (all zero lengths) with literals only: allowed
    bw = dynamic_block(lit_ok, [0], [65, 66, 67, 256])
    add_raw("raw_dyn_no_dist.deflate", bw.data(), b"ABC")
    # ... but using a distance with such a tree is an error
    bad = list(lit_ok)
    bw = dynamic_block(bad, [0], [65, 66])  # we cannot encode a dist symbol; append len sym
    c = canonical(bad)[257]
    bw.put_code(*c)
    bw.put(0, 8)
    add_raw("raw_dyn_no_dist_used.deflate", bw.data(), "err")
    # incomplete literal code with more than one code -> error
    inc = [0] * 286
    inc[65] = 2
    inc[256] = 2
    inc[66] = 3  # 1/4 + 1/4 + 1/8 < 1
    add_raw("raw_dyn_incomplete_lit.deflate", dynamic_block(inc, [1], [65, 256]).data(), "err")
    # over-subscribed literal code
    add_raw("raw_dyn_oversub_lit.deflate", deflate_oversubscribed_lit(), "err")
    # over-subscribed distance code
    add_raw("raw_dyn_oversub_dist.deflate",
            dynamic_block(lit_ok, [1, 1, 1], [65, 256]).data(), "err")
    # missing end-of-block code
    noeob = list(lit_ok)
    noeob[256] = 0
    noeob[70] = 3
    add_raw("raw_dyn_no_eob.deflate", dynamic_block(noeob, [1], [65]).data(), "err")
    # over-subscribed code-length code (all 19 of length 4)
    add_raw("raw_dyn_oversub_clen.deflate",
            dynamic_block(lit_ok, [1], [65, 256], cl_lens=[4] * 19).data(), "err")
    # incomplete code-length code
    cl = [4] * 13 + [5] * 5 + [0]
    add_raw("raw_dyn_incomplete_clen.deflate",
            dynamic_block(lit_ok, [1], [65, 256], cl_lens=cl).data(), "err")
    # HLIT = 287 / HDIST = 31 (more than allowed)
    add_raw("raw_dyn_hlit_287.deflate",
            dynamic_block(lit_ok + [0], [1], [65, 256], hlit=287).data(), "err")
    add_raw("raw_dyn_hdist_31.deflate",
            dynamic_block(lit_ok, [1] + [0] * 30, [65, 256], hdist=31).data(), "err")
    # repeat-previous (16) as the first code length
    seq = [(16, 0, 2)] + list(lit_ok)[3:] + [1]
    add_raw("raw_dyn_repeat_first.deflate",
            dynamic_block(lit_ok, [1], [], raw_cl_symbols=seq).data(), "err")
    # zero-run (18) overflowing the number of lengths
    seq = list(lit_ok) + [(18, 127, 7)]
    add_raw("raw_dyn_repeat_overflow.deflate",
            dynamic_block(lit_ok, [1], [], raw_cl_symbols=seq).data(), "err")
    # code lengths sent with repeat codes 16/17/18 (crossing the lit/dist boundary)
    lit_rep = [0] * 286
    for sym in (65, 66, 67, 68, 69, 256, 257, 258):
        lit_rep[sym] = 3
    bw = dynamic_block(lit_rep, [1], [65, 66, 67, 68, 69, (258, 0, 0, 0, 0, 0), 256],
                       raw_cl_symbols=cl_rle(lit_rep + [1]))
    add_raw("raw_dyn_repeats.deflate", bw.data(), b"ABCDEEEEE")
    lit16 = [0] * 286
    for sym in range(60, 68):
        lit16[sym] = 4
    for sym in (256, 257):
        lit16[sym] = 3
    lit16[100] = 2  # 8/16 + 2/8 + 1/4 = 1
    seq = cl_rle(lit16 + [1])
    assert any(isinstance(t, tuple) and t[0] == 16 for t in seq)
    bw = dynamic_block(lit16, [1], [60, 67, 100, 256], raw_cl_symbols=seq)
    add_raw("raw_dyn_repeat16.deflate", bw.data(), bytes([60, 67, 100]))
    # a bigger dynamic block with many literals, lengths and distances (zlib-made, level 9)
    # literal/length code with a single 1-bit code (end-of-block only): legal; the other
    # 1-bit value is then an invalid code
    only_eob = [0] * 257
    only_eob[256] = 1
    bw = dynamic_block(only_eob, [0], [256])
    add_raw("raw_dyn_only_eob.deflate", bw.data(), b"")
    bw = dynamic_block(only_eob, [0], [])
    bw.put(1, 1)
    add_raw("raw_dyn_only_eob_invalid_code.deflate", bw.data(), "err")
    # block type 3
    bw = BitWriter()
    bw.put(1, 1)
    bw.put(3, 2)
    add_raw("raw_btype3.deflate", bw.data(), "err")
    # stored block with bad NLEN; stored block truncated; a good stored block
    add_raw("raw_stored_nlen.deflate", b"\x01\x05\x00\xfa\xfe" + b"hello", "err")
    add_raw("raw_stored_trunc.deflate", b"\x01\x05\x00\xfa\xff" + b"hell", "err")
    add_raw("raw_stored_ok.deflate", b"\x01\x05\x00\xfa\xff" + b"hello", b"hello")
    add_raw("raw_stored_empty.deflate", b"\x01\x00\x00\xff\xff", b"")
    # fixed block with distance too far back: literal 'a', then length 3 distance 2
    bw = BitWriter()
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0x30 + 97, 8)  # 'a'
    bw.put_code(1, 7)  # 257 -> length 3
    bw.put_code(1, 5)  # distance symbol 1 -> distance 2
    bw.put_code(0, 7)  # end of block
    add_raw("raw_fixed_too_far.deflate", bw.data(), "err")
    # fixed block: distance exactly reaching the start is fine
    bw = BitWriter()
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0x30 + 97, 8)
    bw.put_code(0x30 + 98, 8)
    bw.put_code(1, 7)
    bw.put_code(1, 5)
    bw.put_code(0, 7)
    add_raw("raw_fixed_dist_start.deflate", bw.data(), b"ababa")
    # fixed block with distance symbol 30 and length symbol 286 (both invalid)
    bw = BitWriter()
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0x30 + 97, 8)
    bw.put_code(1, 7)
    bw.put_code(30, 5)
    bw.put_code(0, 7)
    add_raw("raw_fixed_dist30.deflate", bw.data(), "err")
    bw = BitWriter()
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0x30 + 97, 8)
    bw.put_code(0xC0 + 286 - 280, 8)
    bw.put_code(0, 5)
    bw.put_code(0, 7)
    add_raw("raw_fixed_len286.deflate", bw.data(), "err")
    # maximum distance 32768 with length 258 (symbols 29 and 285), after a stored block
    data = bytes(rng.randint(0, 256, size=32768).astype(np.uint8))
    bw = BitWriter()
    bw.put(0, 1)
    bw.put(0, 2)
    bw.align()
    bw.put_bytes(struct.pack("<HH", 32768, 32767) + data)
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0xC5, 8)  # 285: length 258
    bw.put_code(29, 5)    # distance 24577 + 13 extra bits
    bw.put(32768 - 24577, 13)
    bw.put_code(0, 7)
    add_raw("raw_far_distance.deflate", bw.data(), data + data[:258])
    # distance 32768 after only 32767 bytes of output reaches before the start
    bw = BitWriter()
    bw.put(0, 1)
    bw.put(0, 2)
    bw.align()
    bw.put_bytes(struct.pack("<HH", 32767, 32768) + data[:32767])
    bw.put(1, 1)
    bw.put(1, 2)
    bw.put_code(0xC5, 8)
    bw.put_code(29, 5)
    bw.put(32768 - 24577, 13)
    bw.put_code(0, 7)
    add_raw("raw_far_distance_too_far.deflate", bw.data(), "err")
    # non-final block followed by input end
    add_raw("raw_nonfinal_then_end.deflate", b"\x00\x05\x00\xfa\xff" + b"hello", "err")


def gen_zlib_gzip(rng):
    text = open(__file__, "rb").read()[:6000]
    rnd = bytes(rng.randint(0, 256, size=3000).astype(np.uint8))
    runs = b"".join(bytes([i % 7]) * (i % 300) for i in range(40))
    datas = {"text": text, "random": rnd, "runs": runs, "empty": b"", "one": b"Z"}
    for dn, d in datas.items():
        for level in (0, 1, 6, 9):
            for strat_name, strat in (("default", zlib.Z_DEFAULT_STRATEGY),
                                      ("fixed", zlib.Z_FIXED), ("huff", zlib.Z_HUFFMAN_ONLY),
                                      ("rle", zlib.Z_RLE)):
                if level == 0 and strat_name != "default":
                    continue
                if dn in ("empty", "one") and (level, strat_name) not in ((6, "default"),
                                                                          (6, "fixed"), (0, "default")):
                    continue
                co = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strat)
                z = co.compress(d) + co.flush()
                name = "zlib_%s_l%d_%s.zlib" % (dn, level, strat_name)
                write(name, z)
                write(name + ".out", d)
                MANIFEST.append(("zlib", name, "ok", "strict", "zlib"))
    # a zlib stream flushed in many small blocks (stored/fixed/dynamic mixed)
    co = zlib.compressobj(6)
    z = b""
    for i in range(0, len(text), 97):
        z += co.compress(text[i:i + 97]) + co.flush(zlib.Z_FULL_FLUSH if i % 2 else
                                                     zlib.Z_SYNC_FLUSH)
    z += co.flush()
    write("zlib_many_blocks.zlib", z)
    write("zlib_many_blocks.zlib.out", text)
    MANIFEST.append(("zlib", "zlib_many_blocks.zlib", "ok", "strict", "zlib"))
    # small window sizes
    for wb in (9, 12):
        co = zlib.compressobj(9, zlib.DEFLATED, wb)
        z = co.compress(text) + co.flush()
        write("zlib_wbits%d.zlib" % wb, z)
        write("zlib_wbits%d.zlib.out" % wb, text)
        MANIFEST.append(("zlib", "zlib_wbits%d.zlib" % wb, "ok", "strict", "zlib"))
    z = zlib.compress(text)
    def hdr(cmf, flg_bits):  # a header with a valid FCHECK for the given CMF / flag bits
        for fchk in range(32):
            if ((cmf << 8) | flg_bits | fchk) % 31 == 0:
                return bytes([cmf, flg_bits | fchk])

    errs = {"bad_adler": z[:-1] + bytes([z[-1] ^ 1]), "trailing": z + b"\x00",
            "fdict": hdr(0x78, 0x20) + z[2:], "bad_fcheck": b"\x78\x9d" + z[2:],
            "cm7": hdr(0x77, 0x80) + z[2:], "cinfo8": hdr(0x88, 0x80) + z[2:],
            "truncated_adler": z[:-1], "empty": b""}
    for k, v in errs.items():
        write("zlib_err_%s.zlib" % k, v)
        MANIFEST.append(("zlib", "zlib_err_%s.zlib" % k, "err", "loose", "-"))

    # gzip: Python's own writer (FNAME when given a filename, else none)
    def gz_member(d, flags=0, name=b"", comment=b"", extra=b"", hcrc=False, level=6):
        flg = flags
        hdr = bytearray(b"\x1f\x8b\x08")
        if extra:
            flg |= 4
        if name:
            flg |= 8
        if comment:
            flg |= 16
        if hcrc:
            flg |= 2
        hdr += bytes([flg]) + struct.pack("<I", 1234567) + b"\x00\x03"
        if extra:
            hdr += struct.pack("<H", len(extra)) + extra
        if name:
            hdr += name + b"\x00"
        if comment:
            hdr += comment + b"\x00"
        if hcrc:
            hdr += struct.pack("<H", zlib.crc32(bytes(hdr)) & 0xFFFF)
        co = zlib.compressobj(level, zlib.DEFLATED, -15)
        body = co.compress(d) + co.flush()
        return bytes(hdr) + body + struct.pack("<II", zlib.crc32(d) & 0xFFFFFFFF,
                                               len(d) & 0xFFFFFFFF)

    gz = {"plain": (gz_member(text), text),
          "python": (gzip.compress(text, mtime=0), text),
          "all_flags": (gz_member(runs, name=b"file.txt", comment=b"a comment",
                                  extra=b"AB\x02\x00xy", hcrc=True), runs),
          "ftext": (gz_member(text, flags=1), text),
          "empty": (gz_member(b""), b""),
          "multi": (gz_member(text[:1000]) + gz_member(b"") + gz_member(rnd, level=0),
                    text[:1000] + rnd)}
    for k, (v, d) in gz.items():
        write("gzip_%s.gz" % k, v)
        write("gzip_%s.gz.out" % k, d)
        # a multi-member file cut at a member boundary is itself a valid gzip file
        MANIFEST.append(("gzip", "gzip_%s.gz" % k, "ok", "loose" if k == "multi" else "strict",
                         "zlib"))
    g = gz_member(text, name=b"n", hcrc=True)
    gerr = {"bad_crc": g[:-8] + struct.pack("<I", (zlib.crc32(text) ^ 1) & 0xFFFFFFFF) + g[-4:],
            "bad_isize": g[:-4] + struct.pack("<I", len(text) + 1),
            "bad_hcrc": g[:13] + bytes([g[13] ^ 1]) + g[14:],
            "trailing_garbage": g + b"\x00\x00",
            "reserved_flag": g[:3] + bytes([g[3] | 0x20]) + g[4:],
            "cm9": g[:2] + b"\x09" + g[3:],
            "bad_magic": b"\x1f\x8c" + g[2:]}
    for k, v in gerr.items():
        write("gzip_err_%s.gz" % k, v)
        MANIFEST.append(("gzip", "gzip_err_%s.gz" % k, "err", "loose", "-"))


# ----------------------------------------------------------------------------------------------
# BMP
# ----------------------------------------------------------------------------------------------

def bmp_file(w, h, bits, rows, palette=None, hsize=40, comp=0, masks=None, topdown=False,
             colors=None, data=None, pal_entry=4, off_adjust=None):
    """rows: list (top to bottom) of unpadded row byte strings, or data = raw pixel section."""
    if data is None:
        stride = ((w * bits + 31) // 32) * 4
        order = rows if topdown else rows[::-1]
        data = b"".join(r + b"\x00" * (stride - len(r)) for r in order)
    hh = -h if topdown else h
    ncol = colors if colors is not None else (0 if palette is None else len(palette))
    if hsize == 12:
        hdr = struct.pack("<IHHHH", 12, w, h, 1, bits)
    else:
        hdr = struct.pack("<IiiHHIIiiII", hsize, w, hh, 1, bits, comp, len(data), 2835, 2835,
                          ncol, 0)
        m = list(masks) if masks else [0, 0, 0, 0]
        if hsize >= 52:
            hdr += struct.pack("<III", *m[:3])
        if hsize >= 56:
            hdr += struct.pack("<I", m[3])
        if hsize == 64:
            hdr = hdr[:40] + b"\x00" * 24
        if hsize >= 108:
            hdr += b"BGRs" + b"\x00" * 36 + b"\x00" * 12
        if hsize >= 124:
            hdr += struct.pack("<IIII", 4, 0, 0, 0)
        assert len(hdr) == hsize, (len(hdr), hsize)
        if hsize == 40 and comp in (3, 6):
            hdr += struct.pack("<III", *masks[:3])
            if comp == 6:
                hdr += struct.pack("<I", masks[3])
    pal = b""
    if palette is not None:
        for (r, g, b) in palette:
            pal += bytes([b, g, r]) + (b"\x00" if pal_entry == 4 else b"")
    off = 14 + len(hdr) + len(pal)
    if off_adjust is not None:
        off = off_adjust
    return b"BM" + struct.pack("<IHHI", off + len(pal) * 0 + len(data), 0, 0, off) + hdr + pal + \
        data


def pack_idx(row, bits):
    return pack_row(row, bits)


def rle8_encode(idx, eob=True):
    out = bytearray()
    for y in range(idx.shape[0] - 1, -1, -1):  # bottom-up
        row = [int(v) for v in idx[y]]
        x = 0
        while x < len(row):
            run = 1
            while x + run < len(row) and row[x + run] == row[x] and run < 255:
                run += 1
            if run >= 2:
                out += bytes([run, row[x]])
                x += run
                continue
            # literal stretch until a repeat starts
            end = x
            while end < len(row) and end - x < 255 and not (
                    end + 1 < len(row) and row[end + 1] == row[end]):
                end += 1
            n = end - x
            if n >= 3:
                out += bytes([0, n]) + bytes(row[x:end]) + (b"\x00" if n & 1 else b"")
                x = end
            else:
                out += bytes([1, row[x]])
                x += 1
        if y > 0 or not eob:
            out += b"\x00\x00"
    if eob:
        out += b"\x00\x01"
    return bytes(out)


def rle4_encode(idx):
    """Encoded runs of one colour or two alternating colours, absolute runs of even length
    (Pillow 9.4 mis-decodes odd-length RLE4 absolute runs, so they are avoided here)."""
    out = bytearray()
    for y in range(idx.shape[0] - 1, -1, -1):
        row = [int(v) for v in idx[y]]
        x = 0
        while x < len(row):
            # alternating run a b a b ...
            run = 1
            while x + run < len(row) and run < 255 and row[x + run] == row[x + (run & 1)]:
                run += 1
            if run >= 3 or x + run == len(row) or len(row) - x < 4:
                b = (row[x] << 4) | (row[x + 1] if run > 1 else row[x])
                out += bytes([run, b])
                x += run
                continue
            n = min(len(row) - x, 8) & ~1
            vals = row[x:x + n]
            packed = bytes((vals[i] << 4) | vals[i + 1] for i in range(0, n, 2))
            out += bytes([0, n]) + packed + (b"\x00" if len(packed) & 1 else b"")
            x += n
        out += b"\x00\x00" if y > 0 else b"\x00\x01"
    return bytes(out)


def gen_bmp(rng):
    pal_for = {}
    for bits in (1, 2, 4, 8):
        n = 1 << bits
        pal_for[bits] = [tuple(int(v) for v in rng.randint(0, 256, size=3)) for _ in range(n)]

    def pal_expect(idx, pal):
        out = np.stack([idx, idx, idx], axis=-1).astype(np.int64)
        p = np.array(pal, dtype=np.int64)
        ok = idx < len(p)
        out[ok] = p[idx[ok]]
        return out

    for bits in (1, 4, 8):
        for (w, h) in ((1, 1), (3, 5), (33, 17)):
            for topdown in (False, True):
                idx = rng.randint(0, 1 << bits, size=(h, w))
                rows = [pack_idx(r, bits) for r in idx]
                pal = pal_for[bits]
                name = "bmp_pal%d_%dx%d%s.bmp" % (bits, w, h, "_td" if topdown else "")
                add_image("bmp", name, bmp_file(w, h, bits, rows, pal, topdown=topdown),
                          pal_expect(idx, pal))
    # 2-bit palette (Windows CE): Pillow 9.4 cannot read it
    idx = rng.randint(0, 4, size=(7, 13))
    add_image("bmp", "bmp_pal2_13x7.bmp",
              bmp_file(13, 7, 2, [pack_idx(r, 2) for r in idx], pal_for[2]),
              pal_expect(idx, pal_for[2]), source="ref")
    # short palettes (biClrUsed) with indices beyond them: gray (i, i, i) like Pillow
    idx = rng.randint(0, 256, size=(6, 10))
    pal = pal_for[8][:20]
    add_image("bmp", "bmp_pal8_clrused20.bmp",
              bmp_file(10, 6, 8, [pack_idx(r, 8) for r in idx], pal), pal_expect(idx, pal))
    idx = rng.randint(0, 16, size=(6, 10))
    pal = pal_for[4][:5]
    add_image("bmp", "bmp_pal4_clrused5.bmp",
              bmp_file(10, 6, 4, [pack_idx(r, 4) for r in idx], pal), pal_expect(idx, pal))
    # gray 8-bit (Pillow turns it into mode L) and black/white 1-bit (mode 1)
    idx = rng.randint(0, 256, size=(5, 9))
    gpal = [(i, i, i) for i in range(256)]
    add_image("bmp", "bmp_gray8.bmp", bmp_file(9, 5, 8, [pack_idx(r, 8) for r in idx], gpal),
              pal_expect(idx, gpal))
    idx = rng.randint(0, 2, size=(5, 19))
    add_image("bmp", "bmp_bw1.bmp",
              bmp_file(19, 5, 1, [pack_idx(r, 1) for r in idx], [(0, 0, 0), (255, 255, 255)]),
              pal_expect(idx, [(0, 0, 0), (255, 255, 255)]))
    # OS/2 1.x core header: 3-byte palette entries
    for bits in (1, 4, 8):
        idx = rng.randint(0, 1 << bits, size=(4, 11))
        add_image("bmp", "bmp_os2_pal%d.bmp" % bits,
                  bmp_file(11, 4, bits, [pack_idx(r, bits) for r in idx], pal_for[bits],
                           hsize=12, pal_entry=3), pal_expect(idx, pal_for[bits]))
    rgb = rng.randint(0, 256, size=(4, 11, 3))
    rows24 = [bytes(np.asarray(r[:, ::-1], dtype=np.uint8).tobytes()) for r in rgb]
    add_image("bmp", "bmp_os2_24.bmp", bmp_file(11, 4, 24, rows24, hsize=12), rgb)

    # 24-bit, odd widths (row padding), all header versions, top-down
    for (w, h) in ((1, 1), (3, 5), (33, 17)):
        rgb = rng.randint(0, 256, size=(h, w, 3))
        rows = [bytes(np.asarray(r[:, ::-1], dtype=np.uint8).tobytes()) for r in rgb]
        for hsize in (40, 108, 124):
            for topdown in (False, True):
                name = "bmp_rgb24_%dx%d_h%d%s.bmp" % (w, h, hsize, "_td" if topdown else "")
                add_image("bmp", name, bmp_file(w, h, 24, rows, hsize=hsize, topdown=topdown),
                          rgb)
    rgb = rng.randint(0, 256, size=(5, 7, 3))
    rows = [bytes(np.asarray(r[:, ::-1], dtype=np.uint8).tobytes()) for r in rgb]
    for hsize in (52, 56, 64):  # Pillow 9.4 reads 64 but not 52 / 56
        add_image("bmp", "bmp_rgb24_h%d.bmp" % hsize, bmp_file(7, 5, 24, rows, hsize=hsize),
                  rgb, source="pil" if hsize == 64 else "ref")
    add_image("bmp", "bmp_rgb24_bitfields.bmp",
              bmp_file(7, 5, 24, rows, comp=3, masks=(0xFF0000, 0xFF00, 0xFF)), rgb)

    # 32-bit: BI_RGB (X ignored) and bitfields layouts Pillow supports
    rgb = rng.randint(0, 256, size=(6, 9, 3))
    a = rng.randint(0, 256, size=(6, 9))

    def pack32(masks):
        rows = []
        for y in range(rgb.shape[0]):
            row = b""
            for x in range(rgb.shape[1]):
                v = 0
                for ch, m in enumerate(masks):
                    if m == 0:
                        continue
                    sh = (m & -m).bit_length() - 1
                    val = int(rgb[y, x, ch]) if ch < 3 else int(a[y, x])
                    v |= (val << sh) & m
                row += struct.pack("<I", v)
            rows.append(row)
        return rows

    add_image("bmp", "bmp_rgb32.bmp", bmp_file(9, 6, 32, pack32((0xFF0000, 0xFF00, 0xFF,
                                                                 0xFF000000))), rgb)
    layouts = {"bgrx": (0xFF0000, 0xFF00, 0xFF, 0), "xbgr": (0xFF000000, 0xFF0000, 0xFF00, 0),
               "abgr": (0xFF000000, 0xFF0000, 0xFF00, 0xFF),
               "rgba": (0xFF, 0xFF00, 0xFF0000, 0xFF000000),
               "bgra": (0xFF0000, 0xFF00, 0xFF, 0xFF000000)}
    for k, m in layouts.items():
        for hsize in (40, 56, 108, 124):
            if hsize == 40 and m[3]:
                continue  # a 40-byte header carries no alpha mask
            add_image("bmp", "bmp_32_%s_h%d.bmp" % (k, hsize),
                      bmp_file(9, 6, 32, pack32(m), hsize=hsize, comp=3, masks=m,
                               topdown=(hsize == 108)), rgb,
                      source="ref" if hsize == 56 else "pil")
    # all-zero masks: Pillow falls back to BGR(A)
    add_image("bmp", "bmp_32_zero_masks.bmp",
              bmp_file(9, 6, 32, pack32((0xFF0000, 0xFF00, 0xFF, 0xFF000000)), hsize=108,
                       comp=3, masks=(0, 0, 0, 0)), rgb)
    # BI_ALPHABITFIELDS (6) with a 40-byte header and 10-10-10 masks: Pillow cannot read these
    m = (0x3FF00000, 0xFFC00, 0x3FF, 0xC0000000)
    rgb10 = rng.randint(0, 1024, size=(3, 4, 3))
    rows = []
    for y in range(3):
        rows.append(b"".join(struct.pack("<I", (int(rgb10[y, x, 0]) << 20) |
                                         (int(rgb10[y, x, 1]) << 10) | int(rgb10[y, x, 2]) |
                                         0xC0000000) for x in range(4)))
    add_image("bmp", "bmp_32_alphabitfields_101010.bmp",
              bmp_file(4, 3, 32, rows, hsize=40, comp=6, masks=m), rgb10 * 255 // 1023,
              source="ref")

    # 16-bit: 555 (BI_RGB and bitfields) and 565
    px = rng.randint(0, 65536, size=(5, 13))
    rows = [b"".join(struct.pack("<H", int(v)) for v in r) for r in px]

    def exp16(rm, gm, bm):
        out = np.zeros(px.shape + (3,), dtype=np.int64)
        for ch, m in enumerate((rm, gm, bm)):
            sh = (m & -m).bit_length() - 1
            mx = m >> sh
            out[..., ch] = ((px & m) >> sh) * 255 // mx
        return out

    add_image("bmp", "bmp_16_555_rgb.bmp", bmp_file(13, 5, 16, rows),
              exp16(0x7C00, 0x3E0, 0x1F))
    add_image("bmp", "bmp_16_555_bf.bmp", bmp_file(13, 5, 16, rows, comp=3,
                                                   masks=(0x7C00, 0x3E0, 0x1F)),
              exp16(0x7C00, 0x3E0, 0x1F))
    add_image("bmp", "bmp_16_565_bf.bmp", bmp_file(13, 5, 16, rows, comp=3,
                                                   masks=(0xF800, 0x7E0, 0x1F)),
              exp16(0xF800, 0x7E0, 0x1F))
    add_image("bmp", "bmp_16_565_v5_td.bmp", bmp_file(13, 5, 16, rows, hsize=124, comp=3,
                                                      masks=(0xF800, 0x7E0, 0x1F, 0),
                                                      topdown=True),
              exp16(0xF800, 0x7E0, 0x1F))
    # all-zero 16-bit masks fall back to 5-5-5 (Pillow 9.4 rejects this file)
    add_image("bmp", "bmp_16_zero_masks.bmp", bmp_file(13, 5, 16, rows, comp=3, masks=(0, 0, 0)),
              exp16(0x7C00, 0x3E0, 0x1F), source="ref")
    add_image("bmp", "bmp_16_444_bf.bmp", bmp_file(13, 5, 16, rows, hsize=56, comp=3,
                                                   masks=(0xF00, 0xF0, 0xF, 0xF000)),
              exp16(0xF00, 0xF0, 0xF), source="ref")

    # RLE8 / RLE4 (Pillow-compatible streams)
    for (w, h) in ((1, 1), (5, 3), (37, 9)):
        idx = rng.randint(0, 6, size=(h, w))
        idx[:, w // 2:] = idx[:, w // 2:] // 3  # some runs
        pal = pal_for[8][:200]
        add_image("bmp", "bmp_rle8_%dx%d.bmp" % (w, h),
                  bmp_file(w, h, 8, None, pal, comp=1, data=rle8_encode(idx)),
                  pal_expect(idx, pal), trunc="loose")
        idx4 = rng.randint(0, 16, size=(h, w))
        idx4[:, w // 2:] = 3
        add_image("bmp", "bmp_rle4_%dx%d.bmp" % (w, h),
                  bmp_file(w, h, 4, None, pal_for[4], comp=2, data=rle4_encode(idx4)),
                  pal_expect(idx4, pal_for[4]), trunc="loose")
    # RLE features Pillow 9.4 gets wrong or rejects; expected from the spec:
    # delta escapes, odd-length RLE4 absolute runs, early end-of-bitmap, runs past the row end
    pal = pal_for[8]
    w, h = 8, 4
    exp = np.zeros((h, w), dtype=np.int64)  # rows top to bottom; file is bottom-up
    data = bytearray()
    data += bytes([3, 7])                     # row 3 (file row 0): 7 7 7
    data += bytes([0, 2, 2, 1])               # delta: right 2, up 1 -> file row 1, x=5
    exp[3, 0:3] = 7
    data += bytes([0, 3, 9, 10, 11, 0])       # absolute 3 (odd, padded): x=5..7 of file row 1
    exp[2, 5:8] = [9, 10, 11]
    data += bytes([0, 0])                     # end of line -> file row 2
    data += bytes([12, 5])                    # 12 pixels of 5: clipped at the row end
    exp[1, :] = 5
    data += bytes([0, 1])                     # end of bitmap: file row 3 stays index 0
    add_image("bmp", "bmp_rle8_delta_eob.bmp",
              bmp_file(w, h, 8, None, pal, comp=1, data=bytes(data)), pal_expect(exp, pal),
              trunc="loose", source="ref")
    exp = np.zeros((2, 6), dtype=np.int64)
    data = bytes([0, 5, 0x12, 0x34, 0x50, 0, 4, 0x9A]) + b"\x00\x00" + bytes([6, 0xF1, 0, 1])
    exp[1, :] = [1, 2, 3, 4, 5, 9]  # file row 0 = bottom; run of 4 clipped to 1 pixel
    exp[0, :] = [15, 1, 15, 1, 15, 1]
    add_image("bmp", "bmp_rle4_odd_absolute.bmp",
              bmp_file(6, 2, 4, None, pal_for[4], comp=2, data=data),
              pal_expect(exp, pal_for[4]), trunc="loose", source="ref")
    # top-down RLE8
    idx = rng.randint(0, 4, size=(3, 6))
    enc = rle8_encode(idx[::-1])  # encoder writes bottom-up; flip so file order is top-down
    add_image("bmp", "bmp_rle8_topdown.bmp",
              bmp_file(6, 3, 8, None, pal_for[8], comp=1, data=enc, topdown=True),
              pal_expect(idx, pal_for[8]), trunc="loose")

    # Pillow-written BMPs
    base = rng.randint(0, 256, size=(13, 21, 3)).astype(np.uint8)
    for mode in ("1", "L", "P", "RGB"):
        im = Image.fromarray(base, "RGB")
        im = im.convert(mode) if mode != "P" else im.quantize(50)
        b = io.BytesIO()
        im.save(b, "BMP")
        add_image("bmp", "bmp_pil_%s.bmp" % mode, b.getvalue())

    # malformed
    rgb = rng.randint(0, 256, size=(4, 5, 3))
    rows = [bytes(np.asarray(r[:, ::-1], dtype=np.uint8).tobytes()) for r in rgb]
    good = bmp_file(5, 4, 24, rows)
    errs = {"truncated_pixels": good[:-1], "zero_width": bmp_file(0, 4, 24, rows),
            "zero_height": bmp_file(5, 0, 24, rows),
            "huge": good[:18] + struct.pack("<ii", 100000, 100000) + good[26:],
            "neg_width": good[:18] + struct.pack("<i", -5) + good[22:],
            "int_min_height": good[:22] + struct.pack("<I", 0x80000000) + good[26:],
            "bits_7": good[:28] + struct.pack("<H", 7) + good[30:],
            "comp_jpeg": good[:30] + struct.pack("<I", 4) + good[34:],
            "rle8_on_24bit": good[:30] + struct.pack("<I", 1) + good[34:],
            "header_size_20": good[:14] + struct.pack("<I", 20) + good[18:],
            "offset_past_end": good[:10] + struct.pack("<I", 10 ** 6) + good[14:],
            "bad_magic": b"BN" + good[2:],
            "palette_truncated": bmp_file(4, 4, 8, [b"\x00" * 4] * 4, pal_for[8])[:14 + 40 + 100],
            "rle8_truncated": bmp_file(8, 4, 8, None, pal_for[8], comp=1,
                                       data=bytes([8, 1, 0, 0, 8, 2])),
            "rle4_abs_truncated": bmp_file(8, 4, 4, None, pal_for[4], comp=2,
                                           data=bytes([0, 8, 0x11])),
            "mask_too_wide_16": bmp_file(13, 5, 16, [b"\x00" * 26] * 5, comp=3,
                                         masks=(0x1F0000, 0x7E0, 0x1F))}
    for k, v in errs.items():
        add_image("bmp", "bmp_err_%s.bmp" % k, v, "err", trunc="loose")


# ----------------------------------------------------------------------------------------------
# PNM
# ----------------------------------------------------------------------------------------------

def gen_pnm(rng):
    def add(name, data, trunc="strict", expect=None, source="pil"):
        add_image("pnm", name, data, expect, trunc=trunc, source=source)

    for (w, h) in ((1, 1), (3, 5), (33, 17)):
        for maxval in (1, 3, 15, 100, 255, 256, 1000, 65535):
            g = rng.randint(0, maxval + 1, size=(h, w))
            c = rng.randint(0, maxval + 1, size=(h, w, 3))
            fmt = ">H" if maxval > 255 else ">B"
            add("pnm_p5_%dx%d_m%d.pgm" % (w, h, maxval),
                b"P5\n%d %d\n%d\n" % (w, h, maxval) +
                b"".join(struct.pack(fmt, int(v)) for v in g.reshape(-1)))
            add("pnm_p6_%dx%d_m%d.ppm" % (w, h, maxval),
                b"P6 %d %d %d " % (w, h, maxval) +
                b"".join(struct.pack(fmt, int(v)) for v in c.reshape(-1)))
            if w != 1 or maxval in (1, 255, 1000):
                add("pnm_p2_%dx%d_m%d.pgm" % (w, h, maxval),
                    b"P2\n# comment\n%d %d\n%d\n" % (w, h, maxval) +
                    b"\n".join(b" ".join(b"%d" % v for v in r) for r in g) + b"\n",
                    trunc="loose")
                add("pnm_p3_%dx%d_m%d.ppm" % (w, h, maxval),
                    b"P3\n%d %d\n%d\n" % (w, h, maxval) +
                    b"\n".join(b"  ".join(b"%d %d %d" % tuple(p) for p in r) for r in c),
                    trunc="loose")
        bits = rng.randint(0, 2, size=(h, w))
        add("pnm_p1_%dx%d.pbm" % (w, h),
            b"P1\n%d %d\n" % (w, h) + b"\n".join(b"".join(b"%d" % v for v in r) for r in bits),
            trunc="loose")
        add("pnm_p4_%dx%d.pbm" % (w, h),
            b"P4\n%d %d\n" % (w, h) + b"".join(pack_row(r, 1) for r in bits))
    # every P5 sample value for a few maxvals (checks the rounding table exhaustively)
    for maxval in (2, 7, 99, 254, 300, 4095):
        vals = np.arange(maxval + 1)
        w = 64
        h = (len(vals) + w - 1) // w
        vals = np.resize(vals, w * h)
        fmt = ">H" if maxval > 255 else ">B"
        body = b"".join(struct.pack(fmt, int(v)) for v in vals)
        add("pnm_p5_all_m%d.pgm" % maxval, b"P5 %d %d %d\n" % (w, h, maxval) + body)
        w6 = 16
        h6 = (maxval + 1 + 3 * w6 - 1) // (3 * w6)
        v6 = np.resize(np.arange(maxval + 1), 3 * w6 * h6)
        add("pnm_p6_all_m%d.ppm" % maxval, b"P6 %d %d %d\n" % (w6, h6, maxval) +
            b"".join(struct.pack(fmt, int(v)) for v in v6))
    # binary values above maxval are clipped by Pillow's rescaler
    add("pnm_p5_above_maxval.pgm", b"P5 4 1 100\n" + bytes([0, 100, 101, 255]))
    # header comments, including one inside a token (Pillow joins the two halves)
    add("pnm_comments.ppm", b"P6\n#c1\n# c2\n2 #c3\n1\n#c4\n25#x\r5\n" + bytes(range(6)))
    add("pnm_comment_in_data.pgm", b"P2 3 1 255\n1 2#x\n 3\n", trunc="loose")
    add("pnm_p1_nospace.pbm", b"P1 5 2 0101011000", trunc="loose")
    add("pnm_p1_comments.pbm", b"P1\n4 1\n0#x\n1 1\n0", trunc="loose")
    add("pnm_tabs_cr.pgm", b"P5\t2\r2\x0b255\x0c" + bytes([1, 2, 3, 4]))
    # trailing data after the raster is ignored
    add("pnm_trailing.ppm", b"P6 1 1 255\n" + bytes([9, 8, 7]) + b"junk", trunc="loose")
    # Pillow-written
    base = rng.randint(0, 256, size=(9, 14, 3)).astype(np.uint8)
    for mode in ("1", "L", "RGB", "I"):
        im = Image.fromarray(base, "RGB").convert(mode)
        if mode == "I":
            im = Image.fromarray(base[..., 0].astype(np.int32) * 150, "I")
        b = io.BytesIO()
        im.save(b, "PPM")
        add("pnm_pil_%s.pnm" % mode, b.getvalue())
    errs = {"maxval0": b"P5 1 1 0\n\x00", "maxval65536": b"P5 1 1 65536\n\x00\x00",
            "zero_w": b"P5 0 1 255\n", "huge": b"P5 100000 100000 255\n\x00",
            "truncated_p6": b"P6 2 2 255\n" + bytes(11),
            "truncated_p5_16": b"P5 2 1 65535\n\x00\x01\x02",
            "p2_above_maxval": b"P2 2 1 10\n5 11\n", "p2_bad_token": b"P2 2 1 10\n5 x\n",
            "p2_long_token": b"P2 2 1 10\n5 000000000005\n",
            "p1_bad_char": b"P1 3 1\n012\n",
            "p2_comment_joins_tokens": b"P2 3 1 255\n1 2#x\n3\n", "p3_truncated": b"P3 2 1 255\n1 2 3 4 5",
            "token_too_long": b"P5 00000000001 1 255\n\x00", "p7": b"P7 1 1 255\n\x00",
            "neg": b"P5 -1 1 255\n\x00", "no_space": b"P61 1 255\n\x00\x00\x00",
            "header_eof": b"P6 1 1"}
    for k, v in errs.items():
        add_image("pnm", "pnm_err_%s.pnm" % k, v, "err", trunc="loose")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    rng = np.random.RandomState(1234)
    gen_png(rng)
    gen_deflate(rng)
    gen_zlib_gzip(rng)
    gen_bmp(rng)
    gen_pnm(rng)
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        for row in MANIFEST:
            f.write(" ".join(row) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, x)) for x in os.listdir(OUT))
    print("%d fixtures, %d files, %.1f KiB" % (len(MANIFEST), len(os.listdir(OUT)),
                                               total / 1024))


if __name__ == "__main__":
    main()
