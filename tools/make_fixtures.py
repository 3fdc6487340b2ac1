#!/usr/bin/env python3
"""Generate the committed test fixtures of promptmargin (and, with --big, large random models).

Requires Debian's python3-torch (torch 1.13, torchvision 0.14, PIL, numpy, regex):
run it with /usr/bin/python3, from anywhere:

    /usr/bin/python3 tools/make_fixtures.py                 # rewrite tests/fixtures (deterministic)
    # random ViT-B/32-shaped model in every format (about 3 GB), never committed:
    /usr/bin/python3 tools/make_fixtures.py --big vit-b-32 --out /tmp/b32 \\
        --bpe ../shared/data/bpe_simple_vocab_16e6.txt.gz
    # only the prompt-tuning fixtures (tests/fixtures/promptmargin + their manifest entry):
    /usr/bin/python3 tools/make_fixtures.py --promptmargin
    # prompt tuning on the --big vit-b-32 model in /tmp/b32 (writes /tmp/b32/promptmargin):
    /usr/bin/python3 tools/make_fixtures.py --promptmargin-big /tmp/b32 [--pm-views 15]
        [--pm-steps 20] [--pm-time-views 15 --pm-time-chunk 25]

What it writes (default mode), under tests/fixtures/ (files named tokens_* belong to the tokenizer
tests and are never touched here):

  tiny_bpe.txt          a small CLIP-format merge list learned by a toy BPE trainer on generated
                        captions (`#version: 0.2` header, then `left right` merges)
  images/               4 binary PPM (P6) images and 1 PGM (P5), various sizes and aspect ratios
  tinyA/                model A (quick_gelu) in every checkpoint format + expected outputs:
                        openai_jit.pt (traced TorchScript, fp16 like OpenAI's archives),
                        state_dict.pt (fp32), open_clip.pt, model.safetensors and hf/ (fp16
                        with fp32 LayerNorms/logit_scale, to keep the committed size down).
                        A's weights are rounded to fp16 precision, so all five files hold the
                        same values and share one set of expected outputs.
  tinyB/                model B (gelu, other shapes, full fp32 weights) as a state dict
  promptmargin/         prompt tuning on model A (tools/promptmargin_ref.py): 3 classes x 4
                        views, n_ctx 2, depth 2; initial prompts, training pixels/labels, class
                        prompt ids, and per run (promptmargin text/self margin target, maple,
                        coop) the losses of 20 SGD steps, the step-1 gradients, the final
                        prompts and logits (see the "promptmargin" entry of manifest.json)
  manifest.json         configs, checkpoint files and formats, convert options, expected files

Expected outputs are float32 .npy files computed by tools/clip_ref.py in float64.
All paths in the manifest are relative to the repository root.
"""

import argparse
import collections
import copy
import gzip
import html
import json
import math
import os
import random
import shutil
import struct
import sys
import time

import numpy as np
import regex
import torch
from PIL import Image
from torchvision import transforms

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TOOLS_DIR)
sys.path.insert(0, TOOLS_DIR)

import clip_ref  # noqa: E402  (needs TOOLS_DIR on sys.path)

FIXTURES_REL = "tests/fixtures"
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
TINY_N_MERGES = 300
CLIP_N_MERGES = 49152 - 256 - 2   # lines 1..48894 of bpe_simple_vocab_16e6.txt

# The pre-tokenisation pattern of CLIP's tokenizer (special tokens, contractions, letter runs,
# single digits, runs of other non-space characters); applied to lower-cased text.
PRETOKEN_RE = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|"""
    r"""[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)

# Captions encoded by every tiny model (class prompts, punctuation, digits, upper case,
# non-ASCII, and one caption long enough to be truncated at the context length).
FIXTURE_CAPTIONS = [
    "a photo of a annual crop land.",
    "a photo of a forest.",
    "a photo of a herbaceous vegetation land.",
    "a satellite photo of a sea or lake",
    "Two small BLUE triangles, at the top-left!",
    "3 red circles and 12 green squares?",
    "a zebra caf\u00e9 \u2615",
    "a very long caption about a large red circle next to two small blue triangles at the top "
    "left of a photo of a green forest near a river and a highway",
]

# Captions for the big (real BPE) mode.
BIG_CAPTIONS = [
    "a photo of a cat.",
    "a diagram of red and blue shapes",
    "Two dogs playing in the snow!",
    "a satellite photo of annual crop land.",
    "3 apples, 12 oranges & a banana?",
]


# =============================================================================================
# Byte-level BPE: alphabet, toy trainer, vocabulary.
# =============================================================================================

def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character map, in CLIP's vocabulary order.

    Printable latin-1 bytes map to themselves; the other 68 bytes map to U+0100.. in byte order.
    The insertion order of the returned dict is the order of CLIP's first 256 vocabulary ids.
    """
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
                 + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def clean_text(text):
    """CLIP's text normalisation without ftfy: unescape HTML twice, collapse whitespace, lower."""
    text = html.unescape(html.unescape(text)).strip()
    return regex.sub(r"\s+", " ", text).strip().lower()


def word_symbols(word, byte_map):
    """Initial BPE symbols of one pre-token: its bytes mapped to unicode, '</w>' on the last."""
    chars = [byte_map[b] for b in word.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def base_vocab():
    """The 512 single-symbol tokens: 256 byte symbols, then the same with '</w>'."""
    syms = list(bytes_to_unicode().values())
    return syms + [s + "</w>" for s in syms]


def train_bpe(texts, n_merges):
    """Learn up to n_merges merges from texts with plain frequency-count BPE.

    Each step merges the most frequent adjacent symbol pair (ties broken by the pair's text,
    so the result is deterministic). A pair whose concatenation is already a vocabulary token
    is skipped, so every token string maps to exactly one id. Returns a list of (left, right).
    """
    byte_map = bytes_to_unicode()
    counts = collections.Counter()
    for text in texts:
        for tok in PRETOKEN_RE.findall(clean_text(text)):
            counts[word_symbols(tok, byte_map)] += 1
    words = dict(counts)
    known = set(base_vocab())
    merges, banned = [], set()
    while len(merges) < n_merges:
        pairs = collections.Counter()
        for syms, n in words.items():
            for pair in zip(syms, syms[1:]):
                if pair not in banned:
                    pairs[pair] += n
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        joined = best[0] + best[1]
        if joined in known:
            banned.add(best)
            continue
        known.add(joined)
        merges.append(best)
        words = {_merge_pair(syms, best): n for syms, n in words.items()}
    return merges


def _merge_pair(syms, pair):
    """Replace every adjacent occurrence of pair in the symbol tuple syms by its concatenation."""
    out, i = [], 0
    while i < len(syms):
        if i + 1 < len(syms) and (syms[i], syms[i + 1]) == pair:
            out.append(syms[i] + syms[i + 1])
            i += 2
        else:
            out.append(syms[i])
            i += 1
    return tuple(out)


def caption_corpus(seed=1234, n=4000):
    """Generated English captions (shapes, colours, positions, land-use classes, digits)."""
    rng = random.Random(seed)
    colours = ["red", "green", "blue", "yellow", "orange", "purple", "black", "white", "gray",
               "brown", "pink", "dark", "bright"]
    shapes = ["circle", "square", "triangle", "rectangle", "star", "line", "dot", "ring",
              "cross", "hexagon", "stripe", "arrow", "shape"]
    sizes = ["small", "large", "tiny", "big", "huge", "little", "thin", "thick"]
    counts = ["one", "two", "three", "four", "five", "several", "many", "some"]
    places = ["at the top left", "at the top right", "at the bottom", "in the center",
              "on the left", "on the right", "near the edge", "in the middle", "next to a tree"]
    classes = ["annual crop land", "forest", "herbaceous vegetation land", "highway or road",
               "industrial buildings", "pasture land", "permanent crop land",
               "residential buildings", "river", "sea or lake", "a cat", "a dog", "a car",
               "a house", "the sky", "a field", "water", "a city", "a mountain", "a boat"]
    templates = [
        "a photo of a {cls}.", "a satellite photo of {cls}.",
        "a centered satellite photo of {cls}.",
        "a photo of the {cls}, a type of land use.", "an aerial image of {cls}!",
        "{cnt} {size} {col} {shape}s {place}", "a {size} {col} {shape} {place}.",
        "there are {d} {col} {shape}s in the image!", "is this a {shape}?",
        "a blurry photo of a {col} {shape}",
        "the {shape} is {col} and {size}; the background is {col2}.",
        "{d}{d2} {col} {shape}s and {d} {shape2}s",
        "a picture with {cnt} {shape}s: {col}, {col2}...",
        "photo #{d}: {cls} (from above)", "it's a {col} {shape}, isn't it?",
    ]
    out = []
    for _ in range(n):
        t = rng.choice(templates)
        out.append(t.format(cls=rng.choice(classes), cnt=rng.choice(counts), size=rng.choice(sizes),
                            col=rng.choice(colours), col2=rng.choice(colours),
                            shape=rng.choice(shapes), shape2=rng.choice(shapes),
                            place=rng.choice(places), d=rng.randrange(10), d2=rng.randrange(10)))
    return out


def write_merges(path, merges):
    """Write a CLIP-format merge list: '#version: 0.2' then one 'left right' line per merge."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for left, right in merges:
            f.write("%s %s\n" % (left, right))


def read_merges(path, n_merges=None):
    """Read merges (list of (left, right)) from a plain or .gz merge list; skips the header line."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")[1:]
    lines = [ln for ln in lines if ln]
    if n_merges is not None:
        lines = lines[:n_merges]
    return [tuple(ln.split()) for ln in lines]


def vocab_list(merges):
    """Token strings in id order: 512 base tokens, one per merge, then SOT and EOT."""
    return base_vocab() + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]


# =============================================================================================
# Tokenizer: tools/clip_tokenizer.py when present, else a minimal private one.
# =============================================================================================

class MiniTokenizer:
    """Minimal CLIP-style BPE tokenizer (no ftfy) used to cross-check tools/clip_tokenizer.py.

    encode(text) -> list of ids without SOT/EOT.
    """

    def __init__(self, merges):
        self.byte_map = bytes_to_unicode()
        self.ranks = {m: i for i, m in enumerate(merges)}
        vocab = vocab_list(merges)
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.sot, self.eot = len(vocab) - 2, len(vocab) - 1

    def _bpe(self, syms):
        """Apply merges to a symbol tuple, always the lowest-ranked pair first."""
        syms = list(syms)
        while len(syms) > 1:
            ranked = [(self.ranks.get(p, math.inf), i) for i, p in enumerate(zip(syms, syms[1:]))]
            rank, _ = min(ranked)
            if rank == math.inf:
                break
            pair = next(p for p in zip(syms, syms[1:]) if self.ranks.get(p) == rank)
            syms = list(_merge_pair(tuple(syms), pair))
        return syms

    def encode(self, text):
        out = []
        for tok in PRETOKEN_RE.findall(clean_text(text)):
            out.extend(self.ids[s] for s in self._bpe(word_symbols(tok, self.byte_map)))
        return out


def mini_tokenize(tok, texts, context_length):
    """SOT + ids + EOT, zero-padded; when too long, truncated with EOT kept as the last token."""
    rows = []
    for text in texts:
        ids = [tok.sot] + tok.encode(text) + [tok.eot]
        if len(ids) > context_length:
            ids = ids[:context_length]
            ids[-1] = tok.eot
        rows.append(ids + [0] * (context_length - len(ids)))
    return rows


def tokenize_captions(merges_path, n_merges, texts, context_length):
    """Token ids [len(texts), context_length] (int64 tensor) and the tokenizer's name.

    Uses tools/clip_tokenizer.py (the project's faithful port of CLIP's tokenizer) when it exists
    and cross-checks it against MiniTokenizer; falls back to MiniTokenizer otherwise.
    """
    mini = MiniTokenizer(read_merges(merges_path, n_merges))
    mine = mini_tokenize(mini, texts, context_length)
    try:
        import clip_tokenizer  # provided by tools/clip_tokenizer.py
    except ImportError:
        print("  note: tools/clip_tokenizer.py not found, using the private MiniTokenizer")
        return torch.tensor(mine, dtype=torch.long), "make_fixtures.MiniTokenizer"
    tok = clip_tokenizer.ClipTokenizer(merges_path, n_merges=n_merges)
    theirs = clip_tokenizer.tokenize(tok, texts, context_length)
    for text, a, b in zip(texts, theirs, mine):
        if list(a) != list(b):
            print("  WARNING: tokenizers disagree on %r:\n    clip_tokenizer %s\n    mini %s"
                  % (text, list(a), b))
    return torch.tensor([list(r) for r in theirs], dtype=torch.long), "tools/clip_tokenizer.py"


# =============================================================================================
# Images and preprocessing.
# =============================================================================================

def _image_gradient_circle(w, h, rng):
    """RGB: horizontal/vertical gradients, a filled circle and a diagonal line."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([255 * x / max(w - 1, 1), 255 * y / max(h - 1, 1),
                    128 + 100 * np.sin(x / 3.0 + y / 5.0)], axis=-1)
    inside = (x - 0.6 * w) ** 2 + (y - 0.4 * h) ** 2 < (0.25 * min(w, h)) ** 2
    img[inside] = (250, 30, 40)
    img[np.abs(x * h / w - y) < 1.0] = (0, 0, 0)
    return img


def _image_noise_bar(w, h, rng):
    """RGB: uniform noise with a bright vertical bar and a dark horizontal bar."""
    img = rng.uniform(0, 255, size=(h, w, 3))
    img[:, w // 3: w // 3 + 3] = (255, 255, 0)
    img[2 * h // 3: 2 * h // 3 + 2, :] = (10, 10, 80)
    return img


def _image_stripes_boxes(w, h, rng):
    """RGB wide image: diagonal colour stripes, rectangles and a little noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    stripes = ((x + y) // 9) % 3
    img = np.stack([80 * stripes, 200 - 60 * stripes, 120 + 40 * np.cos(x / 17.0)], axis=-1)
    img[h // 4: h // 2, w // 8: w // 4] = (255, 255, 255)
    img[h // 2: 5 * h // 6, 3 * w // 5: 4 * w // 5] = (20, 160, 20)
    return img + rng.normal(0, 6, size=img.shape)


def _image_checker_triangle(w, h, rng):
    """RGB: coloured 8-pixel checkerboard with a blue triangle."""
    y, x = np.mgrid[0:h, 0:w]
    check = ((x // 8 + y // 8) % 2).astype(np.float64)
    img = np.stack([200 * check + 30, 100 + 50 * check, 60 + 0 * check], axis=-1)
    img[(y > h // 4) & (x > w // 4) & (x - w // 4 < y - h // 4)] = (30, 60, 230)
    return img


def _image_gray_radial(w, h, rng):
    """Grayscale: radial gradient, rings and noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = np.hypot(x - w / 2, y - h / 3)
    return 127 + 100 * np.cos(r / 4.0) * np.exp(-r / (w + h)) + rng.normal(0, 10, size=r.shape)


IMAGE_SPECS = [  # (file name, width, height, generator, channels)
    ("img0_gradient_50x40.ppm", 50, 40, _image_gradient_circle, 3),
    ("img1_noise_17x31.ppm", 17, 31, _image_noise_bar, 3),
    ("img2_stripes_300x120.ppm", 300, 120, _image_stripes_boxes, 3),
    ("img3_checker_64x64.ppm", 64, 64, _image_checker_triangle, 3),
    ("img4_gray_40x56.pgm", 40, 56, _image_gray_radial, 1),
]
BIG_EXTRA_IMAGES = [("img5_gradient_320x256.ppm", 320, 256, _image_gradient_circle, 3)]


def write_pnm(path, pixels):
    """Write uint8 pixels [h, w, 3] as binary PPM (P6) or [h, w] as binary PGM (P5)."""
    h, w = pixels.shape[:2]
    magic = b"P6" if pixels.ndim == 3 else b"P5"
    with open(path, "wb") as f:
        f.write(b"%s\n%d %d\n255\n" % (magic, w, h))
        f.write(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())


def make_images(out_dir, specs, seed=7):
    """Write the test images; returns a list of dicts (path, width, height, format)."""
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(seed)
    info = []
    for name, w, h, gen, channels in specs:
        pixels = np.clip(np.rint(gen(w, h, rng)), 0, 255).astype(np.uint8)
        assert pixels.shape[:2] == (h, w) and (pixels.ndim == 3) == (channels == 3)
        path = os.path.join(out_dir, name)
        write_pnm(path, pixels)
        info.append({"path": path, "width": w, "height": h,
                     "format": "ppm-p6" if channels == 3 else "pgm-p5"})
    return info


def paper_resize_size(size):
    """Side of the square resize before the paper variant's centre crop: floor(S*257/224 + 0.5)."""
    return int(math.floor(size * 257 / 224 + 0.5))


def clip_transform(size):
    """OpenAI CLIP preprocessing: shorter side to S (bicubic), centre crop S, CLIP mean/std."""
    return transforms.Compose([
        transforms.Resize(size, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(size), transforms.ToTensor(),
        transforms.Normalize(CLIP_MEAN, CLIP_STD)])


def paper_transform(size):
    """'Paper' variant: squash to R x R (bilinear, no aspect), centre crop S, ImageNet stats."""
    r = paper_resize_size(size)
    return transforms.Compose([
        transforms.Resize((r, r), interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.CenterCrop(size), transforms.ToTensor(),
        transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)])


def preprocess(paths, transform):
    """Load images with PIL, convert('RGB'), apply transform; returns float32 [n, 3, S, S]."""
    return torch.stack([transform(Image.open(p).convert("RGB")) for p in paths])


# =============================================================================================
# Checkpoint writers.
# =============================================================================================

def state_dict_of(model):
    """OpenAI-named state dict: contiguous float tensors with their own storage, in model order."""
    return collections.OrderedDict(
        (k, v.detach().clone().contiguous()) for k, v in model.state_dict().items())


def save_openai_jit(model, path):
    """Traced TorchScript archive like OpenAI's releases (fp16 except LayerNorms/logit_scale).

    The trace is taken in float32; the parameters are converted to fp16 afterwards. Because every
    clip_ref layer casts its weights to the activation dtype, the saved archive still runs on CPU
    (torch.jit.load(path).encode_image / encode_text / forward).
    """
    cfg = model.cfg
    m = copy.deepcopy(model).float().eval()
    img = torch.zeros(2, 3, cfg.image_size, cfg.image_size)
    ids = torch.zeros(2, cfg.context_length, dtype=torch.long)
    ids[:, 0], ids[:, 1], ids[:, 2] = cfg.vocab_size - 2, 1, cfg.vocab_size - 1
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace_module(
            m, {"forward": (img, ids), "encode_image": (img,), "encode_text": (ids,)},
            check_trace=False)
    with torch.no_grad():
        for name, p in traced.named_parameters():
            if not clip_ref.is_layernorm_or_scale(name):
                p.data = p.data.half()
    torch.jit.save(traced, path)


def save_torch(obj, path):
    """torch.save in the (default) zip format."""
    torch.save(obj, path, _use_new_zipfile_serialization=True)


def open_clip_checkpoint(sd, epoch=1, name="tiny"):
    """open_clip training-checkpoint layout: DistributedDataParallel 'module.' prefixes."""
    return {"epoch": epoch, "name": name,
            "state_dict": collections.OrderedDict(("module." + k, v) for k, v in sd.items())}


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                      torch.int64: "I64", torch.int32: "I32"}


def save_safetensors(sd, path, metadata=None):
    """Write a .safetensors file by hand.

    Layout: u64 little-endian header length N, then N bytes of JSON (padded with spaces to a
    multiple of 8) mapping name -> {dtype, shape, data_offsets [begin, end)} relative to the
    data section, then the raw little-endian tensor bytes. Tensors are laid out by decreasing
    element size (then name) so each one is aligned to its element size.
    """
    import promptmargin_ref as pmr
    entries = []
    for name in sorted(sd, key=lambda k: (-sd[k].element_size(), k)):
        t = sd[name].detach().contiguous().cpu()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 \
            else t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        entries.append((name, SAFETENSORS_DTYPES[t.dtype], t.shape, raw))
    pmr.write_safetensors(path, entries, metadata)


def hf_state_dict(sd, cfg):
    """Map an OpenAI-named state dict to Hugging Face CLIPModel names.

    in_proj rows are split into q, k, v (in that order); projections are transposed to
    nn.Linear layout [D, width]; the int64 position_ids buffers HF keeps are added.
    """
    out = collections.OrderedDict()

    def block(src, dst, width):
        w, b = sd[src + "attn.in_proj_weight"], sd[src + "attn.in_proj_bias"]
        for j, q in enumerate(("q", "k", "v")):
            out[dst + "self_attn.%s_proj.weight" % q] = w[j * width:(j + 1) * width].clone()
            out[dst + "self_attn.%s_proj.bias" % q] = b[j * width:(j + 1) * width].clone()
        pairs = [("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"),
                 ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2"), ("ln_2", "layer_norm2")]
        for a, h in pairs:
            out[dst + h + ".weight"] = sd[src + a + ".weight"].clone()
            out[dst + h + ".bias"] = sd[src + a + ".bias"].clone()

    out["text_model.embeddings.token_embedding.weight"] = sd["token_embedding.weight"].clone()
    out["text_model.embeddings.position_embedding.weight"] = sd["positional_embedding"].clone()
    out["text_model.embeddings.position_ids"] = torch.arange(cfg.context_length)[None]
    for i in range(cfg.text_layers):
        block("transformer.resblocks.%d." % i, "text_model.encoder.layers.%d." % i, cfg.text_width)
    out["text_model.final_layer_norm.weight"] = sd["ln_final.weight"].clone()
    out["text_model.final_layer_norm.bias"] = sd["ln_final.bias"].clone()

    n_pos = cfg.grid * cfg.grid + 1
    out["vision_model.embeddings.class_embedding"] = sd["visual.class_embedding"].clone()
    out["vision_model.embeddings.patch_embedding.weight"] = sd["visual.conv1.weight"].clone()
    out["vision_model.embeddings.position_embedding.weight"] = \
        sd["visual.positional_embedding"].clone()
    out["vision_model.embeddings.position_ids"] = torch.arange(n_pos)[None]
    out["vision_model.pre_layrnorm.weight"] = sd["visual.ln_pre.weight"].clone()
    out["vision_model.pre_layrnorm.bias"] = sd["visual.ln_pre.bias"].clone()
    for i in range(cfg.vision_layers):
        block("visual.transformer.resblocks.%d." % i, "vision_model.encoder.layers.%d." % i,
              cfg.vision_width)
    out["vision_model.post_layernorm.weight"] = sd["visual.ln_post.weight"].clone()
    out["vision_model.post_layernorm.bias"] = sd["visual.ln_post.bias"].clone()
    out["visual_projection.weight"] = sd["visual.proj"].t().contiguous()
    out["text_projection.weight"] = sd["text_projection"].t().contiguous()
    out["logit_scale"] = sd["logit_scale"].clone()
    return out


def hf_fp16_dtypes(hsd):
    """OpenAI-style mixed precision, HF names: fp16 except LayerNorms, logit_scale, int buffers."""
    def keep(name, t):
        return (not t.is_floating_point() or name == "logit_scale" or "layer_norm" in name
                or "layrnorm" in name or "layernorm" in name)
    return collections.OrderedDict((k, v if keep(k, v) else v.half()) for k, v in hsd.items())


def hf_config(cfg, sot, eot, dtype="float32"):
    """HF CLIPConfig-style dict (the structure of openai/clip-vit-base-patch32's config.json)."""
    text = {
        "model_type": "clip_text_model", "hidden_size": cfg.text_width,
        "intermediate_size": cfg.text_mlp, "num_hidden_layers": cfg.text_layers,
        "num_attention_heads": cfg.text_heads, "max_position_embeddings": cfg.context_length,
        "vocab_size": cfg.vocab_size, "hidden_act": cfg.act, "layer_norm_eps": cfg.ln_eps,
        "projection_dim": cfg.embed_dim, "attention_dropout": 0.0, "dropout": 0.0,
        "initializer_factor": 1.0, "initializer_range": 0.02,
        "bos_token_id": sot, "eos_token_id": eot, "pad_token_id": 1,
    }
    vision = {
        "model_type": "clip_vision_model", "hidden_size": cfg.vision_width,
        "intermediate_size": cfg.vision_mlp, "num_hidden_layers": cfg.vision_layers,
        "num_attention_heads": cfg.vision_heads, "image_size": cfg.image_size,
        "patch_size": cfg.patch_size, "num_channels": 3, "hidden_act": cfg.act,
        "layer_norm_eps": cfg.ln_eps, "projection_dim": cfg.embed_dim, "attention_dropout": 0.0,
        "dropout": 0.0, "initializer_factor": 1.0, "initializer_range": 0.02,
    }
    return {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": cfg.embed_dim,
            "logit_scale_init_value": 2.6592, "initializer_factor": 1.0,
            "torch_dtype": dtype, "text_config": text, "vision_config": vision}


def save_hf_dir(sd, cfg, merges, out_dir, with_bin, half):
    """HF CLIPModel directory: config.json, model.safetensors, [pytorch_model.bin], tokenizer files.

    With half, weights are stored fp16 (LayerNorms and logit_scale fp32). Returns {name: path}.
    """
    os.makedirs(out_dir, exist_ok=True)
    vocab = vocab_list(merges)
    hsd = hf_state_dict(sd, cfg)
    if half:
        hsd = hf_fp16_dtypes(hsd)
    files = {}

    def dump_json(name, obj):
        files[name] = os.path.join(out_dir, name)
        with open(files[name], "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")

    dump_json("config.json", hf_config(cfg, len(vocab) - 2, len(vocab) - 1,
                                       "float16" if half else "float32"))
    files["model.safetensors"] = os.path.join(out_dir, "model.safetensors")
    save_safetensors(hsd, files["model.safetensors"], {"format": "pt"})
    if with_bin:
        files["pytorch_model.bin"] = os.path.join(out_dir, "pytorch_model.bin")
        save_torch(hsd, files["pytorch_model.bin"])
    dump_json("vocab.json", {tok: i for i, tok in enumerate(vocab)})
    files["merges.txt"] = os.path.join(out_dir, "merges.txt")
    write_merges(files["merges.txt"], merges)
    dump_json("tokenizer_config.json", {
        "model_max_length": cfg.context_length, "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "do_lower_case": True, "tokenizer_class": "CLIPTokenizer"})
    dump_json("preprocessor_config.json", {
        "crop_size": cfg.image_size, "do_center_crop": True, "do_normalize": True,
        "do_resize": True, "image_mean": list(CLIP_MEAN), "image_std": list(CLIP_STD),
        "resample": 3, "size": cfg.image_size, "feature_extractor_type": "CLIPFeatureExtractor"})
    return files


# =============================================================================================
# Expected outputs.
# =============================================================================================

def save_npy(path, array, dtype="<f4"):
    """Save a C-ordered little-endian .npy (format version 1.0) of the given dtype."""
    arr = np.ascontiguousarray(np.asarray(array), dtype=np.dtype(dtype))
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)


def max_abs(a, b):
    """max |a - b| over all elements, as a Python float."""
    return float((a.double() - b.double()).abs().max())


def write_expected(model, pixels_clip, pixels_paper, ids, out_dir, rel):
    """Write pixels, embeddings, logits, probs and debug activations; returns manifest entries.

    Also measures how far a float32 torch forward is from the float64 reference (a bound on
    what the float32 C code can be expected to reach).
    """
    capture = {}
    ref = clip_ref.reference_outputs(model, pixels_clip, ids, capture)
    f32 = clip_ref.float32_outputs(model, pixels_clip, ids)
    files = {
        "pixels_clip": pixels_clip, "pixels_paper": pixels_paper, "image_embeds":
        ref["image_embeds"], "text_embeds": ref["text_embeds"], "logits": ref["logits"],
        "probs": ref["probs"],
    }
    expected = {}
    for name, t in files.items():
        save_npy(os.path.join(out_dir, name + ".npy"), t.detach().numpy())
        expected[name] = rel(os.path.join(out_dir, name + ".npy"))
    save_npy(os.path.join(out_dir, "text_ids.npy"), ids.numpy(), "<i4")
    expected["text_ids"] = rel(os.path.join(out_dir, "text_ids.npy"))

    debug = {}
    for key in ("vision_embed", "vision_ln_pre", "vision_block0", "text_embed", "text_block0"):
        path = os.path.join(out_dir, "debug_%s.npy" % key)
        save_npy(path, capture[key][0].detach().numpy())
        debug["debug_" + key] = {"file": rel(path), "shape": list(capture[key][0].shape),
                                 "of": "first image" if key.startswith("vision") else "first text"}
    err = {k: max_abs(ref[k], f32[k]) for k in ("image_embeds", "text_embeds", "logits", "probs")}
    mag = {k: float(ref[k].abs().max()) for k in ("image_embeds", "text_embeds")}
    return expected, debug, err, mag


# =============================================================================================
# Models.
# =============================================================================================

def tiny_a_config(vocab):
    """Tiny model A: quick_gelu, image 32 / patch 8, width 64, 2 layers, 2 heads of 32 (not the
    width // 64 rule, so the heads options are exercised); small, as it is stored five times."""
    return clip_ref.ClipConfig(
        image_size=32, patch_size=8, vision_width=64, vision_layers=2, vision_heads=2,
        vision_mlp=256, context_length=16, vocab_size=vocab, text_width=64, text_layers=2,
        text_heads=2, text_mlp=256, embed_dim=48, act="quick_gelu")


def tiny_b_config(vocab):
    """Tiny model B: exact GELU and different shapes (head_dim 64 in vision, 16 in text)."""
    return clip_ref.ClipConfig(
        image_size=48, patch_size=16, vision_width=64, vision_layers=3, vision_heads=1,
        vision_mlp=256, context_length=20, vocab_size=vocab, text_width=64, text_layers=1,
        text_heads=4, text_mlp=256, embed_dim=32, act="gelu")


def big_config(name):
    """ViT-B/32 or ViT-B/16 shapes (OpenAI), quick_gelu."""
    patch = {"vit-b-32": 32, "vit-b-16": 16}[name]
    return clip_ref.ClipConfig(image_size=224, patch_size=patch)


def make_model(cfg, seed, fp16_exact, logit_scale=math.log(100.0) - 0.3):
    """Random model; with fp16_exact every tensor OpenAI stores in fp16 is rounded to fp16."""
    model = clip_ref.init_random(clip_ref.CLIP(cfg), seed, logit_scale).eval()
    if fp16_exact:
        clip_ref.round_to_fp16(model)
    return model


def convert_args(cfg, bpe_rel):
    """Options the C tests pass to tools/convert.py for a model of this config."""
    return ["--bpe", bpe_rel, "--act", cfg.act, "--vision-heads", str(cfg.vision_heads),
            "--text-heads", str(cfg.text_heads)]


def write_checkpoints(model, out_dir, formats, merges, rel, hf_bin):
    """Save model in each requested format; returns manifest entries (format, path, dtypes)."""
    sd = state_dict_of(model)
    entries = []

    def add(fmt, path, dtypes, note=None):
        e = {"format": fmt, "path": rel(path), "dtypes": dtypes}
        if note:
            e["note"] = note
        entries.append(e)

    mixed = "fp16 except LayerNorm weights/biases and logit_scale (fp32)"
    if "openai-jit" in formats:
        path = os.path.join(out_dir, "openai_jit.pt")
        save_openai_jit(model, path)
        add("openai-jit", path, mixed, "torch.jit.save of a traced model (data.pkl of __torch__ "
            "module objects); runs on CPU via torch.jit.load(...).encode_image/encode_text")
    if "state-dict" in formats:
        path = os.path.join(out_dir, "state_dict.pt")
        save_torch(sd, path)
        add("state-dict", path, "fp32", "torch.save(state_dict), zip format, OpenAI names")
    if "open-clip" in formats:
        path = os.path.join(out_dir, "open_clip.pt")
        half = formats["open-clip"] == "mixed"
        payload = clip_ref.openai_fp16_dtypes(sd) if half else sd
        save_torch(open_clip_checkpoint(payload), path)
        add("open-clip", path, mixed if half else "fp32",
            "torch.save({'epoch': 1, 'name': ..., 'state_dict': {'module.' + name: tensor}})")
    if "safetensors" in formats:
        path = os.path.join(out_dir, "model.safetensors")
        half = formats["safetensors"] == "mixed"
        save_safetensors(clip_ref.openai_fp16_dtypes(sd) if half else sd, path)
        add("safetensors", path, mixed if half else "fp32",
            "hand-written safetensors, OpenAI names, no __metadata__")
    if "hf" in formats:
        hf_dir = os.path.join(out_dir, "hf")
        half = formats["hf"] == "mixed"
        files = save_hf_dir(sd, model.cfg, merges, hf_dir, hf_bin, half)
        e = {"format": "hf", "path": rel(hf_dir),
             "dtypes": (mixed if half else "fp32") + "; position_ids int64",
             "files": sorted(rel(p) for p in files.values()),
             "note": "Hugging Face CLIPModel directory; *.position_ids buffers must be ignored"}
        entries.append(e)
    return entries


def build_model_fixtures(name, cfg, seed, fp16_exact, formats, out_dir, image_paths, captions,
                         merges, merges_path, n_merges, bpe_rel, rel, hf_bin,
                         logit_scale=math.log(100.0) - 0.3):
    """Write one model's checkpoints and expected outputs; returns its manifest entry."""
    t0 = time.time()
    os.makedirs(out_dir, exist_ok=True)
    model = make_model(cfg, seed, fp16_exact, logit_scale)
    checkpoints = write_checkpoints(model, out_dir, formats, merges, rel, hf_bin)
    ids, tok_name = tokenize_captions(merges_path, n_merges, captions, cfg.context_length)
    pix_clip = preprocess(image_paths, clip_transform(cfg.image_size))
    pix_paper = preprocess(image_paths, paper_transform(cfg.image_size))
    expected, debug, err, mag = write_expected(model, pix_clip, pix_paper, ids, out_dir, rel)
    check_saved_checkpoints(model, out_dir, checkpoints, pix_clip, ids, rel)
    print("  %s: f32-vs-f64 torch max abs err %s; max |embed| %s (%.1fs)"
          % (name, {k: "%.2e" % v for k, v in err.items()}, {k: "%.3f" % v for k, v in mag.items()},
             time.time() - t0))
    return {
        "config": cfg.to_dict(), "seed": seed, "logit_scale": float(model.logit_scale),
        "weights_fp16_exact": fp16_exact, "checkpoints": checkpoints,
        "convert_args": convert_args(cfg, bpe_rel), "tokenizer_used": tok_name,
        "expected": expected, "debug": debug,
        "torch_float32_vs_float64_max_abs": err, "max_abs_embedding": mag,
    }


def check_saved_checkpoints(model, out_dir, checkpoints, pixels, ids, rel):
    """Reload what was written and verify it reproduces the model (sanity check of the writers)."""
    want = state_dict_of(model)
    for e in checkpoints:
        path = os.path.join(REPO_DIR, e["path"]) if not os.path.isabs(e["path"]) else e["path"]
        if e["format"] == "openai-jit":
            jit = torch.jit.load(path)
            got = dict(jit.state_dict())
            with torch.no_grad():
                ref = model.encode_image(pixels)
                tol = 1e-4 * max(1.0, float(ref.abs().max()))
                assert max_abs(jit.encode_image(pixels), ref) < tol, path
        elif e["format"] == "state-dict":
            got = torch.load(path)
        elif e["format"] == "open-clip":
            got = {k[len("module."):]: v for k, v in torch.load(path)["state_dict"].items()}
        elif e["format"] == "safetensors":
            got = read_safetensors(path)
        elif e["format"] == "hf":
            got = openai_from_hf(read_safetensors(os.path.join(path, "model.safetensors")))
            with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
                hf = json.load(f)
            assert hf["vision_config"]["num_attention_heads"] == model.cfg.vision_heads
            assert hf["text_config"]["num_attention_heads"] == model.cfg.text_heads
            assert hf["text_config"]["hidden_act"] == model.cfg.act
        else:
            continue
        assert list(got) == list(want) or set(got) == set(want), e["path"]
        for k, v in want.items():
            assert torch.equal(got[k].float(), v.float()), (e["path"], k)


def openai_from_hf(hsd):
    """Inverse of hf_state_dict (used to verify it): HF names -> OpenAI names, buffers dropped."""
    out = {}
    blocks = {"text_model.encoder.layers.": "transformer.resblocks.",
              "vision_model.encoder.layers.": "visual.transformer.resblocks."}
    simple = {
        "text_model.embeddings.token_embedding.weight": "token_embedding.weight",
        "text_model.embeddings.position_embedding.weight": "positional_embedding",
        "text_model.final_layer_norm.weight": "ln_final.weight",
        "text_model.final_layer_norm.bias": "ln_final.bias",
        "vision_model.embeddings.class_embedding": "visual.class_embedding",
        "vision_model.embeddings.patch_embedding.weight": "visual.conv1.weight",
        "vision_model.embeddings.position_embedding.weight": "visual.positional_embedding",
        "vision_model.pre_layrnorm.weight": "visual.ln_pre.weight",
        "vision_model.pre_layrnorm.bias": "visual.ln_pre.bias",
        "vision_model.post_layernorm.weight": "visual.ln_post.weight",
        "vision_model.post_layernorm.bias": "visual.ln_post.bias",
        "logit_scale": "logit_scale"}
    parts = {"self_attn.out_proj": "attn.out_proj", "layer_norm1": "ln_1", "layer_norm2": "ln_2",
             "mlp.fc1": "mlp.c_fc", "mlp.fc2": "mlp.c_proj"}
    for name, t in hsd.items():
        if name.endswith("position_ids"):
            continue
        if name in simple:
            out[simple[name]] = t
        elif name in ("visual_projection.weight", "text_projection.weight"):
            out["visual.proj" if name.startswith("visual") else "text_projection"] = t.t()
        else:
            hf_prefix = next(p for p in blocks if name.startswith(p))
            layer, rest = name[len(hf_prefix):].split(".", 1)
            prefix = blocks[hf_prefix] + layer + "."
            module, kind = rest.rsplit(".", 1)
            if module.startswith("self_attn.") and module[-6:] in ("q_proj", "k_proj", "v_proj"):
                qkv = "qkv".index(module[-6])
                key = prefix + ("attn.in_proj_weight" if kind == "weight" else "attn.in_proj_bias")
                out.setdefault(key, [None] * 3)[qkv] = t
            else:
                out[prefix + parts[module] + "." + kind] = t
    return {k: torch.cat(v) if isinstance(v, list) else v for k, v in out.items()}


def read_safetensors(path):
    """Minimal reader used to verify save_safetensors (name -> tensor)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    np_types = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        a, b = h["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np_types[h["dtype"]])
                                     .reshape(h["shape"]).copy())
    return out


# =============================================================================================
# PromptMargin prompt-tuning fixtures (tools/promptmargin_ref.py).
# =============================================================================================

PM_TINY_CLASSES = ["annual crop land", "forest", "river"]
PM_BIG_CLASSES = ["annual crop land", "forest", "herbaceous vegetation land", "highway or road",
                  "river"]
PM_SEED = 4242            # generator of the random initial prompts
PM_STEPS = 20
PM_FD_PER_TENSOR = 3      # finite-difference coordinates per tensor
# (tag, method, margin target): one training run each, all from init.safetensors.
PM_RUNS = [("promptmargin_text", "promptmargin", "text"),
           ("promptmargin_self", "promptmargin", "self"),
           ("maple", "maple", "text"),
           ("coop", "coop", "text")]
# Deterministic view variants: crop box (fractions left, top, right, bottom of the source
# image), then an optional horizontal flip; variant v = VIEW_VARIANTS[v].
VIEW_CROPS = [(0.0, 0.0, 1.0, 1.0), (0.1, 0.1, 0.9, 0.9), (0.0, 0.0, 0.75, 0.75),
              (0.25, 0.0, 1.0, 0.75), (0.0, 0.25, 0.75, 1.0), (0.25, 0.25, 1.0, 1.0),
              (0.2, 0.2, 0.8, 0.8), (0.0, 0.0, 0.6, 1.0)]
VIEW_VARIANTS = [(box, flip) for box in VIEW_CROPS for flip in (False, True)]


def _round_half_up(x):
    return int(math.floor(x + 0.5))


def view_image(paths, n_classes, i):
    """PIL image of training view i (before the CLIP transform) and its description."""
    c, v = i % n_classes, i // n_classes
    (left, top, right, bottom), flip = VIEW_VARIANTS[v]
    img = Image.open(paths[c]).convert("RGB")
    w, h = img.size
    box = (_round_half_up(left * w), _round_half_up(top * h),
           max(_round_half_up(right * w), _round_half_up(left * w) + 1),
           max(_round_half_up(bottom * h), _round_half_up(top * h) + 1))
    img = img.crop(box)
    if flip:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    return img, {"label": c, "source": paths[c], "crop_box_pixels": list(box), "hflip": flip}


def training_views(paths, n_classes, per_class, size):
    """Fixed training pixels [N*M, 3, S, S] (float32), labels [N*M] (int64), view list.

    Interleaved: view i has label c = i % N, comes from source image paths[c] and uses variant
    i // N: PIL convert('RGB'), crop to the integer box round_half_up(fraction * side), optional
    horizontal flip, then the CLIP transform (resize bicubic, centre crop, normalise).
    """
    if per_class > len(VIEW_VARIANTS) or n_classes > len(paths):
        raise SystemExit("at most %d views per class and %d classes"
                         % (len(VIEW_VARIANTS), len(paths)))
    tf = clip_transform(size)
    pixels, labels, views = [], [], []
    for i in range(n_classes * per_class):
        img, view = view_image(paths, n_classes, i)
        pixels.append(tf(img))
        labels.append(view["label"])
        views.append(view)
    return torch.stack(pixels), torch.tensor(labels, dtype=torch.long), views


def write_view_folder(paths, classnames, per_class, out_dir, names_path):
    """The training views as an ImageFolder (out_dir/class<c>/v<v>.png, lossless crops before
    the CLIP transform) and a class-name file mapping class<c> to its name, so that
    `promptmargin tune --data out_dir --class-names names_path --no-augment` trains on exactly
    the reference's views (in another order: folder by folder)."""
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    for i in range(len(classnames) * per_class):
        img, view = view_image(paths, len(classnames), i)
        d = os.path.join(out_dir, "class%d" % view["label"])
        os.makedirs(d, exist_ok=True)
        img.save(os.path.join(d, "v%02d.png" % (i // len(classnames))))
    with open(names_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join("class%d\t%s\n" % (c, n) for c, n in enumerate(classnames)))


def write_promptmargin(clip32, out_dir, classnames, tokenizer, image_paths, per_class, n_ctx,
                       depth, steps, rel, model_name, chunk=None, fd=True, model_sha256="",
                       f32_tags=None, record_timing=False, run_tags=None):
    """Write the prompt-tuning fixtures of one model under out_dir; returns a manifest entry.

    clip32 is a float32 clip_ref.CLIP. Everything is computed in float64 (from the float32
    values stored in the files) and stored as float32; the same runs are repeated in float32
    to measure the torch float32-vs-float64 deviation (and the time of both) for the runs in
    f32_tags (None: all). run_tags: the runs of PM_RUNS to make (None: all).
    """
    import promptmargin_ref as pmr
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if os.path.isfile(os.path.join(out_dir, name)):
            os.remove(os.path.join(out_dir, name))
    ccfg = clip32.cfg
    n_classes = len(classnames)
    ids = pmr.tokenize_prompts(tokenizer, classnames, n_ctx, ccfg.context_length)
    pixels, labels, views = training_views(image_paths, n_classes, per_class, ccfg.image_size)
    for v in views:
        v["source"] = rel(v["source"])
    values = pmr.init_prompts(clip32, ids, n_ctx, depth, PM_SEED)
    clip64 = copy.deepcopy(clip32).double()
    pix64 = pixels.double()
    files = {}

    def path_of(name, what):
        files[name] = {"path": rel(os.path.join(out_dir, name)), "holds": what}
        return os.path.join(out_dir, name)

    def meta(cfg, content, **extra):
        m = {"n_ctx": n_ctx, "depth": cfg.depth, "method": cfg.method, "classnames": classnames,
             "model_sha256": model_sha256, "content": content}
        if cfg.margin and content != "initial prompts":
            m["margin_target"] = cfg.margin_target
        m.update(extra)
        return m

    full_cfg = pmr.PromptConfig.for_method("promptmargin", n_ctx, depth)
    pmr.save_prompts(path_of("init.safetensors", "initial prompts, full tensor set in canonical "
                             "order (every run starts from them; coop uses only ctx)"),
                     values, meta(full_cfg, "initial prompts", method="promptmargin",
                                  seed=PM_SEED))
    save_npy(path_of("pixels.npy", "training views [N*M, 3, S, S] float32, CLIP-normalised"),
             pixels.numpy())
    save_npy(path_of("labels.npy", "label of each view [N*M] int32 (view i: i % N)"),
             labels.numpy(), "<i4")
    save_npy(path_of("text_ids.npy", "token ids of the class prompts [N, context] int32"),
             ids.numpy(), "<i4")
    with open(path_of("classnames.txt", "class names, one per line (UTF-8)"), "w",
              encoding="utf-8", newline="\n") as f:
        f.write("".join(c + "\n" for c in classnames))
    write_view_folder(image_paths, classnames, per_class, path_of(
        "views", "the training views as an ImageFolder (class<c>/v<v>.png, crops before the "
        "CLIP transform), for `tune --no-augment`"), path_of(
        "view_classes.txt", "class-name file of views/: class<c><TAB>name"))

    runs, deviation, timing = {}, {}, {}
    for tag, method, target in PM_RUNS:
        if run_tags is not None and tag not in run_tags:
            continue
        cfg = pmr.PromptConfig.for_method(method, n_ctx, depth, target)
        model = pmr.build(clip64, cfg, ids, values).double()
        start = pmr.evaluate(model, pix64, chunk)
        if tag in ("promptmargin_text", "coop"):
            suffix = "" if method == "promptmargin" else "_coop"
            save_npy(path_of("text_features_step1%s.npy" % suffix,
                             "normalised text features [N, D] at the initial prompts (%s)"
                             % method), start["txt"].numpy())
            save_npy(path_of("image_features_step1%s.npy" % suffix,
                             "normalised image features [N*M, D] at the initial prompts (%s)"
                             % method), start["img"].numpy())
        res = pmr.train(model, pix64, labels, steps, chunk)
        final = pmr.current_prompts(model)
        end = pmr.evaluate(model, pix64, chunk)
        save_npy(path_of("losses_%s.npy" % tag, "[%d, 4] float32: CE, R_T, R_V, total before "
                         "each SGD update (%s)" % (steps, tag)), res["losses"].numpy())
        pmr.save_prompts(path_of("grads1_%s.safetensors" % tag, "dL/dtensor at step 1 (%s)" % tag),
                         res["grads1"], meta(cfg, "gradient of the loss at step 1"))
        pmr.save_prompts(path_of("final_%s.safetensors" % tag, "prompts after %d steps (%s)"
                                 % (steps, tag)),
                         final, meta(cfg, "prompts after %d SGD steps" % steps, steps=steps))
        save_npy(path_of("logits_final_%s.npy" % tag, "logits [N*M, N] of the training views "
                         "after %d steps (%s)" % (steps, tag)), end["logits"].numpy())
        timing[tag] = {"float64_seconds": round(res["seconds"], 3)}

        if f32_tags is None or tag in f32_tags:
            # The same run in float32 torch (what a float32 implementation can hope to reach).
            m32 = pmr.build(clip32, cfg, ids, values).float()
            res32 = pmr.train(m32, pixels, labels, steps, chunk)
            end32 = pmr.evaluate(m32, pixels, chunk)
            final32 = pmr.current_prompts(m32)
            timing[tag]["float32_seconds"] = round(res32["seconds"], 3)
            deviation[tag] = {
                "losses": max_abs(res["losses"], res32["losses"]),
                "grads1": max(max_abs(res["grads1"][k], res32["grads1"][k]) for k in final),
                "final": max(max_abs(final[k], final32[k]) for k in final),
                "logits_final": max_abs(end["logits"], end32["logits"])}
        runs[tag] = {
            "method": method, "margin": cfg.margin,
            "margin_target": target if cfg.margin else None,
            "depth": cfg.depth, "vision_prompts": cfg.vision_prompts,
            "tensors": list(final), "n_params": int(sum(t.numel() for t in final.values())),
            "loss_step1": [float(x) for x in res["losses"][0]],
            "loss_last": [float(x) for x in res["losses"][-1]],
            "train_accuracy_final": float((end["logits"].argmax(-1) == labels).double().mean()),
            "files": {"losses": files["losses_%s.npy" % tag]["path"],
                      "grads1": files["grads1_%s.safetensors" % tag]["path"],
                      "final": files["final_%s.safetensors" % tag]["path"],
                      "logits_final": files["logits_final_%s.npy" % tag]["path"]}}
        print("  %-18s loss %.6f -> %.6f  (%s)"
              % (tag, res["losses"][0, 3], res["losses"][-1, 3],
                 ", ".join("%s %s" % kv for kv in sorted(timing[tag].items()))
                 + ("; f32-vs-f64 final %.1e" % deviation[tag]["final"]
                    if tag in deviation else "")))

    fd_rows = {}
    if fd:
        for target in pmr.MARGIN_TARGETS:
            cfg = pmr.PromptConfig.for_method("promptmargin", n_ctx, depth, target)
            model = pmr.build(clip64, cfg, ids, values).double()
            rows = pmr.finite_difference_check(model, pix64, labels, PM_FD_PER_TENSOR)
            fd_rows["promptmargin_" + target] = {
                "eps": 1e-5, "worst_rel_err": max(r["rel_err"] for r in rows), "rows": rows}
            print("  finite differences promptmargin_%s: worst rel err %.2e"
                  % (target, fd_rows["promptmargin_" + target]["worst_rel_err"]))

    return {
        "what": "PromptMargin / MaPLe / CoOp prompt tuning on model %s (tools/promptmargin_ref.py)"
                % model_name,
        "classnames": classnames, "prompt_texts": pmr.prompt_texts(classnames, n_ctx),
        "n_classes": n_classes, "views_per_class": per_class, "n_views": n_classes * per_class,
        "n_ctx": n_ctx, "depth": depth, "init_seed": PM_SEED, "steps": steps,
        "sgd": {"lr": full_cfg.lr, "momentum": full_cfg.momentum, "dampening": 0,
                "weight_decay": 0, "nesterov": False, "batch": "full (all N*M views)"},
        "lambda_t": full_cfg.lambda_t, "lambda_v": full_cfg.lambda_v,
        "logit_scale": float(clip32.logit_scale), "exp_logit_scale":
        float(clip64.logit_scale.exp()), "preprocess": "clip",
        "label_rule": "interleaved: view i has label i % N",
        "views": views,
        "files": files,
        "runs": runs,
        "conventions": PM_CONVENTIONS,
        "computed_in": "float64 from the float32 values of the files (model, pixels, init), "
                       "stored as float32",
        "torch_float32_vs_float64_max_abs": deviation,
        "seconds_for_all_steps": timing if record_timing else
        "not recorded (wall times vary; they are printed when the fixtures are made)",
        "finite_difference_check": fd_rows,
        "model_sha256": model_sha256 or "(empty: the fixtures do not pin one .pmc file)",
    }


PM_CONVENTIONS = {
    "tensor_order": "ctx [n,d_t]; proj.weight [d_v,d_t]; proj.bias [d_v]; deep_text.0..depth-2 "
                    "[n,d_t]; then for k = 0..depth-2: deep_proj.k.weight [d_v,d_t], "
                    "deep_proj.k.bias [d_v]. coop files hold ctx only.",
    "methods": "promptmargin: vision prompts + margin; maple: vision prompts, loss = CE; coop: "
               "ctx only, depth 1, no vision prompt tokens (plain CLIP vision tower), loss = CE",
    "prompt_text": "'a photo of a ' + name + '.' (n_ctx <= 4; ctx initialised with the token "
                   "embeddings at positions 1..n_ctx); n_ctx > 4: 'X X ... X ' + name + '.' "
                   "with n_ctx X's, ctx ~ N(0, 0.02^2); '_' in names -> ' '",
    "text_layer0": "x = token_embedding[ids]; rows 1..n_ctx := ctx; x += positional_embedding "
                   "(ctx gets the positional embedding)",
    "text_deep": "before block j = 1..depth-1: rows 1..n_ctx := deep_text[j-1] (no positional "
                 "embedding); blocks >= depth unchanged",
    "text_eot": "feature = ln_final(x)[argmax(ids)] @ text_projection; running only positions "
                "0..max(argmax ids) is exact (causal mask)",
    "vision_layer0": "x = [cls, patches] + positional_embedding; append proj(ctx) = ctx W^T + b "
                     "as the LAST n_ctx tokens (no positional embedding); then ln_pre",
    "vision_deep": "before block j = 1..depth-1: the last n_ctx tokens := "
                   "deep_proj[j-1](deep_text[j-1]); feature = ln_post(x[:,0]) @ visual.proj",
    "loss": "t, v normalised; logits = exp(logit_scale) v t^T; CE = mean over the N*M views; "
            "pairs i<j (P = N(N-1)/2): D = |t_i-t_j|^2, mu_t = sum D / P, R_T = sum (D-mu_t)^2 "
            "/ P; p_c = mean of v over class c (not renormalised), E = |p_i-p_j|^2, R_V = "
            "sum (E - target)^2 / P with target mu_t (text) or sum E / P (self), gradients "
            "through the target; total = CE + R_T + R_V (promptmargin) or CE (maple, coop; "
            "R_T and R_V still reported)",
    "losses_rows": "row t-1 = (CE, R_T, R_V, total) at the prompts before update t",
    "sgd": "torch.optim.SGD(lr 0.01, momentum 0.9): step 1 buf = g; then buf = 0.9 buf + g; "
           "p -= 0.01 buf",
}


def time_promptmargin_step(clip32, ids, values, pixels, labels, n_ctx, depth, chunk, steps=1):
    """Seconds per promptmargin SGD step (loss + backward + update) in float64 and float32.

    Runs `steps` steps of each on all given views and returns
    {dtype: {"seconds_per_step": ..., "steps_timed": ..., "views": ..., "chunk": ...}}.
    """
    import promptmargin_ref as pmr
    cfg = pmr.PromptConfig.for_method("promptmargin", n_ctx, depth)
    out = {}
    for name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        clip = clip32 if dtype == torch.float32 else copy.deepcopy(clip32).double()
        model = pmr.build(clip, cfg, ids, values).to(dtype)
        res = pmr.train(model, pixels.to(dtype), labels, steps, chunk)
        out[name] = {"seconds_per_step": round(res["seconds"] / steps, 2), "steps_timed": steps,
                     "views": int(pixels.shape[0]), "chunk": chunk,
                     "extrapolated_20_steps_seconds": round(20 * res["seconds"] / steps, 1)}
        print("  timing %s: %.1f s per step on %d views (chunk %s)"
              % (name, res["seconds"] / steps, pixels.shape[0], chunk))
        del model, clip
    return out


def load_tiny_a_clip(fix_dir, manifest):
    """float32 clip_ref.CLIP of tinyA from its committed state_dict.pt and manifest config."""
    import promptmargin_ref as pmr
    cfg = clip_ref.ClipConfig(**manifest["models"]["tinyA"]["config"])
    sd = torch.load(os.path.join(fix_dir, "tinyA", "state_dict.pt"))
    return pmr.load_clip(sd, cfg)


def promptmargin_tiny_entry(fix_dir, manifest, rel):
    """Write tests/fixtures/promptmargin/ (tinyA, N 3, M 4, n_ctx 2, depth 2) -> manifest entry."""
    import clip_tokenizer
    t0 = time.time()
    clip32 = load_tiny_a_clip(fix_dir, manifest)
    bpe = os.path.join(REPO_DIR, manifest["bpe"]["path"])
    tok = clip_tokenizer.ClipTokenizer(bpe)
    paths = [os.path.join(REPO_DIR, im["path"]) for im in manifest["images"]]
    entry = write_promptmargin(clip32, os.path.join(fix_dir, "promptmargin"), PM_TINY_CLASSES,
                               tok, paths, 4, 2, 2, PM_STEPS, rel, "tinyA")
    entry = collections.OrderedDict([("model", "tinyA"),
                                     ("state_dict", rel(os.path.join(fix_dir, "tinyA",
                                                                     "state_dict.pt"))),
                                     ("bpe", manifest["bpe"]["path"])] +
                                    list(entry.items()))
    print("  promptmargin fixtures: %.1fs" % (time.time() - t0))
    return entry


def run_promptmargin(args):
    """--promptmargin: regenerate only tests/fixtures/promptmargin and its manifest entry."""
    fix_dir = os.path.join(REPO_DIR, FIXTURES_REL)
    man_path = os.path.join(fix_dir, "manifest.json")
    with open(man_path, encoding="utf-8") as f:
        manifest = json.load(f, object_pairs_hook=collections.OrderedDict)
    manifest["promptmargin"] = promptmargin_tiny_entry(
        fix_dir, manifest, lambda p: os.path.relpath(p, REPO_DIR))
    with open(man_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    total = 0
    for path, size in file_sizes(os.path.join(fix_dir, "promptmargin")):
        print("  %9d  %s/promptmargin/%s" % (size, FIXTURES_REL, path))
        total += size
    print("total %.3f MB" % (total / 1e6))


def run_promptmargin_big(args):
    """--promptmargin-big DIR: prompt-tuning outputs for the --big vit-b-32 model in DIR.

    Uses DIR/state_dict.pt and DIR/images (written by --big vit-b-32; rebuilt with the same
    code path and seed when missing), the real BPE, N = 5 classes, M = --pm-views views per
    class (15), n_ctx 2, depth 9, --pm-steps steps (20). Writes DIR/promptmargin/.
    """
    import clip_tokenizer
    import promptmargin_ref as pmr
    out = os.path.abspath(args.promptmargin_big)
    bpe = args.bpe or os.path.join(os.path.dirname(REPO_DIR), "shared", "data",
                                   "bpe_simple_vocab_16e6.txt.gz")
    if not os.path.exists(bpe):
        raise SystemExit("--promptmargin-big needs --bpe PATH to bpe_simple_vocab_16e6.txt.gz")
    cfg = big_config("vit-b-32")
    sd_path = os.path.join(out, "state_dict.pt")
    seed = args.seed
    if os.path.exists(os.path.join(out, "manifest.json")):
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            big_manifest = json.load(f)
        seed = big_manifest["models"]["vit-b-32"]["seed"]
    if os.path.exists(sd_path):
        clip32 = pmr.load_clip(torch.load(sd_path), cfg)
    else:
        print("  %s missing: building the --big vit-b-32 model (seed %d)" % (sd_path, seed))
        clip32 = make_model(cfg, seed, True)
    images = make_images(os.path.join(out, "images"), IMAGE_SPECS + BIG_EXTRA_IMAGES) \
        if not os.path.isdir(os.path.join(out, "images")) else \
        [{"path": os.path.join(out, "images", s[0])} for s in IMAGE_SPECS + BIG_EXTRA_IMAGES]
    paths = [im["path"] for im in images]
    tok = clip_tokenizer.ClipTokenizer(bpe)
    pm_dir = os.path.join(out, "promptmargin")
    n_ctx, depth = 2, 9
    entry = write_promptmargin(clip32, pm_dir, PM_BIG_CLASSES, tok, paths, args.pm_views, n_ctx,
                               depth, args.pm_steps, os.path.abspath, "vit-b-32",
                               chunk=args.pm_chunk, fd=False,
                               f32_tags=[] if args.pm_no_f32 else ["promptmargin_text"],
                               record_timing=True,
                               run_tags=args.pm_runs.split(",") if args.pm_runs else None)
    timing = None
    if args.pm_time_views:
        ids = pmr.tokenize_prompts(tok, PM_BIG_CLASSES, n_ctx, cfg.context_length)
        values = pmr.init_prompts(clip32, ids, n_ctx, depth, PM_SEED)
        pixels, labels, _ = training_views(paths, len(PM_BIG_CLASSES), args.pm_time_views,
                                           cfg.image_size)
        timing = time_promptmargin_step(clip32, ids, values, pixels, labels, n_ctx, depth,
                                        args.pm_time_chunk, args.pm_time_steps)
    entry = collections.OrderedDict(
        [("generator", " ".join(["tools/make_fixtures.py"] + sys.argv[1:])),
         ("model", "vit-b-32"), ("state_dict", sd_path), ("seed", seed),
         ("bpe", os.path.abspath(bpe)), ("torch_threads", torch.get_num_threads()),
         ("torch_blas", "BLAS_INFO=generic" if "BLAS_INFO=generic" in torch.__config__.show()
          else "see torch.__config__.show()"),
         ("chunk", args.pm_chunk), ("timing_promptmargin_step", timing),
         ("reduced", None if (args.pm_views, args.pm_steps) == (15, PM_STEPS) else
          "run with %d views per class and %d steps instead of 15 and %d: float64 autograd on "
          "this machine's torch (reference BLAS) costs several seconds per view and step"
          % (args.pm_views, args.pm_steps, PM_STEPS))] +
        list(entry.items()))
    with open(os.path.join(pm_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(entry, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for path, size in file_sizes(pm_dir):
        print("  %11d  %s" % (size, os.path.join(pm_dir, path)))


# =============================================================================================
# Drivers.
# =============================================================================================

def file_sizes(root):
    """(relative path, size) of every file under root, sorted."""
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            out.append((os.path.relpath(p, root), os.path.getsize(p)))
    return sorted(out)


def clean_owned_files(fix_dir):
    """Delete files this script owns under fix_dir (keeps tokens_* files of the tokenizer tests)."""
    for sub in ("tinyA", "tinyB", "images"):
        root = os.path.join(fix_dir, sub)
        if not os.path.isdir(root):
            continue
        for rel_path, _ in file_sizes(root):
            if not os.path.basename(rel_path).startswith("tokens_"):
                os.remove(os.path.join(root, rel_path))


def preprocess_manifest(note_sizes):
    """Description of the two preprocessing variants (for the C implementation)."""
    return {
        "clip": {
            "steps": "PIL open, convert('RGB') (a PGM's gray value goes to all 3 channels); "
                     "torchvision Resize(S, BICUBIC) (shorter side to S, "
                     "longer side int(S*long/short), PIL resampling with antialias); "
                     "CenterCrop(S) (offset int(round((side-S)/2)), Python round = half to even); "
                     "ToTensor (/255); Normalize(mean, std)",
            "mean": list(CLIP_MEAN), "std": list(CLIP_STD)},
        "paper": {
            "steps": "PIL open, convert('RGB'); torchvision Resize((R, R), BILINEAR) with "
                     "R = floor(S*257/224 + 0.5) (aspect not kept; 257 for S=224); CenterCrop(S) "
                     "(offset int(round((R-S)/2)), half to even); ToTensor; Normalize(mean, std)",
            "resize_formula": "R = floor(S * 257 / 224 + 0.5)", "R_for": note_sizes,
            "crop_offset_examples": "R=37,S=32 -> round(2.5) = 2; R=55,S=48 -> round(3.5) = 4; "
                                    "R=257,S=224 -> round(16.5) = 16",
            "mean": list(IMAGENET_MEAN), "std": list(IMAGENET_STD)},
    }


def run_tiny(args):
    """Regenerate everything under tests/fixtures deterministically."""
    fix_dir = os.path.join(REPO_DIR, FIXTURES_REL)
    os.makedirs(fix_dir, exist_ok=True)
    clean_owned_files(fix_dir)

    def rel(p):
        return os.path.relpath(p, REPO_DIR)

    bpe_path = os.path.join(fix_dir, "tiny_bpe.txt")
    merges = train_bpe(caption_corpus(), TINY_N_MERGES)
    if len(merges) != TINY_N_MERGES:
        raise SystemExit("toy BPE learned only %d merges" % len(merges))
    write_merges(bpe_path, merges)
    vocab = len(vocab_list(merges))
    print("wrote %s (%d merges, vocab %d)" % (rel(bpe_path), len(merges), vocab))

    images = make_images(os.path.join(fix_dir, "images"), IMAGE_SPECS)
    paths = [im["path"] for im in images]
    for im in images:
        im["path"] = rel(im["path"])

    models = {}
    # (name, config, seed, fp16-exact weights, {format: storage dtypes}, logit_scale)
    specs = [
        ("tinyA", tiny_a_config(vocab), 1001, True,
         {"openai-jit": "mixed", "state-dict": "fp32", "open-clip": "mixed",
          "safetensors": "mixed", "hf": "mixed"}, math.log(100.0) - 0.3),
        ("tinyB", tiny_b_config(vocab), 2002, False, {"state-dict": "fp32"},
         math.log(100.0) - 0.7),
    ]
    for name, cfg, seed, fp16_exact, formats, scale in specs:
        models[name] = build_model_fixtures(
            name, cfg, seed, fp16_exact, formats, os.path.join(fix_dir, name), paths,
            FIXTURE_CAPTIONS, merges, bpe_path, None, rel(bpe_path), rel, args.hf_bin, scale)

    manifest = {
        "generator": "tools/make_fixtures.py (reference model tools/clip_ref.py), run with "
                     "Debian python3-torch %s" % torch.__version__,
        "paths_relative_to": "repository root",
        "bpe": {"path": rel(bpe_path), "n_merges": len(merges), "vocab_size": vocab,
                "sot_id": vocab - 2, "eot_id": vocab - 1},
        "images": images,
        "captions": FIXTURE_CAPTIONS,
        "preprocess": preprocess_manifest({str(c.image_size): paper_resize_size(c.image_size)
                                           for _, c, _, _, _, _ in specs}),
        "expected_notes": "float32 .npy (v1.0, '<f4' / '<i4', C order) computed in float64 by "
                          "tools/clip_ref.py. image_embeds/text_embeds are unnormalised; "
                          "logits = exp(logit_scale) * cosine [n_images, n_texts]; probs = "
                          "softmax of logits over the texts. image_embeds use pixels_clip. "
                          "When weights_fp16_exact is true, every tensor of the model holds the "
                          "same fp16-representable values in every checkpoint format, so one set "
                          "of expected outputs serves all of them.",
        "models": models,
    }
    manifest["promptmargin"] = promptmargin_tiny_entry(fix_dir, manifest, rel)
    with open(os.path.join(fix_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

    total = 0
    for path, size in file_sizes(fix_dir):
        if not os.path.basename(path).startswith("tokens_"):
            print("  %9d  %s/%s" % (size, FIXTURES_REL, path))
            total += size
    print("total %.2f MB (excluding tokens_*)" % (total / 1e6))


def run_big(args):
    """Random ViT-B-shaped model in every format + expected outputs, under args.out."""
    if not args.out:
        raise SystemExit("--big needs --out DIR")
    if not args.bpe or not os.path.exists(args.bpe):
        raise SystemExit("--big needs --bpe PATH to bpe_simple_vocab_16e6.txt[.gz]")
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    merges = read_merges(args.bpe, CLIP_N_MERGES)
    cfg = big_config(args.big)
    assert len(vocab_list(merges)) == cfg.vocab_size
    images = make_images(os.path.join(out, "images"), IMAGE_SPECS + BIG_EXTRA_IMAGES)
    paths = [im["path"] for im in images]
    formats = {"openai-jit": "mixed", "state-dict": "fp32", "open-clip": "fp32",
               "safetensors": "fp32", "hf": "fp32"}
    entry = build_model_fixtures(args.big, cfg, args.seed, True, formats, out, paths,
                                 BIG_CAPTIONS, merges, args.bpe, CLIP_N_MERGES,
                                 os.path.abspath(args.bpe), os.path.abspath, True)
    manifest = {"generator": "tools/make_fixtures.py --big %s" % args.big,
                "paths_relative_to": "absolute", "images": images, "captions": BIG_CAPTIONS,
                "preprocess": preprocess_manifest({"224": paper_resize_size(224)}),
                "models": {args.big: entry}}
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for path, size in file_sizes(out):
        print("  %11d  %s" % (size, path))


def run_image_fixtures():
    """The decoder, JPEG and augmentation fixtures, each made by its own script (PIL 9.4 and
    torchvision 0.14 are the references there)."""
    import subprocess
    tools = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tools)
    for script, extra in (("fixtures_decoders.py", []), ("fixtures_jpeg.py", []),
                          ("fixtures_augment.py", ["--repo", root, "--out",
                                                   os.path.join(root, "tests", "fixtures",
                                                                "augment")])):
        print("running", script)
        subprocess.run([sys.executable, os.path.join(tools, script)] + extra, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--big", choices=["vit-b-32", "vit-b-16"],
                    help="write a random ViT-B-shaped model instead of the committed fixtures")
    ap.add_argument("--out", help="output directory for --big")
    ap.add_argument("--bpe", help="CLIP merge list for --big (bpe_simple_vocab_16e6.txt.gz)")
    ap.add_argument("--seed", type=int, default=3003, help="seed of the --big model")
    ap.add_argument("--hf-bin", action="store_true",
                    help="also write pytorch_model.bin in the tiny HF directory (always in --big)")
    ap.add_argument("--promptmargin", action="store_true",
                    help="only (re)generate tests/fixtures/promptmargin (prompt-tuning fixtures) "
                         "and the 'promptmargin' entry of tests/fixtures/manifest.json")
    ap.add_argument("--promptmargin-big", metavar="DIR",
                    help="prompt-tuning outputs for the --big vit-b-32 model in DIR "
                         "(written to DIR/promptmargin)")
    ap.add_argument("--pm-views", type=int, default=15,
                    help="views per class for --promptmargin-big")
    ap.add_argument("--pm-steps", type=int, default=PM_STEPS,
                    help="SGD steps for --promptmargin-big")
    ap.add_argument("--pm-chunk", type=int, default=None,
                    help="views per chunk of the image backward for --promptmargin-big "
                         "(default: one graph for all views)")
    ap.add_argument("--pm-time-views", type=int, default=0,
                    help="--promptmargin-big: also time promptmargin steps on N x this many "
                         "views in float64 and float32 (0: no timing)")
    ap.add_argument("--pm-time-steps", type=int, default=1,
                    help="steps timed per dtype with --pm-time-views")
    ap.add_argument("--pm-runs", metavar="TAG,...",
                    help="--promptmargin-big: only these runs (%s; default all)"
                    % ",".join(r[0] for r in PM_RUNS))
    ap.add_argument("--pm-no-f32", action="store_true",
                    help="--promptmargin-big: skip the float32 repeat of promptmargin_text")
    ap.add_argument("--pm-time-chunk", type=int, default=None,
                    help="chunk for the timed steps (default: one graph)")
    ap.add_argument("--images", action="store_true",
                    help="regenerate the image fixtures instead: tests/fixtures/decoders "
                         "(tools/fixtures_decoders.py), tests/fixtures/jpeg "
                         "(tools/fixtures_jpeg.py; needs cjpeg from libjpeg-turbo-progs) and "
                         "tests/fixtures/augment (tools/fixtures_augment.py)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if args.images:
        run_image_fixtures()
    elif args.promptmargin_big:
        run_promptmargin_big(args)
    elif args.promptmargin:
        run_promptmargin(args)
    elif args.big:
        run_big(args)
    else:
        run_tiny(args)


if __name__ == "__main__":
    main()
