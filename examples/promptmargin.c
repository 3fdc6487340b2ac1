/* promptmargin: command-line tool over promptmargin.h.

   Build:  cc -std=c99 -O2 examples/promptmargin.c -o promptmargin -lm
   Run `promptmargin help` for the commands, `promptmargin COMMAND --help` for their options.

   Every command is a thin layer over the library's public API. Errors print one line
   "promptmargin: error: ..." on stderr and exit with status 1 (2 for a usage mistake);
   output files are written to a temporary name and renamed, so they are complete or absent. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime and getrusage for `bench` */
#endif
#define PROMPTMARGIN_IMPLEMENTATION
#include "../promptmargin.h"
#define SHAPES_IMPLEMENTATION
#include "shapes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <errno.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h> /* mallopt */
#endif
#if defined(_WIN32)
#include <direct.h>
#define CLI_MKDIR(path) _mkdir(path)
#else
#include <sys/stat.h>
#define CLI_MKDIR(path) mkdir(path, 0777)
#endif

/* ------------------------------------------------------------------------------------------
   Errors and small helpers
   ------------------------------------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define NORETURN __attribute__((noreturn))
#else
#define NORETURN
#endif

NORETURN static void die(const char *fmt, ...);
NORETURN static void die_usage(const char *cmd, const char *fmt, ...);

/* A progress line is open on stderr (printed with \r, no newline yet): an error message then
   starts on a new line. */
static int g_line_open;
/* An output file this run created and has not completed: removed when the run dies. */
static FILE *g_cleanup_file;
static const char *g_cleanup_path;

static void error_prologue(void)
{
    if (g_line_open) fputc('\n', stderr);
    g_line_open = 0;
    if (g_cleanup_path) {
        if (g_cleanup_file) fclose(g_cleanup_file);
        remove(g_cleanup_path);
        g_cleanup_file = NULL, g_cleanup_path = NULL;
    }
}

static void die(const char *fmt, ...)
{
    va_list ap;
    error_prologue();
    fprintf(stderr, "promptmargin: error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

static void die_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    error_prologue();
    fprintf(stderr, "promptmargin: error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'promptmargin %s --help')\n", cmd);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%lu bytes)", (unsigned long)n);
    return p;
}

/* Print s as a JSON string literal. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* ------------------------------------------------------------------------------------------
   Options: each command declares its options once; the same table parses argv and prints
   --help, so the help can never miss an option or show a wrong default.
   ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;  /* long name without "--" */
    const char *arg;   /* argument placeholder, NULL for a flag */
    const char *def;   /* default shown in --help and returned when absent (NULL: none) */
    const char *help;
} opt_spec;

#define MAX_ARGS 4096

typedef struct {
    const char *cmd;
    const opt_spec *specs;
    int n_given;
    int given_spec[MAX_ARGS]; /* options in command-line order: spec index ... */
    const char *given_val[MAX_ARGS]; /* ... and value ("1" for flags) */
    int n_pos;
    const char *pos[MAX_ARGS];
} opts;

static void print_help(const char *cmd, const char *usage, const char *about,
                       const opt_spec *specs)
{
    int i;
    printf("usage: promptmargin %s %s\n\n%s\n\noptions:\n", cmd, usage, about);
    for (i = 0; specs[i].name; i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", specs[i].name, specs[i].arg ? " " : "",
                 specs[i].arg ? specs[i].arg : "");
        printf("  %-24s %s", left, specs[i].help);
        if (specs[i].def) printf(" (default: %s)", specs[i].def);
        printf("\n");
    }
    printf("  %-24s %s\n", "--help", "show this help and exit");
}

static long opt_int(const opts *o, const char *name, long lo, long hi);

/* Parse argv[first..argc-1] against specs. --help prints the help and exits 0. */
static void parse_opts(opts *o, const char *cmd, const char *usage, const char *about,
                       const opt_spec *specs, int argc, char **argv, int first)
{
    int i, j;
    memset(o, 0, sizeof(*o));
    o->cmd = cmd;
    o->specs = specs;
    for (i = first; i < argc; i++) {
        const char *a = argv[i], *eq;
        size_t len;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(cmd, usage, about, specs);
            exit(0);
        }
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (o->n_pos == MAX_ARGS) die_usage(cmd, "too many arguments");
                o->pos[o->n_pos++] = argv[i];
            }
            break;
        }
        if (a[0] != '-' || a[1] != '-' || a[2] == 0) {
            if (o->n_pos == MAX_ARGS) die_usage(cmd, "too many arguments");
            o->pos[o->n_pos++] = a;
            continue;
        }
        eq = strchr(a + 2, '=');
        len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        for (j = 0; specs[j].name; j++)
            if (strlen(specs[j].name) == len && strncmp(specs[j].name, a + 2, len) == 0) break;
        if (!specs[j].name) die_usage(cmd, "unknown option '%s'", a);
        if (o->n_given == MAX_ARGS) die_usage(cmd, "too many options");
        o->given_spec[o->n_given] = j;
        if (!specs[j].arg) {
            if (eq) die_usage(cmd, "option --%s takes no value", specs[j].name);
            o->given_val[o->n_given++] = "1";
        } else if (eq) {
            o->given_val[o->n_given++] = eq + 1;
        } else {
            if (i + 1 >= argc) die_usage(cmd, "option --%s needs a value (%s)", specs[j].name,
                                         specs[j].arg);
            o->given_val[o->n_given++] = argv[++i];
        }
    }
    for (j = 0; specs[j].name; j++) /* every command with --threads applies it here */
        if (strcmp(specs[j].name, "threads") == 0) pm_set_threads((int)opt_int(o, "threads", 0, 64));
}

static int spec_index(const opts *o, const char *name)
{
    int j;
    for (j = 0; o->specs[j].name; j++)
        if (strcmp(o->specs[j].name, name) == 0) return j;
    fprintf(stderr, "internal error: no option %s\n", name);
    abort();
    return -1; /* not reached */
}

/* The last value given for an option, else its default (may be NULL). */
static const char *opt_str(const opts *o, const char *name)
{
    int j = spec_index(o, name), i;
    for (i = o->n_given - 1; i >= 0; i--)
        if (o->given_spec[i] == j) return o->given_val[i];
    return o->specs[j].def;
}

static int opt_flag(const opts *o, const char *name) { return opt_str(o, name) != NULL; }

/* Was the option given on the command line (rather than left at its default)? */
static int opt_str_given(const opts *o, const char *name)
{
    int j = spec_index(o, name), i;
    for (i = 0; i < o->n_given; i++)
        if (o->given_spec[i] == j) return 1;
    return 0;
}

/* Whether s is a whole number in [lo, hi] (into *v). */
static int whole_number(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return *s != 0 && *end == 0 && errno == 0 && *v >= lo && *v <= hi;
}

static long opt_int(const opts *o, const char *name, long lo, long hi)
{
    const char *s = opt_str(o, name);
    long v;
    if (!s) die_usage(o->cmd, "option --%s is required", name);
    if (!whole_number(s, lo, hi, &v))
        die_usage(o->cmd, "--%s must be a whole number from %ld to %ld (got '%s')", name, lo, hi,
                  s);
    return v;
}

/* A finite number within [lo, hi] (lo_open: above lo; hi HUGE_VAL: no upper bound), or a
   usage error naming the option. */
static double opt_num(const opts *o, const char *name, double lo, int lo_open, double hi)
{
    const char *s = opt_str(o, name);
    char *end, range[64] = "";
    double v;
    if (!s) die_usage(o->cmd, "option --%s is required", name);
    v = strtod(s, &end);
    if (*s == 0 || *end != 0 || !isfinite(v) || v < lo || (lo_open && v == lo) || v > hi) {
        if (hi < HUGE_VAL) snprintf(range, sizeof(range), "%s %g", lo_open ? ", at most" : " to", hi);
        die_usage(o->cmd, "--%s must be a number %s %g%s (got '%s')", name,
                  lo_open ? "above" : "from", lo, range, s);
    }
    return v;
}

static const char *opt_required(const opts *o, const char *name)
{
    const char *s = opt_str(o, name);
    if (!s) die_usage(o->cmd, "option --%s is required", name);
    return s;
}

static int opt_preprocess(const opts *o)
{
    const char *s = opt_str(o, "preprocess");
    if (strcmp(s, "clip") == 0) return PM_PREPROCESS_CLIP;
    if (strcmp(s, "paper") == 0) return PM_PREPROCESS_PAPER;
    die_usage(o->cmd, "--preprocess must be 'clip' or 'paper' (got '%s')", s);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   Shared steps of the commands
   ------------------------------------------------------------------------------------------ */

static pm_model *load_model(const char *path)
{
    pm_model *m = pm_model_load(path);
    if (!m) die("%s", pm_last_error());
    return m;
}

/* Decode and preprocess image files into pixels [n, 3, S, S]. */
static float *load_pixels(pm_model *m, int n, const char **paths, int mode)
{
    const pm_model_info *mi = pm_model_get_info(m);
    size_t per = 3 * (size_t)mi->image_size * mi->image_size;
    float *px = (float *)xmalloc(sizeof(float) * per * (size_t)(n > 0 ? n : 1));
    int i;
    if (!mi->has_vision) die("%s", "the model has no image tower");
    for (i = 0; i < n; i++) {
        int w, h;
        uint8_t *rgb = pm_image_load(paths[i], &w, &h);
        if (!rgb) die("%s", pm_last_error());
        if (pm_preprocess(m, rgb, w, h, mode, px + (size_t)i * per))
            die("%s: %s", paths[i], pm_last_error());
        pm_image_free(rgb);
    }
    return px;
}

/* Tokenize n texts into ids [n, context_length]. */
static int32_t *tokenize_all(pm_model *m, int n, const char **texts)
{
    const pm_model_info *mi = pm_model_get_info(m);
    int32_t *ids = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)mi->context_length * (n ? n : 1));
    int i;
    if (!mi->has_text) die("%s", "the model has no text tower");
    for (i = 0; i < n; i++)
        if (pm_tokenize(m, texts[i], ids + (size_t)i * mi->context_length) < 0)
            die("cannot tokenize \"%s\": %s", texts[i], pm_last_error());
    return ids;
}

/* Write x [rows, cols] as a float32 .npy file, atomically (temporary file, then rename). */
static void write_npy(const char *path, int rows, int cols, const float *x)
{
    char tmp[4096], header[128];
    unsigned char pre[10];
    size_t hl, i;
    FILE *f;
    int ok;
    if (strlen(path) + 8 >= sizeof(tmp)) die("output path too long");
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    snprintf(header, sizeof(header),
             "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols);
    hl = strlen(header);
    while ((10 + hl + 1) % 64) header[hl++] = ' ';
    header[hl++] = '\n';
    memcpy(pre, "\x93NUMPY\x01\x00", 8);
    pre[8] = (unsigned char)(hl & 0xff), pre[9] = (unsigned char)(hl >> 8);
    f = fopen(tmp, "wb");
    if (!f) die("cannot create '%s'", tmp);
    ok = fwrite(pre, 1, 10, f) == 10 && fwrite(header, 1, hl, f) == hl;
    for (i = 0; ok && i < (size_t)rows * cols; i++) {
        uint32_t u;
        unsigned char b[4];
        memcpy(&u, &x[i], 4);
        b[0] = (unsigned char)u, b[1] = (unsigned char)(u >> 8);
        b[2] = (unsigned char)(u >> 16), b[3] = (unsigned char)(u >> 24);
        ok = fwrite(b, 1, 4, f) == 4;
    }
    if (fclose(f) != 0) ok = 0;
    if (!ok || pm__replace_file(tmp, path) != 0) {
        remove(tmp);
        die("cannot write '%s'", path);
    }
}

/* ------------------------------------------------------------------------------------------
   info
   ------------------------------------------------------------------------------------------ */

static const char *dtype_name(int d)
{
    return d == PM_DTYPE_F32 ? "f32" : d == PM_DTYPE_F16 ? "f16" : "bf16";
}

static int cmd_info(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"json", NULL, NULL, "print one JSON object instead of text"},
        {"tensors", NULL, NULL, "also list every tensor with its type and shape"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    const pm_model_info *mi;
    int i, json;
    parse_opts(&o, "info", "[options] MODEL",
               "Print a model file's hyper-parameters (and tensors).", specs, argc, argv, 2);
    if (o.n_pos != 1) die_usage("info", "give exactly one model file");
    m = load_model(o.pos[0]);
    mi = pm_model_get_info(m);
    json = opt_flag(&o, "json");
    if (json) {
        printf("{\"file\": ");
        json_string(stdout, o.pos[0]);
        printf(", \"file_size\": %.0f, \"dtype\": \"%s\", \"act\": \"%s\", "
               "\"embed_dim\": %d, \"logit_scale\": %.9g",
               (double)mi->file_size, dtype_name(mi->dtype),
               mi->act == PM_ACT_GELU ? "gelu" : "quick_gelu", mi->embed_dim, mi->logit_scale);
        if (mi->has_vision)
            printf(", \"vision\": {\"image_size\": %d, \"patch_size\": %d, \"width\": %d, "
                   "\"layers\": %d, \"heads\": %d, \"mlp\": %d, \"mean\": [%.9g, %.9g, %.9g], "
                   "\"std\": [%.9g, %.9g, %.9g]}",
                   mi->image_size, mi->patch_size, mi->vision_width, mi->vision_layers,
                   mi->vision_heads, mi->vision_mlp, mi->image_mean[0], mi->image_mean[1],
                   mi->image_mean[2], mi->image_std[0], mi->image_std[1], mi->image_std[2]);
        if (mi->has_text)
            printf(", \"text\": {\"context_length\": %d, \"vocab_size\": %d, \"width\": %d, "
                   "\"layers\": %d, \"heads\": %d, \"mlp\": %d, \"merges\": %d}",
                   mi->context_length, mi->vocab_size, mi->text_width, mi->text_layers,
                   mi->text_heads, mi->text_mlp, mi->n_merges);
        printf(", \"n_tensors\": %d, \"gemm_kernel\": \"%s\", \"threads\": %d", mi->n_tensors,
               pm_gemm_kernel_name(), pm_get_threads());
    } else {
        printf("model        %s (%.1f MB, weights %s, %s)\n", o.pos[0], mi->file_size / 1e6,
               dtype_name(mi->dtype), mi->act == PM_ACT_GELU ? "gelu" : "quick_gelu");
        if (mi->has_vision)
            printf("image tower  %dx%d input, patch %d, width %d, %d layers, %d heads, mlp %d\n"
                   "             mean %.8g %.8g %.8g, std %.8g %.8g %.8g\n",
                   mi->image_size, mi->image_size, mi->patch_size, mi->vision_width,
                   mi->vision_layers, mi->vision_heads, mi->vision_mlp, mi->image_mean[0],
                   mi->image_mean[1], mi->image_mean[2], mi->image_std[0], mi->image_std[1],
                   mi->image_std[2]);
        else
            printf("image tower  none\n");
        if (mi->has_text)
            printf("text tower   context %d, vocab %d (%d merges), width %d, %d layers, "
                   "%d heads, mlp %d\n",
                   mi->context_length, mi->vocab_size, mi->n_merges, mi->text_width,
                   mi->text_layers, mi->text_heads, mi->text_mlp);
        else
            printf("text tower   none\n");
        printf("embedding    %d, logit scale exp(%.6g) = %.6g\n", mi->embed_dim, mi->logit_scale,
               exp(mi->logit_scale));
        printf("tensors      %d\n", mi->n_tensors);
        printf("this machine %s matrix kernel, %d thread%s\n", pm_gemm_kernel_name(),
               pm_get_threads(), pm_get_threads() == 1 ? "" : "s");
    }
    if (opt_flag(&o, "tensors")) {
        if (json) printf(", \"tensors\": [");
        for (i = 0; i < mi->n_tensors; i++) {
            const char *name;
            int dt, nd, sh[4], d;
            pm_model_tensor(m, i, &name, &dt, &nd, sh);
            if (json) {
                printf("%s{\"name\": \"%s\", \"dtype\": \"%s\", \"shape\": [", i ? ", " : "",
                       name, dtype_name(dt));
                for (d = 0; d < nd; d++) printf("%s%d", d ? ", " : "", sh[d]);
                printf("]}");
            } else {
                printf("  %-52s %-4s [", name, dtype_name(dt));
                for (d = 0; d < nd; d++) printf("%s%d", d ? ", " : "", sh[d]);
                printf("]\n");
            }
        }
        if (json) printf("]");
    }
    if (json) printf("}\n");
    pm_model_free(m);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   tokenize
   ------------------------------------------------------------------------------------------ */

static int cmd_tokenize(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) whose tokenizer to use"},
        {"bpe", "FILE", NULL, "or a merge list (bpe_simple_vocab_16e6.txt.gz, merges.txt)"},
        {"context", "N", "77", "tokens per row with --bpe (a model sets its own)"},
        {"pad", NULL, NULL, "print the whole context row, zero padding included"},
        {"json", NULL, NULL, "print one JSON object per text"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m = NULL;
    pm_tokenizer *tok;
    int32_t *row;
    int i, t, context;
    parse_opts(&o, "tokenize", "(--model FILE | --bpe FILE) [options] TEXT...",
               "Print the CLIP token ids of each TEXT (start and end tokens included).", specs,
               argc, argv, 2);
    if (o.n_pos == 0) die_usage("tokenize", "give at least one text");
    if (!opt_str(&o, "model") == !opt_str(&o, "bpe"))
        die_usage("tokenize", "give either --model or --bpe");
    if (opt_str(&o, "model")) {
        m = load_model(opt_str(&o, "model"));
        tok = pm_model_tokenizer(m);
        if (!tok) die("%s has no text tower", opt_str(&o, "model"));
        context = pm_model_get_info(m)->context_length;
    } else {
        context = (int)opt_int(&o, "context", 2, 1 << 20);
        tok = pm_tokenizer_load(opt_str(&o, "bpe"), 0);
        if (!tok) die("%s", pm_last_error());
    }
    row = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)context);
    for (i = 0; i < o.n_pos; i++) {
        int eot = pm_tokenizer_encode(tok, o.pos[i], row, context);
        int n = opt_flag(&o, "pad") ? context : eot + 1;
        if (eot < 0) die("cannot tokenize \"%s\": %s", o.pos[i], pm_last_error());
        if (opt_flag(&o, "json")) {
            printf("{\"text\": ");
            json_string(stdout, o.pos[i]);
            printf(", \"eot\": %d, \"ids\": [", eot);
            for (t = 0; t < n; t++) printf("%s%ld", t ? ", " : "", (long)row[t]);
            printf("]}\n");
        } else {
            for (t = 0; t < n; t++) printf("%s%ld", t ? " " : "", (long)row[t]);
            printf("\n");
        }
    }
    free(row);
    if (m) pm_model_free(m);
    else pm_tokenizer_free(tok);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   embed
   ------------------------------------------------------------------------------------------ */

static int cmd_embed(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"image", "PATH", NULL, "an image to embed (repeatable)"},
        {"text", "STR", NULL, "a text to embed (repeatable)"},
        {"out", "FILE.npy", NULL, "output: float32 [inputs, embed_dim], rows in the order given "
                                  "(required)"},
        {"normalize", NULL, NULL, "scale every row to unit length"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    const pm_model_info *mi;
    const char **imgs, **txts;
    int n_img = 0, n_txt = 0, i, ii = 0, it = 0, D, j_img, j_txt;
    float *img_f = NULL, *txt_f = NULL, *out;
    const char *out_path;
    parse_opts(&o, "embed", "--model FILE (--image PATH | --text STR)... --out FILE.npy",
               "Embed images and texts with the model's towers; write one row per input.",
               specs, argc, argv, 2);
    if (o.n_pos) die_usage("embed", "unexpected argument '%s'", o.pos[0]);
    j_img = spec_index(&o, "image"), j_txt = spec_index(&o, "text");
    imgs = (const char **)xmalloc(sizeof(char *) * (size_t)(o.n_given + 1));
    txts = (const char **)xmalloc(sizeof(char *) * (size_t)(o.n_given + 1));
    for (i = 0; i < o.n_given; i++) {
        if (o.given_spec[i] == j_img) imgs[n_img++] = o.given_val[i];
        if (o.given_spec[i] == j_txt) txts[n_txt++] = o.given_val[i];
    }
    if (n_img + n_txt == 0) die_usage("embed", "give at least one --image or --text");
    out_path = opt_required(&o, "out");
    m = load_model(opt_required(&o, "model"));
    mi = pm_model_get_info(m);
    D = mi->embed_dim;
    if (n_img) {
        float *px = load_pixels(m, n_img, imgs, opt_preprocess(&o));
        img_f = (float *)xmalloc(sizeof(float) * (size_t)n_img * D);
        if (pm_encode_images(m, n_img, px, img_f)) die("%s", pm_last_error());
        free(px);
    }
    if (n_txt) {
        int32_t *ids = tokenize_all(m, n_txt, txts);
        txt_f = (float *)xmalloc(sizeof(float) * (size_t)n_txt * D);
        if (pm_encode_texts(m, n_txt, ids, txt_f)) die("%s", pm_last_error());
        free(ids);
    }
    out = (float *)xmalloc(sizeof(float) * (size_t)(n_img + n_txt) * D);
    for (i = 0; i < o.n_given; i++) { /* rows in the order the inputs were given */
        float *dst = out + (size_t)(ii + it) * D;
        if (o.given_spec[i] == j_img) memcpy(dst, img_f + (size_t)ii++ * D, sizeof(float) * D);
        if (o.given_spec[i] == j_txt) memcpy(dst, txt_f + (size_t)it++ * D, sizeof(float) * D);
    }
    if (opt_flag(&o, "normalize")) pm_normalize_rows(n_img + n_txt, D, out);
    write_npy(out_path, n_img + n_txt, D, out);
    fprintf(stderr, "wrote %s: %d x %d (%d images, %d texts)\n", out_path, n_img + n_txt, D,
            n_img, n_txt);
    free(out), free(img_f), free(txt_f), free(imgs), free(txts);
    pm_model_free(m);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   zeroshot
   ------------------------------------------------------------------------------------------ */

/* Split a comma-separated list (no empty items). Returns the count; items point into *buf. */
static int split_list(const char *cmd, const char *s, char ***items, char **buf)
{
    char *copy = (char *)xmalloc(strlen(s) + 1), *p, *q;
    *buf = copy;
    int n = 1, k = 0;
    strcpy(copy, s);
    for (p = copy; *p; p++) n += *p == ',';
    *items = (char **)xmalloc(sizeof(char *) * (size_t)n);
    for (p = copy;; p = q + 1) {
        q = strchr(p, ',');
        if (q) *q = 0;
        while (*p == ' ') p++;
        if (*p == 0) die_usage(cmd, "empty item in list '%s'", s);
        (*items)[k++] = p;
        if (!q) break;
    }
    return k;
}

/* The non-empty lines of a text file (trailing CR and spaces dropped). Items point into *buf. */
static int read_lines(const char *path, char ***items, char **buf_out)
{
    FILE *f = fopen(path, "rb");
    char *buf, *p, *line;
    long len = 0;
    int n = 0, k = 0;
    if (!f) die("cannot open '%s'", path);
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        die("cannot read '%s'", path);
    buf = (char *)xmalloc((size_t)len + 2);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) die("cannot read '%s'", path);
    fclose(f);
    buf[len] = '\n', buf[len + 1] = 0;
    for (p = buf; *p; p++) n += *p == '\n';
    *items = (char **)xmalloc(sizeof(char *) * (size_t)(n + 1));
    for (line = buf; (p = strchr(line, '\n')) != NULL; line = p + 1) {
        char *end = p;
        *p = 0;
        while (end > line && (end[-1] == '\r' || end[-1] == ' ')) *--end = 0;
        if (*line) (*items)[k++] = line;
    }
    if (k == 0) die("'%s' names no class", path);
    *buf_out = buf;
    return k;
}

/* template with every "{}" replaced by name. */
static char *fill_template(const char *tmpl, const char *name)
{
    size_t n = strlen(tmpl) + 1, ln = strlen(name);
    const char *p;
    char *out, *o;
    for (p = tmpl; (p = strstr(p, "{}")) != NULL; p += 2) n += ln;
    out = o = (char *)xmalloc(n);
    for (p = tmpl; *p;) {
        if (p[0] == '{' && p[1] == '}') {
            memcpy(o, name, ln), o += ln, p += 2;
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

/* For each image, its top classes by probability (probs [n_img, n_cls]), as text or JSON. */
static void print_top(int n_img, const char *const *paths, const float *probs, int n_cls,
                      const char *const *classes, int top, int json)
{
    int i, j, k, *order = (int *)xmalloc(sizeof(int) * (size_t)n_cls);
    for (i = 0; i < n_img; i++) {
        const float *p = probs + (size_t)i * n_cls;
        for (j = 0; j < n_cls; j++) order[j] = j;
        for (j = 0; j < top; j++) /* partial selection sort: top K, ties by class order */
            for (k = j + 1; k < n_cls; k++)
                if (p[order[k]] > p[order[j]]) {
                    int t = order[j];
                    order[j] = order[k], order[k] = t;
                }
        if (json) {
            printf("{\"image\": ");
            json_string(stdout, paths[i]);
            printf(", \"top\": [");
            for (j = 0; j < top; j++) {
                printf("%s{\"class\": ", j ? ", " : "");
                json_string(stdout, classes[order[j]]);
                printf(", \"prob\": %.7g}", p[order[j]]);
            }
            printf("]}\n");
        } else {
            printf("%s\n", paths[i]);
            for (j = 0; j < top; j++) printf("  %8.5f  %s\n", p[order[j]], classes[order[j]]);
        }
    }
    free(order);
}

static int cmd_zeroshot(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"classes", "A,B,C", NULL, "class names, comma-separated; '_' reads as a space"},
        {"classes-file", "FILE", NULL, "class names, one per line (instead of --classes)"},
        {"template", "STR", "a photo of a {}.", "prompt; {} is replaced by the class name"},
        {"top", "K", "5", "how many classes to print per image"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"json", NULL, NULL, "print one JSON object per image"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    const pm_model_info *mi;
    char **classes, *class_buf;
    const char **prompts;
    int n_cls, j, top, D;
    float *img_f, *txt_f, *probs, *px;
    int32_t *ids;
    parse_opts(&o, "zeroshot", "--model FILE --classes A,B,C [options] IMAGE...",
               "Classify images among the given classes with CLIP's zero-shot prompts.", specs,
               argc, argv, 2);
    if (o.n_pos == 0) die_usage("zeroshot", "give at least one image");
    if (!opt_str(&o, "classes") == !opt_str(&o, "classes-file"))
        die_usage("zeroshot", "give the classes with either --classes or --classes-file");
    n_cls = opt_str(&o, "classes")
                ? split_list("zeroshot", opt_str(&o, "classes"), &classes, &class_buf)
                : read_lines(opt_str(&o, "classes-file"), &classes, &class_buf);
    top = (int)opt_int(&o, "top", 1, 1000000);
    if (top > n_cls) top = n_cls;
    m = load_model(opt_required(&o, "model"));
    mi = pm_model_get_info(m);
    D = mi->embed_dim;
    prompts = (const char **)xmalloc(sizeof(char *) * (size_t)n_cls);
    for (j = 0; j < n_cls; j++) {
        char *name = (char *)xmalloc(strlen(classes[j]) + 1), *p;
        strcpy(name, classes[j]);
        for (p = name; *p; p++) if (*p == '_') *p = ' ';
        prompts[j] = fill_template(opt_str(&o, "template"), name);
        free(name);
    }
    ids = tokenize_all(m, n_cls, prompts);
    txt_f = (float *)xmalloc(sizeof(float) * (size_t)n_cls * D);
    if (pm_encode_texts(m, n_cls, ids, txt_f)) die("%s", pm_last_error());
    px = load_pixels(m, o.n_pos, o.pos, opt_preprocess(&o));
    img_f = (float *)xmalloc(sizeof(float) * (size_t)o.n_pos * D);
    if (pm_encode_images(m, o.n_pos, px, img_f)) die("%s", pm_last_error());
    probs = (float *)xmalloc(sizeof(float) * (size_t)o.n_pos * n_cls);
    if (pm_logits(m, o.n_pos, img_f, n_cls, txt_f, probs)) die("%s", pm_last_error());
    pm_softmax_rows(o.n_pos, n_cls, probs);
    print_top(o.n_pos, o.pos, probs, n_cls, (const char *const *)classes, top,
              opt_flag(&o, "json"));
    for (j = 0; j < n_cls; j++) free((void *)prompts[j]);
    free(prompts), free(class_buf), free(classes), free(ids), free(txt_f), free(px), free(img_f);
    free(probs);
    pm_model_free(m);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   decode
   ------------------------------------------------------------------------------------------ */

static int cmd_decode(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"out", "FILE.ppm", NULL, "where to write the decoded RGB image (binary PPM; required)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    uint8_t *rgb;
    char tmp[4096];
    int w, h, ok;
    FILE *f;
    const char *out;
    parse_opts(&o, "decode", "IMAGE --out FILE.ppm",
               "Decode an image (PNG, JPEG, BMP, PNM) as the library sees it and write it as PPM.",
               specs, argc, argv, 2);
    if (o.n_pos != 1) die_usage("decode", "give exactly one image");
    out = opt_required(&o, "out");
    rgb = pm_image_load(o.pos[0], &w, &h);
    if (!rgb) die("%s", pm_last_error());
    if (strlen(out) + 8 >= sizeof(tmp)) die("output path too long");
    snprintf(tmp, sizeof(tmp), "%s.tmp", out);
    f = fopen(tmp, "wb");
    if (!f) die("cannot create '%s'", tmp);
    ok = fprintf(f, "P6\n%d %d\n255\n", w, h) > 0 &&
         fwrite(rgb, 3, (size_t)w * h, f) == (size_t)w * h;
    if (fclose(f) != 0) ok = 0;
    if (!ok || pm__replace_file(tmp, out) != 0) {
        remove(tmp);
        die("cannot write '%s'", out);
    }
    pm_image_free(rgb);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   Progress on stderr: "label: done/total (pct), ETA", at most about once a second.
   ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *label;
    time_t start, last;
} progress_state;

static void progress_report(int done, int total, void *user)
{
    progress_state *p = (progress_state *)user;
    time_t now = time(NULL);
    double el = difftime(now, p->start);
    if (done < total && difftime(now, p->last) < 1.0) return;
    p->last = now;
    fprintf(stderr, "\r%s: %d/%d (%.0f%%)", p->label, done, total,
            total ? 100.0 * done / total : 100.0);
    if (done < total && done > 0 && el >= 1.0)
        fprintf(stderr, ", about %.0f s left   ", el * (total - done) / done);
    else
        fprintf(stderr, ", %.0f s            ", el);
    g_line_open = done != total;
    if (done == total) fprintf(stderr, "\n");
    fflush(stderr);
}

/* ------------------------------------------------------------------------------------------
   dataset-info
   ------------------------------------------------------------------------------------------ */

static pm_dataset *open_dataset(const char *path, const char *class_names, int verify)
{
    pm_dataset *ds = pm_dataset_open(path, class_names);
    int i;
    if (!ds) die("%s", pm_last_error());
    if (verify) {
        progress_state ps;
        ps.label = "checking images";
        ps.start = ps.last = time(NULL);
        if (pm_dataset_verify(ds, progress_report, &ps)) die("%s: %s", path, pm_last_error());
    }
    for (i = 0; i < pm_dataset_num_problems(ds); i++)
        fprintf(stderr, "promptmargin: warning: %s\n", pm_dataset_problem(ds, i));
    return ds;
}

static int cmd_dataset_info(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"class-names", "FILE", NULL, "class-name file: 'folder<TAB>text name' per line"},
        {"no-verify", NULL, NULL, "list the files only, do not decode every image"},
        {"json", NULL, NULL, "print one JSON object"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_dataset *ds;
    int c, i, n_cls;
    parse_opts(&o, "dataset-info", "[options] DIR|CSV",
               "List a dataset's classes with their image counts and any unreadable files.\n"
               "DIR is an ImageFolder root (DIR/<class>/<images>); CSV has a header row and\n"
               "'path,label' rows, paths relative to the CSV file.",
               specs, argc, argv, 2);
    if (o.n_pos != 1) die_usage("dataset-info", "give exactly one dataset folder or CSV file");
    ds = open_dataset(o.pos[0], opt_str(&o, "class-names"), !opt_flag(&o, "no-verify"));
    n_cls = pm_dataset_num_classes(ds);
    if (opt_flag(&o, "json")) {
        printf("{\"dataset\": ");
        json_string(stdout, o.pos[0]);
        printf(", \"images\": %d, \"classes\": [", pm_dataset_num_images(ds));
        for (c = 0; c < n_cls; c++) {
            printf("%s{\"key\": ", c ? ", " : "");
            json_string(stdout, pm_dataset_class_key(ds, c));
            printf(", \"name\": ");
            json_string(stdout, pm_dataset_class_text(ds, c));
            printf(", \"images\": %d}", pm_dataset_class_count(ds, c));
        }
        printf("], \"problems\": [");
        for (i = 0; i < pm_dataset_num_problems(ds); i++) {
            printf("%s", i ? ", " : "");
            json_string(stdout, pm_dataset_problem(ds, i));
        }
        printf("]}\n");
    } else {
        printf("%s: %d classes, %d images\n", o.pos[0], n_cls, pm_dataset_num_images(ds));
        printf("  %5s  %7s  %-24s %s\n", "class", "images", "folder/label", "prompt name");
        for (c = 0; c < n_cls; c++)
            printf("  %5d  %7d  %-24s %s\n", c, pm_dataset_class_count(ds, c),
                   pm_dataset_class_key(ds, c), pm_dataset_class_text(ds, c));
        if (pm_dataset_num_problems(ds))
            printf("%d problem(s), listed on stderr\n", pm_dataset_num_problems(ds));
    }
    pm_dataset_free(ds);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   tune and predict: learn prompts from a labelled set, classify with them
   ------------------------------------------------------------------------------------------ */

/* Decoded RGB8 images with their sizes and labels (the library owns each rgb[i]). */
typedef struct {
    int n;
    uint8_t **rgb;
    int *w, *h, *labels;
} image_set;

/* Decode the images idx[0..n-1] of a dataset (all of them when idx is NULL), labelled with
   their dataset class, or with label_of(k) = k / per_label when per_label > 0. */
static void image_set_load(image_set *s, const pm_dataset *ds, int n, const int *idx,
                           int per_label)
{
    int k;
    s->n = n;
    s->rgb = (uint8_t **)xmalloc(sizeof(uint8_t *) * (size_t)(n ? n : 1));
    s->w = (int *)xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    s->h = (int *)xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    s->labels = (int *)xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    for (k = 0; k < n; k++) {
        int i = idx ? idx[k] : k;
        s->rgb[k] = pm_image_load(pm_dataset_image_path(ds, i), &s->w[k], &s->h[k]);
        if (!s->rgb[k]) die("%s", pm_last_error());
        s->labels[k] = per_label > 0 ? k / per_label : pm_dataset_image_label(ds, i);
    }
}

static void image_set_free(image_set *s)
{
    int k;
    for (k = 0; k < s->n; k++) pm_image_free(s->rgb[k]);
    free(s->rgb), free(s->w), free(s->h), free(s->labels);
}

/* Candidate or training views of an image set (pm_training_views). */
static void image_set_views(pm_model *m, const pm_prompts *p, const image_set *s, int mode,
                            int n_views, int keep, int select, uint64_t seed, float **views,
                            int **labels, int *n)
{
    if (pm_training_views(m, p, s->n, (const uint8_t *const *)s->rgb, s->w, s->h, s->labels,
                          mode, n_views - 1, keep, select, seed, views, labels, n))
        die("%s", pm_last_error());
}

/* The SGD settings shared by tune and episodes. */
static void train_desc_from_opts(const opts *o, pm_train_desc *d)
{
    const char *mt = opt_str(o, "margin-target");
    memset(d, 0, sizeof(*d));
    if (strcmp(mt, "text") && strcmp(mt, "self")) die_usage(o->cmd, "--margin-target: text or self");
    d->steps = (int)opt_int(o, "steps", 1, 1 << 24);
    d->lr = (float)opt_num(o, "lr", 0.0, 1, HUGE_VAL);
    d->momentum = (float)opt_num(o, "momentum", 0.0, 0, 0.999999);
    if (d->momentum == 0.0f) d->momentum = -1.0f; /* 0 means none here */
    d->margin_target = strcmp(mt, "self") == 0 ? PM_MARGIN_SELF : PM_MARGIN_TEXT;
    d->memory_mb = opt_num(o, "memory-mb", 0.0, 1, HUGE_VAL);
}

typedef struct {
    time_t start;
    int steps;
    int json;
} tune_progress;

static void tune_on_step(int step, const pm_step_stats *st, void *user)
{
    tune_progress *tp = (tune_progress *)user;
    double el = difftime(time(NULL), tp->start);
    if (tp->json)
        printf("{\"step\": %d, \"ce\": %.9g, \"r_t\": %.9g, \"r_v\": %.9g, \"loss\": %.9g}\n",
               step, st->ce, st->r_t, st->r_v, st->total);
    fprintf(stderr, "\rstep %d/%d  loss %.5f (ce %.5f, r_t %.3g, r_v %.3g)", step, tp->steps,
            st->total, st->ce, st->r_t, st->r_v);
    if (step < tp->steps && el >= 1.0)
        fprintf(stderr, ", about %.0f s left", el * (tp->steps - step) / step);
    fprintf(stderr, "        ");
    if (step == tp->steps) fprintf(stderr, ", %.0f s\n", el);
    g_line_open = step != tp->steps;
    fflush(stderr);
}

static int cmd_tune(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"data", "DIR|CSV", NULL, "labelled images: ImageFolder root or path,label CSV (required)"},
        {"save", "FILE", NULL, "where to write the prompts (.safetensors; required)"},
        {"class-names", "FILE", NULL, "class-name file: 'folder<TAB>text name' per line"},
        {"method", "NAME", "promptmargin", "coop, maple or promptmargin"},
        {"init", "FILE", NULL, "start from these prompts instead of a fresh initialisation"},
        {"n-ctx", "N", "2", "context tokens"},
        {"depth", "N", "9", "prompted layers, layer 0 included (at most the model's layers)"},
        {"steps", "N", "150", "SGD steps on the whole training set"},
        {"lr", "X", "0.01", "learning rate"},
        {"momentum", "X", "0.9", "SGD momentum"},
        {"views", "N", "20", "candidate views per image: the plain one + N-1 augmented"},
        {"keep", "M", "15", "views kept per class by the selection"},
        {"no-select", NULL, NULL, "keep every view (no selection by the prompts' scores)"},
        {"no-augment", NULL, NULL, "train on the plain views only"},
        {"margin-target", "text|self", "text", "what the image prototype distances are pulled to"},
        {"seed", "N", "0", "seed of the initialisation and the augmentation"},
        {"memory-mb", "MB", "2048", "image-tower activations kept at once during training"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"json", NULL, NULL, "print one JSON object per step on stdout"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    pm_dataset *ds;
    pm_prompts *p;
    pm_train_desc d;
    tune_progress tp;
    const char **names;
    image_set imgs;
    int *vlab, n, i, nv, method, n_views, keep, mode, select;
    float *views;
    uint64_t seed;
    char *end;
    parse_opts(&o, "tune", "--model FILE --data DIR|CSV --save FILE [options]",
               "Learn prompts from a small labelled set (method.md: selective augmentation, "
               "then SGD).", specs, argc, argv, 2);
    if (o.n_pos) die_usage("tune", "unexpected argument '%s'", o.pos[0]);
    method = pm_method_parse(opt_str(&o, "method"));
    if (method < PM_METHOD_COOP) die_usage("tune", "--method must be coop, maple or promptmargin");
    n_views = opt_flag(&o, "no-augment") ? 1 : (int)opt_int(&o, "views", 1, 65536);
    keep = (int)opt_int(&o, "keep", 1, 1 << 20);
    select = !opt_flag(&o, "no-select") && n_views > 1;
    seed = strtoull(opt_str(&o, "seed"), &end, 10);
    if (*end) die_usage("tune", "--seed must be a whole number");
    mode = opt_preprocess(&o);
    train_desc_from_opts(&o, &d);
    m = load_model(opt_required(&o, "model"));
    ds = open_dataset(opt_required(&o, "data"), opt_str(&o, "class-names"), 1);
    opt_required(&o, "save");
    n = pm_dataset_num_images(ds);
    names = (const char **)xmalloc(sizeof(char *) * (size_t)pm_dataset_num_classes(ds));
    for (i = 0; i < pm_dataset_num_classes(ds); i++) names[i] = pm_dataset_class_text(ds, i);
    if (opt_str(&o, "init")) {
        p = pm_prompts_load(m, opt_str(&o, "init"));
        if (!p) die("%s", pm_last_error());
        if (pm_prompts_num_classes(p) != pm_dataset_num_classes(ds))
            die("%s has %d classes, the data %d", opt_str(&o, "init"), pm_prompts_num_classes(p),
                pm_dataset_num_classes(ds));
        for (i = 0; i < pm_dataset_num_classes(ds); i++)
            if (strcmp(pm_prompts_class(p, i), names[i]))
                die("%s: class %d is '%s', the data's is '%s' (the classes must match, in "
                    "order)", opt_str(&o, "init"), i, pm_prompts_class(p, i), names[i]);
    } else {
        int depth = (int)opt_int(&o, "depth", 1, 1024), layers;
        layers = pm_model_get_info(m)->vision_layers < pm_model_get_info(m)->text_layers
                     ? pm_model_get_info(m)->vision_layers : pm_model_get_info(m)->text_layers;
        if (!opt_str_given(&o, "depth") && depth > layers) depth = layers;
        p = pm_prompts_create(m, method, (int)opt_int(&o, "n-ctx", 1, 64), depth,
                              pm_dataset_num_classes(ds), names, seed);
        if (!p) die("%s", pm_last_error());
    }
    image_set_load(&imgs, ds, n, NULL, 0);
    image_set_views(m, p, &imgs, mode, n_views, keep, select, seed, &views, &vlab, &nv);
    fprintf(stderr, "training %s on %d views of %d images, %d classes\n",
            pm_method_name(pm_prompts_method(p)), nv, n, pm_dataset_num_classes(ds));
    tp.start = time(NULL), tp.steps = d.steps, tp.json = opt_flag(&o, "json");
    d.on_step = tune_on_step, d.user = &tp;
    if (pm_prompts_train(m, p, nv, views, vlab, &d)) die("%s", pm_last_error());
    if (pm_prompts_save(m, p, opt_str(&o, "save"))) die("%s", pm_last_error());
    fprintf(stderr, "wrote %s\n", opt_str(&o, "save"));
    image_set_free(&imgs);
    free((void *)names);
    pm_free(views), pm_free(vlab);
    pm_prompts_free(p);
    pm_dataset_free(ds);
    pm_model_free(m);
    return 0;
}

static int cmd_predict(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"prompts", "FILE", NULL, "prompts learned by 'tune' (required)"},
        {"top", "K", "5", "how many classes to print per image"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"json", NULL, NULL, "print one JSON object per image"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    pm_prompts *p;
    const char **classes;
    int n_cls, top, D, i;
    float *px, *img, *txt, *probs;
    parse_opts(&o, "predict", "--model FILE --prompts FILE [options] IMAGE...",
               "Classify images with learned prompts.", specs, argc, argv, 2);
    if (o.n_pos == 0) die_usage("predict", "give at least one image");
    top = (int)opt_int(&o, "top", 1, 1000000);
    m = load_model(opt_required(&o, "model"));
    p = pm_prompts_load(m, opt_required(&o, "prompts"));
    if (!p) die("%s", pm_last_error());
    n_cls = pm_prompts_num_classes(p);
    D = pm_model_get_info(m)->embed_dim;
    classes = (const char **)xmalloc(sizeof(char *) * (size_t)n_cls);
    for (i = 0; i < n_cls; i++) classes[i] = pm_prompts_class(p, i);
    px = load_pixels(m, o.n_pos, o.pos, opt_preprocess(&o));
    img = (float *)xmalloc(sizeof(float) * (size_t)o.n_pos * D);
    txt = (float *)xmalloc(sizeof(float) * (size_t)n_cls * D);
    probs = (float *)xmalloc(sizeof(float) * (size_t)o.n_pos * n_cls);
    if (pm_prompts_image_features(m, p, o.n_pos, px, img) || pm_prompts_text_features(m, p, txt) ||
        pm_logits(m, o.n_pos, img, n_cls, txt, probs))
        die("%s", pm_last_error());
    pm_softmax_rows(o.n_pos, n_cls, probs);
    print_top(o.n_pos, o.pos, probs, n_cls, classes, top < n_cls ? top : n_cls,
              opt_flag(&o, "json"));
    free(px), free(img), free(txt), free(probs), free((void *)classes);
    pm_prompts_free(p);
    pm_model_free(m);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   episodes and merge: the few-shot benchmark protocol
   ------------------------------------------------------------------------------------------ */

/* One finished episode, as its JSON line records it. */
typedef struct {
    long index;
    int correct, total, zs_correct; /* zs_correct < 0: not recorded */
    int predict_tune;               /* the diagnostic's prediction: 1 tune, 0 zero-shot, -1 none */
    char method[32];
    int ways, shots, queries;
} episode_result;

/* The value after "key": in a JSON line, or NULL. */
static const char *json_field(const char *line, const char *key)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    p = strstr(line, pat);
    return p ? p + strlen(pat) : NULL;
}

/* The integer after "key": in a JSON line, within [lo, hi]; -1 when absent or not such a
   number. */
static int json_long(const char *line, const char *key, long lo, long hi, long *out)
{
    const char *p = json_field(line, key);
    char *end;
    long v;
    if (!p) return -1;
    errno = 0;
    v = strtol(p, &end, 10);
    if (end == p || errno || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* Parse an episode line; 0 when it is complete and well formed (counts in range: correct and
   zero-shot correct within [0, total]). */
static int parse_episode_line(const char *line, episode_result *r)
{
    const char *m = json_field(line, "method");
    size_t n = strlen(line);
    long idx, c, t, w, sh, q, zs = -1;
    if (n < 2 || line[0] != '{' || line[n - 1] != '}' || !m ||
        json_long(line, "episode", 0, LONG_MAX, &idx) || json_long(line, "total", 1, INT_MAX, &t) ||
        json_long(line, "correct", 0, t, &c) || json_long(line, "ways", 1, INT_MAX, &w) ||
        json_long(line, "shots", 1, INT_MAX, &sh) || json_long(line, "queries", 1, INT_MAX, &q) ||
        (json_field(line, "zeroshot_correct") && json_long(line, "zeroshot_correct", 0, t, &zs)))
        return -1;
    if (sscanf(m, "\"%31[^\"]\"", r->method) != 1) return -1;
    r->index = idx, r->correct = (int)c, r->total = (int)t, r->zs_correct = (int)zs;
    r->ways = (int)w, r->shots = (int)sh, r->queries = (int)q;
    r->predict_tune = !json_field(line, "predict") ? -1
                      : strncmp(json_field(line, "predict"), "\"tune\"", 6) == 0;
    return 0;
}

/* Read the complete episode lines of a file (a last line cut short is left out). */
static int read_episode_file(const char *path, episode_result **out, int *n, int *cap,
                             int *dropped)
{
    FILE *f = fopen(path, "rb");
    char line[65536];
    if (!f) return -1;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        episode_result r;
        if (len == 0 || line[len - 1] != '\n') { /* killed while writing it */
            (*dropped)++;
            continue;
        }
        line[len - 1] = 0;
        if (parse_episode_line(line, &r) != 0) {
            (*dropped)++;
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 256;
            *out = (episode_result *)realloc(*out, sizeof(episode_result) * (size_t)*cap);
            if (!*out) die("out of memory");
        }
        (*out)[(*n)++] = r;
    }
    fclose(f);
    return 0;
}

static int cmp_episode(const void *a, const void *b)
{
    long x = ((const episode_result *)a)->index, y = ((const episode_result *)b)->index;
    return x < y ? -1 : x > y;
}

/* Sort by index, drop exact duplicates (error on conflicting ones), print the summary. */
static void print_summary(episode_result *r, int n, int json, FILE *f)
{
    double *acc;
    pm_summary s;
    int i, k = 0;
    qsort(r, (size_t)n, sizeof(episode_result), cmp_episode);
    for (i = 0; i < n; i++) {
        if (k && r[k - 1].index == r[i].index) {
            if (r[k - 1].correct != r[i].correct || r[k - 1].total != r[i].total)
                die("episode %ld appears twice with different results", r[i].index);
            continue;
        }
        if (k && (strcmp(r[k - 1].method, r[i].method) || r[k - 1].ways != r[i].ways ||
                  r[k - 1].shots != r[i].shots || r[k - 1].queries != r[i].queries))
            die("the files mix different settings (episode %ld: %s %d-way %d-shot)", r[i].index,
                r[i].method, r[i].ways, r[i].shots);
        r[k++] = r[i];
    }
    if (k == 0) die("no finished episode to summarise");
    acc = (double *)xmalloc(sizeof(double) * (size_t)k);
    for (i = 0; i < k; i++) acc[i] = (double)r[i].correct / r[i].total;
    pm_summarize(k, acc, &s);
    { /* the diagnostic against what tuning really did (episodes that recorded both) */
        int nd = 0, pred = 0, gain = 0, right = 0;
        for (i = 0; i < k; i++) {
            int g;
            if (r[i].predict_tune < 0 || r[i].zs_correct < 0) continue;
            g = r[i].correct > r[i].zs_correct;
            nd++, pred += r[i].predict_tune, gain += g, right += g == r[i].predict_tune;
        }
        if (json)
            fprintf(f, "{\"summary\": true, \"method\": \"%s\", \"ways\": %d, \"shots\": %d, "
                       "\"queries\": %d, \"episodes\": %d, \"mean\": %.17g, \"std\": %.17g, "
                       "\"ci95\": %.17g, \"diagnosed\": %d, \"predicted_tune\": %d, "
                       "\"tuning_beat_zeroshot\": %d, \"prediction_right\": %d}\n",
                    r[0].method, r[0].ways, r[0].shots, r[0].queries, k, s.mean, s.std, s.ci95,
                    nd, pred, gain, right);
        else {
            fprintf(f, "%s %d-way %d-shot, %d episodes: accuracy %.2f%% +- %.2f%% (95%% CI), "
                       "std %.2f%%\n", r[0].method, r[0].ways, r[0].shots, k, 100 * s.mean,
                    100 * s.ci95, 100 * s.std);
            if (nd)
                fprintf(f, "diagnostic: 'tune' predicted in %d of %d episodes, tuning beat "
                           "zero-shot in %d, prediction right in %d (%.1f%%)\n", pred, nd, gain,
                        right, 100.0 * right / nd);
        }
    }
    free(acc);
}

static int cmd_merge(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"json", NULL, NULL, "print the summary as one JSON object"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    episode_result *r = NULL;
    int n = 0, cap = 0, dropped = 0, i;
    parse_opts(&o, "merge", "[--json] FILE...",
               "Summarise episode files (e.g. the shards of one run) as one unsharded run.",
               specs, argc, argv, 2);
    if (o.n_pos == 0) die_usage("merge", "give at least one episode file");
    for (i = 0; i < o.n_pos; i++)
        if (read_episode_file(o.pos[i], &r, &n, &cap, &dropped)) die("cannot read '%s'", o.pos[i]);
    if (dropped)
        fprintf(stderr, "promptmargin: warning: %d incomplete or malformed line(s) ignored\n",
                dropped);
    print_summary(r, n, opt_flag(&o, "json"), stdout);
    free(r);
    return 0;
}

/* State shared by the steps of one episode's training: its first and last loss, and what the
   progress line shows (episodes finished before this one, of `todo`, since `start`). */
typedef struct {
    double first, last;
    int shard_i, shard_n, episode, ran, todo, steps;
    time_t start, shown;
} loss_track;

static void track_loss(int step, const pm_step_stats *st, void *user)
{
    loss_track *t = (loss_track *)user;
    time_t now = time(NULL);
    double el = difftime(now, t->start), frac;
    if (step == 1) t->first = st->total;
    t->last = st->total;
    if (step < t->steps && difftime(now, t->shown) < 1.0) return;
    t->shown = now;
    frac = (t->ran + (double)step / t->steps) / t->todo; /* of the whole run */
    fprintf(stderr, "\rshard %d/%d: episode %d (%d/%d), step %d/%d, loss %.4f", t->shard_i,
            t->shard_n, t->episode, t->ran + 1, t->todo, step, t->steps, st->total);
    if (el >= 1) fprintf(stderr, ", about %.0f s left", el * (1.0 - frac) / frac);
    fprintf(stderr, "        ");
    g_line_open = 1;
    fflush(stderr);
}

/* Queries classified right: argmax over classes of the cosine (the scale changes nothing);
   img [n_q, D] and txt [ways, D] unit rows, query k belongs to class k / queries. */
static int count_correct(int n_q, int ways, int queries, int D, const float *img, const float *txt)
{
    int k, c, j, correct = 0;
    for (k = 0; k < n_q; k++) {
        int best = 0;
        double bs = -1e30;
        for (c = 0; c < ways; c++) {
            double dot = 0.0;
            for (j = 0; j < D; j++) dot += (double)img[(size_t)k * D + j] * txt[(size_t)c * D + j];
            if (dot > bs) bs = dot, best = c;
        }
        correct += best == k / queries;
    }
    return correct;
}

/* The training inside an episode: options of episodes and of grid, which passes them on. */
#define EPISODE_TRAINING_SPECS                                                                  \
    {"n-ctx", "N", "2", "context tokens"},                                                      \
    {"depth", "N", "9", "prompted layers, layer 0 included (at most the model's layers)"},      \
    {"steps", "N", "150", "SGD steps per episode"},                                             \
    {"lr", "X", "0.01", "learning rate"},                                                       \
    {"views", "N", "20", "candidate views per support image (plain + N-1 augmented)"},          \
    {"keep", "M", "15", "views kept per class by the selection"},                               \
    {"memory-mb", "MB", "2048", "image-tower activations kept at once during training"}

static int cmd_episodes(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"data", "DIR|CSV", NULL, "the target dataset: ImageFolder root or path,label CSV (required)"},
        {"class-names", "FILE", NULL, "class-name file: 'folder<TAB>text name' per line"},
        {"method", "NAME", "promptmargin", "zeroshot, coop, maple or promptmargin"},
        {"ways", "N", "5", "classes per episode"},
        {"shots", "K", "1", "support images per class"},
        {"queries", "Q", "15", "query images per class"},
        {"episodes", "E", "600", "episodes (indices 0..E-1)"},
        {"seed", "S", "0", "seed: episode i of seed S is the same everywhere"},
        {"shard", "i/n", "0/1", "run only the episodes with index % n == i"},
        {"out", "FILE", NULL, "append one JSON line per episode here (default: stdout)"},
        {"resume", NULL, NULL, "continue an interrupted --out file"},
        EPISODE_TRAINING_SPECS,
        {"momentum", "X", "0.9", "SGD momentum"},
        {"no-select", NULL, NULL, "keep every view"},
        {"no-augment", NULL, NULL, "train on the plain support views only"},
        {"margin-target", "text|self", "text", "what the image prototype distances are pulled to"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"threshold", "X", "0.10", "diagnostic: predict 'tune' when separability exceeds the "
                                   "zero-shot accuracy of the support views by X"},
        {"json", NULL, NULL, "print the summary as JSON"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    pm_dataset *ds;
    const pm_model_info *mi;
    episode_result *done = NULL;
    double threshold;
    int n_done = 0, cap = 0, dropped = 0, method, ways, shots, queries, E, shard_i = 0,
        shard_n = 1, n_ctx, depth, n_views, keep, select, mode, e, i, ran = 0, todo = 0, created;
    uint64_t seed;
    char *end;
    const char *out = NULL;
    FILE *fo = stdout;
    pm_train_desc d;
    time_t start = time(NULL);
    parse_opts(&o, "episodes", "--model FILE --data DIR|CSV [options]",
               "Run seeded N-way K-shot episodes: tune on the support set, score the queries.",
               specs, argc, argv, 2);
    if (o.n_pos) die_usage("episodes", "unexpected argument '%s'", o.pos[0]);
    method = pm_method_parse(opt_str(&o, "method"));
    if (method < 0) die_usage("episodes", "%s", pm_last_error());
    ways = (int)opt_int(&o, "ways", 1, 100000);
    shots = (int)opt_int(&o, "shots", 1, 100000);
    queries = (int)opt_int(&o, "queries", 1, 100000);
    E = (int)opt_int(&o, "episodes", 1, 100000000);
    seed = strtoull(opt_str(&o, "seed"), &end, 10);
    if (*end) die_usage("episodes", "--seed must be a whole number");
    if (sscanf(opt_str(&o, "shard"), "%d/%d", &shard_i, &shard_n) != 2 || shard_n < 1 ||
        shard_i < 0 || shard_i >= shard_n)
        die_usage("episodes", "--shard must be i/n with 0 <= i < n (got '%s')", opt_str(&o, "shard"));
    n_ctx = (int)opt_int(&o, "n-ctx", 1, 64);
    depth = (int)opt_int(&o, "depth", 1, 1024);
    n_views = opt_flag(&o, "no-augment") ? 1 : (int)opt_int(&o, "views", 1, 65536);
    keep = (int)opt_int(&o, "keep", 1, 1 << 20);
    select = !opt_flag(&o, "no-select") && n_views > 1;
    mode = opt_preprocess(&o);
    train_desc_from_opts(&o, &d);
    out = opt_str(&o, "out");
    if (opt_flag(&o, "resume") && !out) die_usage("episodes", "--resume needs --out");
    threshold = opt_num(&o, "threshold", -1.0, 0, 1.0);
    m = load_model(opt_required(&o, "model"));
    mi = pm_model_get_info(m);
    if (!opt_str_given(&o, "depth")) { /* the default 9, or every layer of a smaller model */
        if (depth > mi->vision_layers) depth = mi->vision_layers;
        if (depth > mi->text_layers) depth = mi->text_layers;
    }
    ds = open_dataset(opt_required(&o, "data"), opt_str(&o, "class-names"), 1);
    { /* every setting is checked on episode 0 before anything is written */
        pm_episode ep;
        if (pm_episode_sample(ds, seed, 0, ways, shots, queries, &ep)) die("%s", pm_last_error());
        pm_episode_free(&ep);
    }
    if (out) {
        FILE *f = fopen(out, "rb");
        if (f && !opt_flag(&o, "resume")) die("'%s' exists: add --resume to continue it, or remove it", out);
        if (f) {
            fclose(f);
            read_episode_file(out, &done, &n_done, &cap, &dropped);
            for (i = 0; i < n_done; i++)
                if (strcmp(done[i].method, pm_method_name(method)) || done[i].ways != ways ||
                    done[i].shots != shots || done[i].queries != queries)
                    die("'%s' holds episodes of other settings (%s %d-way %d-shot)", out,
                        done[i].method, done[i].ways, done[i].shots);
            if (dropped) { /* rewrite without the cut line, atomically */
                char tmp[4096], line[65536];
                FILE *src = fopen(out, "rb"), *dst;
                snprintf(tmp, sizeof(tmp), "%s.tmp", out);
                dst = fopen(tmp, "wb");
                if (!src || !dst) die("cannot rewrite '%s'", out);
                while (fgets(line, sizeof(line), src)) {
                    size_t len = strlen(line);
                    episode_result r;
                    if (len && line[len - 1] == '\n') {
                        line[len - 1] = 0;
                        if (parse_episode_line(line, &r) == 0) fprintf(dst, "%s\n", line);
                    }
                }
                fclose(src);
                if (fclose(dst) != 0 || pm__replace_file(tmp, out) != 0) die("cannot rewrite '%s'", out);
                fprintf(stderr, "promptmargin: %d incomplete or malformed line(s) of '%s' dropped\n",
                        dropped, out);
            }
        }
        created = !opt_flag(&o, "resume") || !n_done;
        if (created) { /* what this run creates goes again if it dies before a first line */
            FILE *f = fopen(out, "rb");
            created = f == NULL;
            if (f) fclose(f);
        }
        fo = fopen(out, "ab");
        if (!fo) die("cannot write '%s'", out);
        if (created) g_cleanup_file = fo, g_cleanup_path = out;
    }
    for (e = shard_i; e < E; e += shard_n) todo++;
    for (e = shard_i; e < E; e += shard_n) {
        pm_episode ep;
        pm_prompts *p = NULL;
        const char **names;
        image_set sup;
        int n_sup = ways * shots, n_q = ways * queries, correct = 0, k, c;
        int *vlab = NULL, nv = 0, D = mi->embed_dim;
        float *views = NULL, *qpx, *img, *txt;
        uint64_t es = pm_derive_seed(seed, (uint64_t)e, 2);
        loss_track lt;
        pm_diagnosis dg;
        int zs_correct = 0;
        time_t t0 = time(NULL);
        int already = 0;
        for (i = 0; i < n_done; i++) already |= done[i].index == e;
        if (already) continue;
        if (pm_episode_sample(ds, seed, (uint64_t)e, ways, shots, queries, &ep)) die("%s", pm_last_error());
        names = (const char **)xmalloc(sizeof(char *) * (size_t)ways);
        for (c = 0; c < ways; c++) names[c] = pm_dataset_class_text(ds, ep.classes[c]);
        image_set_load(&sup, ds, n_sup, ep.support, shots);
        { /* the diagnostic from the support set and its views, before any training */
            float *cand;
            int *clab, *src, nc;
            image_set_views(m, NULL, &sup, mode, n_views, 1, 0, es, &cand, &clab, &nc);
            src = (int *)xmalloc(sizeof(int) * (size_t)nc);
            for (k = 0; k < nc; k++) src[k] = k / n_views;
            if (pm_diagnose(m, nc, cand, clab, src, ways, names, threshold, &dg))
                die("%s", pm_last_error());
            free(src), pm_free(cand), pm_free(clab);
        }
        /* zero-shot CLIP is CoOp's initial state: ctx = the embeddings of "a photo" */
        p = pm_prompts_create(m, method == PM_METHOD_ZEROSHOT ? PM_METHOD_COOP : method, n_ctx,
                              depth, ways, names, es);
        if (!p) die("%s", pm_last_error());
        lt.first = lt.last = 0.0;
        lt.shard_i = shard_i, lt.shard_n = shard_n, lt.episode = e, lt.ran = ran;
        lt.todo = todo, lt.steps = d.steps, lt.start = start, lt.shown = 0;
        if (method != PM_METHOD_ZEROSHOT) {
            image_set_views(m, p, &sup, mode, n_views, keep, select, es, &views, &vlab, &nv);
            d.on_step = track_loss, d.user = &lt;
            if (pm_prompts_train(m, p, nv, views, vlab, &d)) die("episode %d: %s", e, pm_last_error());
        }
        qpx = (float *)xmalloc(sizeof(float) * 3 * (size_t)mi->image_size * mi->image_size * (size_t)n_q);
        for (k = 0; k < n_q; k++) {
            int qw, qh;
            uint8_t *q = pm_image_load(pm_dataset_image_path(ds, ep.query[k]), &qw, &qh);
            if (!q || pm_preprocess(m, q, qw, qh, mode,
                                    qpx + (size_t)k * 3 * mi->image_size * mi->image_size))
                die("%s", pm_last_error());
            pm_image_free(q);
        }
        img = (float *)xmalloc(sizeof(float) * (size_t)n_q * D);
        txt = (float *)xmalloc(sizeof(float) * (size_t)ways * D);
        if (pm_prompts_image_features(m, p, n_q, qpx, img) || pm_prompts_text_features(m, p, txt))
            die("%s", pm_last_error());
        correct = count_correct(n_q, ways, queries, D, img, txt);
        if (method == PM_METHOD_ZEROSHOT) {
            zs_correct = correct;
        } else { /* zero-shot CLIP on the same queries, for the diagnostic's record */
            pm_prompts *zs = pm_prompts_create(m, PM_METHOD_COOP, 2, 1, ways, names, 0);
            if (!zs || pm_prompts_image_features(m, NULL, n_q, qpx, img) ||
                pm_prompts_text_features(m, zs, txt))
                die("%s", pm_last_error());
            zs_correct = count_correct(n_q, ways, queries, D, img, txt);
            pm_prompts_free(zs);
        }
        fprintf(fo, "{\"episode\": %d, \"seed\": %llu, \"method\": \"%s\", \"ways\": %d, "
                    "\"shots\": %d, \"queries\": %d, \"classes\": [", e, (unsigned long long)seed,
                pm_method_name(method), ways, shots, queries);
        for (c = 0; c < ways; c++) {
            fprintf(fo, "%s", c ? ", " : "");
            json_string(fo, pm_dataset_class_key(ds, ep.classes[c]));
        }
        fprintf(fo, "], \"correct\": %d, \"total\": %d, \"accuracy\": %.17g, ", correct, n_q,
                (double)correct / n_q);
        if (method == PM_METHOD_ZEROSHOT) fprintf(fo, "\"loss_first\": null, \"loss_last\": null, ");
        else fprintf(fo, "\"loss_first\": %.9g, \"loss_last\": %.9g, ", lt.first, lt.last);
        fprintf(fo, "\"views\": %d, \"zeroshot_correct\": %d, \"zeroshot_accuracy\": %.17g, "
                    "\"zs_support_acc\": %.6g, \"separability\": %.6g, \"align_margin\": %.6g, "
                    "\"text_dist_mean\": %.6g, \"text_dist_std\": %.6g, \"predict\": \"%s\", "
                    "\"seconds\": %.0f}\n", nv, zs_correct, (double)zs_correct / n_q,
                dg.zeroshot_acc, dg.separability, dg.margin, dg.text_dist_mean, dg.text_dist_std,
                dg.predict_tune ? "tune" : "zeroshot", difftime(time(NULL), t0));
        fflush(fo);
        g_cleanup_file = NULL, g_cleanup_path = NULL; /* holds a finished episode: kept */
        {
            episode_result r;
            r.index = e, r.correct = correct, r.total = n_q, r.ways = ways, r.shots = shots;
            r.queries = queries, r.zs_correct = zs_correct, r.predict_tune = dg.predict_tune;
            strcpy(r.method, pm_method_name(method));
            if (n_done == cap) {
                cap = cap ? 2 * cap : 256;
                done = (episode_result *)realloc(done, sizeof(episode_result) * (size_t)cap);
                if (!done) die("out of memory");
            }
            done[n_done++] = r;
        }
        ran++;
        {
            double el = difftime(time(NULL), start);
            fprintf(stderr, "\rshard %d/%d: episode %d done (%d/%d), accuracy %.1f%%", shard_i,
                    shard_n, e, ran, todo, 100.0 * correct / n_q);
            if (el >= 1) fprintf(stderr, ", about %.0f s left", el * (todo - ran) / ran);
            fprintf(stderr, "              ");
            g_line_open = 1;
            fflush(stderr);
        }
        image_set_free(&sup);
        free((void *)names), free(qpx), free(img), free(txt);
        pm_free(views), pm_free(vlab);
        pm_prompts_free(p);
        pm_episode_free(&ep);
    }
    if (ran) fprintf(stderr, "\n");
    g_line_open = 0;
    g_cleanup_path = NULL, g_cleanup_file = NULL;
    if (out && fclose(fo) != 0) die("cannot write '%s'", out);
    print_summary(done, n_done, opt_flag(&o, "json"), out ? stdout : stderr);
    free(done);
    pm_dataset_free(ds);
    pm_model_free(m);
    return 0;
}

static int cmd_diagnose(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"data", "DIR|CSV", NULL, "the labelled support set (required)"},
        {"class-names", "FILE", NULL, "class-name file: 'folder<TAB>text name' per line"},
        {"views", "N", "20", "views per image: the plain one + N-1 augmented"},
        {"threshold", "X", "0.10", "predict 'tune' when separability exceeds the zero-shot "
                                   "accuracy of the views by X"},
        {"seed", "N", "0", "seed of the augmentation"},
        {"preprocess", "clip|paper", "clip", "image preprocessing"},
        {"json", NULL, NULL, "print one JSON object"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m;
    pm_dataset *ds;
    pm_diagnosis dg;
    const char **names;
    image_set imgs;
    int *clab, *src, n, i, nc, n_views;
    float *cand;
    char *end;
    double threshold;
    uint64_t seed;
    parse_opts(&o, "diagnose", "--model FILE --data DIR|CSV [options]",
               "Will prompt tuning beat zero-shot CLIP here? Judged from the labelled images "
               "alone\n(method.md section 8).", specs, argc, argv, 2);
    if (o.n_pos) die_usage("diagnose", "unexpected argument '%s'", o.pos[0]);
    n_views = (int)opt_int(&o, "views", 1, 65536);
    seed = strtoull(opt_str(&o, "seed"), &end, 10);
    if (*end) die_usage("diagnose", "--seed must be a whole number");
    threshold = opt_num(&o, "threshold", -1.0, 0, 1.0);
    m = load_model(opt_required(&o, "model"));
    ds = open_dataset(opt_required(&o, "data"), opt_str(&o, "class-names"), 1);
    n = pm_dataset_num_images(ds);
    names = (const char **)xmalloc(sizeof(char *) * (size_t)pm_dataset_num_classes(ds));
    for (i = 0; i < pm_dataset_num_classes(ds); i++) names[i] = pm_dataset_class_text(ds, i);
    image_set_load(&imgs, ds, n, NULL, 0);
    image_set_views(m, NULL, &imgs, opt_preprocess(&o), n_views, 1, 0, seed, &cand, &clab, &nc);
    src = (int *)xmalloc(sizeof(int) * (size_t)nc);
    for (i = 0; i < nc; i++) src[i] = i / n_views;
    if (pm_diagnose(m, nc, cand, clab, src, pm_dataset_num_classes(ds), names,
                    threshold, &dg))
        die("%s", pm_last_error());
    if (opt_flag(&o, "json"))
        printf("{\"views\": %d, \"zs_support_acc\": %.6g, \"separability\": %.6g, "
               "\"align_margin\": %.6g, \"text_dist_mean\": %.6g, \"text_dist_std\": %.6g, "
               "\"predict\": \"%s\"}\n", nc, dg.zeroshot_acc, dg.separability, dg.margin,
               dg.text_dist_mean, dg.text_dist_std, dg.predict_tune ? "tune" : "zeroshot");
    else
        printf("%d views of %d images, %d classes\n"
               "  zero-shot accuracy of the views   %.1f%%\n"
               "  image-only separability           %.1f%%\n"
               "  alignment margin                  %.4f\n"
               "  text distances                    mean %.4f, std %.4f\n"
               "prediction: %s\n", nc, n, pm_dataset_num_classes(ds), 100 * dg.zeroshot_acc,
               100 * dg.separability, dg.margin, dg.text_dist_mean, dg.text_dist_std,
               dg.predict_tune ? "tune (the images separate better than CLIP's text aligns)"
                               : "zero-shot is likely as good");
    image_set_free(&imgs);
    free((void *)names), free(src);
    pm_free(cand), pm_free(clab);
    pm_dataset_free(ds);
    pm_model_free(m);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   bench: measured throughput of the heavy workloads on this machine
   ------------------------------------------------------------------------------------------ */

#if defined(_WIN32)
static double wall_seconds(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
}
static double peak_rss_mb(void) { return -1.0; }
#else
#include <sys/resource.h>
static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru)) return -1.0;
#ifdef __APPLE__
    return (double)ru.ru_maxrss / 1048576.0; /* bytes there */
#else
    return (double)ru.ru_maxrss / 1024.0; /* kilobytes */
#endif
}
#endif

/* Multiply-adds x 2 of one transformer tower on sequences of T tokens (width W, MLP H, L
   layers): the forward, or with `backward` the input-gradient backward (every product once
   more, the attention products twice). */
static double tower_flops(double T, double W, double H, double L, int backward)
{
    double lin = 2.0 * T * W * (3.0 * W + W + 2.0 * H), att = 2.0 * 2.0 * T * T * W;
    return L * (backward ? lin + 2.0 * att : lin + att);
}

typedef struct {
    const char *name;
    double seconds, flops, rss;
} bench_row;

typedef struct {
    double t[4];
    int n;
} bench_steps;

static void bench_on_step(int step, const pm_step_stats *st, void *user)
{
    bench_steps *b = (bench_steps *)user;
    (void)st;
    if (step >= 1 && step <= 3) b->t[step] = wall_seconds(), b->n = step;
}

static float *bench_random(size_t n, uint32_t seed)
{
    float *x = (float *)xmalloc(sizeof(float) * (n ? n : 1));
    size_t i;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)(seed >> 8) / 8388608.0f - 1.0f;
    }
    return x;
}

static int cmd_bench(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) for the forward and training workloads "
                                "(without it: the matrix products only)"},
        {"threads", "N", "0", "threads to use; 0: one per CPU"},
        {"batch", "N", "25", "images per batch of the large image forward"},
        {"classes", "N", "5", "class prompts of the text forward and the training step"},
        {"views", "N", "75", "training views of the PromptMargin step (0: no training step)"},
        {"gemm-rows", "R", "4925", "rows of the matrix products (ViT-B/16 at batch 25: 25 x 197)"},
        {"seconds", "X", "1", "minimum time per workload (repeated until reached)"},
        {"json", NULL, NULL, "print the results as one JSON object"},
        {NULL, NULL, NULL, NULL}};
    /* ViT-B/16 at batch 25 (M = 25 x 197 rows, width 768, MLP 3072): the forward products and
       the two transposed products of a backward */
    /* rows R (0 below: the --gemm-rows value) */
    static const struct { const char *what; int ta, tb, M, N, K; } shapes[] = {
        {"X.W^T  %dx2304x768 (qkv)", 0, 1, 0, 2304, 768},
        {"X.W^T  %dx3072x768 (mlp up)", 0, 1, 0, 3072, 768},
        {"dY.W   %dx768x3072 (mlp down, dX)", 0, 0, 0, 768, 3072},
        {"dY^T.X 768x2304x%d (dW)", 1, 0, 768, 2304, 0}};
    static char shape_names[4][64];
    bench_row rows[16];
    int n_rows = 0, i, json, batch, classes, views, gemm_rows;
    double min_s, peak, t0, work, el;
    opts o;
    long reps;
    pm_model *m = NULL;
    parse_opts(&o, "bench", "[--model FILE] [options]",
               "Time the heavy workloads (matrix products on ViT shapes, image and text forward, "
               "one PromptMargin training step) and print GFLOP/s, the share of this machine's "
               "measured peak and the peak resident memory.", specs, argc, argv, 2);
    if (o.n_pos) die_usage("bench", "unexpected argument '%s'", o.pos[0]);
    json = opt_flag(&o, "json");
    batch = (int)opt_int(&o, "batch", 1, 4096);
    classes = (int)opt_int(&o, "classes", 1, 4096);
    views = (int)opt_int(&o, "views", 0, 1 << 16);
    gemm_rows = (int)opt_int(&o, "gemm-rows", 1, 1 << 20);
    min_s = opt_num(&o, "seconds", 0.0, 1, HUGE_VAL);
    if (opt_str(&o, "model")) m = load_model(opt_str(&o, "model"));
    /* the peak: the kernel alone on cache-resident tiles, on every thread */
    for (reps = 1000, el = 0.0; el < 0.3; reps *= 4) {
        t0 = wall_seconds();
        work = pm_gemm_peak_work(reps);
        el = wall_seconds() - t0;
    }
    peak = work / el / 1e9;
    if (!json)
        printf("machine: %s kernel, %d thread%s, peak %.1f GFLOP/s (the kernel alone on "
               "cache-resident data)\n\n%-44s %9s %9s %7s %9s\n", pm_gemm_kernel_name(),
               pm_get_threads(), pm_get_threads() == 1 ? "" : "s", peak, "workload",
               "seconds", "GFLOP/s", "% peak", "peak MB");
#define BENCH_ROW(nm, secs, fl)                                                                 \
    do {                                                                                      \
        bench_row *r_ = &rows[n_rows++];                                                      \
        r_->name = (nm), r_->seconds = (secs), r_->flops = (fl), r_->rss = peak_rss_mb();     \
        if (!json)                                                                            \
            printf("%-44s %9.4f %9.1f %6.1f%% %9.0f\n", r_->name, r_->seconds,                \
                   r_->flops / r_->seconds / 1e9, 100.0 * r_->flops / r_->seconds / 1e9 / peak, \
                   r_->rss);                                                                  \
        fflush(stdout);                                                                       \
    } while (0)
    for (i = 0; i < (int)(sizeof(shapes) / sizeof(shapes[0])); i++) {
        int M = shapes[i].M ? shapes[i].M : gemm_rows, N = shapes[i].N, n = 0;
        int K = shapes[i].K ? shapes[i].K : gemm_rows;
        float *A = bench_random((size_t)M * K, 1), *B = bench_random((size_t)K * N, 2);
        float *C = (float *)xmalloc(sizeof(float) * (size_t)M * N);
        pm_gemm(shapes[i].ta, shapes[i].tb, M, N, K, 1.0f, A, shapes[i].ta ? M : K, B,
                shapes[i].tb ? K : N, 0.0f, C, N); /* warm-up */
        t0 = wall_seconds();
        do {
            pm_gemm(shapes[i].ta, shapes[i].tb, M, N, K, 1.0f, A, shapes[i].ta ? M : K, B,
                    shapes[i].tb ? K : N, 0.0f, C, N);
            n++;
        } while ((el = wall_seconds() - t0) < min_s);
        snprintf(shape_names[i], sizeof(shape_names[i]), "gemm ");
        snprintf(shape_names[i] + 5, sizeof(shape_names[i]) - 5, shapes[i].what, gemm_rows);
        BENCH_ROW(shape_names[i], el / n, 2.0 * M * N * K);
        free(A), free(B), free(C);
    }
    if (m) {
        const pm_model_info *mi = pm_model_get_info(m);
        int S = mi->image_size, G = S / mi->patch_size, T = G * G + 1, b, n, D = mi->embed_dim;
        double patch = 2.0 * G * G * 3.0 * mi->patch_size * mi->patch_size * mi->vision_width;
        double img1 = patch + tower_flops(T, mi->vision_width, mi->vision_mlp, mi->vision_layers, 0);
        double txt1 = 0.0; /* set below: the text tower runs up to the longest prompt's end */
        int L = 1;
        static char names[4][64];
        float *px = bench_random((size_t)3 * S * S * batch, 3);
        float *feat = (float *)xmalloc(sizeof(float) * (size_t)(batch > classes ? batch : classes) * D);
        int32_t *ids = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)classes * mi->context_length);
        if (!mi->has_vision || !mi->has_text) die("bench needs a model with both towers");
        for (i = 0; i < classes; i++) {
            char text[64];
            snprintf(text, sizeof(text), "a photo of a class %d.", i);
            int eot = pm_tokenize(m, text, ids + (size_t)i * mi->context_length);
            if (eot < 0) die("%s", pm_last_error());
            L = eot + 1 > L ? eot + 1 : L;
        }
        txt1 = tower_flops(L, mi->text_width, mi->text_mlp, mi->text_layers, 0);
        for (b = 0; b < 2; b++) {
            int nb = b ? batch : 1;
            snprintf(names[b], sizeof(names[b]), "image forward, batch %d", nb);
            if (pm_encode_images(m, nb, px, feat)) die("%s", pm_last_error()); /* warm-up */
            n = 0, t0 = wall_seconds();
            do {
                if (pm_encode_images(m, nb, px, feat)) die("%s", pm_last_error());
                n++;
            } while ((el = wall_seconds() - t0) < min_s);
            BENCH_ROW(names[b], el / n, img1 * nb);
        }
        snprintf(names[2], sizeof(names[2]), "text forward, %d class prompts", classes);
        if (pm_encode_texts(m, classes, ids, feat)) die("%s", pm_last_error()); /* warm-up */
        n = 0, t0 = wall_seconds();
        do {
            if (pm_encode_texts(m, classes, ids, feat)) die("%s", pm_last_error());
            n++;
        } while ((el = wall_seconds() - t0) < min_s);
        BENCH_ROW(names[2], el / n, txt1 * classes);
        if (views > 0) { /* one PromptMargin step: deep prompts, forward + backward + update of
                            `views` views (the mean of steps 2 and 3) */
            const char **cls = (const char **)xmalloc(sizeof(char *) * (size_t)classes);
            char (*cn)[32] = (char (*)[32])xmalloc(32 * (size_t)classes);
            int depth = mi->vision_layers < mi->text_layers ? mi->vision_layers : mi->text_layers;
            int *lab = (int *)xmalloc(sizeof(int) * (size_t)views), n_ctx = 2;
            float *vpx = bench_random((size_t)3 * S * S * views, 4);
            pm_train_desc d;
            bench_steps bs;
            pm_prompts *p;
            double Tv = T + n_ctx, step_flops;
            for (i = 0; i < classes; i++) snprintf(cn[i], 32, "class %d", i), cls[i] = cn[i];
            for (i = 0; i < views; i++) lab[i] = i % classes;
            p = pm_prompts_create(m, PM_METHOD_PROMPTMARGIN, n_ctx, depth < 9 ? depth : 9,
                                  classes, cls, 1);
            if (!p) die("%s", pm_last_error());
            memset(&d, 0, sizeof(d));
            memset(&bs, 0, sizeof(bs));
            d.steps = 3, d.on_step = bench_on_step, d.user = &bs;
            if (pm_prompts_train(m, p, views, vpx, lab, &d)) die("%s", pm_last_error());
            step_flops = views * (tower_flops(Tv, mi->vision_width, mi->vision_mlp,
                                              mi->vision_layers, 0) +
                                  tower_flops(Tv, mi->vision_width, mi->vision_mlp,
                                              mi->vision_layers, 1)) +
                         classes * (tower_flops(L, mi->text_width,
                                                mi->text_mlp, mi->text_layers, 0) +
                                    tower_flops(L, mi->text_width,
                                                mi->text_mlp, mi->text_layers, 1));
            snprintf(names[3], sizeof(names[3]), "PromptMargin step, %d views, depth %d", views,
                     depth < 9 ? depth : 9);
            BENCH_ROW(names[3], (bs.t[3] - bs.t[1]) / 2.0, step_flops);
            pm_prompts_free(p);
            free((void *)cls), free(cn), free(lab), free(vpx);
        }
        free(px), free(feat), free(ids);
        pm_model_free(m);
    }
#undef BENCH_ROW
    if (json) {
        printf("{\"kernel\": \"%s\", \"threads\": %d, \"peak_gflops\": %.2f, \"results\": [",
               pm_gemm_kernel_name(), pm_get_threads(), peak);
        for (i = 0; i < n_rows; i++) {
            printf("%s{\"workload\": ", i ? ", " : "");
            json_string(stdout, rows[i].name);
            printf(", \"seconds\": %.6f, \"gflop\": %.3f, \"gflops\": %.2f, \"pct_peak\": %.1f, "
                   "\"peak_rss_mb\": %.0f}", rows[i].seconds, rows[i].flops / 1e9,
                   rows[i].flops / rows[i].seconds / 1e9,
                   100.0 * rows[i].flops / rows[i].seconds / 1e9 / peak, rows[i].rss);
        }
        printf("]}\n");
    } else {
        printf("\nGFLOP/s count 2 x multiply-adds; the training step's are estimated (forward, "
               "input-gradient backward). peak MB: the process's peak resident memory so far.\n");
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
   main
   ------------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------------
   shapes, pretrain: generated caption-image data (examples/shapes.h) and a CLIP trained on it
   ------------------------------------------------------------------------------------------ */

/* mkdir -p: create a folder and its missing parents. 0, or -1 with errno set. */
static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t i, n = strlen(path);
    if (n == 0 || n >= sizeof(buf)) return -1;
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\\' && buf[i] != 0) continue;
        buf[i] = 0;
        if (CLI_MKDIR(buf) != 0 && errno != EEXIST) return -1;
        buf[i] = path[i];
    }
    return 0;
}

/* The classes of a shapes domain as a dataset: written to dir/<domain> as an ImageFolder. */
static void write_shapes_domain(const char *dir, int d, int per_class, int size, uint64_t seed)
{
    char path[4096], err[512];
    const char *name = shapes_domain_name(d);
    if (!name) die("no shapes domain %d", d);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (shapes_write_domain(path, d, per_class, size, seed, err, sizeof(err)))
        die("%s", err);
}

static int cmd_shapes(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"out", "DIR", NULL, "write DIR/<domain>/<class>/NNNN.ppm (required)"},
        {"domains", "LIST", "clean,noisy,sketch,palette,novel", "comma-separated domains"},
        {"per-class", "N", "40", "images per class"},
        {"size", "PX", "64", "image width and height"},
        {"seed", "S", "1", "image i of a class is the same for the same seed"},
        {"captions", "N", "0", "also write N caption-image pairs of the pretraining stream "
                               "to DIR/captions/ (NNNN.ppm, and captions.txt)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    char **names, *buf, path[4096], err[512];
    int n, i, per_class, size, n_cap;
    uint64_t seed;
    parse_opts(&o, "shapes", "--out DIR [options]",
               "Write the few-shot target domains of the generated shapes world (examples/"
               "shapes.h) as ImageFolder datasets: 'clean' is the pretraining distribution, "
               "'noisy', 'sketch' and 'palette' shift its pictures, 'novel' shows shapes no "
               "caption ever named, under made-up class names.",
               specs, argc, argv, 2);
    if (o.n_pos) die_usage("shapes", "unexpected argument '%s'", o.pos[0]);
    per_class = (int)opt_int(&o, "per-class", 1, 100000);
    size = (int)opt_int(&o, "size", 16, SHAPES_MAX_SIZE);
    seed = (uint64_t)opt_int(&o, "seed", 0, 2147483647L);
    n_cap = (int)opt_int(&o, "captions", 0, 1000000);
    n = split_list("shapes", opt_str(&o, "domains"), &names, &buf);
    for (i = 0; i < n; i++)
        if (shapes_domain_lookup(names[i]) < 0)
            die_usage("shapes", "unknown domain '%s' (clean, noisy, sketch, palette, novel)",
                      names[i]);
    if (mkdir_p(opt_required(&o, "out"))) die("cannot create '%s'", opt_str(&o, "out"));
    for (i = 0; i < n; i++) {
        int d = shapes_domain_lookup(names[i]);
        write_shapes_domain(opt_required(&o, "out"), d, per_class, size, seed);
        printf("%s/%s: %d classes x %d images\n", opt_str(&o, "out"), names[i],
               shapes_domain_num_classes(d), per_class);
    }
    if (n_cap > 0) {
        unsigned char *rgb = (unsigned char *)xmalloc((size_t)size * size * 3);
        char caption[SHAPES_CAPTION_MAX], tmp[4200], final[4200];
        FILE *f;
        snprintf(path, sizeof(path), "%s/captions", opt_str(&o, "out"));
        if (mkdir_p(path)) die("cannot create '%s'", path);
        snprintf(tmp, sizeof(tmp), "%s/captions.txt.tmp", path);
        for (i = 0; i < n_cap; i++) {
            char file[4200];
            shapes_caption_sample(seed, (uint64_t)i, size, size, rgb, caption, sizeof(caption));
            snprintf(file, sizeof(file), "%s/%04d.ppm", path, i);
            if (shapes_write_ppm(file, size, size, rgb, err, sizeof(err))) die("%s", err);
        }
        f = fopen(tmp, "w");
        if (!f) die("cannot create '%s'", tmp);
        for (i = 0; i < n_cap; i++) {
            shapes_caption_sample(seed, (uint64_t)i, size, size, NULL, caption, sizeof(caption));
            fprintf(f, "%04d.ppm\t%s\n", i, caption);
        }
        snprintf(final, sizeof(final), "%s/captions.txt", path);
        if (fclose(f) != 0 || pm__replace_file(tmp, final) != 0) die("cannot write '%s'", final);
        printf("%s: %d caption-image pairs (captions.txt)\n", path, n_cap);
        free(rgb);
    }
    free(names), free(buf);
    return 0;
}

/* A batch of generated pairs [first, first + n) of stream `seed`: drawn at `render` pixels,
   then preprocessed like any image file; captions tokenized. */
static void shapes_batch(pm_model *m, uint64_t seed, uint64_t first, int n, int render,
                         float *pixels, int32_t *ids, char (*captions)[SHAPES_CAPTION_MAX])
{
    const pm_model_info *mi = pm_model_get_info(m);
    size_t S2 = (size_t)3 * mi->image_size * mi->image_size;
    unsigned char *rgb = (unsigned char *)xmalloc((size_t)render * render * 3);
    char caption[SHAPES_CAPTION_MAX];
    int i;
    for (i = 0; i < n; i++) {
        shapes_caption_sample(seed, first + (uint64_t)i, render, render, rgb, caption,
                              sizeof(caption));
        if (pm_preprocess(m, rgb, render, render, PM_PREPROCESS_CLIP, pixels + (size_t)i * S2) ||
            pm_tokenize(m, caption, ids + (size_t)i * mi->context_length) < 0)
            die("%s", pm_last_error());
        if (captions) memcpy(captions[i], caption, sizeof(caption));
    }
    free(rgb);
}

/* How well a model knows the shapes world: image -> text retrieval among n held-out pairs
   (chance 1/n), and zero-shot shape classification of clean-domain images with the prompts
   "a photo of a {shape}." (chance 1/classes). */
typedef struct {
    int n_pairs, n_images, n_classes;
    double retrieval, zeroshot;
} shapes_eval;

static void evaluate_shapes(pm_model *m, uint64_t seed, int n, int render, shapes_eval *ev)
{
    const pm_model_info *mi = pm_model_get_info(m);
    int D = mi->embed_dim, S = mi->image_size, ctx = mi->context_length, i, j, c, hits = 0;
    int d = shapes_domain_lookup("clean"), nc = shapes_domain_num_classes(d), per = 20;
    float *px = (float *)xmalloc(sizeof(float) * 3 * S * S * (size_t)(n > per * nc ? n : per * nc));
    float *img = (float *)xmalloc(sizeof(float) * (size_t)(n > per * nc ? n : per * nc) * D);
    float *txt = (float *)xmalloc(sizeof(float) * (size_t)(n > nc ? n : nc) * D);
    int32_t *ids = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)(n > nc ? n : nc) * ctx);
    unsigned char *rgb = (unsigned char *)xmalloc((size_t)render * render * 3);
    memset(ev, 0, sizeof(*ev));
    shapes_batch(m, seed, 0, n, render, px, ids, NULL);
    if (pm_encode_images(m, n, px, img) || pm_encode_texts(m, n, ids, txt)) die("%s", pm_last_error());
    pm_normalize_rows(n, D, img), pm_normalize_rows(n, D, txt);
    for (i = 0; i < n; i++) {
        int best = 0;
        double bs = -2.0;
        for (j = 0; j < n; j++) {
            double s = 0.0;
            for (c = 0; c < D; c++) s += (double)img[(size_t)i * D + c] * txt[(size_t)j * D + c];
            if (s > bs) bs = s, best = j;
        }
        hits += best == i;
    }
    ev->n_pairs = n, ev->retrieval = (double)hits / n;
    for (c = 0; c < nc; c++) {
        char text[256];
        snprintf(text, sizeof(text), "a photo of a %s.", shapes_domain_class(d, c));
        if (pm_tokenize(m, text, ids + (size_t)c * ctx) < 0) die("%s", pm_last_error());
        for (i = 0; i < per; i++) {
            shapes_domain_sample(d, c, seed, (uint64_t)i, render, render, rgb);
            if (pm_preprocess(m, rgb, render, render, PM_PREPROCESS_CLIP,
                              px + (size_t)(c * per + i) * 3 * S * S))
                die("%s", pm_last_error());
        }
    }
    if (pm_encode_images(m, nc * per, px, img) || pm_encode_texts(m, nc, ids, txt))
        die("%s", pm_last_error());
    pm_normalize_rows(nc * per, D, img), pm_normalize_rows(nc, D, txt);
    for (hits = 0, i = 0; i < nc * per; i++) {
        int best = 0;
        double bs = -2.0;
        for (j = 0; j < nc; j++) {
            double s = 0.0;
            for (c = 0; c < D; c++) s += (double)img[(size_t)i * D + c] * txt[(size_t)j * D + c];
            if (s > bs) bs = s, best = j;
        }
        hits += best == i / per;
    }
    ev->n_images = nc * per, ev->n_classes = nc, ev->zeroshot = (double)hits / (nc * per);
    free(px), free(img), free(txt), free(ids), free(rgb);
}

/* Checkpoints: DIR/model-NNNNNNNN.pmc (f32) and DIR/optim-NNNNNNNN.safetensors, then
   DIR/latest naming the step, replaced last: an interrupted save leaves the previous pair. */
static long checkpoint_latest(const char *dir)
{
    char path[4096];
    long step = -1;
    FILE *f;
    snprintf(path, sizeof(path), "%s/latest", dir);
    f = fopen(path, "r");
    if (!f) return -1;
    if (fscanf(f, "%ld", &step) != 1) step = -1;
    fclose(f);
    return step;
}

static void checkpoint_save(const char *dir, pm_model *m, pm_clip_trainer *t, long old)
{
    char model[4096], optim[4096], latest[4096], tmp[4200];
    long step = pm_clip_trainer_steps(t);
    FILE *f;
    snprintf(model, sizeof(model), "%s/model-%08ld.pmc", dir, step);
    snprintf(optim, sizeof(optim), "%s/optim-%08ld.safetensors", dir, step);
    if (pm_model_save(m, model, PM_DTYPE_F32) || pm_clip_trainer_save(t, optim))
        die("checkpoint: %s", pm_last_error());
    snprintf(latest, sizeof(latest), "%s/latest", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", latest);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%ld\n", step) < 0 || fclose(f) != 0 || pm__replace_file(tmp, latest))
        die("cannot write '%s'", latest);
    if (old >= 0 && old != step) {
        snprintf(model, sizeof(model), "%s/model-%08ld.pmc", dir, old);
        snprintf(optim, sizeof(optim), "%s/optim-%08ld.safetensors", dir, old);
        remove(model), remove(optim);
    }
}

static int cmd_pretrain(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"out", "FILE", NULL, "the trained model (.pmc) (required)"},
        {"dtype", "f32|f16|bf16", "f16", "storage of the weights in --out"},
        {"steps", "N", "2000", "AdamW steps"},
        {"batch", "B", "128", "caption-image pairs per step"},
        {"lr", "X", "0.001", "peak learning rate (linear warm-up, then cosine to 0)"},
        {"warmup", "N", "150", "warm-up steps"},
        {"weight-decay", "X", "0.2", "AdamW weight decay of the matrices"},
        {"seed", "S", "1", "initial weights and the pair stream (pair i of seed S is fixed)"},
        {"image-size", "PX", "48", "model input size"},
        {"render", "PX", "64", "pictures are drawn at this size, then preprocessed like files"},
        {"patch", "PX", "8", "patch size"},
        {"width", "N", "128", "image tower width"},
        {"layers", "N", "4", "image tower layers"},
        {"heads", "N", "4", "image tower heads"},
        {"text-width", "N", "128", "text tower width"},
        {"text-layers", "N", "4", "text tower layers"},
        {"text-heads", "N", "4", "text tower heads"},
        {"context", "N", "32", "tokens per text"},
        {"embed", "N", "128", "joint embedding width"},
        {"merges", "N", "500", "BPE merges learned from the captions (fewer if the words run out)"},
        {"bpe-captions", "N", "20000", "captions the merges are learned from"},
        {"checkpoint", "DIR", NULL, "save the model and optimiser state in DIR every --every steps"},
        {"every", "N", "250", "steps between checkpoints"},
        {"resume", NULL, NULL, "continue from the latest checkpoint in --checkpoint DIR"},
        {"stop-after", "N", NULL, "stop at step N with a checkpoint (the schedule still "
                                  "follows --steps): training in several runs"},
        {"eval", "N", "500", "held-out pairs for the final evaluation"},
        {"memory-mb", "MB", "2048", "activations kept at once (beyond: recomputed in chunks)"},
        {"json", NULL, NULL, "print the final evaluation as JSON"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    opts o;
    pm_model *m = NULL, *saved;
    pm_model_info cfg;
    pm_clip_trainer *t;
    pm_clip_train_desc d;
    pm_clip_step_stats st;
    shapes_eval ev;
    const char *out, *dir, *ds;
    double lr, wd, loss_avg = 0.0, acc_avg = 0.0;
    long steps, warmup, every, old = -1, step, first, stop;
    int batch, render, dtype, json;
    uint64_t seed;
    float *px;
    int32_t *ids;
    time_t start = time(NULL), last = 0;
    parse_opts(&o, "pretrain", "--out FILE [options]",
               "Train a small CLIP from scratch, both towers and every weight, on generated "
               "caption-image pairs (examples/shapes.h): CLIP's contrastive loss, AdamW, its own "
               "BPE merges learned from the captions. Ends with an evaluation on held-out pairs. "
               "The defaults are the recipe of weights/shapes-vit-tiny.pmc.",
               specs, argc, argv, 2);
    if (o.n_pos) die_usage("pretrain", "unexpected argument '%s'", o.pos[0]);
    out = opt_required(&o, "out");
    ds = opt_str(&o, "dtype");
    dtype = !strcmp(ds, "f32") ? PM_DTYPE_F32 : !strcmp(ds, "f16") ? PM_DTYPE_F16
          : !strcmp(ds, "bf16") ? PM_DTYPE_BF16 : -1;
    if (dtype < 0) die_usage("pretrain", "--dtype must be f32, f16 or bf16 (got '%s')", ds);
    steps = opt_int(&o, "steps", 1, 100000000L);
    batch = (int)opt_int(&o, "batch", 2, 65536);
    warmup = opt_int(&o, "warmup", 0, 100000000L);
    every = opt_int(&o, "every", 1, 100000000L);
    render = (int)opt_int(&o, "render", 16, SHAPES_MAX_SIZE);
    seed = (uint64_t)opt_int(&o, "seed", 0, 2147483647L);
    json = opt_flag(&o, "json");
    lr = opt_num(&o, "lr", 0.0, 1, HUGE_VAL), wd = opt_num(&o, "weight-decay", 0.0, 0, HUGE_VAL);
    { /* the output must be writable before any training time is spent */
        char tmp[4200];
        FILE *f;
        snprintf(tmp, sizeof(tmp), "%s.tmp", out);
        if (!(f = fopen(tmp, "wb"))) die("cannot create '%s': %s", tmp, strerror(errno));
        fclose(f);
        remove(tmp);
    }
    dir = opt_str(&o, "checkpoint");
    if (opt_flag(&o, "resume") && !dir) die_usage("pretrain", "--resume needs --checkpoint DIR");
    if (dir && mkdir_p(dir)) die("cannot create '%s': %s", dir, strerror(errno));
    if (dir && opt_flag(&o, "resume") && (old = checkpoint_latest(dir)) >= 0) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/model-%08ld.pmc", dir, old);
        m = load_model(path);
    } else {
        char **texts, *merges;
        size_t len;
        int i, n_bpe = (int)opt_int(&o, "bpe-captions", 1, 10000000), n_merges;
        texts = (char **)xmalloc(sizeof(char *) * (size_t)n_bpe);
        memset(texts, 0, sizeof(char *) * (size_t)n_bpe);
        for (i = 0; i < n_bpe; i++) { /* the merges come from captions never trained on */
            texts[i] = (char *)xmalloc(SHAPES_CAPTION_MAX);
            shapes_caption_sample(pm_derive_seed(seed, 2, 0), (uint64_t)i, 16, 16, NULL, texts[i],
                                  SHAPES_CAPTION_MAX);
        }
        merges = pm_bpe_train(n_bpe, (const char *const *)texts, (int)opt_int(&o, "merges", 0, 1000000),
                              2, &len, &n_merges);
        if (!merges) die("%s", pm_last_error());
        for (i = 0; i < n_bpe; i++) free(texts[i]);
        free(texts);
        memset(&cfg, 0, sizeof(cfg));
        cfg.image_size = (int)opt_int(&o, "image-size", 8, 4096);
        cfg.patch_size = (int)opt_int(&o, "patch", 1, 4096);
        cfg.vision_width = (int)opt_int(&o, "width", 1, 65536);
        cfg.vision_layers = (int)opt_int(&o, "layers", 1, 1024);
        cfg.vision_heads = (int)opt_int(&o, "heads", 1, 65536);
        cfg.vision_mlp = 4 * cfg.vision_width;
        cfg.text_width = (int)opt_int(&o, "text-width", 1, 65536);
        cfg.text_layers = (int)opt_int(&o, "text-layers", 1, 1024);
        cfg.text_heads = (int)opt_int(&o, "text-heads", 1, 65536);
        cfg.text_mlp = 4 * cfg.text_width;
        cfg.context_length = (int)opt_int(&o, "context", 4, 65536);
        cfg.embed_dim = (int)opt_int(&o, "embed", 1, 65536);
        cfg.act = PM_ACT_QUICK_GELU;
        m = pm_model_create(&cfg, merges, len, seed);
        pm_free(merges);
        if (!m) die("%s", pm_last_error());
        fprintf(stderr, "pretrain: %d BPE merges from %d captions; image %d px, patch %d, "
                        "width %d x %d layers; text width %d x %d layers; %d tensors\n",
                n_merges, n_bpe, cfg.image_size, cfg.patch_size, cfg.vision_width,
                cfg.vision_layers, cfg.text_width, cfg.text_layers,
                pm_model_get_info(m)->n_tensors);
    }
    memset(&d, 0, sizeof(d));
    d.weight_decay = wd > 0.0 ? (float)wd : -1.0f;
    d.memory_mb = opt_num(&o, "memory-mb", 0.0, 1, HUGE_VAL);
    t = pm_clip_trainer_create(m, &d);
    if (!t) die("%s", pm_last_error());
    if (old >= 0) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/optim-%08ld.safetensors", dir, old);
        if (pm_clip_trainer_load(t, path)) die("%s", pm_last_error());
        fprintf(stderr, "pretrain: resuming at step %ld from %s\n", old, dir);
    } else if (dir) {
        /* a fresh run: make sure the directory is usable before any work */
        checkpoint_save(dir, m, t, -1);
        old = 0;
    }
    {
        const pm_model_info *mi = pm_model_get_info(m);
        px = (float *)xmalloc(sizeof(float) * 3 * (size_t)mi->image_size * mi->image_size * batch);
        ids = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)mi->context_length * batch);
    }
    first = pm_clip_trainer_steps(t);
    stop = opt_str(&o, "stop-after") ? opt_int(&o, "stop-after", 1, steps) : steps;
    if (stop < steps && !dir) die_usage("pretrain", "--stop-after needs --checkpoint DIR");
    for (step = first; step < stop; step++) {
        double rate = step < warmup ? lr * (step + 1) / (double)warmup
                    : lr * 0.5 * (1.0 + cos(3.14159265358979 * (double)(step - warmup) /
                                              (double)(steps - warmup > 0 ? steps - warmup : 1)));
        time_t now;
        shapes_batch(m, seed, (uint64_t)step * (uint64_t)batch, batch, render, px, ids, NULL);
        if (pm_clip_train_step(t, batch, px, ids, (float)rate, &st))
            die("step %ld: %s", step + 1, pm_last_error());
        loss_avg = step == first ? st.loss : 0.95 * loss_avg + 0.05 * st.loss;
        acc_avg = step == first ? 0.5 * (st.acc_i2t + st.acc_t2i)
                                : 0.95 * acc_avg + 0.05 * 0.5 * (st.acc_i2t + st.acc_t2i);
        if (dir && (step + 1) % every == 0 && step + 1 < stop) {
            checkpoint_save(dir, m, t, old);
            old = step + 1;
        }
        now = time(NULL);
        if (difftime(now, last) >= 1.0 || step + 1 == steps) {
            double el = difftime(now, start);
            last = now;
            fprintf(stderr, "\rpretrain: step %ld/%ld, loss %.3f, in-batch accuracy %.2f, "
                            "scale %.1f, lr %.2e", step + 1, steps, loss_avg, acc_avg, st.scale,
                    rate);
            if (step + 1 < steps && el >= 1.0)
                fprintf(stderr, ", about %.0f s left   ",
                        el * (double)(steps - step - 1) / (double)(step + 1 - first));
            else
                fprintf(stderr, ", %.0f s           ", el);
            g_line_open = 1;
            fflush(stderr);
        }
    }
    if (g_line_open) fprintf(stderr, "\n"), g_line_open = 0;
    if (stop < steps) {
        if (pm_clip_trainer_steps(t) > old) checkpoint_save(dir, m, t, old);
        printf("stopped at step %ld of %ld; continue with --resume --checkpoint %s\n",
               pm_clip_trainer_steps(t), steps, dir);
        pm_clip_trainer_free(t);
        pm_model_free(m);
        free(px), free(ids);
        return 0;
    }
    if (pm_model_save(m, out, dtype)) die("%s", pm_last_error());
    if (dir) checkpoint_save(dir, m, t, old);
    pm_clip_trainer_free(t);
    pm_model_free(m);
    free(px), free(ids);
    /* the evaluation is of the file as written (its dtype included) */
    saved = load_model(out);
    evaluate_shapes(saved, pm_derive_seed(seed, 3, 0), (int)opt_int(&o, "eval", 2, 100000),
                    render, &ev);
    if (json)
        printf("{\"model\":\"%s\",\"steps\":%ld,\"retrieval\":%.4f,\"retrieval_pairs\":%d,"
               "\"zeroshot\":%.4f,\"zeroshot_images\":%d,\"zeroshot_classes\":%d,"
               "\"seconds\":%.0f}\n", out, steps, ev.retrieval, ev.n_pairs, ev.zeroshot,
               ev.n_images, ev.n_classes, difftime(time(NULL), start));
    else
        printf("%s: image->text retrieval among %d held-out pairs %.1f%% (chance %.1f%%); "
               "zero-shot shape classification of %d clean images, %d classes, %.1f%% "
               "(chance %.1f%%)\n", out, ev.n_pairs, 100.0 * ev.retrieval, 100.0 / ev.n_pairs,
               ev.n_images, ev.n_classes, 100.0 * ev.zeroshot, 100.0 / ev.n_classes);
    pm_model_free(saved);
    return 0;
}

/* ------------------------------------------------------------------------------------------
   grid: every (domain, shots, method) cell of a few-shot benchmark, then one table
   ------------------------------------------------------------------------------------------ */

/* The episodes of one cell, read from its file (and its shard files), sorted by index with
   duplicates dropped. */
static int grid_cell_read(const char *dir, const char *dom, int shots, const char *method,
                          int shard_n, episode_result **r, int *cap)
{
    char path[4096];
    int n = 0, dropped = 0, i, k = 0;
    snprintf(path, sizeof(path), "%s/%s-%dshot-%s.jsonl", dir, dom, shots, method);
    read_episode_file(path, r, &n, cap, &dropped);
    for (i = 0; shard_n > 1 && i < shard_n; i++) {
        snprintf(path, sizeof(path), "%s/%s-%dshot-%s.shard%dof%d.jsonl", dir, dom, shots, method,
                 i, shard_n);
        read_episode_file(path, r, &n, cap, &dropped);
    }
    if (n) qsort(*r, (size_t)n, sizeof(episode_result), cmp_episode);
    for (i = 0; i < n; i++)
        if (!k || (*r)[k - 1].index != (*r)[i].index) (*r)[k++] = (*r)[i];
    return k;
}

/* How a method is written in tables. */
static const char *method_title(const char *name)
{
    switch (pm_method_parse(name)) {
    case PM_METHOD_ZEROSHOT: return "zero-shot";
    case PM_METHOD_COOP: return "CoOp";
    case PM_METHOD_MAPLE: return "MaPLe";
    case PM_METHOD_PROMPTMARGIN: return "PromptMargin";
    default: return name;
    }
}

/* A cell of per-episode accuracies into buf: "mean ± ci" in percent for the table, or for
   JSON {"episodes", "mean", "ci95"} as fractions (as `merge --json` gives them); "-" or null
   when there is none. */
static void grid_format(char *buf, size_t cap, int n, const double *acc, int json)
{
    pm_summary s;
    if (n == 0) {
        snprintf(buf, cap, json ? "null" : "-");
        return;
    }
    pm_summarize(n, acc, &s);
    if (json)
        snprintf(buf, cap, "{\"episodes\": %d, \"mean\": %.6f, \"ci95\": %.6f}", n, s.mean,
                 s.ci95);
    else snprintf(buf, cap, "%.1f ± %.1f", 100.0 * s.mean, 100.0 * s.ci95);
}

static int cmd_grid(int argc, char **argv)
{
    static const opt_spec specs[] = {
        {"model", "FILE", NULL, "model file (.pmc) (required)"},
        {"data", "DIR", NULL, "a folder holding one ImageFolder dataset per domain (required)"},
        {"domains", "LIST", "clean,noisy,sketch,palette,novel", "comma-separated domain folders"},
        {"shots", "LIST", "1,5", "support images per class, one column group each"},
        {"methods", "LIST", "coop,maple,promptmargin", "tuned methods (zero-shot comes with "
                                                         "every episode line)"},
        {"ways", "N", "5", "classes per episode"},
        {"queries", "Q", "15", "query images per class"},
        {"episodes", "E", "600", "episodes per cell"},
        {"seed", "S", "0", "episode i of seed S is the same in every cell and on every machine"},
        {"shard", "i/n", "0/1", "run only the episodes with index % n == i (files per shard)"},
        {"out", "DIR", NULL, "one episode file per cell here; an interrupted run resumes (required)"},
        {"table-only", NULL, NULL, "run nothing: print the table of what DIR holds"},
        EPISODE_TRAINING_SPECS,
        {"json", NULL, NULL, "print the table as JSON lines, one per (domain, shots) row; each "
                             "cell {episodes, mean, ci95} as fractions, null if empty"},
        {"threads", "N", "0", "threads to use; 0: one per CPU (results are identical for any count)"},
        {NULL, NULL, NULL, NULL}};
    static const char *pass[] = {"ways", "queries", "episodes", "seed", "shard", "steps", "lr",
                                 "views", "keep", "n-ctx", "depth", "memory-mb", "threads"};
    opts o;
    char **doms, **shot_list, **meths, *b1, *b2, *b3, path[4096];
    int nd, ns, nm, di, si, mi, i, shard_i = 0, shard_n = 1, cap = 0, json;
    episode_result *r = NULL;
    const char *dir;
    time_t start = time(NULL);
    parse_opts(&o, "grid", "--model FILE --data DIR --out DIR [options]",
               "Run the few-shot benchmark over every domain, shot count and method (the same "
               "seeded episodes in every cell), then print one table: mean accuracy with its 95% "
               "confidence interval, zero-shot CLIP on the same queries, and PromptMargin "
               "minus MaPLe paired by episode.",
               specs, argc, argv, 2);
    if (o.n_pos) die_usage("grid", "unexpected argument '%s'", o.pos[0]);
    dir = opt_required(&o, "out");
    json = opt_flag(&o, "json");
    if (sscanf(opt_str(&o, "shard"), "%d/%d", &shard_i, &shard_n) != 2 || shard_n < 1 ||
        shard_i < 0 || shard_i >= shard_n)
        die_usage("grid", "--shard must be i/n with 0 <= i < n (got '%s')", opt_str(&o, "shard"));
    nd = split_list("grid", opt_str(&o, "domains"), &doms, &b1);
    ns = split_list("grid", opt_str(&o, "shots"), &shot_list, &b2);
    nm = split_list("grid", opt_str(&o, "methods"), &meths, &b3);
    for (i = 0; i < nm; i++)
        if (pm_method_parse(meths[i]) < 0)
            die_usage("grid", "unknown method '%s' (zeroshot, coop, maple, promptmargin)",
                      meths[i]);
    for (i = 0; i < ns; i++) {
        long k;
        if (!whole_number(shot_list[i], 1, 1 << 20, &k))
            die_usage("grid", "bad shot count '%s'", shot_list[i]);
    }
    if (!opt_flag(&o, "table-only")) {
        pm_model_free(load_model(opt_required(&o, "model"))); /* refuse a bad model up front */
        for (di = 0; di < nd; di++) { /* ... and a missing domain */
            snprintf(path, sizeof(path), "%s/%s", opt_required(&o, "data"), doms[di]);
            pm_dataset_free(open_dataset(path, NULL, 0));
        }
        if (mkdir_p(dir)) die("cannot create '%s'", dir);
        for (di = 0; di < nd; di++)
            for (si = 0; si < ns; si++)
                for (mi = 0; mi < nm; mi++) {
                    char data[4096], *av[64];
                    int ac = 0, k;
                    snprintf(data, sizeof(data), "%s/%s", opt_str(&o, "data"), doms[di]);
                    if (shard_n > 1)
                        snprintf(path, sizeof(path), "%s/%s-%sshot-%s.shard%dof%d.jsonl", dir,
                                 doms[di], shot_list[si], meths[mi], shard_i, shard_n);
                    else
                        snprintf(path, sizeof(path), "%s/%s-%sshot-%s.jsonl", dir, doms[di],
                                 shot_list[si], meths[mi]);
                    av[ac++] = argv[0], av[ac++] = (char *)"episodes";
                    av[ac++] = (char *)"--model", av[ac++] = (char *)opt_str(&o, "model");
                    av[ac++] = (char *)"--data", av[ac++] = data;
                    av[ac++] = (char *)"--method", av[ac++] = meths[mi];
                    av[ac++] = (char *)"--shots", av[ac++] = shot_list[si];
                    av[ac++] = (char *)"--out", av[ac++] = path;
                    av[ac++] = (char *)"--resume";
                    for (k = 0; k < (int)(sizeof(pass) / sizeof(pass[0])); k++) {
                        static char flag[sizeof(pass) / sizeof(pass[0])][32];
                        if (!opt_str_given(&o, pass[k])) continue; /* episodes' default */
                        snprintf(flag[k], sizeof(flag[k]), "--%s", pass[k]);
                        av[ac++] = flag[k];
                        av[ac++] = (char *)opt_str(&o, pass[k]);
                    }
                    fprintf(stderr, "grid: cell %d of %d: %s, %s-shot, %s (%.0f s so far)\n",
                            (di * ns + si) * nm + mi + 1, nd * ns * nm, doms[di], shot_list[si],
                            meths[mi], difftime(time(NULL), start));
                    cmd_episodes(ac, av);
                }
    }
    /* the table (its settings as the episode files recorded them) */
    if (!json) {
        int ways = (int)opt_int(&o, "ways", 1, 1 << 20);
        int queries = (int)opt_int(&o, "queries", 1, 1 << 20);
        for (di = 0; di < nd * ns; di++)
            if (grid_cell_read(dir, doms[di / ns], atoi(shot_list[di % ns]), meths[0], shard_n,
                               &r, &cap) > 0) {
                ways = r[0].ways, queries = r[0].queries;
                break;
            }
        printf("\n%d-way, %d queries per class: accuracy %% (mean ± 95%% CI over the "
               "episodes)\n\n| domain | shots | episodes | zero-shot |", ways, queries);
        for (mi = 0; mi < nm; mi++) printf(" %s |", method_title(meths[mi]));
        printf(" PromptMargin - MaPLe |\n|---|---|---|---|");
        for (mi = 0; mi <= nm; mi++) printf("---|");
        printf("\n");
    }
    for (di = 0; di < nd; di++)
        for (si = 0; si < ns; si++) {
            int shots = atoi(shot_list[si]), n_first = -1, npm = 0, nmp = 0, j;
            double *acc = NULL, *zs = NULL, *pm_acc = NULL, *mp_acc = NULL;
            long *pm_idx = NULL, *mp_idx = NULL;
            char cell[128];
            if (!json) printf("| %s | %d |", doms[di], shots);
            else printf("{\"domain\": \"%s\", \"shots\": %d", doms[di], shots);
            for (mi = 0; mi < nm; mi++) {
                int n = grid_cell_read(dir, doms[di], shots, meths[mi], shard_n, &r, &cap);
                int method = pm_method_parse(meths[mi]);
                acc = (double *)realloc(acc, sizeof(double) * (size_t)(n + 1));
                for (i = 0; i < n; i++) acc[i] = (double)r[i].correct / r[i].total;
                if (mi == 0) { /* zero-shot on the same queries, from the first method's file */
                    int nz = 0, lo = n, hi = n, k;
                    char count[32];
                    for (k = 1; k < nm; k++) { /* the episodes of the row: a range while the
                                                  cells of a running grid differ */
                        int nk = grid_cell_read(dir, doms[di], shots, meths[k], shard_n, &r, &cap);
                        lo = nk < lo ? nk : lo, hi = nk > hi ? nk : hi;
                    }
                    n = grid_cell_read(dir, doms[di], shots, meths[0], shard_n, &r, &cap);
                    zs = (double *)realloc(zs, sizeof(double) * (size_t)(n + 1));
                    for (i = 0; i < n; i++)
                        if (r[i].zs_correct >= 0) zs[nz++] = (double)r[i].zs_correct / r[i].total;
                    n_first = n;
                    grid_format(cell, sizeof(cell), nz, zs, json);
                    if (lo == hi) snprintf(count, sizeof(count), "%d", n);
                    else snprintf(count, sizeof(count), "%d-%d", lo, hi);
                    if (!json) printf(" %s | %s |", count, cell);
                    else printf(", \"episodes\": %d, \"episodes_max\": %d, \"zeroshot\": %s",
                                lo, hi, cell);
                }
                if (method == PM_METHOD_PROMPTMARGIN || method == PM_METHOD_MAPLE) {
                    double **dst = method == PM_METHOD_PROMPTMARGIN ? &pm_acc : &mp_acc;
                    long **idx = method == PM_METHOD_PROMPTMARGIN ? &pm_idx : &mp_idx;
                    *dst = (double *)xmalloc(sizeof(double) * (size_t)(n + 1));
                    *idx = (long *)xmalloc(sizeof(long) * (size_t)(n + 1));
                    for (i = 0; i < n; i++) (*dst)[i] = acc[i], (*idx)[i] = r[i].index;
                    if (method == PM_METHOD_PROMPTMARGIN) npm = n;
                    else nmp = n;
                }
                grid_format(cell, sizeof(cell), n, acc, json);
                if (!json) printf(" %s |", cell);
                else printf(", \"%s\": %s", meths[mi], cell);
            }
            { /* PromptMargin - MaPLe on the episodes both finished */
                int nb = 0;
                double *diff = (double *)xmalloc(sizeof(double) * (size_t)(npm + 1));
                for (i = 0, j = 0; i < npm && j < nmp;) {
                    if (pm_idx[i] == mp_idx[j]) diff[nb++] = pm_acc[i++] - mp_acc[j++];
                    else if (pm_idx[i] < mp_idx[j]) i++;
                    else j++;
                }
                grid_format(cell, sizeof(cell), nb, diff, json);
                if (!json) printf(" %s |\n", cell);
                else printf(", \"promptmargin_minus_maple\": %s}\n", cell);
                free(diff);
            }
            (void)n_first;
            free(acc), free(zs), free(pm_acc), free(mp_acc), free(pm_idx), free(mp_idx);
        }
    free(r), free(doms), free(shot_list), free(meths), free(b1), free(b2), free(b3);
    return 0;
}

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "show a model file's hyper-parameters and tensors"},
    {"tokenize", cmd_tokenize, "print the CLIP token ids of texts"},
    {"embed", cmd_embed, "embed images and texts into a .npy file"},
    {"zeroshot", cmd_zeroshot, "classify images among class names (zero-shot CLIP)"},
    {"dataset-info", cmd_dataset_info, "list a dataset's classes, counts and unreadable files"},
    {"decode", cmd_decode, "decode an image as the library sees it, write it as PPM"},
    {"tune", cmd_tune, "learn prompts from a small labelled set (PromptMargin, MaPLe, CoOp)"},
    {"predict", cmd_predict, "classify images with learned prompts"},
    {"episodes", cmd_episodes, "run seeded N-way K-shot episodes (--shard, --resume)"},
    {"merge", cmd_merge, "summarise episode files of a sharded run"},
    {"diagnose", cmd_diagnose, "will tuning beat zero-shot here? (from the labelled images)"},
    {"bench", cmd_bench, "time matrix products, forwards and a training step on this machine"},
    {"grid", cmd_grid, "run every domain x shots x method cell of a benchmark, print one table"},
    {"shapes", cmd_shapes, "write the generated shapes domains as ImageFolder datasets"},
    {"pretrain", cmd_pretrain, "train a small CLIP from scratch on generated caption-image pairs"},
    {NULL, NULL, NULL}};

static void usage(FILE *f)
{
    int i;
    fprintf(f, "promptmargin %s: CLIP and few-shot prompt tuning on the CPU\n\n"
               "usage: promptmargin COMMAND [options] (COMMAND --help for its options)\n\n"
               "commands:\n", PM_VERSION_STRING);
    for (i = 0; commands[i].name; i++) fprintf(f, "  %-13s %s\n", commands[i].name,
                                               commands[i].summary);
    fprintf(f, "  %-13s %s\n", "help", "show this list");
}

#ifndef PROMPTMARGIN_CLI_NO_MAIN
int main(int argc, char **argv)
{
    int i;
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    /* training allocates and frees the same large buffers every step: keep them in the heap
       instead of mapping fresh zeroed pages from the kernel each time (a third of the time
       went to page faults) */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("promptmargin %s\n", PM_VERSION_STRING);
        return 0;
    }
    for (i = 0; commands[i].name; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc, argv);
    fprintf(stderr, "promptmargin: error: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
#endif
