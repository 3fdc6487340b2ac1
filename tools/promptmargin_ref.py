#!/usr/bin/env python3
"""PyTorch reference of PromptMargin prompt tuning (docs: method.md sections 3, 5 and 6).

This is the numerical ground truth the C implementation of prompt tuning is tested against.
It builds on the independent CLIP of tools/clip_ref.py (OpenAI state-dict names; every layer
computes in the dtype of its input, so ``.double()`` gives a float64 reference) and keeps CLIP
frozen: only the prompt tensors below are trained.

Requires Debian's python3-torch (torch 1.13): run with /usr/bin/python3.
``/usr/bin/python3 tools/promptmargin_ref.py`` runs a self-test on the committed tiny model
(EOT truncation, consistency with clip_ref, chunked backward, finite differences).

Trainable tensors (canonical order; safetensors names; shapes)
--------------------------------------------------------------
With d_t the text width, d_v the vision width, n = n_ctx and k = 0 .. depth-2:

    ctx                   [n, d_t]      text context vectors (layer 0)
    proj.weight           [d_v, d_t]    vision prompts of layer 0:  proj(ctx) = ctx @ W^T + b
    proj.bias             [d_v]
    deep_text.{k}         [n, d_t]      text prompts entering block k+1
    deep_proj.{k}.weight  [d_v, d_t]    vision prompts entering block k+1:
    deep_proj.{k}.bias    [d_v]             deep_proj[k](deep_text[k])

All deep_text.* come before all deep_proj.*. Methods (presets of two independent switches):

    promptmargin  vision prompts on,  margin regulariser on   (all tensors above)
    maple         vision prompts on,  margin regulariser off  (all tensors above)
    coop          vision prompts off, margin regulariser off, depth 1: ``ctx`` only; the vision
                  tower is plain CLIP (no extra tokens), the text tower gets ctx at layer 0 only

(vision prompts off with the margin on is also accepted by this reference; vision prompts off
requires depth 1.)

Text prompts
------------
Class names have "_" replaced by " ". For n_ctx <= 4 the text of class c is
``"a photo of a " + name_c + "."`` and ctx is initialised with the token embeddings of its
tokens at positions 1..n_ctx (the first n_ctx tokens of "a photo of a": "a", "photo", "of",
"a"). For n_ctx > 4 (the MaPLe convention when the initial words are too few) the text is
``"X X ... X " + name_c + "."`` with n_ctx X's and ctx ~ N(0, 0.02^2) from the generator.
In both cases the embeddings at positions 1..n_ctx are REPLACED by ctx (the tokens there only
fix the length and the position of the class name).

Forward (per method.md section 3)
---------------------------------
Text, for every class prompt ids [N, L] (SOT at 0, EOT = largest id):
    x = token_embedding[ids];  x[:, 1:1+n] = ctx;  x = x + positional_embedding
    (so ctx DOES get the text positional embedding, being a layer-0 input embedding)
    for block j = 0 .. text_layers-1:
        if 1 <= j <= depth-1:  x[:, 1:1+n] = deep_text[j-1]      (replace, no positions added)
        x = block_j(x)                                            (causal mask)
    text feature = ln_final(x)[row argmax(ids)] @ text_projection
Only the first max_c(argmax ids_c) + 1 positions are run: the causal mask makes later rows
irrelevant to every EOT row (checked by the self-test against the full context length).

Vision, for pixels [B, 3, S, S]:
    x = [class_embedding, conv1 patches (row-major)] + positional_embedding   [B, G*G+1, d_v]
    x = concat(x, proj(ctx))             (n tokens at the END, NO positional embedding)
    x = ln_pre(x)                                                             [B, G*G+1+n, d_v]
    for block j = 0 .. vision_layers-1:
        if 1 <= j <= depth-1:  x[:, -n:] = deep_proj[j-1](deep_text[j-1])    (replace)
        x = block_j(x)
    image feature = ln_post(x[:, 0]) @ visual.proj
Blocks j >= depth carry the prompt tokens unchanged. coop: no tokens are appended at all.

Loss (method.md section 5)
--------------------------
t_c = normalised text features [N, D], v_i = normalised image features [B, D], labels y_i,
s = exp(logit_scale) (a frozen weight of the checkpoint):
    logits = s * v @ t^T                                          [B, N]
    CE  = (1/B) sum_i -log softmax(logits_i)[y_i]
    pairs (i, j), i < j, P = N(N-1)/2 of them
    D_ij = |t_i - t_j|^2,  mu_t = (1/P) sum D_ij,  R_T = (1/P) sum (D_ij - mu_t)^2
    p_c  = (1/|{i: y_i = c}|) sum_{i: y_i = c} v_i       (class prototype, NOT re-normalised)
    E_ij = |p_i - p_j|^2,  target = mu_t ("text", default) or mu_v = (1/P) sum E_ij ("self")
    R_V  = (1/P) sum (E_ij - target)^2        (gradients flow through mu_t / mu_v)
    L    = CE + lambda_T R_T + lambda_V R_V   (margin on; lambda_T = lambda_V = 1)
    L    = CE                                  (margin off: maple, coop)
R_T and R_V are always computed and reported, also when they are not part of L.

Optimisation (method.md section 6)
----------------------------------
torch.optim.SGD(lr=0.01, momentum=0.9), no dampening, no weight decay, no Nesterov, full batch:
    step 1:   buf = g;              p = p - lr * buf
    step t>1: buf = 0.9 * buf + g;  p = p - lr * buf
The loss recorded for step t is the one whose gradient is used in update t (evaluated BEFORE
update t).

Random initialisation (init_prompts)
------------------------------------
One torch.Generator seeded with ``seed``; all draws are float64 (then rounded to float32, the
precision of the parameter files), in exactly this order:
    1. only if n_ctx > 4: ctx = 0.02 * randn(n_ctx, d_t)
    2. proj.weight = (2 * rand(d_v, d_t) - 1) / sqrt(d_t)
    3. proj.bias   = (2 * rand(d_v) - 1) / sqrt(d_t)
    4. for k = 0 .. depth-2: deep_text.{k} = 0.02 * randn(n_ctx, d_t)
    5. W = (2 * rand(d_v, d_t) - 1) / sqrt(d_t); b = (2 * rand(d_v) - 1) / sqrt(d_t);
       deep_proj.{k}.weight = W, deep_proj.{k}.bias = b for every k (one Linear, copied)
(the default nn.Linear init is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias). The
full set is always drawn, so a method that uses fewer tensors starts from the same values.
The C side does not reproduce torch's generator: it loads the initial prompts from a file.

Parameter files (save_prompts / load_prompts)
---------------------------------------------
safetensors, written by hand: u64 little-endian header length H, H bytes of JSON (padded with
spaces to a multiple of 8), then the raw little-endian data. Tensors are F32, in the canonical
order above, contiguous from data offset 0. ``__metadata__`` holds strings: n_ctx, depth,
method, classnames (a JSON list as a string), model_sha256 (hex sha256 of the .pmc model file
the prompts belong to, "" when unknown), plus optional extra keys that readers ignore
(content, margin_target, seed, steps).

Model loading: use load_clip(state_dict, ClipConfig) with an explicit config (for example
from tests/fixtures/manifest.json); clip_ref.load_state_dict infers one layer per tower.
"""

import collections
import hashlib
import json
import math
import os
import struct
import sys
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS_DIR)

import clip_ref  # noqa: E402

CTX_INIT_WORDS = "a photo of a"     # text whose first n_ctx tokens initialise ctx (n_ctx <= 4)
MAX_CTX_FROM_WORDS = 4
CTX_RANDOM_STD = 0.02
DEEP_TEXT_STD = 0.02
METHODS = ("promptmargin", "maple", "coop")
MARGIN_TARGETS = ("text", "self")


# =============================================================================================
# Configuration.
# =============================================================================================

@dataclass
class PromptConfig:
    """What is trained and how: prompt shape, method switches, loss weights, optimiser."""

    n_ctx: int = 2
    depth: int = 9
    vision_prompts: bool = True
    margin: bool = True
    margin_target: str = "text"
    lambda_t: float = 1.0
    lambda_v: float = 1.0
    lr: float = 0.01
    momentum: float = 0.9

    @classmethod
    def for_method(cls, method, n_ctx=2, depth=9, margin_target="text", **kw):
        """Preset of a named method (promptmargin / maple / coop); coop forces depth 1."""
        if method not in METHODS:
            raise ValueError("method must be one of %s" % (METHODS,))
        if method == "coop":
            return cls(n_ctx=n_ctx, depth=1, vision_prompts=False, margin=False,
                       margin_target=margin_target, **kw)
        return cls(n_ctx=n_ctx, depth=depth, vision_prompts=True,
                   margin=(method == "promptmargin"), margin_target=margin_target, **kw)

    @property
    def method(self):
        """Name written to parameter files: promptmargin, maple, coop (or coop+margin)."""
        if not self.vision_prompts:
            return "coop+margin" if self.margin else "coop"
        return "promptmargin" if self.margin else "maple"

    def validate(self, clip_cfg):
        """Raise ValueError when the switches do not fit each other or the model."""
        if self.n_ctx < 1:
            raise ValueError("n_ctx must be >= 1")
        if self.margin_target not in MARGIN_TARGETS:
            raise ValueError("margin_target must be one of %s" % (MARGIN_TARGETS,))
        if not self.vision_prompts and self.depth != 1:
            raise ValueError("vision prompts off (coop) requires depth 1")
        if not 1 <= self.depth <= min(clip_cfg.text_layers, clip_cfg.vision_layers):
            raise ValueError("depth must be in 1 .. min(text_layers, vision_layers)")

    def to_dict(self):
        d = asdict(self)
        d["method"] = self.method
        return d


def tensor_names(n_ctx, depth, vision_prompts=True):
    """Names of the trainable tensors in canonical order (see the module docstring)."""
    del n_ctx  # the names do not depend on it
    names = ["ctx"]
    if vision_prompts:
        names += ["proj.weight", "proj.bias"]
        names += ["deep_text.%d" % k for k in range(depth - 1)]
        for k in range(depth - 1):
            names += ["deep_proj.%d.weight" % k, "deep_proj.%d.bias" % k]
    return names


# =============================================================================================
# Text prompts and initialisation.
# =============================================================================================

def prompt_prefix(n_ctx):
    """Words occupying positions 1..n_ctx: 'a photo of a' (n_ctx <= 4) or n_ctx 'X's."""
    return CTX_INIT_WORDS if n_ctx <= MAX_CTX_FROM_WORDS else " ".join(["X"] * n_ctx)


def prompt_texts(classnames, n_ctx):
    """The text of each class prompt, e.g. 'a photo of a annual crop land.'."""
    return ["%s %s." % (prompt_prefix(n_ctx), name.replace("_", " ")) for name in classnames]


def tokenize_prompts(tokenizer, classnames, n_ctx, context_length):
    """Token ids [N, context_length] (int64) of the class prompts, via tools/clip_tokenizer.py.

    Checks that positions 1..n_ctx hold the first n_ctx tokens of the prefix words (so ctx
    replaces exactly them) and that no prompt is truncated.
    """
    import clip_tokenizer
    texts = prompt_texts(classnames, n_ctx)
    rows = clip_tokenizer.tokenize(tokenizer, texts, context_length)
    prefix = tokenizer.encode(prompt_prefix(n_ctx))
    if len(prefix) < n_ctx or (n_ctx > MAX_CTX_FROM_WORDS and len(prefix) != n_ctx):
        raise ValueError("the prefix %r gives %d tokens, n_ctx is %d"
                         % (prompt_prefix(n_ctx), len(prefix), n_ctx))
    for text, row in zip(texts, rows):
        if row[1:1 + n_ctx] != prefix[:n_ctx]:
            raise ValueError("prompt %r does not start with the prefix tokens" % text)
        if len(tokenizer.encode(text)) + 2 > context_length:
            raise ValueError("prompt %r is longer than the context (%d)" % (text, context_length))
    return torch.tensor(rows, dtype=torch.long)


def init_prompts(clip, ids, n_ctx, depth, seed):
    """Initial values of the full tensor set (float32, canonical order; see module docstring).

    clip: clip_ref.CLIP (its token embedding gives ctx when n_ctx <= 4);
    ids: [N, L] class prompt ids from tokenize_prompts (row 0 positions 1..n_ctx are used).
    """
    cfg = clip.cfg
    d_t, d_v = cfg.text_width, cfg.vision_width
    gen = torch.Generator().manual_seed(seed)
    bound = 1.0 / math.sqrt(d_t)

    def uniform(*shape):
        return (2.0 * torch.rand(shape, generator=gen, dtype=torch.float64) - 1.0) * bound

    def normal(std, *shape):
        return std * torch.randn(shape, generator=gen, dtype=torch.float64)

    out = collections.OrderedDict()
    if n_ctx <= MAX_CTX_FROM_WORDS:
        out["ctx"] = clip.token_embedding.weight.detach()[ids[0, 1:1 + n_ctx]].double()  # [n, d_t]
    else:
        out["ctx"] = normal(CTX_RANDOM_STD, n_ctx, d_t)
    out["proj.weight"] = uniform(d_v, d_t)
    out["proj.bias"] = uniform(d_v)
    for k in range(depth - 1):
        out["deep_text.%d" % k] = normal(DEEP_TEXT_STD, n_ctx, d_t)
    weight, bias = uniform(d_v, d_t), uniform(d_v)
    for k in range(depth - 1):
        out["deep_proj.%d.weight" % k] = weight.clone()
        out["deep_proj.%d.bias" % k] = bias.clone()
    return collections.OrderedDict((k, v.float().contiguous()) for k, v in out.items())


# =============================================================================================
# Model: frozen CLIP + prompt learner.
# =============================================================================================

class PromptLearner(nn.Module):
    """The trainable tensors: ctx, proj, deep_text[k], deep_proj[k] (k = 0..depth-2)."""

    def __init__(self, text_width, vision_width, cfg):
        super().__init__()
        n = cfg.n_ctx
        self.ctx = nn.Parameter(torch.zeros(n, text_width))                   # [n, d_t]
        self.vision_prompts = cfg.vision_prompts
        if cfg.vision_prompts:
            self.proj = clip_ref.Linear(text_width, vision_width)             # d_t -> d_v
            self.deep_text = nn.ParameterList(
                [nn.Parameter(torch.zeros(n, text_width)) for _ in range(cfg.depth - 1)])
            self.deep_proj = nn.ModuleList(
                [clip_ref.Linear(text_width, vision_width) for _ in range(cfg.depth - 1)])

    def tensors(self):
        """OrderedDict name -> Parameter, in canonical order."""
        out = collections.OrderedDict([("ctx", self.ctx)])
        if self.vision_prompts:
            out["proj.weight"] = self.proj.weight
            out["proj.bias"] = self.proj.bias
            for k, p in enumerate(self.deep_text):
                out["deep_text.%d" % k] = p
            for k, lin in enumerate(self.deep_proj):
                out["deep_proj.%d.weight" % k] = lin.weight
                out["deep_proj.%d.bias" % k] = lin.bias
        return out

    @torch.no_grad()
    def load(self, values):
        """Copy values (a dict holding at least this learner's names) into the parameters."""
        for name, p in self.tensors().items():
            if tuple(values[name].shape) != tuple(p.shape):
                raise ValueError("%s: shape %s, expected %s"
                                 % (name, tuple(values[name].shape), tuple(p.shape)))
            p.copy_(values[name].to(p.dtype))


def _replace_rows(x, start, stop, rows):
    """x [B, L, W] with x[:, start:stop] replaced by rows [stop - start, W] (broadcast over B)."""
    b = x.shape[0]
    rows = rows.to(x.dtype).unsqueeze(0).expand(b, rows.shape[0], rows.shape[1])
    return torch.cat([x[:, :start], rows, x[:, stop:]], dim=1)


class PromptedCLIP(nn.Module):
    """Frozen clip_ref.CLIP with MaPLe-style coupled prompts; the class prompts are fixed ids."""

    def __init__(self, clip, cfg, ids):
        super().__init__()
        cfg.validate(clip.cfg)
        self.cfg = cfg
        self.clip = clip
        for p in self.clip.parameters():
            p.requires_grad_(False)
        self.prompts = PromptLearner(clip.cfg.text_width, clip.cfg.vision_width, cfg)
        self.register_buffer("ids", ids.clone())

    # ---- text ---------------------------------------------------------------------------
    def encode_text(self, truncate=True):
        """Unnormalised text features [N, D] of the class prompts.

        With truncate (the default) only positions 0..max(EOT) are run (exact: causal mask).
        """
        clip, cfg, ids = self.clip, self.cfg, self.ids
        n = cfg.n_ctx
        dtype = clip.ln_final.weight.dtype
        eot = ids.argmax(dim=-1)                                      # [N] EOT positions
        length = int(eot.max()) + 1 if truncate else ids.shape[1]
        x = clip.token_embedding(ids[:, :length], dtype)              # [N, L, d_t]
        x = _replace_rows(x, 1, 1 + n, self.prompts.ctx)              # ctx at positions 1..n
        x = x + clip.positional_embedding[:length].to(dtype)
        for j, block in enumerate(clip.transformer.resblocks):
            if 1 <= j < cfg.depth:
                x = _replace_rows(x, 1, 1 + n, self.prompts.deep_text[j - 1])
            x = block(x)                                              # causal
        x = clip.ln_final(x)
        pooled = x[torch.arange(x.shape[0]), eot]                     # [N, d_t]
        return pooled @ clip.text_projection.to(dtype)                # [N, D]

    # ---- vision -------------------------------------------------------------------------
    def vision_prompt_tokens(self, layer):
        """The n_ctx vision prompt tokens [n, d_v] entering block `layer` (0 = before ln_pre)."""
        pl = self.prompts
        if layer == 0:
            return pl.proj(pl.ctx)
        return pl.deep_proj[layer - 1](pl.deep_text[layer - 1])

    def encode_image(self, pixels):
        """Unnormalised image features [B, D] of normalised pixels [B, 3, S, S]."""
        vis, cfg = self.clip.visual, self.cfg
        n = cfg.n_ctx
        dtype = vis.ln_pre.weight.dtype
        x = vis.conv1(pixels.to(dtype))                               # [B, d_v, G, G]
        x = x.flatten(2).transpose(1, 2)                              # [B, G*G, d_v]
        cls = vis.class_embedding.to(dtype).expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1)                                # [B, G*G+1, d_v]
        x = x + vis.positional_embedding.to(dtype)
        if cfg.vision_prompts:                                        # appended, no positions
            x = _replace_rows(x, x.shape[1], x.shape[1], self.vision_prompt_tokens(0))
        x = vis.ln_pre(x)                                             # [B, G*G+1+n, d_v]
        for j, block in enumerate(vis.transformer.resblocks):
            if cfg.vision_prompts and 1 <= j < cfg.depth:
                x = _replace_rows(x, x.shape[1] - n, x.shape[1], self.vision_prompt_tokens(j))
            x = block(x)
        x = vis.ln_post(x[:, 0, :])
        return x @ vis.proj.to(dtype)                                 # [B, D]

    def logit_scale(self):
        """s = exp(logit_scale), a 0-d tensor of the compute dtype."""
        return self.clip.logit_scale.exp().to(self.clip.ln_final.weight.dtype)

    def forward(self, pixels):
        """Normalised features: (image [B, D], text [N, D])."""
        img = F.normalize(self.encode_image(pixels), dim=-1)
        txt = F.normalize(self.encode_text(), dim=-1)
        return img, txt


def load_clip(state_dict, clip_cfg):
    """float32 clip_ref.CLIP with the given config and an OpenAI-named state dict (strict).

    The config is passed explicitly (e.g. from tests/fixtures/manifest.json): the layer count
    inferred by clip_ref.config_from_state_dict is not used (it counts 1 layer per tower).
    """
    model = clip_ref.CLIP(clip_cfg)
    model.load_state_dict({k: v.float() for k, v in state_dict.items()}, strict=True)
    return model.eval()


def build(clip, cfg, ids, values):
    """PromptedCLIP around clip with prompts loaded from values (a dict of tensors)."""
    model = PromptedCLIP(clip, cfg, ids)
    model.prompts.load(values)
    return model


# =============================================================================================
# Loss.
# =============================================================================================

def pairwise_sq_dists(x):
    """|x_i - x_j|^2 for all pairs i < j in row-major order (0,1), (0,2), ..., [P]."""
    i, j = torch.triu_indices(x.shape[0], x.shape[0], offset=1)
    return ((x[i] - x[j]) ** 2).sum(dim=-1)


def class_prototypes(img, labels, n_classes):
    """p_c = mean of the rows of img [B, D] with label c -> [N, D] (not re-normalised)."""
    onehot = F.one_hot(labels, n_classes).to(img.dtype)               # [B, N]
    counts = onehot.sum(dim=0)
    if bool((counts == 0).any()):
        raise ValueError("every class needs at least one training view")
    return (onehot.t() @ img) / counts[:, None]


def loss_terms(img, txt, labels, scale, cfg):
    """CE, R_T, R_V and the total L from normalised features (see the module docstring).

    img [B, D], txt [N, D] normalised; labels [B] int64; scale = exp(logit_scale).
    Returns a dict of 0-d tensors plus 'logits' [B, N].
    """
    n_classes = txt.shape[0]
    if n_classes < 2:
        raise ValueError("the margin regulariser needs at least two classes")
    logits = scale * img @ txt.t()                                    # [B, N]
    ce = F.cross_entropy(logits, labels)                              # mean over B
    d_txt = pairwise_sq_dists(txt)                                    # [P]
    mu_t = d_txt.mean()
    r_t = ((d_txt - mu_t) ** 2).mean()
    d_img = pairwise_sq_dists(class_prototypes(img, labels, n_classes))
    target = mu_t if cfg.margin_target == "text" else d_img.mean()
    r_v = ((d_img - target) ** 2).mean()
    total = ce + cfg.lambda_t * r_t + cfg.lambda_v * r_v if cfg.margin else ce
    return {"ce": ce, "r_t": r_t, "r_v": r_v, "total": total, "logits": logits}


def image_features(model, pixels, chunk=None):
    """Unnormalised image features [B, D] computed `chunk` views at a time (no graph)."""
    with torch.no_grad():
        if chunk is None:
            return model.encode_image(pixels)
        return torch.cat([model.encode_image(pixels[a:a + chunk])
                          for a in range(0, pixels.shape[0], chunk)])


def loss_and_backward(model, pixels, labels, chunk=None, fixed_img=None):
    """Evaluate the loss at the current prompts and accumulate its gradient into .grad.

    chunk=None keeps the whole autograd graph. With chunk = c the image features are first
    computed without a graph (c views at a time), dL/d(image features) is obtained from the
    small loss graph, and each chunk is then recomputed with a graph and back-propagated with
    that gradient (method.md section 7): same result, bounded memory, one extra forward.
    fixed_img: normalised image features [B, D] to use instead of running the vision tower
    (only valid without vision prompts, where they do not depend on the trainable tensors).
    Returns the loss terms (detached).
    """
    cfg = model.cfg
    if fixed_img is not None:
        if cfg.vision_prompts:
            raise ValueError("fixed image features need vision prompts off")
        txt = F.normalize(model.encode_text(), dim=-1)
        terms = loss_terms(fixed_img, txt, labels, model.logit_scale(), cfg)
        terms["total"].backward()
        return {k: v.detach() for k, v in terms.items()}
    if chunk is None:
        img, txt = model(pixels)
        terms = loss_terms(img, txt, labels, model.logit_scale(), cfg)
        terms["total"].backward()
        return {k: v.detach() for k, v in terms.items()}
    raw = image_features(model, pixels, chunk).requires_grad_(cfg.vision_prompts)
    txt = F.normalize(model.encode_text(), dim=-1)
    terms = loss_terms(F.normalize(raw, dim=-1), txt, labels, model.logit_scale(), cfg)
    terms["total"].backward()
    if cfg.vision_prompts:
        grad = raw.grad
        for a in range(0, pixels.shape[0], chunk):
            feats = model.encode_image(pixels[a:a + chunk])
            feats.backward(grad[a:a + chunk])
    return {k: v.detach() for k, v in terms.items()}


# =============================================================================================
# Training.
# =============================================================================================

def train(model, pixels, labels, steps, chunk=None, on_step=None):
    """Full-batch SGD with momentum (PyTorch semantics) for `steps` updates.

    Returns a dict: losses [steps, 4] float64 (CE, R_T, R_V, total, evaluated before each
    update), grads1 (OrderedDict name -> gradient at step 1), seconds (wall time).
    on_step(t, terms) is called after the loss of step t (1-based) is evaluated.
    """
    params = model.prompts.tensors()
    opt = torch.optim.SGD(list(params.values()), lr=model.cfg.lr, momentum=model.cfg.momentum,
                          dampening=0.0, weight_decay=0.0, nesterov=False)
    losses, grads1 = [], None
    t0 = time.time()
    fixed_img = None
    if not model.cfg.vision_prompts:     # coop: the image features never change
        fixed_img = F.normalize(image_features(model, pixels, chunk), dim=-1)
    for step in range(1, steps + 1):
        opt.zero_grad(set_to_none=True)
        terms = loss_and_backward(model, pixels, labels, chunk, fixed_img)
        losses.append([float(terms[k]) for k in ("ce", "r_t", "r_v", "total")])
        if step == 1:
            grads1 = collections.OrderedDict((k, p.grad.detach().clone())
                                             for k, p in params.items())
        if on_step:
            on_step(step, terms)
        opt.step()
    return {"losses": torch.tensor(losses, dtype=torch.float64), "grads1": grads1,
            "seconds": time.time() - t0}


def current_prompts(model):
    """OrderedDict name -> detached copy of the current trainable tensors."""
    return collections.OrderedDict((k, p.detach().clone())
                                   for k, p in model.prompts.tensors().items())


@torch.no_grad()
def evaluate(model, pixels, chunk=None):
    """Normalised features and logits at the current prompts: dict img, txt, logits."""
    img = F.normalize(image_features(model, pixels, chunk), dim=-1)
    txt = F.normalize(model.encode_text(), dim=-1)
    return {"img": img, "txt": txt, "logits": model.logit_scale() * img @ txt.t()}


# =============================================================================================
# Gradient check.
# =============================================================================================

def finite_difference_check(model, pixels, labels, per_tensor=3, eps=1e-5, seed=0):
    """Autograd gradients vs central differences (L(p + eps) - L(p - eps)) / (2 eps).

    Run on a float64 model. For each trainable tensor, `per_tensor` distinct flat coordinates
    are drawn from a generator seeded with `seed`. Returns a list of dicts (tensor, index,
    autograd, finite_diff, abs_err, rel_err) with rel_err = |fd - g| / max(|fd|, |g|).
    """
    params = model.prompts.tensors()
    for p in params.values():
        p.grad = None
    loss_and_backward(model, pixels, labels)
    gen = torch.Generator().manual_seed(seed)
    rows = []

    @torch.no_grad()
    def loss_at():
        img, txt = model(pixels)
        return float(loss_terms(img, txt, labels, model.logit_scale(), model.cfg)["total"])

    for name, p in params.items():
        flat = p.data.view(-1)
        picks = torch.randperm(flat.numel(), generator=gen)[:per_tensor].tolist()
        for idx in picks:
            orig = float(flat[idx])
            flat[idx] = orig + eps
            plus = loss_at()
            flat[idx] = orig - eps
            minus = loss_at()
            flat[idx] = orig
            fd = (plus - minus) / (2 * eps)
            g = float(p.grad.view(-1)[idx])
            err = abs(fd - g)
            rows.append({"tensor": name, "index": idx, "autograd": g, "finite_diff": fd,
                         "abs_err": err, "rel_err": err / max(abs(fd), abs(g), 1e-300)})
    for p in params.values():
        p.grad = None
    return rows


# =============================================================================================
# Parameter files (safetensors, by hand).
# =============================================================================================

def save_prompts(path, tensors, metadata):
    """Write tensors (ordered name -> tensor) as F32 safetensors with string metadata.

    metadata must contain n_ctx, depth, method, classnames (list or JSON string) and
    model_sha256; values are converted to strings. Tensors are stored in the given order.
    """
    meta = collections.OrderedDict()
    for key in ("n_ctx", "depth", "method", "classnames", "model_sha256"):
        if key not in metadata:
            raise ValueError("metadata needs %r" % key)
    for key, value in metadata.items():
        if key == "classnames" and not isinstance(value, str):
            value = json.dumps(list(value), ensure_ascii=False)
        meta[key] = str(value)
    entries = []
    for name, t in tensors.items():
        arr = t.detach().cpu().to(torch.float32).contiguous().numpy().astype("<f4")
        entries.append((name, "F32", arr.shape, arr.tobytes()))
    write_safetensors(path, entries, meta, ensure_ascii=False)


def write_safetensors(path, entries, metadata=None, ensure_ascii=True):
    """Write a .safetensors file by hand: u64 little-endian header length N, N bytes of JSON
    (padded with spaces to a multiple of 8: name -> {dtype, shape, data_offsets [begin, end)}
    relative to the data section, "__metadata__" first when given), then the raw bytes.
    entries: (name, safetensors dtype string, shape, raw little-endian bytes), in file order."""
    header = collections.OrderedDict()
    if metadata:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name, dtype, shape, raw in entries:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=ensure_ascii).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def load_prompts(path):
    """Read a file written by save_prompts: (OrderedDict name -> float32 tensor, metadata).

    Tensors come back in data-offset order. Only F32 tensors are accepted.
    """
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"),
                        object_pairs_hook=collections.OrderedDict)
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = collections.OrderedDict()
    for name, h in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if h["dtype"] != "F32":
            raise ValueError("%s: dtype %s, only F32 is supported" % (name, h["dtype"]))
        a, b = h["data_offsets"]
        count = int(np.prod(h["shape"])) if h["shape"] else 1
        if b - a != 4 * count or b > len(body):
            raise ValueError("%s: bad data_offsets" % name)
        arr = np.frombuffer(body[a:b], dtype="<f4").reshape(h["shape"]).copy()
        out[name] = torch.from_numpy(arr)
    return out, dict(meta)


def file_sha256(path):
    """Hex sha256 of a file (for the model_sha256 metadata)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def select(values, cfg):
    """The subset of values (a full tensor set) that a method with config cfg trains."""
    return collections.OrderedDict((k, values[k])
                                   for k in tensor_names(cfg.n_ctx, cfg.depth, cfg.vision_prompts))


# =============================================================================================
# Self-test.
# =============================================================================================

def self_test():
    """Checks on the committed tiny model A (float64): prints what it verifies."""
    import clip_tokenizer
    repo = os.path.dirname(TOOLS_DIR)
    with open(os.path.join(repo, "tests/fixtures/manifest.json"), encoding="utf-8") as f:
        clip_cfg = clip_ref.ClipConfig(**json.load(f)["models"]["tinyA"]["config"])
    sd = torch.load(os.path.join(repo, "tests/fixtures/tinyA/state_dict.pt"))
    clip = load_clip(sd, clip_cfg).double()
    tok = clip_tokenizer.ClipTokenizer(os.path.join(repo, "tests/fixtures/tiny_bpe.txt"))
    names = ["annual crop land", "forest", "river"]
    n_views = 6
    gen = torch.Generator().manual_seed(11)
    pixels = torch.randn(n_views, 3, 32, 32, generator=gen, dtype=torch.float64)
    labels = torch.tensor([0, 1, 2, 0, 1, 2])

    for n_ctx, depth in ((2, 2), (5, 2), (3, 1)):
        ids = tokenize_prompts(tok, names, n_ctx, clip.cfg.context_length)
        values = init_prompts(clip, ids, n_ctx, depth, seed=1)
        for method in METHODS:
            cfg = PromptConfig.for_method(method, n_ctx, depth)
            model = build(clip, cfg, ids, values).double()
            with torch.no_grad():
                short, full = model.encode_text(True), model.encode_text(False)
            diff = float((short - full).abs().max())
            assert diff < 1e-12, diff
            print("n_ctx %d depth %d %-12s EOT-truncated vs full context: max |diff| %.1e"
                  % (n_ctx, depth, method, diff))

    # coop at its initial ctx ("a photo" embeddings) is plain CLIP.
    ids = tokenize_prompts(tok, names, 2, clip.cfg.context_length)
    values = init_prompts(clip, ids, 2, 2, seed=1)
    coop = build(clip, PromptConfig.for_method("coop", 2, 2), ids, values).double()
    with torch.no_grad():
        d_txt = float((coop.encode_text() - clip.encode_text(ids)).abs().max())
        d_img = float((coop.encode_image(pixels) - clip.encode_image(pixels)).abs().max())
    assert d_txt < 1e-12 and d_img < 1e-12, (d_txt, d_img)
    print("coop at init == clip_ref CLIP: text %.1e, image %.1e" % (d_txt, d_img))

    # parameter file round trip (F32, canonical order, string metadata).
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.safetensors")
        save_prompts(path, values, {"n_ctx": 2, "depth": 2, "method": "promptmargin",
                                    "classnames": names, "model_sha256": ""})
        back, meta = load_prompts(path)
    assert list(back) == list(values) == tensor_names(2, 2)
    assert all(torch.equal(back[k], values[k]) for k in values)
    assert json.loads(meta["classnames"]) == names and meta["depth"] == "2"
    print("safetensors round trip: %d tensors, metadata %s" % (len(back), sorted(meta)))

    # chunked backward == full graph.
    for method in METHODS:
        cfg = PromptConfig.for_method(method, 2, 2)
        grads = []
        for chunk in (None, 4):
            model = build(clip, cfg, ids, values).double()
            fixed = None
            if method == "coop" and chunk:
                fixed = F.normalize(image_features(model, pixels), dim=-1)
            loss_and_backward(model, pixels, labels, chunk, fixed)
            grads.append({k: p.grad.clone() for k, p in model.prompts.tensors().items()})
        diff = max(float((grads[0][k] - grads[1][k]).abs().max()) for k in grads[0])
        assert diff < 1e-12, diff
        print("%-12s chunked (coop: fixed image features) vs full-graph backward: "
              "max |grad diff| %.1e" % (method, diff))

    for target in MARGIN_TARGETS:
        cfg = PromptConfig.for_method("promptmargin", 2, 2, target)
        model = build(clip, cfg, ids, values).double()
        rows = finite_difference_check(model, pixels, labels)
        worst = max(r["rel_err"] for r in rows)
        print("finite differences (promptmargin, margin target %s): worst rel err %.2e"
              % (target, worst))
        for r in rows:
            print("  %-20s [%5d] autograd % .10e  fd % .10e  rel %.1e"
                  % (r["tensor"], r["index"], r["autograd"], r["finite_diff"], r["rel_err"]))
        assert worst < 1e-6, worst


if __name__ == "__main__":
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    self_test()
