/* libFuzzer harness: the tokenizer on arbitrary bytes (invalid UTF-8, entities, long words),
   with the committed tiny merge list; the first byte picks the context length. */
#include "fuzz_common.h"

static pm_tokenizer *tok;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    int32_t ids[80];
    int context;
    if (!tok) tok = pm_tokenizer_load("tests/fixtures/tiny_bpe.txt", 0);
    if (!tok || size == 0) return 0;
    context = 2 + data[0] % 78;
    text = (char *)malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    pm_tokenizer_encode(tok, text, ids, context);
    free(text);
    return 0;
}
