/* libFuzzer harness: the two safetensors readers (header JSON, shapes, offsets, metadata) for
   the micro model of seeds/model. The first byte picks what the rest is: even, a prompt file
   (pm_prompts_load_memory; prompts that load are then used for the text features and one
   image); odd, an optimiser state (pm_clip_trainer_load, from a file in /tmp). */
#include "fuzz_common.h"
#include <stdio.h>
#include <unistd.h>

static pm_model *model;
static pm_clip_trainer *trainer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b;
    if (!model) {
        model = pm_model_load("tests/fuzz/seeds/model/micro.pmc");
        if (model) trainer = pm_clip_trainer_create(model, NULL);
        if (!model || !trainer) {
            fprintf(stderr, "fuzz_safetensors: run from the repository root (%s)\n",
                    pm_last_error());
            abort();
        }
    }
    if (size == 0) return 0;
    b = fuzz_copy(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        pm_prompts *p = pm_prompts_load_memory(model, b, size - 1);
        const pm_model_info *mi = pm_model_get_info(model);
        if (p && pm_prompts_num_classes(p) <= 64) {
            size_t S = (size_t)mi->image_size, D = (size_t)mi->embed_dim;
            float *txt = (float *)calloc((size_t)pm_prompts_num_classes(p) * D, sizeof(float));
            float *px = (float *)calloc(3 * S * S, sizeof(float)), *img = (float *)calloc(D, 4);
            int c;
            for (c = 0; c < pm_prompts_num_classes(p); c++) (void)strlen(pm_prompts_class(p, c));
            pm_prompts_text_features(model, p, txt);
            pm_prompts_image_features(model, p, 1, px, img);
            free(txt), free(px), free(img);
        }
        pm_prompts_free(p);
    } else {
        char path[64];
        FILE *f;
        snprintf(path, sizeof(path), "/tmp/pm_fuzz_adamw_%ld.safetensors", (long)getpid());
        f = fopen(path, "wb");
        if (!f) abort();
        if (size > 1 && fwrite(b, 1, size - 1, f) != size - 1) abort();
        fclose(f);
        pm_clip_trainer_load(trainer, path);
        remove(path);
    }
    free(b);
    return 0;
}
