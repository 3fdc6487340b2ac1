#!/usr/bin/env python3
"""Compare promptmargin's image decoders with PIL on your own files.

    /usr/bin/python3 tools/check_images.py [--cli ./promptmargin] IMAGE... | --list FILE

For each image, decodes it with `promptmargin decode` and with PIL
(`Image.open(f).convert("RGB")`, with `ImageOps.exif_transpose` first for JPEG: what the
library reproduces) and
prints the per-channel mean and maximum absolute difference. Needs PIL (Debian python3-pil).
PNG, BMP and PNM should be identical; JPEG within mean 0.5 / max 8 (usually identical).
Exit status 1 when any image differs beyond that.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_ppm(path):
    """(w, h, RGB bytes) of the binary PPM that `promptmargin decode` writes."""
    with open(path, "rb") as f:
        data = f.read()
    end = 0
    fields = []
    while len(fields) < 4:  # "P6", width, height, maxval; one whitespace byte follows
        while data[end:end + 1].isspace():
            end += 1
        start = end
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[start:end])
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[end + 1:end + 1 + w * h * 3]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("images", nargs="*")
    ap.add_argument("--list", help="a file with one image path per line")
    ap.add_argument("--cli", default=os.path.join(ROOT, "promptmargin"),
                    help="promptmargin binary (default: ./promptmargin)")
    args = ap.parse_args()
    paths = list(args.images)
    if args.list:
        paths += [l.strip() for l in open(args.list) if l.strip()]
    bad = same = 0
    tmp = os.path.join(tempfile.mkdtemp(), "out.ppm")
    for p in paths:
        try:
            img = Image.open(p)
            if img.format == "JPEG":
                img = ImageOps.exif_transpose(img)
            ref = img.convert("RGB")
        except Exception as e:  # PIL cannot read it either
            print("%s: PIL cannot read it (%s)" % (p, e))
            continue
        res = subprocess.run([args.cli, "decode", p, "--out", tmp], stderr=subprocess.PIPE,
                             universal_newlines=True)
        if res.returncode != 0:
            print("%s: promptmargin refuses it: %s" % (p, res.stderr.strip()))
            bad += 1
            continue
        w, h, ours = read_ppm(tmp)
        if (w, h) != ref.size:
            print("%s: size %dx%d, PIL %dx%d" % (p, w, h, ref.size[0], ref.size[1]))
            bad += 1
            continue
        theirs = ref.tobytes()
        stats = []
        for c in range(3):
            diffs = [abs(a - b) for a, b in zip(ours[c::3], theirs[c::3])]
            stats.append((sum(diffs) / max(1, len(diffs)), max(diffs) if diffs else 0))
        if all(m == 0 for _, m in stats):
            same += 1
            continue
        worst_mean, worst_max = max(s[0] for s in stats), max(s[1] for s in stats)
        jpeg = p.lower().endswith((".jpg", ".jpeg", ".jpe"))
        ok = jpeg and worst_mean <= 0.5 and worst_max <= 8
        bad += not ok
        print("%s: mean %s max %s%s" % (p, " ".join("%.3f" % s[0] for s in stats),
                                        " ".join(str(s[1]) for s in stats), "" if ok else "  FAIL"))
    print("%d identical, %d differing beyond the bounds, %d compared" % (same, bad, len(paths)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
