/* promptmargin.h - CLIP and few-shot prompt tuning (PromptMargin) in one C99 header.

   Do this:
       #define PROMPTMARGIN_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define and sees only the declarations.

       #define PROMPTMARGIN_IMPLEMENTATION
       #include "promptmargin.h"

   Build with any C99 compiler and libm:  cc -std=c99 -O2 app.c -lm

   QUICK NOTES
       - The model is a `.pmc` file made by tools/convert.py from an OpenAI, open_clip or
         Hugging Face CLIP checkpoint (ViT image tower, any size). The format is described in
         section [4] below and in README.md.
       - Numbers match PyTorch: both towers agree with a float64 PyTorch CLIP to about 1e-5.
       - The library never prints and never exits. A function that fails returns NULL or a
         negative status; pm_last_error() then says why in one sentence.
       - The error message buffer is global: do not call the library from several threads
         at once unless you don't care which message you read.

   CONFIGURATION (define before including the implementation)
       PROMPTMARGIN_STATIC   make every function static (two copies may then be linked)
       PM_MALLOC, PM_REALLOC, PM_FREE   your allocator (define all three or none)
       PM_ASSERT(x)          your assert (programmer errors inside the library only)
       PM_NO_STDIO           no file access: load models and images from memory only

   API TOUR
       pm_model *m = pm_model_load("ViT-B-32.pmc");         // NULL: see pm_last_error()
       const pm_model_info *mi = pm_model_get_info(m);
       int32_t ids[2 * 77];                                   // mi->context_length per text
       pm_tokenize(m, "a photo of a cat.", ids);
       pm_tokenize(m, "a photo of a dog.", ids + mi->context_length);
       float *px = malloc(sizeof(float) * 3 * mi->image_size * mi->image_size);
       pm_preprocess(m, rgb, w, h, PM_PREPROCESS_CLIP, px);   // RGB8 -> [3,S,S]
       float img[512], txt[2 * 512], logits[2];
       pm_encode_images(m, 1, px, img);                       // [1,D], not normalised
       pm_encode_texts(m, 2, ids, txt);                       // [2,D], not normalised
       pm_logits(m, 1, img, 2, txt, logits);                  // exp(logit_scale) * cosine
       pm_model_free(m);

   CONTENTS (the implementation reads top to bottom in this order)
       [1] utilities        errors, allocation, little-endian bytes, f16/bf16
       [2] gemm             the one matrix-product routine every layer uses
       [3] layers           layernorm, linear, activations, attention, transformer block
       [4] model file       the .pmc format, its validating loader
       [5] tokenizer        CLIP's byte-level BPE, with its Unicode tables
       [6] images           decoders (PNM), PIL-exact resize, CLIP preprocessing
       [7] clip             image tower, text tower, logits

   LICENSE: MIT, see the end of the file.
*/
#ifndef PROMPTMARGIN_H
#define PROMPTMARGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef PROMPTMARGIN_STATIC
#define PMDEF static
#else
#ifdef __cplusplus
#define PMDEF extern "C"
#else
#define PMDEF extern
#endif
#endif

#define PM_VERSION_STRING "0.1.0"

/* Activation of the MLP in every transformer block. */
enum { PM_ACT_QUICK_GELU = 0, PM_ACT_GELU = 1 };

/* Weight storage types of a model file. */
enum { PM_DTYPE_F32 = 0, PM_DTYPE_F16 = 1, PM_DTYPE_BF16 = 2 };

/* Image preprocessing: CLIP's own (short side to S with bicubic, centre crop, the model's
   mean/std), or the PromptMargin reference code's (resize to floor(S*257/224 + 0.5) square with
   bilinear, centre crop, ImageNet mean/std). */
enum { PM_PREPROCESS_CLIP = 0, PM_PREPROCESS_PAPER = 1 };

typedef struct pm_model pm_model;

/* Hyper-parameters of a loaded model, as the file describes them. */
typedef struct pm_model_info {
    int has_vision, has_text;  /* which towers the file holds */
    int image_size;            /* S: input images are [3, S, S] */
    int patch_size;            /* P: S / P patches per side */
    int vision_width, vision_layers, vision_heads, vision_mlp;
    int context_length;        /* tokens per text, 77 for CLIP */
    int vocab_size;            /* 512 + n_merges + 2 */
    int text_width, text_layers, text_heads, text_mlp;
    int embed_dim;             /* D: width of both towers' output */
    int act;                   /* PM_ACT_QUICK_GELU or PM_ACT_GELU */
    int dtype;                 /* storage type of the weight matrices (PM_DTYPE_*) */
    int n_merges;              /* BPE merges of the tokenizer */
    int sot_token, eot_token;  /* <|startoftext|>, <|endoftext|> ids */
    float logit_scale;         /* raw parameter: logits use exp(logit_scale) */
    float image_mean[3], image_std[3];
    int n_tensors;
    uint64_t file_size;
} pm_model_info;

/* Why the last call failed, in one sentence (never NULL). */
PMDEF const char *pm_last_error(void);

#ifndef PM_NO_STDIO
/* Load a .pmc model file. Returns NULL on any problem with the file (pm_last_error). */
PMDEF pm_model *pm_model_load(const char *path);
#endif
/* Load a model from a memory image of a .pmc file (the bytes are copied). */
PMDEF pm_model *pm_model_load_memory(const void *data, size_t size);
PMDEF void pm_model_free(pm_model *model);
PMDEF const pm_model_info *pm_model_get_info(const pm_model *model);
/* Name, storage type and shape of tensor i (0 <= i < n_tensors), for inspection. Returns 0,
   or -1 when i is out of range. shape has 4 entries, unused ones 0. */
PMDEF int pm_model_tensor(const pm_model *model, int i, const char **name, int *dtype,
                          int *ndim, int shape[4]);

/* Tokenize UTF-8 text into one context row ids[context_length]: <|startoftext|>, the BPE
   tokens, <|endoftext|>, zero padding; a text too long is cut and keeps <|endoftext|> last.
   Returns the position of <|endoftext|>, or -1 (no text tower, invalid input). */
PMDEF int pm_tokenize(pm_model *model, const char *text, int32_t *ids);
/* The BPE tokens of a text alone (no start/end tokens, no limit). Writes at most max_ids and
   returns how many tokens the text has (may exceed max_ids), or -1. */
PMDEF int pm_tokenize_raw(pm_model *model, const char *text, int32_t *ids, int max_ids);

/* RGB8 image [h, w, 3] -> model input [3, S, S] (S = image_size), per `mode`. Returns 0/-1. */
PMDEF int pm_preprocess(const pm_model *model, const uint8_t *rgb, int w, int h, int mode,
                        float *out);

/* Image tower: pixels [n, 3, S, S] -> features [n, D] (not normalised). Returns 0/-1. */
PMDEF int pm_encode_images(pm_model *model, int n, const float *pixels, float *out);
/* Text tower: ids [n, context_length] -> features [n, D] (not normalised). Returns 0/-1. */
PMDEF int pm_encode_texts(pm_model *model, int n, const int32_t *ids, float *out);
/* logits[i, j] = exp(logit_scale) * cos(img[i], txt[j]); img [n_img, D], txt [n_txt, D]. */
PMDEF int pm_logits(const pm_model *model, int n_img, const float *img, int n_txt,
                    const float *txt, float *logits);
/* Scale each of the n rows of x [n, d] to unit length (rows of zeros stay zero). */
PMDEF void pm_normalize_rows(int n, int d, float *x);
/* In-place softmax over each of the n rows of x [n, d]. */
PMDEF void pm_softmax_rows(int n, int d, float *x);

/* Decode an image (binary or ASCII PNM: P2, P3, P5, P6) to RGB8 [h, w, 3]. The buffer is
   the library's: release it with pm_image_free. NULL on failure (pm_last_error). */
PMDEF uint8_t *pm_image_load_memory(const void *data, size_t size, int *w, int *h);
#ifndef PM_NO_STDIO
PMDEF uint8_t *pm_image_load(const char *path, int *w, int *h);
#endif
PMDEF void pm_image_free(uint8_t *rgb);
/* Largest image the decoders accept (defaults: 32768 x 32768, 2^28 pixels). */
PMDEF void pm_set_image_limits(int max_width, int max_height, long max_pixels);

#endif /* PROMPTMARGIN_H */

/* ============================================================================================
   IMPLEMENTATION
   ============================================================================================ */
#ifdef PROMPTMARGIN_IMPLEMENTATION
#ifndef PROMPTMARGIN_IMPLEMENTATION_DONE
#define PROMPTMARGIN_IMPLEMENTATION_DONE

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(PM_MALLOC) && defined(PM_FREE) && defined(PM_REALLOC)
/* all three given */
#elif !defined(PM_MALLOC) && !defined(PM_FREE) && !defined(PM_REALLOC)
#define PM_MALLOC(sz) malloc(sz)
#define PM_REALLOC(p, sz) realloc(p, sz)
#define PM_FREE(p) free(p)
#else
#error "define all of PM_MALLOC, PM_REALLOC and PM_FREE, or none of them"
#endif

#ifndef PM_ASSERT
#include <assert.h>
#define PM_ASSERT(x) assert(x)
#endif

/* ============================================================================================
   [1] UTILITIES
   ============================================================================================ */

static char pm__error_buf[512] = "no error";

PMDEF const char *pm_last_error(void) { return pm__error_buf; }

/* Record an error message (printf-style) and return -1, so `return pm__errorf(...)` works. */
static int pm__errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pm__error_buf, sizeof(pm__error_buf), fmt, ap);
    va_end(ap);
    return -1;
}

/* n * elem bytes, or NULL with an error when the product overflows or memory runs out. */
static void *pm__malloc_array(size_t n, size_t elem)
{
    void *p;
    if (elem != 0 && n > ((size_t)-1) / elem) {
        pm__errorf("allocation of %lu x %lu bytes overflows", (unsigned long)n,
                   (unsigned long)elem);
        return NULL;
    }
    p = PM_MALLOC(n * elem > 0 ? n * elem : 1);
    if (!p) pm__errorf("out of memory allocating %.0f bytes", (double)n * (double)elem);
    return p;
}

static float *pm__floats(size_t n) { return (float *)pm__malloc_array(n, sizeof(float)); }

static uint32_t pm__rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t pm__rd64(const uint8_t *p)
{
    return (uint64_t)pm__rd32(p) | ((uint64_t)pm__rd32(p + 4) << 32);
}

static float pm__rdf32(const uint8_t *p)
{
    uint32_t u = pm__rd32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int pm__little_endian(void)
{
    uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* IEEE half (as stored bits) -> float, exact for every value including subnormals, inf, NaN. */
static float pm__f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ffu, u;
    float f;
    if (exp == 0x1f) {
        u = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        u = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        u = sign;
    } else { /* subnormal: value = man * 2^-24 */
        f = (float)man * (1.0f / 16777216.0f);
        return sign ? -f : f;
    }
    memcpy(&f, &u, 4);
    return f;
}

static float pm__bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static size_t pm__dtype_size(int dtype) { return dtype == PM_DTYPE_F32 ? 4 : 2; }

/* Convert n elements of a weight buffer (host byte order) of the given dtype to float. */
static void pm__to_f32(const void *src, int dtype, size_t n, float *dst)
{
    size_t i;
    if (dtype == PM_DTYPE_F32) {
        memcpy(dst, src, n * sizeof(float));
    } else if (dtype == PM_DTYPE_F16) {
        const uint16_t *s = (const uint16_t *)src;
        for (i = 0; i < n; i++) dst[i] = pm__f16_to_f32(s[i]);
    } else {
        const uint16_t *s = (const uint16_t *)src;
        for (i = 0; i < n; i++) dst[i] = pm__bf16_to_f32(s[i]);
    }
}

static int pm__mini(int a, int b) { return a < b ? a : b; }

/* ============================================================================================
   [2] GEMM
   One routine computes every matrix product of the library:

       C[M,N] = alpha * op(A)[M,K] . op(B)[K,N] + beta * C

   op(A) is A (stored M x K, row stride lda) or, with ta, A^T (A stored K x M). op(B) is B
   (stored K x N) or, with tb, B^T (B stored N x K, which is how nn.Linear keeps W[out, in]).
   A is float; B may be f32, f16 or bf16 (weights are used as the file stores them and are
   converted while packing). beta == 0 means C is only written, never read.
   Blocking follows the usual scheme: a KC x NC block of B is packed into NR-wide panels,
   an MC x KC block of A into MR-high panels, and an MR x NR micro-kernel accumulates.
   ============================================================================================ */

#define PM__MR 4
#define PM__NR 16
#define PM__KC 256
#define PM__MC 128
#define PM__NC 1024

/* Pack op(B)[k0:k0+kc, j0:j0+nc] into panels of NR columns: Bp[panel][k][NR], zero-padded. */
static void pm__pack_b(int tb, const void *B, int bt, int ldb, int k0, int kc, int j0, int nc,
                       float *Bp)
{
    int jp, k, j;
    float tmp[PM__NR];
    for (jp = 0; jp < nc; jp += PM__NR) {
        int nr = pm__mini(PM__NR, nc - jp);
        float *dst = Bp + (size_t)jp * kc;
        for (k = 0; k < kc; k++) {
            if (!tb) {
                size_t off = (size_t)(k0 + k) * ldb + (size_t)(j0 + jp);
                pm__to_f32((const char *)B + off * pm__dtype_size(bt), bt, (size_t)nr, tmp);
                for (j = 0; j < nr; j++) dst[k * PM__NR + j] = tmp[j];
            } else {
                for (j = 0; j < nr; j++) {
                    size_t off = (size_t)(j0 + jp + j) * ldb + (size_t)(k0 + k);
                    const char *p = (const char *)B + off * pm__dtype_size(bt);
                    float v;
                    if (bt == PM_DTYPE_F32) memcpy(&v, p, 4);
                    else {
                        uint16_t u;
                        memcpy(&u, p, 2);
                        v = bt == PM_DTYPE_F16 ? pm__f16_to_f32(u) : pm__bf16_to_f32(u);
                    }
                    dst[k * PM__NR + j] = v;
                }
            }
            for (j = nr; j < PM__NR; j++) dst[k * PM__NR + j] = 0.0f;
        }
    }
}

/* Pack op(A)[i0:i0+mc, k0:k0+kc] into panels of MR rows: Ap[panel][k][MR], zero-padded. */
static void pm__pack_a(int ta, const float *A, int lda, int i0, int mc, int k0, int kc,
                       float *Ap)
{
    int ip, k, i;
    for (ip = 0; ip < mc; ip += PM__MR) {
        int mr = pm__mini(PM__MR, mc - ip);
        float *dst = Ap + (size_t)ip * kc;
        for (k = 0; k < kc; k++) {
            for (i = 0; i < mr; i++) {
                size_t r = (size_t)(i0 + ip + i), c = (size_t)(k0 + k);
                dst[k * PM__MR + i] = ta ? A[c * lda + r] : A[r * lda + c];
            }
            for (; i < PM__MR; i++) dst[k * PM__MR + i] = 0.0f;
        }
    }
}

/* MR x NR micro-kernel: C[0:mr, 0:nr] += alpha * Ap[kc, MR]^T . Bp[kc, NR]. */
static void pm__kernel(int kc, const float *Ap, const float *Bp, float alpha, float *C, int ldc,
                       int mr, int nr)
{
    float acc[PM__MR][PM__NR];
    int k, i, j;
    memset(acc, 0, sizeof(acc));
    for (k = 0; k < kc; k++) {
        const float *a = Ap + k * PM__MR, *b = Bp + k * PM__NR;
        for (i = 0; i < PM__MR; i++) {
            float ai = a[i];
            for (j = 0; j < PM__NR; j++) acc[i][j] += ai * b[j];
        }
    }
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) C[(size_t)i * ldc + j] += alpha * acc[i][j];
}

static void pm__gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                     const void *B, int bt, int ldb, float beta, float *C, int ldc)
{
    float *Bp, *Ap;
    int jc, pc, ic, jr, ir, i, j;
    if (M <= 0 || N <= 0) return;
    for (i = 0; i < M; i++) {
        float *c = C + (size_t)i * ldc;
        if (beta == 0.0f) for (j = 0; j < N; j++) c[j] = 0.0f;
        else if (beta != 1.0f) for (j = 0; j < N; j++) c[j] *= beta;
    }
    if (K <= 0 || alpha == 0.0f) return;
    Bp = (float *)PM_MALLOC(sizeof(float) * (PM__KC * (size_t)(PM__NC + PM__NR) +
                                             PM__KC * (size_t)(PM__MC + PM__MR)));
    PM_ASSERT(Bp != NULL);
    if (!Bp) return;
    Ap = Bp + PM__KC * (size_t)(PM__NC + PM__NR);
    for (jc = 0; jc < N; jc += PM__NC) {
        int nc = pm__mini(PM__NC, N - jc);
        for (pc = 0; pc < K; pc += PM__KC) {
            int kc = pm__mini(PM__KC, K - pc);
            pm__pack_b(tb, B, bt, ldb, pc, kc, jc, nc, Bp);
            for (ic = 0; ic < M; ic += PM__MC) {
                int mc = pm__mini(PM__MC, M - ic);
                pm__pack_a(ta, A, lda, ic, mc, pc, kc, Ap);
                for (jr = 0; jr < nc; jr += PM__NR) {
                    for (ir = 0; ir < mc; ir += PM__MR) {
                        pm__kernel(kc, Ap + (size_t)ir * kc, Bp + (size_t)jr * kc, alpha,
                                   C + (size_t)(ic + ir) * ldc + jc + jr, ldc,
                                   pm__mini(PM__MR, mc - ir), pm__mini(PM__NR, nc - jr));
                    }
                }
            }
        }
    }
    PM_FREE(Bp);
}

/* ============================================================================================
   [3] LAYERS
   Activations are row-major [T, C] (T rows: tokens of all sequences of a batch, C channels).
   ============================================================================================ */

/* A weight tensor as the model file holds it. `f` is a float copy (or the data itself when
   stored as f32) for the small tensors that are read element-wise; matrices used by the
   GEMM keep their storage type in `data`. */
typedef struct pm__tensor {
    const void *data;
    const float *f;
    int dtype;
    int ndim;
    int shape[4];
} pm__tensor;

/* y[T, C] = layernorm(x[T, C]) * w + b, eps 1e-5 (x and y may be the same buffer). */
static void pm__layernorm(int T, int C, const float *x, const float *w, const float *b,
                          float *y)
{
    int t, c;
    for (t = 0; t < T; t++) {
        const float *xr = x + (size_t)t * C;
        float *yr = y + (size_t)t * C;
        double mean = 0.0, var = 0.0;
        float m, rstd;
        for (c = 0; c < C; c++) mean += xr[c];
        mean /= C;
        for (c = 0; c < C; c++) {
            double d = xr[c] - mean;
            var += d * d;
        }
        var /= C;
        m = (float)mean;
        rstd = (float)(1.0 / sqrt(var + 1e-5));
        for (c = 0; c < C; c++) yr[c] = (xr[c] - m) * rstd * w[c] + b[c];
    }
}

/* y[T, out] = x[T, in] . W[out, in]^T + b[out] (nn.Linear; b may be NULL). */
static void pm__linear(int T, int in, int out, const float *x, const pm__tensor *W,
                       const pm__tensor *b, float *y)
{
    int t;
    if (b) {
        for (t = 0; t < T; t++) memcpy(y + (size_t)t * out, b->f, sizeof(float) * out);
    }
    pm__gemm(0, 1, T, out, in, 1.0f, x, in, W->data, W->dtype, in, b ? 1.0f : 0.0f, y, out);
}

/* In-place activation on n values. */
static void pm__activation(int act, size_t n, float *x)
{
    size_t i;
    if (act == PM_ACT_GELU) {
        for (i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
    } else {
        for (i = 0; i < n; i++) x[i] = x[i] / (1.0f + expf(-1.702f * x[i]));
    }
}

/* In-place softmax of each row of x[rows, cols]; with `causal`, row i only sees columns
   0..i (the others become exactly 0). */
static void pm__softmax(int rows, int cols, float *x, int causal)
{
    int i, j;
    for (i = 0; i < rows; i++) {
        float *r = x + (size_t)i * cols, mx;
        int n = causal ? pm__mini(i + 1, cols) : cols;
        double sum = 0.0;
        float inv;
        mx = r[0];
        for (j = 1; j < n; j++) mx = r[j] > mx ? r[j] : mx;
        for (j = 0; j < n; j++) {
            r[j] = expf(r[j] - mx);
            sum += r[j];
        }
        inv = (float)(1.0 / sum);
        for (j = 0; j < n; j++) r[j] *= inv;
        for (; j < cols; j++) r[j] = 0.0f;
    }
}

/* Multi-head self-attention core for B sequences of T tokens.
   qkv [B*T, 3C] holds q | k | v per row (nn.MultiheadAttention's in_proj layout);
   out [B*T, C] receives the concatenated heads (before out_proj); scores [T, T] scratch. */
static void pm__attention(int B, int T, int C, int heads, int causal, const float *qkv,
                          float *out, float *scores)
{
    int b, h, hd = C / heads;
    float scale = 1.0f / sqrtf((float)hd);
    for (b = 0; b < B; b++) {
        const float *base = qkv + (size_t)b * T * 3 * C;
        for (h = 0; h < heads; h++) {
            const float *q = base + h * hd, *k = base + C + h * hd, *v = base + 2 * C + h * hd;
            float *o = out + (size_t)b * T * C + h * hd;
            pm__gemm(0, 1, T, T, hd, scale, q, 3 * C, k, PM_DTYPE_F32, 3 * C, 0.0f, scores, T);
            pm__softmax(T, T, scores, causal);
            pm__gemm(0, 0, T, hd, T, 1.0f, scores, T, v, PM_DTYPE_F32, 3 * C, 0.0f, o, C);
        }
    }
}

/* One residual attention block's weights (names as in the OpenAI checkpoint). */
typedef struct pm__block {
    pm__tensor ln_1_w, ln_1_b;
    pm__tensor in_proj_w, in_proj_b;   /* [3C, C], [3C] */
    pm__tensor out_proj_w, out_proj_b; /* [C, C], [C] */
    pm__tensor ln_2_w, ln_2_b;
    pm__tensor fc_w, fc_b;             /* [H, C], [H] */
    pm__tensor proj_w, proj_b;         /* [C, H], [C] */
} pm__block;

/* Scratch buffers of one block forward for up to `rows` = B*T rows. */
typedef struct pm__block_scratch {
    float *h;      /* [rows, C]  layernorm output, then attention output */
    float *qkv;    /* [rows, 3C] */
    float *mlp;    /* [rows, H]  */
    float *scores; /* [T, T]     */
} pm__block_scratch;

static int pm__block_scratch_alloc(pm__block_scratch *s, size_t rows, int T, int C, int H)
{
    memset(s, 0, sizeof(*s));
    s->h = pm__floats(rows * C);
    s->qkv = pm__floats(rows * 3 * (size_t)C);
    s->mlp = pm__floats(rows * H);
    s->scores = pm__floats((size_t)T * T);
    return s->h && s->qkv && s->mlp && s->scores ? 0 : -1;
}

static void pm__block_scratch_free(pm__block_scratch *s)
{
    PM_FREE(s->h);
    PM_FREE(s->qkv);
    PM_FREE(s->mlp);
    PM_FREE(s->scores);
}

/* x[B*T, C] = block(x): x += out_proj(attn(ln_1(x))); x += c_proj(act(c_fc(ln_2(x)))). */
static void pm__block_forward(const pm__block *w, int B, int T, int C, int H, int heads,
                              int causal, int act, float *x, pm__block_scratch *s)
{
    int rows = B * T;
    size_t i, n = (size_t)rows * C;
    pm__layernorm(rows, C, x, w->ln_1_w.f, w->ln_1_b.f, s->h);
    pm__linear(rows, C, 3 * C, s->h, &w->in_proj_w, &w->in_proj_b, s->qkv);
    pm__attention(B, T, C, heads, causal, s->qkv, s->h, s->scores);
    pm__linear(rows, C, C, s->h, &w->out_proj_w, &w->out_proj_b, s->qkv);
    for (i = 0; i < n; i++) x[i] += s->qkv[i];
    pm__layernorm(rows, C, x, w->ln_2_w.f, w->ln_2_b.f, s->h);
    pm__linear(rows, C, H, s->h, &w->fc_w, &w->fc_b, s->mlp);
    pm__activation(act, (size_t)rows * H, s->mlp);
    pm__linear(rows, H, C, s->mlp, &w->proj_w, &w->proj_b, s->qkv);
    for (i = 0; i < n; i++) x[i] += s->qkv[i];
}

/* ============================================================================================
   [4] MODEL FILE
   A .pmc file is little-endian throughout:
       header      256 bytes: magic "PMCLIP\0\0", version, hyper-parameters, section offsets
       directory   n_tensors entries of 128 bytes: name[64], dtype, ndim, shape[4], offset,
                   nbytes
       merges      the tokenizer's BPE merge list, one "left right\n" line per merge
       data        the tensors, each 64-byte aligned, OpenAI CLIP names and shapes
   README.md lists every field with its offset. The loader checks every size, offset and
   shape against the hyper-parameters before anything is used, and never reads outside the
   file.
   ============================================================================================ */

#define PM__MAGIC "PMCLIP\0\0"
#define PM__FILE_VERSION 1
#define PM__HEADER_SIZE 256
#define PM__DIR_ENTRY 128

typedef struct pm__tokenizer pm__tokenizer;
static void pm__tokenizer_free(pm__tokenizer *t);
static pm__tokenizer *pm__tokenizer_create(const char *merges, size_t len, int n_merges);

/* One directory entry kept for inspection (pm_model_tensor). */
typedef struct pm__named {
    char name[64];
    pm__tensor t;
} pm__named;

struct pm_model {
    pm_model_info info;
    uint8_t *file;     /* the whole file, owned; tensors point into it */
    float *converted;  /* float copies of the small tensors of an f16/bf16 file */
    pm__named *dir;    /* [n_tensors] */
    pm__tokenizer *tok;
    /* image tower */
    pm__tensor v_conv1, v_class, v_pos, v_ln_pre_w, v_ln_pre_b, v_ln_post_w, v_ln_post_b, v_proj;
    pm__block *v_blocks;
    /* text tower */
    pm__tensor t_tok, t_pos, t_ln_final_w, t_ln_final_b, t_proj;
    pm__block *t_blocks;
};

/* A tensor the hyper-parameters say the file must hold. `small` ones get a float copy. */
typedef struct pm__want {
    char name[64];
    int ndim, shape[4], small, found;
    pm__tensor *slot;
} pm__want;

static void pm__want_add(pm__want *w, int *n, pm__tensor *slot, int small, int ndim, int d0,
                     int d1, int d2, int d3, const char *fmt, ...)
{
    pm__want *e = &w[(*n)++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof(e->name), fmt, ap);
    va_end(ap);
    e->ndim = ndim;
    e->shape[0] = d0;
    e->shape[1] = d1;
    e->shape[2] = d2;
    e->shape[3] = d3;
    e->small = small;
    e->found = 0;
    e->slot = slot;
}

#define PM__BLOCK_TENSORS 12

static void pm__want_block(pm__want *w, int *n, pm__block *b, const char *prefix, int i, int C,
                           int H)
{
    pm__want_add(w, n, &b->ln_1_w, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_1.weight", prefix, i);
    pm__want_add(w, n, &b->ln_1_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_1.bias", prefix, i);
    pm__want_add(w, n, &b->in_proj_w, 0, 2, 3 * C, C, 0, 0, "%sresblocks.%d.attn.in_proj_weight",
             prefix, i);
    pm__want_add(w, n, &b->in_proj_b, 1, 1, 3 * C, 0, 0, 0, "%sresblocks.%d.attn.in_proj_bias",
             prefix, i);
    pm__want_add(w, n, &b->out_proj_w, 0, 2, C, C, 0, 0, "%sresblocks.%d.attn.out_proj.weight",
             prefix, i);
    pm__want_add(w, n, &b->out_proj_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.attn.out_proj.bias",
             prefix, i);
    pm__want_add(w, n, &b->ln_2_w, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_2.weight", prefix, i);
    pm__want_add(w, n, &b->ln_2_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_2.bias", prefix, i);
    pm__want_add(w, n, &b->fc_w, 0, 2, H, C, 0, 0, "%sresblocks.%d.mlp.c_fc.weight", prefix, i);
    pm__want_add(w, n, &b->fc_b, 1, 1, H, 0, 0, 0, "%sresblocks.%d.mlp.c_fc.bias", prefix, i);
    pm__want_add(w, n, &b->proj_w, 0, 2, C, H, 0, 0, "%sresblocks.%d.mlp.c_proj.weight", prefix, i);
    pm__want_add(w, n, &b->proj_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.mlp.c_proj.bias", prefix, i);
}

/* The list of tensors the model's hyper-parameters call for, in file order. */
static pm__want *pm__model_wants(pm_model *m, int *count)
{
    const pm_model_info *mi = &m->info;
    int n = 0, i, total = 0, G = mi->has_vision ? mi->image_size / mi->patch_size : 0;
    pm__want *w;
    if (mi->has_vision) total += 8 + PM__BLOCK_TENSORS * mi->vision_layers;
    if (mi->has_text) total += 5 + PM__BLOCK_TENSORS * mi->text_layers;
    w = (pm__want *)pm__malloc_array((size_t)total, sizeof(pm__want));
    if (!w) return NULL;
    if (mi->has_vision) {
        int W = mi->vision_width, P = mi->patch_size;
        pm__want_add(w, &n, &m->v_conv1, 0, 4, W, 3, P, P, "visual.conv1.weight");
        pm__want_add(w, &n, &m->v_class, 1, 1, W, 0, 0, 0, "visual.class_embedding");
        pm__want_add(w, &n, &m->v_pos, 1, 2, G * G + 1, W, 0, 0, "visual.positional_embedding");
        pm__want_add(w, &n, &m->v_ln_pre_w, 1, 1, W, 0, 0, 0, "visual.ln_pre.weight");
        pm__want_add(w, &n, &m->v_ln_pre_b, 1, 1, W, 0, 0, 0, "visual.ln_pre.bias");
        for (i = 0; i < mi->vision_layers; i++)
            pm__want_block(w, &n, &m->v_blocks[i], "visual.transformer.", i, W, mi->vision_mlp);
        pm__want_add(w, &n, &m->v_ln_post_w, 1, 1, W, 0, 0, 0, "visual.ln_post.weight");
        pm__want_add(w, &n, &m->v_ln_post_b, 1, 1, W, 0, 0, 0, "visual.ln_post.bias");
        pm__want_add(w, &n, &m->v_proj, 0, 2, W, mi->embed_dim, 0, 0, "visual.proj");
    }
    if (mi->has_text) {
        int C = mi->text_width;
        pm__want_add(w, &n, &m->t_tok, 0, 2, mi->vocab_size, C, 0, 0, "token_embedding.weight");
        pm__want_add(w, &n, &m->t_pos, 1, 2, mi->context_length, C, 0, 0, "positional_embedding");
        for (i = 0; i < mi->text_layers; i++)
            pm__want_block(w, &n, &m->t_blocks[i], "transformer.", i, C, mi->text_mlp);
        pm__want_add(w, &n, &m->t_ln_final_w, 1, 1, C, 0, 0, 0, "ln_final.weight");
        pm__want_add(w, &n, &m->t_ln_final_b, 1, 1, C, 0, 0, 0, "ln_final.bias");
        pm__want_add(w, &n, &m->t_proj, 0, 2, C, mi->embed_dim, 0, 0, "text_projection");
    }
    PM_ASSERT(n == total);
    *count = n;
    return w;
}

/* Read and check the 256-byte header into m->info. */
static int pm__read_header(pm_model *m, const uint8_t *h, size_t size)
{
    pm_model_info *mi = &m->info;
    uint32_t version, flags, act, u[14];
    int i;
    if (size < PM__HEADER_SIZE)
        return pm__errorf("model file is %lu bytes, too short for a promptmargin model "
                          "(a .pmc file made by tools/convert.py)", (unsigned long)size);
    if (memcmp(h, PM__MAGIC, 8) != 0)
        return pm__errorf("not a promptmargin model file (bad magic); convert checkpoints "
                          "with tools/convert.py");
    version = pm__rd32(h + 8);
    if (version != PM__FILE_VERSION)
        return pm__errorf("model file version %lu is not supported (this library reads "
                          "version %d); re-convert it with this release's tools/convert.py",
                          (unsigned long)version, PM__FILE_VERSION);
    if (pm__rd32(h + 12) != PM__HEADER_SIZE) return pm__errorf("model file header size is wrong");
    flags = pm__rd32(h + 16);
    act = pm__rd32(h + 20);
    if ((flags & ~3u) != 0 || flags == 0) return pm__errorf("model file flags are invalid");
    if (act > 1) return pm__errorf("model file names an unknown activation (%lu)",
                                   (unsigned long)act);
    for (i = 0; i < 14; i++) u[i] = pm__rd32(h + 24 + 4 * i);
    mi->has_vision = (flags & 1) != 0;
    mi->has_text = (flags & 2) != 0;
    mi->act = (int)act;
    if (pm__rd64(h + 160) != (uint64_t)size)
        return pm__errorf("model file is truncated or padded: the header says %.0f bytes, "
                          "the file has %.0f", (double)pm__rd64(h + 160), (double)size);
    /* every dimension must be a modest positive int before any arithmetic on it */
    for (i = 0; i < 14; i++) {
        if (u[i] > (1u << 20)) return pm__errorf("model file has an absurd dimension (%lu)",
                                                 (unsigned long)u[i]);
    }
    mi->image_size = (int)u[0], mi->patch_size = (int)u[1], mi->vision_width = (int)u[2];
    mi->vision_layers = (int)u[3], mi->vision_heads = (int)u[4], mi->vision_mlp = (int)u[5];
    mi->context_length = (int)u[6], mi->vocab_size = (int)u[7], mi->text_width = (int)u[8];
    mi->text_layers = (int)u[9], mi->text_heads = (int)u[10], mi->text_mlp = (int)u[11];
    mi->embed_dim = (int)u[12];
    mi->n_tensors = (int)pm__rd32(h + 76);
    mi->logit_scale = pm__rdf32(h + 80);
    for (i = 0; i < 3; i++) {
        mi->image_mean[i] = pm__rdf32(h + 84 + 4 * i);
        mi->image_std[i] = pm__rdf32(h + 96 + 4 * i);
        if (!(mi->image_std[i] > 0.0f) || !(fabsf(mi->image_mean[i]) < 1e3f) ||
            !(mi->image_std[i] < 1e3f))
            return pm__errorf("model file has an invalid image mean/std");
    }
    mi->n_merges = (int)pm__rd32(h + 108);
    mi->file_size = size;
    if (!(fabsf(mi->logit_scale) < 100.0f))
        return pm__errorf("model file has an invalid logit_scale");
    if (mi->embed_dim <= 0) return pm__errorf("model file has embed_dim 0");
    if (mi->has_vision) {
        if (mi->image_size <= 0 || mi->patch_size <= 0 || mi->image_size % mi->patch_size ||
            mi->image_size > 8192)
            return pm__errorf("model file has an invalid image size %d / patch size %d",
                              mi->image_size, mi->patch_size);
        if (mi->vision_width <= 0 || mi->vision_heads <= 0 ||
            mi->vision_width % mi->vision_heads || mi->vision_layers <= 0 ||
            mi->vision_layers > 1024 || mi->vision_mlp <= 0 || mi->vision_width > 65536)
            return pm__errorf("model file has invalid image tower dimensions "
                              "(width %d, heads %d, layers %d, mlp %d)", mi->vision_width,
                              mi->vision_heads, mi->vision_layers, mi->vision_mlp);
        if ((mi->image_size / mi->patch_size) * (mi->image_size / mi->patch_size) > 65536)
            return pm__errorf("model file has too many patches");
    }
    if (mi->has_text) {
        if (mi->text_width <= 0 || mi->text_heads <= 0 || mi->text_width % mi->text_heads ||
            mi->text_layers <= 0 || mi->text_layers > 1024 || mi->text_mlp <= 0 ||
            mi->context_length < 2 || mi->context_length > 65536 || mi->text_width > 65536)
            return pm__errorf("model file has invalid text tower dimensions "
                              "(width %d, heads %d, layers %d, mlp %d, context %d)",
                              mi->text_width, mi->text_heads, mi->text_layers, mi->text_mlp,
                              mi->context_length);
        if (mi->n_merges < 0 || mi->n_merges > (1 << 20) ||
            mi->vocab_size != 512 + mi->n_merges + 2)
            return pm__errorf("model file vocabulary (%d) does not match its %d BPE merges "
                              "(expected 512 + merges + 2)", mi->vocab_size, mi->n_merges);
        mi->sot_token = 512 + mi->n_merges;
        mi->eot_token = 513 + mi->n_merges;
    }
    return 0;
}

/* Swap the bytes of every element of a tensor in place (big-endian hosts only). */
static void pm__swap_bytes(uint8_t *p, size_t n_elems, size_t elem)
{
    size_t i, j;
    for (i = 0; i < n_elems; i++, p += elem)
        for (j = 0; j < elem / 2; j++) {
            uint8_t t = p[j];
            p[j] = p[elem - 1 - j];
            p[elem - 1 - j] = t;
        }
}

/* Check the directory against the wanted tensors and bind them. */
static int pm__bind_tensors(pm_model *m, pm__want *w, int nw)
{
    const uint8_t *h = m->file;
    uint64_t size = m->info.file_size, dir_off = pm__rd64(h + 112), dir_size = pm__rd64(h + 120);
    uint64_t data_off = pm__rd64(h + 144), data_size = pm__rd64(h + 152);
    size_t n_small = 0, used = 0;
    int i, j, n = m->info.n_tensors;
    if (n != nw)
        return pm__errorf("model file has %d tensors, its hyper-parameters call for %d", n, nw);
    if (dir_size != (uint64_t)n * PM__DIR_ENTRY || dir_off < PM__HEADER_SIZE ||
        dir_off > size || dir_size > size - dir_off)
        return pm__errorf("model file tensor directory lies outside the file");
    if (data_off % 64 || data_off > size || data_size > size - data_off)
        return pm__errorf("model file data section lies outside the file");
    m->dir = (pm__named *)pm__malloc_array((size_t)n, sizeof(pm__named));
    if (!m->dir) return -1;
    for (i = 0; i < n; i++) {
        const uint8_t *e = h + dir_off + (uint64_t)i * PM__DIR_ENTRY;
        uint32_t dtype = pm__rd32(e + 64), ndim = pm__rd32(e + 68);
        uint64_t off = pm__rd64(e + 88), nbytes = pm__rd64(e + 96), count = 1;
        pm__want *want = NULL;
        pm__tensor *t;
        if (memchr(e, 0, 64) == NULL) return pm__errorf("model file tensor %d has no name", i);
        for (j = 0; j < nw; j++)
            if (strcmp((const char *)e, w[j].name) == 0) want = &w[j];
        if (!want)
            return pm__errorf("model file holds an unexpected tensor '%.63s'", (const char *)e);
        if (want->found)
            return pm__errorf("model file holds tensor '%s' twice", want->name);
        want->found = 1;
        if (dtype > PM_DTYPE_BF16)
            return pm__errorf("tensor '%s' has an unknown dtype %lu", want->name,
                              (unsigned long)dtype);
        if (ndim != (uint32_t)want->ndim)
            return pm__errorf("tensor '%s' has %lu dimensions, expected %d", want->name,
                              (unsigned long)ndim, want->ndim);
        for (j = 0; j < 4; j++) {
            uint32_t d = pm__rd32(e + 72 + 4 * j);
            if (d != (uint32_t)want->shape[j])
                return pm__errorf("tensor '%s' has dimension %d = %lu, the model's "
                                  "hyper-parameters call for %d", want->name, j,
                                  (unsigned long)d, want->shape[j]);
            if (j < want->ndim) count *= d;
        }
        if (nbytes != count * pm__dtype_size((int)dtype))
            return pm__errorf("tensor '%s' byte size is inconsistent with its shape", want->name);
        if (off % 64 || off < data_off || off > data_off + data_size ||
            nbytes > data_off + data_size - off)
            return pm__errorf("tensor '%s' lies outside the data section", want->name);
        t = want->slot;
        t->data = m->file + off;
        t->f = dtype == PM_DTYPE_F32 ? (const float *)t->data : NULL;
        t->dtype = (int)dtype;
        t->ndim = (int)ndim;
        memcpy(t->shape, want->shape, sizeof(t->shape));
        if (want->small && dtype != PM_DTYPE_F32) n_small += (size_t)count;
        memcpy(m->dir[i].name, want->name, 64);
        if (!pm__little_endian())
            pm__swap_bytes(m->file + off, (size_t)count, pm__dtype_size((int)dtype));
    }
    for (j = 0; j < nw; j++)
        if (!w[j].found) return pm__errorf("model file lacks tensor '%s'", w[j].name);
    /* float copies of the small tensors of an f16/bf16 file */
    if (n_small) {
        m->converted = pm__floats(n_small);
        if (!m->converted) return -1;
        for (j = 0; j < nw; j++) {
            pm__tensor *t = w[j].slot;
            size_t cnt = 1;
            int d;
            if (!w[j].small || t->dtype == PM_DTYPE_F32) continue;
            for (d = 0; d < t->ndim; d++) cnt *= (size_t)t->shape[d];
            pm__to_f32(t->data, t->dtype, cnt, m->converted + used);
            t->f = m->converted + used;
            used += cnt;
        }
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < nw; j++)
            if (strcmp(m->dir[i].name, w[j].name) == 0) m->dir[i].t = *w[j].slot;
    m->info.dtype = m->info.has_vision ? m->v_conv1.dtype : m->t_tok.dtype;
    return 0;
}

/* Build a model around `file` (size bytes, owned by the model from here on, even on failure). */
static pm_model *pm__model_from_buffer(uint8_t *file, size_t size)
{
    pm_model *m = (pm_model *)PM_MALLOC(sizeof(pm_model));
    pm__want *w = NULL;
    int nw = 0;
    if (!m) {
        PM_FREE(file);
        pm__errorf("out of memory");
        return NULL;
    }
    memset(m, 0, sizeof(*m));
    m->file = file;
    if (pm__read_header(m, file, size) != 0) goto fail;
    if (m->info.has_vision) {
        m->v_blocks = (pm__block *)pm__malloc_array((size_t)m->info.vision_layers,
                                                    sizeof(pm__block));
        if (!m->v_blocks) goto fail;
    }
    if (m->info.has_text) {
        m->t_blocks = (pm__block *)pm__malloc_array((size_t)m->info.text_layers,
                                                    sizeof(pm__block));
        if (!m->t_blocks) goto fail;
    }
    w = pm__model_wants(m, &nw);
    if (!w || pm__bind_tensors(m, w, nw) != 0) goto fail;
    PM_FREE(w);
    w = NULL;
    if (m->info.has_text) {
        uint64_t off = pm__rd64(file + 128), len = pm__rd64(file + 136);
        if (off < PM__HEADER_SIZE || off > size || len > size - off) {
            pm__errorf("model file merge list lies outside the file");
            goto fail;
        }
        m->tok = pm__tokenizer_create((const char *)file + off, (size_t)len, m->info.n_merges);
        if (!m->tok) {
            char why[400];
            memcpy(why, pm__error_buf, sizeof(why));
            why[sizeof(why) - 1] = 0;
            pm__errorf("model file merge list is invalid: %s", why);
            goto fail;
        }
    }
    return m;
fail:
    PM_FREE(w);
    pm_model_free(m);
    return NULL;
}

PMDEF pm_model *pm_model_load_memory(const void *data, size_t size)
{
    uint8_t *copy;
    if (!data) return pm__errorf("no model data given"), (pm_model *)NULL;
    copy = (uint8_t *)pm__malloc_array(size, 1);
    if (!copy) return NULL;
    memcpy(copy, data, size);
    return pm__model_from_buffer(copy, size);
}

#ifndef PM_NO_STDIO
/* Read a whole file into a fresh buffer. */
static uint8_t *pm__read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;
    if (!f) return pm__errorf("cannot open '%s'", path), (uint8_t *)NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return pm__errorf("cannot read '%s' (not a regular file?)", path), (uint8_t *)NULL;
    }
    buf = (uint8_t *)pm__malloc_array((size_t)len, 1);
    if (buf && len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        PM_FREE(buf);
        buf = NULL;
        pm__errorf("cannot read '%s'", path);
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

PMDEF pm_model *pm_model_load(const char *path)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size);
    pm_model *m;
    if (!buf) return NULL;
    m = pm__model_from_buffer(buf, size);
    if (!m) {
        char why[400];
        memcpy(why, pm__error_buf, sizeof(why));
        why[sizeof(why) - 1] = 0;
        pm__errorf("%s: %s", path, why);
    }
    return m;
}
#endif

PMDEF void pm_model_free(pm_model *m)
{
    if (!m) return;
    if (m->tok) pm__tokenizer_free(m->tok);
    PM_FREE(m->v_blocks);
    PM_FREE(m->t_blocks);
    PM_FREE(m->dir);
    PM_FREE(m->converted);
    PM_FREE(m->file);
    PM_FREE(m);
}

PMDEF const pm_model_info *pm_model_get_info(const pm_model *m) { return &m->info; }

PMDEF int pm_model_tensor(const pm_model *m, int i, const char **name, int *dtype, int *ndim,
                          int shape[4])
{
    if (!m || i < 0 || i >= m->info.n_tensors) return pm__errorf("no tensor %d", i);
    if (name) *name = m->dir[i].name;
    if (dtype) *dtype = m->dir[i].t.dtype;
    if (ndim) *ndim = m->dir[i].t.ndim;
    if (shape) memcpy(shape, m->dir[i].t.shape, sizeof(int) * 4);
    return 0;
}

/* ============================================================================================
   [5] TOKENIZER
   ============================================================================================ */
/*@@TOKENIZER@@*/
struct pm__tokenizer { int n_merges; };
static pm__tokenizer *pm__tokenizer_create(const char *merges, size_t len, int n_merges)
{
    pm__tokenizer *t = (pm__tokenizer *)PM_MALLOC(sizeof(pm__tokenizer));
    (void)merges, (void)len;
    if (t) t->n_merges = n_merges;
    return t;
}
static void pm__tokenizer_free(pm__tokenizer *t) { PM_FREE(t); }
static int pm__tokenize(pm__tokenizer *t, const char *utf8, int32_t *out, int context)
{
    (void)t, (void)utf8, (void)out, (void)context;
    return pm__errorf("tokenizer not yet integrated");
}
/*@@END_TOKENIZER@@*/

/* ============================================================================================
   [6] IMAGES
   Decoders turn a file into RGB8 [h, w, 3] as PIL's Image.open(f).convert("RGB") would.
   Resizing reproduces PIL's resample (separable, antialiased, 22-bit fixed point, each pass
   rounded to 8 bits), so preprocessing matches torchvision + PIL exactly.
   ============================================================================================ */

static struct { long max_w, max_h, max_pixels; } pm__limits = {32768, 32768, 1L << 28};

PMDEF void pm_set_image_limits(int max_width, int max_height, long max_pixels)
{
    pm__limits.max_w = max_width > 0 ? max_width : 1;
    pm__limits.max_h = max_height > 0 ? max_height : 1;
    pm__limits.max_pixels = max_pixels > 0 ? max_pixels : 1;
}

/* 0 when a w x h image may be decoded, else -1 with the reason. */
static int pm__check_image_size(long w, long h)
{
    if (w <= 0 || h <= 0) return pm__errorf("image has an empty size (%ld x %ld)", w, h);
    if (w > pm__limits.max_w || h > pm__limits.max_h || w > pm__limits.max_pixels / h)
        return pm__errorf("image is too large (%ld x %ld; limits %ld x %ld, %ld pixels)", w, h,
                          pm__limits.max_w, pm__limits.max_h, pm__limits.max_pixels);
    return 0;
}

/*@@DECODERS@@*/
/* Skip whitespace and '#' comments of a PNM header; read one decimal number. */
static int pm__pnm_number(const uint8_t *b, size_t n, size_t *pos, long *out)
{
    long v = 0;
    int digits = 0;
    while (*pos < n) {
        if (b[*pos] == '#') {
            while (*pos < n && b[*pos] != '\n' && b[*pos] != '\r') (*pos)++;
        } else if (b[*pos] == ' ' || (b[*pos] >= 9 && b[*pos] <= 13)) {
            (*pos)++;
        } else {
            break;
        }
    }
    while (*pos < n && b[*pos] >= '0' && b[*pos] <= '9') {
        if (v > 100000000L) return pm__errorf("pnm: number too large");
        v = v * 10 + (b[(*pos)++] - '0');
        digits++;
    }
    if (!digits) return pm__errorf("pnm: malformed header");
    *out = v;
    return 0;
}

/* PNM: P5/P6 binary and P2/P3 ASCII gray/RGB, any maxval 1..65535. */
static uint8_t *pm__pnm_decode(const uint8_t *b, size_t n, int *w, int *h)
{
    size_t pos = 2, i, count, ch;
    long W, H, maxval, v;
    int kind;
    uint8_t *out;
    if (n < 3 || b[0] != 'P' || (b[1] != '2' && b[1] != '3' && b[1] != '5' && b[1] != '6'))
        return pm__errorf("pnm: unsupported kind"), (uint8_t *)NULL;
    kind = b[1] - '0';
    ch = (kind == 3 || kind == 6) ? 3 : 1;
    if (pm__pnm_number(b, n, &pos, &W) || pm__pnm_number(b, n, &pos, &H) ||
        pm__pnm_number(b, n, &pos, &maxval))
        return NULL;
    if (maxval < 1 || maxval > 65535) return pm__errorf("pnm: bad maxval %ld", maxval), (uint8_t *)NULL;
    if (pm__check_image_size(W, H)) return NULL;
    count = (size_t)W * (size_t)H * ch;
    out = (uint8_t *)pm__malloc_array((size_t)W * (size_t)H, 3);
    if (!out) return NULL;
    if (kind >= 5) {
        size_t bpv = maxval > 255 ? 2 : 1;
        if (pos >= n) goto trunc;
        pos++; /* the single whitespace byte after maxval */
        if ((n - pos) / bpv < count) goto trunc;
        for (i = 0; i < count; i++) {
            v = bpv == 2 ? (long)b[pos + 2 * i] << 8 | b[pos + 2 * i + 1] : b[pos + i];
            if (v > maxval) v = maxval;
            out[ch == 3 ? i : 3 * i] = (uint8_t)(maxval == 255 ? v : (v * 255 + maxval / 2) / maxval);
        }
    } else {
        for (i = 0; i < count; i++) {
            if (pm__pnm_number(b, n, &pos, &v)) goto trunc;
            if (v > maxval) v = maxval;
            out[ch == 3 ? i : 3 * i] = (uint8_t)(maxval == 255 ? v : (v * 255 + maxval / 2) / maxval);
        }
    }
    if (ch == 1)
        for (i = 0; i < (size_t)W * (size_t)H; i++) out[3 * i + 1] = out[3 * i + 2] = out[3 * i];
    *w = (int)W, *h = (int)H;
    return out;
trunc:
    PM_FREE(out);
    pm__errorf("pnm: pixel data truncated");
    return NULL;
}
/*@@END_DECODERS@@*/

PMDEF uint8_t *pm_image_load_memory(const void *data, size_t size, int *w, int *h)
{
    const uint8_t *b = (const uint8_t *)data;
    if (!b || size < 4) return pm__errorf("image: file too short"), (uint8_t *)NULL;
    if (b[0] == 'P' && b[1] >= '1' && b[1] <= '7') return pm__pnm_decode(b, size, w, h);
    return pm__errorf("image: unknown or unsupported file format"), (uint8_t *)NULL;
}

#ifndef PM_NO_STDIO
PMDEF uint8_t *pm_image_load(const char *path, int *w, int *h)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size), *rgb;
    if (!buf) return NULL;
    rgb = pm_image_load_memory(buf, size, w, h);
    PM_FREE(buf);
    if (!rgb) {
        char why[400];
        memcpy(why, pm__error_buf, sizeof(why));
        why[sizeof(why) - 1] = 0;
        pm__errorf("%s: %s", path, why);
    }
    return rgb;
}
#endif

PMDEF void pm_image_free(uint8_t *rgb) { PM_FREE(rgb); }

/* PIL's filters: bicubic with a = -0.5 (support 2) and bilinear (support 1). */
static double pm__filter(int bicubic, double x)
{
    if (x < 0.0) x = -x;
    if (!bicubic) return x < 1.0 ? 1.0 - x : 0.0;
    if (x < 1.0) return (1.5 * x - 2.5) * x * x + 1.0;
    if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * -0.5;
    return 0.0;
}

#define PM__PRECISION_BITS 22

/* Fixed-point weights to resample a line of in_size pixels to out_size, PIL style.
   bounds[2*o] = first source pixel of output o, bounds[2*o+1] = how many; kk[o*ksize + i]. */
static int pm__resample_coeffs(int in_size, int out_size, int bicubic, int **bounds,
                               int32_t **kk, int *ksize)
{
    double scale = (double)in_size / out_size, fscale = scale < 1.0 ? 1.0 : scale;
    double support = (bicubic ? 2.0 : 1.0) * fscale, *k;
    int ks = (int)ceil(support) * 2 + 1, o, x;
    *bounds = (int *)pm__malloc_array((size_t)out_size * 2, sizeof(int));
    *kk = (int32_t *)pm__malloc_array((size_t)out_size * ks, sizeof(int32_t));
    k = (double *)pm__malloc_array((size_t)ks, sizeof(double));
    if (!*bounds || !*kk || !k) {
        PM_FREE(*bounds), PM_FREE(*kk), PM_FREE(k);
        return -1;
    }
    for (o = 0; o < out_size; o++) {
        double center = (o + 0.5) * scale, ww = 0.0, ss = 1.0 / fscale;
        int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
        if (xmin < 0) xmin = 0;
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        for (x = 0; x < xmax; x++) {
            k[x] = pm__filter(bicubic, (x + xmin - center + 0.5) * ss);
            ww += k[x];
        }
        for (x = 0; x < ks; x++) {
            double v = x < xmax && ww != 0.0 ? k[x] / ww : 0.0;
            (*kk)[(size_t)o * ks + x] = (int32_t)(v < 0 ? -0.5 + v * (1 << PM__PRECISION_BITS)
                                                        : 0.5 + v * (1 << PM__PRECISION_BITS));
        }
        (*bounds)[2 * o] = xmin;
        (*bounds)[2 * o + 1] = xmax;
    }
    PM_FREE(k);
    *ksize = ks;
    return 0;
}

static uint8_t pm__clip8(int64_t v)
{
    if (v < 0) return 0;
    v >>= PM__PRECISION_BITS;
    return (uint8_t)(v > 255 ? 255 : v);
}

/* Resize RGB8 [h, w, 3] to [oh, ow, 3] exactly as PIL's Image.resize (bicubic or bilinear):
   horizontal pass over the rows the vertical pass needs, then the vertical pass. */
static uint8_t *pm__resize_rgb(const uint8_t *src, int w, int h, int ow, int oh, int bicubic)
{
    int *hb = NULL, *vb = NULL, hks = 0, vks = 0, y0, y1, x, y, c, i;
    int32_t *hk = NULL, *vk = NULL;
    uint8_t *tmp = NULL, *out = NULL;
    const uint8_t *cur = src;
    int cur_w = w;
    if (pm__resample_coeffs(w, ow, bicubic, &hb, &hk, &hks) ||
        pm__resample_coeffs(h, oh, bicubic, &vb, &vk, &vks))
        goto done;
    y0 = vb[0];
    y1 = vb[2 * oh - 2] + vb[2 * oh - 1];
    if (ow != w) { /* horizontal pass over source rows y0..y1-1 */
        tmp = (uint8_t *)pm__malloc_array((size_t)ow * (size_t)(y1 - y0), 3);
        if (!tmp) goto done;
        for (y = y0; y < y1; y++) {
            const uint8_t *row = src + (size_t)y * w * 3;
            for (x = 0; x < ow; x++) {
                const int32_t *k = hk + (size_t)x * hks;
                int xmin = hb[2 * x], n = hb[2 * x + 1];
                for (c = 0; c < 3; c++) {
                    int64_t ss = 1 << (PM__PRECISION_BITS - 1);
                    for (i = 0; i < n; i++) ss += (int64_t)row[(xmin + i) * 3 + c] * k[i];
                    tmp[((size_t)(y - y0) * ow + x) * 3 + c] = pm__clip8(ss);
                }
            }
        }
        cur = tmp, cur_w = ow;
        for (y = 0; y < oh; y++) vb[2 * y] -= y0;
    }
    out = (uint8_t *)pm__malloc_array((size_t)ow * (size_t)oh, 3);
    if (!out) goto done;
    if (oh != h) { /* vertical pass */
        for (y = 0; y < oh; y++) {
            const int32_t *k = vk + (size_t)y * vks;
            int ymin = vb[2 * y], n = vb[2 * y + 1];
            for (x = 0; x < ow * 3; x++) {
                int64_t ss = 1 << (PM__PRECISION_BITS - 1);
                for (i = 0; i < n; i++) ss += (int64_t)cur[(size_t)(ymin + i) * cur_w * 3 + x] * k[i];
                out[(size_t)y * ow * 3 + x] = pm__clip8(ss);
            }
        }
    } else {
        memcpy(out, cur, (size_t)ow * oh * 3);
    }
done:
    PM_FREE(hb), PM_FREE(vb), PM_FREE(hk), PM_FREE(vk), PM_FREE(tmp);
    return out;
}

/* Python's round(num / den) for num, den >= 0: halves go to the even neighbour. */
static int pm__round_half_even(long num, long den)
{
    long q = num / den, r = num % den;
    if (2 * r > den || (2 * r == den && (q & 1))) q++;
    return (int)q;
}

PMDEF int pm_preprocess(const pm_model *m, const uint8_t *rgb, int w, int h, int mode,
                        float *out)
{
    static const float imagenet_mean[3] = {0.485f, 0.456f, 0.406f};
    static const float imagenet_std[3] = {0.229f, 0.224f, 0.225f};
    const float *mean = m->info.image_mean, *std = m->info.image_std;
    int S = m->info.image_size, nw, nh, top, left, x, y, c;
    uint8_t *resized;
    if (!m->info.has_vision) return pm__errorf("the model has no image tower");
    if (!rgb || w <= 0 || h <= 0) return pm__errorf("preprocess: empty image");
    if (mode == PM_PREPROCESS_PAPER) {
        nw = nh = (S * 257 + 112) / 224; /* floor(S * 257 / 224 + 0.5): 257 for S = 224 */
        mean = imagenet_mean, std = imagenet_std;
    } else if (mode == PM_PREPROCESS_CLIP) {
        /* torchvision Resize(S): the short side becomes S, the long one int(S * long/short) */
        if (w <= h) nw = S, nh = (int)((double)S * h / w);
        else nh = S, nw = (int)((double)S * w / h);
    } else {
        return pm__errorf("preprocess: unknown mode %d", mode);
    }
    if (nw < S || nh < S) return pm__errorf("preprocess: image too small to crop");
    resized = (nw == w && nh == h) ? NULL : pm__resize_rgb(rgb, w, h, nw, nh, mode == PM_PREPROCESS_CLIP);
    if (!resized && !(nw == w && nh == h)) return -1;
    /* torchvision CenterCrop: offsets int(round((size - S) / 2)) */
    top = pm__round_half_even(nh - S, 2);
    left = pm__round_half_even(nw - S, 2);
    for (c = 0; c < 3; c++)
        for (y = 0; y < S; y++)
            for (x = 0; x < S; x++) {
                const uint8_t *src = resized ? resized : rgb;
                float v = (float)src[((size_t)(top + y) * nw + (left + x)) * 3 + c] / 255.0f;
                out[((size_t)c * S + y) * S + x] = (v - mean[c]) / std[c];
            }
    PM_FREE(resized);
    return 0;
}

/* ============================================================================================
   [7] CLIP
   Image tower: patches . conv1^T -> prepend class embedding -> + positional embedding ->
   ln_pre -> blocks -> ln_post(token 0) . proj.
   Text tower: token embedding + positional embedding -> causal blocks -> ln_final at the
   <|endoftext|> position (the largest id) . text_projection. Rows after the last
   <|endoftext|> of a batch cannot influence it (causal mask), so they are never computed.
   ============================================================================================ */

#define PM__CHUNK 16 /* sequences per forward pass: bounds activation memory */

/* Image tower for B images: pixels [B, 3, S, S] -> out [B, D]. */
static int pm__vision_forward(pm_model *m, int B, const float *pixels, float *out)
{
    const pm_model_info *mi = &m->info;
    int S = mi->image_size, P = mi->patch_size, G = S / P, W = mi->vision_width;
    int T = G * G + 1, K = 3 * P * P, b, p, c, ky, kx, l, rc = -1;
    size_t rows = (size_t)B * T;
    float *patches = pm__floats((size_t)B * G * G * K), *x = pm__floats(rows * W);
    float *pooled = pm__floats((size_t)B * W);
    pm__block_scratch s;
    if (pm__block_scratch_alloc(&s, rows, T, W, mi->vision_mlp) || !patches || !x || !pooled)
        goto done;
    for (b = 0; b < B; b++)
        for (p = 0; p < G * G; p++) {
            float *dst = patches + ((size_t)b * G * G + p) * K;
            int gy = p / G, gx = p % G;
            for (c = 0; c < 3; c++)
                for (ky = 0; ky < P; ky++)
                    for (kx = 0; kx < P; kx++)
                        *dst++ = pixels[(((size_t)b * 3 + c) * S + gy * P + ky) * S + gx * P + kx];
        }
    /* patch embeddings go to rows 1..T-1 of each image; row 0 is the class token */
    for (b = 0; b < B; b++)
        pm__gemm(0, 1, G * G, W, K, 1.0f, patches + (size_t)b * G * G * K, K, m->v_conv1.data,
                 m->v_conv1.dtype, K, 0.0f, x + ((size_t)b * T + 1) * W, W);
    for (b = 0; b < B; b++) {
        float *xb = x + (size_t)b * T * W;
        for (c = 0; c < W; c++) xb[c] = m->v_class.f[c];
        for (p = 0; p < T * W; p++) xb[p] += m->v_pos.f[p];
    }
    pm__layernorm((int)rows, W, x, m->v_ln_pre_w.f, m->v_ln_pre_b.f, x);
    for (l = 0; l < mi->vision_layers; l++)
        pm__block_forward(&m->v_blocks[l], B, T, W, mi->vision_mlp, mi->vision_heads, 0,
                          mi->act, x, &s);
    for (b = 0; b < B; b++)
        pm__layernorm(1, W, x + (size_t)b * T * W, m->v_ln_post_w.f, m->v_ln_post_b.f,
                      pooled + (size_t)b * W);
    pm__gemm(0, 0, B, mi->embed_dim, W, 1.0f, pooled, W, m->v_proj.data, m->v_proj.dtype,
             mi->embed_dim, 0.0f, out, mi->embed_dim);
    rc = 0;
done:
    pm__block_scratch_free(&s);
    PM_FREE(patches), PM_FREE(x), PM_FREE(pooled);
    return rc;
}

/* Position of the largest id of a context row (the first one if several). */
static int pm__eot_position(const int32_t *ids, int ctx)
{
    int t, best = 0;
    for (t = 1; t < ctx; t++)
        if (ids[t] > ids[best]) best = t;
    return best;
}

/* Text tower for B texts: ids [B, ctx] -> out [B, D]. */
static int pm__text_forward(pm_model *m, int B, const int32_t *ids, float *out)
{
    const pm_model_info *mi = &m->info;
    int C = mi->text_width, ctx = mi->context_length, L = 1, b, t, l, rc = -1;
    size_t rows, tok_size = pm__dtype_size(m->t_tok.dtype);
    float *x = NULL, *pooled = NULL;
    pm__block_scratch s;
    memset(&s, 0, sizeof(s));
    for (b = 0; b < B; b++) {
        for (t = 0; t < ctx; t++)
            if (ids[(size_t)b * ctx + t] < 0 || ids[(size_t)b * ctx + t] >= mi->vocab_size)
                return pm__errorf("token id %ld is outside the vocabulary (%d)",
                                  (long)ids[(size_t)b * ctx + t], mi->vocab_size);
        t = pm__eot_position(ids + (size_t)b * ctx, ctx) + 1;
        L = t > L ? t : L;
    }
    rows = (size_t)B * L;
    x = pm__floats(rows * C);
    pooled = pm__floats((size_t)B * C);
    if (!x || !pooled || pm__block_scratch_alloc(&s, rows, L, C, mi->text_mlp)) goto done;
    for (b = 0; b < B; b++)
        for (t = 0; t < L; t++) {
            float *xr = x + ((size_t)b * L + t) * C;
            int id = ids[(size_t)b * ctx + t], c;
            pm__to_f32((const char *)m->t_tok.data + (size_t)id * C * tok_size, m->t_tok.dtype,
                       (size_t)C, xr);
            for (c = 0; c < C; c++) xr[c] += m->t_pos.f[(size_t)t * C + c];
        }
    for (l = 0; l < mi->text_layers; l++)
        pm__block_forward(&m->t_blocks[l], B, L, C, mi->text_mlp, mi->text_heads, 1, mi->act, x,
                          &s);
    for (b = 0; b < B; b++) {
        int e = pm__eot_position(ids + (size_t)b * ctx, ctx);
        pm__layernorm(1, C, x + ((size_t)b * L + e) * C, m->t_ln_final_w.f, m->t_ln_final_b.f,
                      pooled + (size_t)b * C);
    }
    pm__gemm(0, 0, B, mi->embed_dim, C, 1.0f, pooled, C, m->t_proj.data, m->t_proj.dtype,
             mi->embed_dim, 0.0f, out, mi->embed_dim);
    rc = 0;
done:
    pm__block_scratch_free(&s);
    PM_FREE(x), PM_FREE(pooled);
    return rc;
}

PMDEF int pm_encode_images(pm_model *m, int n, const float *pixels, float *out)
{
    const pm_model_info *mi = &m->info;
    size_t per = 3 * (size_t)mi->image_size * mi->image_size;
    int i;
    if (!mi->has_vision) return pm__errorf("the model has no image tower");
    for (i = 0; i < n; i += PM__CHUNK) {
        int b = pm__mini(PM__CHUNK, n - i);
        if (pm__vision_forward(m, b, pixels + (size_t)i * per, out + (size_t)i * mi->embed_dim))
            return -1;
    }
    return 0;
}

PMDEF int pm_encode_texts(pm_model *m, int n, const int32_t *ids, float *out)
{
    const pm_model_info *mi = &m->info;
    int i;
    if (!mi->has_text) return pm__errorf("the model has no text tower");
    for (i = 0; i < n; i += PM__CHUNK) {
        int b = pm__mini(PM__CHUNK, n - i);
        if (pm__text_forward(m, b, ids + (size_t)i * mi->context_length,
                             out + (size_t)i * mi->embed_dim))
            return -1;
    }
    return 0;
}

PMDEF void pm_normalize_rows(int n, int d, float *x)
{
    int i, j;
    for (i = 0; i < n; i++) {
        float *r = x + (size_t)i * d;
        double ss = 0.0;
        for (j = 0; j < d; j++) ss += (double)r[j] * r[j];
        if (ss > 0.0) {
            float inv = (float)(1.0 / sqrt(ss));
            for (j = 0; j < d; j++) r[j] *= inv;
        }
    }
}

PMDEF void pm_softmax_rows(int n, int d, float *x) { pm__softmax(n, d, x, 0); }

PMDEF int pm_logits(const pm_model *m, int n_img, const float *img, int n_txt,
                    const float *txt, float *logits)
{
    int D = m->info.embed_dim, i, j, k;
    double scale = exp((double)m->info.logit_scale);
    float *ni = pm__floats((size_t)n_img * D), *nt = pm__floats((size_t)n_txt * D);
    if (!ni || !nt) {
        PM_FREE(ni), PM_FREE(nt);
        return -1;
    }
    memcpy(ni, img, sizeof(float) * n_img * D);
    memcpy(nt, txt, sizeof(float) * n_txt * D);
    pm_normalize_rows(n_img, D, ni);
    pm_normalize_rows(n_txt, D, nt);
    for (i = 0; i < n_img; i++)
        for (j = 0; j < n_txt; j++) {
            double dot = 0.0;
            for (k = 0; k < D; k++) dot += (double)ni[(size_t)i * D + k] * nt[(size_t)j * D + k];
            logits[(size_t)i * n_txt + j] = (float)(scale * dot);
        }
    PM_FREE(ni), PM_FREE(nt);
    return 0;
}

PMDEF int pm_tokenize(pm_model *m, const char *text, int32_t *ids)
{
    if (!m->info.has_text || !m->tok) return pm__errorf("the model has no text tower");
    if (!text) return pm__errorf("no text given");
    return pm__tokenize(m->tok, text, ids, m->info.context_length);
}

#endif /* PROMPTMARGIN_IMPLEMENTATION_DONE */
#endif /* PROMPTMARGIN_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the promptmargin authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
