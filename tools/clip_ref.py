#!/usr/bin/env python3
"""Independent PyTorch reference implementation of a CLIP ViT model (OpenAI layout).

This is the numerical ground truth the C library is tested against. It is written from the
model description (pre-LN transformer blocks, class token, causal text tower, EOT pooling) and
keeps the OpenAI ``state_dict`` names exactly, so checkpoints written from it look like OpenAI's:

    visual.conv1.weight [W,3,P,P]            token_embedding.weight [V,w]
    visual.class_embedding [W]               positional_embedding [ctx,w]
    visual.positional_embedding [G*G+1,W]    transformer.resblocks.{i}.*
    visual.ln_pre.{weight,bias}              ln_final.{weight,bias}
    visual.transformer.resblocks.{i}.*       text_projection [w,D]
    visual.ln_post.{weight,bias}             logit_scale []
    visual.proj [W,D]

    block: ln_1, attn.in_proj_weight [3W,W], attn.in_proj_bias [3W],
           attn.out_proj.{weight,bias}, ln_2, mlp.c_fc.{weight,bias}, mlp.c_proj.{weight,bias}

Every layer casts its parameters to the dtype of its input, so a model whose weights are stored
in fp16 (like OpenAI's released archives) still computes in the dtype of its LayerNorms
(float32, or float64 after ``model.double()``). Expected outputs are computed in float64.

Requires Debian's python3-torch (torch 1.13): run with /usr/bin/python3.
"""

import copy
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = ("quick_gelu", "gelu")


@dataclass
class ClipConfig:
    """Hyper-parameters of a CLIP ViT model (defaults: OpenAI ViT-B/32)."""

    image_size: int = 224
    patch_size: int = 32
    vision_width: int = 768
    vision_layers: int = 12
    vision_heads: int = 12
    vision_mlp: int = 3072
    context_length: int = 77
    vocab_size: int = 49408
    text_width: int = 512
    text_layers: int = 12
    text_heads: int = 8
    text_mlp: int = 2048
    embed_dim: int = 512
    act: str = "quick_gelu"
    ln_eps: float = 1e-5

    @property
    def grid(self):
        """Number of patches along one side of the image."""
        return self.image_size // self.patch_size

    def validate(self):
        """Raise ValueError when the hyper-parameters are inconsistent."""
        if self.act not in ACTIVATIONS:
            raise ValueError("act must be one of %s" % (ACTIVATIONS,))
        if self.image_size % self.patch_size:
            raise ValueError("image_size must be a multiple of patch_size")
        if self.vision_width % self.vision_heads or self.text_width % self.text_heads:
            raise ValueError("width must be a multiple of heads in each tower")

    def to_dict(self):
        """Plain dict of all hyper-parameters (for manifests)."""
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Layers. Parameter names are chosen so that state_dict keys match OpenAI's.
# ---------------------------------------------------------------------------------------------

class Linear(nn.Module):
    """y = x @ weight.T + bias, with weight [out, in] and bias [out]."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_out, n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return F.linear(x, self.weight.to(x.dtype), self.bias.to(x.dtype))


class LayerNorm(nn.Module):
    """LayerNorm over the last dimension: (x - mean) / sqrt(biased var + eps) * weight + bias."""

    def __init__(self, width, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        centred = x - mean
        var = (centred * centred).mean(dim=-1, keepdim=True)
        normed = centred / torch.sqrt(var + self.eps)
        return normed * self.weight.to(x.dtype) + self.bias.to(x.dtype)


class PatchEmbed(nn.Module):
    """Non-overlapping P x P convolution without bias: weight [W, 3, P, P]."""

    def __init__(self, width, patch):
        super().__init__()
        self.patch = patch
        self.weight = nn.Parameter(torch.zeros(width, 3, patch, patch))

    def forward(self, x):
        return F.conv2d(x, self.weight.to(x.dtype), stride=self.patch)


class Embedding(nn.Module):
    """Lookup table: weight [vocab, width]; forward(ids, dtype) -> [..., width]."""

    def __init__(self, vocab, width):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(vocab, width))

    def forward(self, ids, dtype):
        return self.weight.to(dtype)[ids]


def quick_gelu(x):
    """OpenAI's GELU approximation x * sigmoid(1.702 x)."""
    return x * torch.sigmoid(1.702 * x)


def exact_gelu(x):
    """GELU with the exact erf: 0.5 x (1 + erf(x / sqrt 2))."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class MultiHeadSelfAttention(nn.Module):
    """Self-attention with packed q/k/v projection (rows q, then k, then v) and out_proj.

    Input and output [N, L, W]. Scores are scaled by 1/sqrt(head_dim); with ``causal`` a token
    attends only to itself and earlier tokens.
    """

    def __init__(self, width, heads, causal):
        super().__init__()
        self.heads = heads
        self.causal = causal
        self.in_proj_weight = nn.Parameter(torch.zeros(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * width))
        self.out_proj = Linear(width, width)

    def forward(self, x):
        n, length, width = x.shape
        head_dim = width // self.heads
        qkv = F.linear(x, self.in_proj_weight.to(x.dtype), self.in_proj_bias.to(x.dtype))
        q, k, v = qkv.split(width, dim=-1)
        # [N, L, W] -> [N, H, L, head_dim]
        q = q.reshape(n, length, self.heads, head_dim).transpose(1, 2)
        k = k.reshape(n, length, self.heads, head_dim).transpose(1, 2)
        v = v.reshape(n, length, self.heads, head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(head_dim))
        if self.causal:
            future = torch.ones(length, length, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(future, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(n, length, width)
        return self.out_proj(out)


class MLP(nn.Module):
    """c_proj(act(c_fc(x))) with c_fc [mlp, W] and c_proj [W, mlp]."""

    def __init__(self, width, hidden, act):
        super().__init__()
        self.act = act
        self.c_fc = Linear(width, hidden)
        self.c_proj = Linear(hidden, width)

    def forward(self, x):
        h = self.c_fc(x)
        h = quick_gelu(h) if self.act == "quick_gelu" else exact_gelu(h)
        return self.c_proj(h)


class ResidualBlock(nn.Module):
    """Pre-LN block: x += attn(ln_1(x)); x += mlp(ln_2(x))."""

    def __init__(self, width, heads, hidden, act, causal, eps):
        super().__init__()
        self.ln_1 = LayerNorm(width, eps)
        self.attn = MultiHeadSelfAttention(width, heads, causal)
        self.ln_2 = LayerNorm(width, eps)
        self.mlp = MLP(width, hidden, act)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    """A stack of residual blocks named resblocks.0, resblocks.1, ..."""

    def __init__(self, width, layers, heads, hidden, act, causal, eps):
        super().__init__()
        self.resblocks = nn.ModuleList(
            [ResidualBlock(width, heads, hidden, act, causal, eps) for _ in range(layers)])

    def forward(self, x, capture=None, prefix=""):
        """Run the blocks on x [N, L, W]; block i's output goes to capture[prefix + 'block{i}']."""
        for i, block in enumerate(self.resblocks):
            x = block(x)
            if capture is not None:
                capture["%sblock%d" % (prefix, i)] = x
        return x


class VisionTower(nn.Module):
    """ViT image encoder: patches + class token + positions, ln_pre, blocks, ln_post(x0) @ proj."""

    def __init__(self, cfg):
        super().__init__()
        width = cfg.vision_width
        self.conv1 = PatchEmbed(width, cfg.patch_size)
        self.class_embedding = nn.Parameter(torch.zeros(width))
        self.positional_embedding = nn.Parameter(torch.zeros(cfg.grid * cfg.grid + 1, width))
        self.ln_pre = LayerNorm(width, cfg.ln_eps)
        self.transformer = Transformer(width, cfg.vision_layers, cfg.vision_heads, cfg.vision_mlp,
                                       cfg.act, causal=False, eps=cfg.ln_eps)
        self.ln_post = LayerNorm(width, cfg.ln_eps)
        self.proj = nn.Parameter(torch.zeros(width, cfg.embed_dim))

    def forward(self, pixels, capture=None):
        """pixels [N, 3, S, S] (already normalised) -> image embeddings [N, D]."""
        dtype = self.ln_pre.weight.dtype
        x = self.conv1(pixels.to(dtype))                      # [N, W, G, G]
        x = x.flatten(2).transpose(1, 2)                      # [N, G*G, W], row-major patches
        cls = self.class_embedding.to(dtype).expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1)                        # [N, G*G+1, W]
        x = x + self.positional_embedding.to(dtype)
        if capture is not None:
            capture["vision_embed"] = x
        x = self.ln_pre(x)
        if capture is not None:
            capture["vision_ln_pre"] = x
        x = self.transformer(x, capture, "vision_")
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj.to(dtype)


class CLIP(nn.Module):
    """Both towers plus logit_scale; forward(image, text) -> logits per image [N_img, N_txt]."""

    def __init__(self, cfg):
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        width = cfg.text_width
        self.visual = VisionTower(cfg)
        self.token_embedding = Embedding(cfg.vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.zeros(cfg.context_length, width))
        self.transformer = Transformer(width, cfg.text_layers, cfg.text_heads, cfg.text_mlp,
                                       cfg.act, causal=True, eps=cfg.ln_eps)
        self.ln_final = LayerNorm(width, cfg.ln_eps)
        self.text_projection = nn.Parameter(torch.zeros(width, cfg.embed_dim))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, pixels, capture=None):
        """pixels [N, 3, S, S] -> unnormalised image embeddings [N, D]."""
        return self.visual(pixels, capture)

    def encode_text(self, ids, capture=None):
        """ids [N, ctx] (SOT ... EOT, 0-padded; EOT is the largest id) -> text embeddings [N, D]."""
        dtype = self.ln_final.weight.dtype
        x = self.token_embedding(ids, dtype) + self.positional_embedding.to(dtype)
        if capture is not None:
            capture["text_embed"] = x
        x = self.transformer(x, capture, "text_")
        x = self.ln_final(x)
        eot = ids.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        return pooled @ self.text_projection.to(dtype)

    def forward(self, pixels, ids):
        """Scaled cosine similarities exp(logit_scale) * <img/|img|, txt/|txt|>, [N_img, N_txt]."""
        img = self.encode_image(pixels)
        txt = self.encode_text(ids)
        img = img / img.norm(dim=-1, keepdim=True)
        txt = txt / txt.norm(dim=-1, keepdim=True)
        return self.logit_scale.exp().to(img.dtype) * img @ txt.t()


# ---------------------------------------------------------------------------------------------
# Initialisation, loading, float64 reference.
# ---------------------------------------------------------------------------------------------

def _fill_normal(param, std, gen, mean=0.0):
    """Overwrite param in place with mean + std * N(0, 1) drawn from generator gen."""
    with torch.no_grad():
        param.copy_(mean + std * torch.randn(param.shape, generator=gen, dtype=torch.float64))


def _init_transformer(tf, width, layers, gen):
    """OpenAI-style init of one tower's blocks, plus random LayerNorms and biases."""
    attn_std = width ** -0.5
    proj_std = (width ** -0.5) * ((2 * layers) ** -0.5)
    fc_std = (2 * width) ** -0.5
    for block in tf.resblocks:
        _fill_normal(block.attn.in_proj_weight, attn_std, gen)
        _fill_normal(block.attn.out_proj.weight, proj_std, gen)
        _fill_normal(block.mlp.c_fc.weight, fc_std, gen)
        _fill_normal(block.mlp.c_proj.weight, proj_std, gen)
        for bias in (block.attn.in_proj_bias, block.attn.out_proj.bias,
                     block.mlp.c_fc.bias, block.mlp.c_proj.bias):
            _fill_normal(bias, 0.02, gen)
        _init_layernorm(block.ln_1, gen)
        _init_layernorm(block.ln_2, gen)


def _init_layernorm(ln, gen):
    """LayerNorm weight 1 + 0.1 N(0,1), bias 0.1 N(0,1): never trivially one/zero."""
    _fill_normal(ln.weight, 0.1, gen, mean=1.0)
    _fill_normal(ln.bias, 0.1, gen)


def init_random(model, seed, logit_scale=math.log(100.0) - 0.3):
    """Deterministically randomise every parameter of model (OpenAI-style scales).

    No tensor is left at a trivial value (all ones / all zeros), so a test fails if the
    C code swaps two tensors of the same shape.
    """
    cfg = model.cfg
    gen = torch.Generator().manual_seed(seed)
    vis = model.visual
    vscale = cfg.vision_width ** -0.5
    _fill_normal(vis.conv1.weight, (3 * cfg.patch_size * cfg.patch_size) ** -0.5, gen)
    _fill_normal(vis.class_embedding, vscale, gen)
    _fill_normal(vis.positional_embedding, vscale, gen)
    _init_layernorm(vis.ln_pre, gen)
    _init_transformer(vis.transformer, cfg.vision_width, cfg.vision_layers, gen)
    _init_layernorm(vis.ln_post, gen)
    _fill_normal(vis.proj, vscale, gen)

    _fill_normal(model.token_embedding.weight, 0.02, gen)
    _fill_normal(model.positional_embedding, 0.01, gen)
    _init_transformer(model.transformer, cfg.text_width, cfg.text_layers, gen)
    _init_layernorm(model.ln_final, gen)
    _fill_normal(model.text_projection, cfg.text_width ** -0.5, gen)
    with torch.no_grad():
        model.logit_scale.fill_(logit_scale)
    return model


def is_layernorm_or_scale(name):
    """True for tensors OpenAI's convert_weights leaves in float32 (LayerNorms, logit_scale)."""
    return name == "logit_scale" or ".ln_" in name or name.startswith("ln_")


def openai_fp16_dtypes(state_dict):
    """Copy of state_dict with OpenAI's mixed precision: fp16 except LayerNorms and logit_scale."""
    out = {}
    for name, t in state_dict.items():
        out[name] = t.float() if is_layernorm_or_scale(name) else t.half()
    return out


def round_to_fp16(model):
    """Round in place every tensor that an OpenAI archive stores in fp16 to fp16 precision."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not is_layernorm_or_scale(name):
                p.copy_(p.half().float())
    return model


def config_from_state_dict(sd, act="quick_gelu", vision_heads=None, text_heads=None):
    """Infer a ClipConfig from OpenAI-named tensors; heads default to width // 64 (OpenAI rule)."""
    conv = sd["visual.conv1.weight"]
    vision_width, patch = conv.shape[0], conv.shape[-1]
    grid = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    text_width = sd["ln_final.weight"].shape[0]

    def count(prefix):
        return len({k.split(".")[len(prefix.rstrip(".").split("."))] for k in sd
                    if k.startswith(prefix) and k.endswith("attn.in_proj_weight")})

    return ClipConfig(
        image_size=grid * patch, patch_size=patch, vision_width=vision_width,
        vision_layers=count("visual.transformer.resblocks."),
        vision_heads=vision_heads or max(1, vision_width // 64),
        vision_mlp=sd["visual.transformer.resblocks.0.mlp.c_fc.weight"].shape[0],
        context_length=sd["positional_embedding"].shape[0],
        vocab_size=sd["token_embedding.weight"].shape[0], text_width=text_width,
        text_layers=count("transformer.resblocks."),
        text_heads=text_heads or max(1, text_width // 64),
        text_mlp=sd["transformer.resblocks.0.mlp.c_fc.weight"].shape[0],
        embed_dim=sd["text_projection"].shape[1], act=act)


def load_state_dict(sd, act="quick_gelu", vision_heads=None, text_heads=None):
    """Build a float32 CLIP from an OpenAI-named state dict (strict: every name must match)."""
    cfg = config_from_state_dict(sd, act, vision_heads, text_heads)
    model = CLIP(cfg)
    model.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True)
    return model.eval()


@torch.no_grad()
def reference_outputs(model, pixels, ids, capture=None):
    """Both towers in float64 on a copy of model.

    Returns a dict of float64 tensors: image_embeds [n, D], text_embeds [m, D] (unnormalised),
    logits [n, m] = exp(logit_scale) * cosine, probs [n, m] = softmax over the m texts.
    With ``capture`` (a dict), intermediate activations of the first image / text are added.
    """
    m64 = copy.deepcopy(model).double().eval()
    img = m64.encode_image(pixels.double(), capture)
    txt = m64.encode_text(ids, capture)
    return _heads(m64, img, txt)


@torch.no_grad()
def float32_outputs(model, pixels, ids):
    """Same as reference_outputs but computed in float32 (to measure rounding error)."""
    m32 = copy.deepcopy(model).float().eval()
    img = m32.encode_image(pixels.float())
    txt = m32.encode_text(ids)
    return _heads(m32, img, txt)


def _heads(model, img, txt):
    """Logits and probabilities from unnormalised embeddings."""
    cos = (img / img.norm(dim=-1, keepdim=True)) @ (txt / txt.norm(dim=-1, keepdim=True)).t()
    logits = model.logit_scale.exp().to(cos.dtype) * cos
    return {"image_embeds": img, "text_embeds": txt, "logits": logits,
            "probs": torch.softmax(logits, dim=-1)}
