/* Tests of section [6] (images) and of inflate/gunzip: part of test_promptmargin.c, which
   includes this file. The fixtures in tests/fixtures/decoders come from
   tools/fixtures_decoders.py (PIL 9.4 is the reference): manifest.txt has one line per file,
   KIND FILE EXPECT TRUNC SOURCE, where EXPECT is ok (compare with FILE.rgb: "W H\n" then RGB8,
   or FILE.out for byte streams) or err (must be refused), and TRUNC strict means every proper
   prefix must be refused too. */

#define DECODER_DIR "tests/fixtures/decoders"

static int is_image_kind(const char *kind)
{
    return !strcmp(kind, "png") || !strcmp(kind, "bmp") || !strcmp(kind, "pnm") ||
           !strcmp(kind, "jpeg");
}

/* Decode a byte stream fixture (zlib, gzip or raw deflate). */
static int decode_stream(const char *kind, const uint8_t *buf, size_t n, uint8_t **out,
                         size_t *len)
{
    if (!strcmp(kind, "zlib")) return pm__zlib_decode(buf, n, out, len, (size_t)1 << 26);
    if (!strcmp(kind, "gzip")) return pm__gunzip(buf, n, out, len, (size_t)1 << 26);
    return pm__inflate_raw(buf, n, NULL, out, len, (size_t)1 << 26);
}

/* 1 when the input decodes (its output is discarded), 0 when it is refused. The input is
   copied into a buffer of exactly n bytes so that ASan sees any read past the end. */
static int decodes(const char *kind, const uint8_t *src, size_t n)
{
    uint8_t *buf = (uint8_t *)malloc(n ? n : 1), *out = NULL;
    size_t len = 0;
    int w, h, ok;
    if (n) memcpy(buf, src, n);
    if (is_image_kind(kind)) {
        out = pm_image_load_memory(buf, n, &w, &h);
        ok = out != NULL;
        if (!ok) CHECK(strlen(pm_last_error()) > 5, "%s: refused without a message", kind);
    } else {
        ok = decode_stream(kind, buf, n, &out, &len) == 0;
    }
    free(out);
    free(buf);
    return ok;
}

/* Compare one fixture with its expected output. Returns the file's bytes (caller frees). */
static uint8_t *check_decoder_fixture(const char *kind, const char *file, const char *expect,
                                      size_t *n_out)
{
    char path[1024];
    size_t n, en;
    uint8_t *buf, *exp;
    snprintf(path, sizeof(path), "%s/%s", DECODER_DIR, file);
    buf = read_all(path, &n);
    CHECK(buf != NULL, "cannot read %s", path);
    if (!buf) return NULL;
    *n_out = n;
    if (!strcmp(expect, "err")) {
        CHECK(!decodes(kind, buf, n), "%s: malformed input accepted", file);
        return buf;
    }
    snprintf(path, sizeof(path), "%s/%s.%s", DECODER_DIR, file, is_image_kind(kind) ? "rgb" : "out");
    exp = read_all(path, &en);
    CHECK(exp != NULL, "cannot read %s", path);
    if (!exp) return buf;
    if (is_image_kind(kind)) {
        int w = 0, h = 0, ew = 0, eh = 0, off = -1;
        uint8_t *rgb = pm_image_load_memory(buf, n, &w, &h);
        if (sscanf((const char *)exp, "%d %d%n", &ew, &eh, &off) != 2) off = -1;
        CHECK(rgb != NULL, "%s: %s", file, pm_last_error());
        if (rgb && (off < 0 || w != ew || h != eh || en != (size_t)off + 1 + (size_t)w * h * 3)) {
            CHECK(0, "%s: decoded %dx%d, expected %dx%d", file, w, h, ew, eh);
        } else if (rgb) {
            size_t i, bad = 0;
            for (i = 0; i < (size_t)w * h * 3; i++) bad += rgb[i] != exp[off + 1 + i];
            CHECK(bad == 0, "%s: %lu bytes differ from PIL", file, (unsigned long)bad);
        }
        free(rgb);
    } else {
        uint8_t *out = NULL;
        size_t len = 0;
        int rc = decode_stream(kind, buf, n, &out, &len);
        CHECK(rc == 0 && len == en && (len == 0 || memcmp(out, exp, len) == 0),
              "%s: decompressed bytes differ", file);
        free(out);
    }
    free(exp);
    return buf;
}

static void test_decoders(void)
{
    char line[1024], kind[32], file[512], expect[16], trunc[16], source[16];
    FILE *f = fopen(DECODER_DIR "/manifest.txt", "r");
    int files = 0, prefixes = 0, mutated = 0;
    CHECK(f != NULL, "cannot read %s/manifest.txt", DECODER_DIR);
    if (!f) return;
    while (fgets(line, sizeof(line), f)) {
        size_t n = 0, len, step;
        uint8_t *buf;
        int it;
        if (sscanf(line, "%31s %511s %15s %15s %15s", kind, file, expect, trunc, source) != 5)
            continue;
        buf = check_decoder_fixture(kind, file, expect, &n);
        files++;
        if (!buf) continue;
        /* truncated copies: refused (strict) or at least no crash (loose) */
        step = n > 600 ? n / 300 : 1;
        for (len = 0; len < n; len += len + 32 >= n ? 1 : step, prefixes++) {
            int ok = decodes(kind, buf, len);
            CHECK(!ok || strcmp(trunc, "strict") != 0 || strcmp(expect, "ok") != 0,
                  "%s: a prefix of %lu bytes decoded", file, (unsigned long)len);
        }
        /* a few random byte changes: never a crash (ASan checks the reads) */
        for (it = 0; it < 20 && n > 0; it++, mutated++) {
            uint8_t *m = (uint8_t *)malloc(n);
            memcpy(m, buf, n);
            m[rnd() % n] ^= (uint8_t)(1 + rnd() % 255);
            m[rnd() % n] = (uint8_t)rnd();
            decodes(kind, m, n);
            free(m);
        }
        free(buf);
    }
    fclose(f);
    printf("    %d fixture files against PIL/zlib, %d truncated and %d mutated copies\n", files,
           prefixes, mutated);
    CHECK(files > 400, "only %d decoder fixtures", files);
}

/* JPEG against PIL (libjpeg-turbo) on tests/fixtures/jpeg: manifest lines "NAME ref NAME.rgb
   W H" (raw RGB reference), "NAME err" (must be refused) or "NAME any" (must not crash).
   The acceptance bound is a mean absolute difference <= 0.5 and a maximum <= 8 per channel. */
static void test_jpeg(void)
{
    char line[1024], name[256], kind[16], ref[256], path[1024];
    FILE *f = fopen("tests/fixtures/jpeg/manifest.txt", "r");
    int files = 0, w, h, ew, eh, c, worst_max = 0, prefixes = 0;
    double worst_mean = 0.0;
    CHECK(f != NULL, "cannot read tests/fixtures/jpeg/manifest.txt");
    if (!f) return;
    while (fgets(line, sizeof(line), f)) {
        size_t n, rn, len, i;
        uint8_t *buf, *want = NULL, *rgb;
        int k = sscanf(line, "%255s %15s %255s %d %d", name, kind, ref, &ew, &eh);
        if (k < 2) continue;
        snprintf(path, sizeof(path), "tests/fixtures/jpeg/%s", name);
        buf = read_all(path, &n);
        CHECK(buf != NULL, "cannot read %s", path);
        if (!buf) continue;
        files++;
        rgb = pm_image_load_memory(buf, n, &w, &h);
        if (!strcmp(kind, "err")) {
            CHECK(rgb == NULL, "%s: malformed JPEG accepted", name);
        } else if (!strcmp(kind, "ref") && k == 5) {
            snprintf(path, sizeof(path), "tests/fixtures/jpeg/%s", ref);
            want = read_all(path, &rn);
            CHECK(rgb != NULL, "%s: %s", name, pm_last_error());
            CHECK(want && rgb && w == ew && h == eh && rn == (size_t)w * h * 3,
                  "%s: decoded %dx%d, expected %dx%d", name, w, h, ew, eh);
            if (want && rgb && w == ew && h == eh && rn == (size_t)w * h * 3)
                for (c = 0; c < 3; c++) {
                    double sum = 0.0;
                    int mx = 0;
                    for (i = (size_t)c; i < rn; i += 3) {
                        int d = abs((int)rgb[i] - (int)want[i]);
                        sum += d;
                        mx = d > mx ? d : mx;
                    }
                    sum /= (double)(rn / 3);
                    worst_mean = sum > worst_mean ? sum : worst_mean;
                    worst_max = mx > worst_max ? mx : worst_max;
                    CHECK(sum <= 0.5 && mx <= 8, "%s channel %d: mean %.3f max %d", name, c, sum,
                          mx);
                }
        }
        free(rgb);
        free(want);
        /* truncated copies: decoded with zero fill or refused, never a crash */
        for (len = 0; len < n; len += n > 400 ? n / 200 : 1, prefixes++) decodes("jpeg", buf, len);
        free(buf);
    }
    fclose(f);
    printf("    %d JPEG fixtures: worst channel mean |C - PIL| %.4f, max %d; %d truncated copies\n",
           files, worst_mean, worst_max, prefixes);
    CHECK(files > 60, "only %d JPEG fixtures", files);
}

/* Decompression bombs and absurd sizes stop early with a message. */
static void test_image_limits(void)
{
    static const uint8_t huge_pnm[] = "P6\n100000 100000\n255\n";
    int w, h;
    uint8_t *rgb = pm_image_load_memory(huge_pnm, sizeof(huge_pnm) - 1, &w, &h);
    CHECK(rgb == NULL && strstr(pm_last_error(), "too large"), "huge PNM: %s", pm_last_error());
    pm_set_image_limits(16, 16, 256);
    rgb = pm_image_load_memory("P5 17 2 255\n0123456789abcdefghijklmnopqrstuvwxyz", 46, &w, &h);
    CHECK(rgb == NULL, "a 17-wide image passed a 16-pixel width limit");
    pm_set_image_limits(32768, 32768, 1L << 28);
    rgb = pm_image_load_memory("GIF89a", 6, &w, &h);
    CHECK(rgb == NULL && strstr(pm_last_error(), "format"), "GIF: %s", pm_last_error());
}

/* ------------------------------------------------------------------------------------------
   [8] datasets: tests/fixtures/dataset holds a folder with a corrupt image, a non-image file,
   an empty class folder and a nested folder, CSV files and class-name files.
   ------------------------------------------------------------------------------------------ */

#define DATASET_DIR "tests/fixtures/dataset"

static void test_dataset_folder(void)
{
    pm_dataset *ds = pm_dataset_open(DATASET_DIR "/folder", NULL);
    int i, problems;
    CHECK(ds != NULL, "open: %s", pm_last_error());
    if (!ds) return;
    CHECK(pm_dataset_num_classes(ds) == 3 && pm_dataset_num_images(ds) == 6,
          "%d classes, %d images before verification", pm_dataset_num_classes(ds),
          pm_dataset_num_images(ds));
    CHECK(pm_dataset_num_problems(ds) == 2, "%d problems before verification (non-image file, "
          "empty class)", pm_dataset_num_problems(ds));
    CHECK(pm_dataset_verify(ds, NULL, NULL) == 0, "verify: %s", pm_last_error());
    problems = pm_dataset_num_problems(ds);
    CHECK(problems == 3, "%d problems after verification", problems);
    for (i = 0; i < problems; i++) {
        const char *p = pm_dataset_problem(ds, i);
        CHECK(strstr(p, "notes.txt") || strstr(p, "empty_class") || strstr(p, "corrupt.png"),
              "unexpected problem: %s", p);
    }
    CHECK(pm_dataset_num_images(ds) == 5, "%d images after verification",
          pm_dataset_num_images(ds));
    CHECK(!strcmp(pm_dataset_class_key(ds, 0), "cat") && !strcmp(pm_dataset_class_key(ds, 2),
          "sea_lake") && !strcmp(pm_dataset_class_text(ds, 2), "sea lake"), "class names");
    CHECK(pm_dataset_class_count(ds, 0) == 2 && pm_dataset_class_count(ds, 1) == 1 &&
          pm_dataset_class_count(ds, 2) == 2, "class counts (nested folder included)");
    for (i = 0; i < pm_dataset_num_images(ds); i++)
        CHECK(pm_dataset_image_label(ds, i) == (i < 2 ? 0 : i < 3 ? 1 : 2), "labels grouped");
    pm_dataset_free(ds);
}

static void test_dataset_csv(void)
{
    pm_dataset *ds = pm_dataset_open(DATASET_DIR "/good.csv", DATASET_DIR "/classnames.txt");
    CHECK(ds != NULL, "open: %s", pm_last_error());
    if (ds) {
        CHECK(pm_dataset_num_classes(ds) == 3 && pm_dataset_num_images(ds) == 4, "csv counts");
        CHECK(!strcmp(pm_dataset_class_text(ds, 0), "a domestic cat"), "class-name file");
        CHECK(strstr(pm_dataset_image_path(ds, 0), "folder/cat/") != NULL,
              "paths are relative to the CSV: %s", pm_dataset_image_path(ds, 0));
        CHECK(pm_dataset_verify(ds, NULL, NULL) == 0 && pm_dataset_num_problems(ds) == 0,
              "csv verify");
        pm_dataset_free(ds);
    }
    /* CRLF lines, the last one without its line end (ASan saw a write past the file's
       buffer there) */
    ds = pm_dataset_open(DATASET_DIR "/good.csv", DATASET_DIR "/classnames_crlf_no_newline.txt");
    CHECK(ds && !strcmp(pm_dataset_class_text(ds, 0), "a domestic cat") &&
              !strcmp(pm_dataset_class_text(ds, 2), "sea or lake"),
          "class-name file with CRLF and no final line end: %s",
          ds ? pm_dataset_class_text(ds, 2) : pm_last_error());
    pm_dataset_free(ds);
    ds = pm_dataset_open(DATASET_DIR "/bad_columns.csv", NULL);
    CHECK(ds == NULL && strstr(pm_last_error(), ":2:"), "bad CSV: %s", pm_last_error());
    ds = pm_dataset_open(DATASET_DIR "/folder", DATASET_DIR "/classnames_partial.txt");
    CHECK(ds == NULL && strstr(pm_last_error(), "'dog'"), "class missing from the names: %s",
          pm_last_error());
    ds = pm_dataset_open(DATASET_DIR "/good.csv", DATASET_DIR "/classnames_partial.txt");
    CHECK(ds == NULL && strstr(pm_last_error(), "not in the class-name file"),
          "unknown CSV label: %s", pm_last_error());
    ds = pm_dataset_open(DATASET_DIR "/no_such_folder", NULL);
    CHECK(ds == NULL && strstr(pm_last_error(), "does not exist"), "missing: %s",
          pm_last_error());
}
