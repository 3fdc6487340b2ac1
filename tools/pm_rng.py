#!/usr/bin/env python3
"""The random numbers of promptmargin.h, in plain Python (standard library only).

Every random choice the library makes (episode sampling, augmentation, initialisation) comes
from the generator below, and this module reproduces it bit for bit, so anyone can recompute
which crop, which factors and which flip a given (seed, episode, view) produced, and redo the
view with PIL (see `view_params` and the recipe at the end of this docstring).

Generator: PCG32, XSH-RR variant (M. E. O'Neill, "PCG: A Family of Simple Fast
Space-Efficient Statistically Good Algorithms for Random Number Generation", 2014).
  - state: 64-bit LCG  state' = state * 6364136223846793005 + inc  (mod 2^64)
  - inc:   (stream << 1) | 1 (odd; stream is taken mod 2^63)
  - output of one step, from the state *before* the step:
        x = ((old >> 18) ^ old) >> 27  (low 32 bits),  rot = old >> 59,
        u32 = rotate_right_32(x, rot)
  - seeding (seed, stream): state = 0, inc = (stream << 1) | 1, step once, state += seed,
    step once (both outputs discarded).

Derived values (all built from u32 draws only, in this exact way):
  - uniform():  a = u32() >> 5 (27 bits, drawn first), b = u32() >> 6 (26 bits);
                (a * 2^26 + b) / 2^53, a double in [0, 1) with 53 random bits
                (the same construction as CPython's random.random()).
  - below(n):   unbiased integer in [0, n) for 1 <= n <= 2^32 - 1 (Lemire, "Fast Random
                Integer Generation in an Interval", 2019): m = u32() * n (64-bit);
                if (m mod 2^32) < n, let t = (2^32 - n) mod n and redraw while
                (m mod 2^32) < t; return m >> 32. At least one u32 per call; below(0) = 0
                with no draw.
  - normal():   Box-Muller, cosine branch only: u1 = uniform(), u2 = uniform(),
                sqrt(-2 log(1 - u1)) * cos(6.283185307179586 * u2). Two uniforms (four u32)
                per normal, nothing cached. log and cos come from the C library (CPython calls
                the platform's libm, as the C code does): identical on one machine, and may
                differ in the last bit across C libraries.

Key derivation (streams independent of thread scheduling): derive(seed, a, b) chains the
splitmix64 finaliser: h = mix(seed + G); h = mix((h ^ a) + G); h = mix((h ^ b) + G), with
G = 0x9E3779B97F4A7C15 and mix(z) = z ^= z >> 30, z *= 0xBF58476D1CE4E5B9, z ^= z >> 27,
z *= 0x94D049BB133111EB, z ^= z >> 31 (all mod 2^64).

Augmented view (method section 4), in draw order, from one generator:
  1. RandomResizedCrop parameters, torchvision's get_params algorithm in double precision:
     area = W * H; for up to 10 tries:
        target = area * (0.08 + (1 - 0.08) * uniform())                 # draw 1 of the try
        ratio  = exp(lo + (hi - lo) * uniform())                            # draw 2
                 lo = log(3/4) = -0.2876820724517809, hi = log(4/3) = 0.28768207245178085
                 (these literals, correctly rounded; exp is the C library's)
        cw = round(sqrt(target * ratio)), ch = round(sqrt(target / ratio))  # half to even
        if 0 < cw <= W and 0 < ch <= H:
            y = below(H - ch + 1)       # top, first (torch.randint(0, H - h + 1))
            x = below(W - cw + 1)       # left, second
            done
     after 10 failures (no further draws): centre crop of the whole image, its aspect ratio
     clamped to [3/4, 4/3]: W/H < 3/4 -> cw = W, ch = round(W / 0.75);
     W/H > 4/3 -> ch = H, cw = round(H * (4/3)); else the whole image;
     y = (H - ch) // 2, x = (W - cw) // 2.
  2. brightness factor  1 + 0.4 * (2 * uniform() - 1)
  3. contrast factor    1 + 0.4 * (2 * uniform() - 1)
  4. colour factor      1 + 0.4 * (2 * uniform() - 1)
  5. flip = uniform() < 0.5
Every product above is rounded on its own before the addition (Python never fuses; the C
code keeps compilers from making an FMA), so the parameters are bit-identical in C and here.

Applying them with PIL reproduces the C view bit-exactly (uint8 after every step, float32
at the end), given an RGB image `im` (PIL's convert("RGB")):
    v = im.crop((x, y, x + cw, y + ch)).resize((S, S), Image.BILINEAR)
    v = ImageEnhance.Brightness(v).enhance(fb)
    v = ImageEnhance.Contrast(v).enhance(fc)
    v = ImageEnhance.Color(v).enhance(fs)
    if flip: v = v.transpose(Image.FLIP_LEFT_RIGHT)
    out[c, i, j] = (float32(v[i, j, c]) / 255 - mean[c]) / std[c]   # all float32
(that is torchvision's resized_crop, adjust_brightness/contrast/saturation, hflip, to_tensor
and normalize on a PIL image).

Command line (used by the C cross-checks):
    pm_rng.py dump KIND SEED STREAM COUNT [N]   KIND: u32 | uniform | below | normal
                                                (one value per line; doubles as repr())
    pm_rng.py derive SEED A B
    pm_rng.py view SEED STREAM W H              the parameters of one augmented view
"""

import math
import sys

MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1
PCG_MULT = 6364136223846793005
GOLDEN = 0x9E3779B97F4A7C15
# log(3/4) and log(4/3 as a double), correctly rounded (what glibc's math.log returns too)
LOG_3_4 = -0.2876820724517809
LOG_4_3 = 0.28768207245178085


class PCG32:
    """PCG32 XSH-RR generator: 64-bit state, odd increment selecting the stream."""

    def __init__(self, seed, stream=0):
        self.state = 0
        self.inc = ((stream << 1) | 1) & MASK64
        self.u32()
        self.state = (self.state + seed) & MASK64
        self.u32()

    def u32(self):
        old = self.state
        self.state = (old * PCG_MULT + self.inc) & MASK64
        x = (((old >> 18) ^ old) >> 27) & MASK32
        rot = old >> 59
        return ((x >> rot) | (x << ((32 - rot) & 31))) & MASK32

    def uniform(self):
        a = self.u32() >> 5
        b = self.u32() >> 6
        return (a * 67108864 + b) / 9007199254740992.0

    def below(self, n):
        if n == 0:
            return 0
        if not 0 < n <= MASK32:
            raise ValueError("below: n must be in [0, 2^32)")
        m = self.u32() * n
        low = m & MASK32
        if low < n:
            t = ((1 << 32) - n) % n
            while low < t:
                m = self.u32() * n
                low = m & MASK32
        return m >> 32

    def normal(self):
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(6.283185307179586 * u2)


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def derive(seed, a, b):
    """A 64-bit key for (seed, a, b), e.g. (seed, episode, view): chained splitmix64."""
    h = _mix64((seed + GOLDEN) & MASK64)
    h = _mix64(((h ^ (a & MASK64)) + GOLDEN) & MASK64)
    return _mix64(((h ^ (b & MASK64)) + GOLDEN) & MASK64)


def lerp(lo, hi, u):
    """lo + (hi - lo) * u, product rounded before the sum (as torch's uniform_(lo, hi))."""
    return lo + (hi - lo) * u


def rrc_params(rng, width, height, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0)):
    """torchvision RandomResizedCrop.get_params drawing from `rng`: returns (x, y, cw, ch)."""
    area = float(width * height)
    if tuple(ratio) == (3.0 / 4.0, 4.0 / 3.0):
        log_lo, log_hi = LOG_3_4, LOG_4_3   # the C code's constants
    else:
        log_lo, log_hi = math.log(ratio[0]), math.log(ratio[1])
    for _ in range(10):
        target = area * lerp(scale[0], scale[1], rng.uniform())
        aspect = math.exp(lerp(log_lo, log_hi, rng.uniform()))
        cw = int(round(math.sqrt(target * aspect)))
        ch = int(round(math.sqrt(target / aspect)))
        if 0 < cw <= width and 0 < ch <= height:
            y = rng.below(height - ch + 1)
            x = rng.below(width - cw + 1)
            return x, y, cw, ch
    in_ratio = float(width) / float(height)
    if in_ratio < min(ratio):
        cw = width
        ch = int(round(cw / min(ratio)))
    elif in_ratio > max(ratio):
        ch = height
        cw = int(round(ch * max(ratio)))
    else:
        cw, ch = width, height
    return (width - cw) // 2, (height - ch) // 2, cw, ch


def enhance_factor(rng, strength=0.4):
    """1 + strength * (2u - 1): an ImageEnhance factor in [1 - strength, 1 + strength)."""
    return 1.0 + strength * (2.0 * rng.uniform() - 1.0)


def view_params(rng, width, height):
    """All random parameters of one augmented view, drawn in the library's order."""
    x, y, cw, ch = rrc_params(rng, width, height)
    brightness = enhance_factor(rng)
    contrast = enhance_factor(rng)
    colour = enhance_factor(rng)
    flip = rng.uniform() < 0.5
    return {"x": x, "y": y, "cw": cw, "ch": ch, "brightness": brightness,
            "contrast": contrast, "colour": colour, "flip": flip}


def _main(argv):
    if len(argv) >= 6 and argv[1] == "dump":
        kind, seed, stream, count = argv[2], int(argv[3], 0), int(argv[4], 0), int(argv[5])
        n = int(argv[6], 0) if len(argv) > 6 else 0
        rng = PCG32(seed, stream)
        out = []
        for _ in range(count):
            if kind == "u32":
                out.append(str(rng.u32()))
            elif kind == "uniform":
                out.append(repr(rng.uniform()))
            elif kind == "below":
                out.append(str(rng.below(n)))
            elif kind == "normal":
                out.append(repr(rng.normal()))
            else:
                raise SystemExit("unknown kind " + kind)
        sys.stdout.write("\n".join(out) + "\n")
        return 0
    if len(argv) == 5 and argv[1] == "derive":
        print(derive(int(argv[2], 0), int(argv[3], 0), int(argv[4], 0)))
        return 0
    if len(argv) == 6 and argv[1] == "view":
        rng = PCG32(int(argv[2], 0), int(argv[3], 0))
        p = view_params(rng, int(argv[4]), int(argv[5]))
        print(" ".join("%s=%r" % (k, p[k]) for k in
                       ("x", "y", "cw", "ch", "brightness", "contrast", "colour", "flip")))
        return 0
    sys.stderr.write(__doc__.split("Command line")[1])
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
