/* libFuzzer harness: the model file loader. A file that loads is also run once through both
   towers when it is small enough, so that ASan sees any use of an inconsistent model. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_model *m = pm_model_load_memory(data, size);
    const pm_model_info *mi;
    if (!m) return 0;
    mi = pm_model_get_info(m);
    if (mi->has_vision && mi->image_size <= 64 && mi->vision_width <= 128 &&
        mi->vision_layers <= 4 && mi->embed_dim <= 256) {
        float *px = (float *)calloc((size_t)3 * mi->image_size * mi->image_size, sizeof(float));
        float *out = (float *)calloc((size_t)mi->embed_dim, sizeof(float));
        pm_encode_images(m, 1, px, out);
        free(px), free(out);
    }
    if (mi->has_text && mi->context_length <= 64 && mi->text_width <= 128 &&
        mi->text_layers <= 4 && mi->embed_dim <= 256) {
        int32_t *ids = (int32_t *)calloc((size_t)mi->context_length, sizeof(int32_t));
        float *out = (float *)calloc((size_t)mi->embed_dim, sizeof(float));
        if (pm_tokenize(m, "a photo of a cat.", ids) >= 0) pm_encode_texts(m, 1, ids, out);
        free(ids), free(out);
    }
    pm_model_free(m);
    return 0;
}
