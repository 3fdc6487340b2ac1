#!/usr/bin/env python3
"""Convert the committed test checkpoints into .pmc model files for the C tests.

Standard library only (the checkpoints and expected outputs under tests/fixtures are committed;
regenerating them needs PyTorch, see tools/make_fixtures.py). Usage:

    python3 tests/convert_fixtures.py OUTDIR

Reads tests/fixtures/manifest.json and runs tools/convert.py on every checkpoint (f32), plus
f16 and bf16 conversions of one checkpoint per model. Writes OUTDIR/models.txt with one line
per model file:  <pmc path> <model> <format> <dtype> <expected-outputs dir>
and OUTDIR/images.txt with the test images in the order of the expected outputs.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def convert(src, dst, args, dtype):
    cmd = [sys.executable, os.path.join(ROOT, "tools", "convert.py"), src, "-o", dst,
           "--dtype", dtype, "--quiet"] + args
    res = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if res.returncode != 0:
        sys.exit("convert_fixtures: converting %s failed:\n%s" % (src, res.stderr))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(ROOT, "tests", "fixtures", "manifest.json")) as f:
        manifest = json.load(f)
    lines = []
    for name, model in sorted(manifest["models"].items()):
        expected = os.path.dirname(model["expected"]["image_embeds"])
        for i, ckpt in enumerate(model["checkpoints"]):
            dtypes = ["f32", "f16", "bf16"] if i == 0 else ["f32"]
            for dtype in dtypes:
                dst = os.path.join(out, "%s_%s_%s.pmc" % (name, ckpt["format"], dtype))
                convert(ckpt["path"], dst, model["convert_args"], dtype)
                lines.append("%s %s %s %s %s" % (dst, name, ckpt["format"], dtype, expected))
    with open(os.path.join(out, "models.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "images.txt"), "w") as f:
        f.write("\n".join(img["path"] for img in manifest["images"]) + "\n")
    print("convert_fixtures: %d model files in %s" % (len(lines), out))


if __name__ == "__main__":
    main()
