/* The promptmargin test suite: one program, one line per test, then "N passed, N failed".

   usage: test_promptmargin --fixtures DIR --cli PATH [--filter SUBSTRING[,SUBSTRING...]]

   DIR is what tests/convert_fixtures.py wrote (models.txt, images.txt, the converted .pmc
   files, and clip_merges.txt when the real CLIP merge list was available). The expected
   outputs are the committed .npy files under tests/fixtures, computed in float64 by the
   PyTorch reference (tools/make_fixtures.py). `make test` runs all of this. */
#define _FILE_OFFSET_BITS 64 /* before any system header: 32-bit targets list folders too */
#include <stdlib.h>

/* The library's allocator, wrapped so that tests can make the n-th allocation fail. */
static long test_alloc_budget = -1; /* allocations left before failing; -1: never fail */
static void *test_malloc(size_t n)
{
    if (test_alloc_budget == 0) return NULL;
    if (test_alloc_budget > 0) test_alloc_budget--;
    return malloc(n);
}
static void *test_realloc(void *p, size_t n)
{
    if (test_alloc_budget == 0) return NULL;
    if (test_alloc_budget > 0) test_alloc_budget--;
    return realloc(p, n);
}
#define PM_MALLOC(sz) test_malloc(sz)
#define PM_REALLOC(p, sz) test_realloc(p, sz)
#define PM_FREE(p) free(p)
#define PROMPTMARGIN_IMPLEMENTATION
#include "../promptmargin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* ------------------------------------------------------------------------------------------
   A minimal harness: a test is a function; CHECK records a failure with its message and the
   test goes on, so one run shows every problem.
   ------------------------------------------------------------------------------------------ */

static const char *g_fixtures = "build/fixtures";
static const char *g_cli = "build/promptmargin";
static int g_failures; /* failures inside the current test */
static int g_skipped;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            g_failures++;                                                                    \
            if (g_failures <= 10) {                                                          \
                printf("    FAIL %s:%d: ", __FILE__, __LINE__);                              \
                printf(__VA_ARGS__);                                                         \
                printf("\n");                                                                \
            }                                                                                \
        }                                                                                    \
    } while (0)

static void skip(const char *why)
{
    printf("    skipped: %s\n", why);
    g_skipped = 1;
}

/* Deterministic random numbers for the tests (xorshift). */
static uint32_t g_rng = 12345;
static uint32_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 17;
    g_rng ^= g_rng << 5;
    return g_rng;
}
static float rndf(void) { return (float)(rnd() >> 8) / 16777216.0f * 2.0f - 1.0f; }

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (uint8_t *)malloc((size_t)len + 1);
    buf[len] = 0; /* callers may treat the contents as a string */
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* A .npy array (float32 or int32, C order, little-endian); data converted to float or kept
   as int32 in `i`. */
typedef struct {
    int ndim, shape[4];
    size_t count;
    float *f;
    int32_t *i;
} npy;

static int npy_load(const char *path, npy *a)
{
    size_t n, hl, k;
    uint8_t *b = read_all(path, &n);
    const char *h, *p;
    int is_int;
    memset(a, 0, sizeof(*a));
    if (!b || n < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
        free(b);
        return -1;
    }
    hl = (size_t)b[8] | ((size_t)b[9] << 8);
    h = (const char *)b + 10;
    is_int = strstr(h, "'<i4'") != NULL && strstr(h, "'<i4'") < h + hl;
    p = strchr(h, '(');
    a->count = 1;
    while (p && *p != ')' && a->ndim < 4) {
        long d;
        char *end;
        p++;
        d = strtol(p, &end, 10);
        if (end == p) break;
        a->shape[a->ndim++] = (int)d;
        a->count *= (size_t)d;
        p = end;
        while (*p == ',' || *p == ' ') p++;
        p--;
        if (p[1] == ')') break;
    }
    if (10 + hl + a->count * 4 > n) {
        free(b);
        return -1;
    }
    if (is_int) a->i = (int32_t *)malloc(a->count * 4 + 4);
    else a->f = (float *)malloc(a->count * 4 + 4);
    for (k = 0; k < a->count; k++) {
        uint32_t u = pm__rd32(b + 10 + hl + 4 * k);
        if (is_int) a->i[k] = (int32_t)u;
        else memcpy(&a->f[k], &u, 4);
    }
    free(b);
    return 0;
}

static void npy_free(npy *a)
{
    free(a->f);
    free(a->i);
}

/* max |a - b| over n values */
static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > m || d != d) m = d != d ? 1e30 : d;
    }
    return m;
}

/* ------------------------------------------------------------------------------------------
   The fixtures: converted models and test images
   ------------------------------------------------------------------------------------------ */

typedef struct {
    char path[512], name[64], format[64], dtype[16], expected[512];
} model_entry;

static model_entry g_models[64];
static int g_n_models;
static char g_images[16][512];
static int g_n_images;

static int load_fixture_lists(void)
{
    char path[1024], line[2048];
    FILE *f;
    snprintf(path, sizeof(path), "%s/models.txt", g_fixtures);
    f = fopen(path, "r");
    if (!f) return -1;
    while (g_n_models < 64 && fgets(line, sizeof(line), f)) {
        model_entry *e = &g_models[g_n_models];
        if (sscanf(line, "%511s %63s %63s %15s %511s", e->path, e->name, e->format, e->dtype,
                   e->expected) == 5)
            g_n_models++;
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/images.txt", g_fixtures);
    f = fopen(path, "r");
    if (!f) return -1;
    while (g_n_images < 16 && fgets(line, sizeof(line), f))
        if (sscanf(line, "%511s", g_images[g_n_images]) == 1) g_n_images++;
    fclose(f);
    return g_n_models > 0 && g_n_images > 0 ? 0 : -1;
}

static const model_entry *find_model(const char *name, const char *format, const char *dtype)
{
    int i;
    for (i = 0; i < g_n_models; i++)
        if (strcmp(g_models[i].name, name) == 0 && strcmp(g_models[i].format, format) == 0 &&
            strcmp(g_models[i].dtype, dtype) == 0)
            return &g_models[i];
    return NULL;
}

static int load_expected(const model_entry *e, const char *what, npy *a)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.npy", e->expected, what);
    if (npy_load(path, a) != 0) {
        CHECK(0, "cannot read %s", path);
        return -1;
    }
    return 0;
}

/* Preprocess every test image for model m into [n, 3, S, S]. */
static float *preprocess_all(pm_model *m, int mode)
{
    int S = pm_model_get_info(m)->image_size, i;
    float *px = (float *)malloc(sizeof(float) * 3 * S * S * g_n_images);
    for (i = 0; i < g_n_images; i++) {
        int w, h;
        uint8_t *rgb = pm_image_load(g_images[i], &w, &h);
        CHECK(rgb != NULL, "cannot load %s: %s", g_images[i], pm_last_error());
        if (!rgb) continue;
        CHECK(pm_preprocess(m, rgb, w, h, mode, px + (size_t)i * 3 * S * S) == 0,
              "preprocess %s: %s", g_images[i], pm_last_error());
        pm_image_free(rgb);
    }
    return px;
}

/* ------------------------------------------------------------------------------------------
   [1] utilities
   ------------------------------------------------------------------------------------------ */

static void test_half_conversions(void)
{
    uint32_t u;
    for (u = 0; u < 65536; u++) {
        uint16_t h = (uint16_t)u;
        int e = (h >> 10) & 31, man = h & 1023;
        double want = e == 0 ? ldexp(man, -24) : e == 31 ? (man ? NAN : INFINITY)
                                                        : ldexp(1024 + man, e - 25);
        float got = pm__f16_to_f32(h);
        if (h & 0x8000) want = -want;
        if (e == 31 && man) CHECK(got != got, "f16 %04x should be NaN", (unsigned)h);
        else CHECK((double)got == want, "f16 %04x -> %g, want %g", (unsigned)h, got, want);
    }
    CHECK(pm__bf16_to_f32(0x3f80) == 1.0f, "bf16 1.0");
    CHECK(pm__bf16_to_f32(0xc049) == -3.140625f, "bf16 -3.140625");
}

/* ------------------------------------------------------------------------------------------
   [2] gemm: every transpose combination, every weight type, odd sizes, alpha and beta
   ------------------------------------------------------------------------------------------ */

/* A float that is 0 or a normal half (and has at most 11 significant bits) -> its half bits. */
static uint16_t f32_to_f16_exact(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFFu) == 0) return (uint16_t)(u >> 16);
    return (uint16_t)(((u >> 16) & 0x8000u) | ((((u >> 23) & 0xFFu) - 127u + 15u) << 10) |
                      ((u >> 13) & 0x3FFu));
}

static uint16_t f32_to_bf16_trunc(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)(u >> 16);
}

/* Activations rounded to bf16 for the AVX512-BF16 kernel: the vector packing gives the bits of
   pm__f32_to_bf16 (ties to even, NaN kept quiet, overflow to infinity, denormals kept). */
static void test_gemm_bf16_rounding(void)
{
#ifdef PM__X86_SIMD
    enum { N = 301 };
    static const uint32_t special[] = {0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F800000u, 0x7FC00001u,
                                       0xFF800001u, 0x00000001u, 0x80007FFFu, 0x3F808000u,
                                       0x3F818000u, 0x3F80FFFFu, 0x00000000u, 0x80000000u};
    float x[N];
    uint32_t got[(N + 1) / 2 * 3];
    int i, bad = 0, n;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) {
        skip("no AVX-512 on this CPU");
        return;
    }
    for (i = 0; i < N; i++) {
        uint32_t u = rnd();
        if (i < (int)(sizeof(special) / sizeof(special[0]))) u = special[i];
        memcpy(&x[i], &u, 4);
    }
    for (n = N - 2; n <= N; n++) { /* odd and even lengths */
        memset(got, 0xAB, sizeof(got));
        pm__bf16_pairs_avx512(x, n, got, 3);
        for (i = 0; i < (n + 1) / 2; i++) {
            uint32_t want = pm__f32_to_bf16(x[2 * i]);
            if (2 * i + 1 < n) want |= (uint32_t)pm__f32_to_bf16(x[2 * i + 1]) << 16;
            bad += got[3 * i] != want;
        }
        CHECK(bad == 0, "n = %d: %d pairs differ from pm__f32_to_bf16", n, bad);
        CHECK(got[1] == 0xABABABABu, "wrote between the strided pairs");
        memset(got, 0xAB, sizeof(got)); /* contiguous pairs (stride 1) */
        pm__bf16_pairs_avx512(x, n, got, 1);
        for (i = 0, bad = 0; i < (n + 1) / 2; i++) {
            uint32_t want = pm__f32_to_bf16(x[2 * i]);
            if (2 * i + 1 < n) want |= (uint32_t)pm__f32_to_bf16(x[2 * i + 1]) << 16;
            bad += got[i] != want;
        }
        CHECK(bad == 0 && got[(n + 1) / 2] == 0xABABABABu,
              "n = %d, stride 1: %d pairs differ, or wrote past them", n, bad);
    }
#else
    skip("built without the x86 kernels");
#endif
}

/* Every kernel this CPU runs, with 1, 2 and 3 threads: each result within 1e-4 of a double
   reference, and bit-identical whatever the thread count. */
static void test_gemm(void)
{
    static const int sizes[][3] = {{1, 1, 1},    {3, 5, 7},      {4, 16, 256}, {5, 17, 257},
                                   {37, 41, 300}, {130, 20, 9},  {2, 1030, 3}, {64, 64, 513},
                                   {150, 200, 100}, {7, 600, 700}}; /* the last two: threaded */
    /* the f32 kernels (bf16 weights widened), then bf16 weights on the bf16 kernel */
    static const char *kernels[] = {"portable", "avx2", "avx512", "neon", "avx512bf16"};
    int s, ta, tb, bt, kn, th, n_kernels = 0;
    for (kn = 0; kn < 5; kn++) {
        int bf16_kernel = kn == 4;
        pm__bf16_compute = bf16_kernel ? -1 : 0;
        if (bf16_kernel ? !pm__gemm_select_bf16() : !pm__gemm_select(kernels[kn])) continue;
        n_kernels++;
        for (s = 0; s < (int)(sizeof(sizes) / sizeof(sizes[0])); s++)
            for (ta = 0; ta < 2; ta++)
                for (tb = 0; tb < 2; tb++)
                    for (bt = bf16_kernel ? PM_DTYPE_BF16 : 0; bt < 3; bt++) {
                        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2], i, j, k;
                        int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 1;
                        float *A = (float *)malloc(sizeof(float) * (ta ? K : M) * lda);
                        float *Bf = (float *)malloc(sizeof(float) * (tb ? N : K) * ldb);
                        uint16_t *Bh = (uint16_t *)malloc(sizeof(uint16_t) * (tb ? N : K) * ldb);
                        float *C = (float *)malloc(sizeof(float) * M * ldc), *C0, *C1;
                        float alpha = 0.75f, beta = bt == 1 ? 0.0f : 0.5f;
                        double worst = 0.0;
                        C0 = (float *)malloc(sizeof(float) * M * ldc);
                        C1 = (float *)malloc(sizeof(float) * M * ldc);
                        for (i = 0; i < (ta ? K : M) * lda; i++) A[i] = rndf();
                        for (i = 0; i < (tb ? N : K) * ldb; i++) {
                            float v = rndf();
                            if (bt == PM_DTYPE_F16) { /* values exactly representable in f16 */
                                v = (float)((int)(v * 1024.0f)) / 1024.0f;
                                Bh[i] = 0; /* filled below */
                            }
                            if (bt == PM_DTYPE_BF16) {
                                Bh[i] = f32_to_bf16_trunc(v);
                                v = pm__bf16_to_f32(Bh[i]);
                            }
                            Bf[i] = v;
                        }
                        if (bt == PM_DTYPE_F16) /* k/1024 values: normal halves, exact */
                            for (i = 0; i < (tb ? N : K) * ldb; i++) Bh[i] = f32_to_f16_exact(Bf[i]);
                        for (i = 0; i < M * ldc; i++) C0[i] = rndf();
                        for (th = 1; th <= 3; th++) {
                            pm_set_threads(th);
                            memcpy(C, C0, sizeof(float) * M * ldc);
                            pm__gemm(ta, tb, M, N, K, alpha, A, lda,
                                     bt == PM_DTYPE_F32 ? (void *)Bf : (void *)Bh, bt, ldb, beta,
                                     C, ldc);
                            if (th == 1) memcpy(C1, C, sizeof(float) * M * ldc);
                            else
                                CHECK(memcmp(C1, C, sizeof(float) * M * ldc) == 0,
                                      "gemm %s M=%d N=%d K=%d: %d threads differ from 1",
                                      kernels[kn], M, N, K, th);
                        }
                        for (i = 0; i < M; i++)
                            for (j = 0; j < N; j++) {
                                double acc = 0.0, want, d;
                                for (k = 0; k < K; k++) {
                                    float a = ta ? A[k * lda + i] : A[i * lda + k];
                                    if (bf16_kernel) /* the kernel rounds A to bf16 */
                                        a = pm__bf16_to_f32(pm__f32_to_bf16(a));
                                    acc += (double)a *
                                           (double)(tb ? Bf[j * ldb + k] : Bf[k * ldb + j]);
                                }
                                want = alpha * acc + beta * C0[i * ldc + j];
                                d = fabs(want - C[i * ldc + j]);
                                worst = d > worst ? d : worst;
                            }
                        CHECK(worst < 1e-4,
                              "gemm %s M=%d N=%d K=%d ta=%d tb=%d dtype=%d: error %g",
                              kernels[kn], M, N, K, ta, tb, bt, worst);
                        free(A), free(Bf), free(Bh), free(C), free(C0), free(C1);
                    }
        printf("  kernel %-8s 1-3 threads: ok\n", kernels[kn]);
    }
    CHECK(n_kernels >= 1, "no gemm kernel available");
    pm__bf16_compute = -1;
    pm__kernel_used = NULL; /* back to this CPU's best, all cores */
    pm__gemm_select(NULL);
    pm_set_threads(0);
}

#include "test_images.c"
#include "test_augment.c"
#include "test_ops.c"

/* ------------------------------------------------------------------------------------------
   [6] images: PIL-exact preprocessing
   ------------------------------------------------------------------------------------------ */

static void test_preprocess(void)
{
    int k, modes[2] = {PM_PREPROCESS_CLIP, PM_PREPROCESS_PAPER};
    const char *names[2] = {"pixels_clip", "pixels_paper"}, *models[2] = {"tinyA", "tinyB"};
    int mi;
    for (mi = 0; mi < 2; mi++) {
        const model_entry *e = find_model(models[mi], "state-dict", "f32");
        pm_model *m;
        CHECK(e != NULL, "no %s state-dict model in the fixtures", models[mi]);
        if (!e) continue;
        m = pm_model_load(e->path);
        CHECK(m != NULL, "load %s: %s", e->path, pm_last_error());
        if (!m) continue;
        for (k = 0; k < 2; k++) {
            npy want;
            float *px;
            double d;
            if (load_expected(e, names[k], &want)) continue;
            px = preprocess_all(m, modes[k]);
            d = max_abs_diff(px, want.f, want.count);
            printf("    %s %s: max |C - PIL/torchvision| = %.3g\n", models[mi], names[k], d);
            CHECK(d <= 1e-6, "%s %s differs from torchvision by %g", models[mi], names[k], d);
            free(px);
            npy_free(&want);
        }
        pm_model_free(m);
    }
}

/* ------------------------------------------------------------------------------------------
   [7] clip: both towers, logits and probabilities against the float64 PyTorch reference
   ------------------------------------------------------------------------------------------ */

/* Tolerance per storage type: f32 files must match to 1e-4 (the acceptance bound); f16 and
   bf16 files round every weight (LayerNorm parameters included), so their error is reported
   and held to bounds a few times above what they reach, which still catch any real bug. */
static double tolerance(const model_entry *e)
{
    if (strcmp(e->dtype, "f32") == 0) return 1e-4;
    return strcmp(e->dtype, "f16") == 0 ? 1e-2 : 6e-2;
}

static void test_models(void)
{
    int i;
    for (i = 0; i < g_n_models; i++) {
        const model_entry *e = &g_models[i];
        pm_model *m = pm_model_load(e->path);
        npy img, txt, ids, logits, probs;
        const pm_model_info *mi;
        float *px, *fi, *ft, *lg;
        double di, dt, dl, dp, tol;
        CHECK(m != NULL, "load %s: %s", e->path, pm_last_error());
        if (!m) continue;
        mi = pm_model_get_info(m);
        if (load_expected(e, "image_embeds", &img) || load_expected(e, "text_embeds", &txt) ||
            load_expected(e, "text_ids", &ids) || load_expected(e, "logits", &logits) ||
            load_expected(e, "probs", &probs)) {
            pm_model_free(m);
            continue;
        }
        px = preprocess_all(m, PM_PREPROCESS_CLIP);
        fi = (float *)malloc(sizeof(float) * img.count);
        ft = (float *)malloc(sizeof(float) * txt.count);
        lg = (float *)malloc(sizeof(float) * logits.count);
        CHECK(ids.shape[1] == mi->context_length, "context length %d vs ids %d",
              mi->context_length, ids.shape[1]);
        CHECK(pm_encode_images(m, img.shape[0], px, fi) == 0, "encode images: %s",
              pm_last_error());
        CHECK(pm_encode_texts(m, txt.shape[0], ids.i, ft) == 0, "encode texts: %s",
              pm_last_error());
        CHECK(pm_logits(m, img.shape[0], fi, txt.shape[0], ft, lg) == 0, "logits");
        di = max_abs_diff(fi, img.f, img.count);
        dt = max_abs_diff(ft, txt.f, txt.count);
        dl = max_abs_diff(lg, logits.f, logits.count);
        pm_softmax_rows(img.shape[0], txt.shape[0], lg);
        dp = max_abs_diff(lg, probs.f, probs.count);
        tol = tolerance(e);
        printf("    %-5s %-11s %-4s max abs error: image %.2e  text %.2e  logits %.2e  "
               "probs %.2e\n", e->name, e->format, e->dtype, di, dt, dl, dp);
        CHECK(di <= tol && dt <= tol && dp <= tol, "%s: error above %g", e->path, tol);
        CHECK(dl <= tol * 100.0, "%s: logits error above %g", e->path, tol * 100.0);
        free(px), free(fi), free(ft), free(lg);
        npy_free(&img), npy_free(&txt), npy_free(&ids), npy_free(&logits), npy_free(&probs);
        pm_model_free(m);
    }
}

/* Batch composition must not change a result: texts of different lengths batched together
   equal the same texts one at a time (the text tower cuts every batch at its last EOT). */
static void test_text_batching(void)
{
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    pm_model *m = e ? pm_model_load(e->path) : NULL;
    npy ids;
    float *all, one[512];
    int i, D;
    CHECK(m != NULL, "no tinyA model");
    if (!m || load_expected(e, "text_ids", &ids)) {
        pm_model_free(m);
        return;
    }
    D = pm_model_get_info(m)->embed_dim;
    all = (float *)malloc(sizeof(float) * D * ids.shape[0]);
    CHECK(pm_encode_texts(m, ids.shape[0], ids.i, all) == 0, "batch");
    for (i = 0; i < ids.shape[0]; i++) {
        CHECK(pm_encode_texts(m, 1, ids.i + i * ids.shape[1], one) == 0, "single");
        CHECK(max_abs_diff(one, all + i * D, D) < 1e-6, "text %d differs alone vs batched", i);
    }
    free(all);
    npy_free(&ids);
    pm_model_free(m);
}

/* Every threaded loop (products, attention, layernorm, activations) at sizes where the work is
   really split: image features of 40 views and 3 prompt-training steps are bit-identical with
   1, 2 and 3 threads. */
static void test_threads_identical(void)
{
    static const char *names[3] = {"forest", "river", "sea"};
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    pm_model *m = e ? pm_model_load(e->path) : NULL;
    int n = 40, i, th, S, D, labels[40];
    float *px, *feat[3], *params[3];
    CHECK(m != NULL, "no tinyA model");
    if (!m) return;
    S = pm_model_get_info(m)->image_size, D = pm_model_get_info(m)->embed_dim;
    px = (float *)malloc(sizeof(float) * 3 * S * S * n);
    for (i = 0; i < 3 * S * S * n; i++) px[i] = rndf();
    for (i = 0; i < n; i++) labels[i] = i % 3;
    for (th = 0; th < 3; th++) {
        pm_prompts *p = pm_prompts_create(m, PM_METHOD_PROMPTMARGIN, 2, 2, 3, names, 5);
        pm_train_desc d;
        memset(&d, 0, sizeof(d));
        d.steps = 3;
        pm_set_threads(th + 1);
        feat[th] = (float *)malloc(sizeof(float) * n * D);
        CHECK(p && pm_encode_images(m, n, px, feat[th]) == 0 &&
                  pm_prompts_train(m, p, n, px, labels, &d) == 0,
              "%d threads: %s", th + 1, pm_last_error());
        params[th] = (float *)malloc(sizeof(float) * (p ? p->n_params : 1));
        if (p) memcpy(params[th], p->params, sizeof(float) * p->n_params);
        if (th > 0 && p) {
            CHECK(memcmp(feat[0], feat[th], sizeof(float) * n * D) == 0,
                  "image features differ with %d threads", th + 1);
            CHECK(memcmp(params[0], params[th], sizeof(float) * p->n_params) == 0,
                  "trained prompts differ with %d threads", th + 1);
        }
        pm_prompts_free(p);
    }
    pm_set_threads(0);
    for (th = 0; th < 3; th++) free(feat[th]), free(params[th]);
    free(px);
    pm_model_free(m);
}

/* ------------------------------------------------------------------------------------------
   [5] tokenizer: the real CLIP merge list (when present beside the checkout)
   ------------------------------------------------------------------------------------------ */

static const char *g_bpe = "../shared/data/bpe_simple_vocab_16e6.txt.gz";

/* The real merge list, read from the gzipped file beside the checkout (NULL: absent). */
static pm_tokenizer *real_tokenizer(void)
{
    FILE *f = fopen(g_bpe, "rb");
    pm_tokenizer *t;
    if (!f) return NULL;
    fclose(f);
    t = pm_tokenizer_load(g_bpe, 0);
    CHECK(t != NULL, "real merges: %s", pm_last_error());
    return t;
}

/* Undo the escapes of the token vector files: \\ \n \t \r \xHH. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            out[o++] = s[i];
            continue;
        }
        i++;
        if (s[i] == 'n') out[o++] = '\n';
        else if (s[i] == 't') out[o++] = '\t';
        else if (s[i] == 'r') out[o++] = '\r';
        else if (s[i] == 'x' && i + 2 < n) {
            char hex[3];
            hex[0] = s[i + 1], hex[1] = s[i + 2], hex[2] = 0;
            out[o++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else out[o++] = s[i];
    }
    out[o] = 0;
    return o;
}

/* Check every line "EOT<TAB>IDS<TAB>TEXT" of a vector file: the BPE ids of TEXT and the
   <|endoftext|> position in a 77-token row. */
static void check_token_vectors(pm_tokenizer *t, const char *file, int sot)
{
    size_t n, pos = 0, lines = 0, bad = 0, with_nul = 0;
    char *data = (char *)read_all(file, &n), *text = (char *)malloc(n + 1);
    int32_t row[77], *want = (int32_t *)malloc(sizeof(int32_t) * (n + 1));
    CHECK(data != NULL, "cannot read %s", file);
    while (data && pos < n) {
        char *line = data + pos, *nl = (char *)memchr(line, '\n', n - pos), *tab1, *tab2, *p;
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        int eot, want_eot, n_want = 0, got_eot, k, ok = 1;
        pos += len + 1;
        if (len == 0 || line[0] == '#') continue;
        tab1 = (char *)memchr(line, '\t', len);
        tab2 = tab1 ? (char *)memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - line)) : NULL;
        CHECK(tab2 != NULL, "%s: malformed line %lu", file, (unsigned long)lines);
        if (!tab2) break;
        want_eot = atoi(line);
        for (p = tab1 + 1; p < tab2;) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p) break;
            want[n_want++] = (int32_t)v;
            p = end;
        }
        if (unescape(tab2 + 1, len - (size_t)(tab2 + 1 - line), text) != strlen(text)) {
            with_nul++; /* the API takes C strings: a text with a NUL byte cannot be passed */
            continue;
        }
        eot = pm_tokenizer_encode(t, text, row, 77);
        got_eot = eot;
        if (eot != want_eot || row[0] != sot) ok = 0;
        /* the whole row: [sot] ids [eot] 0..., or [sot] ids[:75] [eot] when too long */
        for (k = 1; ok && k < 77; k++) {
            int32_t w = k - 1 < n_want && k < 76 ? want[k - 1]
                        : k == (n_want + 1 < 76 ? n_want + 1 : 76) ? sot + 1 : 0;
            if (row[k] != w) ok = 0;
        }
        if (!ok && ++bad <= 3)
            printf("    %s text %lu differs: \"%.60s\" (EOT at %d, want %d)\n", file,
                   (unsigned long)lines, text, got_eot, want_eot);
        lines++;
    }
    printf("    %s: %lu of %lu texts identical (%lu with NUL bytes not applicable)\n", file,
           (unsigned long)(lines - bad), (unsigned long)lines, (unsigned long)with_nul);
    CHECK(bad == 0 && lines > 1000, "%lu of %lu texts differ", (unsigned long)bad,
          (unsigned long)lines);
    free(data), free(text), free(want);
}

static void test_tokenizer_corpus(void)
{
    pm_tokenizer *tiny = pm_tokenizer_load("tests/fixtures/tiny_bpe.txt", 0), *real;
    CHECK(tiny != NULL, "tiny merges: %s", pm_last_error());
    if (tiny) check_token_vectors(tiny, "tests/fixtures/tokens_tiny.txt", 812);
    pm_tokenizer_free(tiny);
    real = real_tokenizer();
    if (!real) {
        skip("real CLIP merge list not found (../shared/data/bpe_simple_vocab_16e6.txt.gz)");
        return;
    }
    check_token_vectors(real, "tests/fixtures/tokens_clip.txt", 49406);
    pm_tokenizer_free(real);
}

static void test_tokenizer_known_vectors(void)
{
    static const struct { const char *text; int32_t ids[8]; } cases[] = {
        {"Hello World!", {49406, 3306, 1002, 256, 49407}},
        {"a photo of a", {49406, 320, 1125, 539, 320, 49407}}};
    pm_tokenizer *t = real_tokenizer();
    int32_t row[77] = {0};
    int c, k;
    if (!t) {
        skip("real CLIP merge list not found (../shared/data/bpe_simple_vocab_16e6.txt.gz)");
        return;
    }
    for (c = 0; c < 2; c++) {
        int eot = pm_tokenizer_encode(t, cases[c].text, row, 77);
        CHECK(eot >= 0, "tokenize '%s': %s", cases[c].text, pm_last_error());
        for (k = 0; eot >= 0 && k <= eot; k++)
            CHECK(row[k] == cases[c].ids[k], "'%s' token %d: %ld, want %ld", cases[c].text, k,
                  (long)row[k], (long)cases[c].ids[k]);
    }
    pm_tokenizer_free(t);
}

/* Length of the first k lines of s. */
static size_t lines_len(const char *s, int k)
{
    size_t n = 0;
    while (k-- > 0 && s[n]) n += strcspn(s + n, "\n") + 1;
    return n;
}

/* The plain BPE training pm_bpe_train must agree with, for lower-case ASCII words: symbols are
   strings, "\1" closing the last one ("</w>"; it sorts as the tie rule says: after the same
   bytes, before any longer ones), and every pair is recounted before each merge. Returns the
   merge list text (malloc). */
static char *naive_bpe(int n_words, char words[][16], const int *counts, int n_merges,
                       int min_count)
{
    char *sym[64][16], *left[512], *right[512], *out = (char *)calloc(1, 1);
    int n_sym[64], count[512], n_pairs, w, j, k, best, merges;
    for (w = 0; w < n_words; w++) {
        n_sym[w] = (int)strlen(words[w]);
        for (j = 0; j < n_sym[w]; j++) {
            sym[w][j] = (char *)calloc(3, 1);
            sym[w][j][0] = words[w][j];
            sym[w][j][1] = j + 1 == n_sym[w] ? '\1' : 0;
        }
    }
    for (merges = 0; merges < n_merges; merges++) {
        char *c, *line, l[32], r[32];
        size_t o;
        for (n_pairs = 0, w = 0; w < n_words; w++) {
            for (j = 0; j + 1 < n_sym[w]; j++) {
                for (k = 0; k < n_pairs; k++)
                    if (!strcmp(left[k], sym[w][j]) && !strcmp(right[k], sym[w][j + 1])) break;
                if (k == n_pairs) left[k] = sym[w][j], right[k] = sym[w][j + 1], count[k] = 0;
                n_pairs += k == n_pairs;
                count[k] += counts[w];
            }
        }
        for (best = -1, k = 0; k < n_pairs; k++) {
            int c1 = best < 0 ? 0 : strcmp(left[k], left[best]);
            int c2 = best < 0 ? 0 : strcmp(right[k], right[best]);
            if (best < 0 || count[k] > count[best] ||
                (count[k] == count[best] && (c1 < 0 || (c1 == 0 && c2 < 0))))
                best = k;
        }
        if (best < 0 || count[best] < min_count) break;
        strcpy(l, left[best]), strcpy(r, right[best]); /* those strings go as words change */
        c = (char *)malloc(strlen(l) + strlen(r) + 1);
        strcat(strcpy(c, l), r);
        o = strlen(out);
        out = (char *)realloc(out, o + strlen(c) + 8);
        line = out + o;
        sprintf(line, "%s %s\n", l, r);
        if (strchr(line, '\1')) strcpy(strchr(line, '\1'), "</w>\n");
        for (w = 0; w < n_words; w++) {
            for (j = 0, k = 0; j < n_sym[w]; k++) {
                if (j + 1 < n_sym[w] && !strcmp(sym[w][j], l) && !strcmp(sym[w][j + 1], r)) {
                    free(sym[w][j]), free(sym[w][j + 1]);
                    sym[w][k] = (char *)malloc(strlen(c) + 1);
                    strcpy(sym[w][k], c);
                    j += 2;
                } else {
                    sym[w][k] = sym[w][j++];
                }
            }
            n_sym[w] = k;
        }
        free(c);
    }
    for (w = 0; w < n_words; w++)
        for (j = 0; j < n_sym[w]; j++) free(sym[w][j]);
    return out;
}

/* pm_bpe_train: merges worked out by hand, then a caption corpus encoded with its own merges. */
static void test_tokenizer_bpe_train(void)
{
    /* Sennrich et al.'s example, with the cleanup at work (case, spaces, punctuation pieces):
       low x5, lower x2, newest x6, widest x3. Counts before each merge: e s 9 (ties with s t</w>:
       "e" < "s"), es t</w> 9, l o 7, e w 6 (ties with n e, w est</w>), ew est</w> 6,
       n ewest</w> 6, lo w</w> 5, d est</w> 3 (ties with i d, w i), i dest</w> 3, w idest</w> 3,
       e r</w> 2 (ties with lo w, w e), lo w 2, low er</w> 2. */
    static const char *const small[] = {"Low LOW low,  low! low", "lower\tlower", "newest newest",
                                        "NEWEST newest newest newest", "widest widest widest"};
    static const char *const want =
        "e s\nes t</w>\nl o\ne w\new est</w>\nn ewest</w>\nlo w</w>\nd est</w>\ni dest</w>\n"
        "w idest</w>\ne r</w>\nlo w\nlow er</w>\n";
    /* U+20AC is the bytes e2 82 ac, written "\xc3\xa2" "\xc4\xa4" "\xc2\xac" (byte 0x82 is one
       of the 68 remapped to U+0100 + k); the tie goes to the smaller raw bytes, 82 before e2 */
    static const char *const euro[] = {"\xe2\x82\xac \xe2\x82\xac"};
    static const char *const euro_want = "\xc4\xa4 \xc2\xac</w>\n\xc3\xa2 \xc4\xa4\xc2\xac</w>\n";
    /* more ties (every count 1): "b" before "b</w>"; "a a a a a</w>" holds "a a" three times
       but merges it left to right into "aa aa a</w>", then "a</w>" goes before "aa" (a prefix
       first); "a a a a</w>" becomes "aa a a</w>", not "aa aa" */
    static const char *const ties[] = {"ab abc", "aaaaa", "aaaa"};
    static const char *const ties_want[] = {"a b\na b</w>\nab c</w>\n",
                                            "a a\naa a</w>\naa aaa</w>\n",
                                            "a a\na a</w>\naa aa</w>\n"};
    static const char *const nums[] = {"a", "two", "three", "four", "five"};
    static const char *const sizes[] = {"small ", "large ", "tiny ", ""};
    static const char *const colors[] = {"red", "green", "blue", "yellow", "purple", "orange"};
    static const char *const shapes[] = {"triangle", "square", "circle", "star", "hexagon"};
    static const char *const places[] = {"at the top left", "at the top right", "in the middle",
                                         "at the bottom"};
    enum { N_CAPS = 300, MIN_COUNT = 3 };
    char caps[N_CAPS][96], *caps_ptr[N_CAPS], *again_ptr[N_CAPS], *merges, *again, *p;
    char words[64][16], **vocab = NULL;
    int counts[64], n_words = 0, n_out = -1, n2 = -1, i, k, budget;
    size_t len = 0, len2 = 0;
    int32_t row[77];
    pm_tokenizer *tok;
    pm__tokenizer *raw;

    merges = pm_bpe_train(5, small, 100, 1, &len, &n_out);
    CHECK(merges && !strcmp(merges, want) && len == strlen(want) && n_out == 13,
          "hand example (%s):\n%s", pm_last_error(), merges ? merges : "");
    pm_free(merges);
    merges = pm_bpe_train(5, small, 4, 1, &len, &n_out);
    CHECK(merges && len == lines_len(want, 4) && !strncmp(merges, want, len) && n_out == 4,
          "hand example, 4 merges:\n%s", merges ? merges : "");
    pm_free(merges);
    merges = pm_bpe_train(5, small, 100, 0, &len, &n_out); /* min_count 0 acts as 1 */
    CHECK(merges && !strcmp(merges, want), "hand example, min_count 0:\n%s",
          merges ? merges : "");
    pm_free(merges);
    merges = pm_bpe_train(5, small, 100, 3, &len, &n_out); /* the counts of 2 are left out */
    CHECK(merges && len == lines_len(want, 10) && !strncmp(merges, want, len) && n_out == 10,
          "hand example, min_count 3:\n%s", merges ? merges : "");
    pm_free(merges);
    merges = pm_bpe_train(1, euro, 10, 1, &len, &n_out);
    CHECK(merges && !strcmp(merges, euro_want) && n_out == 2, "euro sign:\n%s",
          merges ? merges : "");
    pm_free(merges);
    for (i = 0; i < 3; i++) {
        merges = pm_bpe_train(1, ties + i, 10, 1, &len, &n_out);
        CHECK(merges && !strcmp(merges, ties_want[i]) && n_out == 3, "'%s':\n%s", ties[i],
              merges ? merges : "");
        pm_free(merges);
    }

    /* captions: every word seen MIN_COUNT times becomes one token, "zyx" (seen once) stays
       three; every caption decodes back to its cleaned text */
    for (i = 0; i < N_CAPS; i++) {
        int n = (int)(rnd() % 5);
        if (i == 7) {
            strcpy(caps[i], "a  ZYX star");
        } else {
            snprintf(caps[i], sizeof(caps[i]), "%s %s%s %s%s %s", nums[n], sizes[rnd() % 4],
                     colors[rnd() % 6], shapes[rnd() % 5], n ? "s" : "", places[rnd() % 4]);
            if (rnd() % 4 == 0) caps[i][0] = (char)(caps[i][0] - 'a' + 'A');
        }
        caps_ptr[i] = caps[i];
        again_ptr[N_CAPS - 1 - i] = caps[i];
    }
    for (i = 0; i < N_CAPS; i++) { /* word counts, lower-cased */
        for (p = caps[i]; *p;) {
            char w[16];
            size_t n = strcspn(p, " ");
            if (n == 0) {
                p++;
                continue;
            }
            for (k = 0; k < (int)n; k++) w[k] = (char)tolower((unsigned char)p[k]);
            w[n] = 0;
            p += n;
            for (k = 0; k < n_words && strcmp(words[k], w); k++) {}
            if (k == n_words) strcpy(words[n_words++], w), counts[k] = 0;
            counts[k]++;
        }
    }
    merges = pm_bpe_train(N_CAPS, (const char *const *)caps_ptr, 5000, MIN_COUNT, &len, &n_out);
    CHECK(merges != NULL, "captions: %s", pm_last_error());
    if (!merges) return;
    CHECK(n_out > 20 && n_out < 5000, "captions: %d merges (training should stop early)", n_out);
    again = naive_bpe(n_words, words, counts, 5000, MIN_COUNT);
    CHECK(!strcmp(again, merges), "captions: not the merges of plain BPE training:\n%.300s\n"
          "plain:\n%.300s", merges, again);
    free(again);
    again = pm_bpe_train(N_CAPS, (const char *const *)again_ptr, 5000, MIN_COUNT, &len2, &n2);
    CHECK(again && len2 == len && n2 == n_out && !memcmp(again, merges, len),
          "the same words in another order give other merges");
    pm_free(again);
    raw = pm__tokenizer_create(merges, len, n_out); /* as the .pmc loader reads it */
    CHECK(raw != NULL, "model-file merges: %s", pm_last_error());
    pm__tokenizer_free(raw);
    tok = pm_tokenizer_load_memory(merges, len, n_out);
    CHECK(tok != NULL, "load: %s", pm_last_error());
    /* the strings of the ids of printable ASCII and of the merges */
    vocab = (char **)calloc((size_t)(512 + n_out), sizeof(char *));
    for (i = 0; i < 94; i++) {
        vocab[i] = (char *)calloc(2, 1), vocab[i][0] = (char)(33 + i);
        vocab[256 + i] = (char *)calloc(6, 1), sprintf(vocab[256 + i], "%c</w>", 33 + i);
    }
    for (p = merges, k = 512; k < 512 + n_out; k++) {
        size_t sp = strcspn(p, " "), nl = strcspn(p, "\n");
        vocab[k] = (char *)calloc(nl, 1);
        memcpy(vocab[k], p, sp), memcpy(vocab[k] + sp, p + sp + 1, nl - sp - 1);
        p += nl + 1;
    }
    for (i = 0; tok && i <= N_CAPS; i++) {
        char got[256] = "", want_text[128], *q;
        const char *text = i < N_CAPS ? caps[i] : "zyx";
        int eot = pm_tokenizer_encode(tok, text, row, 77), bad = 0;
        CHECK(eot > 0 && row[0] == 512 + n_out && row[eot] == 513 + n_out,
              "'%s': <|startoftext|> %d, <|endoftext|> %d at %d (vocab %d)", text, row[0],
              eot > 0 ? row[eot] : -1, eot, 514 + n_out);
        for (k = 1; k < eot; k++) {
            if (row[k] < 0 || row[k] >= 512 + n_out || !vocab[row[k]]) bad = 1;
            else if (strlen(got) + strlen(vocab[row[k]]) < sizeof(got)) strcat(got, vocab[row[k]]);
        }
        while ((q = strstr(got, "</w>")) != NULL)
            q[0] = ' ', memmove(q + 1, q + 4, strlen(q + 4) + 1);
        for (q = want_text, p = (char *)text; *p; p++) /* lower-case, one space between words */
            if (*p != ' ' || (q > want_text && q[-1] != ' '))
                *q++ = (char)tolower((unsigned char)*p);
        *q++ = ' ', *q = 0;
        CHECK(!bad && !strcmp(got, want_text), "'%s' decodes to '%s'", text, got);
    }
    for (i = 0; tok && i < n_words; i++) {
        int eot = pm_tokenizer_encode(tok, words[i], row, 77);
        if (counts[i] >= MIN_COUNT)
            CHECK(eot == 2, "'%s' (seen %d times) is %d tokens", words[i], counts[i], eot - 1);
        else
            CHECK(eot == 4 && !strcmp(words[i], "zyx"), "'%s' (seen %d times) is %d tokens",
                  words[i], counts[i], eot - 1);
    }
    pm_tokenizer_free(tok);
    for (i = 0; i < 512 + n_out; i++) free(vocab[i]);
    free(vocab);
    pm_free(merges);

    /* no merges at all: an empty list, a tokenizer of 514 ids */
    merges = pm_bpe_train(5, small, 0, 1, &len, &n_out);
    tok = merges ? pm_tokenizer_load_memory(merges, len, n_out) : NULL;
    CHECK(merges && len == 0 && n_out == 0 && tok &&
          pm_tokenizer_encode(tok, "low", row, 77) == 4 && row[0] == 512 && row[4] == 513,
          "no merges: %s", pm_last_error());
    pm_tokenizer_free(tok);
    pm_free(merges);

    /* refused input: NULL and a reason */
    {
        const char *with_null[2] = {"low", NULL};
        CHECK(!pm_bpe_train(5, small, -1, 1, &len, &n_out) &&
              strstr(pm_last_error(), "merge count"), "n_merges -1: %s", pm_last_error());
        CHECK(!pm_bpe_train(3, NULL, 10, 1, &len, &n_out) && strstr(pm_last_error(), "no texts"),
              "NULL texts: %s", pm_last_error());
        CHECK(!pm_bpe_train(-1, small, 10, 1, &len, &n_out) && strstr(pm_last_error(), "no texts"),
              "n -1: %s", pm_last_error());
        CHECK(!pm_bpe_train(2, with_null, 10, 1, &len, &n_out) &&
              strstr(pm_last_error(), "text 1 is missing") && len == 0 && n_out == 0,
              "a NULL text: %s", pm_last_error());
    }

    /* allocation failures: NULL with a reason, nothing leaked (LSan), until it succeeds */
    for (budget = 0; budget < 400; budget++) {
        test_alloc_budget = budget;
        merges = pm_bpe_train(5, small, 100, 1, &len, &n_out);
        test_alloc_budget = -1;
        if (merges) break;
        CHECK(strstr(pm_last_error(), "memory") != NULL, "failed allocation %d: %s", budget,
              pm_last_error());
    }
    CHECK(merges && !strcmp(merges, want), "after %d failed allocations", budget);
    CHECK(budget > 10, "allocation failures were injected (%d)", budget);
    pm_free(merges);
}

/* ------------------------------------------------------------------------------------------
   [4] model file: every corruption is an error message, never a crash (run under ASan)
   ------------------------------------------------------------------------------------------ */

/* Try to load a corrupted image; if it loads, use it once so that ASan sees any bad access. */
static int try_corrupt(const uint8_t *data, size_t n)
{
    pm_model *m = pm_model_load_memory(data, n);
    if (!m) {
        CHECK(strlen(pm_last_error()) > 5, "empty error message");
        return 0;
    }
    {
        const pm_model_info *mi = pm_model_get_info(m);
        float *px, *out;
        int32_t *ids;
        if (mi->has_vision && mi->image_size <= 64 && mi->vision_width <= 256) {
            px = (float *)calloc((size_t)3 * mi->image_size * mi->image_size, sizeof(float));
            out = (float *)calloc((size_t)mi->embed_dim, sizeof(float));
            pm_encode_images(m, 1, px, out);
            free(px), free(out);
        }
        if (mi->has_text && mi->context_length <= 64 && mi->text_width <= 256) {
            ids = (int32_t *)calloc((size_t)mi->context_length, sizeof(int32_t));
            out = (float *)calloc((size_t)mi->embed_dim, sizeof(float));
            ids[0] = mi->sot_token, ids[1] = mi->eot_token;
            pm_encode_texts(m, 1, ids, out);
            free(ids), free(out);
        }
    }
    pm_model_free(m);
    return 1;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void test_loader_corruption(void)
{
    const model_entry *e = find_model("tinyB", "state-dict", "f32");
    size_t n, len, i, k;
    uint8_t *good, *bad;
    int loaded = 0, tried = 0, t;
    static const uint8_t xors[] = {0x01, 0x80, 0xff};
    CHECK(e != NULL, "no tinyB model");
    if (!e) return;
    good = read_all(e->path, &n);
    CHECK(good != NULL, "read %s", e->path);
    if (!good) return;
    bad = (uint8_t *)malloc(n);
    CHECK(try_corrupt(good, n) == 1, "the intact file must load: %s", pm_last_error());
    /* truncated at every length up to 2 KB, then at 300 lengths spread over the file */
    for (len = 0; len < n; len += len < 2048 ? 1 : n / 300 + 1) {
        CHECK(try_corrupt(good, len) == 0, "a file truncated to %lu bytes loaded",
              (unsigned long)len);
        tried++;
    }
    /* every header and directory byte flipped three ways */
    {
        uint64_t dir_end = pm__rd64(good + 112) + pm__rd64(good + 120);
        for (i = 0; i < dir_end && i < n; i++)
            for (k = 0; k < sizeof(xors); k++) {
                memcpy(bad, good, n);
                bad[i] ^= xors[k];
                loaded += try_corrupt(bad, n);
                tried++;
            }
    }
    /* absurd dimensions in every hyper-parameter slot */
    for (i = 24; i < 80; i += 4) {
        static const uint32_t vals[] = {0, 0xffffffffu, 0x7fffffffu, 1u << 20, 65537, 3};
        for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
            memcpy(bad, good, n);
            put32(bad + i, vals[k]);
            t = try_corrupt(bad, n);
            CHECK(!t || vals[k] == pm__rd32(good + i), "header field %lu = %lu loaded",
                  (unsigned long)i, (unsigned long)vals[k]);
            tried++;
        }
    }
    /* offsets and sizes past the end, in the header and in every directory entry */
    {
        uint64_t dir = pm__rd64(good + 112), nt = pm__rd32(good + 76);
        static const size_t hdr_fields[] = {112, 120, 128, 136, 144, 152, 160};
        for (k = 0; k < sizeof(hdr_fields) / sizeof(hdr_fields[0]); k++) {
            memcpy(bad, good, n);
            put64(bad + hdr_fields[k], (uint64_t)n + 64);
            CHECK(try_corrupt(bad, n) == 0, "header offset field %lu past the end loaded",
                  (unsigned long)hdr_fields[k]);
            memcpy(bad, good, n);
            put64(bad + hdr_fields[k], ~(uint64_t)0 - 63);
            CHECK(try_corrupt(bad, n) == 0, "header offset field %lu = 2^64-64 loaded",
                  (unsigned long)hdr_fields[k]);
            tried += 2;
        }
        for (i = 0; i < nt; i++) {
            uint8_t *ent = bad + dir + i * 128;
            memcpy(bad, good, n);
            put64(ent + 88, (uint64_t)n);
            CHECK(try_corrupt(bad, n) == 0, "tensor %lu offset at the end loaded",
                  (unsigned long)i);
            memcpy(bad, good, n);
            put64(ent + 96, pm__rd64(ent + 96) + 4);
            CHECK(try_corrupt(bad, n) == 0, "tensor %lu with a wrong byte size loaded",
                  (unsigned long)i);
            memcpy(bad, good, n);
            put32(ent + 72, pm__rd32(ent + 72) + 1);
            CHECK(try_corrupt(bad, n) == 0, "tensor %lu with a wrong shape loaded",
                  (unsigned long)i);
            memcpy(bad, good, n);
            memset(ent, 'x', 64);
            CHECK(try_corrupt(bad, n) == 0, "tensor %lu without a NUL-terminated name loaded",
                  (unsigned long)i);
            tried += 4;
        }
    }
    /* the merge list: garbage bytes at many places */
    {
        uint64_t off = pm__rd64(good + 128), size = pm__rd64(good + 136);
        for (i = 0; i < size; i += size / 50 + 1) {
            memcpy(bad, good, n);
            bad[off + i] = (uint8_t)'\n';
            loaded += try_corrupt(bad, n);
            memcpy(bad, good, n);
            bad[off + i] = 0xff;
            loaded += try_corrupt(bad, n);
            tried += 2;
        }
    }
    printf("    %d corrupted files tried (%d benign changes loaded), no crash\n", tried, loaded);
    free(good), free(bad);
}

/* ------------------------------------------------------------------------------------------
   CLI: the commands end to end, their outputs and their errors
   ------------------------------------------------------------------------------------------ */

/* Run a shell command; returns its exit status, with stdout and stderr in files. */
static int run(const char *cmd)
{
    static char full[20000];
    int rc;
    if (strlen(cmd) + 2 * strlen(g_fixtures) + 32 > sizeof(full)) return -1;
    sprintf(full, "%s >%s/cli.out 2>%s/cli.err", cmd, g_fixtures, g_fixtures);
    rc = system(full);
    if (rc == -1) return -1;
#ifdef _WIN32
    return rc;
#else
    return (rc >> 8) & 0xff;
#endif
}

static char *cli_output(const char *which)
{
    char path[1024];
    size_t n;
    char *s;
    snprintf(path, sizeof(path), "%s/cli.%s", g_fixtures, which);
    s = (char *)read_all(path, &n);
    if (s) { /* Windows writes stdout in text mode: drop the CR of its line ends */
        size_t i, j = 0;
        for (i = 0; i < n; i++)
            if (s[i] != '\r') s[j++] = s[i];
        s[j] = 0;
    }
    return s ? s : (char *)calloc(1, 1);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void test_cli(void)
{
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    char cmd[8192], out[1024];
    npy got, want_img, want_txt;
    char *so, *se;
    int rc;
    FILE *f;
    if (!e) {
        CHECK(0, "no tinyA model");
        return;
    }
    /* bench: every workload reported, with a positive rate */
    snprintf(cmd, sizeof(cmd), "%s bench --model %s --seconds 0.01 --views 6 --gemm-rows 40 --threads 2 --json",
             g_cli, e->path);
    CHECK(run(cmd) == 0, "bench failed: %s", cli_output("err"));
    so = cli_output("out");
    CHECK(strstr(so, "\"peak_gflops\": ") && strstr(so, "768x2304x40 (dW)") &&
          strstr(so, "image forward, batch 25") && strstr(so, "PromptMargin step, 6 views") &&
          !strstr(so, "\"gflops\": 0.00,") && !strstr(so, "nan") && !strstr(so, "inf"),
          "bench output:\n%s", so);
    free(so);
    snprintf(cmd, sizeof(cmd), "%s info %s", g_cli, e->path);
    CHECK(run(cmd) == 0, "info failed");
    so = cli_output("out");
    CHECK(strstr(so, "patch 8") != NULL, "info output lacks the patch size:\n%s", so);
    free(so);
    snprintf(cmd, sizeof(cmd), "%s info --json --tensors %s", g_cli, e->path);
    CHECK(run(cmd) == 0, "info --json failed");
    so = cli_output("out");
    CHECK(so[0] == '{' && strstr(so, "\"visual.proj\"") != NULL, "info --json:\n%.300s", so);
    free(so);
    /* embed: two images and two texts interleaved; rows must follow the order given */
    snprintf(out, sizeof(out), "%s/embed.npy", g_fixtures);
    remove(out);
    snprintf(cmd, sizeof(cmd),
             "%s embed --model %s --image %s --text \"a photo of a forest.\" --image %s "
             "--text \"a photo of a annual crop land.\" --out %s",
             g_cli, e->path, g_images[1], g_images[0], out);
    rc = run(cmd);
    CHECK(rc == 0, "embed failed (%d): %s", rc, cli_output("err"));
    if (rc == 0 && npy_load(out, &got) == 0) {
        if (load_expected(e, "image_embeds", &want_img) == 0 &&
            load_expected(e, "text_embeds", &want_txt) == 0) {
            int D = want_img.shape[1];
            CHECK(got.ndim == 2 && got.shape[0] == 4 && got.shape[1] == D, "embed shape");
            CHECK(max_abs_diff(got.f, want_img.f + 1 * D, D) < 1e-4, "embed row 0 (image 1)");
            CHECK(max_abs_diff(got.f + D, want_txt.f + 1 * D, D) < 1e-4, "embed row 1 (text 1) "
                  "(needs the tokenizer)");
            CHECK(max_abs_diff(got.f + 2 * D, want_img.f, D) < 1e-4, "embed row 2 (image 0)");
            CHECK(max_abs_diff(got.f + 3 * D, want_txt.f, D) < 1e-4, "embed row 3 (text 0)");
            npy_free(&want_img), npy_free(&want_txt);
        }
        npy_free(&got);
    }
    /* errors: one line on stderr, non-zero exit, no output file */
    remove(out);
    snprintf(cmd, sizeof(cmd), "%s embed --model %s --image %s/nonexistent.ppm --out %s", g_cli,
             e->path, g_fixtures, out);
    CHECK(run(cmd) == 1, "embed with a missing image must exit 1");
    se = cli_output("err");
    CHECK(count_lines(se) == 1 && strstr(se, "nonexistent.ppm"), "error output:\n%s", se);
    free(se);
    f = fopen(out, "rb");
    CHECK(f == NULL, "a failed embed left an output file");
    if (f) fclose(f);
    snprintf(cmd, sizeof(cmd), "%s info %s/models.txt", g_cli, g_fixtures);
    CHECK(run(cmd) == 1, "info on a non-model must exit 1");
    se = cli_output("err");
    CHECK(count_lines(se) == 1, "error output:\n%s", se);
    free(se);
    /* a truncated model given to every command: one error line, exit 1 */
    {
        static const char *cmds[] = {"info %s", "tokenize --model %s hello",
                                     "embed --model %s --text hello --out %s",
                                     "zeroshot --model %s --classes a,b %s"};
        char bad[1024], sub[2048];
        size_t n;
        uint8_t *good = read_all(e->path, &n);
        FILE *bf;
        int c;
        snprintf(bad, sizeof(bad), "%s/truncated.pmc", g_fixtures);
        bf = fopen(bad, "wb");
        if (bf && good) fwrite(good, 1, n / 2, bf);
        if (bf) fclose(bf);
        free(good);
        for (c = 0; c < 4; c++) {
            snprintf(sub, sizeof(sub), cmds[c], bad, c == 2 ? out : g_images[0]);
            snprintf(cmd, sizeof(cmd), "%s %s", g_cli, sub);
            CHECK(run(cmd) == 1, "'%s' on a truncated model must exit 1", sub);
            se = cli_output("err");
            CHECK(count_lines(se) == 1 && strstr(se, "truncated"), "'%s':\n%s", sub, se);
            free(se);
        }
        f = fopen(out, "rb");
        CHECK(f == NULL, "a failed embed left an output file");
        if (f) fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "%s embed --model %s --out %s", g_cli, e->path, out);
    CHECK(run(cmd) == 2, "embed without inputs is a usage error (exit 2)");
    { /* numbers that are not numbers, or out of range: a usage error naming the option */
        static const char *bad[] = {"tune --lr 1e-3x", "tune --momentum 1.5", "bench --seconds 0",
                                    "diagnose --threshold 2", "episodes --memory-mb abc",
                                    "pretrain --weight-decay -1 --out never.pmc",
                                    "grid --shots 1,x --table-only --out never"};
        int k;
        for (k = 0; k < (int)(sizeof(bad) / sizeof(bad[0])); k++) {
            char opt[32];
            sscanf(strchr(bad[k], '-'), "%31s", opt);
            if (!strcmp(opt, "--shots")) strcpy(opt, "shot count");
            snprintf(cmd, sizeof(cmd), "%s %s", g_cli, bad[k]); /* refused before any file */
            rc = run(cmd), se = cli_output("err");
            CHECK(rc == 2 && se && strstr(se, opt), "'%s' must be refused naming %s", bad[k], opt);
            free(se);
        }
    }
    snprintf(cmd, sizeof(cmd), "%s zeroshot --help", g_cli);
    CHECK(run(cmd) == 0, "zeroshot --help");
    so = cli_output("out");
    CHECK(strstr(so, "--template") && strstr(so, "default: a photo of a {}."), "help:\n%s", so);
    free(so);
    /* a dataset with a corrupt image, a non-image file and an empty class: exit 0, each
       problem named once */
    snprintf(cmd, sizeof(cmd), "%s dataset-info --json tests/fixtures/dataset/folder", g_cli);
    CHECK(run(cmd) == 0, "dataset-info on a folder with problems must still exit 0");
    se = cli_output("err");
    so = cli_output("out");
    CHECK(strstr(se, "corrupt.png") && strstr(se, "notes.txt") && strstr(se, "empty_class"),
          "dataset-info warnings:\n%s", se);
    CHECK(strstr(so, "\"images\": 5") != NULL, "dataset-info --json:\n%s", so);
    free(se), free(so);
    snprintf(cmd, sizeof(cmd), "%s dataset-info tests/fixtures/dataset/no_such", g_cli);
    CHECK(run(cmd) == 1, "dataset-info on a missing folder must exit 1");
    /* tune on the dataset folder, predict with the prompts; prompts for another model and a
       missing folder are refused without leaving a file */
    {
        const model_entry *eb = find_model("tinyB", "state-dict", "f32");
        char pf[1024];
        snprintf(pf, sizeof(pf), "%s/tuned.safetensors", g_fixtures);
        remove(pf);
        snprintf(cmd, sizeof(cmd), "%s tune --model %s --data tests/fixtures/dataset/folder "
                 "--save %s --steps 3 --views 4 --keep 2 --depth 2 --json", g_cli, e->path, pf);
        CHECK(run(cmd) == 0, "tune failed: %s", cli_output("err"));
        so = cli_output("out");
        CHECK(count_lines(so) == 3 && strstr(so, "\"step\": 3"), "tune --json:\n%s", so);
        free(so);
        snprintf(cmd, sizeof(cmd), "%s predict --model %s --prompts %s --json %s", g_cli, e->path,
                 pf, g_images[0]);
        CHECK(run(cmd) == 0, "predict failed: %s", cli_output("err"));
        so = cli_output("out");
        CHECK(strstr(so, "\"sea lake\"") && strstr(so, "\"prob\""), "predict:\n%s", so);
        free(so);
        if (eb) {
            snprintf(cmd, sizeof(cmd), "%s predict --model %s --prompts %s %s", g_cli, eb->path,
                     pf, g_images[0]);
            CHECK(run(cmd) == 1, "prompts of another model must be refused");
            se = cli_output("err");
            CHECK(strstr(se, "another model") != NULL, "%s", se);
            free(se);
        }
        remove(pf);
        snprintf(cmd, sizeof(cmd), "%s tune --model %s --data tests/fixtures/dataset/nothing "
                 "--save %s", g_cli, e->path, pf);
        CHECK(run(cmd) == 1, "tune on a missing folder must exit 1");
        f = fopen(pf, "rb");
        CHECK(f == NULL, "a failed tune left a prompt file");
        if (f) fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "%s frobnicate", g_cli);
    CHECK(run(cmd) == 2, "unknown command exits 2");
}

#include "test_prompts.c"
#include "test_pretrain.c"


/* Remove the "seconds" field of every JSON line in place (timings differ between runs). */
static char *without_seconds(char *s)
{
    char *p;
    while (s && (p = strstr(s, ", \"seconds\": ")) != NULL) {
        char *q = strchr(p, '}');
        if (!q) break;
        memmove(p, q, strlen(q) + 1);
    }
    return s;
}

/* Episodes: deterministic, shards merge into exactly the unsharded summary, a run killed in
   the middle of a line and resumed gives the uninterrupted file, bad settings write nothing. */
/* A command that must fail with exit status 1, say `why` on stderr and leave no `out` file. */
static void expect_refused(const char *cmd, const char *why, const char *out)
{
    char *err;
    FILE *f;
    CHECK(run(cmd) == 1, "must exit 1: %s", cmd);
    err = cli_output("err");
    CHECK(strstr(err, why) != NULL, "stderr lacks '%s':\n%s", why, err);
    free(err);
    f = fopen(out, "rb");
    CHECK(f == NULL, "a refused run left %s: %s", out, cmd);
    if (f) fclose(f);
}

static void test_episodes(void)
{
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    static char cmd[16384], base[2048];
    char full[512], s0[512], s1[512], cut[512];
    char *a, *b, *sum_full, *sum_merged;
    size_t n;
    FILE *f;
    if (!e) {
        CHECK(0, "no tinyA model");
        return;
    }
    snprintf(base, sizeof(base), "%s episodes --model %s --data tests/fixtures/episodes --ways 2 "
             "--shots 1 --queries 2 --episodes 6 --steps 2 --views 3 --keep 2 --seed 11",
             g_cli, e->path);
    snprintf(full, sizeof(full), "%s/ep_full.jsonl", g_fixtures);
    snprintf(s0, sizeof(s0), "%s/ep_s0.jsonl", g_fixtures);
    snprintf(s1, sizeof(s1), "%s/ep_s1.jsonl", g_fixtures);
    snprintf(cut, sizeof(cut), "%s/ep_cut.jsonl", g_fixtures);
    remove(full), remove(s0), remove(s1), remove(cut);
    snprintf(cmd, sizeof(cmd), "%s --out %s", base, full);
    CHECK(run(cmd) == 0, "episodes: %s", cli_output("err"));
    sum_full = cli_output("out");
    snprintf(cmd, sizeof(cmd), "%s", base); /* to stdout, twice the same */
    CHECK(run(cmd) == 0, "episodes to stdout");
    a = without_seconds(cli_output("out"));
    b = without_seconds((char *)read_all(full, &n));
    CHECK(b && !strcmp(a, b), "the same seed must give the same episodes");
    free(a);
    snprintf(cmd, sizeof(cmd), "%s --shard 0/2 --out %s", base, s0);
    CHECK(run(cmd) == 0, "shard 0/2");
    snprintf(cmd, sizeof(cmd), "%s --shard 1/2 --out %s", base, s1);
    CHECK(run(cmd) == 0, "shard 1/2");
    snprintf(cmd, sizeof(cmd), "%s merge %s %s", g_cli, s0, s1);
    CHECK(run(cmd) == 0, "merge");
    sum_merged = cli_output("out");
    CHECK(!strcmp(sum_full, sum_merged), "merged shards:\n%s\nunsharded:\n%s", sum_merged,
          sum_full);
    free(sum_merged);
    { /* a complete line with impossible counts (correct > total) is left out, with a warning */
        char *l = (char *)read_all(s0, &n), *c = l ? strstr(l, "\"correct\": ") : NULL;
        f = c ? fopen(cut, "wb") : NULL;
        CHECK(f != NULL, "episode file %s", s0);
        if (f) {
            int rc;
            fprintf(f, "%.*s\"correct\": 999%s", (int)(c - l), l, strchr(c, ','));
            fclose(f);
            snprintf(cmd, sizeof(cmd), "%s merge %s %s", g_cli, cut, s1);
            rc = run(cmd);
            a = cli_output("err");
            CHECK(rc == 0 && a && strstr(a, "1 incomplete or malformed"),
                  "merge with a malformed line: %s", a);
            free(a);
        }
        free(l);
        remove(cut);
    }
    /* killed in the middle of the fourth line: keep 3.5 lines, resume */
    if (b) {
        size_t cutat = 0;
        int lines = 0;
        while (cutat < n && lines < 3) lines += b[cutat++] == '\n';
        f = fopen(cut, "wb");
        if (f) fwrite(b, 1, cutat + 20, f), fclose(f);
        snprintf(cmd, sizeof(cmd), "%s --out %s --resume", base, cut);
        CHECK(run(cmd) == 0, "resume: %s", cli_output("err"));
        a = without_seconds((char *)read_all(cut, &n));
        CHECK(a && !strcmp(a, b), "resumed file differs from the uninterrupted one");
        free(a);
        a = cli_output("out");
        CHECK(!strcmp(a, sum_full), "resumed summary:\n%s", a);
        free(a);
    }
    free(b), free(sum_full);
    /* every episode line carries the diagnostic and zero-shot accuracy; diagnose alone */
    b = (char *)read_all(full, &n);
    CHECK(b && strstr(b, "\"separability\": ") && strstr(b, "\"zeroshot_accuracy\": ") &&
          strstr(b, "\"predict\": "), "diagnostic fields missing:\n%.300s", b ? b : "");
    free(b);
    snprintf(cmd, sizeof(cmd), "%s diagnose --model %s --data tests/fixtures/episodes --views 3 "
             "--json", g_cli, e->path);
    CHECK(run(cmd) == 0, "diagnose: %s", cli_output("err"));
    a = cli_output("out");
    CHECK(strstr(a, "\"views\": 36") && strstr(a, "\"predict\": "), "diagnose:\n%s", a);
    free(a);
    /* an existing file without --resume, and an impossible episode: error, nothing written */
    snprintf(cmd, sizeof(cmd), "%s --out %s", base, full);
    CHECK(run(cmd) == 1, "an existing --out file without --resume must be refused");
    remove(s0);
    snprintf(cmd, sizeof(cmd), "%s --queries 5 --out %s", base, s0);
    expect_refused(cmd, "fewer than shots + queries", s0);
    /* a loss that overflows (learning rate 1e30): the step named, exit 1, no output file */
    snprintf(cmd, sizeof(cmd), "%s --lr 1e30 --out %s", base, s0);
    expect_refused(cmd, "episode 0: step 2: the loss is not a finite number", s0);
    snprintf(cmd, sizeof(cmd), "%s tune --model %s --data %s/views --class-names "
             "%s/view_classes.txt --no-augment --lr 1e30 --steps 3 --save %s", g_cli, e->path,
             PROMPT_DIR, PROMPT_DIR, s0);
    expect_refused(cmd, "step 2: the loss is not a finite number", s0);
}

/* ------------------------------------------------------------------------------------------
   main
   ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    void (*fn)(void);
    int needs_fixtures;
} test_case;

static const test_case tests[] = {
    {"half_conversions", test_half_conversions, 0},
    {"gemm", test_gemm, 0},
    {"gemm_bf16_rounding", test_gemm_bf16_rounding, 0},
    {"ops_layernorm", test_ops_layernorm, 0},
    {"ops_linear", test_ops_linear, 0},
    {"ops_matmul", test_ops_matmul, 0},
    {"ops_exp", test_ops_exp, 0},
    {"ops_softmax_forms", test_ops_softmax_forms, 0},
    {"ops_layernorm_forms", test_ops_layernorm_forms, 0},
    {"ops_quickgelu_forms", test_ops_quickgelu_forms, 0},
    {"ops_activation", test_ops_activation, 0},
    {"ops_attention", test_ops_attention, 0},
    {"ops_l2norm", test_ops_l2norm, 0},
    {"ops_logits", test_ops_logits, 0},
    {"ops_cross_entropy", test_ops_cross_entropy, 0},
    {"ops_margin", test_ops_margin, 0},
    {"ops_block", test_ops_block, 0},
    {"decoders_match_pil", test_decoders, 0},
    {"jpeg_matches_pil", test_jpeg, 0},
    {"image_limits", test_image_limits, 0},
    {"dataset_folder", test_dataset_folder, 0},
    {"dataset_csv", test_dataset_csv, 0},
    {"augmentation_matches_pil", test_augmentation, 0},
    {"preprocess_matches_torchvision", test_preprocess, 1},
    {"models_match_pytorch", test_models, 1},
    {"text_batching", test_text_batching, 1},
    {"threads_identical", test_threads_identical, 1},
    {"tokenizer_known_vectors", test_tokenizer_known_vectors, 0},
    {"tokenizer_corpus", test_tokenizer_corpus, 0},
    {"tokenizer_bpe_train", test_tokenizer_bpe_train, 0},
    {"loader_corruption", test_loader_corruption, 1},
    {"prompt_training_matches_pytorch", test_prompt_training, 1},
    {"prompt_files", test_prompt_files, 1},
    {"episodes_shards_resume", test_episodes, 1},
    {"shapes_deterministic", test_shapes_deterministic, 0},
    {"pretrain_matches_pytorch", test_pretrain_parity, 1},
    {"pretrain_files", test_pretrain_files, 1},
    {"cli_pretrain_grid", test_cli_pretrain_grid, 1},
    {"cli", test_cli, 1},
    {NULL, NULL, 0}};

/* Does name contain one of the comma-separated substrings of filter? */
static int filter_matches(const char *filter, const char *name)
{
    char part[256];
    while (*filter) {
        size_t n = strcspn(filter, ",");
        if (n > 0 && n < sizeof(part)) {
            memcpy(part, filter, n);
            part[n] = 0;
            if (strstr(name, part)) return 1;
        }
        filter += n + (filter[n] == ',');
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *filter = NULL;
    int i, passed = 0, failed = 0, skipped = 0, have_fixtures;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fixtures") == 0 && i + 1 < argc) g_fixtures = argv[++i];
        else if (strcmp(argv[i], "--cli") == 0 && i + 1 < argc) g_cli = argv[++i];
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) filter = argv[++i];
        else if (strcmp(argv[i], "--bpe") == 0 && i + 1 < argc) g_bpe = argv[++i];
        else if (strcmp(argv[i], "--prompt-parity") == 0 && i + 2 < argc) {
            /* the training parity check on another model, e.g. the ViT-B/32-shaped reference of
               tools/make_fixtures.py --promptmargin-big: --prompt-parity MODEL.pmc DIR */
            check_prompt_parity(argv[i + 1], argv[i + 2]);
            check_tune_cli(argv[i + 1], argv[i + 2], 0);
            printf("%d passed, %d failed\n", g_failures == 0, g_failures != 0);
            return g_failures ? 1 : 0;
        }
        else {
            fprintf(stderr, "usage: test_promptmargin --fixtures DIR --cli PATH [--bpe PATH] [--filter S]\n       test_promptmargin --prompt-parity MODEL.pmc DIR\n");
            return 2;
        }
    }
    have_fixtures = load_fixture_lists() == 0;
    for (i = 0; tests[i].name; i++) {
        if (filter && !filter_matches(filter, tests[i].name)) continue;
        printf("%s\n", tests[i].name);
        fflush(stdout);
        g_failures = 0;
        g_skipped = 0;
        { /* each test's data depends on its name alone, not on which tests ran before
             (filters, kernels) nor on where it sits in the table */
            const char *c = tests[i].name;
            g_rng = 2166136261u;
            for (; *c; c++) g_rng = (g_rng ^ (uint8_t)*c) * 16777619u;
            if (!g_rng) g_rng = 12345;
        }
        if (tests[i].needs_fixtures && !have_fixtures) {
            CHECK(0, "fixtures missing in %s (run tests/convert_fixtures.py)", g_fixtures);
        } else {
            tests[i].fn();
        }
        if (g_failures) {
            printf("  FAILED (%d checks)\n", g_failures);
            failed++;
        } else if (g_skipped) {
            skipped++;
        } else {
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed", passed, failed);
    if (skipped) printf(", %d skipped", skipped);
    printf("\n");
    return failed ? 1 : 0;
}
