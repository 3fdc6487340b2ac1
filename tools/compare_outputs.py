#!/usr/bin/env python3
"""Compare the outputs of two targets written by .ci/platforms (standard library only).

    python3 tools/compare_outputs.py DIR REF OTHER TOL [TUNE_TOL]

DIR holds emb-<target>-<model>.npy (float32 embeddings from `promptmargin embed`) and
tune-<target>.jsonl (`promptmargin tune --json`: one loss line per step). For every model of
REF, the embeddings of OTHER must agree to TOL relative (max |a - b| / max |b|), and each loss
term of every step to TUNE_TOL (default TOL; relative to max(|b|, 1e-3)): training amplifies
last-bit differences (a libm's expf, for one) from step to step. Prints the worst errors; exits 1 on
a mismatch or a missing file.
"""
import glob
import json
import os
import struct
import sys


def read_npy(path):
    """float32 little-endian C-order array -> (shape, list of floats)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError("%s: not a .npy file" % path)
    hlen = struct.unpack_from("<H", data, 8)[0]
    header = data[10:10 + hlen].decode("latin1")
    if "'<f4'" not in header or "'fortran_order': False" not in header:
        raise ValueError("%s: expected little-endian float32, C order: %s" % (path, header))
    shape = tuple(int(x) for x in header.split("'shape': (")[1].split(")")[0].split(",") if x.strip())
    body = data[10 + hlen:]
    return shape, list(struct.unpack("<%df" % (len(body) // 4), body))


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__.strip().split("\n\n")[1])
    d, ref, other, tol = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    tune_tol = float(sys.argv[5]) if len(sys.argv) == 6 else tol
    ok, worst = True, 0.0
    refs = sorted(glob.glob(os.path.join(d, "emb-%s-*.npy" % ref)))
    if not refs:
        print("no embeddings of %s in %s" % (ref, d))
        return 1
    for rpath in refs:
        model = os.path.basename(rpath)[len("emb-%s-" % ref):-4]
        opath = os.path.join(d, "emb-%s-%s.npy" % (other, model))
        if not os.path.exists(opath):
            print("%s: missing %s" % (other, opath))
            ok = False
            continue
        (rs, a), (os_, b) = read_npy(rpath), read_npy(opath)
        if rs != os_:
            print("%s %s: shape %s, want %s" % (other, model, os_, rs))
            ok = False
            continue
        err = max(abs(x - y) for x, y in zip(a, b)) / max(max(abs(x) for x in a), 1e-30)
        worst = max(worst, err)
        print("  %-8s %-24s embeddings rel. error %.2e" % (other, model, err))
        ok &= err <= tol
    steps = []
    for name in (ref, other):
        with open(os.path.join(d, "tune-%s.jsonl" % name)) as f:
            steps.append([json.loads(line) for line in f if line.startswith("{")])
    if len(steps[0]) == 0 or len(steps[0]) != len(steps[1]):
        print("%s: %d tuning steps, %s: %d" % (ref, len(steps[0]), other, len(steps[1])))
        return 1
    err = 0.0
    for r, o in zip(*steps):
        for k in ("ce", "r_t", "r_v", "loss"):
            err = max(err, abs(r[k] - o[k]) / max(abs(r[k]), 1e-3))
    print("  %-8s %d tuning steps: loss terms rel. error %.2e" % (other, len(steps[0]), err))
    ok &= err <= tune_tol
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
