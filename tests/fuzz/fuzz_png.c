/* libFuzzer harness: the png decoder. */
#include "fuzz_common.h"
FUZZ_DECODER(pm__png_decode)
