#!/usr/bin/python3
"""Generates the JPEG decoder fixtures in tests/fixtures/jpeg (make_fixtures.py --decoders).

For every fixture NAME.jpg the expected output is PIL's decode,
ImageOps.exif_transpose(img).convert("RGB") (djpeg's for the truncated ones, see
djpeg_reference), stored as raw RGB in NAME.rgb, and a line in
fixtures/manifest.txt: "NAME.jpg ref NAME.rgb W H" (or "NAME.jpg err" for files that must be
rejected, "NAME.jpg any" for damaged files PIL refuses too: they only must not crash).

Needs /usr/bin/python3 with PIL + numpy, and cjpeg/jpegtran (apt-get install
libjpeg-turbo-progs) for the variants PIL cannot write (4:4:0, 4:1:1, restart markers, custom
scan scripts, arithmetic coding, RGB JPEG). A tiny baseline encoder below writes the odd ones
(YCCK, unusual sampling factors, RGB component ids, 2 components).
"""
import io
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "tests", "fixtures", "jpeg")
TMP = tempfile.mkdtemp()
manifest = []


def photo(w, h, seed=1):
    """A synthetic 'photo': smooth gradients, hard-edged shapes and sensor-like noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / w * 3.1 + y / h * 1.3)
    g = 128 + 90 * np.cos(y / h * 4.0 - x / w * 0.7)
    b = 60 + 150 * (x + y) / (w + h)
    disk = (x - w * 0.62) ** 2 + (y - h * 0.4) ** 2 < (min(w, h) * 0.25) ** 2
    r[disk], g[disk], b[disk] = 230, 40, 50
    box = (x > w * 0.1) & (x < w * 0.35) & (y > h * 0.55) & (y < h * 0.9)
    r[box], g[box], b[box] = 20, 200, 90
    stripes = (x > w * 0.8) & ((y // 2) % 2 == 0)
    r[stripes], g[stripes], b[stripes] = 250, 250, 250
    img = np.stack([r, g, b], -1) + rng.normal(0, 7, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def reference(path):
    """PIL's decode of a file, or None if PIL cannot decode it."""
    try:
        im = Image.open(path)
        im = ImageOps.exif_transpose(im).convert("RGB")
        return np.asarray(im)
    except Exception as e:
        print("  PIL cannot decode %s: %s" % (os.path.basename(path), e))
        return None


def djpeg_reference(path):
    """libjpeg-turbo's own decode (djpeg, same library as PIL's). Used for truncated files,
    for which PIL's wrapper sometimes gives up and returns a black image."""
    pnm = os.path.join(TMP, "ref.pnm")
    subprocess.run(["djpeg", "-outfile", pnm, path], capture_output=True)
    return np.asarray(Image.open(pnm).convert("RGB"))


def add(name, data, kind="ref", ref_from=reference):
    """Writes fixture NAME.jpg (+ NAME.rgb, the reference decode) and its manifest line."""
    path = os.path.join(OUT, name + ".jpg")
    with open(path, "wb") as f:
        f.write(data)
    if kind == "err":
        manifest.append("%s.jpg err\n" % name)
        return
    ref = ref_from(path)
    if ref is None:
        manifest.append("%s.jpg any\n" % name)
        return
    ref.tofile(os.path.join(OUT, name + ".rgb"))
    manifest.append("%s.jpg %s %s.rgb %d %d\n" % (name, kind, name, ref.shape[1], ref.shape[0]))


def pil_jpeg(arr, mode="RGB", **kw):
    b = io.BytesIO()
    Image.fromarray(arr, mode).save(b, "JPEG", **kw)
    return b.getvalue()


def cjpeg(arr, *args, gray=False):
    src = os.path.join(TMP, "in.pgm" if gray else "in.ppm")
    Image.fromarray(arr, "L" if gray else "RGB").save(src)
    return subprocess.run(["cjpeg", *args, src], check=True, capture_output=True).stdout


def write_scans(text):
    p = os.path.join(TMP, "scans.txt")
    with open(p, "w") as f:
        f.write(text)
    return p


# ---------------------------------------------------------------------------------------------
# A tiny baseline JPEG encoder (float DCT, Annex K Huffman tables) for what no tool here writes.
# ---------------------------------------------------------------------------------------------

ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41,
          34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30,
          37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]
LUMA_Q = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40,
          57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35,
          55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112,
          100, 103, 99]


def std_huffman_tables():
    """The standard tables, taken from the DHT segments of a file libjpeg wrote."""
    data = pil_jpeg(np.zeros((8, 8, 3), np.uint8), quality=75)
    tables, p = {}, 2
    while data[p + 1] != 0xDA:
        n = struct.unpack(">H", data[p + 2:p + 4])[0]
        if data[p + 1] == 0xC4:
            d = data[p + 4:p + 2 + n]
            while d:
                counts = list(d[1:17])
                syms = list(d[17:17 + sum(counts)])
                tables[(d[0] >> 4, d[0] & 15)] = (counts, syms)
                d = d[17 + sum(counts):]
        p += 2 + n
    return tables


HUFF = std_huffman_tables()


def codes(counts, syms):
    out, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            out[syms[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return out


class BitWriter:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, nbits):
        for i in range(nbits - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc, self.n = 0, 0

    def flush(self):
        while self.n:
            self.put(1, 1)


def category(v):
    return int(abs(v)).bit_length()


def encode(planes, sampling, ids=None, adobe=None, jfif=False, quality=85, interleave=True,
           restart=0):
    """Baseline JPEG from full-size uint8 planes (list of HxW arrays), one (h, v) per plane."""
    H, W = planes[0].shape
    n = len(planes)
    ids = ids or list(range(1, n + 1))
    hmax = max(s[0] for s in sampling)
    vmax = max(s[1] for s in sampling)
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    q = np.array([min(255, max(1, (t * scale + 50) // 100)) for t in LUMA_Q]).reshape(8, 8)
    k = np.arange(8)
    dct = np.cos((2 * k[None, :] + 1) * k[:, None] * np.pi / 16) / 2
    dct[0] /= np.sqrt(2)
    mcux, mcuy = -(-W // (8 * hmax)), -(-H // (8 * vmax))
    comps = []
    for p, (h, v) in zip(planes, sampling):
        cw, ch = -(-W * h // hmax), -(-H * v // vmax)
        ys = (np.arange(ch) * vmax // v).clip(0, H - 1)   # point-sample down (or up)
        xs = (np.arange(cw) * hmax // h).clip(0, W - 1)
        c = p[ys][:, xs].astype(np.float64)
        pw, ph = max(mcux * h * 8, -(-cw // 8) * 8), max(mcuy * v * 8, -(-ch // 8) * 8)
        c = np.pad(c, ((0, ph - ch), (0, pw - cw)), mode="edge")
        comps.append((c, h, v, -(-cw // 8), -(-ch // 8)))

    def block(c, bx, by):
        f = dct @ (c[by * 8:by * 8 + 8, bx * 8:bx * 8 + 8] - 128) @ dct.T
        return np.round(f / q).astype(int).flatten()

    dc, ac = codes(*HUFF[(0, 0)]), codes(*HUFF[(1, 0)])

    def put_block(bw, coef, pred):
        diff = coef[0] - pred
        s = category(diff)
        bw.put(*dc[s])
        bw.put(diff if diff >= 0 else diff + (1 << s) - 1, s)
        run = 0
        for i in range(1, 64):
            v = coef[ZIGZAG[i]]
            if v == 0:
                run += 1
                continue
            while run > 15:
                bw.put(*ac[0xF0])
                run -= 16
            s = category(v)
            bw.put(*ac[(run << 4) | s])
            bw.put(v if v >= 0 else v + (1 << s) - 1, s)
            run = 0
        if run:
            bw.put(*ac[0x00])
        return coef[0]

    def segment(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    out = bytearray(b"\xff\xd8")
    if jfif:
        out += segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if adobe is not None:
        out += segment(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, adobe))
    out += segment(0xDB, bytes([0]) + bytes(int(q.flatten()[z]) for z in ZIGZAG))
    sof = struct.pack(">BHHB", 8, H, W, n)
    for i, (h, v) in enumerate(sampling):
        sof += bytes([ids[i], (h << 4) | v, 0])
    out += segment(0xC0, sof)
    for (tc, th), (counts, syms) in sorted(HUFF.items()):
        if th == 0:
            out += segment(0xC4, bytes([(tc << 4) | th] + counts + syms))
    if restart:
        out += segment(0xDD, struct.pack(">H", restart))
    scans = [list(range(n))] if interleave else [[i] for i in range(n)]
    for scan in scans:
        sos = bytes([len(scan)]) + b"".join(bytes([ids[i], 0x00]) for i in scan) + b"\x00\x3f\x00"
        out += segment(0xDA, sos)
        bw, preds, rst = BitWriter(), [0] * n, 0
        if len(scan) == 1:
            c, _, _, bwid, bhgt = comps[scan[0]]
            mcus = [[(scan[0], bx, by)] for by in range(bhgt) for bx in range(bwid)]
        else:
            mcus = [[(i, mx * comps[i][1] + x, my * comps[i][2] + y)
                     for i in scan for y in range(comps[i][2]) for x in range(comps[i][1])]
                    for my in range(mcuy) for mx in range(mcux)]
        for m, mcu in enumerate(mcus):
            if restart and m and m % restart == 0:
                bw.flush()
                bw.out += bytes([0xFF, 0xD0 + rst])
                rst = (rst + 1) & 7
                preds = [0] * n
            for i, bx, by in mcu:
                preds[i] = put_block(bw, block(comps[i][0], bx, by), preds[i])
        bw.flush()
        out += bw.out
    return bytes(out + b"\xff\xd9")


def cut_in_scan(data, scan, frac):
    """Truncates data inside the entropy-coded data of its scan-th scan (0-based)."""
    pos = -1
    for _ in range(scan + 1):
        pos = data.index(b"\xff\xda", pos + 1)
    start = pos + 2 + data[pos + 2] * 256 + data[pos + 3]
    end = start
    while not (data[end] == 0xFF and data[end + 1] not in (0, 0xFF) and
               not 0xD0 <= data[end + 1] <= 0xD7):
        end += 1
    return data[:start + int((end - start) * frac)]


def exif_segment(orientation, big_endian):
    bo = ">" if big_endian else "<"
    tiff = (b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(bo + "I", 8)
    tiff += struct.pack(bo + "H", 2)
    tiff += struct.pack(bo + "HHI", 0x010F, 2, 4) + b"pm\x00\x00"      # Make
    tiff += struct.pack(bo + "HHIHH", 0x0112, 3, 1, orientation, 0)  # Orientation
    tiff += struct.pack(bo + "I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    small, big = photo(67, 45, 1), photo(128, 96, 2)
    gray = (small.astype(int) @ [77, 150, 29] >> 8).astype(np.uint8)

    # PIL: qualities x subsampling (4:4:4, 4:2:2, 4:2:0), progressive, grayscale, CMYK
    for q in (50, 75, 95):
        for ss, tag in ((0, "444"), (1, "422"), (2, "420")):
            add("pil_q%d_%s" % (q, tag), pil_jpeg(small, quality=q, subsampling=ss))
    add("pil_big_q80_420", pil_jpeg(big, quality=80, subsampling=2))
    add("pil_big_q90_444_prog", pil_jpeg(big, quality=90, subsampling=0, progressive=True))
    add("pil_q75_420_prog", pil_jpeg(small, quality=75, subsampling=2, progressive=True))
    add("pil_q85_422_prog_opt", pil_jpeg(small, quality=85, subsampling=1, progressive=True,
                                         optimize=True))
    add("pil_gray_q75", pil_jpeg(gray, "L", quality=75))
    add("pil_gray_q90_prog", pil_jpeg(gray, "L", quality=90, progressive=True))
    cmyk = np.concatenate([255 - small, np.minimum(small.min(-1, keepdims=True), 90)], -1)
    add("pil_cmyk_q90", pil_jpeg(cmyk.astype(np.uint8), "CMYK", quality=90))
    add("pil_cmyk_q80_prog", pil_jpeg(cmyk.astype(np.uint8), "CMYK", quality=80,
                                      progressive=True))
    add("pil_1x1", pil_jpeg(small[:1, :1], quality=90))
    add("pil_odd_9x3_420", pil_jpeg(small[:3, :9], quality=90, subsampling=2))
    add("pil_1x33_420", pil_jpeg(small[:33, :1], quality=90, subsampling=2))

    # cjpeg: more sampling factors, restarts, scan scripts, RGB, arithmetic
    add("cj_440", cjpeg(small, "-quality", "85", "-sample", "1x2"))
    add("cj_411", cjpeg(small, "-quality", "85", "-sample", "4x1"))
    add("cj_big_440_prog", cjpeg(big, "-quality", "80", "-sample", "1x2", "-progressive"))
    add("cj_420_w3", cjpeg(small[:, :3], "-quality", "90", "-sample", "2x2"))  # width <= 2
    add("cj_mixed_22_12_21", cjpeg(small, "-quality", "85", "-sample", "2x2,1x2,2x1"))
    add("cj_31", cjpeg(small, "-quality", "85", "-sample", "3x1"))
    add("cj_42_11_11", cjpeg(small, "-quality", "85", "-sample", "4x2,1x1,1x1"))
    add("cj_41_21_11", cjpeg(small, "-quality", "85", "-sample", "4x1,2x1,1x1"))
    add("cj_restart_row", cjpeg(small, "-quality", "80", "-sample", "2x2", "-restart", "1"))
    add("cj_restart_3b", cjpeg(small, "-quality", "80", "-restart", "3B"))
    add("cj_restart_prog", cjpeg(small, "-quality", "80", "-sample", "2x1", "-restart", "2B",
                                 "-progressive"))
    add("cj_rgb", cjpeg(small, "-quality", "90", "-rgb"))
    add("cj_gray_restart", cjpeg(gray, "-quality", "70", "-restart", "1B", gray=True))
    add("cj_noninterleaved", cjpeg(small, "-quality", "85", "-sample", "2x2", "-scans",
                                   write_scans("0;\n1;\n2;\n")))
    add("cj_prog_custom", cjpeg(small, "-quality", "90", "-sample", "2x1", "-scans", write_scans(
        "0: 0 0 0 2;\n1: 0 0 0 1;\n2: 0 0 0 1;\n0: 1 5 0 2;\n0: 6 63 0 2;\n"
        "1: 1 63 0 1;\n2: 1 63 0 1;\n0: 1 63 2 1;\n0: 0 0 2 1;\n0: 1 63 1 0;\n"
        "1: 1 63 1 0;\n2: 1 63 1 0;\n0,1,2: 0 0 1 0;\n")))
    add("cj_prog_partial", cjpeg(small, "-quality", "90", "-scans", write_scans(
        "0,1,2: 0 0 0 0;\n0: 1 63 0 0;\n1: 1 63 0 0;\n")))  # Cr has DC only
    add("cj_arith", cjpeg(small, "-quality", "85", "-arithmetic"), "err")
    add("cj_arith_prog", cjpeg(small, "-quality", "85", "-arithmetic", "-progressive"), "err")

    # hand-encoded: YCCK, RGB by component ids, plain YCbCr without markers, 2 components,
    # chroma sampled finer than luma, non-interleaved with restarts
    kk = np.minimum(small.min(-1), 80).astype(np.uint8)
    ycc = np.asarray(Image.fromarray(small).convert("YCbCr"))
    add("enc_ycck_22_11_11_22", encode([ycc[..., 0], ycc[..., 1], ycc[..., 2], 255 - kk],
                                       [(2, 2), (1, 1), (1, 1), (2, 2)], adobe=2))
    add("enc_cmyk_noadobe", encode([small[..., 0], small[..., 1], small[..., 2], 255 - kk],
                                   [(1, 1)] * 4))
    add("enc_rgb_ids", encode([small[..., i] for i in range(3)], [(1, 1)] * 3,
                              ids=[82, 71, 66]))
    add("enc_ycc_nomarker", encode([ycc[..., i] for i in range(3)], [(2, 1), (1, 1), (1, 1)]))
    add("enc_chroma_finer", encode([ycc[..., i] for i in range(3)], [(1, 1), (2, 2), (2, 2)],
                                   jfif=True))
    add("enc_41_14", encode([ycc[..., i] for i in range(3)], [(4, 4), (1, 4), (4, 1)],
                            jfif=True, interleave=False, restart=5))
    add("enc_frac_32_21_11", encode([ycc[..., i] for i in range(3)], [(3, 2), (2, 1), (1, 1)],
                                    jfif=True))  # libjpeg refuses fractional ratios
    add("enc_two_components", encode([ycc[..., 0], ycc[..., 1]], [(1, 1), (1, 1)]))

    # EXIF orientation 1..8, little- and big-endian TIFF headers (a smaller image: 15 files)
    base = pil_jpeg(photo(37, 23, 4), quality=90, subsampling=2)
    for o in range(1, 9):
        for be in (False, True):
            if o == 1 and be:
                continue
            add("exif_%d_%s" % (o, "be" if be else "le"),
                base[:2] + exif_segment(o, be) + base[2:])

    # damaged restart structure and truncation (PIL decodes these with warnings)
    rs = bytearray(cjpeg(small, "-quality", "80", "-sample", "2x2", "-restart", "2B"))
    marks = [i for i in range(len(rs) - 1) if rs[i] == 0xFF and 0xD0 <= rs[i + 1] <= 0xD7]
    add("bad_rst_missing", bytes(rs[:marks[1]] + rs[marks[1] + 2:]))
    t = bytearray(rs)
    t[marks[2] + 1] = 0xD0 + ((t[marks[2] + 1] - 0xD0 + 3) & 7)
    add("bad_rst_wrong_number", bytes(t))
    t = bytearray(rs)
    t[marks[0] - 30:marks[0] - 15] = bytes(15)
    add("bad_rst_corrupt_data", bytes(t))
    t = bytearray(rs)
    t[marks[3] + 2:marks[3] + 12] = b"\xff\xd0" * 5  # spurious RST0 runs
    add("bad_rst_spurious", bytes(t))
    # no DHT at all (Motion-JPEG style): the standard tables must be assumed
    d = pil_jpeg(small, quality=80, subsampling=2)
    p, nod = 2, bytearray(d[:2])
    while d[p + 1] != 0xDA:
        n = struct.unpack(">H", d[p + 2:p + 4])[0]
        if d[p + 1] != 0xC4:
            nod += d[p:p + 2 + n]
        p += 2 + n
    add("mjpeg_no_dht", bytes(nod + d[p:]))
    # truncated files: libjpeg reads zeros past the end (reference: djpeg)
    t = pil_jpeg(small, quality=80, subsampling=2)
    add("trunc_baseline", cut_in_scan(t, 0, 0.6), ref_from=djpeg_reference)
    t = pil_jpeg(small, quality=80, progressive=True)
    add("trunc_progressive", cut_in_scan(t, 4, 0.5), ref_from=djpeg_reference)
    t = cjpeg(small, "-quality", "90", "-sample", "2x2,1x2,2x1", "-progressive")
    add("trunc_progressive_dc", cut_in_scan(t, 0, 0.7), ref_from=djpeg_reference)
    # unsupported variants made by patching headers
    lossless = bytearray(base)
    p = lossless.index(b"\xff\xc0")
    lossless[p + 1] = 0xC3
    add("err_lossless", bytes(lossless), "err")
    twelve = bytearray(base)
    twelve[p + 4] = 12
    add("err_12bit", bytes(twelve), "err")
    huge = bytearray(base)
    huge[p + 5:p + 9] = struct.pack(">HH", 65500, 65500)
    add("err_huge", bytes(huge), "err")

    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.writelines(manifest)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("%d fixtures, %d bytes" % (len(manifest), total))


if __name__ == "__main__":
    sys.exit(main())
