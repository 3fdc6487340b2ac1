/* libFuzzer harness: the pnm decoder. */
#include "fuzz_common.h"
FUZZ_DECODER(pm__pnm_decode)
