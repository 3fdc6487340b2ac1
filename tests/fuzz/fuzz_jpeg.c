/* libFuzzer harness: the jpeg decoder. */
#include "fuzz_common.h"
FUZZ_DECODER(pm__jpeg_decode)
