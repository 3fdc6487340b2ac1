/* The README's usage example (kept identical to it by .ci/run).
   Build: cc -std=c99 -O2 -I. examples/hello.c -o hello -lm */
#define PROMPTMARGIN_IMPLEMENTATION   /* in exactly one C file */
#include "promptmargin.h"
#include <stdio.h>
#include <stdlib.h>

/* ./hello MODEL.pmc IMAGE: is it a cat or a dog? */
int main(int argc, char **argv)
{
    pm_model *m;
    const pm_model_info *mi;
    uint8_t *rgb;
    float *pixels, img[1024], txt[2 * 1024], probs[2];
    int32_t *ids;
    int w, h, S, ok;
    if (argc != 3) return 2;
    m = pm_model_load(argv[1]);                          /* a .pmc file */
    rgb = m ? pm_image_load(argv[2], &w, &h) : NULL;      /* RGB8 [h, w, 3] */
    if (!rgb) { fprintf(stderr, "%s\n", pm_last_error()); return 1; }
    mi = pm_model_get_info(m);
    S = mi->image_size;
    pixels = malloc(sizeof(float) * 3 * S * S);
    ids = calloc(2 * mi->context_length, sizeof(int32_t));
    ok = pm_preprocess(m, rgb, w, h, PM_PREPROCESS_CLIP, pixels) == 0 &&
         pm_tokenize(m, "a photo of a cat.", ids) >= 0 &&
         pm_tokenize(m, "a photo of a dog.", ids + mi->context_length) >= 0 &&
         pm_encode_images(m, 1, pixels, img) == 0 &&    /* [1, D] */
         pm_encode_texts(m, 2, ids, txt) == 0 &&        /* [2, D] */
         pm_logits(m, 1, img, 2, txt, probs) == 0;      /* exp(logit_scale) * cosine */
    if (ok) {
        pm_softmax_rows(1, 2, probs);
        printf("cat %.3f  dog %.3f\n", probs[0], probs[1]);
    } else {
        fprintf(stderr, "%s\n", pm_last_error());
    }
    pm_image_free(rgb), free(pixels), free(ids), pm_model_free(m);
    return ok ? 0 : 1;
}
