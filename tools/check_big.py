#!/usr/bin/env python3
"""Compare promptmargin with PyTorch on a large random model, in every checkpoint format.

    /usr/bin/python3 tools/make_fixtures.py --big vit-b-32 --out DIR --bpe bpe_simple_vocab_16e6.txt.gz
    python3 tools/check_big.py DIR [--cli ./promptmargin] [--dtypes f32,f16,bf16]

make_fixtures.py (needs PyTorch) writes a random ViT-B/32- or B/16-shaped CLIP as an OpenAI
TorchScript archive, a state dict, an open_clip checkpoint, safetensors and a Hugging Face folder,
with PyTorch's float64 outputs. This script (standard library only) converts each checkpoint with
tools/convert.py, runs `promptmargin embed` and `promptmargin zeroshot` on the same images and
captions, and prints the largest absolute differences. Exit status 1 when an f32 conversion
differs by more than 1e-4.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_npy(path):
    """A float32 .npy file as (shape, list of floats)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise SystemExit("check_big: %s is not a .npy file" % path)
    hlen = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + hlen].decode("latin-1")
    if "'<f4'" not in header:
        raise SystemExit("check_big: %s is not float32" % path)
    shape = tuple(int(x) for x in header.split("(")[1].split(")")[0].split(",") if x.strip())
    n = 1
    for d in shape:
        n *= d
    return shape, list(struct.unpack("<%df" % n, data[10 + hlen:10 + hlen + 4 * n]))


def max_abs(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if res.returncode != 0:
        raise SystemExit("check_big: %s failed:\n%s" % (" ".join(cmd[:3]), res.stderr))
    return res.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("dir", help="output folder of make_fixtures.py --big")
    ap.add_argument("--cli", default=os.path.join(ROOT, "promptmargin"),
                    help="promptmargin binary (default: ./promptmargin)")
    ap.add_argument("--dtypes", default="f32,f16,bf16",
                    help="storage types to try on the first checkpoint (default: f32,f16,bf16)")
    args = ap.parse_args()
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    images = [img["path"] for img in manifest["images"]]
    captions = manifest["captions"]
    (name, model), = manifest["models"].items()
    want_img = load_npy(os.path.join(args.dir, "image_embeds.npy"))[1]
    want_txt = load_npy(os.path.join(args.dir, "text_embeds.npy"))[1]
    want_probs = load_npy(os.path.join(args.dir, "probs.npy"))[1]
    tmp = tempfile.mkdtemp(prefix="pm_check_big_")
    caption_file = os.path.join(tmp, "captions.txt")
    with open(caption_file, "w", encoding="utf-8") as f:
        f.write("\n".join(captions) + "\n")
    worst_f32 = 0.0
    print("%s: %d images, %d captions" % (name, len(images), len(captions)))
    for i, ckpt in enumerate(model["checkpoints"]):
        for dtype in (args.dtypes.split(",") if i == 0 else ["f32"]):
            pmc = os.path.join(tmp, "model.pmc")
            t0 = time.time()
            run([sys.executable, os.path.join(ROOT, "tools", "convert.py"), ckpt["path"], "-o",
                 pmc, "--dtype", dtype, "--quiet"] + model.get("convert_args_big", [
                     a for a in model["convert_args"] if not a.startswith("tests/")]))
            t_conv = time.time() - t0
            out = os.path.join(tmp, "embed.npy")
            cmd = [args.cli, "embed", "--model", pmc, "--out", out]
            for p in images:
                cmd += ["--image", p]
            for c in captions:
                cmd += ["--text", c]
            t0 = time.time()
            run(cmd)
            t_embed = time.time() - t0
            got = load_npy(out)[1]
            n_img = len(want_img)
            d_img, d_txt = max_abs(got[:n_img], want_img), max_abs(got[n_img:], want_txt)
            zs = run([args.cli, "zeroshot", "--model", pmc, "--classes-file", caption_file,
                      "--template", "{}", "--top", str(len(captions)), "--json"] + images)
            d_prob = 0.0
            for row, line in enumerate(zs.strip().split("\n")):
                for entry in json.loads(line)["top"]:
                    j = captions.index(entry["class"])
                    d_prob = max(d_prob, abs(entry["prob"] - want_probs[row * len(captions) + j]))
            print("  %-12s %-4s image %.2e  text %.2e  probs %.2e   (convert %.0f s, embed %.1f s)"
                  % (ckpt["format"], dtype, d_img, d_txt, d_prob, t_conv, t_embed))
            if dtype == "f32":
                worst_f32 = max(worst_f32, d_img, d_txt, d_prob)
            os.remove(pmc)
    print("worst f32 error %.2e (bound 1e-4): %s" % (worst_f32, "ok" if worst_f32 <= 1e-4 else "FAIL"))
    sys.exit(0 if worst_f32 <= 1e-4 else 1)


if __name__ == "__main__":
    main()
