# promptmargin: `make` builds the CLI, `make test` runs the test suite.
# Only a C99 compiler, libm and python3 (standard library, for tools/convert.py) are needed.

CC      ?= cc
CFLAGS  ?= -O2
PYTHON  ?= python3
WARN     = -std=c99 -Wall -Wextra -pedantic
BUILD   ?= build
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

FIXTURE_INPUTS = tests/fixtures/manifest.json tests/convert_fixtures.py tools/convert.py

.PHONY: all test sanitize demo fuzz clean

all: promptmargin

promptmargin: examples/promptmargin.c promptmargin.h
	$(CC) $(WARN) $(CFLAGS) examples/promptmargin.c -o $@ -lm

$(BUILD)/promptmargin: examples/promptmargin.c promptmargin.h
	@mkdir -p $(BUILD)
	$(CC) $(WARN) -Werror $(CFLAGS) $(EXTRA) examples/promptmargin.c -o $@ -lm

$(BUILD)/test_promptmargin: tests/test_promptmargin.c tests/test_images.c tests/test_augment.c tests/test_ops.c tests/test_prompts.c tests/test_pretrain.c promptmargin.h
	@mkdir -p $(BUILD)
	$(CC) $(WARN) -Werror $(CFLAGS) $(EXTRA) tests/test_promptmargin.c -o $@ -lm

$(BUILD)/hello: examples/hello.c promptmargin.h
	@mkdir -p $(BUILD)
	$(CC) $(WARN) -Werror $(CFLAGS) $(EXTRA) -I. examples/hello.c -o $@ -lm

$(BUILD)/fixtures/models.txt: $(FIXTURE_INPUTS)
	$(PYTHON) tests/convert_fixtures.py $(BUILD)/fixtures

test: $(BUILD)/promptmargin $(BUILD)/test_promptmargin $(BUILD)/hello $(BUILD)/fixtures/models.txt
	$(BUILD)/test_promptmargin --fixtures $(BUILD)/fixtures --cli $(BUILD)/promptmargin

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) test BUILD=build/san CFLAGS="-O1 -g" EXTRA="$(SAN)"

# libFuzzer harnesses (clang with its sanitizer runtime): `make fuzz FUZZ_SECONDS=600`, or one
# harness with `make fuzz-png`. Each keeps its corpus in build/fuzz/corpus_NAME and ends with
# libFuzzer's statistics (stat::number_of_executed_units = executions).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZERS       = png bmp pnm jpeg zlib model tokenizer safetensors dataset
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SEEDS_png         = tests/fixtures/decoders
FUZZ_SEEDS_bmp         = tests/fixtures/decoders
FUZZ_SEEDS_pnm         = tests/fixtures/decoders
FUZZ_SEEDS_zlib        = tests/fixtures/decoders
FUZZ_SEEDS_jpeg        = tests/fixtures/jpeg
FUZZ_SEEDS_model       = tests/fuzz/seeds/model
FUZZ_SEEDS_tokenizer   = tests/fuzz/seeds/tokenizer
FUZZ_SEEDS_safetensors = tests/fuzz/seeds/safetensors
FUZZ_SEEDS_dataset     = tests/fuzz/seeds/dataset

fuzz: $(addprefix fuzz-,$(FUZZERS))

fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h promptmargin.h
	@mkdir -p build/fuzz/corpus_$*
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_$*.c -o build/fuzz/fuzz_$* -lm
	build/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -print_final_stats=1 build/fuzz/corpus_$* $(FUZZ_SEEDS_$*) > build/fuzz/$*.log 2>&1; \
	    rc=$$?; tail -n 12 build/fuzz/$*.log; exit $$rc

# The main job, offline, on the small CLIP this project trained and ships
# (weights/shapes-vit-tiny.pmc, see weights/README.md): five generated target domains at
# growing distance from its pretraining data (clean, noisy, sketch, palette, novel), 5-way
# 1-shot and 5-shot episodes of zero-shot CLIP, CoOp, MaPLe and PromptMargin on the same
# seeded episodes, then one table (mean and 95% CI). A short run: DEMO_EPISODES per cell
# (README.md gives the command of the full table). Re-running resumes: finished cells are
# read back, not recomputed.
DEMO_EPISODES ?= 2
DEMO_MODEL     = weights/shapes-vit-tiny.pmc
DEMO_SETTINGS  = --steps 30 --views 8 --keep 6
demo: promptmargin
	./promptmargin shapes --out $(BUILD)/shapes --per-class 40 --seed 1
	./promptmargin grid --model $(DEMO_MODEL) --data $(BUILD)/shapes --episodes $(DEMO_EPISODES) \
	    $(DEMO_SETTINGS) --out $(BUILD)/demo-$(DEMO_EPISODES)

clean:
	rm -rf build promptmargin
