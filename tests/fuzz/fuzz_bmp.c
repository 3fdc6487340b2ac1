/* libFuzzer harness: the bmp decoder. */
#include "fuzz_common.h"
FUZZ_DECODER(pm__bmp_decode)
