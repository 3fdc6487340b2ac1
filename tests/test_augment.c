/* Tests of section [7] (augmentation): part of test_promptmargin.c, which includes this file.
   tests/fixtures/augment/manifest.txt comes from tools/fixtures_augment.py (PIL 9.4 and
   torchvision 0.14 are the reference; the random parameters come from tools/pm_rng.py); the
   record formats are listed in that script. Every comparison is exact: bytes for uint8
   images, bit patterns for floats and doubles. */

static int n_pass, n_fail; /* checks of the augmentation test */
static char cur_line[8192];

static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        n_pass++;
    } else {
        va_list ap;
        n_fail++;
        g_failures++;
        fprintf(stderr, "FAIL: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n      record: %.200s\n", cur_line);
    }
}

/* ---- CRC-32 (zlib's polynomial, reflected) -------------------------------------------- */
static uint32_t crc_table[256];

static void crc_init(void)
{
    uint32_t i, k, c;
    for (i = 0; i < 256; i++) {
        for (c = i, k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

/* crc: 0 to start; returns the running value (zlib.crc32 semantics). */
static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc_u32(uint32_t crc, uint32_t v)
{
    uint8_t b[4];
    b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16), b[3] = (uint8_t)(v >> 24);
    return crc_update(crc, b, 4);
}

static uint32_t crc_f64(uint32_t crc, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    crc = crc_u32(crc, (uint32_t)u);
    return crc_u32(crc, (uint32_t)(u >> 32));
}

/* ---- files and buffers ---------------------------------------------------------------- */
static const char *fixdir, *root;

static uint8_t *read_fixture(const char *dir, const char *name, size_t *n)
{
    char path[4096];
    FILE *f;
    long len;
    uint8_t *p;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    p = (uint8_t *)malloc((size_t)len + 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* Compare computed bytes with EXPECT (a file of the fixture directory or crc32:XXXXXXXX). */
static void check_bytes(const char *what, const uint8_t *got, size_t n, const char *expect)
{
    if (strncmp(expect, "crc32:", 6) == 0) {
        uint32_t want = (uint32_t)strtoul(expect + 6, NULL, 16), have = crc_update(0, got, n);
        check(have == want, "%s: crc32 %08lx, expected %08lx", what, (unsigned long)have,
              (unsigned long)want);
    } else {
        size_t m = 0, i, ndiff = 0, first = 0;
        int maxd = 0;
        uint8_t *exp = read_fixture(fixdir, expect, &m);
        if (!exp || m != n) {
            check(0, "%s: expected file %s missing or of size %lu, not %lu", what, expect,
                  (unsigned long)m, (unsigned long)n);
            free(exp);
            return;
        }
        for (i = 0; i < n; i++)
            if (got[i] != exp[i]) {
                int d = abs((int)got[i] - (int)exp[i]);
                if (!ndiff++) first = i;
                if (d > maxd) maxd = d;
            }
        check(ndiff == 0, "%s: %lu of %lu bytes differ (first at %lu, max byte diff %d)", what,
              (unsigned long)ndiff, (unsigned long)n, (unsigned long)first, maxd);
        free(exp);
    }
}

static void floats_le(const float *x, size_t n, uint8_t *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        out[4 * i] = (uint8_t)u, out[4 * i + 1] = (uint8_t)(u >> 8);
        out[4 * i + 2] = (uint8_t)(u >> 16), out[4 * i + 3] = (uint8_t)(u >> 24);
    }
}

static void check_floats(const char *what, const float *x, size_t n, const char *expect)
{
    uint8_t *b = (uint8_t *)malloc(4 * n);
    floats_le(x, n, b);
    check_bytes(what, b, 4 * n, expect);
    free(b);
}

typedef struct {
    char name[64];
    int w, h;
    uint8_t *rgb;
} buffer;

static buffer bufs[1024];
static int n_bufs;

static buffer *find_buf(const char *name)
{
    int i;
    for (i = 0; i < n_bufs; i++)
        if (strcmp(bufs[i].name, name) == 0) return &bufs[i];
    return NULL;
}

/* Takes ownership of rgb (malloc'd or PM_MALLOC'd: both are malloc here). */
static void add_buf(const char *name, int w, int h, uint8_t *rgb)
{
    if (n_bufs == (int)(sizeof(bufs) / sizeof(bufs[0])) || !rgb) {
        free(rgb);
        return;
    }
    snprintf(bufs[n_bufs].name, sizeof(bufs[n_bufs].name), "%s", name);
    bufs[n_bufs].w = w, bufs[n_bufs].h = h, bufs[n_bufs].rgb = rgb;
    n_bufs++;
}

static uint8_t *copy_buf(const buffer *b)
{
    size_t n = (size_t)b->w * b->h * 3;
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    memcpy(p, b->rgb, n);
    return p;
}

static uint64_t u64(const char *s) { return strtoull(s, NULL, 10); }

/* Six numbers mean[3] std[3] from tok[0..5]. */
static void mean_std(char **tok, float mean[3], float std[3])
{
    int c;
    for (c = 0; c < 3; c++) {
        mean[c] = (float)strtod(tok[c], NULL);
        std[c] = (float)strtod(tok[3 + c], NULL);
    }
}

/* ---- records -------------------------------------------------------------------------- */
static void run_record(char **t, int nt)
{
    const char *k = t[0];
    pm__rng r;
    if (strcmp(k, "rng") == 0 && nt == 7) {
        long count = strtol(t[4], NULL, 10), i;
        uint32_t n = (uint32_t)u64(t[5]), crc = 0;
        if (strcmp(t[1], "normal") == 0) return; /* checked with the prompt initialisation */
        pm__rng_seed(&r, u64(t[2]), u64(t[3]));
        for (i = 0; i < count; i++) {
            if (strcmp(t[1], "u32") == 0) crc = crc_u32(crc, pm__rng_u32(&r));
            else if (strcmp(t[1], "below") == 0) crc = crc_u32(crc, pm__rng_below(&r, n));
            else if (strcmp(t[1], "uniform") == 0) crc = crc_f64(crc, pm__rng_uniform(&r));
            else crc = crc_f64(crc, 0.0); /* normal draws: checked with the prompt initialisation */
        }
        check(crc == (uint32_t)strtoul(t[6] + 6, NULL, 16), "rng %s: crc32 %08lx", t[1],
              (unsigned long)crc);
    } else if (strcmp(k, "derive") == 0 && nt == 5) {
        uint64_t v = pm__rng_derive(u64(t[1]), u64(t[2]), u64(t[3]));
        check(v == u64(t[4]), "derive: %llu", (unsigned long long)v);
    } else if (strcmp(k, "rrc") == 0 && nt == 10) {
        int x, y, cw, ch;
        uint32_t next;
        pm__rng_seed(&r, u64(t[3]), u64(t[4]));
        pm__rrc_params(&r, atoi(t[1]), atoi(t[2]), &x, &y, &cw, &ch);
        next = pm__rng_u32(&r);
        check(x == atoi(t[5]) && y == atoi(t[6]) && cw == atoi(t[7]) && ch == atoi(t[8]) &&
                  next == (uint32_t)u64(t[9]),
              "rrc: got %d %d %d %d next %lu", x, y, cw, ch, (unsigned long)next);
    } else if (strcmp(k, "viewparams") == 0 && nt == 14) {
        int x, y, cw, ch, flip;
        double fb, fc, fs;
        uint32_t next;
        pm__rng_seed(&r, u64(t[3]), u64(t[4]));
        pm__rrc_params(&r, atoi(t[1]), atoi(t[2]), &x, &y, &cw, &ch);
        fb = pm__rng_factor(&r, 0.4);
        fc = pm__rng_factor(&r, 0.4);
        fs = pm__rng_factor(&r, 0.4);
        flip = pm__rng_uniform(&r) < 0.5;
        next = pm__rng_u32(&r);
        check(x == atoi(t[5]) && y == atoi(t[6]) && cw == atoi(t[7]) && ch == atoi(t[8]) &&
                  fb == strtod(t[9], NULL) && fc == strtod(t[10], NULL) &&
                  fs == strtod(t[11], NULL) && flip == atoi(t[12]) && next == (uint32_t)u64(t[13]),
              "viewparams: got %d %d %d %d %.17g %.17g %.17g %d next %lu", x, y, cw, ch, fb, fc,
              fs, flip, (unsigned long)next);
    } else if (strcmp(k, "blend") == 0 && nt == 3) {
        uint8_t *tab = (uint8_t *)malloc(65536);
        float alpha = (float)strtod(t[1], NULL);
        int d, v;
        for (d = 0; d < 256; d++)
            for (v = 0; v < 256; v++) tab[d * 256 + v] = pm__blend_u8(d, v, alpha);
        check_bytes("blend table", tab, 65536, t[2]);
        free(tab);
    } else if (strcmp(k, "luma") == 0 && nt == 2) {
        uint8_t *l = (uint8_t *)malloc((size_t)1 << 24), p[3];
        uint32_t i;
        for (i = 0; i < (1u << 24); i++) {
            p[0] = (uint8_t)(i >> 16), p[1] = (uint8_t)(i >> 8), p[2] = (uint8_t)i;
            l[i] = (uint8_t)pm__luma_u8(p);
        }
        check_bytes("luma of all colours", l, (size_t)1 << 24, t[1]);
        free(l);
    } else if (strcmp(k, "image") == 0 && nt == 3) {
        char path[4096];
        int w, h;
        uint8_t *rgb;
        snprintf(path, sizeof(path), "%s/%s", root, t[2]);
        rgb = pm_image_load(path, &w, &h);
        check(rgb != NULL, "cannot load %s: %s", path, pm_last_error());
        add_buf(t[1], w, h, rgb);
    } else if (strcmp(k, "rand") == 0 && nt == 5) {
        int w = atoi(t[2]), h = atoi(t[3]);
        size_t i, n = (size_t)w * h * 3;
        uint8_t *rgb = (uint8_t *)malloc(n);
        pm__rng_seed(&r, u64(t[4]), 0);
        for (i = 0; i < n; i++) rgb[i] = (uint8_t)(pm__rng_u32(&r) >> 24);
        add_buf(t[1], w, h, rgb);
    } else if (strcmp(k, "pixels") == 0 && nt == 5) {
        int w = atoi(t[2]), h = atoi(t[3]);
        size_t i, n = (size_t)w * h * 3;
        uint8_t *rgb = (uint8_t *)malloc(n);
        for (i = 0; i < n; i++) {
            char hx[3];
            hx[0] = t[4][2 * i], hx[1] = t[4][2 * i + 1], hx[2] = 0;
            rgb[i] = (uint8_t)strtoul(hx, NULL, 16);
        }
        add_buf(t[1], w, h, rgb);
    } else if (strcmp(k, "crop") == 0 && nt == 9) {
        buffer *b = find_buf(t[2]);
        int S = atoi(t[7]);
        uint8_t *out;
        if (!b) {
            check(0, "unknown buffer %s", t[2]);
            return;
        }
        out = pm__crop_resize_rgb(b->rgb, b->w, b->h, atoi(t[3]), atoi(t[4]), atoi(t[5]),
                                  atoi(t[6]), S);
        if (!out) {
            check(0, "crop failed: %s", pm_last_error());
            return;
        }
        check_bytes("crop+resize", out, (size_t)S * S * 3, t[8]);
        add_buf(t[1], S, S, out);
    } else if ((strcmp(k, "brightness") == 0 || strcmp(k, "contrast") == 0 ||
                strcmp(k, "colour") == 0) && nt == 5) {
        buffer *b = find_buf(t[2]);
        double f = strtod(t[3], NULL);
        uint8_t *p;
        size_t n;
        if (!b) {
            check(0, "unknown buffer %s", t[2]);
            return;
        }
        p = copy_buf(b);
        n = (size_t)b->w * b->h;
        if (k[0] == 'b') pm__enhance_brightness(p, n, f);
        else if (k[1] == 'o' && k[2] == 'n') pm__enhance_contrast(p, n, f);
        else pm__enhance_color(p, n, f);
        check_bytes(k, p, n * 3, t[4]);
        add_buf(t[1], b->w, b->h, p);
    } else if (strcmp(k, "flip") == 0 && nt == 4) {
        buffer *b = find_buf(t[2]);
        uint8_t *p;
        if (!b) {
            check(0, "unknown buffer %s", t[2]);
            return;
        }
        p = copy_buf(b);
        pm__hflip_rgb(p, b->w, b->h);
        check_bytes("flip", p, (size_t)b->w * b->h * 3, t[3]);
        add_buf(t[1], b->w, b->h, p);
    } else if (strcmp(k, "normalize") == 0 && nt == 9) {
        buffer *b = find_buf(t[1]);
        float mean[3], std[3], *out;
        if (!b) {
            check(0, "unknown buffer %s", t[1]);
            return;
        }
        mean_std(t + 2, mean, std);
        out = (float *)malloc(sizeof(float) * 3 * b->w * b->h);
        pm__normalize_rgb(b->rgb, b->w, b->h, mean, std, out);
        check_floats("normalize", out, (size_t)3 * b->w * b->h, t[8]);
        free(out);
    } else if (strcmp(k, "view") == 0 && nt == 12) {
        buffer *b = find_buf(t[1]);
        int S = atoi(t[4]);
        float mean[3], std[3], *out;
        if (!b) {
            check(0, "unknown buffer %s", t[1]);
            return;
        }
        mean_std(t + 5, mean, std);
        out = (float *)malloc(sizeof(float) * 3 * S * S);
        pm__rng_seed(&r, u64(t[2]), u64(t[3]));
        if (pm__augment_view(&r, b->rgb, b->w, b->h, S, mean, std, out) != 0)
            check(0, "view failed: %s", pm_last_error());
        else
            check_floats("view", out, (size_t)3 * S * S, t[11]);
        free(out);
    } else {
        check(0, "malformed record");
    }
}

/* ---- checks that need no fixture ------------------------------------------------------ */
static void self_checks(void)
{
    static const uint32_t pcg_ref[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                                        0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    static const float mean[3] = {0.5f, 0.5f, 0.5f}, std[3] = {0.25f, 0.25f, 0.25f};
    uint8_t img[5 * 4 * 3];
    float out[3 * 8 * 8], ref[3 * 8 * 8];
    pm__rng r, r2;
    int i, ok, budget, hist[7] = {0, 0, 0, 0, 0, 0, 0};
    double lo = 1, hi = 0, sum = 0, sum2 = 0;
    strcpy(cur_line, "(self checks)");

    /* the PCG32 reference vectors: pcg32_srandom(42, 54) */
    pm__rng_seed(&r, 42, 54);
    for (ok = 1, i = 0; i < 6; i++) ok &= pm__rng_u32(&r) == pcg_ref[i];
    check(ok, "PCG32 reference output for seed 42, stream 54");
    check(pm__rng_derive(0, 0, 0) != pm__rng_derive(0, 0, 1) &&
              pm__rng_derive(0, 1, 0) != pm__rng_derive(0, 0, 1),
          "derive separates its arguments");

    /* distributions, roughly */
    pm__rng_seed(&r, 1, 1);
    for (i = 0; i < 700000; i++) hist[pm__rng_below(&r, 7)]++;
    for (ok = 1, i = 0; i < 7; i++) ok &= hist[i] > 99000 && hist[i] < 101000;
    check(ok, "below(7) is uniform");
    for (i = 0; i < 200000; i++) {
        double u = pm__rng_uniform(&r), z = 2.0 * pm__rng_uniform(&r) - 1.0;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        sum += z, sum2 += z * z;
    }
    check(lo >= 0 && lo < 1e-4 && hi < 1 && hi > 1 - 1e-4, "uniform range");
    check(fabs(sum / 200000) < 0.01 && fabs(sum2 / 200000 - 1.0 / 3.0) < 0.01, "uniform moments");
    check(pm__rng_below(&r, 0) == 0, "below(0) = 0");

    /* rounding like Python */
    check(pm__round_even_d(0.5) == 0 && pm__round_even_d(1.5) == 2 && pm__round_even_d(2.5) == 2 &&
              pm__round_even_d(2.5000000000000004) == 3 &&
              pm__round_even_d(0.49999999999999994) == 0,
          "round half to even");

    /* errors */
    for (i = 0; i < (int)sizeof(img); i++) img[i] = (uint8_t)(i * 37);
    check(pm__crop_resize_rgb(img, 5, 4, 1, 0, 5, 4, 8) == NULL &&
              strstr(pm_last_error(), "outside") != NULL,
          "crop outside the image is refused: %s", pm_last_error());
    check(pm__crop_resize_rgb(img, 5, 4, 0, 0, 0, 4, 8) == NULL, "empty crop is refused");
    check(pm__crop_resize_rgb(img, 5, 4, 0, 0, 5, 4, 0) == NULL, "view size 0 is refused");
    pm__rng_seed(&r, 3, 3);
    check(pm__augment_view(&r, img, 0, 4, 8, mean, std, out) == -1, "empty image is refused");
    check(pm__augment_view(&r, NULL, 5, 4, 8, mean, std, out) == -1, "NULL image is refused");
    check(pm__augment_view(&r, img, 5, 4, -1, mean, std, out) == -1, "negative size is refused");

    /* allocation failures: -1, nothing leaked (LSan), and the same draws as a success */
    pm__rng_seed(&r2, 9, 9);
    check(pm__augment_view(&r2, img, 5, 4, 8, mean, std, ref) == 0, "view of a 5x4 image");
    for (budget = 0; budget < 50; budget++) {
        int rc;
        pm__rng_seed(&r, 9, 9);
        test_alloc_budget = budget;
        rc = pm__augment_view(&r, img, 5, 4, 8, mean, std, out);
        test_alloc_budget = -1;
        if (rc == 0) {
            check(memcmp(out, ref, sizeof(out)) == 0, "view after %d allocations", budget);
            break;
        }
        check(r.state == r2.state, "generator state after a failed view (budget %d)", budget);
    }
    check(budget > 0 && budget < 50, "allocation failures were injected (%d)", budget);
}

static void test_augmentation(void)
{
    FILE *f;
    char path[4096];
    int i;
    fixdir = "tests/fixtures/augment", root = ".";
    n_pass = n_fail = 0;
    crc_init();
    self_checks();
    snprintf(path, sizeof(path), "%s/manifest.txt", fixdir);
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f) return;
    while (fgets(cur_line, sizeof(cur_line), f)) {
        char *tok[32], line[8192], *p;
        int nt = 0;
        memcpy(line, cur_line, sizeof(line));
        for (p = strtok(line, " \t\r\n"); p && nt < 32; p = strtok(NULL, " \t\r\n")) tok[nt++] = p;
        if (nt == 0 || tok[0][0] == '#') continue;
        run_record(tok, nt);
    }
    fclose(f);
    for (i = 0; i < n_bufs; i++) free(bufs[i].rgb);
    n_bufs = 0;
    printf("    %d exact comparisons with PIL/torchvision and tools/pm_rng.py, %d failed\n", n_pass,
           n_fail);
}
