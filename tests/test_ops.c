/* Gradient checks of the differentiable operations of section [3] (layers): every backward
   against central finite differences of its forward.

   #included by tests/test_promptmargin.c, which provides CHECK(cond, ...), rndf() (uniform in
   [-1, 1)), skip(msg) and the implementation. Tests to register (none needs fixtures):
       {"ops_layernorm", test_ops_layernorm, 0}          layernorm dx, dw, db
       {"ops_linear", test_ops_linear, 0}                linear dx (f32/f16/bf16 W), dW, db
       {"ops_matmul", test_ops_matmul, 0}                x . P projection dx (f32/f16/bf16), dP
       {"ops_activation", test_ops_activation, 0}        QuickGELU and exact GELU
       {"ops_attention", test_ops_attention, 0}          attention core, causal or not, saved or
                                                         recomputed softmax
       {"ops_l2norm", test_ops_l2norm, 0}                row L2 normalisation
       {"ops_logits", test_ops_logits, 0}                scaled cosine logits dV, dT
       {"ops_cross_entropy", test_ops_cross_entropy, 0}  mean cross-entropy
       {"ops_margin", test_ops_margin, 0}                margin regulariser R_T, R_V (text and
                                                         self targets, N = 1, empty class)
       {"ops_block", test_ops_block, 0}                  transformer block: input gradient
                                                         (f32/f16/bf16 weights) and weight
                                                         gradients

   Method: a scalar loss L = sum_k w_k y_k (random w_k, accumulated in double) of the op's
   output y; the backward gets dy = w and its result is compared with a fourth-order central
   difference of L for the elements of every input (up to 64 per tensor; for the block 32 of
   the input and 8 of each weight tensor, ops_fd). Gradient buffers start with small random
   values so the accumulation (+=) is checked too. The error reported is
   max |backward - fd| / max |fd| over the elements checked. */

typedef double (*ops_loss_fn)(void *ctx);

/* Finite differences check the calculus on the exact values of f16/bf16 weights, so the
   products widen bf16 weights to float here: the AVX512-BF16 kernel (when present) also rounds
   the activations to bf16, a step function differences cannot see through; it is checked
   against a product of the rounded operands in the gemm test instead. Wraps a whole test body
   (first declaration and last statement). */
#define OPS_WIDEN_BF16_BEGIN int ops_bf16_was_ = pm__bf16_compute; pm__bf16_compute = 0;
#define OPS_WIDEN_BF16_END pm__bf16_compute = ops_bf16_was_;

/* Finite-difference steps: 2^-5, and 2^-6 for the whole block (more curvature). With the
   fourth-order stencil the measured errors are at the float rounding floor of the loss. */
#ifndef OPS_H
#define OPS_H 0.03125f
#endif
#define OPS_H_BLOCK (OPS_H * 0.5f)

static int g_ops_verbose; /* print every measured error (the standalone harness sets it) */

/* sum_k w[k] y[k] in double */
static double ops_wsum(const float *y, const float *w, size_t n)
{
    double s = 0.0;
    size_t k;
    for (k = 0; k < n; k++) s += (double)w[k] * y[k];
    return s;
}

/* n random values offset + scale * U[-1, 1), rounded to multiples of 2^-12 (see ops_fd) */
static float *ops_rand(size_t n, float scale, float offset)
{
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    size_t k;
    for (k = 0; k < n; k++) p[k] = floorf((offset + scale * rndf()) * 4096.0f + 0.5f) / 4096.0f;
    return p;
}

/* The starting value of a gradient buffer: small random values, so that an op that overwrote
   instead of accumulating is caught, yet adding a tiny gradient to them loses no precision. */
static float *ops_base(size_t n)
{
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    size_t k;
    for (k = 0; k < n; k++) p[k] = 1e-3f * rndf();
    return p;
}

/* At most this many elements of a tensor are checked (evenly spread, random phase): the FD
   checks then stay quick, also under the sanitizers. */
static size_t g_ops_points = 64;

/* Finite differences of loss(ctx) with respect to the floats of p [n], into fd[n]: the
   fourth-order central stencil (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / (12 h), whose
   truncation error (h^4) is negligible even for a step large enough to keep the float
   rounding of the loss small. The test inputs are multiples of 2^-12 (ops_rand), so with
   h = 2^-k the steps are exact; if one is not, the plain central difference over the steps
   actually taken is used instead. When n > g_ops_points only that many elements are
   differentiated; the others get NaN (skipped by ops_relerr). */
static void ops_fd(ops_loss_fn loss, void *ctx, float *p, size_t n, float h, double *fd)
{
    size_t k, j, m = n < g_ops_points ? n : g_ops_points;
    double step = (double)n / (double)(m ? m : 1), phase = 0.5 * (rndf() + 1.0f);
    for (k = 0; k < n; k++) fd[k] = NAN;
    for (j = 0; j < m; j++) {
        float keep, u1, d1, u2, d2;
        double lu1, ld1, lu2, ld2;
        k = (size_t)((double)j * step + phase * step);
        if (k >= n) k = n - 1;
        keep = p[k], u1 = keep + h, d1 = keep - h, u2 = keep + 2 * h, d2 = keep - 2 * h;
        p[k] = u1, lu1 = loss(ctx);
        p[k] = d1, ld1 = loss(ctx);
        if ((double)u1 - keep == h && (double)keep - d1 == h && (double)u2 - keep == 2.0 * h &&
            (double)keep - d2 == 2.0 * h) {
            p[k] = u2, lu2 = loss(ctx);
            p[k] = d2, ld2 = loss(ctx);
            fd[k] = (8.0 * (lu1 - ld1) - (lu2 - ld2)) / (12.0 * h);
        } else {
            fd[k] = (lu1 - ld1) / ((double)u1 - (double)d1);
        }
        p[k] = keep;
    }
}

/* max |(got - base) - want| / max |want| over the elements where want is not NaN (base: the
   gradient buffer's value before the backward, NULL for zero). */
static double ops_relerr(const float *got, const float *base, const double *want, size_t n)
{
    double e = 0.0, m = 0.0;
    size_t k;
    for (k = 0; k < n; k++) {
        double g = (double)got[k] - (base ? (double)base[k] : 0.0), d;
        if (want[k] != want[k]) continue;
        d = fabs(g - want[k]);
        e = d > e ? d : e;
        m = fabs(want[k]) > m ? fabs(want[k]) : m;
    }
    return m > 0.0 ? e / m : e;
}

/* CHECK one gradient against finite differences fd already computed; returns the error. */
static double ops_compare(const char *what, const float *got, const float *base,
                          const double *fd, size_t n, double tol)
{
    double err = ops_relerr(got, base, fd, n);
    if (g_ops_verbose) printf("    %-44s rel err %.2e (tol %.0e)\n", what, err, tol);
    CHECK(err <= tol, "%s: relative error %.3g above %g", what, err, tol);
    return err;
}

/* Compare the gradient `got` (accumulated on top of `base`) with finite differences of
   loss w.r.t. p; CHECK the relative error against tol. Returns the error. */
static double ops_check(const char *what, ops_loss_fn loss, void *ctx, float *p, size_t n,
                        float h, const float *got, const float *base, double tol)
{
    double *fd = (double *)malloc(sizeof(double) * (n ? n : 1)), err;
    ops_fd(loss, ctx, p, n, h, fd);
    err = ops_compare(what, got, base, fd, n, tol);
    free(fd);
    return err;
}

static float *ops_copy(const float *src, size_t n)
{
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    if (n) memcpy(p, src, sizeof(float) * n);
    return p;
}

/* Random f16 / bf16 weights: the stored bits and their exact float values. */
static void ops_rand_half(int dtype, size_t n, float scale, uint16_t *bits, float *f)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (dtype == PM_DTYPE_F16) {
            uint32_t sign = rnd() & 1u, e = 11u + rnd() % 4u, man = rnd() & 0x3ffu;
            bits[k] = (uint16_t)((sign << 15) | (e << 10) | man); /* |v| in [1/16, 1) */
            f[k] = pm__f16_to_f32(bits[k]);
        } else {
            float v = scale * rndf();
            uint32_t u;
            memcpy(&u, &v, 4);
            bits[k] = (uint16_t)(u >> 16);
            f[k] = pm__bf16_to_f32(bits[k]);
        }
    }
}

static const char *ops_dtype_name(int dt)
{
    return dt == PM_DTYPE_F32 ? "f32" : dt == PM_DTYPE_F16 ? "f16" : "bf16";
}

/* ------------------------------------------------------------------------------------------
   layernorm
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int T, C;
    float *x, *w, *b, *y, *wy;
} ops_ln_ctx;

static double ops_ln_loss(void *p)
{
    ops_ln_ctx *c = (ops_ln_ctx *)p;
    pm__layernorm_forward(c->T, c->C, c->x, c->w, c->b, c->y, NULL, NULL);
    return ops_wsum(c->y, c->wy, (size_t)c->T * c->C);
}

static void test_ops_layernorm(void)
{
    static const int shapes[][2] = {{3, 7}, {4, 32}, {1, 3}};
    int s;
    for (s = 0; s < 3; s++) {
        ops_ln_ctx c;
        size_t n;
        float *mean, *rstd, *dx, *dw, *db, *dx0, *dw0, *db0, *dx2;
        char what[96];
        c.T = shapes[s][0], c.C = shapes[s][1];
        n = (size_t)c.T * c.C;
        c.x = ops_rand(n, 2.0f, 0.5f), c.w = ops_rand(c.C, 0.5f, 1.0f);
        c.b = ops_rand(c.C, 0.3f, 0.0f), c.y = ops_rand(n, 0, 0), c.wy = ops_rand(n, 1, 0);
        mean = ops_rand(c.T, 0, 0), rstd = ops_rand(c.T, 0, 0);
        dx = ops_base(n), dw = ops_base(c.C), db = ops_base(c.C);
        dx0 = ops_copy(dx, n), dw0 = ops_copy(dw, c.C), db0 = ops_copy(db, c.C);
        dx2 = ops_copy(dx, n);
        pm__layernorm_forward(c.T, c.C, c.x, c.w, c.b, c.y, mean, rstd);
        pm__layernorm_backward(c.T, c.C, c.wy, c.x, c.w, mean, rstd, dx, dw, db);
        snprintf(what, sizeof(what), "layernorm T=%d C=%d dx", c.T, c.C);
        ops_check(what, ops_ln_loss, &c, c.x, n, OPS_H, dx, dx0, 5e-5);
        snprintf(what, sizeof(what), "layernorm T=%d C=%d dw", c.T, c.C);
        ops_check(what, ops_ln_loss, &c, c.w, c.C, OPS_H, dw, dw0, 5e-5);
        snprintf(what, sizeof(what), "layernorm T=%d C=%d db", c.T, c.C);
        ops_check(what, ops_ln_loss, &c, c.b, c.C, OPS_H, db, db0, 5e-5);
        /* unwanted gradients (NULL) change nothing in the others */
        pm__layernorm_backward(c.T, c.C, c.wy, c.x, c.w, mean, rstd, dx2, NULL, NULL);
        CHECK(memcmp(dx, dx2, sizeof(float) * n) == 0, "layernorm dx depends on dw/db NULL");
        free(c.x), free(c.w), free(c.b), free(c.y), free(c.wy), free(mean), free(rstd);
        free(dx), free(dw), free(db), free(dx0), free(dw0), free(db0), free(dx2);
    }
}

/* ------------------------------------------------------------------------------------------
   linear (y = x W^T + b) and matmul (y = x P)
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int T, in, out, wt, matmul;
    float *x, *Wf, *b, *y, *wy;
    const void *W; /* Wf, or the f16/bf16 bits */
} ops_lin_ctx;

static double ops_lin_loss(void *p)
{
    ops_lin_ctx *c = (ops_lin_ctx *)p;
    if (c->matmul) pm__matmul_forward(c->T, c->in, c->out, c->x, c->W, c->wt, c->y);
    else pm__linear_forward(c->T, c->in, c->out, c->x, c->W, c->wt, c->b, c->y);
    return ops_wsum(c->y, c->wy, (size_t)c->T * c->out);
}

static void ops_linear_case(int matmul, int T, int in, int out, int wt)
{
    ops_lin_ctx c;
    size_t nx = (size_t)T * in, ny = (size_t)T * out, nw = (size_t)in * out;
    uint16_t *bits = (uint16_t *)malloc(sizeof(uint16_t) * nw);
    float *dx, *dW, *db, *dx0, *dW0, *db0, *dx2;
    const char *op = matmul ? "matmul" : "linear";
    char what[96];
    c.T = T, c.in = in, c.out = out, c.wt = wt, c.matmul = matmul;
    c.x = ops_rand(nx, 1.5f, 0.0f), c.Wf = ops_rand(nw, 0.5f, 0.0f), c.b = ops_rand(out, 1, 0);
    c.y = ops_rand(ny, 0, 0), c.wy = ops_rand(ny, 1, 0);
    c.W = c.Wf;
    if (wt != PM_DTYPE_F32) {
        ops_rand_half(wt, nw, 0.5f, bits, c.Wf);
        c.W = bits;
    }
    dx = ops_base(nx), dW = ops_base(nw), db = ops_base(out);
    dx0 = ops_copy(dx, nx), dW0 = ops_copy(dW, nw), db0 = ops_copy(db, out);
    dx2 = ops_copy(dx, nx);
    if (matmul) pm__matmul_backward(T, in, out, c.wy, c.x, c.W, wt, dx, dW);
    else pm__linear_backward(T, in, out, c.wy, c.x, c.W, wt, dx, dW, db);
    snprintf(what, sizeof(what), "%s T=%d in=%d out=%d %s dx", op, T, in, out,
             ops_dtype_name(wt));
    ops_check(what, ops_lin_loss, &c, c.x, nx, OPS_H, dx, dx0, 1e-5);
    if (wt == PM_DTYPE_F32) { /* trainable weights are f32 */
        snprintf(what, sizeof(what), "%s T=%d in=%d out=%d dW", op, T, in, out);
        ops_check(what, ops_lin_loss, &c, c.Wf, nw, OPS_H, dW, dW0, 1e-5);
        if (!matmul) {
            snprintf(what, sizeof(what), "%s T=%d in=%d out=%d db", op, T, in, out);
            ops_check(what, ops_lin_loss, &c, c.b, out, OPS_H, db, db0, 1e-5);
        }
    }
    if (matmul) pm__matmul_backward(T, in, out, c.wy, c.x, c.W, wt, dx2, NULL);
    else pm__linear_backward(T, in, out, c.wy, c.x, c.W, wt, dx2, NULL, NULL);
    CHECK(memcmp(dx, dx2, sizeof(float) * nx) == 0, "%s dx depends on dW NULL", op);
    free(bits), free(c.x), free(c.Wf), free(c.b), free(c.y), free(c.wy);
    free(dx), free(dW), free(db), free(dx0), free(dW0), free(db0), free(dx2);
}

static void test_ops_linear(void)
{
    OPS_WIDEN_BF16_BEGIN
    int wt;
    for (wt = 0; wt < 3; wt++) ops_linear_case(0, 3, 5, 7, wt);
    ops_linear_case(0, 9, 33, 18, PM_DTYPE_F32);
    ops_linear_case(0, 1, 1, 1, PM_DTYPE_F32);
    OPS_WIDEN_BF16_END
}

static void test_ops_matmul(void)
{
    OPS_WIDEN_BF16_BEGIN
    int wt;
    for (wt = 0; wt < 3; wt++) ops_linear_case(1, 3, 5, 6, wt);
    ops_linear_case(1, 7, 17, 19, PM_DTYPE_F32);
    OPS_WIDEN_BF16_END
}

/* ------------------------------------------------------------------------------------------
   activations
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int act;
    size_t n;
    float *x, *y, *wy;
} ops_act_ctx;

static double ops_act_loss(void *p)
{
    ops_act_ctx *c = (ops_act_ctx *)p;
    pm__activation_forward(c->act, c->n, c->x, c->y);
    return ops_wsum(c->y, c->wy, c->n);
}

#ifdef PM__X86_SIMD
/* The vector forms the tests compare with plain C: 0 is AVX-512, 1 AVX2 with FMA. */
static const char *const ops_form_name[2] = {"AVX-512", "AVX2"};

static int ops_form_runs(int form)
{
    __builtin_cpu_init();
    if (form == 0) return __builtin_cpu_supports("avx512f");
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* e^x over arrays: within 3 ulp of exp() in double over the whole float range used, the
   plain C, AVX2 and AVX-512 forms bit-identical (every platform computes the same bits), NaN
   kept, -inf and huge inputs clamped. */
static void test_ops_exp(void)
{
    enum { N = 4099 };
    static float x[N], a[N];
    double worst = 0.0;
    int i;
    for (i = 0; i < N; i++) x[i] = -87.0f + 175.0f * (float)i / (N - 1);
    x[7] = 0.0f, x[8] = -0.0f, x[9] = 1e-8f, x[10] = -1e-30f;
    memcpy(a, x, sizeof(x));
    pm__exp_portable(a, N);
    for (i = 0; i < N; i++) {
        double want = exp((double)x[i]), err = fabs(a[i] - want) / want;
        worst = err > worst ? err : worst;
    }
    CHECK(worst < 3.6e-7, "e^x: worst relative error %.3g (3 ulp is 3.6e-7)", worst);
    CHECK(a[7] == 1.0f && a[8] == 1.0f, "e^0 = %.9g", a[7]);
#ifdef PM__X86_SIMD
    {
    static float b[N];
    int bad, form;
    for (form = 0; form < 2; form++) {
        if (!ops_form_runs(form)) continue;
        memcpy(b, x, sizeof(x));
        if (form == 0) pm__exp_avx512(b, N);
        else pm__exp_avx2(b, N);
        for (i = 0, bad = 0; i < N; i++) bad += memcmp(&a[i], &b[i], 4) != 0;
        CHECK(bad == 0, "%s e^x differs from plain C in %d values", ops_form_name[form], bad);
    }
    }
#endif
    { /* through the dispatcher: NaN stays NaN, -inf and 1e30 clamp */
        float e[20];
        for (i = 0; i < 20; i++) e[i] = (float)i - 10.0f;
        e[3] = (float)NAN, e[17] = -(float)HUGE_VAL, e[18] = 1e30f;
        pm__exp_array(e, 20);
        CHECK(e[3] != e[3] && e[17] > 0.0f && e[17] < 1e-37f && e[18] > 1e38f &&
              fabs(e[10] - 1.0f) == 0.0, "edge cases: %g %g %g %g", e[3], e[17], e[18], e[10]);
    }
}

/* Softmax rows and their gradient: every form (plain C, AVX2, AVX-512) gives the same bits for
   lengths around the 16-lane blocks, within 4 ulp of a double-precision softmax. */
static void test_ops_softmax_forms(void)
{
    static const int lens[] = {1, 2, 7, 15, 16, 17, 31, 33, 77, 197, 257};
    int li, i, worst_n = 0;
    double worst = 0.0, worst_g = 0.0;
    for (li = 0; li < (int)(sizeof(lens) / sizeof(lens[0])); li++) {
        int n = lens[li];
        float *x = ops_rand(n, 8.0f, 0.0f), *a = ops_copy(x, n), *d = ops_rand(n, 1.0f, 0.0f);
        float *g = ops_copy(d, n);
        double mx = x[0], sum = 0.0, dot = 0.0;
        pm__softmax_row_portable(a, n);
        pm__softmax_grad_row_portable(a, g, n);
        for (i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
        for (i = 0; i < n; i++) sum += exp(x[i] - mx);
        for (i = 0; i < n; i++) dot += (double)a[i] * d[i];
        for (i = 0; i < n; i++) {
            double want = exp(x[i] - mx) / sum, err = fabs(a[i] - want) / want;
            double gw = a[i] * (d[i] - dot), gerr = fabs(g[i] - gw);
            if (err > worst) worst = err, worst_n = n;
            worst_g = gerr > worst_g ? gerr : worst_g;
        }
#ifdef PM__X86_ROWS
        {
            float *b = ops_copy(x, n), *h = ops_copy(d, n);
            int bad = 0, badg = 0, form;
            for (form = 0; form < 2; form++) {
                if (!ops_form_runs(form)) continue;
                memcpy(b, x, sizeof(float) * n), memcpy(h, d, sizeof(float) * n);
                if (form == 0) pm__softmax_row_avx512(b, n), pm__softmax_grad_row_avx512(b, h, n);
                else pm__softmax_row_avx2(b, n), pm__softmax_grad_row_avx2(b, h, n);
                bad = memcmp(a, b, sizeof(float) * n) != 0, badg = memcmp(g, h, sizeof(float) * n) != 0;
                CHECK(!bad && !badg, "%s softmax (%d) or its gradient (%d) differs from plain C at n = %d",
                      ops_form_name[form], bad, badg, n);
            }
            free(b), free(h);
        }
#endif
        free(x), free(a), free(d), free(g);
    }
    CHECK(worst < 4.8e-7, "softmax: worst relative error %.3g (n = %d; 4 ulp is 4.8e-7)", worst, worst_n);
    CHECK(worst_g < 1e-6, "softmax gradient: worst absolute error %.3g", worst_g);
}

/* LayerNorm rows and their gradient: the plain C, AVX2 and AVX-512 forms give the same bits
   for widths around the 8- and 16-lane blocks; the statistics agree with a double-precision
   two-pass computation. */
static void test_ops_layernorm_forms(void)
{
    static const int widths[] = {1, 7, 8, 9, 15, 16, 17, 33, 768, 771};
    int wi, c;
    double worst = 0.0;
    for (wi = 0; wi < (int)(sizeof(widths) / sizeof(widths[0])); wi++) {
        int C = widths[wi];
        float *x = ops_rand(C, 3.0f, 0.5f), *w = ops_rand(C, 1.0f, 1.0f), *b = ops_rand(C, 1.0f, 0.0f);
        float *dy = ops_rand(C, 1.0f, 0.0f), *y = ops_rand(C, 1.0f, 0.0f), *dx = ops_rand(C, 1.0f, 0.0f);
        float *y2 = ops_copy(y, C), *dx0 = ops_copy(dx, C), *dx2 = ops_copy(dx, C), m, rs;
        double mu = 0.0, var = 0.0;
        pm__ln_row_portable(x, C, w, b, y, &m, &rs);
        pm__ln_grad_row_portable(dy, x, w, m, rs, C, dx);
        for (c = 0; c < C; c++) mu += x[c];
        mu /= C;
        for (c = 0; c < C; c++) var += (x[c] - mu) * (x[c] - mu);
        var /= C;
        if (fabs(m - mu) > worst) worst = fabs(m - mu);
        if (fabs(rs - 1.0 / sqrt(var + 1e-5)) * sqrt(var + 1e-5) > worst)
            worst = fabs(rs - 1.0 / sqrt(var + 1e-5)) * sqrt(var + 1e-5);
#ifdef PM__X86_ROWS
        {
            int form;
            float m2, rs2;
            for (form = 0; form < 2; form++) {
                if (!ops_form_runs(form)) continue;
                memcpy(dx2, dx0, sizeof(float) * C);
                if (form == 0) {
                    pm__ln_row_avx512(x, C, w, b, y2, &m2, &rs2);
                    pm__ln_grad_row_avx512(dy, x, w, m, rs, C, dx2);
                } else {
                    pm__ln_row_avx2(x, C, w, b, y2, &m2, &rs2);
                    pm__ln_grad_row_avx2(dy, x, w, m, rs, C, dx2);
                }
                CHECK(m == m2 && rs == rs2 && memcmp(y, y2, sizeof(float) * C) == 0 &&
                          memcmp(dx, dx2, sizeof(float) * C) == 0,
                      "%s layernorm row differs from plain C at C = %d", ops_form_name[form], C);
            }
        }
#endif
        free(x), free(w), free(b), free(dy), free(y), free(dx), free(y2), free(dx0), free(dx2);
    }
    CHECK(worst < 1e-6, "layernorm statistics: worst error %.3g", worst);
}

/* QuickGELU and its gradient: the plain C, AVX2 and AVX-512 forms give the same bits, in place
   too, accumulating or not. */
static void test_ops_quickgelu_forms(void)
{
    enum { N = 1037 };
    float *x = ops_rand(N, 12.0f, 0.0f), *dy = ops_rand(N, 1.0f, 0.0f), *y = ops_rand(N, 1.0f, 0.0f);
    float *y2 = ops_copy(y, N), *dx = ops_rand(N, 1.0f, 0.0f), *dx0 = ops_copy(dx, N);
    float *dx2 = ops_copy(dx, N);
    x[0] = 0.0f, x[1] = -90.0f, x[2] = 90.0f;
    pm__quickgelu_portable(x, y, N);
    CHECK(y[0] == 0.0f && fabs(y[5] - x[5] / (1.0 + exp(-1.702 * x[5]))) < 1e-5, "QuickGELU values");
#ifdef PM__X86_ROWS
    {
        int set, form;
        for (form = 0; form < 2; form++) {
            if (!ops_form_runs(form)) continue;
            if (form == 0) pm__quickgelu_avx512(x, y2, N);
            else pm__quickgelu_avx2(x, y2, N);
            CHECK(memcmp(y, y2, sizeof(float) * N) == 0, "%s QuickGELU differs from plain C",
                  ops_form_name[form]);
            for (set = 0; set < 2; set++) {
                memcpy(dx, dx0, sizeof(float) * N), memcpy(dx2, dx0, sizeof(float) * N);
                pm__quickgelu_grad_portable(x, dy, dx, N, set);
                if (form == 0) pm__quickgelu_grad_avx512(x, dy, dx2, N, set);
                else pm__quickgelu_grad_avx2(x, dy, dx2, N, set);
                CHECK(memcmp(dx, dx2, sizeof(float) * N) == 0, "%s QuickGELU gradient (set %d) differs",
                      ops_form_name[form], set);
            }
        }
    }
#endif
    /* in place over x, as the light caches' backward uses it */
    memcpy(dx, x, sizeof(float) * N);
    pm__activation_grad_inplace(PM_ACT_QUICK_GELU, N, dx, dy);
    memcpy(dx2, dx0, sizeof(float) * N);
    pm__quickgelu_grad_portable(x, dy, dx2, N, 1);
    CHECK(memcmp(dx, dx2, sizeof(float) * N) == 0, "in-place QuickGELU gradient differs");
    free(x), free(dy), free(y), free(y2), free(dx), free(dx0), free(dx2);
}

static void test_ops_activation(void)
{
    int act;
    for (act = 0; act < 2; act++) {
        ops_act_ctx c;
        float *dx, *dx0, *inplace;
        char what[96];
        c.act = act, c.n = 61;
        c.x = ops_rand(c.n, 5.0f, 0.0f), c.y = ops_rand(c.n, 0, 0), c.wy = ops_rand(c.n, 1, 0);
        c.x[0] = 0.0f;
        dx = ops_base(c.n), dx0 = ops_copy(dx, c.n);
        pm__activation_backward(act, c.n, c.x, c.wy, dx);
        snprintf(what, sizeof(what), "activation %s dx", act ? "gelu" : "quick_gelu");
        ops_check(what, ops_act_loss, &c, c.x, c.n, OPS_H, dx, dx0, 5e-5);
        /* in place gives the same values */
        inplace = ops_copy(c.x, c.n);
        pm__activation_forward(act, c.n, c.x, c.y);
        pm__activation_forward(act, c.n, inplace, inplace);
        CHECK(memcmp(inplace, c.y, sizeof(float) * c.n) == 0, "activation in place differs");
        free(c.x), free(c.y), free(c.wy), free(dx), free(dx0), free(inplace);
    }
}

/* ------------------------------------------------------------------------------------------
   attention core
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int B, T, C, heads, causal;
    float *qkv, *out, *scratch, *wy;
} ops_att_ctx;

static double ops_att_loss(void *p)
{
    ops_att_ctx *c = (ops_att_ctx *)p;
    pm__attention_forward(c->B, c->T, c->C, c->heads, c->causal, c->qkv, c->out, NULL,
                          c->scratch, 1);
    return ops_wsum(c->out, c->wy, (size_t)c->B * c->T * c->C);
}

static void test_ops_attention(void)
{
    static const int cfg[][5] = {/* B, T, C, heads, causal */
                                 {2, 5, 6, 2, 0}, {1, 7, 9, 3, 1}, {3, 4, 4, 1, 1},
                                 {1, 6, 8, 4, 0}, {1, 1, 3, 1, 1}};
    int k, save;
    for (k = 0; k < 5; k++) {
        ops_att_ctx c;
        size_t rows, nq, no;
        float *probs, *out2, *dqkv, *dqkv0;
        double *fd;
        char what[96];
        c.B = cfg[k][0], c.T = cfg[k][1], c.C = cfg[k][2], c.heads = cfg[k][3];
        c.causal = cfg[k][4];
        rows = (size_t)c.B * c.T, nq = rows * 3 * c.C, no = rows * c.C;
        c.qkv = ops_rand(nq, 1.5f, 0.0f), c.out = ops_rand(no, 0, 0);
        c.scratch = ops_rand(3 * 2 * (size_t)c.T * c.T, 0, 0), c.wy = ops_rand(no, 1, 0);
        probs = ops_rand(rows * c.heads * c.T, 0, 0), out2 = ops_rand(no, 0, 0);
        dqkv = ops_base(nq), dqkv0 = ops_copy(dqkv, nq);
        fd = (double *)malloc(sizeof(double) * nq);
        /* saving the softmax, or several threads on several scratch tiles, change nothing */
        pm__attention_forward(c.B, c.T, c.C, c.heads, c.causal, c.qkv, c.out, NULL, c.scratch,
                              1);
        pm__attention_forward(c.B, c.T, c.C, c.heads, c.causal, c.qkv, out2, probs, NULL, 0);
        CHECK(memcmp(c.out, out2, sizeof(float) * no) == 0, "attention probs changes out");
        pm__attention_forward(c.B, c.T, c.C, c.heads, c.causal, c.qkv, out2, NULL, c.scratch,
                              3);
        CHECK(memcmp(c.out, out2, sizeof(float) * no) == 0, "attention tiles change out");
        ops_fd(ops_att_loss, &c, c.qkv, nq, OPS_H, fd);
        for (save = 0; save < 2; save++) { /* the backward from saved and recomputed probs */
            memcpy(dqkv, dqkv0, sizeof(float) * nq);
            pm__attention_backward(c.B, c.T, c.C, c.heads, c.causal, c.wy, c.qkv,
                                   save ? probs : NULL, dqkv, c.scratch, 1 + 2 * save);
            snprintf(what, sizeof(what), "attention B=%d T=%d C=%d h=%d %s %s", c.B, c.T, c.C,
                     c.heads, c.causal ? "causal" : "full", save ? "saved" : "recomputed");
            ops_compare(what, dqkv, dqkv0, fd, nq, 5e-5);
        }
        free(c.qkv), free(c.out), free(c.scratch), free(c.wy), free(probs), free(out2);
        free(dqkv), free(dqkv0), free(fd);
    }
}

/* ------------------------------------------------------------------------------------------
   L2 normalisation, logits, cross-entropy
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int n, d;
    float *x, *y, *wy;
} ops_l2_ctx;

static double ops_l2_loss(void *p)
{
    ops_l2_ctx *c = (ops_l2_ctx *)p;
    pm__l2norm_forward(c->n, c->d, c->x, c->y, NULL);
    return ops_wsum(c->y, c->wy, (size_t)c->n * c->d);
}

static void test_ops_l2norm(void)
{
    ops_l2_ctx c;
    size_t n;
    int j;
    float *norm, *dx, *dx0, *zero;
    c.n = 4, c.d = 7;
    n = (size_t)c.n * c.d;
    c.x = ops_rand(n, 1.0f, 0.2f), c.y = ops_rand(n, 0, 0), c.wy = ops_rand(n, 1, 0);
    norm = ops_rand(c.n, 0, 0), dx = ops_base(n), dx0 = ops_copy(dx, n);
    pm__l2norm_forward(c.n, c.d, c.x, c.y, norm);
    pm__l2norm_backward(c.n, c.d, c.wy, c.y, norm, dx);
    ops_check("l2norm n=4 d=7 dx", ops_l2_loss, &c, c.x, n, OPS_H, dx, dx0, 5e-5);
    /* a row of zeros: output zero, no gradient, no NaN */
    zero = ops_rand(c.d, 0, 0);
    memcpy(c.x, zero, sizeof(float) * c.d);
    memcpy(dx, dx0, sizeof(float) * n);
    pm__l2norm_forward(c.n, c.d, c.x, c.y, norm);
    pm__l2norm_backward(c.n, c.d, c.wy, c.y, norm, dx);
    for (j = 0; j < c.d; j++)
        CHECK(c.y[j] == 0.0f && dx[j] == dx0[j], "l2norm zero row: y %g dx %g", c.y[j],
              dx[j] - dx0[j]);
    free(c.x), free(c.y), free(c.wy), free(norm), free(dx), free(dx0), free(zero);
}

typedef struct {
    int n, c, d;
    float s;
    float *V, *Tt, *logits, *wy;
} ops_lg_ctx;

static double ops_lg_loss(void *p)
{
    ops_lg_ctx *c = (ops_lg_ctx *)p;
    pm__logits_forward(c->n, c->c, c->d, c->s, c->V, c->Tt, c->logits);
    return ops_wsum(c->logits, c->wy, (size_t)c->n * c->c);
}

static void test_ops_logits(void)
{
    static const float scales[2] = {100.0f, 1.0f};
    int k;
    for (k = 0; k < 2; k++) {
        ops_lg_ctx c;
        size_t nv, nt, nl;
        float *dV, *dT, *dV0, *dT0;
        char what[96];
        c.n = 5, c.c = 3, c.d = 11, c.s = scales[k];
        nv = (size_t)c.n * c.d, nt = (size_t)c.c * c.d, nl = (size_t)c.n * c.c;
        c.V = ops_rand(nv, 1, 0), c.Tt = ops_rand(nt, 1, 0), c.logits = ops_rand(nl, 0, 0);
        c.wy = ops_rand(nl, 1, 0);
        dV = ops_base(nv), dT = ops_base(nt), dV0 = ops_copy(dV, nv);
        dT0 = ops_copy(dT, nt);
        pm__logits_backward(c.n, c.c, c.d, c.s, c.V, c.Tt, c.wy, dV, dT);
        snprintf(what, sizeof(what), "logits s=%g dV", c.s);
        ops_check(what, ops_lg_loss, &c, c.V, nv, OPS_H, dV, dV0, 1e-5);
        snprintf(what, sizeof(what), "logits s=%g dT", c.s);
        ops_check(what, ops_lg_loss, &c, c.Tt, nt, OPS_H, dT, dT0, 1e-5);
        free(c.V), free(c.Tt), free(c.logits), free(c.wy), free(dV), free(dT), free(dV0);
        free(dT0);
    }
}

typedef struct {
    int n, c;
    float *logits;
    int *labels;
    float dloss;
} ops_ce_ctx;

static double ops_ce_loss(void *p)
{
    ops_ce_ctx *c = (ops_ce_ctx *)p;
    return c->dloss * pm__cross_entropy_forward(c->n, c->c, c->logits, c->labels, NULL);
}

static void test_ops_cross_entropy(void)
{
    ops_ce_ctx c;
    size_t nl;
    int i, j, labels[6];
    float *probs, *dl, *dl0;
    double want = 0.0, got;
    c.n = 6, c.c = 5, c.dloss = 0.7f;
    nl = (size_t)c.n * c.c;
    c.logits = ops_rand(nl, 4.0f, 0.0f), c.labels = labels;
    for (i = 0; i < c.n; i++) labels[i] = (int)(rnd() % (uint32_t)c.c);
    probs = ops_rand(nl, 0, 0), dl = ops_base(nl), dl0 = ops_copy(dl, nl);
    got = pm__cross_entropy_forward(c.n, c.c, c.logits, labels, probs);
    for (i = 0; i < c.n; i++) { /* direct: -log(exp(z_y) / sum exp(z)) */
        double s = 0.0;
        for (j = 0; j < c.c; j++) s += exp((double)c.logits[i * c.c + j]);
        want += -log(exp((double)c.logits[i * c.c + labels[i]]) / s) / c.n;
    }
    CHECK(fabs(got - want) < 1e-12 * (1.0 + want), "cross-entropy %.17g, want %.17g", got, want);
    pm__cross_entropy_backward(c.n, c.c, probs, labels, c.dloss, dl);
    ops_check("cross_entropy n=6 c=5 dlogits", ops_ce_loss, &c, c.logits, nl, OPS_H, dl, dl0,
              1e-5);
    free(c.logits), free(probs), free(dl), free(dl0);
}

/* ------------------------------------------------------------------------------------------
   margin regulariser
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int N, n, d, self;
    float *Tt, *V, *protos;
    int *labels;
    double a, b; /* L = a R_T + b R_V */
} ops_mg_ctx;

static double ops_mg_loss(void *p)
{
    ops_mg_ctx *c = (ops_mg_ctx *)p;
    double rt, rv;
    pm__margin_forward(c->N, c->n, c->d, c->Tt, c->V, c->labels, c->self, &rt, &rv, c->protos);
    return c->a * rt + c->b * rv;
}

/* R_T and R_V straight from the definition (method.md section 5), in double */
static void ops_margin_direct(const ops_mg_ctx *c, double *rt, double *rv)
{
    int i, j, k, r, P = c->N * (c->N - 1) / 2;
    double D[64], E[64], mt = 0.0, mv = 0.0, mu;
    double p[8][16];
    int np = 0;
    for (i = 0; i < c->N; i++) {
        int cnt = 0;
        for (k = 0; k < c->d; k++) p[i][k] = 0.0;
        for (r = 0; r < c->n; r++)
            if (c->labels[r] == i) {
                for (k = 0; k < c->d; k++) p[i][k] += c->V[r * c->d + k];
                cnt++;
            }
        for (k = 0; k < c->d; k++) p[i][k] /= cnt;
    }
    for (i = 0; i < c->N; i++)
        for (j = i + 1; j < c->N; j++, np++) {
            D[np] = E[np] = 0.0;
            for (k = 0; k < c->d; k++) {
                double t = (double)c->Tt[i * c->d + k] - c->Tt[j * c->d + k];
                D[np] += t * t;
                E[np] += (p[i][k] - p[j][k]) * (p[i][k] - p[j][k]);
            }
            mt += D[np] / P, mv += E[np] / P;
        }
    mu = c->self ? mv : mt;
    *rt = *rv = 0.0;
    for (i = 0; i < np; i++) {
        *rt += (D[i] - mt) * (D[i] - mt) / P;
        *rv += (E[i] - mu) * (E[i] - mu) / P;
    }
}

static void test_ops_margin(void)
{
    static const int cfg[][3] = {{4, 10, 6}, {5, 5, 16}, {2, 3, 5}, {3, 8, 1}}; /* N, n, d */
    int k, self, i;
    for (k = 0; k < 4; k++)
        for (self = 0; self < 2; self++) {
            ops_mg_ctx c;
            size_t nt, nv;
            int labels[16];
            float *dT, *dV, *dT0, *dV0;
            double rt, rv, wt, wv;
            char what[96];
            c.N = cfg[k][0], c.n = cfg[k][1], c.d = cfg[k][2], c.self = self;
            nt = (size_t)c.N * c.d, nv = (size_t)c.n * c.d;
            c.Tt = ops_rand(nt, 1, 0), c.V = ops_rand(nv, 1, 0), c.protos = ops_rand(nt, 0, 0);
            for (i = 0; i < c.n; i++) labels[i] = i < c.N ? i : (int)(rnd() % (uint32_t)c.N);
            c.labels = labels, c.a = 0.8, c.b = 1.3;
            dT = ops_base(nt), dV = ops_base(nv), dT0 = ops_copy(dT, nt);
            dV0 = ops_copy(dV, nv);
            CHECK(pm__margin_forward(c.N, c.n, c.d, c.Tt, c.V, labels, self, &rt, &rv,
                                     c.protos) == 0, "margin forward: %s", pm_last_error());
            ops_margin_direct(&c, &wt, &wv);
            CHECK(fabs(rt - wt) <= 1e-6 * wt && fabs(rv - wv) <= 1e-6 * wv,
                  "margin R_T %g (want %g), R_V %g (want %g)", rt, wt, rv, wv);
            pm__margin_backward(c.N, c.n, c.d, c.Tt, labels, c.protos, self, c.a, c.b, dT, dV);
            snprintf(what, sizeof(what), "margin N=%d n=%d d=%d %s dT", c.N, c.n, c.d,
                     self ? "self" : "text");
            ops_check(what, ops_mg_loss, &c, c.Tt, nt, OPS_H, dT, dT0, 1e-5);
            snprintf(what, sizeof(what), "margin N=%d n=%d d=%d %s dV", c.N, c.n, c.d,
                     self ? "self" : "text");
            ops_check(what, ops_mg_loss, &c, c.V, nv, OPS_H, dV, dV0, 1e-5);
            free(c.Tt), free(c.V), free(c.protos), free(dT), free(dV), free(dT0), free(dV0);
        }
    { /* N = 1: no pairs, both terms 0, no gradient; a class without views; a bad label */
        float T1[3] = {0.6f, 0.8f, 0.0f}, V1[6] = {1, 0, 0, 0, 1, 0}, pr[6], dT[3] = {0};
        float dV[6] = {0};
        int lab[2] = {0, 0};
        double rt = -1.0, rv = -1.0;
        CHECK(pm__margin_forward(1, 2, 3, T1, V1, lab, 0, &rt, &rv, pr) == 0 && rt == 0.0 &&
              rv == 0.0, "margin N=1: R_T %g R_V %g", rt, rv);
        pm__margin_backward(1, 2, 3, T1, lab, pr, 0, 1.0, 1.0, dT, dV);
        for (i = 0; i < 6; i++) CHECK(dV[i] == 0.0f && (i >= 3 || dT[i] == 0.0f), "N=1 grad");
        CHECK(pm__margin_forward(2, 2, 3, T1, V1, lab, 0, &rt, &rv, pr) == -1 &&
              strstr(pm_last_error(), "class 1"), "class without views: %s", pm_last_error());
        lab[1] = 2;
        CHECK(pm__margin_forward(2, 2, 3, T1, V1, lab, 0, &rt, &rv, pr) == -1,
              "label outside the classes");
    }
}

/* ------------------------------------------------------------------------------------------
   transformer block
   ------------------------------------------------------------------------------------------ */

typedef struct {
    int B, T, C, H, heads, causal, act;
    pm__block w;
    float *t[12];     /* f32 values of the 12 tensors (what the block reads) */
    uint16_t *h[12];  /* f16/bf16 bits of the matrices, or NULL */
    float *x, *xt, *wy;
    pm__block_scratch s;
} ops_blk_ctx;

static double ops_blk_loss(void *p)
{
    ops_blk_ctx *c = (ops_blk_ctx *)p;
    size_t n = (size_t)c->B * c->T * c->C;
    memcpy(c->xt, c->x, sizeof(float) * n);
    pm__block_forward(&c->w, c->B, c->T, c->C, c->H, c->heads, c->causal, c->act, c->xt, &c->s);
    return ops_wsum(c->xt, c->wy, n);
}

static pm__tensor *ops_blk_field(pm__block *w, int i)
{
    pm__tensor *f[12];
    f[0] = &w->ln_1_w, f[1] = &w->ln_1_b, f[2] = &w->in_proj_w, f[3] = &w->in_proj_b;
    f[4] = &w->out_proj_w, f[5] = &w->out_proj_b, f[6] = &w->ln_2_w, f[7] = &w->ln_2_b;
    f[8] = &w->fc_w, f[9] = &w->fc_b, f[10] = &w->proj_w, f[11] = &w->proj_b;
    return f[i];
}

static float **ops_grad_field(pm__block_grads *g, int i)
{
    float **f[12];
    f[0] = &g->ln_1_w, f[1] = &g->ln_1_b, f[2] = &g->in_proj_w, f[3] = &g->in_proj_b;
    f[4] = &g->out_proj_w, f[5] = &g->out_proj_b, f[6] = &g->ln_2_w, f[7] = &g->ln_2_b;
    f[8] = &g->fc_w, f[9] = &g->fc_b, f[10] = &g->proj_w, f[11] = &g->proj_b;
    return f[i];
}

static void ops_block_case(int B, int T, int C, int heads, int H, int causal, int act, int wt,
                           int save_probs, int wgrads)
{
    static const char *names[12] = {"ln_1_w", "ln_1_b", "in_proj_w", "in_proj_b", "out_proj_w",
                                    "out_proj_b", "ln_2_w", "ln_2_b", "fc_w", "fc_b",
                                    "proj_w", "proj_b"};
    ops_blk_ctx c;
    size_t sizes[12], rows = (size_t)B * T, n = rows * C, cf;
    int i;
    float *cmem, *dx, *y1, *y2, *gb[12], *gb0[12];
    pm__block_cache cache;
    pm__block_grads g;
    pm__block_scratch sb;
    char what[128], tag[96];
    memset(&c, 0, sizeof(c));
    memset(&g, 0, sizeof(g));
    c.B = B, c.T = T, c.C = C, c.H = H, c.heads = heads, c.causal = causal, c.act = act;
    sizes[0] = sizes[1] = sizes[5] = sizes[6] = sizes[7] = sizes[11] = (size_t)C;
    sizes[2] = 3 * (size_t)C * C, sizes[3] = 3 * (size_t)C, sizes[4] = (size_t)C * C;
    sizes[8] = sizes[10] = (size_t)H * C, sizes[9] = (size_t)H;
    for (i = 0; i < 12; i++) {
        pm__tensor *f = ops_blk_field(&c.w, i);
        int is_ln_w = i == 0 || i == 6, is_mat = i == 2 || i == 4 || i == 8 || i == 10;
        c.t[i] = ops_rand(sizes[i], is_ln_w ? 0.3f : is_mat ? 0.6f : 0.2f, is_ln_w ? 1 : 0);
        f->data = c.t[i], f->f = c.t[i], f->dtype = PM_DTYPE_F32, f->ndim = 1;
        f->shape[0] = (int)sizes[i];
        if (is_mat && wt != PM_DTYPE_F32) {
            c.h[i] = (uint16_t *)malloc(sizeof(uint16_t) * sizes[i]);
            ops_rand_half(wt, sizes[i], 0.6f, c.h[i], c.t[i]);
            f->data = c.h[i], f->dtype = wt;
        }
    }
    c.x = ops_rand(n, 1.5f, 0.0f), c.xt = ops_rand(n, 0, 0), c.wy = ops_rand(n, 1, 0);
    CHECK(pm__block_scratch_alloc(&c.s, rows, T, C, H) == 0, "scratch");
    CHECK(pm__block_scratch_alloc_backward(&sb, rows, T, C, H) == 0, "scratch");
    cf = pm__block_cache_floats(B, T, C, H, heads, save_probs);
    CHECK(cf == rows * (5 * (size_t)C + H + 4) + (save_probs ? rows * heads * T : 0),
          "cache size %lu", (unsigned long)cf);
    cmem = ops_rand(cf + 1, 0, 0);
    cmem[cf] = 12345.0f; /* guard: bind must stay inside the count */
    CHECK(pm__block_cache_bind(&cache, cmem, B, T, C, H, heads, save_probs) == cmem + cf,
          "cache bind size");
    /* forward with a cache = inference forward, bit for bit */
    y1 = ops_copy(c.x, n), y2 = ops_copy(c.x, n);
    pm__block_forward_train(&c.w, B, T, C, H, heads, causal, act, y1, &cache, &sb);
    pm__block_forward(&c.w, B, T, C, H, heads, causal, act, y2, &c.s);
    CHECK(memcmp(y1, y2, sizeof(float) * n) == 0 && cmem[cf] == 12345.0f,
          "block forward_train differs from forward");
    /* backward */
    for (i = 0; i < 12; i++) {
        gb[i] = ops_base(sizes[i]), gb0[i] = ops_copy(gb[i], sizes[i]);
        *ops_grad_field(&g, i) = gb[i];
    }
    dx = ops_copy(c.wy, n);
    pm__block_backward(&c.w, B, T, C, H, heads, causal, act, &cache, dx, wgrads ? &g : NULL,
                       &sb);
    snprintf(tag, sizeof(tag), "block B=%d T=%d C=%d h=%d H=%d %s %s %s%s", B, T, C, heads, H,
             causal ? "causal" : "full", act ? "gelu" : "qgelu", ops_dtype_name(wt),
             save_probs ? " probs" : "");
    snprintf(what, sizeof(what), "%s dx", tag);
    g_ops_points = 32;
    ops_check(what, ops_blk_loss, &c, c.x, n, OPS_H_BLOCK, dx, NULL, 5e-4);
    g_ops_points = 8; /* per weight tensor */
    for (i = 0; i < 12; i++) {
        if (wgrads) {
            snprintf(what, sizeof(what), "%s d%s", tag, names[i]);
            ops_check(what, ops_blk_loss, &c, c.t[i], sizes[i], OPS_H_BLOCK, gb[i], gb0[i],
                      3e-4);
        } else {
            CHECK(memcmp(gb[i], gb0[i], sizeof(float) * sizes[i]) == 0, "untouched grads");
        }
    }
    g_ops_points = 64;
    if (wgrads) { /* a second backward adds the same gradients again */
        float *g1[12];
        double worst = 0.0;
        size_t k;
        for (i = 0; i < 12; i++) g1[i] = ops_copy(gb[i], sizes[i]);
        memcpy(dx, c.wy, sizeof(float) * n);
        pm__block_backward(&c.w, B, T, C, H, heads, causal, act, &cache, dx, &g, &sb);
        for (i = 0; i < 12; i++) {
            for (k = 0; k < sizes[i]; k++) {
                double want = 2.0 * g1[i][k] - gb0[i][k], e = fabs(gb[i][k] - want);
                worst = e / (1.0 + fabs(want)) > worst ? e / (1.0 + fabs(want)) : worst;
            }
            free(g1[i]);
        }
        CHECK(worst < 1e-6, "%s: a second backward does not accumulate (%g)", tag, worst);
    }
    for (i = 0; i < 12; i++) free(c.t[i]), free(c.h[i]), free(gb[i]), free(gb0[i]);
    free(c.x), free(c.xt), free(c.wy), free(cmem), free(dx), free(y1), free(y2);
    pm__block_scratch_free(&c.s);
    pm__block_scratch_free(&sb);
}

static void test_ops_block(void)
{
    OPS_WIDEN_BF16_BEGIN
    /* B, T, C, heads, H, causal, act, weight dtype, saved probs, weight gradients */
    ops_block_case(2, 5, 6, 2, 10, 0, PM_ACT_QUICK_GELU, PM_DTYPE_F32, 1, 1);
    ops_block_case(1, 6, 8, 4, 12, 1, PM_ACT_GELU, PM_DTYPE_F32, 0, 1);
    ops_block_case(2, 4, 6, 3, 9, 1, PM_ACT_QUICK_GELU, PM_DTYPE_F16, 1, 0);
    ops_block_case(2, 3, 8, 2, 16, 0, PM_ACT_GELU, PM_DTYPE_BF16, 0, 0);
    ops_block_case(3, 5, 4, 1, 7, 1, PM_ACT_GELU, PM_DTYPE_F16, 0, 0);
    OPS_WIDEN_BF16_END
}
