/* libFuzzer harness: zlib, gzip and raw deflate streams. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b = fuzz_copy(data, size), *out = NULL;
    size_t len = 0, used = 0;
    if (pm__zlib_decode(b, size, &out, &len, (size_t)1 << 22) == 0) free(out);
    if (pm__gunzip(b, size, &out, &len, (size_t)1 << 22) == 0) free(out);
    if (pm__inflate_raw(b, size, &used, &out, &len, (size_t)1 << 22) == 0) free(out);
    free(b);
    return 0;
}
