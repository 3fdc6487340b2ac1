#!/usr/bin/env python3
"""Pretraining fixtures: three AdamW steps of contrastive CLIP training on the tinyA test model,
computed in float64 with PyTorch (tools/clip_ref.py's CLIP, torch.optim.AdamW).

Writes tests/fixtures/pretrain/:
    pixels.npy   [B, 3, 32, 32] float32   the batch's images (random, already normalised)
    ids.npy      [B, 16] int32            its texts: <|startoftext|>, 2..10 random tokens,
                                          <|endoftext|>, zero padding
    names.txt                             the model's tensors, in the order of the flat arrays
    grads1.npy   float32                  every gradient of step 1, flattened in that order
    params3.npy  float32                  every weight after step 3, flattened the same way
    steps.npy    [3, 4] float64           per step: loss, image->text and text->image
                                          in-batch accuracy, exp(logit_scale) after the step
The settings (lr, betas, eps, weight decay) are in settings.txt. Run with /usr/bin/python3
(Debian's python3-torch); the tests only read the files.
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_ref  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "pretrain")
BATCH, STEPS = 6, 3
LR, BETAS, EPS, WD = 1e-3, (0.9, 0.98), 1e-6, 0.2


def main():
    with open(os.path.join(REPO, "tests", "fixtures", "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    cfg = clip_ref.ClipConfig(**manifest["models"]["tinyA"]["config"])
    sd = torch.load(os.path.join(REPO, "tests", "fixtures", "tinyA", "state_dict.pt"))
    model = clip_ref.CLIP(cfg)
    model.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True)
    model = model.double()

    gen = torch.Generator().manual_seed(20261127)
    pixels = torch.randn(BATCH, 3, cfg.image_size, cfg.image_size, generator=gen).float()
    sot, eot = manifest["bpe"]["sot_id"], manifest["bpe"]["eot_id"]
    ids = torch.zeros(BATCH, cfg.context_length, dtype=torch.int64)
    for i in range(BATCH):
        n = int(torch.randint(2, 11, (1,), generator=gen))
        ids[i, 0] = sot
        ids[i, 1:n + 1] = torch.randint(1, sot, (n,), generator=gen)
        ids[i, n + 1] = eot

    named = dict(model.named_parameters())
    names = [n for n in named if n != "logit_scale"]
    decay = [named[n] for n in names if named[n].ndim >= 2]
    no_decay = [named[n] for n in names if named[n].ndim < 2] + [named["logit_scale"]]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=BETAS, eps=EPS)
    labels = torch.arange(BATCH)
    steps, grads1 = [], None
    for step in range(STEPS):
        opt.zero_grad()
        logits = model(pixels.double(), ids)
        loss = 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))
        loss.backward()
        acc_i2t = float((logits.argmax(1) == labels).double().mean())
        acc_t2i = float((logits.t().argmax(1) == labels).double().mean())
        if step == 0:
            grads1 = torch.cat([named[n].grad.reshape(-1) for n in names] +
                               [named["logit_scale"].grad.reshape(-1)])
        opt.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100.0))
        steps.append([float(loss), acc_i2t, acc_t2i, float(model.logit_scale.exp())])
        print("step %d: loss %.8f  acc %.2f %.2f  scale %.6f" % (step + 1, *steps[-1]))
    params3 = torch.cat([named[n].detach().reshape(-1) for n in names] +
                        [named["logit_scale"].detach().reshape(-1)])

    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "pixels.npy"), pixels.numpy().astype("<f4"))
    np.save(os.path.join(OUT, "ids.npy"), ids.numpy().astype("<i4"))
    np.save(os.path.join(OUT, "grads1.npy"), grads1.numpy().astype("<f4"))
    np.save(os.path.join(OUT, "params3.npy"), params3.numpy().astype("<f4"))
    np.save(os.path.join(OUT, "steps.npy"), np.array(steps, dtype="<f8"))
    with open(os.path.join(OUT, "names.txt"), "w", encoding="ascii") as f:
        for n in names + ["logit_scale"]:
            f.write("%s %d\n" % (n, named[n].numel()))
    with open(os.path.join(OUT, "settings.txt"), "w", encoding="ascii") as f:
        f.write("model tinyA\nbatch %d\nsteps %d\nlr %g\nbeta1 %g\nbeta2 %g\neps %g\n"
                "weight_decay %g\n" % (BATCH, STEPS, LR, BETAS[0], BETAS[1], EPS, WD))


if __name__ == "__main__":
    main()
