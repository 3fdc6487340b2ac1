/* Shared by the libFuzzer harnesses tests/fuzz/fuzz_*.c: the whole library, with small image
   limits so that a header alone cannot ask for gigabytes. Build and run with `make fuzz`
   (clang -fsanitize=fuzzer,address,undefined). */
#define PROMPTMARGIN_IMPLEMENTATION
#include "../../promptmargin.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A copy of the input in an exactly-sized heap buffer, so ASan sees any read past its end. */
static uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
    uint8_t *b = (uint8_t *)malloc(size ? size : 1);
    if (size) memcpy(b, data, size);
    pm_set_image_limits(1 << 14, 1 << 14, 1L << 22);
    return b;
}

/* Decode with one decoder and free the result. */
#define FUZZ_DECODER(fn)                                                                     \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                             \
    {                                                                                        \
        int w, h;                                                                            \
        uint8_t *b = fuzz_copy(data, size), *rgb = fn(b, size, &w, &h);                      \
        free(rgb);                                                                           \
        free(b);                                                                             \
        return 0;                                                                            \
    }
