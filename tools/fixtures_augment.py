#!/usr/bin/env python3
"""Expected outputs of the augmentation section (RNG, RandomResizedCrop, PIL ops, full views).

Run with Debian's python3 (PIL 9.4, torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/fixtures_augment.py --repo . --out tests/fixtures/augment
It is deterministic: running it twice writes identical files.

Every expected value comes from PIL / torchvision themselves (never from a re-implementation
of an image op); the random parameters come from tools/pm_rng.py, the library's generator in
Python. manifest.txt (one record a line, '#' comments) lists the tests; `EXPECT` is either a
file name (relative to the manifest, raw uint8 HWC RGB or little-endian float32 CHW) or
`crc32:XXXXXXXX` (zlib's CRC-32 of those bytes), for the larger ones.

Buffers (named, RGB8 HWC) are defined by
    image NAME PATH                   PPM/PGM relative to the repo, as PIL's convert("RGB")
    rand NAME W H SEED                bytes = top 8 bits of successive PCG32(SEED, 0) u32 draws
    pixels NAME W H HEX               literal bytes
and produced by (each output becomes a buffer NAME too)
    crop NAME SRC X Y CW CH S EXPECT          img.crop((X,Y,X+CW,Y+CH)).resize((S,S), BILINEAR)
    brightness|contrast|colour NAME SRC FACTOR EXPECT    ImageEnhance.*(img).enhance(FACTOR)
    flip NAME SRC EXPECT                      img.transpose(FLIP_LEFT_RIGHT)
    normalize SRC M0 M1 M2 S0 S1 S2 EXPECT    float32 [3,H,W]: to_tensor + normalize
Other checks:
    rng KIND SEED STREAM COUNT N EXPECT       CRC of COUNT draws (u32/below: 4 bytes LE,
                                              uniform/normal: IEEE double LE), N for below
    derive SEED A B VALUE
    rrc W H SEED STREAM X Y CW CH NEXT        pm__rrc_params; NEXT = the next u32 afterwards
    viewparams W H SEED STREAM X Y CW CH FB FC FS FLIP NEXT
    blend ALPHA EXPECT                        256x256 table Image.blend(L=deg rows, L=img cols)
    luma EXPECT                               convert("L") of all 2^24 colours (r, g, b order)
    view SRC SEED STREAM S M0 M1 M2 S0 S1 S2 EXPECT   complete augmented view, float32 [3,S,S],
                                              from torchvision.transforms.functional on PIL
"""

import argparse
import os
import struct
import sys
import zlib

import numpy as np
import torch
from PIL import Image, ImageEnhance
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def crc(b):
    return "crc32:%08x" % (zlib.crc32(b) & 0xFFFFFFFF)


class Writer:
    def __init__(self, out):
        self.out = out
        self.lines = []
        self.files = 0
        self.bufs = {}

    def expect(self, name, data, keep):
        if keep:
            fn = name + (".f32" if data[1] == "f" else ".rgb")
            with open(os.path.join(self.out, fn), "wb") as f:
                f.write(data[0])
            self.files += 1
            return fn
        return crc(data[0])

    def add(self, *fields):
        self.lines.append(" ".join(str(x) for x in fields))


def rgb_bytes(im):
    assert im.mode == "RGB"
    return (im.tobytes(), "u")


def tensor_bytes(t):
    a = t.detach().numpy().astype("<f4", copy=False)
    return (np.ascontiguousarray(a).tobytes(), "f")


def rand_image(pm_rng, w, h, seed):
    r = pm_rng.PCG32(seed, 0)
    data = bytes(r.u32() >> 24 for _ in range(w * h * 3))
    return Image.frombytes("RGB", (w, h), data)


def enhance(kind, im, factor):
    cls = {"brightness": ImageEnhance.Brightness, "contrast": ImageEnhance.Contrast,
           "colour": ImageEnhance.Color}[kind]
    out = cls(im).enhance(factor)
    tv = {"brightness": F.adjust_brightness, "contrast": F.adjust_contrast,
          "colour": F.adjust_saturation}[kind](im, factor)
    assert out.tobytes() == tv.tobytes()  # torchvision's PIL path is ImageEnhance
    return out


def normalize(im, mean, std):
    return F.normalize(F.to_tensor(im), list(mean), list(std))


def ref_view(pm_rng, im, seed, stream, S, mean, std):
    """The documented view, with torchvision's functional ops on a PIL image."""
    rng = pm_rng.PCG32(seed, stream)
    p = pm_rng.view_params(rng, im.width, im.height)
    v = F.resized_crop(im, p["y"], p["x"], p["ch"], p["cw"], [S, S], InterpolationMode.BILINEAR)
    v = F.adjust_brightness(v, p["brightness"])
    v = F.adjust_contrast(v, p["contrast"])
    v = F.adjust_saturation(v, p["colour"])
    if p["flip"]:
        v = F.hflip(v)
    return normalize(v, mean, std), p, rng


def fmt_mean_std(mean, std):
    return " ".join(repr(float(x)) for x in tuple(mean) + tuple(std))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default="/work/main")
    ap.add_argument("--out", default=os.path.join(HERE, "fixtures"))
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.repo, "tools"))
    import pm_rng
    os.makedirs(args.out, exist_ok=True)
    for fn in os.listdir(args.out):
        if fn.endswith((".rgb", ".f32")) or fn == "manifest.txt":
            os.remove(os.path.join(args.out, fn))
    W = Writer(args.out)
    W.add("# augmentation fixtures: see gen_fixtures.py for the record formats")

    # ---- generator ----------------------------------------------------------------------
    def draws(kind, seed, stream, count, n):
        r = pm_rng.PCG32(seed, stream)
        if kind == "u32":
            return struct.pack("<%dI" % count, *(r.u32() for _ in range(count)))
        if kind == "below":
            return struct.pack("<%dI" % count, *(r.below(n) for _ in range(count)))
        if kind == "uniform":
            return struct.pack("<%dd" % count, *(r.uniform() for _ in range(count)))
        return struct.pack("<%dd" % count, *(r.normal() for _ in range(count)))

    r = pm_rng.PCG32(42, 54)
    first = [r.u32() for _ in range(6)]
    assert first == [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
    for kind, seed, stream, count, n in [
            ("u32", 42, 54, 1000000, 0), ("u32", 2**64 - 1, 2**63 + 5, 1000000, 0),
            ("uniform", 7, 1, 1000000, 0), ("below", 99, 3, 1000000, 224),
            ("below", 99, 4, 1000000, 1), ("below", 99, 5, 300000, 2**31 + 1),
            ("below", 99, 6, 300000, 2**32 - 1), ("normal", 123, 2, 200000, 0)]:
        W.add("rng", kind, seed, stream, count, n, crc(draws(kind, seed, stream, count, n)))
    for s, a, b in [(0, 0, 0), (1, 2, 3), (2**64 - 1, 2**64 - 1, 2**64 - 1),
                    (20250101, 599, 18), (7, 0, 1), (7, 1, 0)]:
        W.add("derive", s, a, b, pm_rng.derive(s, a, b))

    sizes = [(1, 1), (2, 1), (1, 2), (1, 300), (300, 1), (300, 10), (10, 300), (3, 4), (4, 3),
             (640, 480), (224, 224), (50, 40), (17, 31), (300, 120), (64, 64), (40, 56),
             (7, 5), (4000, 3000), (12, 1000)]
    for (w, h) in sizes:
        for seed in range(8):
            r = pm_rng.PCG32(seed, 9)
            x, y, cw, ch = pm_rng.rrc_params(r, w, h)
            W.add("rrc", w, h, seed, 9, x, y, cw, ch, r.u32())
    for (w, h) in sizes[:10]:
        for seed in range(3):
            r = pm_rng.PCG32(pm_rng.derive(77, seed, 1), 1)
            p = pm_rng.view_params(r, w, h)
            W.add("viewparams", w, h, pm_rng.derive(77, seed, 1), 1, p["x"], p["y"], p["cw"],
                  p["ch"], repr(p["brightness"]), repr(p["contrast"]), repr(p["colour"]),
                  int(p["flip"]), r.u32())

    # ---- pixel-level primitives ---------------------------------------------------------
    idx = np.arange(1 << 24, dtype=np.uint32)
    allrgb = np.stack([(idx >> 16) & 255, (idx >> 8) & 255, idx & 255], -1).astype(np.uint8)
    lum = Image.fromarray(allrgb.reshape(4096, 4096, 3), "RGB").convert("L").tobytes()
    W.add("luma", crc(lum))
    deg = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[:, None], 256, 1), "L")
    img = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :], 256, 0), "L")
    rs = pm_rng.PCG32(5, 5)
    alphas = [0.6, 1.4, 0.0, 1.0, 0.5, 2.0, -0.5, 0.9999999, 1.0000001, 0.6000000238418579,
              1.399999976158142] + [pm_rng.enhance_factor(rs) for _ in range(40)]
    for a in alphas:
        W.add("blend", repr(a), crc(Image.blend(deg, img, a).tobytes()))

    # ---- buffers ------------------------------------------------------------------------
    imgs = {}
    imdir = os.path.join(args.repo, "tests", "fixtures", "images")
    for fn in sorted(os.listdir(imdir)):
        name = fn.split("_")[0]
        with Image.open(os.path.join(imdir, fn)) as im:
            imgs[name] = im.convert("RGB")
        W.add("image", name, "tests/fixtures/images/" + fn)
    imgs["rand"] = rand_image(pm_rng, 97, 61, 3)
    W.add("rand", "rand", 97, 61, 3)
    # tiny literal images: contrast mean exactly k + 0.5, 1 pixel, extreme colours
    lit = {"px1": (1, 1, bytes([200, 10, 90])),
           "half": (2, 1, bytes([0, 0, 0, 1, 1, 1])),       # mean L 0.5 -> grey 1
           "half2": (2, 1, bytes([2, 2, 2, 1, 1, 1])),      # mean L 1.5 -> grey 2
           "sat": (3, 2, bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0,
                                255, 255, 0]))}
    for name, (w, h, data) in lit.items():
        imgs[name] = Image.frombytes("RGB", (w, h), data)
        W.add("pixels", name, w, h, data.hex())

    # ---- explicit crops -----------------------------------------------------------------
    S = 16
    for name in ["img0", "img1", "img2", "img3", "img4", "rand"]:
        im = imgs[name]
        w, h = im.size
        rb = pm_rng.PCG32(11, len(name) + w)
        boxes = [(0, 0, w, h), (0, 0, 1, 1), (w - 1, h - 1, 1, 1), (0, h // 2, w, 1),
                 (w // 3, 0, 1, h), (1, 1, w - 2, h - 2), pm_rng.rrc_params(rb, w, h),
                 pm_rng.rrc_params(rb, w, h)]
        for k, (x, y, cw, ch) in enumerate(boxes):
            out = im.crop((x, y, x + cw, y + ch)).resize((S, S), Image.BILINEAR)
            tv = F.resized_crop(im, y, x, ch, cw, [S, S], InterpolationMode.BILINEAR)
            assert out.tobytes() == tv.tobytes()
            oname = "%s_crop%d" % (name, k)
            W.add("crop", oname, name, x, y, cw, ch, S,
                  W.expect(oname, rgb_bytes(out), keep=True))
            W.bufs[oname] = out
        for k, (x, y, cw, ch, s2) in enumerate([(0, 0, w, h, 224), (0, 0, w, h, 7),
                                                 (1, 0, w - 1, h, 5), (0, 0, w, h, w),
                                                 (2, 1, w - 3, h - 1, 40)]):
            if cw <= 0 or ch <= 0:
                continue
            out = im.crop((x, y, x + cw, y + ch)).resize((s2, s2), Image.BILINEAR)
            oname = "%s_big%d" % (name, k)
            W.add("crop", oname, name, x, y, cw, ch, s2, W.expect(oname, rgb_bytes(out), False))

    # ---- enhancements -------------------------------------------------------------------
    rf = pm_rng.PCG32(12, 0)
    for name in ["img0", "img1", "img2", "img3", "img4", "rand"]:
        src = "%s_crop6" % name
        base = W.bufs[src]
        factors = [0.6, 1.4, 0.0, 1.0, 2.0, pm_rng.enhance_factor(rf), pm_rng.enhance_factor(rf)]
        for kind in ["brightness", "contrast", "colour"]:
            for k, fac in enumerate(factors):
                out = enhance(kind, base, fac)
                oname = "%s_%s%d" % (name, kind, k)
                W.add(kind, oname, src, repr(fac), W.expect(oname, rgb_bytes(out), keep=k < 2))
        # the same on the whole image (larger, and the image's own contrast mean)
        for kind in ["brightness", "contrast", "colour"]:
            fac = pm_rng.enhance_factor(rf)
            out = enhance(kind, imgs[name], fac)
            oname = "%s_full_%s" % (name, kind)
            W.add(kind, oname, name, repr(fac), W.expect(oname, rgb_bytes(out), keep=False))
        # the chain of the method on explicit parameters, then flip and normalise
        cur, cname = base, src
        for kind, fac in [("brightness", 0.6), ("contrast", 1.4), ("colour", 0.6)]:
            cur = enhance(kind, cur, fac)
            oname = "%s_chain_%s" % (name, kind)
            W.add(kind, oname, cname, repr(fac), W.expect(oname, rgb_bytes(cur), keep=True))
            cname = oname
        fl = cur.transpose(Image.FLIP_LEFT_RIGHT)
        assert fl.tobytes() == F.hflip(cur).tobytes()
        W.add("flip", "%s_chain_flip" % name, cname,
              W.expect("%s_chain_flip" % name, rgb_bytes(fl), keep=True))
        for mean, std in [(CLIP_MEAN, CLIP_STD), (IMAGENET_MEAN, IMAGENET_STD)]:
            t = normalize(fl, mean, std)
            W.add("normalize", "%s_chain_flip" % name, fmt_mean_std(mean, std),
                  W.expect("%s_norm_%d" % (name, mean == CLIP_MEAN), tensor_bytes(t),
                           keep=mean == CLIP_MEAN))
    for name in ["px1", "half", "half2", "sat"]:
        for kind in ["brightness", "contrast", "colour"]:
            for k, fac in enumerate([0.6, 1.4, 0.73]):
                out = enhance(kind, imgs[name], fac)
                oname = "%s_%s%d" % (name, kind, k)
                W.add(kind, oname, name, repr(fac), W.expect(oname, rgb_bytes(out), keep=False))
        W.add("flip", name + "_flip", name,
              W.expect(name + "_flip", rgb_bytes(imgs[name].transpose(Image.FLIP_LEFT_RIGHT)),
                       keep=False))
    # full 0..255 range through normalisation
    ramp = Image.frombytes("RGB", (256, 1), bytes(v for i in range(256) for v in (i, 255 - i, i)))
    W.add("pixels", "ramp", 256, 1, ramp.tobytes().hex())
    for mean, std in [(CLIP_MEAN, CLIP_STD), (IMAGENET_MEAN, IMAGENET_STD)]:
        W.add("normalize", "ramp", fmt_mean_std(mean, std),
              W.expect("ramp", tensor_bytes(normalize(ramp, mean, std)), keep=False))

    # ---- complete views -----------------------------------------------------------------
    for name in ["img0", "img1", "img2", "img3", "img4", "rand", "px1", "half"]:
        im = imgs[name]
        for v in range(3):
            seed = pm_rng.derive(2025, 0, v)
            t, p, _ = ref_view(pm_rng, im, seed, 1, 16, CLIP_MEAN, CLIP_STD)
            oname = "%s_view%d" % (name, v)
            W.add("view", name, seed, 1, 16, fmt_mean_std(CLIP_MEAN, CLIP_STD),
                  W.expect(oname, tensor_bytes(t), keep=name in ("img0", "img2", "rand")))
        for v, (S2, mean, std) in enumerate([(224, CLIP_MEAN, CLIP_STD),
                                             (224, IMAGENET_MEAN, IMAGENET_STD),
                                             (33, CLIP_MEAN, CLIP_STD)]):
            seed = pm_rng.derive(2025, 1, v)
            t, p, _ = ref_view(pm_rng, im, seed, 1, S2, mean, std)
            W.add("view", name, seed, 1, S2, fmt_mean_std(mean, std),
                  W.expect("x", tensor_bytes(t), keep=False))
    # a larger image: strong downscaling, both normalisations, many crops/factors/flips
    imgs["rand2"] = rand_image(pm_rng, 401, 299, 4)
    W.add("rand", "rand2", 401, 299, 4)
    flips = 0
    for v in range(16):
        seed = pm_rng.derive(7, 2, v)
        mean, std = (CLIP_MEAN, CLIP_STD) if v % 2 == 0 else (IMAGENET_MEAN, IMAGENET_STD)
        t, p, _ = ref_view(pm_rng, imgs["rand2"], seed, 1, 224, mean, std)
        flips += p["flip"]
        W.add("view", "rand2", seed, 1, 224, fmt_mean_std(mean, std),
              W.expect("x", tensor_bytes(t), keep=False))
    assert 0 < flips < 16
    # many views of one image, to cover many crops, factors and flips
    for v in range(40):
        seed = pm_rng.derive(99, 3, v)
        t, p, _ = ref_view(pm_rng, imgs["img2"], seed, 1, 48, CLIP_MEAN, CLIP_STD)
        W.add("view", "img2", seed, 1, 48, fmt_mean_std(CLIP_MEAN, CLIP_STD),
              W.expect("x", tensor_bytes(t), keep=False))

    with open(os.path.join(args.out, "manifest.txt"), "w") as f:
        f.write("\n".join(W.lines) + "\n")
    total = sum(os.path.getsize(os.path.join(args.out, fn)) for fn in os.listdir(args.out))
    print("%d records, %d files, %d bytes in %s" % (len(W.lines) - 1, W.files + 1, total,
                                                   args.out))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
