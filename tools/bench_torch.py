#!/usr/bin/env python3
"""The workloads of `promptmargin bench`, run in PyTorch, for a side-by-side comparison.

    /usr/bin/python3 tools/bench_torch.py --model weights/ViT-B-16.pmc [--threads N] [--json]

Reads only the hyper-parameters of the .pmc file (weights are random: the time does not depend
on them) and times, as `promptmargin bench` does: the four matrix products of a ViT-B/16 batch
of 25 (torch.matmul, i.e. the BLAS torch was built with), the image forward at batch 1 and N,
the text forward of N class prompts, and one PromptMargin training step (deep prompts, forward
+ backward + SGD update) of the float32 port in tools/promptmargin_ref.py. Prints seconds,
GFLOP/s (the same operation counts as the C benchmark) and the process's peak resident memory.
Optional dependency: PyTorch (Debian: apt install python3-torch).
"""
import argparse
import json
import os
import resource
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_ref  # noqa: E402
import promptmargin_ref as pmr  # noqa: E402

SHAPES = [  # name, transpose A, transpose B, M, N, K (as in examples/promptmargin.c)
    ("gemm X.W^T  4925x2304x768 (qkv)", False, True, 4925, 2304, 768),
    ("gemm X.W^T  4925x3072x768 (mlp up)", False, True, 4925, 3072, 768),
    ("gemm dY.W   4925x768x3072 (mlp down, dX)", False, False, 4925, 768, 3072),
    ("gemm dY^T.X 768x2304x4925 (dW)", True, False, 768, 2304, 4925),
]


def pmc_config(path):
    """clip_ref.ClipConfig from the 256-byte header of a .pmc file (README: the model file)."""
    with open(path, "rb") as f:
        h = f.read(256)
    if len(h) < 256 or h[:8] != b"PMCLIP\0\0":
        raise SystemExit("%s: not a .pmc model file" % path)
    act, = struct.unpack_from("<I", h, 20)
    v = struct.unpack_from("<6I", h, 24)
    t = struct.unpack_from("<6I", h, 48)
    embed, = struct.unpack_from("<I", h, 72)
    return clip_ref.ClipConfig(image_size=v[0], patch_size=v[1], vision_width=v[2],
                               vision_layers=v[3], vision_heads=v[4], vision_mlp=v[5],
                               context_length=t[0], vocab_size=t[1], text_width=t[2],
                               text_layers=t[3], text_heads=t[4], text_mlp=t[5],
                               embed_dim=embed, act="gelu" if act == 1 else "quick_gelu")


def tower_flops(T, W, H, L, backward=False):
    """2 x multiply-adds of a tower's forward (or input-gradient backward), as the C bench."""
    lin = 2.0 * T * W * (3.0 * W + W + 2.0 * H)
    att = 2.0 * 2.0 * T * T * W
    return L * (lin + 2.0 * att if backward else lin + att)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn, min_seconds):
    fn()  # warm-up
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        el = time.perf_counter() - t0
        if el >= min_seconds:
            return el / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help=".pmc file whose hyper-parameters to use (without it: "
                                    "the matrix products only)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--classes", type=int, default=5)
    ap.add_argument("--views", type=int, default=75, help="views of the training step (0: none)")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--bf16", action="store_true", help="also time the image forward in bf16")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = []

    def row(name, seconds, flops):
        r = {"workload": name, "seconds": seconds, "gflop": flops / 1e9,
             "gflops": flops / seconds / 1e9, "peak_rss_mb": peak_rss_mb()}
        rows.append(r)
        if not args.json:
            print("%-44s %9.4f %9.1f %9.0f" % (name, seconds, r["gflops"], r["peak_rss_mb"]),
                  flush=True)

    if not args.json:
        print("torch %s, %d threads, %s\n\n%-44s %9s %9s %9s"
              % (torch.__version__, torch.get_num_threads(),
                 "BLAS_INFO=generic (reference BLAS)" if "BLAS_INFO=generic"
                 in torch.__config__.show() else "see torch.__config__.show()",
                 "workload", "seconds", "GFLOP/s", "peak MB"))
    with torch.no_grad():
        for name, ta, tb, M, N, K in SHAPES:
            a = torch.rand(K, M) if ta else torch.rand(M, K)
            b = torch.rand(N, K) if tb else torch.rand(K, N)
            A = a.t() if ta else a
            B = b.t() if tb else b
            row(name, timed(lambda: torch.matmul(A, B), args.seconds), 2.0 * M * N * K)
    if args.model:
        cfg = pmc_config(args.model)
        clip = clip_ref.CLIP(cfg).float().eval()
        for p in clip.parameters():
            torch.nn.init.normal_(p, std=0.02)
        S, G = cfg.image_size, cfg.image_size // cfg.patch_size
        T = G * G + 1
        img1 = 2.0 * G * G * 3 * cfg.patch_size ** 2 * cfg.vision_width + \
            tower_flops(T, cfg.vision_width, cfg.vision_mlp, cfg.vision_layers)
        # useful work: the C library runs the text tower up to the end of the longest prompt
        # (10 tokens here), PyTorch over the whole context
        txt1 = tower_flops(10, cfg.text_width, cfg.text_mlp, cfg.text_layers)
        ids = torch.zeros(args.classes, cfg.context_length, dtype=torch.long)
        ids[:, 0] = cfg.vocab_size - 2
        ids[:, 1:9] = torch.arange(1, 9)
        ids[:, 9] = cfg.vocab_size - 1
        with torch.no_grad():
            for nb in (1, args.batch):
                px = torch.rand(nb, 3, S, S) * 2 - 1
                row("image forward, batch %d" % nb,
                    timed(lambda: clip.encode_image(px), args.seconds), img1 * nb)
            if args.bf16:
                cb = clip_ref.CLIP(cfg).bfloat16().eval()
                pxb = (torch.rand(args.batch, 3, S, S) * 2 - 1).bfloat16()
                row("image forward, batch %d, bf16" % args.batch,
                    timed(lambda: cb.encode_image(pxb), args.seconds), img1 * args.batch)
                del cb
            row("text forward, %d class prompts" % args.classes,
                timed(lambda: clip.encode_text(ids), args.seconds), txt1 * args.classes)
        if args.views > 0:
            depth = min(9, cfg.vision_layers, cfg.text_layers)
            pcfg = pmr.PromptConfig.for_method("promptmargin", 2, depth)
            values = pmr.init_prompts(clip, ids, 2, depth, 1)
            model = pmr.build(clip, pcfg, ids, values).float()
            pixels = torch.rand(args.views, 3, S, S) * 2 - 1
            labels = torch.arange(args.views) % args.classes
            stamps = {}
            pmr.train(model, pixels, labels, 3, None,
                      on_step=lambda t, terms: stamps.__setitem__(t, time.perf_counter()))
            Tv = T + 2
            step_flops = args.views * (tower_flops(Tv, cfg.vision_width, cfg.vision_mlp,
                                                   cfg.vision_layers) +
                                       tower_flops(Tv, cfg.vision_width, cfg.vision_mlp,
                                                   cfg.vision_layers, True)) + \
                args.classes * (tower_flops(10, cfg.text_width, cfg.text_mlp, cfg.text_layers) +
                                tower_flops(10, cfg.text_width, cfg.text_mlp, cfg.text_layers, True))
            row("PromptMargin step, %d views, depth %d" % (args.views, depth),
                (stamps[3] - stamps[1]) / 2.0, step_flops)
    if args.json:
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                          "results": rows}))


if __name__ == "__main__":
    main()
