/* Tests of section [11] (prompts and training) against the PyTorch port of the method
   (tools/promptmargin_ref.py, float64): part of test_promptmargin.c, which includes this file.
   tests/fixtures/promptmargin holds, for the tiny model A, the initial prompts, 12 training
   views with labels, and for each method the loss terms of 20 SGD steps, the step-1 gradient
   of every prompt tensor and the prompts after 20 steps. */

#define PROMPT_DIR "tests/fixtures/promptmargin"

/* Settings of a prompt fixture directory: its class names and the prompt shape. */
typedef struct {
    const char *dir;
    char names[16][128];
    const char *name_ptr[16];
    int n_classes, n_ctx, depth;
} prompt_fixture;

static int prompt_fixture_open(prompt_fixture *pf, const char *dir)
{
    char path[1024], line[256];
    FILE *f;
    size_t n;
    uint8_t *buf;
    pm__st_file st;
    memset(pf, 0, sizeof(*pf));
    pf->dir = dir;
    snprintf(path, sizeof(path), "%s/classnames.txt", dir);
    f = fopen(path, "r");
    if (!f) return -1;
    while (pf->n_classes < 16 && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        strcpy(pf->names[pf->n_classes], line);
        pf->name_ptr[pf->n_classes] = pf->names[pf->n_classes];
        pf->n_classes++;
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/init.safetensors", dir);
    buf = read_all(path, &n);
    if (!buf || pm__st_parse(buf, n, &st)) {
        free(buf);
        return -1;
    }
    pf->n_ctx = atoi(pm__st_meta(&st, "n_ctx") ? pm__st_meta(&st, "n_ctx") : "0");
    pf->depth = atoi(pm__st_meta(&st, "depth") ? pm__st_meta(&st, "depth") : "0");
    pm__st_free(&st);
    free(buf);
    return pf->n_classes && pf->n_ctx && pf->depth ? 0 : -1;
}

/* Prompts of `method` with the values of a fixture file (tensors the method lacks ignored). */
static pm_prompts *fixture_prompts(pm_model *m, const prompt_fixture *pf, int method,
                                   const char *file)
{
    pm_prompts *p = pm__prompts_alloc(m, method, pf->n_ctx, pf->depth, pf->n_classes,
                                      pf->name_ptr);
    size_t n, cnt;
    uint8_t *buf = read_all(file, &n);
    pm__st_file f;
    char name[64];
    int shape[4], ndim, i;
    float *where;
    if (!p || !buf || pm__st_parse(buf, n, &f)) {
        CHECK(0, "cannot read the prompts of %s: %s", file, pm_last_error());
        free(buf);
        pm_prompts_free(p);
        return NULL;
    }
    for (i = 0; (cnt = pm__prompt_tensor(p, p->params, i, name, shape, &ndim, &where)) != 0; i++) {
        const pm__st_tensor *t = pm__st_find(&f, name);
        CHECK(t != NULL && (t->end - t->begin) == 4 * cnt, "%s lacks %s", file, name);
        if (t) pm__st_read_f32(&f, t, where);
    }
    pm__st_free(&f);
    free(buf);
    return p;
}

/* Train from the fixture's initial prompts on its views and compare, for every method whose
   files the directory holds, the loss terms of every step (evaluated before each update), the
   step-1 gradients and the final prompts. The last two runs repeat the first with small
   memory budgets: the image tower runs in chunks of 2 views, which are computed again for
   the backward (2.5 views' worth) or keep light caches (room for light caches of every view
   and 2.5 whole ones); the two give the same gradients and prompts bit for bit. */
static void check_prompt_parity(const char *model_path, const char *dir)
{
    static const char *tags[6] = {"promptmargin_text", "promptmargin_self", "maple", "coop",
                                  "promptmargin_text", "promptmargin_text"};
    static const int methods[6] = {PM_METHOD_PROMPTMARGIN, PM_METHOD_PROMPTMARGIN, PM_METHOD_MAPLE,
                                   PM_METHOD_COOP, PM_METHOD_PROMPTMARGIN, PM_METHOD_PROMPTMARGIN};
    float *grads0 = NULL, *final0 = NULL; /* run 4's step-1 gradients and final prompts */
    pm_model *m = pm_model_load(model_path);
    prompt_fixture pf;
    npy px, lab, ids;
    char path[1024];
    int *labels, i, k, tag;
    CHECK(m != NULL, "%s: %s", model_path, pm_last_error());
    if (!m) return;
    if (prompt_fixture_open(&pf, dir)) {
        CHECK(0, "cannot read the prompt fixtures in %s", dir);
        pm_model_free(m);
        return;
    }
    snprintf(path, sizeof(path), "%s/pixels.npy", dir);
    if (npy_load(path, &px)) {
        CHECK(0, "cannot read %s", path);
        pm_model_free(m);
        return;
    }
    snprintf(path, sizeof(path), "%s/labels.npy", dir);
    npy_load(path, &lab);
    snprintf(path, sizeof(path), "%s/text_ids.npy", dir);
    npy_load(path, &ids);
    labels = (int *)malloc(sizeof(int) * (lab.count + 1));
    for (i = 0; i < (int)lab.count; i++) labels[i] = lab.i[i];
    for (tag = 0; tag < 6; tag++) {
        pm_prompts *p, *g1, *fin;
        pm__trainer tr;
        pm_train_desc d;
        npy losses;
        double worst_loss = 0.0, worst_grad = 0.0, worst_final = 0.0, gmax = 0.0, fmax = 0.0;
        snprintf(path, sizeof(path), "%s/losses_%s.npy", dir, tags[tag]);
        if (npy_load(path, &losses)) continue; /* a method this directory does not hold */
        snprintf(path, sizeof(path), "%s/init.safetensors", dir);
        p = fixture_prompts(m, &pf, methods[tag], path);
        if (!p) {
            npy_free(&losses);
            continue;
        }
        if (tag == 0 && ids.i)
            for (i = 0; i < (int)ids.count; i++)
                CHECK(p->ids[i] == ids.i[i], "prompt token %d: %d, want %d", i, (int)p->ids[i],
                      (int)ids.i[i]);
        memset(&d, 0, sizeof(d));
        d.margin_target = tag == 1 ? PM_MARGIN_SELF : PM_MARGIN_TEXT;
        if (tag == 4) d.memory_mb = 2.5 * 4.0 * pm__vision_run_floats(m, p) / 1048576.0;
        if (tag == 5)
            d.memory_mb = 4.0 * (px.shape[0] * (double)pm__vision_run_floats_light(m, p) +
                                 2.5 * ((double)pm__vision_run_floats(m, p) -
                                        (double)pm__vision_run_floats_light(m, p))) / 1048576.0;
        if (pm__trainer_init(m, p, px.shape[0], px.f, labels, &d, &tr)) {
            CHECK(0, "%s: %s", tags[tag], pm_last_error());
            pm_prompts_free(p);
            npy_free(&losses);
            continue;
        }
        snprintf(path, sizeof(path), "%s/grads1_%s.safetensors", dir, tags[tag]);
        g1 = fixture_prompts(m, &pf, methods[tag], path);
        snprintf(path, sizeof(path), "%s/final_%s.safetensors", dir, tags[tag]);
        fin = fixture_prompts(m, &pf, methods[tag], path);
        for (k = 0; k < losses.shape[0] && g1 && fin; k++) {
            pm_step_stats st;
            double got[4];
            int q;
            CHECK(pm__train_step(m, p, &tr, &st) == 0, "%s step %d: %s", tags[tag], k + 1,
                  pm_last_error());
            got[0] = st.ce, got[1] = st.r_t, got[2] = st.r_v, got[3] = st.total;
            for (q = 0; q < 4; q++) {
                double want = losses.f[k * 4 + q];
                double dd = fabs(got[q] - want) / (fabs(want) > 1e-3 ? fabs(want) : 1e-3);
                worst_loss = dd > worst_loss ? dd : worst_loss;
            }
            if (k == 0) { /* step-1 gradient of every prompt tensor */
                size_t j;
                if (tag == 4) grads0 = (float *)malloc(sizeof(float) * p->n_params);
                if (tag == 4 && grads0) memcpy(grads0, p->grads, sizeof(float) * p->n_params);
                if (tag == 5 && grads0)
                    CHECK(memcmp(grads0, p->grads, sizeof(float) * p->n_params) == 0,
                          "light caches: step-1 gradients differ from recomputing's");
                for (j = 0; j < p->n_params; j++) {
                    double dd = fabs((double)p->grads[j] - g1->params[j]);
                    worst_grad = dd > worst_grad ? dd : worst_grad;
                    gmax = fabs(g1->params[j]) > gmax ? fabs(g1->params[j]) : gmax;
                }
            }
            pm__sgd_update(p, 0.01f, 0.9f);
        }
        if (fin) {
            size_t j;
            for (j = 0; j < p->n_params; j++) {
                double dd = fabs((double)p->params[j] - fin->params[j]);
                worst_final = dd > worst_final ? dd : worst_final;
                fmax = fabs(fin->params[j]) > fmax ? fabs(fin->params[j]) : fmax;
            }
        }
        if (tag == 4) final0 = (float *)malloc(sizeof(float) * p->n_params);
        if (tag == 4 && final0) memcpy(final0, p->params, sizeof(float) * p->n_params);
        if (tag == 5 && final0)
            CHECK(memcmp(final0, p->params, sizeof(float) * p->n_params) == 0,
                  "light caches: final prompts differ from recomputing's");
        if (tag >= 4)
            CHECK(tr.chunk == 2 && tr.light == (tag == 5),
                  "run %d: %d views per pass of %d, light caches %d", tag, tr.chunk, tr.V,
                  tr.light);
        worst_grad /= gmax > 0 ? gmax : 1.0;
        worst_final /= fmax > 0 ? fmax : 1.0;
        printf("    %-18s %d steps, views per pass %2d%s: loss terms rel. error %.2e, step-1 "
               "gradients %.2e, final prompts %.2e\n", tags[tag], losses.shape[0], tr.chunk,
               tr.light ? " (light caches)" : "",
               worst_loss, worst_grad, worst_final);
        CHECK(worst_loss <= 1e-4, "%s: loss terms differ by %g (relative)", tags[tag], worst_loss);
        CHECK(worst_grad <= 1e-4, "%s: step-1 gradients differ by %g (relative)", tags[tag],
              worst_grad);
        CHECK(worst_final <= 1e-4, "%s: final prompts differ by %g (relative)", tags[tag],
              worst_final);
        pm__trainer_free(&tr);
        pm_prompts_free(g1), pm_prompts_free(fin), pm_prompts_free(p);
        npy_free(&losses);
    }
    free(labels), free(grads0), free(final0);
    npy_free(&px), npy_free(&lab), npy_free(&ids);
    pm_model_free(m);
}

/* The same parity through the command line: `tune --init --no-augment --steps S --json` on
   the fixture's views saved as an ImageFolder (preprocessed by the CLI) reports the reference's
   loss terms at every step and saves its final prompts (promptmargin, margin to the text). */
static void check_tune_cli(const char *model_path, const char *dir, int threads)
{
    char cmd[8192], out[1024], path[1024];
    npy losses;
    pm_model *m;
    prompt_fixture pf;
    pm_prompts *got, *want;
    char *so, *line;
    double worst = 0.0, worst_final = 0.0, fmax = 0.0;
    int k = 0;
    size_t j;
    snprintf(path, sizeof(path), "%s/losses_promptmargin_text.npy", dir);
    if (npy_load(path, &losses)) {
        CHECK(0, "cannot read %s", path);
        return;
    }
    snprintf(out, sizeof(out), "%s/tune_cli.safetensors", g_fixtures);
    remove(out);
    snprintf(cmd, sizeof(cmd),
             "%s tune --model %s --data %s/views --class-names %s/view_classes.txt --init "
             "%s/init.safetensors --no-augment --steps %d --threads %d --json --save %s",
             g_cli, model_path, dir, dir, dir, losses.shape[0], threads, out);
    CHECK(run(cmd) == 0, "tune failed: %s", cli_output("err"));
    so = cli_output("out");
    for (line = so; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
        int step, q;
        double v[4];
        if (sscanf(line, "{\"step\": %d, \"ce\": %lf, \"r_t\": %lf, \"r_v\": %lf, \"loss\": %lf",
                   &step, &v[0], &v[1], &v[2], &v[3]) != 5)
            continue;
        CHECK(step == k + 1 && k < losses.shape[0], "tune --json: unexpected step %d", step);
        if (step != k + 1 || k >= losses.shape[0]) break;
        for (q = 0; q < 4; q++) {
            double w = losses.f[k * 4 + q];
            double dd = fabs(v[q] - w) / (fabs(w) > 1e-3 ? fabs(w) : 1e-3);
            worst = dd > worst ? dd : worst;
        }
        k++;
    }
    CHECK(k == losses.shape[0], "tune --json printed %d steps, want %d", k, losses.shape[0]);
    free(so);
    m = pm_model_load(model_path);
    got = m ? pm_prompts_load(m, out) : NULL;
    CHECK(got != NULL, "tune's prompts: %s", pm_last_error());
    snprintf(path, sizeof(path), "%s/final_promptmargin_text.safetensors", dir);
    want = got && prompt_fixture_open(&pf, dir) == 0
               ? fixture_prompts(m, &pf, PM_METHOD_PROMPTMARGIN, path) : NULL;
    if (got && want) {
        CHECK(got->n_params == want->n_params, "tune's prompts have %lu values, want %lu",
              (unsigned long)got->n_params, (unsigned long)want->n_params);
        for (j = 0; j < got->n_params && j < want->n_params; j++) {
            double dd = fabs((double)got->params[j] - want->params[j]);
            worst_final = dd > worst_final ? dd : worst_final;
            fmax = fabs(want->params[j]) > fmax ? fabs(want->params[j]) : fmax;
        }
        worst_final /= fmax > 0 ? fmax : 1.0;
    }
    printf("    CLI tune --init --no-augment --steps %d (%d threads): loss terms rel. error "
           "%.2e, saved prompts %.2e\n", losses.shape[0], threads, worst, worst_final);
    CHECK(worst <= 1e-4, "tune CLI: loss terms differ by %g (relative)", worst);
    CHECK(worst_final <= 1e-4, "tune CLI: final prompts differ by %g (relative)", worst_final);
    pm_prompts_free(got), pm_prompts_free(want);
    pm_model_free(m);
    npy_free(&losses);
    remove(out);
}

static void test_prompt_training(void)
{
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    CHECK(e != NULL, "no tinyA model");
    if (e) check_prompt_parity(e->path, PROMPT_DIR);
    if (e) check_tune_cli(e->path, PROMPT_DIR, 1);
    if (e) check_tune_cli(e->path, PROMPT_DIR, 3);
}

/* Save and load: the values come back bit for bit, the file is standard safetensors, and
   prompts made for another model, or broken files, are refused with a message. */
static void test_prompt_files(void)
{
    static const char *classes[2] = {"sea_lake", "forest"};
    const model_entry *ea = find_model("tinyA", "state-dict", "f32");
    const model_entry *eb = find_model("tinyB", "state-dict", "f32");
    pm_model *a = ea ? pm_model_load(ea->path) : NULL, *b = eb ? pm_model_load(eb->path) : NULL;
    pm_prompts *p, *q;
    char path[1024];
    size_t n, len;
    uint8_t *bytes;
    CHECK(a && b, "tiny models");
    if (!a || !b) goto done;
    snprintf(path, sizeof(path), "%s/prompts_test.safetensors", g_fixtures);
    p = pm_prompts_create(a, PM_METHOD_PROMPTMARGIN, 2, 2, 2, classes, 7);
    CHECK(p != NULL, "create: %s", pm_last_error());
    if (!p) goto done;
    CHECK(pm_prompts_save(a, p, path) == 0, "save: %s", pm_last_error());
    q = pm_prompts_load(a, path);
    CHECK(q != NULL, "load: %s", pm_last_error());
    if (q) {
        CHECK(q->n_params == p->n_params &&
              !memcmp(q->params, p->params, sizeof(float) * p->n_params), "values round trip");
        CHECK(q->method == PM_METHOD_PROMPTMARGIN && q->n_classes == 2 &&
              !strcmp(pm_prompts_class(q, 0), "sea_lake"), "metadata round trip");
        pm_prompts_free(q);
    }
    q = pm_prompts_load(b, path);
    CHECK(q == NULL && strstr(pm_last_error(), "another model"), "other model: %s",
          pm_last_error());
    pm_prompts_free(q);
    bytes = read_all(path, &n);
    { /* n_ctx "2x": a count must be a whole number (the header grows by one byte) */
        char *at = bytes ? strstr((char *)bytes + 8, "\"n_ctx\":\"2\"") : NULL;
        uint8_t *e = (uint8_t *)malloc(n + 1);
        size_t off = at ? (size_t)(at - (char *)bytes) + 10 : 0;
        CHECK(at != NULL && e != NULL, "n_ctx metadata in the prompt file");
        if (at && e) {
            int i;
            memcpy(e, bytes, off), e[off] = 'x', memcpy(e + off + 1, bytes + off, n - off);
            for (i = 0; i < 8 && ++e[i] == 0; i++) {} /* the header's length, little-endian */
            q = pm_prompts_load_memory(a, e, n + 1);
            CHECK(q == NULL && strstr(pm_last_error(), "not a prompt file"), "n_ctx \"2x\": %s",
                  q ? "loaded" : pm_last_error());
            pm_prompts_free(q);
            e[off] = ' '; /* "2 " parses as JSON, and is not a whole number either */
            q = pm_prompts_load_memory(a, e, n + 1);
            CHECK(q == NULL, "n_ctx \"2 \" loaded");
            pm_prompts_free(q);
        }
        free(e);
    }
    for (len = 0; bytes && len < n; len += len < 400 ? 1 : 97) { /* truncated files */
        FILE *f;
        char bad[1100];
        snprintf(bad, sizeof(bad), "%s.bad", path);
        f = fopen(bad, "wb");
        if (f) fwrite(bytes, 1, len, f), fclose(f);
        q = pm_prompts_load(a, bad);
        CHECK(q == NULL, "a prompt file cut at %lu bytes loaded", (unsigned long)len);
        pm_prompts_free(q);
    }
    free(bytes);
    pm_prompts_free(p);
done:
    pm_model_free(a), pm_model_free(b);
}
