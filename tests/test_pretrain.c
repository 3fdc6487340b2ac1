/* Tests of section [14] (pretraining a CLIP: model files written by the library, contrastive
   loss, every weight's gradient, AdamW, checkpoints) against PyTorch: part of
   test_promptmargin.c, which includes this file. tests/fixtures/pretrain holds a batch of 6
   (image, text) pairs and, for the tiny model A trained on it with torch.optim.AdamW in
   float64 (tools/fixtures_pretrain.py), the loss of 3 steps, every gradient of step 1 and
   every weight after step 3. */

#define PRETRAIN_DIR "tests/fixtures/pretrain"

#define SHAPES_STATIC
#define SHAPES_IMPLEMENTATION
#include "../examples/shapes.h"

/* The generated pictures and captions are the same bytes on every platform and compiler (the
   pretraining data, and so the shipped model and the benchmark's domains, can be remade
   anywhere): FNV-1a of 200 caption samples and of 3 images per class of every domain, against
   the values x86-64, 32-bit x86, AArch64 and s390x all gave. */
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

static void test_shapes_deterministic(void)
{
    unsigned char rgb[48 * 48 * 3];
    char cap[SHAPES_CAPTION_MAX];
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int i, d, c, n;
    for (i = 0; i < 200; i++) {
        n = shapes_caption_sample(7, (uint64_t)i, 48, 48, rgb, cap, sizeof(cap));
        CHECK(n > 0, "caption sample %d", i);
        h = fnv1a(h, rgb, sizeof(rgb));
        h = fnv1a(h, (const unsigned char *)cap, (size_t)n + 1);
    }
    CHECK(h == UINT64_C(0x0892cc4768e0db26), "caption samples hash to %016llx",
          (unsigned long long)h);
    h = UINT64_C(0xcbf29ce484222325);
    for (d = 0; d < shapes_num_domains(); d++)
        for (c = 0; c < shapes_domain_num_classes(d); c++)
            for (i = 0; i < 3; i++) {
                CHECK(shapes_domain_sample(d, c, 7, (uint64_t)i, 48, 48, rgb) == 0, "domain %d", d);
                h = fnv1a(h, rgb, sizeof(rgb));
            }
    CHECK(h == UINT64_C(0x7e4dc2fad12f7f72), "domain images hash to %016llx",
          (unsigned long long)h);
    CHECK(shapes_domain_lookup("novel") >= 0 && shapes_domain_lookup("moon") == -1 &&
              shapes_caption_sample(7, 0, 8, 8, rgb, cap, sizeof(cap)) == -1,
          "domain lookup and size checks");
}

/* Max |a - b| / max |b| over tensor [off, off + n) of two flat arrays. */
static double rel_diff(const float *a, const float *b, size_t n)
{
    double big = 0.0;
    size_t i;
    for (i = 0; i < n; i++) big = fabs(b[i]) > big ? fabs(b[i]) : big;
    return max_abs_diff(a, b, n) / (big > 0.0 ? big : 1.0);
}

/* Copy the model's weights (and gradients when t is given) into flat arrays in the order of
   names.txt (logit_scale last). Returns the number of floats, 0 on a mismatch. */
static size_t pretrain_flatten(pm_model *m, const pm_clip_trainer *t, int grads, float *out)
{
    char path[1024], name[128];
    size_t n = 0, count;
    unsigned long ul;
    FILE *f;
    snprintf(path, sizeof(path), "%s/names.txt", PRETRAIN_DIR);
    f = fopen(path, "r");
    if (!f) return 0;
    while (fscanf(f, "%127s %lu", name, &ul) == 2) {
        int i, found = 0;
        count = (size_t)ul; /* (unsigned long is 32 bits on Windows) */
        if (strcmp(name, "logit_scale") == 0) {
            out[n++] = grads ? (float)t->g.logit_scale : m->info.logit_scale;
            continue;
        }
        for (i = 0; i < m->info.n_tensors; i++) {
            const pm__tensor *tt = &m->dir[i].t;
            if (strcmp(m->dir[i].name, name) != 0) continue;
            if (pm__tensor_count(tt) != count) break;
            memcpy(out + n, grads ? pm__grad_slot(m, t->g.all, tt) : tt->f, sizeof(float) * count);
            n += count, found = 1;
        }
        if (!found) {
            n = 0;
            break;
        }
    }
    fclose(f);
    return n;
}

/* Compare flat arrays tensor by tensor (names.txt order): the worst of max |got - want| over
   max |want| of the tensor, or over `scale` when it is given. */
static double pretrain_compare(const float *got, const float *want, double scale,
                               const char *what)
{
    char path[1024], name[128], worst_name[128] = "";
    size_t off = 0, count;
    unsigned long ul;
    double worst = 0.0;
    FILE *f;
    snprintf(path, sizeof(path), "%s/names.txt", PRETRAIN_DIR);
    f = fopen(path, "r");
    if (!f) return 1e30;
    while (fscanf(f, "%127s %lu", name, &ul) == 2) {
        size_t n = count = (size_t)ul;
        double r;
        if (scale > 0.0 && strstr(name, "attn.in_proj_bias")) n = count / 3; /* q only: */
        /* the key bias has no gradient in exact arithmetic (softmax ignores a constant added
           to a row of scores), so Adam moves it by float noise / (noise + eps) * lr */
        r = scale > 0.0 ? max_abs_diff(got + off, want + off, n) / scale
                        : rel_diff(got + off, want + off, n);
        if (n < count && scale > 0.0) { /* and v */
            double rv = max_abs_diff(got + off + 2 * n, want + off + 2 * n, n) / scale;
            r = rv > r ? rv : r;
        }
        if (r > worst || r != r) worst = r != r ? 1e30 : r, strcpy(worst_name, name);
        off += count;
    }
    fclose(f);
    printf("    %s: worst %.2e (%s)\n", what, worst, worst_name);
    return worst;
}

/* Run the fixture's 3 steps; checks the stats, the step-1 gradients and the final weights. */
static void pretrain_run(const char *model_path, double memory_mb, int threads, float *final)
{
    pm_model *m = pm_model_load(model_path);
    npy px, ids, grads, params, steps;
    pm_clip_train_desc d;
    pm_clip_trainer *t = NULL;
    float *flat = NULL;
    int s, ok;
    char path[1024];
    const char *names[5] = {"pixels", "ids", "grads1", "params3", "steps"};
    npy *arr[5];
    arr[0] = &px, arr[1] = &ids, arr[2] = &grads, arr[3] = &params, arr[4] = &steps;
    memset(&steps, 0, sizeof(steps));
    for (s = 0, ok = 1; s < 5; s++) {
        snprintf(path, sizeof(path), "%s/%s.npy", PRETRAIN_DIR, names[s]);
        if (s == 4) { /* float64 */
            size_t n, k;
            uint8_t *b = read_all(path, &n);
            ok = ok && b && n >= 128 + 12 * 8;
            steps.f = (float *)malloc(12 * sizeof(float));
            for (k = 0; ok && k < 12; k++) {
                uint64_t u = pm__rd64(b + n - 12 * 8 + 8 * k);
                double v;
                memcpy(&v, &u, 8);
                steps.f[k] = (float)v;
            }
            free(b);
        } else {
            ok = ok && npy_load(path, arr[s]) == 0;
        }
    }
    CHECK(ok && m, "fixtures of %s: %s", PRETRAIN_DIR, m ? "" : pm_last_error());
    if (!ok || !m) goto done;
    pm_set_threads(threads);
    memset(&d, 0, sizeof(d));
    d.memory_mb = memory_mb;
    t = pm_clip_trainer_create(m, &d);
    CHECK(t != NULL, "trainer: %s", pm_last_error());
    flat = (float *)malloc(sizeof(float) * params.count);
    if (!t || !flat) goto done;
    for (s = 0; s < 3; s++) {
        pm_clip_step_stats st;
        CHECK(pm_clip_train_step(t, 6, px.f, ids.i, 1e-3f, &st) == 0, "step %d: %s", s + 1,
              pm_last_error());
        CHECK(fabs(st.loss - steps.f[4 * s]) <= 1e-5 * fabs(steps.f[4 * s]),
              "step %d loss %.8f, PyTorch %.8f", s + 1, st.loss, steps.f[4 * s]);
        CHECK(fabs(st.acc_i2t - steps.f[4 * s + 1]) < 1e-6 &&
              fabs(st.acc_t2i - steps.f[4 * s + 2]) < 1e-6,
              "step %d accuracies %.3f %.3f, PyTorch %.3f %.3f", s + 1, st.acc_i2t, st.acc_t2i,
              steps.f[4 * s + 1], steps.f[4 * s + 2]);
        CHECK(fabs(st.scale - steps.f[4 * s + 3]) <= 1e-5 * steps.f[4 * s + 3],
              "step %d scale %.6f, PyTorch %.6f", s + 1, st.scale, steps.f[4 * s + 3]);
        if (s == 0) {
            CHECK(pretrain_flatten(m, t, 1, flat) == grads.count, "gradient layout");
            CHECK(pretrain_compare(flat, grads.f, 0.0, "step-1 gradients") <= 1e-4,
                  "step-1 gradients differ from PyTorch's");
        }
    }
    CHECK(pm_clip_trainer_steps(t) == 3, "step count");
    CHECK(pretrain_flatten(m, NULL, 0, flat) == params.count, "weight layout");
    /* Adam moves every weight by about lr per step whatever the size of its gradient, and a
       gradient far below eps (1e-6) moves it by g / eps * lr: the float32 error of the tiniest
       gradients (~1e-8 absolute) shows as ~1% of a step. The weights are compared in units of
       the distance they moved, 3 lr; a wrong gradient would be off by whole steps. */
    CHECK(pretrain_compare(flat, params.f, 3e-3, "weights after 3 steps (in units of 3 lr)") <=
              5e-2, "weights after 3 AdamW steps differ from PyTorch's");
    if (final) memcpy(final, flat, sizeof(float) * params.count);
done:
    pm_set_threads(0);
    pm_clip_trainer_free(t);
    pm_model_free(m);
    free(flat);
    npy_free(&px), npy_free(&ids), npy_free(&grads), npy_free(&params), npy_free(&steps);
}

static void test_pretrain_parity(void)
{
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    size_t n = 0;
    float *a, *b;
    npy params;
    char path[1024];
    CHECK(e != NULL, "no tinyA model");
    if (!e) return;
    snprintf(path, sizeof(path), "%s/params3.npy", PRETRAIN_DIR);
    if (npy_load(path, &params) == 0) n = params.count, npy_free(&params);
    CHECK(n > 0, "cannot read %s", path);
    if (!n) return;
    a = (float *)malloc(sizeof(float) * n), b = (float *)malloc(sizeof(float) * n);
    pretrain_run(e->path, 0.05, 1, a); /* a tiny budget: one pair per chunk, recomputed */
    pretrain_run(e->path, 0.05, 3, b);
    CHECK(max_abs_diff(a, b, n) == 0.0, "3 threads: weights differ by %.3g from 1 thread",
          max_abs_diff(a, b, n));
    pretrain_run(e->path, 0.0, 2, b); /* the whole batch in one pass */
    free(a), free(b);
}

/* Models made and written by the library: pm_model_create, pm_model_save in every dtype, the
   float -> half rounding, resuming from a checkpoint, and the refusals. */
static void test_pretrain_files(void)
{
    pm_model_info cfg;
    pm_model *m = NULL, *r = NULL, *h = NULL;
    pm_clip_trainer *t = NULL, *t2 = NULL;
    size_t n_merges = 0, size = 0, k;
    uint8_t *merges = read_all("tests/fixtures/tiny_bpe.txt", &n_merges), *bytes = NULL;
    char mpath[1024], opath[1024];
    float *px = NULL, *a = NULL, *b = NULL;
    int32_t ids[4 * 16];
    int i, bad = 0;
    uint32_t hb;
    /* float -> half: every half value round-trips, halfway cases go to the even neighbour */
    for (hb = 0; hb < 0x10000u; hb++) {
        float f = pm__f16_to_f32((uint16_t)hb);
        if ((hb & 0x7C00u) == 0x7C00u && (hb & 0x3FFu)) continue; /* NaN */
        bad += pm__f32_to_f16(f) != hb;
        if ((hb & 0x7FFFu) < 0x7BFFu) { /* the midpoint to the next half up */
            double mid = 0.5 * ((double)f + (double)pm__f16_to_f32((uint16_t)(hb + 1)));
            bad += pm__f32_to_f16((float)mid) != ((hb & 1u) ? hb + 1 : hb);
        }
    }
    CHECK(bad == 0, "f32 -> f16 rounding: %d wrong", bad);
    CHECK(pm__f32_to_f16(70000.0f) == 0x7C00u && pm__f32_to_f16(-1e-10f) == 0x8000u,
          "f16 overflow / underflow");
    CHECK(merges != NULL, "tests/fixtures/tiny_bpe.txt");
    if (!merges) return;
    memset(&cfg, 0, sizeof(cfg));
    cfg.image_size = 16, cfg.patch_size = 4, cfg.vision_width = 32, cfg.vision_layers = 2;
    cfg.vision_heads = 2, cfg.vision_mlp = 64, cfg.context_length = 16, cfg.text_width = 32;
    cfg.text_layers = 2, cfg.text_heads = 2, cfg.text_mlp = 64, cfg.embed_dim = 24;
    cfg.act = PM_ACT_QUICK_GELU;
    m = pm_model_create(&cfg, (const char *)merges, n_merges, 5);
    CHECK(m != NULL, "create: %s", pm_last_error());
    if (!m) goto done;
    CHECK(m->info.n_merges == 300 && m->info.vocab_size == 814, "merges %d, vocab %d",
          m->info.n_merges, m->info.vocab_size);
    CHECK(fabs(m->v_blocks[1].ln_2_w.f[3] - 1.0f) == 0.0 && m->t_blocks[0].fc_b.f[0] == 0.0f,
          "LayerNorm gains 1, biases 0");
    CHECK(pm_tokenize(m, "a photo of a forest.", ids) > 0, "tokenize: %s", pm_last_error());
    /* f32 file: a bit-exact round trip of every tensor and of the hyper-parameters */
    snprintf(mpath, sizeof(mpath), "%s/pretrain_test.pmc", g_fixtures);
    snprintf(opath, sizeof(opath), "%s/pretrain_test.optim", g_fixtures);
    CHECK(pm_model_save(m, mpath, PM_DTYPE_F32) == 0, "save: %s", pm_last_error());
    r = pm_model_load(mpath);
    CHECK(r != NULL, "load the saved file: %s", pm_last_error());
    if (r) {
        for (i = 0, bad = 0; i < m->info.n_tensors; i++)
            bad += strcmp(r->dir[i].name, m->dir[i].name) != 0 ||
                   memcmp(r->dir[i].t.f, m->dir[i].t.f,
                          sizeof(float) * pm__tensor_count(&m->dir[i].t)) != 0;
        CHECK(bad == 0 && r->info.logit_scale == m->info.logit_scale &&
              r->info.vocab_size == m->info.vocab_size, "f32 round trip: %d tensors differ", bad);
        pm_model_free(r);
        r = NULL;
    }
    /* f16 and bf16: each value the nearest representable one */
    for (i = PM_DTYPE_F16; i <= PM_DTYPE_BF16; i++) {
        bytes = (uint8_t *)pm_model_save_memory(m, i, &size);
        h = bytes ? pm_model_load_memory(bytes, size) : NULL;
        CHECK(h != NULL && h->info.dtype == i, "dtype %d file: %s", i, pm_last_error());
        if (h) {
            const pm__tensor *src = &m->t_blocks[1].fc_w, *dst = &h->t_blocks[1].fc_w;
            const uint16_t *q = (const uint16_t *)dst->data;
            for (k = 0, bad = 0; k < pm__tensor_count(src); k++)
                bad += q[k] != (i == PM_DTYPE_F16 ? pm__f32_to_f16(src->f[k])
                                                  : pm__f32_to_bf16(src->f[k]));
            CHECK(bad == 0, "dtype %d: %d values not rounded to nearest", i, bad);
            t = pm_clip_trainer_create(h, NULL);
            CHECK(t == NULL && strstr(pm_last_error(), "f32"), "trainer on a half model: %s",
                  pm_last_error());
            pm_clip_trainer_free(t);
            t = NULL;
        }
        pm_model_free(h);
        h = NULL;
        pm_free(bytes);
        bytes = NULL;
    }
    /* resume: 2 steps, checkpoint, 1 more step == reload the checkpoint, 1 more step */
    px = (float *)malloc(sizeof(float) * 4 * 3 * 16 * 16);
    for (k = 0; k < 4 * 3 * 16 * 16; k++) px[k] = rndf();
    for (i = 0; i < 4; i++) {
        static const char *texts[4] = {"a red circle", "two blue squares", "a green star",
                                       "three small crosses"};
        CHECK(pm_tokenize(m, texts[i], ids + 16 * i) > 0, "tokenize");
    }
    t = pm_clip_trainer_create(m, NULL);
    CHECK(t != NULL, "trainer: %s", pm_last_error());
    if (!t) goto done;
    for (i = 0; i < 2; i++)
        CHECK(pm_clip_train_step(t, 4, px, ids, 1e-3f, NULL) == 0, "step: %s", pm_last_error());
    CHECK(pm_model_save(m, mpath, PM_DTYPE_F32) == 0 && pm_clip_trainer_save(t, opath) == 0,
          "checkpoint: %s", pm_last_error());
    CHECK(pm_clip_train_step(t, 4, px, ids, 1e-3f, NULL) == 0, "step 3: %s", pm_last_error());
    r = pm_model_load(mpath);
    t2 = r ? pm_clip_trainer_create(r, NULL) : NULL;
    CHECK(t2 && pm_clip_trainer_load(t2, opath) == 0 && pm_clip_trainer_steps(t2) == 2,
          "resume: %s", pm_last_error());
    if (!t2) goto done;
    CHECK(pm_clip_train_step(t2, 4, px, ids, 1e-3f, NULL) == 0, "step 3 again: %s",
          pm_last_error());
    a = (float *)m->file, b = (float *)r->file;
    CHECK(m->info.file_size == r->info.file_size &&
          memcmp(m->file, r->file, m->info.file_size) == 0,
          "a resumed run differs from the uninterrupted one");
    (void)a, (void)b;
    /* refusals */
    CHECK(pm_clip_train_step(t, 1, px, ids, 1e-3f, NULL) == -1 && strstr(pm_last_error(), "2"),
          "batch of 1: %s", pm_last_error());
    ids[3] = 5000;
    CHECK(pm_clip_train_step(t, 4, px, ids, 1e-3f, NULL) == -1 &&
          strstr(pm_last_error(), "vocabulary"), "bad token: %s", pm_last_error());
    CHECK(pm_clip_trainer_load(t, mpath) == -1, "a model file as optimiser state: %s",
          pm_last_error());
    { /* a step count that is not a number */
        size_t n = 0;
        uint8_t *buf = read_all(opath, &n);
        char *q = n > 8 ? strstr((char *)buf + 8, "\"step\":\"2\"") : NULL;
        FILE *f = q ? fopen(opath, "wb") : NULL;
        CHECK(f != NULL, "the optimiser state's step metadata");
        if (f) {
            q[8] = 'x';
            fwrite(buf, 1, n, f), fclose(f);
            CHECK(pm_clip_trainer_load(t, opath) == -1 && strstr(pm_last_error(), "step count"),
                  "step \"x\": %s", pm_last_error());
        }
        free(buf);
    }
    cfg.vision_heads = 3;
    h = pm_model_create(&cfg, (const char *)merges, n_merges, 5);
    CHECK(h == NULL && strstr(pm_last_error(), "heads"), "3 heads of width 32: %s",
          pm_last_error());
    pm_model_free(h);
    h = NULL;
done:
    pm_clip_trainer_free(t), pm_clip_trainer_free(t2);
    pm_model_free(m), pm_model_free(r), pm_model_free(h);
    free(merges), free(px);
    remove(mpath), remove(opath);
}

/* The commands of the shapes world: shapes (the domains), pretrain (a small CLIP, resumed
   runs identical to straight ones), grid (every cell, then the table). */
static void test_cli_pretrain_grid(void)
{
    static const char *tiny = "--image-size 16 --patch 4 --render 32 --width 16 --layers 1 "
                              "--heads 2 --text-width 16 --text-layers 1 --text-heads 2 "
                              "--embed 16 --context 24 --bpe-captions 400 --batch 6 --eval 8 "
                              "--dtype f32 --steps 4 --warmup 1";
    char cmd[8192], a[1100], b[1100], dir[1024];
    uint8_t *fa, *fb;
    size_t na = 0, nb = 0;
    char *so = NULL;
    FILE *f;
    if (strlen(g_fixtures) > 900) return;
    snprintf(dir, sizeof(dir), "%s/shapes_cli", g_fixtures);
    /* shapes: two domains as ImageFolder trees */
    snprintf(cmd, sizeof(cmd), "%s shapes --out %s/data --per-class 8 --size 32 --domains clean,novel",
             g_cli, dir);
    CHECK(run(cmd) == 0, "shapes: %s", cli_output("err"));
    snprintf(a, sizeof(a), "%s/data/novel/blick/0007.ppm", dir);
    f = fopen(a, "rb");
    CHECK(f != NULL, "shapes did not write %s", a);
    if (f) fclose(f);
    snprintf(cmd, sizeof(cmd), "%s shapes --out %s/data --domains clean,moon", g_cli, dir);
    CHECK(run(cmd) == 2 && strstr(so = cli_output("err"), "unknown domain 'moon'"),
          "shapes with an unknown domain must be refused");
    free(so);
    /* pretrain: 4 steps straight, and 2 + 2 through a checkpoint, give the same file */
    snprintf(a, sizeof(a), "%s/straight.pmc", dir);
    snprintf(b, sizeof(b), "%s/resumed.pmc", dir);
    remove(a), remove(b); /* left by an earlier run of the suite */
    {
        static const char *cells[4] = {"clean-1shot-maple", "clean-1shot-promptmargin",
                                       "novel-1shot-maple", "novel-1shot-promptmargin"};
        int i;
        for (i = 0; i < 4; i++) {
            snprintf(cmd, sizeof(cmd), "%s/grid/%s.jsonl", dir, cells[i]);
            remove(cmd);
        }
    }
    snprintf(cmd, sizeof(cmd), "%s pretrain %s --out %s --json --threads 2", g_cli, tiny, a);
    CHECK(run(cmd) == 0, "pretrain: %s", cli_output("err"));
    so = cli_output("out");
    CHECK(strstr(so, "\"retrieval\":") && strstr(so, "\"zeroshot_classes\":9"),
          "pretrain --json:\n%s", so);
    free(so);
    snprintf(cmd, sizeof(cmd), "%s pretrain %s --out %s --checkpoint %s/ck --every 1 "
             "--stop-after 2 --threads 1", g_cli, tiny, b, dir);
    CHECK(run(cmd) == 0 && strstr(so = cli_output("out"), "stopped at step 2 of 4"),
          "pretrain --stop-after: %s", cli_output("err"));
    free(so);
    f = fopen(b, "rb");
    CHECK(f == NULL, "a stopped run must not write --out");
    if (f) fclose(f);
    snprintf(cmd, sizeof(cmd), "%s pretrain %s --out %s --checkpoint %s/ck --resume", g_cli,
             tiny, b, dir);
    CHECK(run(cmd) == 0, "pretrain --resume: %s", cli_output("err"));
    fa = read_all(a, &na), fb = read_all(b, &nb);
    CHECK(fa && fb && na == nb && memcmp(fa, fb, na) == 0,
          "a run resumed from a checkpoint differs from the straight run");
    free(fa), free(fb);
    snprintf(cmd, sizeof(cmd), "%s pretrain %s --out %s --resume", g_cli, tiny, b);
    CHECK(run(cmd) == 2 && strstr(so = cli_output("err"), "--checkpoint"),
          "--resume without --checkpoint must be refused");
    free(so);
    /* grid: 2 domains x 1 shot count x 2 methods, then the table alone */
    snprintf(cmd, sizeof(cmd), "%s grid --model %s --data %s/data --domains clean,novel "
             "--shots 1 --methods maple,promptmargin --ways 3 --queries 2 --episodes 2 "
             "--steps 2 --views 3 --keep 2 --depth 1 --out %s/grid", g_cli, a, dir, dir);
    CHECK(run(cmd) == 0, "grid: %s", cli_output("err"));
    so = cli_output("out");
    { /* the paired column is filled: 4 "mean ± ci" cells per row (zero-shot, MaPLe,
         PromptMargin, the difference) */
        const char *row = strstr(so, "| novel | 1 | 2 |"), *q;
        int cells = 0;
        for (q = row; q && *q && *q != '\n'; q++) cells += strncmp(q, "±", strlen("±")) == 0;
        CHECK(strstr(so, "| clean | 1 | 2 |") && row && cells == 4 &&
              strstr(so, "PromptMargin - MaPLe"), "grid table:\n%s", so);
    }
    free(so);
    snprintf(cmd, sizeof(cmd), "%s grid --table-only --json --domains clean,novel --shots 1 "
             "--methods maple,promptmargin --out %s/grid", g_cli, dir);
    CHECK(run(cmd) == 0, "grid --table-only: %s", cli_output("err"));
    so = cli_output("out");
    CHECK(count_lines(so) == 2 && strstr(so, "\"domain\": \"novel\", \"shots\": 1, "
                                             "\"episodes\": 2") &&
              strstr(so, "\"zeroshot\": {\"episodes\": 2, \"mean\": 0.") &&
              strstr(so, "\"promptmargin_minus_maple\": {\"episodes\": 2, \"mean\": "),
          "grid --json (numbers, not strings):\n%s", so);
    free(so);
    snprintf(cmd, sizeof(cmd), "%s grid --model %s --data %s/data --methods coop,clip "
             "--out %s/grid", g_cli, a, dir, dir);
    CHECK(run(cmd) == 2 && strstr(so = cli_output("err"), "unknown method 'clip'"),
          "grid with an unknown method must be refused");
    free(so);
}
