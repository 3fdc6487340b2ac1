/* Tests of section [11] (prompts and training) against the PyTorch port of the method
   (tools/promptmargin_ref.py, float64): part of test_promptmargin.c, which includes this file.
   tests/fixtures/promptmargin holds, for the tiny model A, the initial prompts, 12 training
   views with labels, and for each method the loss terms of 20 SGD steps, the step-1 gradient
   of every prompt tensor and the prompts after 20 steps. */

#define PROMPT_DIR "tests/fixtures/promptmargin"

/* Prompts of `method` with the values of a fixture file (tensors the method lacks ignored). */
static pm_prompts *fixture_prompts(pm_model *m, int method, const char *file)
{
    static const char *classes[3] = {"annual crop land", "forest", "river"};
    pm_prompts *p = pm__prompts_alloc(m, method, 2, 2, 3, classes);
    size_t n, cnt;
    uint8_t *buf = read_all(file, &n);
    pm__st_file f;
    char name[64];
    int shape[4], ndim, i;
    float *where;
    CHECK(p != NULL && buf != NULL, "prompts for %s: %s", file, pm_last_error());
    if (!p || !buf || pm__st_parse(buf, n, &f)) {
        CHECK(0, "cannot parse %s", file);
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

static void test_prompt_training(void)
{
    /* the last run repeats the first with a memory budget of a few views: the image tower
       then runs in chunks and is recomputed for the backward (method.md section 7) */
    static const char *tags[5] = {"promptmargin_text", "promptmargin_self", "maple", "coop",
                                  "promptmargin_text"};
    static const int methods[5] = {PM_METHOD_PROMPTMARGIN, PM_METHOD_PROMPTMARGIN, PM_METHOD_MAPLE,
                                   PM_METHOD_COOP, PM_METHOD_PROMPTMARGIN};
    const model_entry *e = find_model("tinyA", "state-dict", "f32");
    pm_model *m = e ? pm_model_load(e->path) : NULL;
    npy px, lab, ids;
    int *labels, i, k, tag;
    CHECK(m != NULL, "no tinyA model");
    if (!m) return;
    if (npy_load(PROMPT_DIR "/pixels.npy", &px) || npy_load(PROMPT_DIR "/labels.npy", &lab) ||
        npy_load(PROMPT_DIR "/text_ids.npy", &ids)) {
        CHECK(0, "cannot read the prompt fixtures");
        pm_model_free(m);
        return;
    }
    labels = (int *)malloc(sizeof(int) * lab.count);
    for (i = 0; i < (int)lab.count; i++) labels[i] = lab.i[i];
    for (tag = 0; tag < 5; tag++) {
        char path[512];
        pm_prompts *p = fixture_prompts(m, methods[tag], PROMPT_DIR "/init.safetensors"), *g1, *fin;
        pm__trainer tr;
        pm_train_desc d;
        npy losses;
        double worst_loss = 0.0, worst_grad = 0.0, worst_final = 0.0, gmax = 0.0, fmax = 0.0;
        if (!p) continue;
        if (tag == 0)
            for (i = 0; i < (int)ids.count; i++)
                CHECK(p->ids[i] == ids.i[i], "prompt token %d: %d, want %d", i, (int)p->ids[i],
                      (int)ids.i[i]);
        snprintf(path, sizeof(path), PROMPT_DIR "/losses_%s.npy", tags[tag]);
        memset(&d, 0, sizeof(d));
        d.margin_target = tag == 1 ? PM_MARGIN_SELF : PM_MARGIN_TEXT;
        if (tag == 4) d.memory_mb = 2.5 * 4.0 * pm__vision_run_floats(m, p) / 1048576.0;
        if (npy_load(path, &losses) || pm__trainer_init(m, p, px.shape[0], px.f, labels, &d, &tr)) {
            CHECK(0, "%s: %s", tags[tag], pm_last_error());
            pm_prompts_free(p);
            continue;
        }
        snprintf(path, sizeof(path), PROMPT_DIR "/grads1_%s.safetensors", tags[tag]);
        g1 = fixture_prompts(m, methods[tag], path);
        snprintf(path, sizeof(path), PROMPT_DIR "/final_%s.safetensors", tags[tag]);
        fin = fixture_prompts(m, methods[tag], path);
        for (k = 0; k < losses.shape[0] && g1 && fin; k++) {
            pm_step_stats st;
            double got[4], d4;
            int q;
            CHECK(pm__train_step(m, p, &tr, &st) == 0, "%s step %d: %s", tags[tag], k + 1,
                  pm_last_error());
            got[0] = st.ce, got[1] = st.r_t, got[2] = st.r_v, got[3] = st.total;
            for (q = 0; q < 4; q++) {
                double want = losses.f[k * 4 + q];
                d4 = fabs(got[q] - want) / (fabs(want) > 1e-3 ? fabs(want) : 1e-3);
                worst_loss = d4 > worst_loss ? d4 : worst_loss;
            }
            if (k == 0) { /* step-1 gradient of every prompt tensor */
                size_t j;
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
        worst_grad /= gmax > 0 ? gmax : 1.0;
        worst_final /= fmax > 0 ? fmax : 1.0;
        printf("    %-18s 20 steps, views per pass %2d: loss terms rel. error %.2e, step-1 "
               "gradients %.2e, final prompts %.2e\n", tags[tag], tr.chunk, worst_loss,
               worst_grad, worst_final);
        CHECK(worst_loss <= 1e-4, "%s: loss terms differ by %g (relative)", tags[tag], worst_loss);
        CHECK(worst_grad <= 1e-4, "%s: step-1 gradients differ by %g (relative)", tags[tag],
              worst_grad);
        CHECK(worst_final <= 1e-4, "%s: final prompts differ by %g (relative)", tags[tag],
              worst_final);
        pm__trainer_free(&tr);
        pm_prompts_free(g1), pm_prompts_free(fin), pm_prompts_free(p);
        npy_free(&losses);
    }
    free(labels);
    npy_free(&px), npy_free(&lab), npy_free(&ids);
    pm_model_free(m);
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
