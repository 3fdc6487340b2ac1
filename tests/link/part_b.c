/* Link test, second translation unit: another private copy of the implementation, built
   without stdio (PM_NO_STDIO: models, images and prompts come from memory only). */
#define PROMPTMARGIN_STATIC
#define PM_NO_STDIO
#define PROMPTMARGIN_IMPLEMENTATION
#include "../../promptmargin.h"

/* Image features of one grey image through this copy: 0 on success. */
int part_b_encode(const void *data, size_t size, float *out, int *dim)
{
    pm_model *m = pm_model_load_memory(data, size);
    const pm_model_info *mi;
    uint8_t rgb[16 * 16 * 3];
    float *px;
    int rc = -1, i;
    if (!m) return -1;
    mi = pm_model_get_info(m);
    for (i = 0; i < 16 * 16 * 3; i++) rgb[i] = (uint8_t)(i * 7);
    px = (float *)PM_MALLOC(sizeof(float) * 3 * (size_t)mi->image_size * (size_t)mi->image_size);
    if (px && pm_preprocess(m, rgb, 16, 16, PM_PREPROCESS_CLIP, px) == 0 &&
        pm_encode_images(m, 1, px, out) == 0)
        rc = 0;
    *dim = mi->embed_dim;
    PM_FREE(px);
    pm_model_free(m);
    return rc;
}
