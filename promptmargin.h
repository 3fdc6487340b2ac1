/* promptmargin.h - CLIP and few-shot prompt tuning (PromptMargin) in one C99 header.

   Do this:
       #define PROMPTMARGIN_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define and sees only the declarations.

       #define PROMPTMARGIN_IMPLEMENTATION
       #include "promptmargin.h"

   Build with any C99 compiler and libm:  cc -std=c99 -O2 app.c -lm

   QUICK NOTES
       - The model is a `.pmc` file made by tools/convert.py from an OpenAI, open_clip or
         Hugging Face CLIP checkpoint (ViT image tower, any size). The format is described in
         section [4] below and in README.md.
       - Numbers match PyTorch: both towers agree with a float64 PyTorch CLIP to about 1e-5.
       - The library never prints and never exits. A function that fails returns NULL or a
         negative status; pm_last_error() then says why in one sentence.
       - The error message buffer is global: do not call the library from several threads
         at once unless you don't care which message you read.
       - Speed: matrix products use every core (pm_set_threads) with an AVX-512, AVX2 or NEON
         kernel picked at run time, portable C otherwise; results are bit-identical for any
         thread count. bf16 model files compute in bf16 on CPUs with AVX512-BF16 (activations
         rounded to bf16); elsewhere their weights are widened to f32.
       - Where float expressions are evaluated in a wider type (FLT_EVAL_METHOD != 0: x87 on
         32-bit x86, GCC on s390x under -std=c99) results move in the last bit and preprocessing
         can miss PIL by one; build with -msse2 -mfpmath=sse, or -fexcess-precision=fast.

   CONFIGURATION (define before including the implementation)
       PROMPTMARGIN_STATIC   make every function static (two copies may then be linked)
       PM_MALLOC, PM_REALLOC, PM_FREE   your allocator (define all three or none)
       PM_ASSERT(x)          your assert (programmer errors inside the library only)
       PM_NO_STDIO           no file access: load models and images from memory only
       PM_NO_THREADS         no thread pool (otherwise pthreads, or Win32 threads on Windows)
       PM_NO_SIMD            portable C matrix kernels only (no AVX2/AVX-512/NEON)

   API TOUR
       pm_model *m = pm_model_load("ViT-B-32.pmc");         // NULL: see pm_last_error()
       const pm_model_info *mi = pm_model_get_info(m);
       int32_t ids[2 * 77];                                   // mi->context_length per text
       pm_tokenize(m, "a photo of a cat.", ids);
       pm_tokenize(m, "a photo of a dog.", ids + mi->context_length);
       float *px = malloc(sizeof(float) * 3 * mi->image_size * mi->image_size);
       pm_preprocess(m, rgb, w, h, PM_PREPROCESS_CLIP, px);   // RGB8 -> [3,S,S]
       float img[512], txt[2 * 512], logits[2];
       pm_encode_images(m, 1, px, img);                       // [1,D], not normalised
       pm_encode_texts(m, 2, ids, txt);                       // [2,D], not normalised
       pm_logits(m, 1, img, 2, txt, logits);                  // exp(logit_scale) * cosine
       pm_model_free(m);

   PRETRAINING TOUR (train a small CLIP from scratch, section [14])
       char *merges = pm_bpe_train(n, captions, 500, 2, &len, NULL);  // the tokenizer
       pm_model *m = pm_model_create(&cfg, merges, len, seed);       // random f32 weights
       pm_clip_trainer *t = pm_clip_trainer_create(m, NULL);          // AdamW, CLIP's settings
       pm_clip_train_step(t, B, pixels, ids, lr, &stats);             // B image-text pairs
       pm_model_save(m, "mine.pmc", PM_DTYPE_F16);                    // a normal model file

   CONTENTS (the implementation reads top to bottom in this order)
       [1] utilities        errors, allocation, little-endian bytes, f16/bf16, inflate/gunzip
       [2] threads, gemm    the thread pool; the one matrix-product routine every layer uses
       [3] layers           layernorm, linear, activations, attention, transformer block
       [4] model file       the .pmc format, its validating loader and its writer
       [5] tokenizer        CLIP's byte-level BPE, with its Unicode tables; merge-list training
       [6] images           decoders (PNG, JPEG, BMP, PNM), PIL-exact resize, preprocessing
       [7] augmentation     PCG32 generator, random resized crop, colour jitter (PIL-exact)
       [8] clip             image tower, text tower, logits
       [9] datasets         ImageFolder and CSV datasets, class-name files
       [10] safetensors     the prompt file format (a bounded JSON reader, an atomic writer)
       [11] prompts         prompt learner, loss, SGD: training with a bounded-memory backward
       [12] episodes        seeded N-way K-shot sampling, summaries
       [13] diagnostic      "will tuning help?" from the support set alone
       [14] pretraining     a CLIP of your own: new models, every weight's gradient, CLIP's
                            contrastive loss, AdamW, checkpoints

   LICENSE: MIT, see the end of the file.
*/
#if defined(PROMPTMARGIN_IMPLEMENTATION) && !defined(_WIN32) && !defined(_FILE_OFFSET_BITS)
/* 64-bit file offsets and inode numbers on 32-bit systems (else readdir fails with EOVERFLOW on
   file systems with large inode numbers). Only effective when this header is included before
   any system header; otherwise build with -D_FILE_OFFSET_BITS=64 there. */
#define _FILE_OFFSET_BITS 64
#endif
#ifndef PROMPTMARGIN_H
#define PROMPTMARGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef PROMPTMARGIN_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define PMDEF static __attribute__((unused)) /* a program need not call every function */
#else
#define PMDEF static
#endif
#else
#ifdef __cplusplus
#define PMDEF extern "C"
#else
#define PMDEF extern
#endif
#endif

#define PM_VERSION_STRING "0.1.0"

/* Activation of the MLP in every transformer block. */
enum { PM_ACT_QUICK_GELU = 0, PM_ACT_GELU = 1 };

/* Weight storage types of a model file. */
enum { PM_DTYPE_F32 = 0, PM_DTYPE_F16 = 1, PM_DTYPE_BF16 = 2 };

/* Image preprocessing: CLIP's own (short side to S with bicubic, centre crop, the model's
   mean/std), or the PromptMargin reference code's (resize to floor(S*257/224 + 0.5) square with
   bilinear, centre crop, ImageNet mean/std). */
enum { PM_PREPROCESS_CLIP = 0, PM_PREPROCESS_PAPER = 1 };

typedef struct pm_model pm_model;

/* Hyper-parameters of a loaded model, as the file describes them. */
typedef struct pm_model_info {
    int has_vision, has_text;  /* which towers the file holds */
    int image_size;            /* S: input images are [3, S, S] */
    int patch_size;            /* P: S / P patches per side */
    int vision_width, vision_layers, vision_heads, vision_mlp;
    int context_length;        /* tokens per text, 77 for CLIP */
    int vocab_size;            /* 512 + n_merges + 2 */
    int text_width, text_layers, text_heads, text_mlp;
    int embed_dim;             /* D: width of both towers' output */
    int act;                   /* PM_ACT_QUICK_GELU or PM_ACT_GELU */
    int dtype;                 /* storage type of the weight matrices (PM_DTYPE_*) */
    int n_merges;              /* BPE merges of the tokenizer */
    int sot_token, eot_token;  /* <|startoftext|>, <|endoftext|> ids */
    float logit_scale;         /* raw parameter: logits use exp(logit_scale) */
    float image_mean[3], image_std[3];
    int n_tensors;
    uint64_t file_size;
} pm_model_info;

/* Why the last call failed, in one sentence (never NULL). */
PMDEF const char *pm_last_error(void);

#ifndef PM_NO_STDIO
/* Load a .pmc model file. Returns NULL on any problem with the file (pm_last_error). */
PMDEF pm_model *pm_model_load(const char *path);
#endif
/* Load a model from a memory image of a .pmc file (the bytes are copied). */
PMDEF pm_model *pm_model_load_memory(const void *data, size_t size);
PMDEF void pm_model_free(pm_model *model);
PMDEF const pm_model_info *pm_model_get_info(const pm_model *model);
/* Name, storage type and shape of tensor i (0 <= i < n_tensors), for inspection. Returns 0,
   or -1 when i is out of range. shape has 4 entries, unused ones 0. */
PMDEF int pm_model_tensor(const pm_model *model, int i, const char **name, int *dtype,
                          int *ndim, int shape[4]);

/* Tokenize UTF-8 text into one context row ids[context_length]: <|startoftext|>, the BPE
   tokens, <|endoftext|>, zero padding; a text too long is cut and keeps <|endoftext|> last.
   Returns the position of <|endoftext|>, or -1 (no text tower, invalid input). */
PMDEF int pm_tokenize(pm_model *model, const char *text, int32_t *ids);

/* A tokenizer on its own, without a model: from CLIP's merge list file
   (bpe_simple_vocab_16e6.txt.gz, gzipped or plain; its "#version" line is skipped), or from
   a Hugging Face merges.txt. n_merges: how many merges to use; 0 takes CLIP's 48894 when the
   file has that many, else every line. The vocabulary is 512 + n_merges + 2 ids. */
typedef struct pm_tokenizer pm_tokenizer;
#ifndef PM_NO_STDIO
PMDEF pm_tokenizer *pm_tokenizer_load(const char *path, int n_merges);
#endif
PMDEF pm_tokenizer *pm_tokenizer_load_memory(const void *data, size_t size, int n_merges);
PMDEF void pm_tokenizer_free(pm_tokenizer *tok);
/* As pm_tokenize, into ids[context] (context >= 2). Returns the <|endoftext|> position. */
PMDEF int pm_tokenizer_encode(pm_tokenizer *tok, const char *text, int32_t *ids, int context);
/* The tokenizer of a model (owned by the model), or NULL when it has no text tower. */
PMDEF pm_tokenizer *pm_model_tokenizer(pm_model *model);
/* Learn a merge list from n texts, for a model of one's own: the texts are split and
   normalised exactly as pm_tokenize splits them, the distinct words counted, then the most
   frequent pair of adjacent symbols is merged, again and again, until n_merges merges exist or
   no pair occurs min_count times (below 1: once). Pairs are counted over all words times their
   counts, overlapping ones included ("aaa" holds "a a" twice). Equal counts go to the pair
   whose left symbol, then right symbol, is smaller as raw bytes (a prefix first; a symbol
   without "</w>" before the same bytes with it), so the result depends on the texts alone.
   Returns the merges as text, one "left right\n" line each and no "#version" line, as the
   model file stores them; NUL-terminated, *len bytes long without the NUL, *n_out merges (len
   and n_out may be NULL); pm_tokenizer_load_memory(text, *len, *n_out) reads it, and a model
   using it has 512 + *n_out + 2 token ids. Release it with pm_free. Encoding a word of the
   texts with it gives the symbols training ended with (a word seen min_count times is one
   token once enough merges are allowed). NULL on failure (pm_last_error). */
PMDEF char *pm_bpe_train(int n, const char *const *texts, int n_merges, int min_count,
                         size_t *len, int *n_out);

/* RGB8 image [h, w, 3] -> model input [3, S, S] (S = image_size), per `mode`. Returns 0/-1. */
PMDEF int pm_preprocess(const pm_model *model, const uint8_t *rgb, int w, int h, int mode,
                        float *out);

/* One random training view [3, S, S] of an RGB8 image (method.md section 4): random resized
   crop (scale 0.08-1, ratio 3/4-4/3) with bilinear resize, brightness, contrast and colour
   factors in 1 +- 0.4, horizontal flip with p = 0.5, then the normalisation of `mode`. The view
   depends only on (seed, view): tools/pm_rng.py documents and reproduces every random draw.
   Returns 0/-1. */
PMDEF int pm_augment_view(const pm_model *model, const uint8_t *rgb, int w, int h, int mode,
                          uint64_t seed, uint64_t view, float *out);

/* Image tower: pixels [n, 3, S, S] -> features [n, D] (not normalised). Returns 0/-1. */
PMDEF int pm_encode_images(pm_model *model, int n, const float *pixels, float *out);
/* Text tower: ids [n, context_length] -> features [n, D] (not normalised). Returns 0/-1. */
PMDEF int pm_encode_texts(pm_model *model, int n, const int32_t *ids, float *out);
/* logits[i, j] = exp(logit_scale) * cos(img[i], txt[j]); img [n_img, D], txt [n_txt, D]. */
PMDEF int pm_logits(const pm_model *model, int n_img, const float *img, int n_txt,
                    const float *txt, float *logits);
/* Scale each of the n rows of x [n, d] to unit length (rows of zeros stay zero). */
PMDEF void pm_normalize_rows(int n, int d, float *x);
/* In-place softmax over each of the n rows of x [n, d]. */
PMDEF void pm_softmax_rows(int n, int d, float *x);

/* Threads the library uses for its heavy loops (matrix products, attention), for the whole
   process; n <= 0 means one per online CPU, the default. Results are bit-identical for every
   count. Call it between library calls, not during one. Without threads (PM_NO_THREADS) the
   count is always 1. */
PMDEF void pm_set_threads(int n);
PMDEF int pm_get_threads(void);
/* The matrix-product kernel chosen for this CPU: "avx512", "avx2", "neon" or "portable". */
PMDEF const char *pm_gemm_kernel_name(void);
/* The library's matrix product on float matrices, threaded: C[M,N] = alpha op(A) op(B) +
   beta C, row-major, op(A) = A [M,K] (lda) or with ta A^T (A stored [K,M]); op(B) = B [K,N]
   (ldb) or with tb B^T (B stored [N,K]); beta 0: C is only written. */
PMDEF void pm_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                   const float *B, int ldb, float beta, float *C, int ldc);
/* Run the matrix kernel alone on cache-resident data, `reps` tiles of depth 256 on each of
   pm_get_threads() threads at once; returns the floating-point operations done. Timed by the
   caller, it gives the machine's practical peak (what `promptmargin bench` compares with). */
PMDEF double pm_gemm_peak_work(long reps);

/* Decode an image (PNG, JPEG, BMP, PNM) to RGB8 [h, w, 3], as PIL's convert("RGB") would (a
   JPEG's EXIF orientation applied, as ImageOps.exif_transpose does). The
   buffer is the library's: release it with pm_image_free. NULL on failure (pm_last_error). */
PMDEF uint8_t *pm_image_load_memory(const void *data, size_t size, int *w, int *h);
#ifndef PM_NO_STDIO
PMDEF uint8_t *pm_image_load(const char *path, int *w, int *h);
#endif
PMDEF void pm_image_free(uint8_t *rgb);
/* Largest image the decoders accept (defaults: 32768 x 32768, 2^28 pixels). */
PMDEF void pm_set_image_limits(int max_width, int max_height, long max_pixels);

/* A labelled image collection: an ImageFolder root (root/<class>/<images>, classes sorted by
   folder name, hidden and non-image files ignored) or a CSV file ("path,label" with a header
   row; paths relative to the CSV). class_names (may be NULL) is a text file of
   "key<TAB>text name" lines giving the name used in prompts (default: the key with '_' read
   as a space); when given, every class must be in it. Opening lists the files; problems that
   do not stop the dataset (a non-image file, an empty class folder, and after
   pm_dataset_verify an image that does not decode) are recorded once each, with their path,
   and the rest loads. Not available with PM_NO_STDIO. */
typedef struct pm_dataset pm_dataset;
#ifndef PM_NO_STDIO /* datasets live in files: none without stdio */
PMDEF pm_dataset *pm_dataset_open(const char *path, const char *class_names);
/* Decode every image once; drop those that fail (recorded as problems) and classes left
   empty. progress(done, total, user) is called now and then when not NULL. Returns 0/-1. */
PMDEF int pm_dataset_verify(pm_dataset *ds, void (*progress)(int done, int total, void *user),
                            void *user);
PMDEF void pm_dataset_free(pm_dataset *ds);
PMDEF int pm_dataset_num_classes(const pm_dataset *ds);
PMDEF const char *pm_dataset_class_key(const pm_dataset *ds, int c);  /* folder or CSV label */
PMDEF const char *pm_dataset_class_text(const pm_dataset *ds, int c); /* name for prompts */
PMDEF int pm_dataset_class_count(const pm_dataset *ds, int c);        /* images of class c */
PMDEF int pm_dataset_num_images(const pm_dataset *ds);
PMDEF const char *pm_dataset_image_path(const pm_dataset *ds, int i);
PMDEF int pm_dataset_image_label(const pm_dataset *ds, int i);
PMDEF int pm_dataset_num_problems(const pm_dataset *ds);
PMDEF const char *pm_dataset_problem(const pm_dataset *ds, int i);
#endif


/* ---- Prompt tuning (method.md sections 3, 5, 6) -------------------------------------------
   Methods, as options of one code path: zero-shot CLIP; CoOp (text context only, depth 1);
   MaPLe (coupled text and vision prompts); PromptMargin (MaPLe plus the margin regulariser). */
enum { PM_METHOD_ZEROSHOT = 0, PM_METHOD_COOP = 1, PM_METHOD_MAPLE = 2, PM_METHOD_PROMPTMARGIN = 3 };
/* The margin regulariser pulls image-prototype distances to the text mean (default) or to
   their own mean. */
enum { PM_MARGIN_TEXT = 0, PM_MARGIN_SELF = 1 };

PMDEF const char *pm_method_name(int method);
PMDEF int pm_method_parse(const char *name); /* PM_METHOD_*, or -1 */

/* Learned prompts for a set of classes: ctx, proj, deep_text, deep_proj (method.md §3). */
typedef struct pm_prompts pm_prompts;
/* Fresh prompts: ctx from the token embeddings of "a photo of a" (n_ctx <= 4; else random),
   the vision projections with PyTorch's default Linear initialisation and deep_text N(0, 0.02)
   from a PCG32 seeded with `seed`. Class prompts are "a photo of a {name}." ('_' read as a
   space). depth counts layer 0 (MaPLe: 9); CoOp always uses depth 1. */
PMDEF pm_prompts *pm_prompts_create(pm_model *model, int method, int n_ctx, int depth,
                                    int n_classes, const char *const *classnames,
                                    uint64_t seed);
PMDEF void pm_prompts_free(pm_prompts *prompts);
PMDEF int pm_prompts_num_classes(const pm_prompts *prompts);
PMDEF const char *pm_prompts_class(const pm_prompts *prompts, int c);
PMDEF int pm_prompts_method(const pm_prompts *prompts);
#ifndef PM_NO_STDIO
/* Prompt files are safetensors (tensors ctx, proj.weight, proj.bias, deep_text.{k},
   deep_proj.{k}.weight/bias; metadata n_ctx, depth, method, classnames, model_sha256),
   written atomically. Loading checks the shapes and that the file was made for this model. */
PMDEF int pm_prompts_save(pm_model *model, const pm_prompts *prompts, const char *path);
PMDEF pm_prompts *pm_prompts_load(pm_model *model, const char *path);
#endif
/* The same from a memory image of a prompt file. */
PMDEF pm_prompts *pm_prompts_load_memory(pm_model *model, const void *data, size_t size);

/* Loss terms of one training step, evaluated before its update. */
typedef struct pm_step_stats {
    double ce, r_t, r_v, total; /* total = ce (+ lambda_t r_t + lambda_v r_v with the margin) */
} pm_step_stats;

/* Training settings; zero means the default (method.md section 6). */
typedef struct pm_train_desc {
    int steps;          /* SGD steps on the whole set (150) */
    float lr;           /* learning rate (0.01) */
    float momentum;     /* momentum (0.9; negative for none) */
    float lambda_t, lambda_v; /* margin weights for PromptMargin (1, 1) */
    int margin_target;  /* PM_MARGIN_TEXT or PM_MARGIN_SELF */
    double memory_mb;   /* image-tower activations kept at once (2048): above it, the views
                           are processed in chunks; all but the last keep only their blocks'
                           inputs (two of each block's products are computed again in the
                           backward), or, when even that does not fit, are computed again */
    void (*on_step)(int step, const pm_step_stats *stats, void *user); /* may be NULL */
    void *user;
} pm_train_desc;

/* Train the prompts on n_views preprocessed views pixels [n, 3, S, S] with labels [n] (class
   indices of the prompts). Every class needs at least one view. Returns 0/-1. */
PMDEF int pm_prompts_train(pm_model *model, pm_prompts *prompts, int n_views,
                           const float *pixels, const int *labels, const pm_train_desc *desc);
/* The training set of a labelled support set (method.md section 4). For each of the n
   images rgb[i] (RGB8, w[i] x h[i], class labels[i]): the plain view (`mode` preprocessing)
   and n_aug augmented views (pm_augment_view with `seed`, view id i * 65536 + a). With
   `select`, every candidate is scored with the prompts (cosine between its image feature and
   its class's text feature) and the `keep` best of each class are kept (the plain view may be
   dropped); without it every view is kept. Returns 0 with *pixels [n_out, 3, S, S] and
   *out_labels [n_out] allocated by the library (release with pm_free), or -1. */
PMDEF int pm_training_views(pm_model *model, const pm_prompts *prompts, int n,
                            const uint8_t *const *rgb, const int *w, const int *h,
                            const int *labels, int mode, int n_aug, int keep, int select,
                            uint64_t seed, float **pixels, int **out_labels, int *n_out);
/* Release memory the library allocated for the caller. */
PMDEF void pm_free(void *ptr);
/* Unit text features of the classes [n_classes, D], and unit image features [n, D] with the
   prompts' vision tokens (prompts NULL: plain CLIP). logits = exp(logit_scale) * img . txt. */
PMDEF int pm_prompts_text_features(pm_model *model, const pm_prompts *prompts, float *out);
PMDEF int pm_prompts_image_features(pm_model *model, const pm_prompts *prompts, int n,
                                    const float *pixels, float *out);


/* ---- Episodes (method.md section 2) --------------------------------------------------------
   An N-way K-shot episode: `ways` classes, `shots` support and `queries` query images per
   class, disjoint. Episode `index` of `seed` depends only on the dataset, seed and index
   (PCG32 seeded from them), never on threads or shards. Every class of the dataset must have
   at least shots + queries images. */
typedef struct pm_episode {
    int ways, shots, queries;
    int *classes; /* [ways] dataset classes, in episode label order */
    int *support; /* [ways * shots] dataset image indices, class by class */
    int *query;   /* [ways * queries] */
} pm_episode;
#ifndef PM_NO_STDIO
PMDEF int pm_episode_sample(const pm_dataset *ds, uint64_t seed, uint64_t index, int ways,
                            int shots, int queries, pm_episode *episode);
PMDEF void pm_episode_free(pm_episode *episode);
#endif

/* Mean, standard deviation (population, as numpy's std) and the 95% confidence half-width
   1.96 std / sqrt(n) of n accuracies, summed in the order given. */
typedef struct pm_summary {
    int n;
    double mean, std, ci95;
} pm_summary;
PMDEF void pm_summarize(int n, const double *values, pm_summary *summary);
/* A seed derived from (seed, a, b) by splitmix64 (the library's own per-episode and per-view
   streams use the same function). */
PMDEF uint64_t pm_derive_seed(uint64_t seed, uint64_t a, uint64_t b);


/* ---- "Will tuning help?" (method.md section 8) ---------------------------------------------
   From a labelled support set and its augmented views only: zero-shot accuracy of the views,
   image-only separability (nearest class prototype, a view never compared with views of its
   own source image; with one image per class, leave-one-view-out), alignment margin (mean of
   cos(own class text) - max cos(other class text)), and the spread of the pairwise text
   distances. Predicts "tune" when separability exceeds zero-shot accuracy by `threshold`. */
typedef struct pm_diagnosis {
    double zeroshot_acc, separability, margin, text_dist_mean, text_dist_std;
    int predict_tune;
} pm_diagnosis;
/* views: pixels [n, 3, S, S], labels [n] (0..n_classes-1), source [n] (source image id). */
PMDEF int pm_diagnose(pm_model *model, int n, const float *pixels, const int *labels,
                      const int *source, int n_classes, const char *const *classnames,
                      double threshold, pm_diagnosis *out);


/* ---- Pretraining a CLIP of your own ----------------------------------------------------------
   Contrastive training of every weight of both towers, as CLIP was trained: a batch of B
   (image, text) pairs, logits = exp(logit_scale) * img . txt^T on unit features, loss = the
   mean of the cross-entropies image->text and text->image (the matching pair is the label),
   logit_scale learned and kept in [0, ln 100]; AdamW with PyTorch's semantics, weight decay on
   the matrices only (tensors of 2 or more dimensions). A merge list for the tokenizer comes
   from pm_bpe_train or any CLIP-format list. */

/* A new model with random weights (f32): the hyper-parameters of cfg (image_size, patch_size,
   vision_width/layers/heads/mlp, context_length, text_width/layers/heads/mlp, embed_dim, act,
   image_mean/std: all std 0 takes CLIP's; other fields are ignored) and the tokenizer of
   merges[0..merges_len) ("left right" lines; a leading "#version" line is skipped).
   Initialisation as OpenAI's CLIP text tower, used for both towers: token embedding
   N(0, 0.02^2), text positions N(0, 0.01^2), class embedding, image positions and both
   projections N(0, width^-1), attention in_proj N(0, width^-1), out_proj and c_proj
   N(0, width^-1 / (2 layers)), c_fc N(0, 1 / (2 width)), conv1 U(+-1/sqrt(3 P^2)), biases 0,
   LayerNorm gains 1, logit_scale ln(1/0.07). Returns NULL on bad hyper-parameters. */
PMDEF pm_model *pm_model_create(const pm_model_info *cfg, const char *merges, size_t merges_len,
                                uint64_t seed);
/* The model as a .pmc file (what tools/convert.py writes) with its weights stored as dtype
   (PM_DTYPE_F32, F16 or BF16, rounded to nearest even): in memory (release with pm_free),
   or written atomically (PATH.tmp, then renamed). */
PMDEF void *pm_model_save_memory(const pm_model *model, int dtype, size_t *size);
#ifndef PM_NO_STDIO
PMDEF int pm_model_save(const pm_model *model, const char *path, int dtype);
#endif

typedef struct pm_clip_train_desc {
    float beta1, beta2, eps;  /* AdamW; 0 takes CLIP's 0.9, 0.98, 1e-6 */
    float weight_decay;       /* decoupled, on matrices only; 0 takes 0.2, < 0 means none */
    double memory_mb;         /* activations kept for the backward (0: 2048); beyond that the
                                 batch runs in chunks, recomputed for their backward */
} pm_clip_train_desc;

typedef struct pm_clip_step_stats {
    double loss;              /* (CE image->text + CE text->image) / 2, before the update */
    double acc_i2t, acc_t2i;  /* top-1 accuracy within the batch, before the update */
    double grad_norm;         /* L2 norm of every gradient */
    double scale;             /* exp(logit_scale) after the update */
} pm_clip_step_stats;

typedef struct pm_clip_trainer pm_clip_trainer;
/* A trainer for model (an f32 file with both towers, from pm_model_create or a converted
   checkpoint); the model's weights change in place with every step. */
PMDEF pm_clip_trainer *pm_clip_trainer_create(pm_model *model, const pm_clip_train_desc *desc);
/* One AdamW step at learning rate lr on a batch: pixels [batch, 3, S, S] (preprocessed),
   ids [batch, context_length] (pm_tokenize), pair i = (image i, text i). 0 or -1. */
PMDEF int pm_clip_train_step(pm_clip_trainer *trainer, int batch, const float *pixels,
                             const int32_t *ids, float lr, pm_clip_step_stats *stats);
/* Steps taken so far (restored by pm_clip_trainer_load). */
PMDEF long pm_clip_trainer_steps(const pm_clip_trainer *trainer);
#ifndef PM_NO_STDIO
/* The optimiser's state (moments and step count) as a safetensors file, atomically; with the
   model saved as f32 next to it, training resumes exactly where it stopped. */
PMDEF int pm_clip_trainer_save(const pm_clip_trainer *trainer, const char *path);
PMDEF int pm_clip_trainer_load(pm_clip_trainer *trainer, const char *path);
#endif
PMDEF void pm_clip_trainer_free(pm_clip_trainer *trainer);

#endif /* PROMPTMARGIN_H */

/* ============================================================================================
   IMPLEMENTATION
   ============================================================================================ */
#ifdef PROMPTMARGIN_IMPLEMENTATION
#ifndef PROMPTMARGIN_IMPLEMENTATION_DONE
#define PROMPTMARGIN_IMPLEMENTATION_DONE

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(PM_MALLOC) && defined(PM_FREE) && defined(PM_REALLOC)
/* all three given */
#elif !defined(PM_MALLOC) && !defined(PM_FREE) && !defined(PM_REALLOC)
#define PM_MALLOC(sz) malloc(sz)
#define PM_REALLOC(p, sz) realloc(p, sz)
#define PM_FREE(p) free(p)
#else
#error "define all of PM_MALLOC, PM_REALLOC and PM_FREE, or none of them"
#endif

#ifndef PM_ASSERT
#include <assert.h>
#define PM_ASSERT(x) assert(x)
#endif

/* ============================================================================================
   [1] UTILITIES
   ============================================================================================ */

/* Marks the training operations (backward passes, losses) that inference-only programs do not
   call, so that they compile without unused-function warnings. */
#if defined(__GNUC__) || defined(__clang__)
#define PM__MAYBE_UNUSED __attribute__((unused))
#else
#define PM__MAYBE_UNUSED
#endif

static char pm__error_buf[512] = "no error";

PMDEF const char *pm_last_error(void) { return pm__error_buf; }

/* Record an error message (printf-style) and return -1, so `return pm__errorf(...)` works. */
static int pm__errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pm__error_buf, sizeof(pm__error_buf), fmt, ap);
    va_end(ap);
    return -1;
}

/* Put "prefix: " before the current error message (e.g. the path of the file that failed). */
static void pm__error_prefix(const char *prefix)
{
    char why[sizeof(pm__error_buf)];
    memcpy(why, pm__error_buf, sizeof(why));
    why[sizeof(why) - 1] = 0;
    pm__errorf("%s: %s", prefix, why);
}

/* n * elem bytes, or NULL with an error when the product overflows or memory runs out. */
static void *pm__malloc_array(size_t n, size_t elem)
{
    void *p;
    if (elem != 0 && n > ((size_t)-1) / elem) {
        pm__errorf("allocation of %lu x %lu bytes overflows", (unsigned long)n,
                   (unsigned long)elem);
        return NULL;
    }
    p = PM_MALLOC(n * elem > 0 ? n * elem : 1);
    if (!p) pm__errorf("out of memory allocating %.0f bytes", (double)n * (double)elem);
    return p;
}

static float *pm__floats(size_t n) { return (float *)pm__malloc_array(n, sizeof(float)); }

static char *pm__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = (char *)pm__malloc_array(n, 1);
    if (d) memcpy(d, s, n);
    return d;
}



static uint32_t pm__rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t pm__rd64(const uint8_t *p)
{
    return (uint64_t)pm__rd32(p) | ((uint64_t)pm__rd32(p + 4) << 32);
}

static uint32_t pm__rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }

static uint32_t pm__rd32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static float pm__rdf32(const uint8_t *p)
{
    uint32_t u = pm__rd32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

#ifndef PM_NO_STDIO
#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif
/* Move tmp over path, replacing it: rename() refuses an existing target on Windows. 0 / -1. */
static int pm__replace_file(const char *tmp, const char *path)
{
#if defined(_WIN32)
    return MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
    return rename(tmp, path);
#endif
}
#endif

static int pm__little_endian(void)
{
    uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* IEEE half (as stored bits) -> float, exact for every value including subnormals, inf, NaN. */
static float pm__f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ffu, u;
    float f;
    if (exp == 0x1f) {
        u = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        u = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        u = sign;
    } else { /* subnormal: value = man * 2^-24 */
        f = (float)man * (1.0f / 16777216.0f);
        return sign ? -f : f;
    }
    memcpy(&f, &u, 4);
    return f;
}

static float pm__bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static size_t pm__dtype_size(int dtype) { return dtype == PM_DTYPE_F32 ? 4 : 2; }

/* Convert n elements of a weight buffer (host byte order) of the given dtype to float. */
static void pm__to_f32(const void *src, int dtype, size_t n, float *dst)
{
    size_t i;
    if (dtype == PM_DTYPE_F32) {
        memcpy(dst, src, n * sizeof(float));
    } else if (dtype == PM_DTYPE_F16) {
        const uint16_t *s = (const uint16_t *)src;
        for (i = 0; i < n; i++) dst[i] = pm__f16_to_f32(s[i]);
    } else {
        const uint16_t *s = (const uint16_t *)src;
        for (i = 0; i < n; i++) dst[i] = pm__bf16_to_f32(s[i]);
    }
}

static int pm__mini(int a, int b) { return a < b ? a : b; }

/* ---------------------------------------------------------------------------
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) and Adler-32.
 * The CRC tables are built on the caller's stack (4 x 256 entries, a few thousand
 * operations), so there is no shared mutable state and no init race between threads.
 * ------------------------------------------------------------------------ */

#define PM__CRC_TABLE_SIZE (4 * 256)

/* fills t[0..1023]: t[0..255] is the byte-wise table, t[k*256 + b] is the CRC of byte b
   followed by k zero bytes (for processing 4 bytes per step) */
static void pm__crc32_init(uint32_t *t)
{
    uint32_t i, k, c;
    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        t[i] = c;
    }
    for (k = 1; k < 4; k++)
        for (i = 0; i < 256; i++) t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^
                                                   t[t[(k - 1) * 256 + i] & 0xFF];
}

/* continues a CRC-32 with tables from pm__crc32_init: crc is the value returned for the
   preceding bytes (0 to start) */
static uint32_t pm__crc32_update(const uint32_t *t, uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n >= 4) {
        crc ^= (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
               ((uint32_t)p[3] << 24);
        crc = t[768 + (crc & 0xFF)] ^ t[512 + ((crc >> 8) & 0xFF)] ^
              t[256 + ((crc >> 16) & 0xFF)] ^ t[crc >> 24];
        p += 4;
        n -= 4;
    }
    while (n--) crc = t[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* Adler-32 of n bytes (RFC 1950), starting from 1 */
static uint32_t pm__adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n > 0) {
        /* 5552 is the largest block for which b cannot overflow 32 bits before the modulo */
        size_t blk = n < 5552 ? n : 5552, i;
        for (i = 0; i < blk; i++) {
            a += p[i];
            b += a;
        }
        a %= 65521u;
        b %= 65521u;
        p += blk;
        n -= blk;
    }
    return (b << 16) | a;
}

/* ---------------------------------------------------------------------------
 * Inflate (RFC 1951).
 *
 * Huffman decoding is table driven: the low PM__ZFAST_BITS bits of the bit
 * buffer index a table whose entry holds (code length << 9 | symbol); codes
 * longer than that (rare) fall back to a canonical bit-by-bit decode.
 * The whole output is kept in one growing buffer that doubles as the
 * 32 KiB window, so back-references read straight from it.
 * ------------------------------------------------------------------------ */

#define PM__ZFAST_BITS 10
#define PM__ZFAST_SIZE (1 << PM__ZFAST_BITS)

typedef struct {
    uint16_t fast[PM__ZFAST_SIZE]; /* (len << 9) | sym for codes <= PM__ZFAST_BITS, else 0 */
    uint16_t count[16];            /* number of codes of each length 1..15 */
    uint16_t sorted[288];          /* symbols in canonical code order (by length, then value) */
} pm__zhuff;

typedef struct {
    const uint8_t *in;    /* compressed input */
    size_t n, pos;        /* input size, next unread byte */
    uint64_t bits;        /* bit buffer, LSB first; bits above nbits are 0 or future input */
    unsigned nbits;       /* valid bits in the buffer */
    uint8_t *out;         /* output (and window), PM_MALLOC'd, grows by doubling */
    size_t out_len, out_cap;
    size_t out_start;     /* back-references may not reach before this offset */
    size_t max_out;       /* hard cap on out_len: exceeding it is an error */
    pm__zhuff lit, dist;
} pm__zstate;

/* base lengths and extra bits for length symbols 257..285 (RFC 1951 3.2.5) */
static const uint16_t pm__zlen_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t pm__zlen_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
/* base distances and extra bits for distance symbols 0..29 */
static const uint16_t pm__zdist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t pm__zdist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
    9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

#define PM__ZKIND_CLEN 0  /* code-length code: must be complete */
#define PM__ZKIND_LIT 1   /* lit/len or distance code: incomplete only as a single 1-bit code */
#define PM__ZKIND_FIXED 2 /* the fixed codes: built from the RFC tables, no checks needed */

/* builds a decoding table from n code lengths (each 0..15); returns 0, or -1 with the
   error set for over-subscribed or (where not allowed) incomplete codes */
static int pm__zhuff_build(pm__zhuff *h, const uint8_t *lens, int n, int kind)
{
    uint16_t offs[16], next[16];
    int i, len, left, code, maxlen = 0, used = 0;

    memset(h->count, 0, sizeof(h->count));
    memset(h->fast, 0, sizeof(h->fast));
    for (i = 0; i < n; i++) h->count[lens[i]]++;
    h->count[0] = 0;
    /* check the Kraft sum: left counts the unused codes at each length */
    left = 1;
    for (len = 1; len <= 15; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0) return pm__errorf("inflate: over-subscribed Huffman code");
        if (h->count[len]) maxlen = len;
        used += h->count[len];
    }
    if (left > 0 && kind != PM__ZKIND_FIXED) {
        /* an incomplete code is only legal when it has no codes at all (lit/dist: reported
           later if a symbol is ever needed) or a single code of length 1 */
        if (kind == PM__ZKIND_CLEN) return pm__errorf("inflate: incomplete code-length code");
        if (used > 0 && maxlen != 1) return pm__errorf("inflate: incomplete Huffman code");
    }
    /* canonical order: offsets of each length in sorted[], first code of each length */
    offs[1] = 0;
    for (len = 1; len < 15; len++) offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
    code = 0;
    for (len = 1; len <= 15; len++) {
        code = (code + h->count[len - 1]) << 1;
        next[len] = (uint16_t)code;
    }
    /* note: count[0] is 0, so next[1] = 0 as the canonical scheme wants */
    for (i = 0; i < n; i++) {
        int l = lens[i], c, rev, k;
        if (l == 0) continue;
        h->sorted[offs[l]++] = (uint16_t)i;
        c = next[l]++;
        if (l > PM__ZFAST_BITS) continue;
        /* deflate sends codes MSB first into an LSB-first stream: index by the reversed code */
        rev = 0;
        for (k = 0; k < l; k++) rev |= ((c >> k) & 1) << (l - 1 - k);
        for (k = rev; k < PM__ZFAST_SIZE; k += 1 << l) h->fast[k] = (uint16_t)((l << 9) | i);
    }
    return 0;
}

/* slow path: decodes one symbol from the low bits of b (LSB first) one bit at a time using
   the canonical code counts; stores its length in *len; returns the symbol or -1 if no code
   of length <= 15 matches */
static int pm__zhuff_slow(const pm__zhuff *h, uint64_t b, unsigned *len)
{
    int code = 0, first = 0, index = 0, l;
    for (l = 1; l <= 15; l++) {
        int cnt = h->count[l];
        code |= (int)(b & 1);
        b >>= 1;
        if (code - first < cnt) {
            *len = (unsigned)l;
            return h->sorted[index + code - first];
        }
        index += cnt;
        first = (first + cnt) << 1;
        code <<= 1;
    }
    return -1;
}

/* Tops the bit buffer up to at least 57 bits, or with all remaining input near the end.
   A macro over plain lvalues so the hot loop keeps its state in registers.
   With 8 input bytes available it loads them at once and keeps as many whole bytes as fit;
   the bits that land above the new nbits are the correct next input bits, so OR-ing them in
   again on the next refill is harmless. */
#define PM__ZREFILL(in, n, pos, bits, nbits)                                                  \
    do {                                                                                      \
        if ((nbits) <= 56) {                                                                  \
            if ((n) - (pos) >= 8) {                                                           \
                const uint8_t *pm__q = (in) + (pos);                                          \
                uint64_t pm__v = (uint64_t)pm__q[0] | ((uint64_t)pm__q[1] << 8) |             \
                                 ((uint64_t)pm__q[2] << 16) | ((uint64_t)pm__q[3] << 24) |    \
                                 ((uint64_t)pm__q[4] << 32) | ((uint64_t)pm__q[5] << 40) |    \
                                 ((uint64_t)pm__q[6] << 48) | ((uint64_t)pm__q[7] << 56);     \
                (bits) |= pm__v << (nbits);                                                   \
                (pos) += (63 - (nbits)) >> 3;                                                 \
                (nbits) |= 56;                                                                \
            } else {                                                                          \
                while ((nbits) <= 56 && (pos) < (n)) {                                        \
                    (bits) |= (uint64_t)(in)[(pos)++] << (nbits);                             \
                    (nbits) += 8;                                                             \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    } while (0)

/* refills the bit buffer of z (see PM__ZREFILL) */
static void pm__zrefill(pm__zstate *z)
{
    PM__ZREFILL(z->in, z->n, z->pos, z->bits, z->nbits);
}

/* reads k (0..32) bits into *v; returns 0, or -1 with the error set if the input ended */
static int pm__zgetbits(pm__zstate *z, unsigned k, uint32_t *v)
{
    *v = 0;
    pm__zrefill(z);
    if (z->nbits < k) return pm__errorf("inflate: compressed data truncated");
    *v = (uint32_t)(z->bits & ((((uint64_t)1) << k) - 1));
    z->bits >>= k;
    z->nbits -= k;
    return 0;
}

/* decodes one symbol with table h (for the non-hot paths, i.e. the code-length code); returns
   it, or -1 with the error set. Code-length codes are complete and at most 7 bits long, so the
   fast table always hits; the slow fallback is kept so the function is correct for any code */
static int pm__zdecode(pm__zstate *z, const pm__zhuff *h)
{
    unsigned len = 0;
    int sym;
    uint32_t e;
    pm__zrefill(z);
    e = h->fast[z->bits & (PM__ZFAST_SIZE - 1)];
    if (e) {
        len = e >> 9;
        sym = (int)(e & 511);
    } else {
        sym = pm__zhuff_slow(h, z->bits, &len);
        if (sym < 0) {
            if (z->pos >= z->n && z->nbits < 15)
                return pm__errorf("inflate: compressed data truncated");
            return pm__errorf("inflate: invalid Huffman code");
        }
    }
    if (len > z->nbits) return pm__errorf("inflate: compressed data truncated");
    z->bits >>= len;
    z->nbits -= len;
    return sym;
}

/* makes room for `need` more output bytes (total capped at max_out); 0 or -1 with error */
static int pm__zgrow(pm__zstate *z, size_t need)
{
    size_t cap, want;
    uint8_t *p;
    if (need > z->max_out - z->out_len)
        return pm__errorf("inflate: output exceeds the limit of %lu bytes",
                          (unsigned long)z->max_out);
    want = z->out_len + need;
    if (want <= z->out_cap) return 0;
    cap = z->out_cap ? z->out_cap : 4096;
    while (cap < want) cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
    if (cap > z->max_out) cap = z->max_out;
    p = (uint8_t *)PM_REALLOC(z->out, cap);
    if (!p) return pm__errorf("inflate: out of memory (%lu bytes)", (unsigned long)cap);
    z->out = p;
    z->out_cap = cap;
    return 0;
}

/* decodes one stored block (after the 3 header bits); 0 or -1 with error */
static int pm__zstored(pm__zstate *z)
{
    size_t len, nlen;
    /* drop the partial byte, then give back the whole bytes still in the bit buffer */
    z->bits >>= z->nbits & 7;
    z->nbits -= z->nbits & 7;
    z->pos -= z->nbits >> 3;
    z->bits = 0;
    z->nbits = 0;
    if (z->n - z->pos < 4) return pm__errorf("inflate: stored block header truncated");
    len = pm__rd16(z->in + z->pos);
    nlen = pm__rd16(z->in + z->pos + 2);
    z->pos += 4;
    if (len != (~nlen & 0xFFFF)) return pm__errorf("inflate: stored block length mismatch");
    if (z->n - z->pos < len) return pm__errorf("inflate: stored block truncated");
    if (pm__zgrow(z, len) != 0) return -1;
    if (len) memcpy(z->out + z->out_len, z->in + z->pos, len);
    z->out_len += len;
    z->pos += len;
    return 0;
}

/* reads the code lengths of a dynamic block and builds z->lit and z->dist; 0 or -1 */
static int pm__zdynamic_tables(pm__zstate *z)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2,
                                      14, 1, 15};
    uint8_t clen[19], lens[286 + 30];
    pm__zhuff ch;
    uint32_t hlit = 0, hdist = 0, hclen = 0, v = 0;
    int i, n;

    if (pm__zgetbits(z, 5, &hlit) || pm__zgetbits(z, 5, &hdist) || pm__zgetbits(z, 4, &hclen))
        return -1;
    hlit += 257;
    hdist += 1;
    hclen += 4;
    if (hlit > 286 || hdist > 30) return pm__errorf("inflate: too many length or distance codes");
    memset(clen, 0, sizeof(clen));
    for (i = 0; i < (int)hclen; i++) {
        if (pm__zgetbits(z, 3, &v)) return -1;
        clen[order[i]] = (uint8_t)v;
    }
    if (pm__zhuff_build(&ch, clen, 19, PM__ZKIND_CLEN)) return -1;

    n = (int)(hlit + hdist);
    i = 0;
    while (i < n) {
        int sym = pm__zdecode(z, &ch), rep;
        uint8_t val;
        if (sym < 0) return -1;
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0) return pm__errorf("inflate: repeat code with no previous length");
            val = lens[i - 1];
            if (pm__zgetbits(z, 2, &v)) return -1;
            rep = 3 + (int)v;
        } else if (sym == 17) {
            val = 0;
            if (pm__zgetbits(z, 3, &v)) return -1;
            rep = 3 + (int)v;
        } else {
            val = 0;
            if (pm__zgetbits(z, 7, &v)) return -1;
            rep = 11 + (int)v;
        }
        if (rep > n - i) return pm__errorf("inflate: code length repeat overflows");
        while (rep--) lens[i++] = val;
    }
    if (lens[256] == 0) return pm__errorf("inflate: missing end-of-block code");
    if (pm__zhuff_build(&z->lit, lens, (int)hlit, PM__ZKIND_LIT)) return -1;
    if (pm__zhuff_build(&z->dist, lens + hlit, (int)hdist, PM__ZKIND_LIT)) return -1;
    return 0;
}

/* decodes the symbols of one Huffman block with z->lit / z->dist until end-of-block.
   This is the hot loop: state is kept in locals and written back on exit. 0 or -1 */
static int pm__zhuffman_block(pm__zstate *z)
{
    const uint8_t *in = z->in;
    size_t n = z->n, pos = z->pos;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits;
    uint8_t *out = z->out;
    size_t olen = z->out_len, ocap = z->out_cap;
    const uint16_t *lfast = z->lit.fast, *dfast = z->dist.fast;
    int rc = 0;

    for (;;) {
        unsigned len;
        int sym;
        uint32_t e;
        size_t length, dist;

        PM__ZREFILL(in, n, pos, bits, nbits); /* >= 57 bits: enough for a whole match */
        e = lfast[bits & (PM__ZFAST_SIZE - 1)];
        if (e) {
            len = e >> 9;
            sym = (int)(e & 511);
        } else {
            sym = pm__zhuff_slow(&z->lit, bits, &len);
            if (sym < 0) {
                rc = (pos >= n && nbits < 15) ? pm__errorf("inflate: compressed data truncated")
                                              : pm__errorf("inflate: invalid literal/length code");
                break;
            }
        }
        if (len > nbits) {
            rc = pm__errorf("inflate: compressed data truncated");
            break;
        }
        bits >>= len;
        nbits -= len;

        if (sym < 256) { /* literal byte */
            if (olen >= ocap) {
                z->out_len = olen;
                if (pm__zgrow(z, 1)) {
                    rc = -1;
                    break;
                }
                out = z->out;
                ocap = z->out_cap;
            }
            out[olen++] = (uint8_t)sym;
            continue;
        }
        if (sym == 256) break; /* end of block */

        /* length/distance pair */
        sym -= 257;
        if (sym >= 29) {
            rc = pm__errorf("inflate: invalid length symbol %d", sym + 257);
            break;
        }
        len = pm__zlen_extra[sym];
        if (len > nbits) {
            rc = pm__errorf("inflate: compressed data truncated");
            break;
        }
        length = pm__zlen_base[sym] + (size_t)(bits & ((1u << len) - 1));
        bits >>= len;
        nbits -= len;

        e = dfast[bits & (PM__ZFAST_SIZE - 1)];
        if (e) {
            len = e >> 9;
            sym = (int)(e & 511);
        } else {
            sym = pm__zhuff_slow(&z->dist, bits, &len);
            if (sym < 0) {
                rc = (pos >= n && nbits < 15) ? pm__errorf("inflate: compressed data truncated")
                                              : pm__errorf("inflate: invalid distance code");
                break;
            }
        }
        if (sym >= 30) {
            rc = pm__errorf("inflate: invalid distance symbol %d", sym);
            break;
        }
        if (len > nbits) {
            rc = pm__errorf("inflate: compressed data truncated");
            break;
        }
        bits >>= len;
        nbits -= len;
        len = pm__zdist_extra[sym];
        if (len > nbits) {
            rc = pm__errorf("inflate: compressed data truncated");
            break;
        }
        dist = pm__zdist_base[sym] + (size_t)(bits & ((1u << len) - 1));
        bits >>= len;
        nbits -= len;

        if (dist > olen - z->out_start) {
            rc = pm__errorf("inflate: distance %lu reaches before the start of the output",
                            (unsigned long)dist);
            break;
        }
        if (length > ocap - olen) {
            z->out_len = olen;
            if (pm__zgrow(z, length)) {
                rc = -1;
                break;
            }
            out = z->out;
            ocap = z->out_cap;
        }
        {
            uint8_t *d = out + olen;
            const uint8_t *s = d - dist;
            olen += length;
            if (dist >= length) {
                memcpy(d, s, length);
            } else if (dist == 1) {
                memset(d, *s, length); /* run of one byte */
            } else {
                while (length--) *d++ = *s++; /* overlapping copy repeats the pattern */
            }
        }
    }
    z->pos = pos;
    z->bits = bits;
    z->nbits = nbits;
    z->out_len = olen;
    return rc;
}

/* decodes one complete deflate stream starting at z->pos, appending to z->out.
   On success z->pos is the first byte after the stream (the final partial byte is skipped).
   Returns 0 or -1 with the error set (z->out stays owned by the caller either way). */
static int pm__zinflate(pm__zstate *z)
{
    uint32_t final = 0, type = 0;
    z->bits = 0;
    z->nbits = 0;
    do {
        if (pm__zgetbits(z, 1, &final) || pm__zgetbits(z, 2, &type)) return -1;
        if (type == 0) {
            if (pm__zstored(z)) return -1;
        } else if (type == 1) {
            uint8_t lens[288];
            int i;
            for (i = 0; i < 144; i++) lens[i] = 8;
            for (; i < 256; i++) lens[i] = 9;
            for (; i < 280; i++) lens[i] = 7;
            for (; i < 288; i++) lens[i] = 8;
            pm__zhuff_build(&z->lit, lens, 288, PM__ZKIND_FIXED);
            for (i = 0; i < 32; i++) lens[i] = 5;
            pm__zhuff_build(&z->dist, lens, 32, PM__ZKIND_FIXED);
            if (pm__zhuffman_block(z)) return -1;
        } else if (type == 2) {
            if (pm__zdynamic_tables(z) || pm__zhuffman_block(z)) return -1;
        } else {
            return pm__errorf("inflate: invalid block type 3");
        }
    } while (!final);
    /* give back whole unread bytes still in the bit buffer */
    z->pos -= z->nbits >> 3;
    z->bits = 0;
    z->nbits = 0;
    return 0;
}

/* sets up a decoder state over in[0..n) with an output cap */
static void pm__zstate_init(pm__zstate *z, const uint8_t *in, size_t n, size_t max_out)
{
    z->in = in;
    z->n = n;
    z->pos = 0;
    z->bits = 0;
    z->nbits = 0;
    z->out = NULL;
    z->out_len = 0;
    z->out_cap = 0;
    z->out_start = 0;
    z->max_out = max_out;
}

/* hands z->out to the caller as exactly out_len bytes (never NULL, even when empty) */
static int pm__zfinish(pm__zstate *z, uint8_t **out, size_t *out_len)
{
    if (!z->out) {
        z->out = (uint8_t *)PM_MALLOC(1);
        if (!z->out) return pm__errorf("inflate: out of memory");
    }
    *out = z->out;
    *out_len = z->out_len;
    return 0;
}

/* Inflates one raw deflate stream (RFC 1951) from in[0..n).
   *out receives a PM_MALLOC'd buffer of *out_len bytes (caller frees); *in_used, if not NULL,
   the number of input bytes the stream occupied. Output beyond max_out bytes is an error.
   Returns 0, or -1 with the error set and *out = NULL. */
static int pm__inflate_raw(const uint8_t *in, size_t n, size_t *in_used, uint8_t **out,
                           size_t *out_len, size_t max_out)
{
    pm__zstate *z = (pm__zstate *)PM_MALLOC(sizeof(pm__zstate));
    int rc;
    *out = NULL;
    *out_len = 0;
    if (!z) return pm__errorf("inflate: out of memory");
    pm__zstate_init(z, in, n, max_out);
    rc = pm__zinflate(z);
    if (rc == 0) rc = pm__zfinish(z, out, out_len);
    if (rc == 0 && in_used) *in_used = z->pos;
    if (rc != 0) PM_FREE(z->out);
    PM_FREE(z);
    return rc;
}

/* Decodes a zlib stream (RFC 1950): 2-byte header (method 8, window <= 32K, no preset
   dictionary), deflate data, big-endian Adler-32 of the output, and nothing after it.
   Output as for pm__inflate_raw. Returns 0 or -1 with the error set. */
static int pm__zlib_decode(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                           size_t max_out)
{
    size_t used = 0;
    *out = NULL;
    *out_len = 0;
    if (n < 2) return pm__errorf("zlib: stream truncated");
    if ((in[0] & 15) != 8 || (in[0] >> 4) > 7)
        return pm__errorf("zlib: unsupported compression method or window size");
    if ((((uint32_t)in[0] << 8) | in[1]) % 31 != 0) return pm__errorf("zlib: bad header check");
    if (in[1] & 0x20) return pm__errorf("zlib: preset dictionaries are not supported");
    if (pm__inflate_raw(in + 2, n - 2, &used, out, out_len, max_out)) return -1;
    used += 2;
    if (n - used < 4) {
        PM_FREE(*out);
        *out = NULL;
        return pm__errorf("zlib: Adler-32 checksum truncated");
    }
    if (pm__rd32be(in + used) != pm__adler32(*out, *out_len)) {
        PM_FREE(*out);
        *out = NULL;
        return pm__errorf("zlib: Adler-32 checksum mismatch");
    }
    if (n - used != 4) {
        PM_FREE(*out);
        *out = NULL;
        return pm__errorf("zlib: trailing data after the stream");
    }
    return 0;
}

/* Decodes gzip data (RFC 1952): one or more members, concatenated output. Header flags
   FTEXT/FHCRC/FEXTRA/FNAME/FCOMMENT are handled (FHCRC verified); each member's CRC-32 and
   ISIZE are checked. Anything after the last member is an error.
   Output as for pm__inflate_raw. Returns 0 or -1 with the error set. */
static int pm__gunzip(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                      size_t max_out)
{
    uint32_t crct[PM__CRC_TABLE_SIZE];
    pm__zstate *z;
    size_t p = 0;
    int rc = 0;

    *out = NULL;
    *out_len = 0;
    pm__crc32_init(crct);
    if (n < 2 || in[0] != 0x1F || in[1] != 0x8B) return pm__errorf("gzip: not a gzip stream");
    z = (pm__zstate *)PM_MALLOC(sizeof(pm__zstate));
    if (!z) return pm__errorf("gzip: out of memory");
    pm__zstate_init(z, in, n, max_out);

    while (rc == 0 && p < n) {
        size_t hstart = p, mstart;
        uint32_t flg;
        if (n - p < 10) {
            rc = pm__errorf("gzip: header truncated");
            break;
        }
        if (in[p] != 0x1F || in[p + 1] != 0x8B) {
            rc = pm__errorf("gzip: trailing garbage after member");
            break;
        }
        if (in[p + 2] != 8) {
            rc = pm__errorf("gzip: unsupported compression method %d", in[p + 2]);
            break;
        }
        flg = in[p + 3];
        if (flg & 0xE0) {
            rc = pm__errorf("gzip: reserved header flags set");
            break;
        }
        p += 10; /* ID1 ID2 CM FLG MTIME(4) XFL OS */
        if (flg & 4) { /* FEXTRA: 2-byte length + data */
            size_t xlen;
            if (n - p < 2) {
                rc = pm__errorf("gzip: header truncated");
                break;
            }
            xlen = pm__rd16(in + p);
            p += 2;
            if (n - p < xlen) {
                rc = pm__errorf("gzip: header truncated");
                break;
            }
            p += xlen;
        }
        if (flg & 8) { /* FNAME: zero-terminated */
            while (p < n && in[p]) p++;
            if (p >= n) {
                rc = pm__errorf("gzip: header truncated");
                break;
            }
            p++;
        }
        if (flg & 16) { /* FCOMMENT: zero-terminated */
            while (p < n && in[p]) p++;
            if (p >= n) {
                rc = pm__errorf("gzip: header truncated");
                break;
            }
            p++;
        }
        if (flg & 2) { /* FHCRC: low 16 bits of the CRC-32 of the header so far */
            if (n - p < 2) {
                rc = pm__errorf("gzip: header truncated");
                break;
            }
            if ((pm__crc32_update(crct, 0, in + hstart, p - hstart) & 0xFFFF) !=
                pm__rd16(in + p)) {
                rc = pm__errorf("gzip: header CRC mismatch");
                break;
            }
            p += 2;
        }
        /* inflate the member; back-references may not reach into earlier members */
        mstart = z->out_len;
        z->out_start = mstart;
        z->pos = p;
        if (pm__zinflate(z)) {
            rc = -1;
            break;
        }
        p = z->pos;
        if (n - p < 8) {
            rc = pm__errorf("gzip: member trailer truncated");
            break;
        }
        /* (z->out is still NULL when nothing has been output yet) */
        if (pm__rd32(in + p) !=
            (z->out_len > mstart
                 ? pm__crc32_update(crct, 0, z->out + mstart, z->out_len - mstart) : 0u)) {
            rc = pm__errorf("gzip: CRC-32 mismatch");
            break;
        }
        if (pm__rd32(in + p + 4) != (uint32_t)((z->out_len - mstart) & 0xFFFFFFFFu)) {
            rc = pm__errorf("gzip: ISIZE mismatch");
            break;
        }
        p += 8;
    }
    if (rc == 0) rc = pm__zfinish(z, out, out_len);
    if (rc != 0) PM_FREE(z->out);
    PM_FREE(z);
    return rc;
}

/* ============================================================================================
   [2] THREADS AND GEMM
   A small thread pool runs the heavy loops (matrix products, attention) in parallel, and one
   routine computes every matrix product of the library:

       C[M,N] = alpha * op(A)[M,K] . op(B)[K,N] + beta * C

   op(A) is A (stored M x K, row stride lda) or, with ta, A^T (A stored K x M). op(B) is B
   (stored K x N) or, with tb, B^T (B stored N x K, which is how nn.Linear keeps W[out, in]).
   A is float; B may be f32, f16 or bf16 (weights are used as the file stores them and are
   converted while packing). beta == 0 means C is only written, never read.
   Blocking follows the usual scheme: a KC x NC block of B is packed into NR-wide panels,
   an MC x KC block of A into MR-high panels, and an MR x NR micro-kernel accumulates.

   Determinism: every element of C is summed in the same order (k = 0, 1, ... within a KC
   block, KC blocks in order) whatever the tile it falls in and whatever the number of
   threads, which only split C into independent parts. So results are identical for every
   thread count; they differ (by rounding) between kernels, and the kernel is chosen once per
   process from the CPU: AVX-512 or AVX2+FMA on x86-64 (GCC/Clang target attributes, so no
   -march flag is needed), NEON on AArch64, portable C elsewhere or with PM_NO_SIMD.
   ============================================================================================ */

/* ---- thread pool ---------------------------------------------------------------------------
   pm__parallel(n, fn, arg) runs fn(arg, 0) ... fn(arg, n - 1), the calling thread taking part;
   it returns when all are done. A call made while the pool is busy (from inside a task, or
   from a second application thread) runs its tasks serially, so the library may be called
   from several threads and tasks may use library routines freely. */

typedef void (*pm__task_fn)(void *arg, int task);

#define PM__MAX_THREADS 64

#if !defined(PM_NO_THREADS) && defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#define PM__THREADS 1
typedef SRWLOCK pm__mutex;
typedef CONDITION_VARIABLE pm__cond;
typedef HANDLE pm__thread;
#define PM__MUTEX_INIT SRWLOCK_INIT
#define PM__COND_INIT CONDITION_VARIABLE_INIT
static void pm__lock(pm__mutex *m) { AcquireSRWLockExclusive(m); }
static void pm__unlock(pm__mutex *m) { ReleaseSRWLockExclusive(m); }
static void pm__wait(pm__cond *c, pm__mutex *m) { SleepConditionVariableSRW(c, m, INFINITE, 0); }
static void pm__broadcast(pm__cond *c) { WakeAllConditionVariable(c); }
static void pm__worker_loop(int *start_gen);
static DWORD WINAPI pm__worker_main(LPVOID arg)
{
    pm__worker_loop((int *)arg);
    return 0;
}
static int pm__thread_start(pm__thread *t, int *arg)
{
    *t = CreateThread(NULL, 0, pm__worker_main, arg, 0, NULL);
    return *t ? 0 : -1;
}
static void pm__thread_join(pm__thread t)
{
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
static int pm__cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return (int)si.dwNumberOfProcessors;
}
#elif !defined(PM_NO_THREADS)
#include <pthread.h>
#include <unistd.h>
#define PM__THREADS 1
typedef pthread_mutex_t pm__mutex;
typedef pthread_cond_t pm__cond;
typedef pthread_t pm__thread;
#define PM__MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define PM__COND_INIT PTHREAD_COND_INITIALIZER
static void pm__lock(pm__mutex *m) { pthread_mutex_lock(m); }
static void pm__unlock(pm__mutex *m) { pthread_mutex_unlock(m); }
static void pm__wait(pm__cond *c, pm__mutex *m) { pthread_cond_wait(c, m); }
static void pm__broadcast(pm__cond *c) { pthread_cond_broadcast(c); }
static void pm__worker_loop(int *start_gen);
static void *pm__worker_main(void *arg)
{
    pm__worker_loop((int *)arg);
    return NULL;
}
static int pm__thread_start(pm__thread *t, int *arg)
{
    return pthread_create(t, NULL, pm__worker_main, arg) == 0 ? 0 : -1;
}
static void pm__thread_join(pm__thread t) { pthread_join(t, NULL); }
static int pm__cpu_count(void)
{
#ifdef _SC_NPROCESSORS_ONLN
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n < PM__MAX_THREADS ? n : PM__MAX_THREADS) : 1;
#else
    return 1;
#endif
}
#endif

static int pm__threads_wanted; /* pm_set_threads; 0: one per CPU */

#ifdef PM__THREADS
static pm__mutex pm__pool_mu = PM__MUTEX_INIT;
static pm__cond pm__pool_work = PM__COND_INIT, pm__pool_done = PM__COND_INIT;
static struct {
    pm__thread th[PM__MAX_THREADS];
    int start_gen[PM__MAX_THREADS];
    int n_workers; /* started, the calling thread not counted */
    int gen;       /* incremented by every dispatch */
    int busy, quit, active, next, n_tasks;
    pm__task_fn fn;
    void *arg;
} pm__pool;

/* A worker: wait for a new generation of tasks, take tasks until none are left, check out. */
static void pm__worker_loop(int *start_gen)
{
    int seen = *start_gen;
    pm__lock(&pm__pool_mu);
    for (;;) {
        while (pm__pool.gen == seen && !pm__pool.quit) pm__wait(&pm__pool_work, &pm__pool_mu);
        if (pm__pool.quit) break;
        seen = pm__pool.gen;
        while (pm__pool.next < pm__pool.n_tasks) {
            int t = pm__pool.next++;
            pm__unlock(&pm__pool_mu);
            pm__pool.fn(pm__pool.arg, t);
            pm__lock(&pm__pool_mu);
        }
        if (--pm__pool.active == 0) pm__broadcast(&pm__pool_done);
    }
    pm__unlock(&pm__pool_mu);
}

/* Stop and join every worker (the pool is idle; called with the lock NOT held). */
static void pm__pool_stop(void)
{
    int i, n;
    pm__lock(&pm__pool_mu);
    pm__pool.quit = 1;
    n = pm__pool.n_workers;
    pm__broadcast(&pm__pool_work);
    pm__unlock(&pm__pool_mu);
    for (i = 0; i < n; i++) pm__thread_join(pm__pool.th[i]);
    pm__lock(&pm__pool_mu);
    pm__pool.quit = 0;
    pm__pool.n_workers = 0;
    pm__unlock(&pm__pool_mu);
}
#endif

PMDEF void pm_set_threads(int n)
{
    n = n < 0 ? 0 : n > PM__MAX_THREADS ? PM__MAX_THREADS : n;
    if (n == pm__threads_wanted) return;
    pm__threads_wanted = n;
#ifdef PM__THREADS
    pm__pool_stop(); /* restarted with the new count by the next parallel loop */
#endif
}

PMDEF int pm_get_threads(void)
{
#ifdef PM__THREADS
    static int n_cpus; /* counted once: sysconf reads /sys at every call */
    int n;
    if (pm__threads_wanted > 0) return pm__threads_wanted;
    pm__lock(&pm__pool_mu);
    if (n_cpus == 0) n_cpus = pm__cpu_count();
    n = n_cpus;
    pm__unlock(&pm__pool_mu);
    return n;
#else
    return 1;
#endif
}

static void pm__parallel(int n_tasks, pm__task_fn fn, void *arg)
{
    int t;
#ifdef PM__THREADS
    int want = pm_get_threads() - 1; /* workers besides the calling thread */
    if (n_tasks > 1 && want > 0) {
        pm__lock(&pm__pool_mu);
        if (!pm__pool.busy) {
            while (pm__pool.n_workers < want) { /* start workers lazily */
                int i = pm__pool.n_workers;
                pm__pool.start_gen[i] = pm__pool.gen;
                if (pm__thread_start(&pm__pool.th[i], &pm__pool.start_gen[i])) break;
                pm__pool.n_workers++;
            }
            pm__pool.busy = 1;
            pm__pool.fn = fn, pm__pool.arg = arg;
            pm__pool.n_tasks = n_tasks, pm__pool.next = 0;
            pm__pool.active = pm__pool.n_workers;
            pm__pool.gen++;
            pm__broadcast(&pm__pool_work);
            while (pm__pool.next < pm__pool.n_tasks) {
                t = pm__pool.next++;
                pm__unlock(&pm__pool_mu);
                fn(arg, t);
                pm__lock(&pm__pool_mu);
            }
            while (pm__pool.active > 0) pm__wait(&pm__pool_done, &pm__pool_mu);
            pm__pool.busy = 0;
            pm__unlock(&pm__pool_mu);
            return;
        }
        pm__unlock(&pm__pool_mu);
    }
#endif
    for (t = 0; t < n_tasks; t++) fn(arg, t);
}

/* fn(arg, begin, end) over [0, n) in chunks of `chunk` items, spread over the pool. The chunks
   do not depend on the thread count, so neither does anything computed per chunk. */
typedef void (*pm__range_fn)(void *arg, size_t begin, size_t end);
typedef struct pm__range_job {
    pm__range_fn fn;
    void *arg;
    size_t n, chunk;
} pm__range_job;

static void pm__range_task(void *arg, int task)
{
    const pm__range_job *j = (const pm__range_job *)arg;
    size_t begin = (size_t)task * j->chunk;
    j->fn(j->arg, begin, begin + j->chunk < j->n ? begin + j->chunk : j->n);
}

static void pm__parallel_range(size_t n, size_t chunk, pm__range_fn fn, void *arg)
{
    pm__range_job j;
    size_t tasks = chunk ? (n + chunk - 1) / chunk : 0;
    if (tasks <= 1 || tasks > 0x7FFFFFFF) {
        if (n) fn(arg, 0, n);
        return;
    }
    j.fn = fn, j.arg = arg, j.n = n, j.chunk = chunk;
    pm__parallel((int)tasks, pm__range_task, &j);
}

/* ---- micro-kernels -------------------------------------------------------------------------
   C[0:mr, 0:nr] += alpha * Ap[kc, MR]^T . Bp[kc, NR] for packed panels. Partial tiles (mr < MR
   or nr < NR) take the same arithmetic as full ones, only fewer elements are stored. */

typedef void (*pm__kernel_fn)(int kc, const void *Ap, const void *Bp, float alpha, float *C,
                              int ldc, int mr, int nr);
/* The same product with A read in place: row i of the tile at A + i * lda (i < mr). */
typedef void (*pm__kernel_rows_fn)(int kc, const float *A, int lda, const void *Bp, float alpha,
                                   float *C, int ldc, int mr, int nr);

typedef struct pm__gemm_kernel {
    const char *name;
    int mr, nr;     /* micro-tile */
    int mc, kc, nc; /* cache blocks (mc a multiple of mr, nc of nr, kc even) */
    int bf16;       /* panels hold bf16 pairs (k, k+1) in 32-bit units instead of floats */
    pm__kernel_fn fn;
    pm__kernel_rows_fn rows; /* or NULL: A is always packed */
} pm__gemm_kernel;


static void pm__kernel_portable(int kc, const void *Apv, const void *Bpv, float alpha,
                                float *C, int ldc, int mr, int nr)
{
    const float *Ap = (const float *)Apv, *Bp = (const float *)Bpv;
    float acc[4][16];
    int k, i, j;
    memset(acc, 0, sizeof(acc));
    for (k = 0; k < kc; k++) {
        const float *a = Ap + k * 4, *b = Bp + k * 16;
        for (i = 0; i < 4; i++) {
            float ai = a[i];
            for (j = 0; j < 16; j++) acc[i][j] += ai * b[j];
        }
    }
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) C[(size_t)i * ldc + j] += alpha * acc[i][j];
}

#if !defined(PM_NO_SIMD) && (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define PM__X86_SIMD 1
#include <immintrin.h>
/* The vector forms of the row operations (softmax, LayerNorm, QuickGELU) keep vectors in stack
   slots, and GCC for 64-bit Windows does not align its stack for them (GCC bug 54412): there
   the plain C forms run instead (the same bits, more slowly). */
#if !defined(_WIN32)
#define PM__X86_ROWS 1
#endif

/* AVX-512: 12 x 32 tile, 24 accumulators. */
#define PM__K512_ROW(i)                                                                       \
    a = _mm512_set1_ps(Ap[i]);                                                                \
    c##i##a = _mm512_fmadd_ps(a, b0, c##i##a);                                                \
    c##i##b = _mm512_fmadd_ps(a, b1, c##i##b);
#define PM__K512_STORE(i)                                                                     \
    if (i < mr) {                                                                             \
        float *cr = C + (size_t)i * ldc;                                                      \
        _mm512_mask_storeu_ps(cr, m0, _mm512_fmadd_ps(al, c##i##a, _mm512_maskz_loadu_ps(m0, cr))); \
        _mm512_mask_storeu_ps(cr + 16, m1,                                                    \
                              _mm512_fmadd_ps(al, c##i##b, _mm512_maskz_loadu_ps(m1, cr + 16))); \
    }
__attribute__((target("avx512f"))) static void
pm__kernel_avx512(int kc, const void *Apv, const void *Bpv, float alpha, float *C, int ldc,
                  int mr, int nr)
{
    const float *Ap = (const float *)Apv, *Bp = (const float *)Bpv;
    __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a;
    __m512 c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a;
    __m512 c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a;
    __m512 c9a = c0a, c9b = c0a, c10a = c0a, c10b = c0a, c11a = c0a, c11b = c0a;
    __m512 a, b0, b1, al = _mm512_set1_ps(alpha);
    __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : (1u << nr) - 1u);
    __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (1u << (nr - 16)) - 1u);
    int k;
    for (k = 0; k < kc; k++) {
        b0 = _mm512_loadu_ps(Bp);
        b1 = _mm512_loadu_ps(Bp + 16);
        PM__K512_ROW(0) PM__K512_ROW(1) PM__K512_ROW(2) PM__K512_ROW(3)
        PM__K512_ROW(4) PM__K512_ROW(5) PM__K512_ROW(6) PM__K512_ROW(7)
        PM__K512_ROW(8) PM__K512_ROW(9) PM__K512_ROW(10) PM__K512_ROW(11)
        Ap += 12;
        Bp += 32;
    }
    PM__K512_STORE(0) PM__K512_STORE(1) PM__K512_STORE(2) PM__K512_STORE(3)
    PM__K512_STORE(4) PM__K512_STORE(5) PM__K512_STORE(6) PM__K512_STORE(7)
    PM__K512_STORE(8) PM__K512_STORE(9) PM__K512_STORE(10) PM__K512_STORE(11)
}

/* The AVX-512 kernel reading A in place (f32, not transposed): no packing of A, the same
   arithmetic. Rows past mr read row 0 (their results are not stored). */
#define PM__K512R_ROW(i)                                                                      \
    a = _mm512_set1_ps(r##i[k]);                                                              \
    c##i##a = _mm512_fmadd_ps(a, b0, c##i##a);                                                \
    c##i##b = _mm512_fmadd_ps(a, b1, c##i##b);
__attribute__((target("avx512f"))) static void
pm__kernel_avx512_rows(int kc, const float *A, int lda, const void *Bpv, float alpha, float *C,
                       int ldc, int mr, int nr)
{
    const float *Bp = (const float *)Bpv;
#define PM__ROWPTR(i) *r##i = A + (size_t)(i < mr ? i : 0) * lda
    const float PM__ROWPTR(0), PM__ROWPTR(1), PM__ROWPTR(2), PM__ROWPTR(3), PM__ROWPTR(4);
    const float PM__ROWPTR(5), PM__ROWPTR(6), PM__ROWPTR(7), PM__ROWPTR(8), PM__ROWPTR(9);
    const float PM__ROWPTR(10), PM__ROWPTR(11);
#undef PM__ROWPTR
    __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a;
    __m512 c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a;
    __m512 c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a;
    __m512 c9a = c0a, c9b = c0a, c10a = c0a, c10b = c0a, c11a = c0a, c11b = c0a;
    __m512 a, b0, b1, al = _mm512_set1_ps(alpha);
    __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : (1u << nr) - 1u);
    __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (1u << (nr - 16)) - 1u);
    int k;
    for (k = 0; k < kc; k++) {
        b0 = _mm512_loadu_ps(Bp);
        b1 = _mm512_loadu_ps(Bp + 16);
        PM__K512R_ROW(0) PM__K512R_ROW(1) PM__K512R_ROW(2) PM__K512R_ROW(3)
        PM__K512R_ROW(4) PM__K512R_ROW(5) PM__K512R_ROW(6) PM__K512R_ROW(7)
        PM__K512R_ROW(8) PM__K512R_ROW(9) PM__K512R_ROW(10) PM__K512R_ROW(11)
        Bp += 32;
    }
    PM__K512_STORE(0) PM__K512_STORE(1) PM__K512_STORE(2) PM__K512_STORE(3)
    PM__K512_STORE(4) PM__K512_STORE(5) PM__K512_STORE(6) PM__K512_STORE(7)
    PM__K512_STORE(8) PM__K512_STORE(9) PM__K512_STORE(10) PM__K512_STORE(11)
}

/* AVX2 + FMA: 6 x 16 tile, 12 accumulators. */
#define PM__K256_ROW(i)                                                                       \
    a = _mm256_set1_ps(Ap[i]);                                                                \
    c##i##a = _mm256_fmadd_ps(a, b0, c##i##a);                                                \
    c##i##b = _mm256_fmadd_ps(a, b1, c##i##b);
#define PM__K256_STORE(i)                                                                     \
    if (i < mr) {                                                                             \
        float *cr = C + (size_t)i * ldc;                                                      \
        _mm256_maskstore_ps(cr, m0, _mm256_fmadd_ps(al, c##i##a, _mm256_maskload_ps(cr, m0))); \
        _mm256_maskstore_ps(cr + 8, m1,                                                       \
                            _mm256_fmadd_ps(al, c##i##b, _mm256_maskload_ps(cr + 8, m1)));    \
    }
__attribute__((target("avx2,fma"))) static void
pm__kernel_avx2(int kc, const void *Apv, const void *Bpv, float alpha, float *C, int ldc,
                int mr, int nr)
{
    const float *Ap = (const float *)Apv, *Bp = (const float *)Bpv;
    static const int32_t lanes[24] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                      -1, -1, -1, -1, 0,  0,  0,  0,  0,  0,  0,  0};
    __m256 c0a = _mm256_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a;
    __m256 c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a;
    __m256 a, b0, b1, al = _mm256_set1_ps(alpha);
    /* lanes + 16 - nr: nr ones, then zeros */
    __m256i m0 = _mm256_loadu_si256((const __m256i *)(const void *)(lanes + 16 - nr));
    __m256i m1 = _mm256_loadu_si256((const __m256i *)(const void *)(lanes + 16 - (nr > 8 ? nr - 8 : 0)));
    int k;
    if (nr <= 8) m1 = _mm256_setzero_si256();
    for (k = 0; k < kc; k++) {
        b0 = _mm256_loadu_ps(Bp);
        b1 = _mm256_loadu_ps(Bp + 8);
        PM__K256_ROW(0) PM__K256_ROW(1) PM__K256_ROW(2)
        PM__K256_ROW(3) PM__K256_ROW(4) PM__K256_ROW(5)
        Ap += 6;
        Bp += 16;
    }
    PM__K256_STORE(0) PM__K256_STORE(1) PM__K256_STORE(2)
    PM__K256_STORE(3) PM__K256_STORE(4) PM__K256_STORE(5)
}

/* AVX-512 BF16 (bf16 weights): 12 x 32 tile; each step takes a pair (k, k+1) of bf16 values
   per row of A and column of B and adds both products in float (vdpbf16ps). */
#define PM__KBF_ROW(i)                                                                        \
    a = (__m512bh)_mm512_set1_epi32((int)Ap[i]);                                              \
    c##i##a = _mm512_dpbf16_ps(c##i##a, a, b0);                                               \
    c##i##b = _mm512_dpbf16_ps(c##i##b, a, b1);
__attribute__((target("avx512f,avx512bf16"))) static void
pm__kernel_avx512bf16(int kc, const void *Apv, const void *Bpv, float alpha, float *C, int ldc,
                      int mr, int nr)
{
    const uint32_t *Ap = (const uint32_t *)Apv, *Bp = (const uint32_t *)Bpv;
    __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a;
    __m512 c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a;
    __m512 c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a;
    __m512 c9a = c0a, c9b = c0a, c10a = c0a, c10b = c0a, c11a = c0a, c11b = c0a;
    __m512 al = _mm512_set1_ps(alpha);
    __m512bh a, b0, b1;
    __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : (1u << nr) - 1u);
    __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (1u << (nr - 16)) - 1u);
    int k;
    for (k = 0; k < (kc + 1) / 2; k++) {
        b0 = (__m512bh)_mm512_loadu_si512((const void *)Bp);
        b1 = (__m512bh)_mm512_loadu_si512((const void *)(Bp + 16));
        PM__KBF_ROW(0) PM__KBF_ROW(1) PM__KBF_ROW(2) PM__KBF_ROW(3)
        PM__KBF_ROW(4) PM__KBF_ROW(5) PM__KBF_ROW(6) PM__KBF_ROW(7)
        PM__KBF_ROW(8) PM__KBF_ROW(9) PM__KBF_ROW(10) PM__KBF_ROW(11)
        Ap += 12;
        Bp += 32;
    }
    PM__K512_STORE(0) PM__K512_STORE(1) PM__K512_STORE(2) PM__K512_STORE(3)
    PM__K512_STORE(4) PM__K512_STORE(5) PM__K512_STORE(6) PM__K512_STORE(7)
    PM__K512_STORE(8) PM__K512_STORE(9) PM__K512_STORE(10) PM__K512_STORE(11)
}
#endif

#if !defined(PM_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define PM__NEON 1
#include <arm_neon.h>

/* NEON (AArch64): 8 x 12 tile, 24 accumulators. The tile goes through a small buffer so that
   partial tiles take exactly the arithmetic of full ones. */
#define PM__KNEON_ROW(i, a, l)                                                                \
    c##i##0 = vfmaq_laneq_f32(c##i##0, b0, a, l);                                             \
    c##i##1 = vfmaq_laneq_f32(c##i##1, b1, a, l);                                             \
    c##i##2 = vfmaq_laneq_f32(c##i##2, b2, a, l);
#define PM__KNEON_STORE(i)                                                                    \
    vst1q_f32(t[i], vfmaq_n_f32(vld1q_f32(t[i]), c##i##0, alpha));                            \
    vst1q_f32(t[i] + 4, vfmaq_n_f32(vld1q_f32(t[i] + 4), c##i##1, alpha));                    \
    vst1q_f32(t[i] + 8, vfmaq_n_f32(vld1q_f32(t[i] + 8), c##i##2, alpha));
static void pm__kernel_neon(int kc, const void *Apv, const void *Bpv, float alpha, float *C,
                            int ldc, int mr, int nr)
{
    const float *Ap = (const float *)Apv, *Bp = (const float *)Bpv;
    float32x4_t c00 = vdupq_n_f32(0.0f), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    float32x4_t c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    float32x4_t c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
    float32x4_t c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    float t[8][12];
    int k, i, j;
    for (k = 0; k < kc; k++) {
        float32x4_t b0 = vld1q_f32(Bp), b1 = vld1q_f32(Bp + 4), b2 = vld1q_f32(Bp + 8);
        float32x4_t a0 = vld1q_f32(Ap), a1 = vld1q_f32(Ap + 4);
        PM__KNEON_ROW(0, a0, 0) PM__KNEON_ROW(1, a0, 1) PM__KNEON_ROW(2, a0, 2)
        PM__KNEON_ROW(3, a0, 3) PM__KNEON_ROW(4, a1, 0) PM__KNEON_ROW(5, a1, 1)
        PM__KNEON_ROW(6, a1, 2) PM__KNEON_ROW(7, a1, 3)
        Ap += 8;
        Bp += 12;
    }
    for (i = 0; i < 8; i++)
        for (j = 0; j < 12; j++) t[i][j] = i < mr && j < nr ? C[(size_t)i * ldc + j] : 0.0f;
    PM__KNEON_STORE(0) PM__KNEON_STORE(1) PM__KNEON_STORE(2) PM__KNEON_STORE(3)
    PM__KNEON_STORE(4) PM__KNEON_STORE(5) PM__KNEON_STORE(6) PM__KNEON_STORE(7)
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) C[(size_t)i * ldc + j] = t[i][j];
}
#endif

static const pm__gemm_kernel pm__kernels[] = {
    /* cache blocks measured best on a Zen 4 core (32 KB L1d, 1 MB L2) */
    {"portable", 4, 16, 64, 512, 4096, 0, pm__kernel_portable, NULL},
#ifdef PM__X86_SIMD
    {"avx2", 6, 16, 48, 512, 4096, 0, pm__kernel_avx2, NULL},
    {"avx512", 12, 32, 72, 512, 4096, 0, pm__kernel_avx512, pm__kernel_avx512_rows},
#endif
#ifdef PM__NEON
    {"neon", 8, 12, 96, 256, 4092, 0, pm__kernel_neon, NULL},
#endif
};

static const pm__gemm_kernel *pm__kernel_used;

/* The best kernel this CPU runs (chosen once), or the one named (tests and benchmarks;
   returns NULL when that kernel is not available here). */
static const pm__gemm_kernel *pm__gemm_select(const char *name)
{
    int i, n = (int)(sizeof(pm__kernels) / sizeof(pm__kernels[0]));
    if (name) {
        for (i = 0; i < n; i++) {
            if (strcmp(pm__kernels[i].name, name)) continue;
#ifdef PM__X86_SIMD
            __builtin_cpu_init();
            if (!strcmp(name, "avx512") && !__builtin_cpu_supports("avx512f")) return NULL;
            if (!strcmp(name, "avx2") &&
                !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
                return NULL;
#endif
            return pm__kernel_used = &pm__kernels[i];
        }
        return NULL;
    }
    if (pm__kernel_used) return pm__kernel_used;
    if (!pm__gemm_select("avx512") && !pm__gemm_select("avx2") && !pm__gemm_select("neon"))
        pm__gemm_select("portable");
    return pm__kernel_used;
}

/* The kernel for products with bf16 weights when the CPU has AVX512-BF16 (activations are then
   rounded to bf16 too), or NULL: the weights are widened to f32 for the f32 kernel.
   pm__bf16_compute: -1 automatic, 0 never (tests compare both). */
static int pm__bf16_compute = -1;
static const pm__gemm_kernel *pm__gemm_select_bf16(void)
{
#ifdef PM__X86_SIMD
    static const pm__gemm_kernel bf = {"avx512bf16", 12, 32, 72, 512, 4096, 1,
                                       pm__kernel_avx512bf16, NULL};
    if (pm__bf16_compute < 0) {
        __builtin_cpu_init();
        pm__bf16_compute = __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bf16");
    }
    return pm__bf16_compute ? &bf : NULL;
#else
    (void)pm__bf16_compute;
    return NULL;
#endif
}

PMDEF const char *pm_gemm_kernel_name(void) { return pm__gemm_select(NULL)->name; }

/* ---- packing and the blocked product -------------------------------------------------------- */

#ifdef PM__X86_SIMD
/* rows (<= 16) rows of 16 floats (src + i * ld) transposed: dst + k * dld receives column k
   (k < 16), its first `rows` values written (the others left alone). */
__attribute__((target("avx512f"))) static void pm__transpose16_avx512(const float *src,
                                                                     size_t ld, int rows,
                                                                     float *dst, size_t dld)
{
    __mmask16 keep = (__mmask16)(rows >= 16 ? 0xFFFF : (1u << rows) - 1u);
    __m512 r[16], t[16];
    int i;
    for (i = 0; i < 16; i++)
        r[i] = i < rows ? _mm512_loadu_ps(src + (size_t)i * ld) : _mm512_setzero_ps();
    for (i = 0; i < 16; i += 2) { /* 2 x 2 blocks of single floats */
        t[i] = _mm512_mask_unpacklo_ps(r[i], 0xFFFF, r[i], r[i + 1]);
        t[i + 1] = _mm512_mask_unpackhi_ps(r[i], 0xFFFF, r[i], r[i + 1]);
    }
    for (i = 0; i < 16; i += 4) { /* 4 x 4 blocks */
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (i = 0; i < 4; i++) { /* 128-bit lanes: rows i, i + 4 and i + 8, i + 12 */
        t[i] = _mm512_mask_shuffle_f32x4(r[i], 0xFFFF, r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_mask_shuffle_f32x4(r[i], 0xFFFF, r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_mask_shuffle_f32x4(r[i + 8], 0xFFFF, r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_mask_shuffle_f32x4(r[i + 8], 0xFFFF, r[i + 8], r[i + 12], 0xDD);
    }
    for (i = 0; i < 4; i++) {
        r[i] = _mm512_mask_shuffle_f32x4(t[i], 0xFFFF, t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_mask_shuffle_f32x4(t[i], 0xFFFF, t[i], t[i + 8], 0xDD);
        r[i + 4] = _mm512_mask_shuffle_f32x4(t[i + 4], 0xFFFF, t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_mask_shuffle_f32x4(t[i + 4], 0xFFFF, t[i + 4], t[i + 12], 0xDD);
    }
    for (i = 0; i < 16; i++) _mm512_mask_storeu_ps(dst + (size_t)i * dld, keep, r[i]);
}
#endif

#ifdef PM__X86_SIMD
/* f16 widened 16 at a time (exact, as pm__f16_to_f32 but for signalling NaNs, which come out
   quiet): dst[0..n) = src[0..n). */
__attribute__((target("avx512f"))) static void pm__f16_row_avx512(const uint16_t *src, int n,
                                                                 float *dst)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_mask_cvtph_ps(_mm512_setzero_ps(), 0xFFFF,
                                                       _mm256_loadu_si256((const __m256i *)(
                                                           const void *)(src + i))));
    for (; i < n; i++) dst[i] = pm__f16_to_f32(src[i]);
}

/* A whole AVX-512 panel (32 columns) of f16 rows: rows[j] + k for k < kc (kc a multiple of
   16), widened 16 x 32 at a time and transposed in registers into dst[k][32]. */
__attribute__((target("avx512f"))) static void pm__pack_b_f16_avx512(const uint16_t *const *rows,
                                                                    int kc, float *dst)
{
    float t[32 * 16];
    int k, j;
    for (k = 0; k + 16 <= kc; k += 16) {
        for (j = 0; j < 32; j++)
            _mm512_storeu_ps(t + j * 16, _mm512_mask_cvtph_ps(_mm512_setzero_ps(), 0xFFFF, _mm256_loadu_si256(
                                             (const __m256i *)(const void *)(rows[j] + k))));
        pm__transpose16_avx512(t, 16, 16, dst + (size_t)k * 32, 32);
        pm__transpose16_avx512(t + 256, 16, 16, dst + (size_t)k * 32 + 16, 32);
    }
}
#endif

/* Pack op(B)[k0:k0+kc, j0:j0+nc] into panels of NR columns: Bp[panel][k][NR], zero-padded. */
static void pm__pack_b(int NR, int tb, const void *B, int bt, int ldb, int k0, int kc, int j0,
                       int nc, float *Bp)
{
#ifdef PM__X86_SIMD
    int avx512 = pm__gemm_select(NULL)->fn == pm__kernel_avx512;
#endif
    int jp, k, j;
    size_t es = pm__dtype_size(bt);
    for (jp = 0; jp < nc; jp += NR) {
        int nr = pm__mini(NR, nc - jp);
        float *dst = Bp + (size_t)jp * kc;
        if (!tb) {
            for (k = 0; k < kc; k++) {
                size_t off = (size_t)(k0 + k) * ldb + (size_t)(j0 + jp);
#ifdef PM__X86_SIMD
                if (avx512 && bt == PM_DTYPE_F16)
                    pm__f16_row_avx512((const uint16_t *)B + off, nr, dst + (size_t)k * NR);
                else
#endif
                pm__to_f32((const char *)B + off * es, bt, (size_t)nr, dst + (size_t)k * NR);
                for (j = nr; j < NR; j++) dst[(size_t)k * NR + j] = 0.0f;
            }
        } else {
            if (bt == PM_DTYPE_F32) { /* k outer: the panel is written in order */
                const float *rows[32];
                PM_ASSERT(NR <= 32);
                for (j = 0; j < nr; j++)
                    rows[j] = (const float *)B + (size_t)(j0 + jp + j) * ldb + k0;
                k = 0;
#ifdef PM__X86_SIMD
                /* whole panels of the AVX-512 kernel: 16 x 16 blocks transposed in registers */
                if (NR == 32 && nr == 32 && pm__gemm_select(NULL)->fn == pm__kernel_avx512)
                    for (; k + 16 <= kc; k += 16) {
                        pm__transpose16_avx512(rows[0] + k, (size_t)ldb, 16,
                                               dst + (size_t)k * NR, (size_t)NR);
                        pm__transpose16_avx512(rows[16] + k, (size_t)ldb, 16,
                                               dst + (size_t)k * NR + 16, (size_t)NR);
                    }
#endif
                for (; k < kc; k++) {
                    float *d = dst + (size_t)k * NR;
                    for (j = 0; j < nr; j++) d[j] = rows[j][k];
                }
            } else {
#ifdef PM__X86_SIMD
                if (avx512 && bt == PM_DTYPE_F16 && NR == 32 && nr == 32 && kc % 16 == 0) {
                    const uint16_t *rows[32];
                    for (j = 0; j < 32; j++)
                        rows[j] = (const uint16_t *)B + (size_t)(j0 + jp + j) * ldb + k0;
                    pm__pack_b_f16_avx512(rows, kc, dst);
                    continue;
                }
#endif
                for (j = 0; j < nr; j++) { /* row j0+jp+j of B is column j of the panel */
                    const char *row = (const char *)B + ((size_t)(j0 + jp + j) * ldb + k0) * es;
                    for (k = 0; k < kc; k++) {
                        uint16_t u;
                        memcpy(&u, row + (size_t)k * 2, 2);
                        dst[(size_t)k * NR + j] =
                            bt == PM_DTYPE_F16 ? pm__f16_to_f32(u) : pm__bf16_to_f32(u);
                    }
                }
            }
            for (k = 0; k < kc; k++)
                for (j = nr; j < NR; j++) dst[(size_t)k * NR + j] = 0.0f;
        }
    }
}

/* Pack op(A)[i0:i0+mc, k0:k0+kc] into panels of MR rows: Ap[panel][k][MR], zero-padded. */
static void pm__pack_a(int MR, int ta, const float *A, int lda, int i0, int mc, int k0, int kc,
                       float *Ap)
{
    int ip, k, i;
    for (ip = 0; ip < mc; ip += MR) {
        int mr = pm__mini(MR, mc - ip);
        float *dst = Ap + (size_t)ip * kc;
        if (ta) {
            for (k = 0; k < kc; k++) {
                const float *src = A + (size_t)(k0 + k) * lda + (i0 + ip);
                for (i = 0; i < mr; i++) dst[(size_t)k * MR + i] = src[i];
                for (; i < MR; i++) dst[(size_t)k * MR + i] = 0.0f;
            }
        } else { /* k outer: the panel is written in order */
            const float *rows[16];
            PM_ASSERT(MR <= 16);
            for (i = 0; i < mr; i++) rows[i] = A + (size_t)(i0 + ip + i) * lda + k0;
            k = 0;
#ifdef PM__X86_SIMD
            /* whole panels of the AVX-512 kernel: 12 x 16 blocks transposed in registers */
            if (MR == 12 && mr == 12 && pm__gemm_select(NULL)->fn == pm__kernel_avx512)
                for (; k + 16 <= kc; k += 16)
                    pm__transpose16_avx512(rows[0] + k, (size_t)lda, 12, dst + (size_t)k * MR,
                                           (size_t)MR);
#endif
            for (; k < kc; k++) {
                float *d = dst + (size_t)k * MR;
                for (i = 0; i < mr; i++) d[i] = rows[i][k];
                for (; i < MR; i++) d[i] = 0.0f;
            }
        }
    }
}

/* float -> bf16 bits, rounded to nearest even (NaN stays NaN). */
static uint16_t pm__f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40u);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

/* bf16 panels: as pm__pack_b / pm__pack_a, but each 32-bit unit holds the pair (k, k+1) of bf16
   values (k even; low half k), zero past the block. B is bf16 (the model's weights); A is
   rounded to bf16. Bp[panel][k/2][NR], Ap[panel][k/2][MR]. */
static void pm__pack_b_bf16(int NR, int tb, const void *B, int ldb, int k0, int kc, int j0,
                            int nc, uint32_t *Bp)
{
    const uint16_t *b = (const uint16_t *)B;
    int jp, k, j, kp = (kc + 1) / 2;
    for (jp = 0; jp < nc; jp += NR) {
        int nr = pm__mini(NR, nc - jp);
        uint32_t *dst = Bp + (size_t)jp * kp;
        if (tb) { /* column j of the panel is a row of B: k outer, the panel written in order */
            const uint16_t *rows[32];
            PM_ASSERT(NR <= 32);
            for (j = 0; j < nr; j++) rows[j] = b + (size_t)(j0 + jp + j) * ldb + k0;
            k = 0;
#ifdef PM__X86_SIMD
            /* (bf16 panels are only made for the AVX512-BF16 kernel: x86, little-endian) whole
               panels: a pair (k, k+1) of a row is one 32-bit unit, 16 x 16 blocks of them
               transposed in registers */
            if (NR == 32 && nr == 32 && ldb % 2 == 0 && k0 % 2 == 0)
                for (; k + 16 <= kc / 2; k += 16) {
                    pm__transpose16_avx512((const float *)(const void *)(rows[0] + 2 * k),
                                           (size_t)ldb / 2, 16,
                                           (float *)(void *)(dst + (size_t)k * NR), (size_t)NR);
                    pm__transpose16_avx512((const float *)(const void *)(rows[16] + 2 * k),
                                           (size_t)ldb / 2, 16,
                                           (float *)(void *)(dst + (size_t)k * NR + 16),
                                           (size_t)NR);
                }
#endif
            for (; k < kc / 2; k++) {
                uint32_t *d = dst + (size_t)k * NR;
                for (j = 0; j < nr; j++) d[j] = rows[j][2 * k] | (uint32_t)rows[j][2 * k + 1] << 16;
                for (; j < NR; j++) d[j] = 0;
            }
            if (kc & 1) {
                uint32_t *d = dst + (size_t)(kp - 1) * NR;
                for (j = 0; j < nr; j++) d[j] = rows[j][kc - 1];
                for (; j < NR; j++) d[j] = 0;
            }
            continue;
        }
        for (k = 0; k < kp; k++)
            for (j = 0; j < NR; j++) {
                uint32_t lo = 0, hi = 0;
                if (j < nr) {
                    size_t col = (size_t)(j0 + jp + j), r = (size_t)(k0 + 2 * k);
                    lo = b[r * ldb + col];
                    if (2 * k + 1 < kc) hi = b[(r + 1) * ldb + col];
                }
                dst[(size_t)k * NR + j] = lo | hi << 16;
            }
    }
}

#ifdef PM__X86_SIMD
/* src[0..n) rounded to bf16 exactly as pm__f32_to_bf16, as (n + 1) / 2 pairs written to
   dst[0], dst[stride], ... (the last pair's high half 0 when n is odd). */
__attribute__((target("avx512f"))) static void pm__bf16_pairs_avx512(const float *src, int n,
                                                                    uint32_t *dst, size_t stride)
{
    const __m512i round = _mm512_set1_epi32(0x7FFF), one = _mm512_set1_epi32(1);
    const __m512i abs = _mm512_set1_epi32(0x7FFFFFFF), inf = _mm512_set1_epi32(0x7F800000);
    const __m512i quiet = _mm512_set1_epi32(0x40);
    uint32_t t[8];
    int k, m;
    for (k = 0; k < n; k += 16) {
        __mmask16 in = (__mmask16)(n - k >= 16 ? 0xFFFF : (1u << (n - k)) - 1u);
        __m512i u = _mm512_castps_si512(_mm512_maskz_loadu_ps(in, src + k));
        __m512i top = _mm512_mask_srli_epi32(u, 0xFFFF, u, 16);
        __m512i r = _mm512_mask_srli_epi32(u, 0xFFFF,
            _mm512_add_epi32(_mm512_add_epi32(u, round), _mm512_and_si512(top, one)), 16);
        __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, abs), inf);
        r = _mm512_mask_or_epi32(r, nan, top, quiet);
        if (stride == 1 && n - k >= 16) {
            _mm256_storeu_si256((__m256i *)(void *)(dst + k / 2), _mm512_mask_cvtepi32_epi16(_mm256_setzero_si256(), 0xFFFF, r));
            continue;
        }
        _mm256_storeu_si256((__m256i *)(void *)t, _mm512_mask_cvtepi32_epi16(_mm256_setzero_si256(), 0xFFFF, r));
        for (m = 0; m < 8 && k + 2 * m < n; m++) dst[(size_t)(k / 2 + m) * stride] = t[m];
    }
}
#endif

static void pm__pack_a_bf16(int MR, int ta, const float *A, int lda, int i0, int mc, int k0,
                            int kc, uint32_t *Ap)
{
    int ip, k, i, kp = (kc + 1) / 2;
    for (ip = 0; ip < mc; ip += MR) {
        int mr = pm__mini(MR, mc - ip);
        uint32_t *dst = Ap + (size_t)ip * kp;
#ifdef PM__X86_SIMD
        /* (bf16 panels are only made for the AVX512-BF16 kernel) whole panels: the rows
           rounded into a buffer, then 12 x 16 blocks of pairs transposed in registers */
        if (!ta && mr == 12 && MR == 12 && kp <= 256) {
            uint32_t tmp[12 * 256];
            for (i = 0; i < 12; i++)
                pm__bf16_pairs_avx512(A + (size_t)(i0 + ip + i) * lda + k0, kc, tmp + i * kp, 1);
            for (k = 0; k + 16 <= kp; k += 16)
                pm__transpose16_avx512((const float *)(const void *)(tmp + k), (size_t)kp, 12,
                                       (float *)(void *)(dst + (size_t)k * MR), (size_t)MR);
            for (; k < kp; k++)
                for (i = 0; i < 12; i++) dst[(size_t)k * MR + i] = tmp[i * kp + k];
            continue;
        }
#endif
        for (i = 0; i < MR; i++) {
#ifdef PM__X86_SIMD
            if (!ta && i < mr) {
                pm__bf16_pairs_avx512(A + (size_t)(i0 + ip + i) * lda + k0, kc, dst + i,
                                      (size_t)MR);
                continue;
            }
#endif
            for (k = 0; k < kp; k++) {
                uint32_t lo = 0, hi = 0;
                if (i < mr) {
                    size_t r = (size_t)(i0 + ip + i), c = (size_t)(k0 + 2 * k);
                    lo = pm__f32_to_bf16(ta ? A[c * lda + r] : A[r * lda + c]);
                    if (2 * k + 1 < kc)
                        hi = pm__f32_to_bf16(ta ? A[(c + 1) * lda + r] : A[r * lda + c + 1]);
                }
                dst[(size_t)k * MR + i] = lo | hi << 16;
            }
        }
    }
}

/* C[0:mc, 0:nc] += alpha op(A)[ic:ic+mc, pc:pc+kcb] . (packed block Bp of nc columns), C
   pointing at the block's first element: A packed into Ap first, or read in place by the
   kernel's `rows` form (f32, A not transposed, and rows not a multiple of 4 KB apart: such
   rows all fall into the same set of the L1 cache and evict each other). */
static void pm__gemm_macro(const pm__gemm_kernel *kn, int ta, const float *A, int lda, int ic,
                           int mc, int pc, int kcb, uint32_t *Ap, const uint32_t *Bp, int nc,
                           float alpha, float *C, int ldc)
{
    int kub = kn->bf16 ? (kcb + 1) / 2 : kcb, jr, ir;
    if (kn->rows && !ta && lda % 1024 != 0) {
        for (jr = 0; jr < nc; jr += kn->nr)
            for (ir = 0; ir < mc; ir += kn->mr)
                kn->rows(kcb, A + (size_t)(ic + ir) * lda + pc, lda, Bp + (size_t)jr * kub, alpha,
                         C + (size_t)ir * ldc + jr, ldc, pm__mini(kn->mr, mc - ir),
                         pm__mini(kn->nr, nc - jr));
        return;
    }
    if (kn->bf16) pm__pack_a_bf16(kn->mr, ta, A, lda, ic, mc, pc, kcb, Ap);
    else pm__pack_a(kn->mr, ta, A, lda, ic, mc, pc, kcb, (float *)(void *)Ap);
    for (jr = 0; jr < nc; jr += kn->nr)
        for (ir = 0; ir < mc; ir += kn->mr)
            kn->fn(kcb, Ap + (size_t)ir * kub, Bp + (size_t)jr * kub, alpha,
                   C + (size_t)ir * ldc + jr, ldc, pm__mini(kn->mr, mc - ir),
                   pm__mini(kn->nr, nc - jr));
}

/* The blocked product on one thread (beta already applied to C). Panels are counted in 4-byte
   units: kc per row of an f32 panel, (kc + 1) / 2 of a bf16 one. */
static void pm__gemm_blocked(const pm__gemm_kernel *kn, int ta, int tb, int M, int N, int K,
                             float alpha, const float *A, int lda, const void *B, int bt,
                             int ldb, float *C, int ldc)
{
    uint32_t *Bp, *Ap;
    int jc, pc, ic;
    size_t kc = (size_t)pm__mini(kn->kc, K), ku = kn->bf16 ? (kc + 1) / 2 : kc;
    size_t nb = ku * (size_t)(pm__mini(kn->nc, N) + kn->nr);
    /* packing buffers sized to the problem: small products (attention heads) stay cheap */
    Bp = (uint32_t *)PM_MALLOC(4 * (nb + ku * (size_t)(pm__mini(kn->mc, M) + kn->mr)));
    PM_ASSERT(Bp != NULL);
    if (!Bp) return;
    Ap = Bp + nb;
    for (jc = 0; jc < N; jc += kn->nc) {
        int nc = pm__mini(kn->nc, N - jc);
        for (pc = 0; pc < K; pc += kn->kc) {
            int kcb = pm__mini(kn->kc, K - pc);
            if (kn->bf16) pm__pack_b_bf16(kn->nr, tb, B, ldb, pc, kcb, jc, nc, Bp);
            else pm__pack_b(kn->nr, tb, B, bt, ldb, pc, kcb, jc, nc, (float *)(void *)Bp);
            for (ic = 0; ic < M; ic += kn->mc)
                pm__gemm_macro(kn, ta, A, lda, ic, pm__mini(kn->mc, M - ic), pc, kcb, Ap, Bp, nc,
                               alpha, C + (size_t)ic * ldc + jc, ldc);
        }
    }
    PM_FREE(Bp);
}

/* One thread's share of a product: rows [r0, r1) or columns [c0, c1) of C. */
typedef struct pm__gemm_job {
    const pm__gemm_kernel *kn;
    int ta, tb, M, N, K, lda, bt, ldb, ldc, split_rows, step;
    float alpha, beta;
    const float *A;
    const void *B;
    float *C;
} pm__gemm_job;

static void pm__gemm_task(void *arg, int task)
{
    const pm__gemm_job *g = (const pm__gemm_job *)arg;
    int i0 = 0, j0 = 0, m = g->M, n = g->N, i, j;
    const float *A = g->A;
    const char *B = (const char *)g->B;
    float *C;
    if (g->split_rows) {
        i0 = task * g->step;
        m = pm__mini(g->step, g->M - i0);
        A += g->ta ? (size_t)i0 : (size_t)i0 * g->lda;
    } else {
        j0 = task * g->step;
        n = pm__mini(g->step, g->N - j0);
        B += (g->tb ? (size_t)j0 * g->ldb : (size_t)j0) * pm__dtype_size(g->bt);
    }
    if (m <= 0 || n <= 0) return;
    C = g->C + (size_t)i0 * g->ldc + j0;
    for (i = 0; i < m; i++) {
        float *c = C + (size_t)i * g->ldc;
        if (g->beta == 0.0f) for (j = 0; j < n; j++) c[j] = 0.0f;
        else if (g->beta != 1.0f) for (j = 0; j < n; j++) c[j] *= g->beta;
    }
    if (g->K > 0 && g->alpha != 0.0f)
        pm__gemm_blocked(g->kn, g->ta, g->tb, m, n, g->K, g->alpha, A, g->lda, B, g->bt,
                         g->ldb, C, g->ldc);
}

/* A product split by rows over several threads shares one packed copy of each KC x NC block of
   B: the threads pack its panels together (phase 0), then each multiplies its own rows (phase
   1), packing its own blocks of A. Every element of C is summed exactly as in
   pm__gemm_blocked. */
typedef struct pm__shared_job {
    const pm__gemm_job *g;
    uint32_t *Bp;
    int phase, tasks, jc, nc, pc, kcb;
} pm__shared_job;

static void pm__shared_task(void *arg, int task)
{
    const pm__shared_job *s = (const pm__shared_job *)arg;
    const pm__gemm_job *g = s->g;
    const pm__gemm_kernel *kn = g->kn;
    int kub = kn->bf16 ? (s->kcb + 1) / 2 : s->kcb, i, j;
    if (s->phase == 0) { /* panels [p0, p1) of the B block */
        int panels = (s->nc + kn->nr - 1) / kn->nr;
        int p0 = panels * task / s->tasks, p1 = panels * (task + 1) / s->tasks;
        int j0 = p0 * kn->nr, cols = pm__mini(p1 * kn->nr, s->nc) - j0;
        uint32_t *dst = s->Bp + (size_t)j0 * kub;
        if (cols <= 0) return;
        if (kn->bf16) pm__pack_b_bf16(kn->nr, g->tb, g->B, g->ldb, s->pc, s->kcb, s->jc + j0, cols, dst);
        else pm__pack_b(kn->nr, g->tb, g->B, g->bt, g->ldb, s->pc, s->kcb, s->jc + j0, cols,
                        (float *)(void *)dst);
    } else { /* rows [i0, i1) of C */
        int i0 = task * g->step, i1 = pm__mini(g->M, i0 + g->step), ic;
        uint32_t *Ap;
        if (i0 >= i1) return;
        if (s->pc == 0 && g->beta != 1.0f)
            for (i = i0; i < i1; i++) {
                float *c = g->C + (size_t)i * g->ldc + s->jc;
                if (g->beta == 0.0f) memset(c, 0, sizeof(float) * (size_t)s->nc);
                else for (j = 0; j < s->nc; j++) c[j] *= g->beta;
            }
        Ap = (uint32_t *)PM_MALLOC(4 * (size_t)kub * (size_t)(kn->mc + kn->mr));
        PM_ASSERT(Ap != NULL);
        if (!Ap) return;
        for (ic = i0; ic < i1; ic += kn->mc)
            pm__gemm_macro(kn, g->ta, g->A, g->lda, ic, pm__mini(kn->mc, i1 - ic), s->pc, s->kcb,
                           Ap, s->Bp, s->nc, g->alpha, g->C + (size_t)ic * g->ldc + s->jc,
                           g->ldc);
        PM_FREE(Ap);
    }
}

static void pm__gemm_shared(const pm__gemm_job *g, int tasks)
{
    const pm__gemm_kernel *kn = g->kn;
    pm__shared_job s;
    size_t kc = (size_t)pm__mini(kn->kc, g->K), ku = kn->bf16 ? (kc + 1) / 2 : kc;
    s.g = g, s.tasks = tasks;
    s.Bp = (uint32_t *)PM_MALLOC(4 * ku * (size_t)(pm__mini(kn->nc, g->N) + kn->nr));
    PM_ASSERT(s.Bp != NULL);
    if (!s.Bp) return;
    for (s.jc = 0; s.jc < g->N; s.jc += kn->nc) {
        s.nc = pm__mini(kn->nc, g->N - s.jc);
        for (s.pc = 0; s.pc < g->K; s.pc += kn->kc) {
            s.kcb = pm__mini(kn->kc, g->K - s.pc);
            s.phase = 0;
            pm__parallel(tasks, pm__shared_task, &s);
            s.phase = 1;
            pm__parallel(tasks, pm__shared_task, &s);
        }
    }
    PM_FREE(s.Bp);
}

/* C = alpha op(A) op(B) + beta C on at most nt threads (pm__gemm: all of them). */
static void pm__gemm_nt(int nt, int ta, int tb, int M, int N, int K, float alpha, const float *A,
                        int lda, const void *B, int bt, int ldb, float beta, float *C, int ldc)
{
    pm__gemm_job g;
    int tasks = 1;
    if (M <= 0 || N <= 0) return;
    g.kn = bt == PM_DTYPE_BF16 && pm__gemm_select_bf16() ? pm__gemm_select_bf16()
                                                         : pm__gemm_select(NULL);
    g.ta = ta, g.tb = tb, g.M = M, g.N = N, g.K = K, g.lda = lda, g.bt = bt, g.ldb = ldb;
    g.ldc = ldc, g.alpha = alpha, g.beta = beta, g.A = A, g.B = B, g.C = C;
    g.split_rows = 1, g.step = M;
    /* split products worth it (> ~4 MFLOP) into one part per thread, whole tiles each */
    if (nt > 1 && 2.0 * M * N * (K > 0 ? K : 1) > 4e6) {
        int mt = (M + g.kn->mr - 1) / g.kn->mr, ntl = (N + g.kn->nr - 1) / g.kn->nr;
        /* rows, which share the packing of B, unless there are too few row tiles */
        g.split_rows = mt >= ntl || mt >= 4 * nt;
        if (g.split_rows) g.step = (mt + nt - 1) / nt * g.kn->mr;
        else g.step = (ntl + nt - 1) / nt * g.kn->nr;
        tasks = ((g.split_rows ? M : N) + g.step - 1) / g.step;
        if (g.split_rows && tasks > 1 && K > 0 && alpha != 0.0f) {
            pm__gemm_shared(&g, tasks);
            return;
        }
    }
    pm__parallel(tasks, pm__gemm_task, &g);
}

static void pm__gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                     const void *B, int bt, int ldb, float beta, float *C, int ldc)
{
    pm__gemm_nt(pm_get_threads(), ta, tb, M, N, K, alpha, A, lda, B, bt, ldb, beta, C, ldc);
}

PMDEF void pm_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                   const float *B, int ldb, float beta, float *C, int ldc)
{
    pm__gemm(ta, tb, M, N, K, alpha, A, lda, B, PM_DTYPE_F32, ldb, beta, C, ldc);
}

typedef struct pm__peak_job {
    const pm__gemm_kernel *kn;
    long reps;
} pm__peak_job;

static void pm__peak_task(void *arg, int task)
{
    const pm__peak_job *j = (const pm__peak_job *)arg;
    float *buf = pm__floats(256 * (size_t)(j->kn->mr + j->kn->nr) + (size_t)j->kn->mr * j->kn->nr);
    long r;
    (void)task;
    if (!buf) return;
    memset(buf, 0, sizeof(float) * (256 * (size_t)(j->kn->mr + j->kn->nr) +
                                    (size_t)j->kn->mr * j->kn->nr));
    for (r = 0; r < j->reps; r++)
        j->kn->fn(256, buf, buf + 256 * j->kn->mr, 1.0f, buf + 256 * (j->kn->mr + j->kn->nr),
                  j->kn->nr, j->kn->mr, j->kn->nr);
    PM_FREE(buf);
}

PMDEF double pm_gemm_peak_work(long reps)
{
    pm__peak_job j;
    int nt = pm_get_threads();
    j.kn = pm__gemm_select(NULL), j.reps = reps;
    pm__parallel(nt, pm__peak_task, &j);
    return 2.0 * 256 * j.kn->mr * j.kn->nr * (double)reps * nt;
}

/* ============================================================================================
   [3] LAYERS
   Differentiable operations, llm.c style: each op is a pair of plain functions on float
   buffers, `op_forward` and `op_backward`, side by side.

   Conventions
     - Activations are row-major [T, C]: T rows (the tokens of all sequences of a batch, or
       the feature vectors of a batch), C channels. Attention sees them as B sequences of T
       rows: row b*T + t.
     - A forward function writes its output; when given the optional "saved" buffers it also
       keeps what its backward needs (and nothing more). Those buffers may be NULL when no
       backward will run.
     - A backward function ACCUMULATES (+=) into its gradient buffers, never overwrites them,
       so a tensor used twice simply receives both contributions. Any gradient buffer may be
       NULL: that gradient is not wanted and is not computed (a frozen weight costs nothing).
     - Every matrix product, forward or backward, goes through pm__gemm (section [2]), so a
       faster pm__gemm speeds up training and inference alike. Weight matrices are read in
       their storage type (f32, f16, bf16) straight from the model file; every gradient is f32.
   The weight structs pm__tensor and pm__block are the ones this section already declares
   (unchanged); they come first.
   ============================================================================================ */

/* A weight tensor as the model file holds it. `f` is a float copy (or the data itself when
   stored as f32) for the small tensors that are read element-wise; matrices used by the
   GEMM keep their storage type in `data`. */
typedef struct pm__tensor {
    const void *data;
    const float *f;
    int dtype;
    int ndim;
    int shape[4];
} pm__tensor;

/* One residual attention block's weights (names as in the OpenAI checkpoint). */
typedef struct pm__block {
    pm__tensor ln_1_w, ln_1_b;
    pm__tensor in_proj_w, in_proj_b;   /* [3C, C], [3C] */
    pm__tensor out_proj_w, out_proj_b; /* [C, C], [C] */
    pm__tensor ln_2_w, ln_2_b;
    pm__tensor fc_w, fc_b;             /* [H, C], [H] */
    pm__tensor proj_w, proj_b;         /* [C, H], [C] */
} pm__block;


/* db[n] += sum over the T rows of dy[T, n] (the gradient of a bias added to every row). */
static void pm__colsum_acc(int T, int n, const float *dy, float *db)
{
    int t, j;
    for (t = 0; t < T; t++) {
        const float *r = dy + (size_t)t * n;
        for (j = 0; j < n; j++) db[j] += r[j];
    }
}

/* From here to the end of the activations, most operations come in a plain C form and AVX2 and
   AVX-512 forms that must give the same bits. GCC fuses a multiply and an add into one FMA
   under -ffp-contract=fast (its default outside ISO C modes, C++ included), intrinsics
   included: not here, or the forms would differ. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#define PM__EXP_POP_OPTIONS 1
#endif

/* --------------------------------------------------------------------------------------------
   LayerNorm over the C channels of each row, eps 1e-5.
   -------------------------------------------------------------------------------------------- */

/* y[T, C] = (x - mean) * rstd * w[C] + b[C] per row. mean[T] and rstd[T] (1/sqrt(var + eps))
   are saved when not NULL. x == y is allowed (each row is read in full before it is written),
   but the backward needs the original x: a caller that will run the backward keeps x. */
typedef struct pm__ln_job {
    int C;
    const float *x, *w, *b, *dy, *mean_in, *rstd_in;
    float *y, *mean, *rstd, *dx;
} pm__ln_job;

/* The row sums of LayerNorm and of its backward are taken in 8 double running sums (lane l
   adds elements l, l + 8, ...), folded pairwise (l + 4, l + 2, l + 1), in every form. */
static double pm__fold8d(double *a)
{
    int w, l;
    for (w = 4; w >= 1; w /= 2)
        for (l = 0; l < w; l++) a[l] = a[l] + a[l + w];
    return a[0];
}

/* The steps of a row that every form shares, from column c to C: the vector forms hand them
   their last columns (which start on a multiple of 8, so column c still goes to lane c & 7),
   the plain C form the whole row. */
static void pm__ln_sum_from(const float *x, int c, int C, double *t)
{
    for (; c < C; c++) t[c & 7] = t[c & 7] + x[c];
}

static void pm__ln_sumsq_from(const float *x, int c, int C, double mu, double *t)
{
    double d;
    for (; c < C; c++) {
        d = x[c] - mu;
        d = d * d;
        t[c & 7] = t[c & 7] + d;
    }
}

static void pm__ln_out_from(const float *x, int c, int C, float m, float rs, const float *w,
                            const float *b, float *y)
{
    for (; c < C; c++) {
        float u = (x[c] - m) * rs * w[c];
        y[c] = u + b[c];
    }
}

/* sums of g = dy w and of g xhat, lanes as above */
static void pm__ln_grad_sums_from(const float *dy, const float *x, const float *w, float m,
                                  float rs, int c, int C, double *t, double *t2)
{
    double d;
    float xhat, g;
    for (; c < C; c++) {
        xhat = (x[c] - m) * rs, g = dy[c] * w[c];
        t[c & 7] = t[c & 7] + g;
        d = (double)g * xhat;
        t2[c & 7] = t2[c & 7] + d;
    }
}

static void pm__ln_grad_out_from(const float *dy, const float *x, const float *w, float m,
                                 float rs, float mg, float mgx, int c, int C, float *dx)
{
    float xhat, g, u;
    for (; c < C; c++) {
        xhat = (x[c] - m) * rs, g = dy[c] * w[c];
        u = xhat * mgx;
        u = g - mg - u;
        u = rs * u;
        dx[c] += u;
    }
}

/* One row: mean and rstd of x[C], then y = (x - mean) * rstd * w + b (y may be x). */
static void pm__ln_row_portable(const float *x, int C, const float *w, const float *b, float *y,
                                float *mean, float *rstd)
{
    double a[8], mu;
    float m, rs;
    int l;
    for (l = 0; l < 8; l++) a[l] = 0.0;
    pm__ln_sum_from(x, 0, C, a);
    mu = pm__fold8d(a) / C;
    for (l = 0; l < 8; l++) a[l] = 0.0;
    pm__ln_sumsq_from(x, 0, C, mu, a);
    m = (float)mu;
    rs = (float)(1.0 / sqrt(pm__fold8d(a) / C + 1e-5));
    pm__ln_out_from(x, 0, C, m, rs, w, b, y);
    *mean = m, *rstd = rs;
}

/* One row of the backward: dx[C] += rstd (g - mean(g) - xhat mean(g xhat)), g = dy w. */
static void pm__ln_grad_row_portable(const float *dy, const float *x, const float *w, float m,
                                     float rs, int C, float *dx)
{
    double a[8], a2[8];
    int l;
    for (l = 0; l < 8; l++) a[l] = a2[l] = 0.0;
    pm__ln_grad_sums_from(dy, x, w, m, rs, 0, C, a, a2);
    pm__ln_grad_out_from(dy, x, w, m, rs, (float)(pm__fold8d(a) / C), (float)(pm__fold8d(a2) / C),
                         0, C, dx);
}

#ifdef PM__X86_ROWS
__attribute__((target("avx512f"))) static void pm__ln_row_avx512(const float *x, int C,
                                                                const float *w, const float *b,
                                                                float *y, float *mean,
                                                                float *rstd)
{
    __m512d a = _mm512_setzero_pd(), v, mv;
    __m512 m16, r16;
    double t[8], mu;
    float m, rs;
    int c;
    for (c = 0; c + 8 <= C; c += 8) a = _mm512_add_pd(a, _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_ps(x + c)));
    _mm512_storeu_pd(t, a);
    pm__ln_sum_from(x, c, C, t);
    mu = pm__fold8d(t) / C;
    mv = _mm512_set1_pd(mu), a = _mm512_setzero_pd();
    for (c = 0; c + 8 <= C; c += 8) {
        v = _mm512_sub_pd(_mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_ps(x + c)), mv);
        a = _mm512_add_pd(a, _mm512_mul_pd(v, v));
    }
    _mm512_storeu_pd(t, a);
    pm__ln_sumsq_from(x, c, C, mu, t);
    m = (float)mu;
    rs = (float)(1.0 / sqrt(pm__fold8d(t) / C + 1e-5));
    m16 = _mm512_set1_ps(m), r16 = _mm512_set1_ps(rs);
    for (c = 0; c + 16 <= C; c += 16)
        _mm512_storeu_ps(y + c, _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(
                                                  _mm512_loadu_ps(x + c), m16), r16),
                                                                _mm512_loadu_ps(w + c)),
                                              _mm512_loadu_ps(b + c)));
    pm__ln_out_from(x, c, C, m, rs, w, b, y);
    *mean = m, *rstd = rs;
}

__attribute__((target("avx512f"))) static void pm__ln_grad_row_avx512(const float *dy,
                                                                     const float *x,
                                                                     const float *w, float m,
                                                                     float rs, int C, float *dx)
{
    __m512d a = _mm512_setzero_pd(), a2 = a, gd;
    __m256 m8 = _mm256_set1_ps(m), r8 = _mm256_set1_ps(rs), xh, g;
    __m512 m16 = _mm512_set1_ps(m), r16 = _mm512_set1_ps(rs), mg16, mgx16, xh16, g16;
    double t[8], t2[8];
    float mg, mgx;
    int c;
    for (c = 0; c + 8 <= C; c += 8) {
        xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + c), m8), r8);
        g = _mm256_mul_ps(_mm256_loadu_ps(dy + c), _mm256_loadu_ps(w + c));
        gd = _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, g);
        a = _mm512_add_pd(a, gd);
        a2 = _mm512_add_pd(a2, _mm512_mul_pd(gd, _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, xh)));
    }
    _mm512_storeu_pd(t, a), _mm512_storeu_pd(t2, a2);
    pm__ln_grad_sums_from(dy, x, w, m, rs, c, C, t, t2);
    mg = (float)(pm__fold8d(t) / C);
    mgx = (float)(pm__fold8d(t2) / C);
    mg16 = _mm512_set1_ps(mg), mgx16 = _mm512_set1_ps(mgx);
    for (c = 0; c + 16 <= C; c += 16) {
        xh16 = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + c), m16), r16);
        g16 = _mm512_mul_ps(_mm512_loadu_ps(dy + c), _mm512_loadu_ps(w + c));
        g16 = _mm512_sub_ps(_mm512_sub_ps(g16, mg16), _mm512_mul_ps(xh16, mgx16));
        _mm512_storeu_ps(dx + c, _mm512_add_ps(_mm512_loadu_ps(dx + c), _mm512_mul_ps(r16, g16)));
    }
    pm__ln_grad_out_from(dy, x, w, m, rs, mg, mgx, c, C, dx);
}

__attribute__((target("avx2,fma"))) static void pm__ln_row_avx2(const float *x, int C,
                                                               const float *w, const float *b,
                                                               float *y, float *mean,
                                                               float *rstd)
{
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, v0, v1, mv;
    __m256 m8, r8;
    double t[8], mu;
    float m, rs;
    int c;
    for (c = 0; c + 8 <= C; c += 8) {
        a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm_loadu_ps(x + c)));
        a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm_loadu_ps(x + c + 4)));
    }
    _mm256_storeu_pd(t, a0), _mm256_storeu_pd(t + 4, a1);
    pm__ln_sum_from(x, c, C, t);
    mu = pm__fold8d(t) / C;
    mv = _mm256_set1_pd(mu), a0 = a1 = _mm256_setzero_pd();
    for (c = 0; c + 8 <= C; c += 8) {
        v0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + c)), mv);
        v1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + c + 4)), mv);
        a0 = _mm256_add_pd(a0, _mm256_mul_pd(v0, v0));
        a1 = _mm256_add_pd(a1, _mm256_mul_pd(v1, v1));
    }
    _mm256_storeu_pd(t, a0), _mm256_storeu_pd(t + 4, a1);
    pm__ln_sumsq_from(x, c, C, mu, t);
    m = (float)mu;
    rs = (float)(1.0 / sqrt(pm__fold8d(t) / C + 1e-5));
    m8 = _mm256_set1_ps(m), r8 = _mm256_set1_ps(rs);
    for (c = 0; c + 8 <= C; c += 8)
        _mm256_storeu_ps(y + c, _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_sub_ps(
                                                  _mm256_loadu_ps(x + c), m8), r8),
                                                                _mm256_loadu_ps(w + c)),
                                              _mm256_loadu_ps(b + c)));
    pm__ln_out_from(x, c, C, m, rs, w, b, y);
    *mean = m, *rstd = rs;
}

__attribute__((target("avx2,fma"))) static void pm__ln_grad_row_avx2(const float *dy,
                                                                    const float *x,
                                                                    const float *w, float m,
                                                                    float rs, int C, float *dx)
{
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, b0 = a0, b1 = a0, g0, g1;
    __m256 m8 = _mm256_set1_ps(m), r8 = _mm256_set1_ps(rs), xh, g, mg8, mgx8;
    double t[8], t2[8];
    float mg, mgx;
    int c;
    for (c = 0; c + 8 <= C; c += 8) {
        xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + c), m8), r8);
        g = _mm256_mul_ps(_mm256_loadu_ps(dy + c), _mm256_loadu_ps(w + c));
        g0 = _mm256_cvtps_pd(_mm256_castps256_ps128(g));
        g1 = _mm256_cvtps_pd(_mm256_extractf128_ps(g, 1));
        a0 = _mm256_add_pd(a0, g0), a1 = _mm256_add_pd(a1, g1);
        b0 = _mm256_add_pd(b0, _mm256_mul_pd(g0, _mm256_cvtps_pd(_mm256_castps256_ps128(xh))));
        b1 = _mm256_add_pd(b1, _mm256_mul_pd(g1, _mm256_cvtps_pd(_mm256_extractf128_ps(xh, 1))));
    }
    _mm256_storeu_pd(t, a0), _mm256_storeu_pd(t + 4, a1);
    _mm256_storeu_pd(t2, b0), _mm256_storeu_pd(t2 + 4, b1);
    pm__ln_grad_sums_from(dy, x, w, m, rs, c, C, t, t2);
    mg = (float)(pm__fold8d(t) / C);
    mgx = (float)(pm__fold8d(t2) / C);
    mg8 = _mm256_set1_ps(mg), mgx8 = _mm256_set1_ps(mgx);
    for (c = 0; c + 8 <= C; c += 8) {
        xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + c), m8), r8);
        g = _mm256_mul_ps(_mm256_loadu_ps(dy + c), _mm256_loadu_ps(w + c));
        g = _mm256_sub_ps(_mm256_sub_ps(g, mg8), _mm256_mul_ps(xh, mgx8));
        _mm256_storeu_ps(dx + c, _mm256_add_ps(_mm256_loadu_ps(dx + c), _mm256_mul_ps(r8, g)));
    }
    pm__ln_grad_out_from(dy, x, w, m, rs, mg, mgx, c, C, dx);
}
#endif

static void pm__layernorm_forward_rows(void *arg, size_t t0, size_t t1)
{
    const pm__ln_job *j = (const pm__ln_job *)arg;
    void (*row)(const float *, int, const float *, const float *, float *, float *, float *) =
        pm__ln_row_portable;
    size_t t;
    float m, rs;
#ifdef PM__X86_ROWS
    pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
    if (kn == pm__kernel_avx512) row = pm__ln_row_avx512;
    if (kn == pm__kernel_avx2) row = pm__ln_row_avx2;
#endif
    for (t = t0; t < t1; t++) {
        row(j->x + t * j->C, j->C, j->w, j->b, j->y + t * j->C, &m, &rs);
        if (j->mean) j->mean[t] = m;
        if (j->rstd) j->rstd[t] = rs;
    }
}

static void pm__layernorm_forward(int T, int C, const float *x, const float *w, const float *b,
                                  float *y, float *mean, float *rstd)
{
    pm__ln_job j;
    memset(&j, 0, sizeof(j));
    j.C = C, j.x = x, j.w = w, j.b = b, j.y = y, j.mean = mean, j.rstd = rstd;
    pm__parallel_range((size_t)T, 64, pm__layernorm_forward_rows, &j);
}

/* LayerNorm backward. With xhat = (x - mean) * rstd and y = xhat * w + b, per row:
       db += dy,   dw += dy * xhat,
       dx += rstd * (g - mean_c(g) - xhat * mean_c(g * xhat))   where g = dy * w.
   dy, x [T, C]; w [C]; mean, rstd [T] from the forward; dx [T, C], dw, db [C] (each may be
   NULL). dx is computed row by row on the pool; dw and db (trainable LayerNorms only) sum
   over rows in order, on one thread. */
static void pm__layernorm_backward_rows(void *arg, size_t t0, size_t t1)
{
    const pm__ln_job *j = (const pm__ln_job *)arg;
    void (*row)(const float *, const float *, const float *, float, float, int, float *) =
        pm__ln_grad_row_portable;
    size_t t;
#ifdef PM__X86_ROWS
    pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
    if (kn == pm__kernel_avx512) row = pm__ln_grad_row_avx512;
    if (kn == pm__kernel_avx2) row = pm__ln_grad_row_avx2;
#endif
    for (t = t0; t < t1; t++)
        row(j->dy + t * j->C, j->x + t * j->C, j->w, j->mean_in[t], j->rstd_in[t], j->C,
            j->dx + t * j->C);
}

static void pm__layernorm_backward(int T, int C, const float *dy, const float *x,
                                   const float *w, const float *mean, const float *rstd,
                                   float *dx, float *dw, float *db)
{
    int t, c;
    if (dx) {
        pm__ln_job j;
        memset(&j, 0, sizeof(j));
        j.C = C, j.x = x, j.w = w, j.dy = dy, j.mean_in = mean, j.rstd_in = rstd, j.dx = dx;
        pm__parallel_range((size_t)T, 64, pm__layernorm_backward_rows, &j);
    }
    if (dw || db) {
        for (t = 0; t < T; t++) {
            const float *dyr = dy + (size_t)t * C, *xr = x + (size_t)t * C;
            float m = mean[t], rs = rstd[t];
            for (c = 0; c < C; c++) {
                if (dw) dw[c] += dyr[c] * ((xr[c] - m) * rs);
                if (db) db[c] += dyr[c];
            }
        }
    }
}

/* --------------------------------------------------------------------------------------------
   Linear layers. A weight is (data, dtype): a frozen matrix of the model file in f32, f16 or
   bf16, or a trainable f32 buffer (dtype PM_DTYPE_F32).
   -------------------------------------------------------------------------------------------- */

/* nn.Linear: y[T, out] = x[T, in] . W[out, in]^T + b[out] (b may be NULL). y must not
   overlap x. */
static void pm__linear_forward(int T, int in, int out, const float *x, const void *W, int wt,
                               const float *b, float *y)
{
    int t;
    if (b) {
        for (t = 0; t < T; t++) memcpy(y + (size_t)t * out, b, sizeof(float) * out);
    }
    pm__gemm(0, 1, T, out, in, 1.0f, x, in, W, wt, in, b ? 1.0f : 0.0f, y, out);
}

/* nn.Linear backward, for y = x W^T + b:
       dx[T, in]  += dy[T, out] . W[out, in]      (W read in its storage type)
       dW[out, in] += dy^T . x                    (f32; x is read only for this one)
       db[out]    += sum over rows of dy
   Each of dx, dW, db may be NULL. */
static void pm__linear_backward(int T, int in, int out, const float *dy, const float *x,
                                const void *W, int wt, float *dx, float *dW, float *db)
{
    if (dx) pm__gemm(0, 0, T, in, out, 1.0f, dy, out, W, wt, in, 1.0f, dx, in);
    if (dW) pm__gemm(1, 0, out, in, T, 1.0f, dy, out, x, PM_DTYPE_F32, in, 1.0f, dW, in);
    if (db) pm__colsum_acc(T, out, dy, db);
}

/* Plain projection (CLIP's visual.proj, text_projection): y[T, out] = x[T, in] . P[in, out].
   y must not overlap x. */
PM__MAYBE_UNUSED static void pm__matmul_forward(int T, int in, int out, const float *x, const void *P, int pt,
                               float *y)
{
    pm__gemm(0, 0, T, out, in, 1.0f, x, in, P, pt, out, 0.0f, y, out);
}

/* Projection backward, for y = x P:
       dx[T, in]   += dy[T, out] . P^T   (P read in its storage type)
       dP[in, out] += x^T . dy           (f32)
   dx or dP may be NULL. */
PM__MAYBE_UNUSED static void pm__matmul_backward(int T, int in, int out, const float *dy, const float *x,
                                const void *P, int pt, float *dx, float *dP)
{
    if (dx) pm__gemm(0, 1, T, in, out, 1.0f, dy, out, P, pt, out, 1.0f, dx, in);
    if (dP) pm__gemm(1, 0, in, out, T, 1.0f, x, in, dy, PM_DTYPE_F32, out, 1.0f, dP, out);
}

/* --------------------------------------------------------------------------------------------
   e^x over arrays (softmax, QuickGELU). One algorithm in three bit-identical forms: plain C,
   AVX2 and AVX-512 (picked with the matrix kernel), each step a separately rounded float
   multiply or add in the same order, so every platform and kernel gets the same bits:
       x clamped to [-87, 88];  k = round(x log2 e) (by adding and subtracting 1.5 * 2^23);
       r = (x - k ln2_hi) - k ln2_lo  (ln2_hi has 9 bits: k ln2_hi is exact);
       e^r by its Taylor polynomial to degree 6 (|r| <= 0.347: error below 2 ulp);
       times 2^k built in the exponent bits.
   -------------------------------------------------------------------------------------------- */

#define PM__EXP_LO (-87.0f)
#define PM__EXP_HI 88.0f
#define PM__EXP_ROUND 12582912.0f /* 1.5 * 2^23 */
#define PM__EXP_LOG2E 1.44269504f
#define PM__EXP_LN2HI 0.693359375f
#define PM__EXP_LN2LO (-2.12194440e-4f)

static float pm__exp1(float x)
{
    float k, r, p;
    int32_t e;
    uint32_t u;
    x = x < PM__EXP_LO ? PM__EXP_LO : x > PM__EXP_HI ? PM__EXP_HI : x;
    k = x * PM__EXP_LOG2E;
    k = k + PM__EXP_ROUND;
    k = k - PM__EXP_ROUND;
    r = k * PM__EXP_LN2HI;
    r = x - r;
    p = k * PM__EXP_LN2LO;
    r = r - p;
    p = r * (1.0f / 720.0f);
    p = p + (1.0f / 120.0f), p = p * r;
    p = p + (1.0f / 24.0f), p = p * r;
    p = p + (1.0f / 6.0f), p = p * r;
    p = p + 0.5f, p = p * r;
    p = p + 1.0f, p = p * r;
    p = p + 1.0f;
    e = (k == k ? (int32_t)k : 0) + 127; /* a NaN stays NaN through p */
    u = (uint32_t)e << 23;
    memcpy(&k, &u, 4);
    return p * k;
}

static void pm__exp_portable(float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = pm__exp1(x[i]);
}

#ifdef PM__X86_SIMD
/* e^v for 16 lanes (the same steps as pm__exp1). */
__attribute__((target("avx512f"))) static __m512 pm__exp16(__m512 v)
{
    const __m512 rnd = _mm512_set1_ps(PM__EXP_ROUND), one = _mm512_set1_ps(1.0f);
    __m512 k, r, p;
    __m512i e;
    /* (the masked forms: g++ 12 warns about the unmasked ones' undefined source) */
    v = _mm512_mask_max_ps(v, 0xFFFF, _mm512_set1_ps(PM__EXP_LO), v); /* NaN kept */
    v = _mm512_mask_min_ps(v, 0xFFFF, _mm512_set1_ps(PM__EXP_HI), v);
    k = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(v, _mm512_set1_ps(PM__EXP_LOG2E)), rnd), rnd);
    r = _mm512_sub_ps(_mm512_sub_ps(v, _mm512_mul_ps(k, _mm512_set1_ps(PM__EXP_LN2HI))),
                      _mm512_mul_ps(k, _mm512_set1_ps(PM__EXP_LN2LO)));
    p = _mm512_mul_ps(r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_mul_ps(_mm512_add_ps(p, _mm512_set1_ps(1.0f / 120.0f)), r);
    p = _mm512_mul_ps(_mm512_add_ps(p, _mm512_set1_ps(1.0f / 24.0f)), r);
    p = _mm512_mul_ps(_mm512_add_ps(p, _mm512_set1_ps(1.0f / 6.0f)), r);
    p = _mm512_mul_ps(_mm512_add_ps(p, _mm512_set1_ps(0.5f)), r);
    p = _mm512_mul_ps(_mm512_add_ps(p, one), r);
    p = _mm512_add_ps(p, one);
    e = _mm512_mask_cvtps_epi32(_mm512_setzero_si512(), 0xFFFF, k);
    e = _mm512_mask_slli_epi32(e, 0xFFFF, _mm512_add_epi32(e, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

__attribute__((target("avx512f"))) static void pm__exp_avx512(float *x, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, pm__exp16(_mm512_loadu_ps(x + i)));
    for (; i < n; i++) x[i] = pm__exp1(x[i]);
}

/* e^v for 8 lanes (the same steps as pm__exp1). */
__attribute__((target("avx2,fma"))) static __m256 pm__exp8(__m256 v)
{
    const __m256 rnd = _mm256_set1_ps(PM__EXP_ROUND), one = _mm256_set1_ps(1.0f);
    __m256 k, r, p;
    __m256i e;
    v = _mm256_min_ps(_mm256_set1_ps(PM__EXP_HI), _mm256_max_ps(_mm256_set1_ps(PM__EXP_LO), v));
    k = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(v, _mm256_set1_ps(PM__EXP_LOG2E)), rnd), rnd);
    r = _mm256_sub_ps(_mm256_sub_ps(v, _mm256_mul_ps(k, _mm256_set1_ps(PM__EXP_LN2HI))),
                      _mm256_mul_ps(k, _mm256_set1_ps(PM__EXP_LN2LO)));
    p = _mm256_mul_ps(r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_mul_ps(_mm256_add_ps(p, _mm256_set1_ps(1.0f / 120.0f)), r);
    p = _mm256_mul_ps(_mm256_add_ps(p, _mm256_set1_ps(1.0f / 24.0f)), r);
    p = _mm256_mul_ps(_mm256_add_ps(p, _mm256_set1_ps(1.0f / 6.0f)), r);
    p = _mm256_mul_ps(_mm256_add_ps(p, _mm256_set1_ps(0.5f)), r);
    p = _mm256_mul_ps(_mm256_add_ps(p, one), r);
    p = _mm256_add_ps(p, one);
    e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) static void pm__exp_avx2(float *x, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, pm__exp8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) x[i] = pm__exp1(x[i]);
}
#endif

/* Softmax rows and their gradient's dot products take their sums as LayerNorm does: in double,
   in 8 running sums folded pairwise (pm__fold8d), so the plain C and vector forms give the
   same bits and no sum waits on the previous element. As there, the steps from element j on
   serve the plain C form (j = 0) and the vector forms' last elements (j a multiple of 8). */
static void pm__softmax_exp_from(float *r, int j, int n, float mx, double *t)
{
    for (; j < n; j++) r[j] = pm__exp1(r[j] - mx), t[j & 7] = t[j & 7] + r[j];
}

static void pm__softmax_dot_from(const float *p, const float *d, int j, int n, double *t)
{
    double x;
    for (; j < n; j++) x = (double)p[j] * d[j], t[j & 7] = t[j & 7] + x;
}

/* r[n] = softmax(r[n]) (n >= 1). */
static void pm__softmax_row_portable(float *r, int n)
{
    double acc[8];
    float mx = r[0], inv;
    int j;
    for (j = 0; j < 8; j++) acc[j] = 0.0;
    for (j = 1; j < n; j++) mx = r[j] > mx ? r[j] : mx;
    pm__softmax_exp_from(r, 0, n, mx, acc);
    inv = (float)(1.0 / pm__fold8d(acc));
    for (j = 0; j < n; j++) r[j] = r[j] * inv;
}

/* d[n] = p * (d - sum(p * d)): softmax's backward for one row of p = softmax(s). */
static void pm__softmax_grad_row_portable(const float *p, float *d, int n)
{
    double acc[8];
    float dot, u;
    int j;
    for (j = 0; j < 8; j++) acc[j] = 0.0;
    pm__softmax_dot_from(p, d, 0, n, acc);
    dot = (float)pm__fold8d(acc);
    for (j = 0; j < n; j++) u = d[j] - dot, d[j] = p[j] * u;
}

#ifdef PM__X86_ROWS
__attribute__((target("avx512f"))) static void pm__softmax_row_avx512(float *r, int n)
{
    __mmask16 tail = (__mmask16)((1u << (n & 15)) - 1u);
    __m512 mx = _mm512_set1_ps(r[0]), v;
    __m512d acc = _mm512_setzero_pd(), z = acc;
    double t[8];
    float m[16], x;
    int j, l;
    for (j = 0; j + 16 <= n; j += 16) mx = _mm512_mask_max_ps(mx, 0xFFFF, mx, _mm512_loadu_ps(r + j));
    if (tail) mx = _mm512_mask_max_ps(mx, tail, mx, _mm512_maskz_loadu_ps(tail, r + j));
    _mm512_storeu_ps(m, mx);
    for (x = m[0], l = 1; l < 16; l++) x = m[l] > x ? m[l] : x;
    mx = _mm512_set1_ps(x);
    for (j = 0; j < n; j += 16) { /* the tail's other lanes are 0 when summed */
        __mmask16 in = j + 16 <= n ? (__mmask16)0xFFFF : tail;
        v = _mm512_maskz_mov_ps(in, pm__exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(in, r + j), mx)));
        _mm512_mask_storeu_ps(r + j, in, v);
        /* (masked forms: g++ 12 warns about the others' undefined source) */
        __m256 lo = _mm256_castpd_ps(
            _mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, _mm512_castps_pd(v), 0));
        __m256 hi = _mm256_castpd_ps(
            _mm512_mask_extractf64x4_pd(_mm256_setzero_pd(), 0xF, _mm512_castps_pd(v), 1));
        acc = _mm512_add_pd(acc, _mm512_mask_cvtps_pd(z, 0xFF, lo));
        acc = _mm512_add_pd(acc, _mm512_mask_cvtps_pd(z, 0xFF, hi));
    }
    _mm512_storeu_pd(t, acc);
    mx = _mm512_set1_ps((float)(1.0 / pm__fold8d(t)));
    for (j = 0; j + 16 <= n; j += 16) _mm512_storeu_ps(r + j, _mm512_mul_ps(_mm512_loadu_ps(r + j), mx));
    if (tail) _mm512_mask_storeu_ps(r + j, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, r + j), mx));
}

__attribute__((target("avx512f"))) static void pm__softmax_grad_row_avx512(const float *p, float *d,
                                                                          int n)
{
    __mmask16 tail = (__mmask16)((1u << (n & 15)) - 1u);
    __m512d acc = _mm512_setzero_pd();
    __m512 dot;
    double t[8];
    int j;
    for (j = 0; j + 8 <= n; j += 8)
        acc = _mm512_add_pd(acc, _mm512_mul_pd(
                                     _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_ps(p + j)),
                                     _mm512_mask_cvtps_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_ps(d + j))));
    _mm512_storeu_pd(t, acc);
    pm__softmax_dot_from(p, d, j, n, t);
    dot = _mm512_set1_ps((float)pm__fold8d(t));
    for (j = 0; j + 16 <= n; j += 16)
        _mm512_storeu_ps(d + j, _mm512_mul_ps(_mm512_loadu_ps(p + j),
                                              _mm512_sub_ps(_mm512_loadu_ps(d + j), dot)));
    if (tail)
        _mm512_mask_storeu_ps(d + j, tail,
                              _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, p + j),
                                            _mm512_sub_ps(_mm512_maskz_loadu_ps(tail, d + j), dot)));
}

/* AVX2: the 8 running sums as two vectors of 4 doubles; the last n % 8 elements in plain C. */
__attribute__((target("avx2,fma"))) static void pm__softmax_row_avx2(float *r, int n)
{
    __m256 mx = _mm256_set1_ps(r[0]), v;
    __m256d a0 = _mm256_setzero_pd(), a1 = a0;
    double t[8];
    float m[8], x, inv;
    int j, l;
    for (j = 0; j + 8 <= n; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(r + j));
    _mm256_storeu_ps(m, mx);
    for (x = m[0], l = 1; l < 8; l++) x = m[l] > x ? m[l] : x;
    for (; j < n; j++) x = r[j] > x ? r[j] : x;
    mx = _mm256_set1_ps(x);
    for (j = 0; j + 8 <= n; j += 8) { /* lanes 0-3 and 4-7 of the 8 running sums */
        v = pm__exp8(_mm256_sub_ps(_mm256_loadu_ps(r + j), mx));
        _mm256_storeu_ps(r + j, v);
        a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
        a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    }
    _mm256_storeu_pd(t, a0), _mm256_storeu_pd(t + 4, a1);
    pm__softmax_exp_from(r, j, n, x, t);
    inv = (float)(1.0 / pm__fold8d(t));
    mx = _mm256_set1_ps(inv);
    for (j = 0; j + 8 <= n; j += 8) _mm256_storeu_ps(r + j, _mm256_mul_ps(_mm256_loadu_ps(r + j), mx));
    for (; j < n; j++) r[j] = r[j] * inv;
}

__attribute__((target("avx2,fma"))) static void pm__softmax_grad_row_avx2(const float *p, float *d,
                                                                        int n)
{
    __m256d a0 = _mm256_setzero_pd(), a1 = a0;
    __m256 dot;
    double t[8];
    float u, y;
    int j;
    for (j = 0; j + 8 <= n; j += 8) {
        a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(p + j)),
                                             _mm256_cvtps_pd(_mm_loadu_ps(d + j))));
        a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(p + j + 4)),
                                             _mm256_cvtps_pd(_mm_loadu_ps(d + j + 4))));
    }
    _mm256_storeu_pd(t, a0), _mm256_storeu_pd(t + 4, a1);
    pm__softmax_dot_from(p, d, j, n, t);
    y = (float)pm__fold8d(t);
    dot = _mm256_set1_ps(y);
    for (j = 0; j + 8 <= n; j += 8)
        _mm256_storeu_ps(d + j, _mm256_mul_ps(_mm256_loadu_ps(p + j),
                                              _mm256_sub_ps(_mm256_loadu_ps(d + j), dot)));
    for (; j < n; j++) u = d[j] - y, d[j] = p[j] * u;
}
#endif


/* x[i] = e^x[i] for i < n, in place. */
PM__MAYBE_UNUSED static void pm__exp_array(float *x, size_t n)
{
#ifdef PM__X86_SIMD
    pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
    if (kn == pm__kernel_avx512) {
        pm__exp_avx512(x, n);
        return;
    }
    if (kn == pm__kernel_avx2) {
        pm__exp_avx2(x, n);
        return;
    }
#endif
    pm__exp_portable(x, n);
}

/* --------------------------------------------------------------------------------------------
   Activations of the MLP: QuickGELU x * sigmoid(1.702 x) (OpenAI) or exact GELU
   0.5 x (1 + erf(x / sqrt 2)).
   -------------------------------------------------------------------------------------------- */

/* QuickGELU and its gradient in three forms with the same bits (each step a separately
   rounded operation, in the same order):
       e = e^(-1.702 x);  y = x / (1 + e);
       s = 1 / (1 + e);   d = dy (s + 1.702 x s (1 - s));  dx = d (set) or dx + d.
   x == y and x == dx are allowed. */
static float pm__quickgelu1(float v)
{
    float e = pm__exp1(-1.702f * v), u = 1.0f + e;
    return v / u;
}

static float pm__quickgelu_grad1(float v, float g)
{
    float e = pm__exp1(-1.702f * v), s = 1.0f / (1.0f + e), t = 1.702f * v;
    t = t * s;
    t = t * (1.0f - s);
    t = s + t;
    return g * t;
}

static void pm__quickgelu_portable(const float *x, float *y, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) y[i] = pm__quickgelu1(x[i]);
}

static void pm__quickgelu_grad_portable(const float *x, const float *dy, float *dx, size_t n,
                                        int set)
{
    size_t i;
    for (i = 0; i < n; i++) {
        float d = pm__quickgelu_grad1(x[i], dy[i]);
        dx[i] = set ? d : dx[i] + d;
    }
}

#ifdef PM__X86_ROWS
/* The vector forms: one body for both widths. P is the intrinsics' prefix (_mm512, _mm256), V
   their vector type, W its lanes, EXPV the matching pm__exp16 / pm__exp8. */
#define PM__QUICKGELU_FORMS(SFX, TGT, P, V, W, EXPV)                                          \
    __attribute__((target(TGT))) static void pm__quickgelu_##SFX(const float *x, float *y,   \
                                                                 size_t n)                   \
    {                                                                                         \
        const V k = P##_set1_ps(-1.702f), one = P##_set1_ps(1.0f);                            \
        size_t i = 0;                                                                         \
        for (; i + W <= n; i += W) {                                                          \
            V v = P##_loadu_ps(x + i), e = EXPV(P##_mul_ps(k, v));                            \
            P##_storeu_ps(y + i, P##_div_ps(v, P##_add_ps(one, e)));                          \
        }                                                                                     \
        for (; i < n; i++) y[i] = pm__quickgelu1(x[i]);                                       \
    }                                                                                         \
    __attribute__((target(TGT))) static void pm__quickgelu_grad_##SFX(                        \
        const float *x, const float *dy, float *dx, size_t n, int set)                        \
    {                                                                                         \
        const V k = P##_set1_ps(-1.702f), c = P##_set1_ps(1.702f), one = P##_set1_ps(1.0f);   \
        size_t i = 0;                                                                         \
        for (; i + W <= n; i += W) {                                                          \
            V v = P##_loadu_ps(x + i), e = EXPV(P##_mul_ps(k, v));                            \
            V s = P##_div_ps(one, P##_add_ps(one, e));                                        \
            V t = P##_mul_ps(P##_mul_ps(P##_mul_ps(c, v), s), P##_sub_ps(one, s));            \
            V d = P##_mul_ps(P##_loadu_ps(dy + i), P##_add_ps(s, t));                         \
            P##_storeu_ps(dx + i, set ? d : P##_add_ps(P##_loadu_ps(dx + i), d));             \
        }                                                                                     \
        for (; i < n; i++) {                                                                  \
            float d = pm__quickgelu_grad1(x[i], dy[i]);                                       \
            dx[i] = set ? d : dx[i] + d;                                                      \
        }                                                                                     \
    }
PM__QUICKGELU_FORMS(avx512, "avx512f", _mm512, __m512, 16, pm__exp16)
PM__QUICKGELU_FORMS(avx2, "avx2,fma", _mm256, __m256, 8, pm__exp8)
#undef PM__QUICKGELU_FORMS
#endif

/* y[n] = act(x[n]); x == y is allowed. The backward needs x (the pre-activation). */
typedef struct pm__act_job {
    int act, set; /* set: dx = (not +=) the gradient, dx may be x */
    const float *x, *dy;
    float *y, *dx;
} pm__act_job;

static void pm__activation_forward_range(void *arg, size_t i0, size_t i1)
{
    const pm__act_job *j = (const pm__act_job *)arg;
    const float *x = j->x;
    float *y = j->y;
    size_t i;
    if (j->act == PM_ACT_GELU) {
        for (i = i0; i < i1; i++) y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
    } else {
#ifdef PM__X86_ROWS
        pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
        if (kn == pm__kernel_avx512) {
            pm__quickgelu_avx512(x + i0, y + i0, i1 - i0);
            return;
        }
        if (kn == pm__kernel_avx2) {
            pm__quickgelu_avx2(x + i0, y + i0, i1 - i0);
            return;
        }
#endif
        pm__quickgelu_portable(x + i0, y + i0, i1 - i0);
    }
}

static void pm__activation_forward(int act, size_t n, const float *x, float *y)
{
    pm__act_job j;
    memset(&j, 0, sizeof(j));
    j.act = act, j.x = x, j.y = y;
    pm__parallel_range(n, 65536, pm__activation_forward_range, &j);
}

/* Activation backward: dx[n] += dy[n] * act'(x[n]), with
       QuickGELU: s = sigmoid(1.702 x),  act' = s + 1.702 x s (1 - s)
       GELU:      act' = Phi(x) + x phi(x)
                       = 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)
   dx must not overlap dy. */
static void pm__activation_backward_range(void *arg, size_t i0, size_t i1)
{
    const pm__act_job *j = (const pm__act_job *)arg;
    const float *x = j->x, *dy = j->dy;
    float *dx = j->dx;
    size_t i;
    if (j->act == PM_ACT_GELU) {
        for (i = i0; i < i1; i++) {
            float v = x[i];
            float cdf = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
            float pdf = 0.39894228040143268f * expf(-0.5f * v * v);
            float d = dy[i] * (cdf + v * pdf);
            dx[i] = j->set ? d : dx[i] + d;
        }
    } else {
#ifdef PM__X86_ROWS
        pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
        if (kn == pm__kernel_avx512) {
            pm__quickgelu_grad_avx512(x + i0, dy + i0, dx + i0, i1 - i0, j->set);
            return;
        }
        if (kn == pm__kernel_avx2) {
            pm__quickgelu_grad_avx2(x + i0, dy + i0, dx + i0, i1 - i0, j->set);
            return;
        }
#endif
        pm__quickgelu_grad_portable(x + i0, dy + i0, dx + i0, i1 - i0, j->set);
    }
}

static void pm__activation_backward(int act, size_t n, const float *x, const float *dy,
                                    float *dx)
{
    pm__act_job j;
    memset(&j, 0, sizeof(j));
    j.act = act, j.x = x, j.dy = dy, j.dx = dx;
    pm__parallel_range(n, 65536, pm__activation_backward_range, &j);
}


/* x[n] = dy[n] * act'(x[n]): the activation's gradient written over its input. */
static void pm__activation_grad_inplace(int act, size_t n, float *x, const float *dy)
{
    pm__act_job j;
    memset(&j, 0, sizeof(j));
    j.act = act, j.x = x, j.dy = dy, j.dx = x, j.set = 1;
    pm__parallel_range(n, 65536, pm__activation_backward_range, &j);
}

#ifdef PM__EXP_POP_OPTIONS
#pragma GCC pop_options
#endif

/* --------------------------------------------------------------------------------------------
   Softmax and multi-head attention.
   -------------------------------------------------------------------------------------------- */

/* In-place softmax of each row of x[rows, cols]; with `causal`, row i only sees columns
   0..i (the others become exactly 0). */
static void pm__softmax(int rows, int cols, float *x, int causal)
{
    void (*row)(float *, int) = pm__softmax_row_portable;
    int i, j;
#ifdef PM__X86_ROWS
    pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
    if (kn == pm__kernel_avx512) row = pm__softmax_row_avx512;
    if (kn == pm__kernel_avx2) row = pm__softmax_row_avx2;
#endif
    for (i = 0; i < rows; i++) {
        float *r = x + (size_t)i * cols;
        int n = causal ? pm__mini(i + 1, cols) : cols;
        row(r, n);
        for (j = n; j < cols; j++) r[j] = 0.0f;
    }
}

/* Softmax backward, in place: for p = softmax(s) row by row, turns d = dL/dp [rows, cols] into
   dL/ds = p * (d - sum_j p_j d_j). Masked entries (p = 0) get 0. */
static void pm__softmax_backward_inplace(int rows, int cols, const float *p, float *d)
{
    void (*row)(const float *, float *, int) = pm__softmax_grad_row_portable;
    int i;
#ifdef PM__X86_ROWS
    pm__kernel_fn kn = pm__gemm_select(NULL)->fn;
    if (kn == pm__kernel_avx512) row = pm__softmax_grad_row_avx512;
    if (kn == pm__kernel_avx2) row = pm__softmax_grad_row_avx2;
#endif
    for (i = 0; i < rows; i++) row(p + (size_t)i * cols, d + (size_t)i * cols, cols);
}

/* Multi-head self-attention core for B sequences of T tokens, `heads` heads of hd = C / heads
   channels, scale 1/sqrt(hd), causal mask or none.
   qkv [B*T, 3C] holds q | k | v per row (nn.MultiheadAttention's in_proj layout);
   out [B*T, C] receives the concatenated heads (before out_proj).
   probs [B, heads, T, T]: the softmax of every head, saved for the backward when not NULL;
   when NULL, scratch holds one head at a time: n_scratch tiles of [T, T], and up to n_scratch
   threads work on different sequences, one tile each. */
typedef struct pm__attention_job {
    int B, T, C, heads, causal, n_tasks, gemm_nt;
    const float *qkv, *dout, *probs_in;
    float *out, *probs, *dqkv, *scratch;
} pm__attention_job;

static void pm__attention_forward_task(void *arg, int task)
{
    const pm__attention_job *j = (const pm__attention_job *)arg;
    int b, h, T = j->T, C = j->C, hd = C / j->heads;
    float scale = 1.0f / sqrtf((float)hd);
    float *scratch = j->scratch ? j->scratch + (size_t)task * T * T : NULL;
    for (b = j->B * task / j->n_tasks; b < j->B * (task + 1) / j->n_tasks; b++) {
        const float *base = j->qkv + (size_t)b * T * 3 * C;
        for (h = 0; h < j->heads; h++) {
            const float *q = base + h * hd, *k = base + C + h * hd, *v = base + 2 * C + h * hd;
            float *o = j->out + (size_t)b * T * C + h * hd;
            float *p = j->probs ? j->probs + ((size_t)b * j->heads + h) * T * T : scratch;
            pm__gemm_nt(j->gemm_nt, 0, 1, T, T, hd, scale, q, 3 * C, k, PM_DTYPE_F32, 3 * C,
                        0.0f, p, T);
            pm__softmax(T, T, p, j->causal);
            pm__gemm_nt(j->gemm_nt, 0, 0, T, hd, T, 1.0f, p, T, v, PM_DTYPE_F32, 3 * C, 0.0f, o,
                        C);
        }
    }
}

static void pm__attention_forward(int B, int T, int C, int heads, int causal, const float *qkv,
                                  float *out, float *probs, float *scratch, int n_scratch)
{
    pm__attention_job j;
    PM_ASSERT(heads > 0 && C % heads == 0 && (probs || (scratch && n_scratch > 0)));
    memset(&j, 0, sizeof(j));
    j.B = B, j.T = T, j.C = C, j.heads = heads, j.causal = causal;
    j.qkv = qkv, j.out = out, j.probs = probs, j.scratch = probs ? NULL : scratch;
    j.n_tasks = pm__mini(B, probs ? pm_get_threads() : n_scratch);
    j.gemm_nt = j.n_tasks > 1 ? 1 : pm_get_threads(); /* sequences or heads' products in parallel */
    if (j.n_tasks > 0) pm__parallel(j.n_tasks, pm__attention_forward_task, &j);
}

/* Attention backward. Per sequence and head, with S = scale Q K^T, P = softmax(S) (masked
   entries 0) and O = P V:
       dV += P^T dO,   dP = dO V^T,   dS = P * (dP - rowsum(P * dP)),
       dQ += scale dS K,   dK += scale dS^T Q.
   dout [B*T, C] = dL/dout; qkv [B*T, 3C] as in the forward; dqkv [B*T, 3C] receives
   dq | dk | dv (NULL: nothing to do). probs: the forward's saved softmax, or NULL to recompute
   it head by head (the same values, bit for bit). scratch: n_scratch tiles of [T, T] floats
   when probs is given, of [2, T, T] when it is NULL; one thread per tile. */
static void pm__attention_backward_task(void *arg, int task)
{
    const pm__attention_job *j = (const pm__attention_job *)arg;
    int b, h, T = j->T, C = j->C, hd = C / j->heads;
    float scale = 1.0f / sqrtf((float)hd);
    float *scratch = j->scratch + (size_t)task * T * T * (j->probs_in ? 1 : 2);
    for (b = j->B * task / j->n_tasks; b < j->B * (task + 1) / j->n_tasks; b++) {
        const float *base = j->qkv + (size_t)b * T * 3 * C;
        float *dbase = j->dqkv + (size_t)b * T * 3 * C;
        for (h = 0; h < j->heads; h++) {
            const float *q = base + h * hd, *k = base + C + h * hd, *v = base + 2 * C + h * hd;
            const float *dout_h = j->dout + (size_t)b * T * C + h * hd;
            float *dq = dbase + h * hd, *dk = dbase + C + h * hd, *dv = dbase + 2 * C + h * hd;
            const float *p;
            float *dp = scratch;
            if (j->probs_in) {
                p = j->probs_in + ((size_t)b * j->heads + h) * T * T;
            } else { /* recompute this head's softmax exactly as the forward did */
                pm__gemm_nt(j->gemm_nt, 0, 1, T, T, hd, scale, q, 3 * C, k, PM_DTYPE_F32, 3 * C,
                            0.0f, scratch, T);
                pm__softmax(T, T, scratch, j->causal);
                p = scratch;
                dp = scratch + (size_t)T * T;
            }
            pm__gemm_nt(j->gemm_nt, 1, 0, T, hd, T, 1.0f, p, T, dout_h, PM_DTYPE_F32, C, 1.0f, dv,
                        3 * C);
            pm__gemm_nt(j->gemm_nt, 0, 1, T, T, hd, 1.0f, dout_h, C, v, PM_DTYPE_F32, 3 * C, 0.0f,
                        dp, T);
            pm__softmax_backward_inplace(T, T, p, dp);
            pm__gemm_nt(j->gemm_nt, 0, 0, T, hd, T, scale, dp, T, k, PM_DTYPE_F32, 3 * C, 1.0f, dq,
                        3 * C);
            pm__gemm_nt(j->gemm_nt, 1, 0, T, hd, T, scale, dp, T, q, PM_DTYPE_F32, 3 * C, 1.0f, dk,
                        3 * C);
        }
    }
}

static void pm__attention_backward(int B, int T, int C, int heads, int causal,
                                   const float *dout, const float *qkv, const float *probs,
                                   float *dqkv, float *scratch, int n_scratch)
{
    pm__attention_job j;
    PM_ASSERT(heads > 0 && C % heads == 0 && scratch && n_scratch > 0);
    if (!dqkv) return;
    memset(&j, 0, sizeof(j));
    j.B = B, j.T = T, j.C = C, j.heads = heads, j.causal = causal;
    j.qkv = qkv, j.dout = dout, j.probs_in = probs, j.dqkv = dqkv, j.scratch = scratch;
    j.n_tasks = pm__mini(B, n_scratch);
    j.gemm_nt = j.n_tasks > 1 ? 1 : pm_get_threads();
    if (j.n_tasks > 0) pm__parallel(j.n_tasks, pm__attention_backward_task, &j);
}

/* --------------------------------------------------------------------------------------------
   Vector operations of the loss: L2 normalisation, scaled cosine logits, cross-entropy and
   the Multimodal Margin Regulariser (method.md section 5).
   -------------------------------------------------------------------------------------------- */

/* y[n, d] = x / |x| per row; norm[n] = |x| saved when not NULL. A row of zeros stays zero (and
   gets norm 0). x == y is allowed: the backward needs only y and norm. */
PM__MAYBE_UNUSED static void pm__l2norm_forward(int n, int d, const float *x, float *y, float *norm)
{
    int i, j;
    for (i = 0; i < n; i++) {
        const float *xr = x + (size_t)i * d;
        float *yr = y + (size_t)i * d;
        double ss = 0.0;
        for (j = 0; j < d; j++) ss += (double)xr[j] * xr[j];
        if (ss > 0.0) {
            float inv = (float)(1.0 / sqrt(ss));
            for (j = 0; j < d; j++) yr[j] = xr[j] * inv;
        } else if (yr != xr) {
            for (j = 0; j < d; j++) yr[j] = xr[j];
        }
        if (norm) norm[i] = (float)sqrt(ss);
    }
}

/* L2 normalisation backward, for y = x / r with r = |x|:
       dx += (dy - y (y . dy)) / r
   per row; a row with r = 0 gets nothing. dy, y [n, d]; norm [n]; dx [n, d] (may be NULL). */
PM__MAYBE_UNUSED static void pm__l2norm_backward(int n, int d, const float *dy, const float *y, const float *norm,
                                float *dx)
{
    int i, j;
    if (!dx) return;
    for (i = 0; i < n; i++) {
        const float *dyr = dy + (size_t)i * d, *yr = y + (size_t)i * d;
        float *dxr = dx + (size_t)i * d, dot, rinv;
        double acc = 0.0;
        if (!(norm[i] > 0.0f)) continue;
        for (j = 0; j < d; j++) acc += (double)yr[j] * dyr[j];
        dot = (float)acc;
        rinv = (float)(1.0 / norm[i]);
        for (j = 0; j < d; j++) dxr[j] += (dyr[j] - yr[j] * dot) * rinv;
    }
}

/* Scaled cosine logits: logits[n, c] = s * V[n, d] . Tt[c, d]^T (V, Tt with unit rows: image
   and text features after pm__l2norm_forward; s = exp(logit_scale)). */
PM__MAYBE_UNUSED static void pm__logits_forward(int n, int c, int d, float s, const float *V, const float *Tt,
                               float *logits)
{
    pm__gemm(0, 1, n, c, d, s, V, d, Tt, PM_DTYPE_F32, d, 0.0f, logits, c);
}

/* Logits backward: dV[n, d] += s * dlogits . Tt,  dTt[c, d] += s * dlogits^T . V (either may
   be NULL; s is a constant). */
PM__MAYBE_UNUSED static void pm__logits_backward(int n, int c, int d, float s, const float *V, const float *Tt,
                                const float *dlogits, float *dV, float *dTt)
{
    if (dV) pm__gemm(0, 0, n, d, c, s, dlogits, c, Tt, PM_DTYPE_F32, d, 1.0f, dV, d);
    if (dTt) pm__gemm(1, 0, c, d, n, s, dlogits, c, V, PM_DTYPE_F32, d, 1.0f, dTt, d);
}

/* Mean cross-entropy of n rows of logits [n, c] with labels[n] in 0..c-1:
   returns mean_i (logsumexp(logits_i) - logits_i[labels_i]), computed in double.
   probs [n, c] (softmax of each row) is saved when not NULL; the backward needs it.
   A label outside 0..c-1 is a programmer error (asserted; such a row counts 0). */
PM__MAYBE_UNUSED static double pm__cross_entropy_forward(int n, int c, const float *logits, const int *labels,
                                        float *probs)
{
    int i, j;
    double total = 0.0;
    if (n <= 0) return 0.0;
    for (i = 0; i < n; i++) {
        const float *z = logits + (size_t)i * c;
        double mx = z[0], sum = 0.0, lse;
        int y = labels[i];
        for (j = 1; j < c; j++) mx = z[j] > mx ? z[j] : mx;
        for (j = 0; j < c; j++) sum += exp(z[j] - mx);
        lse = mx + log(sum);
        if (probs) {
            for (j = 0; j < c; j++) probs[(size_t)i * c + j] = (float)exp(z[j] - lse);
        }
        PM_ASSERT(y >= 0 && y < c);
        if (y >= 0 && y < c) total += lse - z[y];
    }
    return total / n;
}

/* Cross-entropy backward, for L = mean_i -log softmax(z_i)[y_i]:
       dlogits[i, j] += dloss / n * (probs[i, j] - [j == y_i]). */
PM__MAYBE_UNUSED static void pm__cross_entropy_backward(int n, int c, const float *probs, const int *labels,
                                       float dloss, float *dlogits)
{
    int i, j;
    float k;
    if (n <= 0 || !dlogits) return;
    k = dloss / (float)n;
    for (i = 0; i < n; i++) {
        const float *p = probs + (size_t)i * c;
        float *g = dlogits + (size_t)i * c;
        int y = labels[i];
        for (j = 0; j < c; j++) g[j] += k * p[j];
        if (y >= 0 && y < c) g[y] -= k;
    }
}

/* |a - b|^2 of two d-vectors, in double. */
static double pm__dist2(int d, const float *a, const float *b)
{
    double s = 0.0;
    int k;
    for (k = 0; k < d; k++) {
        double t = (double)a[k] - b[k];
        s += t * t;
    }
    return s;
}

/* Sums over the pairs i < j of the rows of X [N, d]: of D_ij = |x_i - x_j|^2 (returned), and
   of (D_ij - mu)^2 in *sq when sq is not NULL. */
static double pm__pair_sums(int N, int d, const float *X, double mu, double *sq)
{
    double s = 0.0, s2 = 0.0;
    int i, j;
    for (i = 0; i < N; i++)
        for (j = i + 1; j < N; j++) {
            double D = pm__dist2(d, X + (size_t)i * d, X + (size_t)j * d);
            s += D;
            s2 += (D - mu) * (D - mu);
        }
    if (sq) *sq = s2;
    return s;
}

/* The Multimodal Margin Regulariser (method.md section 5), forward. For N classes:
     text:   D_ij = |t_i - t_j|^2 over the P = N(N-1)/2 pairs i < j, mu_t = mean D_ij,
             R_T = mean (D_ij - mu_t)^2;
     image:  prototypes p_c = mean of the rows of V with label c (not re-normalised),
             E_ij = |p_i - p_j|^2, R_V = mean (E_ij - mu)^2 with mu = mu_t (default: both
             modalities are pulled to the text margin) or, with target_self, mu = mean E_ij.
   Tt [N, d] (normalised text features), V [n, d] (normalised image features), labels [n].
   protos [N, d] receives the prototypes (required: the backward reads them).
   N = 1 has no pairs: R_T = R_V = 0. Returns 0, or -1 (pm_last_error) when a label is outside
   0..N-1 or a class has no row in V (its prototype would be undefined). */
PM__MAYBE_UNUSED static int pm__margin_forward(int N, int n, int d, const float *Tt, const float *V,
                              const int *labels, int target_self, double *R_T, double *R_V,
                              float *protos)
{
    int i, c, k, P = N * (N - 1) / 2;
    double mu_t, mu, s2;
    *R_T = *R_V = 0.0;
    for (i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= N)
            return pm__errorf("margin: label %d outside the %d classes", labels[i], N);
    for (c = 0; c < N; c++) {
        float *pc = protos + (size_t)c * d;
        int count = 0;
        for (k = 0; k < d; k++) pc[k] = 0.0f;
        for (i = 0; i < n; i++) {
            if (labels[i] != c) continue;
            for (k = 0; k < d; k++) pc[k] += V[(size_t)i * d + k];
            count++;
        }
        if (count == 0) return pm__errorf("margin: class %d has no training view", c);
        for (k = 0; k < d; k++) pc[k] /= (float)count;
    }
    if (P == 0) return 0;
    mu_t = pm__pair_sums(N, d, Tt, 0.0, NULL) / P;
    pm__pair_sums(N, d, Tt, mu_t, &s2);
    *R_T = s2 / P;
    mu = target_self ? pm__pair_sums(N, d, protos, 0.0, NULL) / P : mu_t;
    pm__pair_sums(N, d, protos, mu, &s2);
    *R_V = s2 / P;
    return 0;
}

/* Gradient of a sum over pairs, for one row: adds
       scale * sum_{j != i} 2 g_ij (x_i - x_j),   g_ij = a (|x_i - x_j|^2 - m) + s
   to out[d], where x_i is row i of X [N, d]: the gradient w.r.t. x_i of sum_{p<q} G(|x_p - x_q|^2)
   when G'(D) = a (D - m) + s. Summed in double over blocks of 64 partners (no allocation), so
   the result stays accurate when the pair terms nearly cancel, as they do near the optimum. */
static void pm__pair_grad_row(int N, int d, const float *X, int i, double a, double m, double s,
                              double scale, float *out)
{
    double g[64];
    const float *xi = X + (size_t)i * d;
    int j0, j, k;
    for (j0 = 0; j0 < N; j0 += 64) {
        int jn = pm__mini(64, N - j0);
        for (j = 0; j < jn; j++) {
            const float *xj = X + (size_t)(j0 + j) * d;
            g[j] = j0 + j == i ? 0.0 : 2.0 * scale * (a * (pm__dist2(d, xi, xj) - m) + s);
        }
        for (k = 0; k < d; k++) {
            double acc = 0.0;
            for (j = 0; j < jn; j++) acc += g[j] * ((double)xi[k] - X[(size_t)(j0 + j) * d + k]);
            out[k] += (float)acc;
        }
    }
}

/* Margin regulariser backward (P pairs, upstream gradients dR_T, dR_V):
     dL/dE_ij = dR_V 2 (E_ij - mu) / P
         (with target_self the path through mu = mean E is exactly 0: sum (E_ij - mu) = 0)
     dL/dD_ij = dR_T 2 (D_ij - mu_t) / P              (likewise no term through mu_t in R_T)
              + [text target] dR_V (-2 / P) sum_kl (E_kl - mu_t) / P     (through mu_t in R_V)
     dD_ij/dt_i = 2 (t_i - t_j) = -dD_ij/dt_j, and the same for E and p;
     dV_r += dL/dp_c / count_c for every row r of class c.
   Tt [N, d], labels [n], protos [N, d] as the forward left them (which must have succeeded).
   dTt [N, d] and dV [n, d] accumulate; either may be NULL. Costs O(N^2 d + N n d), no memory. */
PM__MAYBE_UNUSED static void pm__margin_backward(int N, int n, int d, const float *Tt, const int *labels,
                                const float *protos, int target_self, double dR_T, double dR_V,
                                float *dTt, float *dV)
{
    int i, r, P = N * (N - 1) / 2;
    double mu_t, mu, sumE;
    if (P == 0) return;
    mu_t = pm__pair_sums(N, d, Tt, 0.0, NULL) / P;
    sumE = pm__pair_sums(N, d, protos, 0.0, NULL);
    mu = target_self ? sumE / P : mu_t;
    if (dTt) {
        /* the part of dL/dD_ij shared by every pair: the text mean's role in R_V */
        double shared = target_self ? 0.0 : dR_V * (-2.0 / P) * (sumE - P * mu_t) / P;
        for (i = 0; i < N; i++)
            pm__pair_grad_row(N, d, Tt, i, 2.0 * dR_T / P, mu_t, shared, 1.0,
                              dTt + (size_t)i * d);
    }
    if (dV) {
        for (r = 0; r < n; r++) {
            int c = labels[r], count = 0, q;
            if (c < 0 || c >= N) continue;
            for (q = 0; q < n; q++) count += labels[q] == c;
            pm__pair_grad_row(N, d, protos, c, 2.0 * dR_V / P, mu, 0.0, 1.0 / count,
                              dV + (size_t)r * d);
        }
    }
}

/* --------------------------------------------------------------------------------------------
   The residual attention block
       x1 = x0 + out_proj(attn(in_proj(ln_1(x0))));   x2 = x1 + c_proj(act(c_fc(ln_2(x1))))
   forward (inference, or training with a cache of saved activations) and backward (input
   gradient always; weight gradients when asked for).
   -------------------------------------------------------------------------------------------- */

/* f32 gradient buffers of one block, shaped like the weights; any of them may be NULL (that
   gradient is then neither computed nor its inputs recomputed). */
typedef struct pm__block_grads {
    float *ln_1_w, *ln_1_b;
    float *in_proj_w, *in_proj_b;
    float *out_proj_w, *out_proj_b;
    float *ln_2_w, *ln_2_b;
    float *fc_w, *fc_b;
    float *proj_w, *proj_b;
} pm__block_grads;

/* What the forward of one block saves for its backward, for rows = B*T rows. Everything else
   is either not needed for input gradients or cheap to recompute for weight gradients
   (ln_1/ln_2 outputs from x0/x1 and the saved mean/rstd, act(fc) from fc, the attention
   output from qkv). Pointers into one float array (pm__block_cache_bind).
       x0           [rows, C]   block input = ln_1 input
       mean1, rstd1 [rows]      ln_1 statistics
       qkv          [rows, 3C]  in_proj output (q | k | v)
       probs        [B, heads, T, T] attention softmax, or NULL (recomputed by the backward)
       x1           [rows, C]   ln_2 input (x0 + attention branch)
       mean2, rstd2 [rows]      ln_2 statistics
       fc           [rows, H]   c_fc output before the activation
   Size: rows * (5 C + H + 4) floats, + B * heads * T * T with saved probs. */
typedef struct pm__block_cache {
    float *x0, *mean1, *rstd1, *qkv, *probs, *x1, *mean2, *rstd2, *fc;
} pm__block_cache;

/* A light cache keeps x0, x1 and the statistics only, rows * (2 C + 4) floats (qkv, fc and
   probs NULL): its backward computes qkv and fc again from x0 and x1, two of the block's four
   products, with the forward's bits. Input gradients only, and H >= 3 C (qkv is rebuilt in
   the [rows, H] scratch). */
PM__MAYBE_UNUSED static size_t pm__block_cache_floats_light(int B, int T, int C)
{
    double n = (double)B * T * (2.0 * C + 4.0);
    if (B < 0 || T < 0 || C < 0 || n >= (double)((size_t)-1 / 8)) return 0;
    return (size_t)n;
}

PM__MAYBE_UNUSED static float *pm__block_cache_bind_light(pm__block_cache *c, float *mem, int B,
                                                           int T, int C)
{
    size_t rows = (size_t)B * T;
    memset(c, 0, sizeof(*c));
    c->x0 = mem, mem += rows * C;
    c->mean1 = mem, mem += rows;
    c->rstd1 = mem, mem += rows;
    c->x1 = mem, mem += rows * C;
    c->mean2 = mem, mem += rows;
    c->rstd2 = mem, mem += rows;
    return mem;
}

/* Floats of one block cache (see pm__block_cache), or 0 when the count overflows size_t. */
PM__MAYBE_UNUSED static size_t pm__block_cache_floats(int B, int T, int C, int H, int heads, int save_probs)
{
    double rows = (double)B * T;
    double n = rows * (5.0 * C + H + 4.0) + (save_probs ? rows * heads * T : 0.0);
    if (B < 0 || T < 0 || C < 0 || H < 0 || heads < 0 || n >= (double)((size_t)-1 / 8))
        return 0;
    return (size_t)n;
}

/* Lay a cache out in mem (at least pm__block_cache_floats(...) floats); returns the float just
   past it, so the caches of all layers can be carved from one allocation. */
PM__MAYBE_UNUSED static float *pm__block_cache_bind(pm__block_cache *c, float *mem, int B, int T, int C, int H,
                                   int heads, int save_probs)
{
    size_t rows = (size_t)B * T;
    c->x0 = mem, mem += rows * C;
    c->mean1 = mem, mem += rows;
    c->rstd1 = mem, mem += rows;
    c->qkv = mem, mem += rows * 3 * C;
    c->x1 = mem, mem += rows * C;
    c->mean2 = mem, mem += rows;
    c->rstd2 = mem, mem += rows;
    c->fc = mem, mem += rows * H;
    c->probs = NULL;
    if (save_probs) c->probs = mem, mem += rows * heads * T;
    return mem;
}

/* Work buffers of a block forward (and backward) for up to `rows` = B*T rows. */
typedef struct pm__block_scratch {
    float *h;      /* [rows, C]  layernorm output, attention output, gradients */
    float *qkv;    /* [rows, 3C] */
    float *mlp;    /* [rows, H]  */
    float *scores; /* n_scores tiles of [T, T]; [2, T, T] with the backward buffers */
    int n_scores;  /* one per thread (at allocation time) */
    float *h2;     /* [rows, C]  backward only */
    float *mlp2;   /* [rows, H]  backward only */
} pm__block_scratch;

static void pm__block_scratch_free(pm__block_scratch *s)
{
    PM_FREE(s->h), PM_FREE(s->qkv), PM_FREE(s->mlp), PM_FREE(s->scores);
    PM_FREE(s->h2), PM_FREE(s->mlp2);
    memset(s, 0, sizeof(*s));
}

static int pm__block_scratch_alloc_(pm__block_scratch *s, size_t rows, int T, int C, int H,
                                    int backward)
{
    size_t tt = (size_t)T * T * (backward ? 2 : 1);
    memset(s, 0, sizeof(*s));
    s->n_scores = pm_get_threads();
    tt *= (size_t)s->n_scores;
    s->h = (float *)pm__malloc_array(rows, sizeof(float) * (size_t)C);
    s->qkv = (float *)pm__malloc_array(rows, sizeof(float) * 3 * (size_t)C);
    s->mlp = (float *)pm__malloc_array(rows, sizeof(float) * (size_t)H);
    s->scores = pm__floats(tt);
    if (backward) {
        s->h2 = (float *)pm__malloc_array(rows, sizeof(float) * (size_t)C);
        s->mlp2 = (float *)pm__malloc_array(rows, sizeof(float) * (size_t)H);
    }
    if (s->h && s->qkv && s->mlp && s->scores && (!backward || (s->h2 && s->mlp2))) return 0;
    pm__block_scratch_free(s);
    return -1;
}

/* Scratch for pm__block_forward / pm__block_forward_train (0, or -1 with nothing allocated). */
static int pm__block_scratch_alloc(pm__block_scratch *s, size_t rows, int T, int C, int H)
{
    return pm__block_scratch_alloc_(s, rows, T, C, H, 0);
}

/* Scratch for pm__block_backward as well (two more [rows, C] and [rows, H], twice the tile). */
PM__MAYBE_UNUSED static int pm__block_scratch_alloc_backward(pm__block_scratch *s, size_t rows, int T, int C,
                                            int H)
{
    return pm__block_scratch_alloc_(s, rows, T, C, H, 1);
}

/* x[B*T, C] = block(x), in place. With a cache (laid out by pm__block_cache_bind for these
   B, T, C, H, heads), also saves what pm__block_backward needs; with cache NULL it is the
   inference forward. Both give bit-identical x. */
static void pm__block_forward_train(const pm__block *w, int B, int T, int C, int H, int heads,
                                    int causal, int act, float *x, pm__block_cache *cache,
                                    pm__block_scratch *s)
{
    int rows = B * T;
    size_t i, n = (size_t)rows * C;
    float *qkv = cache && cache->qkv ? cache->qkv : s->qkv;
    float *fc = cache && cache->fc ? cache->fc : s->mlp;
    /* attention branch */
    if (cache) memcpy(cache->x0, x, sizeof(float) * n);
    pm__layernorm_forward(rows, C, x, w->ln_1_w.f, w->ln_1_b.f, s->h, cache ? cache->mean1 : NULL,
                          cache ? cache->rstd1 : NULL);
    pm__linear_forward(rows, C, 3 * C, s->h, w->in_proj_w.data, w->in_proj_w.dtype,
                       w->in_proj_b.f, qkv);
    pm__attention_forward(B, T, C, heads, causal, qkv, s->h, cache ? cache->probs : NULL,
                          s->scores, s->n_scores);
    pm__linear_forward(rows, C, C, s->h, w->out_proj_w.data, w->out_proj_w.dtype,
                       w->out_proj_b.f, s->qkv);
    for (i = 0; i < n; i++) x[i] += s->qkv[i];
    /* MLP branch */
    if (cache) memcpy(cache->x1, x, sizeof(float) * n);
    pm__layernorm_forward(rows, C, x, w->ln_2_w.f, w->ln_2_b.f, s->h, cache ? cache->mean2 : NULL,
                          cache ? cache->rstd2 : NULL);
    pm__linear_forward(rows, C, H, s->h, w->fc_w.data, w->fc_w.dtype, w->fc_b.f, fc);
    pm__activation_forward(act, (size_t)rows * H, fc, s->mlp);
    pm__linear_forward(rows, H, C, s->mlp, w->proj_w.data, w->proj_w.dtype, w->proj_b.f, s->qkv);
    for (i = 0; i < n; i++) x[i] += s->qkv[i];
}

/* Inference: x[B*T, C] = block(x), nothing saved. */
static void pm__block_forward(const pm__block *w, int B, int T, int C, int H, int heads,
                              int causal, int act, float *x, pm__block_scratch *s)
{
    pm__block_forward_train(w, B, T, C, H, heads, causal, act, x, NULL, s);
}

/* Block backward. dx [B*T, C]: on entry dL/d(block output), on return dL/d(block input)
   (in place; the residual connections pass it straight through and each branch adds its
   part). cache: what pm__block_forward_train saved. g: NULL (frozen weights: input gradient
   only, the common case) or f32 gradient buffers, accumulated (+=). s: scratch from
   pm__block_scratch_alloc_backward.
   Per branch, from the output back:
       MLP:  dg = dx2 . W_proj;  df = dg * act'(fc);  dh = df . W_fc;
             dx1 = dx2 + ln_2_backward(dh)
       attn: da = dx1 . W_out;  dqkv = attention_backward(da);  dh = dqkv . W_in;
             dx0 = dx1 + ln_1_backward(dh)
   and with g, dW = dy^T . (layer input) and db = column sums of dy for every linear layer,
   the layer inputs being recomputed from the cache (cheap: elementwise, or the attention
   core, which costs about T / (6 C) of the block's products when H = 4C). */
PM__MAYBE_UNUSED static void pm__block_backward(const pm__block *w, int B, int T, int C, int H, int heads,
                               int causal, int act, const pm__block_cache *cache, float *dx,
                               const pm__block_grads *g, pm__block_scratch *s)
{
    int rows = B * T;
    size_t nC = (size_t)rows * C, nH = (size_t)rows * H;
    const float *qkv = cache->qkv;
    PM_ASSERT(s->h2 && s->mlp2); /* from pm__block_scratch_alloc_backward */
    PM_ASSERT((cache->qkv && cache->fc) || (!g && H >= 3 * C)); /* a light cache */
    /* MLP branch: x2 = x1 + c_proj(act(c_fc(ln_2(x1)))) */
    if (g && g->proj_w) pm__activation_forward(act, nH, cache->fc, s->mlp);
    memset(s->mlp2, 0, sizeof(float) * nH);
    pm__linear_backward(rows, H, C, dx, s->mlp, w->proj_w.data, w->proj_w.dtype, s->mlp2,
                        g ? g->proj_w : NULL, g ? g->proj_b : NULL);
    if (cache->fc) {
        memset(s->mlp, 0, sizeof(float) * nH);
        pm__activation_backward(act, nH, cache->fc, s->mlp2, s->mlp);
    } else { /* light cache: c_fc's output again, then its gradient over it */
        pm__layernorm_forward(rows, C, cache->x1, w->ln_2_w.f, w->ln_2_b.f, s->h, NULL, NULL);
        pm__linear_forward(rows, C, H, s->h, w->fc_w.data, w->fc_w.dtype, w->fc_b.f, s->mlp);
        pm__activation_grad_inplace(act, nH, s->mlp, s->mlp2);
    }
    if (g && g->fc_w)
        pm__layernorm_forward(rows, C, cache->x1, w->ln_2_w.f, w->ln_2_b.f, s->h, NULL, NULL);
    memset(s->h2, 0, sizeof(float) * nC);
    pm__linear_backward(rows, C, H, s->mlp, s->h, w->fc_w.data, w->fc_w.dtype, s->h2,
                        g ? g->fc_w : NULL, g ? g->fc_b : NULL);
    pm__layernorm_backward(rows, C, s->h2, cache->x1, w->ln_2_w.f, cache->mean2, cache->rstd2,
                           dx, g ? g->ln_2_w : NULL, g ? g->ln_2_b : NULL);
    /* attention branch: x1 = x0 + out_proj(attn(in_proj(ln_1(x0)))) */
    if (!qkv) { /* light cache: in_proj's output again, in the free [rows, H] scratch */
        pm__layernorm_forward(rows, C, cache->x0, w->ln_1_w.f, w->ln_1_b.f, s->h, NULL, NULL);
        pm__linear_forward(rows, C, 3 * C, s->h, w->in_proj_w.data, w->in_proj_w.dtype,
                           w->in_proj_b.f, s->mlp);
        qkv = s->mlp;
    }
    if (g && g->out_proj_w)
        pm__attention_forward(B, T, C, heads, causal, cache->qkv, s->h, NULL, s->scores,
                              s->n_scores);
    memset(s->h2, 0, sizeof(float) * nC);
    pm__linear_backward(rows, C, C, dx, s->h, w->out_proj_w.data, w->out_proj_w.dtype, s->h2,
                        g ? g->out_proj_w : NULL, g ? g->out_proj_b : NULL);
    memset(s->qkv, 0, sizeof(float) * 3 * nC);
    pm__attention_backward(B, T, C, heads, causal, s->h2, qkv, cache->probs, s->qkv,
                           s->scores, s->n_scores);
    if (g && g->in_proj_w)
        pm__layernorm_forward(rows, C, cache->x0, w->ln_1_w.f, w->ln_1_b.f, s->h, NULL, NULL);
    memset(s->h2, 0, sizeof(float) * nC);
    pm__linear_backward(rows, C, 3 * C, s->qkv, s->h, w->in_proj_w.data, w->in_proj_w.dtype,
                        s->h2, g ? g->in_proj_w : NULL, g ? g->in_proj_b : NULL);
    pm__layernorm_backward(rows, C, s->h2, cache->x0, w->ln_1_w.f, cache->mean1, cache->rstd1,
                           dx, g ? g->ln_1_w : NULL, g ? g->ln_1_b : NULL);
}

/* ============================================================================================
   [4] MODEL FILE
   A .pmc file is little-endian throughout:
       header      256 bytes: magic "PMCLIP\0\0", version, hyper-parameters, section offsets
       directory   n_tensors entries of 128 bytes: name[64], dtype, ndim, shape[4], offset,
                   nbytes
       merges      the tokenizer's BPE merge list, one "left right\n" line per merge
       data        the tensors, each 64-byte aligned, OpenAI CLIP names and shapes
   README.md lists every field with its offset. The loader checks every size, offset and
   shape against the hyper-parameters before anything is used, and never reads outside the
   file.
   ============================================================================================ */

#define PM__MAGIC "PMCLIP\0\0"
#define PM__FILE_VERSION 1
#define PM__HEADER_SIZE 256
#define PM__DIR_ENTRY 128

typedef struct pm__tokenizer pm__tokenizer;
static void pm__tokenizer_free(pm__tokenizer *t);
/* The public tokenizer wraps the private one (section [5]). */
struct pm_tokenizer {
    pm__tokenizer *t;
};
static pm__tokenizer *pm__tokenizer_create(const char *merges, size_t len, int n_merges);

/* One directory entry kept for inspection (pm_model_tensor). */
typedef struct pm__named {
    char name[64];
    pm__tensor t;
} pm__named;

struct pm_model {
    pm_model_info info;
    uint8_t *file;     /* the whole file, owned; tensors point into it */
    float *converted;  /* float copies of the small tensors of an f16/bf16 file */
    pm__named *dir;    /* [n_tensors] */
    pm_tokenizer tok; /* tok.t is NULL without a text tower */
    char sha256[65];  /* of the file, computed when first needed */
    /* image tower */
    pm__tensor v_conv1, v_class, v_pos, v_ln_pre_w, v_ln_pre_b, v_ln_post_w, v_ln_post_b, v_proj;
    pm__block *v_blocks;
    /* text tower */
    pm__tensor t_tok, t_pos, t_ln_final_w, t_ln_final_b, t_proj;
    pm__block *t_blocks;
};

/* A tensor the hyper-parameters say the file must hold. `small` ones get a float copy. */
typedef struct pm__want {
    char name[64];
    int ndim, shape[4], small, found;
    pm__tensor *slot;
} pm__want;

static void pm__want_add(pm__want *w, int *n, pm__tensor *slot, int small, int ndim, int d0,
                     int d1, int d2, int d3, const char *fmt, ...)
{
    pm__want *e = &w[(*n)++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof(e->name), fmt, ap);
    va_end(ap);
    e->ndim = ndim;
    e->shape[0] = d0;
    e->shape[1] = d1;
    e->shape[2] = d2;
    e->shape[3] = d3;
    e->small = small;
    e->found = 0;
    e->slot = slot;
}

#define PM__BLOCK_TENSORS 12

static void pm__want_block(pm__want *w, int *n, pm__block *b, const char *prefix, int i, int C,
                           int H)
{
    pm__want_add(w, n, &b->ln_1_w, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_1.weight", prefix, i);
    pm__want_add(w, n, &b->ln_1_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_1.bias", prefix, i);
    pm__want_add(w, n, &b->in_proj_w, 0, 2, 3 * C, C, 0, 0, "%sresblocks.%d.attn.in_proj_weight",
             prefix, i);
    pm__want_add(w, n, &b->in_proj_b, 1, 1, 3 * C, 0, 0, 0, "%sresblocks.%d.attn.in_proj_bias",
             prefix, i);
    pm__want_add(w, n, &b->out_proj_w, 0, 2, C, C, 0, 0, "%sresblocks.%d.attn.out_proj.weight",
             prefix, i);
    pm__want_add(w, n, &b->out_proj_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.attn.out_proj.bias",
             prefix, i);
    pm__want_add(w, n, &b->ln_2_w, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_2.weight", prefix, i);
    pm__want_add(w, n, &b->ln_2_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.ln_2.bias", prefix, i);
    pm__want_add(w, n, &b->fc_w, 0, 2, H, C, 0, 0, "%sresblocks.%d.mlp.c_fc.weight", prefix, i);
    pm__want_add(w, n, &b->fc_b, 1, 1, H, 0, 0, 0, "%sresblocks.%d.mlp.c_fc.bias", prefix, i);
    pm__want_add(w, n, &b->proj_w, 0, 2, C, H, 0, 0, "%sresblocks.%d.mlp.c_proj.weight", prefix, i);
    pm__want_add(w, n, &b->proj_b, 1, 1, C, 0, 0, 0, "%sresblocks.%d.mlp.c_proj.bias", prefix, i);
}

/* The list of tensors the model's hyper-parameters call for, in file order. */
static pm__want *pm__model_wants(pm_model *m, int *count)
{
    const pm_model_info *mi = &m->info;
    int n = 0, i, total = 0, G = mi->has_vision ? mi->image_size / mi->patch_size : 0;
    pm__want *w;
    if (mi->has_vision) total += 8 + PM__BLOCK_TENSORS * mi->vision_layers;
    if (mi->has_text) total += 5 + PM__BLOCK_TENSORS * mi->text_layers;
    w = (pm__want *)pm__malloc_array((size_t)total, sizeof(pm__want));
    if (!w) return NULL;
    if (mi->has_vision) {
        int W = mi->vision_width, P = mi->patch_size;
        pm__want_add(w, &n, &m->v_conv1, 0, 4, W, 3, P, P, "visual.conv1.weight");
        pm__want_add(w, &n, &m->v_class, 1, 1, W, 0, 0, 0, "visual.class_embedding");
        pm__want_add(w, &n, &m->v_pos, 1, 2, G * G + 1, W, 0, 0, "visual.positional_embedding");
        pm__want_add(w, &n, &m->v_ln_pre_w, 1, 1, W, 0, 0, 0, "visual.ln_pre.weight");
        pm__want_add(w, &n, &m->v_ln_pre_b, 1, 1, W, 0, 0, 0, "visual.ln_pre.bias");
        for (i = 0; i < mi->vision_layers; i++)
            pm__want_block(w, &n, &m->v_blocks[i], "visual.transformer.", i, W, mi->vision_mlp);
        pm__want_add(w, &n, &m->v_ln_post_w, 1, 1, W, 0, 0, 0, "visual.ln_post.weight");
        pm__want_add(w, &n, &m->v_ln_post_b, 1, 1, W, 0, 0, 0, "visual.ln_post.bias");
        pm__want_add(w, &n, &m->v_proj, 0, 2, W, mi->embed_dim, 0, 0, "visual.proj");
    }
    if (mi->has_text) {
        int C = mi->text_width;
        pm__want_add(w, &n, &m->t_tok, 0, 2, mi->vocab_size, C, 0, 0, "token_embedding.weight");
        pm__want_add(w, &n, &m->t_pos, 1, 2, mi->context_length, C, 0, 0, "positional_embedding");
        for (i = 0; i < mi->text_layers; i++)
            pm__want_block(w, &n, &m->t_blocks[i], "transformer.", i, C, mi->text_mlp);
        pm__want_add(w, &n, &m->t_ln_final_w, 1, 1, C, 0, 0, 0, "ln_final.weight");
        pm__want_add(w, &n, &m->t_ln_final_b, 1, 1, C, 0, 0, 0, "ln_final.bias");
        pm__want_add(w, &n, &m->t_proj, 0, 2, C, mi->embed_dim, 0, 0, "text_projection");
    }
    PM_ASSERT(n == total);
    *count = n;
    return w;
}

/* Read and check the 256-byte header into m->info. */
static int pm__read_header(pm_model *m, const uint8_t *h, size_t size)
{
    pm_model_info *mi = &m->info;
    uint32_t version, flags, act, u[14];
    int i;
    if (size < PM__HEADER_SIZE)
        return pm__errorf("model file is %lu bytes, too short for a promptmargin model "
                          "(a .pmc file made by tools/convert.py)", (unsigned long)size);
    if (memcmp(h, PM__MAGIC, 8) != 0)
        return pm__errorf("not a promptmargin model file (bad magic); convert checkpoints "
                          "with tools/convert.py");
    version = pm__rd32(h + 8);
    if (version != PM__FILE_VERSION)
        return pm__errorf("model file version %lu is not supported (this library reads "
                          "version %d); re-convert it with this release's tools/convert.py",
                          (unsigned long)version, PM__FILE_VERSION);
    if (pm__rd32(h + 12) != PM__HEADER_SIZE) return pm__errorf("model file header size is wrong");
    flags = pm__rd32(h + 16);
    act = pm__rd32(h + 20);
    if ((flags & ~3u) != 0 || flags == 0) return pm__errorf("model file flags are invalid");
    if (act > 1) return pm__errorf("model file names an unknown activation (%lu)",
                                   (unsigned long)act);
    for (i = 0; i < 14; i++) u[i] = pm__rd32(h + 24 + 4 * i);
    mi->has_vision = (flags & 1) != 0;
    mi->has_text = (flags & 2) != 0;
    mi->act = (int)act;
    if (pm__rd64(h + 160) != (uint64_t)size)
        return pm__errorf("model file is truncated or padded: the header says %.0f bytes, "
                          "the file has %.0f", (double)pm__rd64(h + 160), (double)size);
    /* every dimension must be a modest positive int before any arithmetic on it */
    for (i = 0; i < 14; i++) {
        if (u[i] > (1u << 20)) return pm__errorf("model file has an absurd dimension (%lu)",
                                                 (unsigned long)u[i]);
    }
    mi->image_size = (int)u[0], mi->patch_size = (int)u[1], mi->vision_width = (int)u[2];
    mi->vision_layers = (int)u[3], mi->vision_heads = (int)u[4], mi->vision_mlp = (int)u[5];
    mi->context_length = (int)u[6], mi->vocab_size = (int)u[7], mi->text_width = (int)u[8];
    mi->text_layers = (int)u[9], mi->text_heads = (int)u[10], mi->text_mlp = (int)u[11];
    mi->embed_dim = (int)u[12];
    mi->n_tensors = (int)pm__rd32(h + 76);
    mi->logit_scale = pm__rdf32(h + 80);
    for (i = 0; i < 3; i++) {
        mi->image_mean[i] = pm__rdf32(h + 84 + 4 * i);
        mi->image_std[i] = pm__rdf32(h + 96 + 4 * i);
        if (!(mi->image_std[i] > 0.0f) || !(fabsf(mi->image_mean[i]) < 1e3f) ||
            !(mi->image_std[i] < 1e3f))
            return pm__errorf("model file has an invalid image mean/std");
    }
    mi->n_merges = (int)pm__rd32(h + 108);
    mi->file_size = size;
    if (!(fabsf(mi->logit_scale) < 100.0f))
        return pm__errorf("model file has an invalid logit_scale");
    if (mi->embed_dim <= 0) return pm__errorf("model file has embed_dim 0");
    if (mi->has_vision) {
        if (mi->image_size <= 0 || mi->patch_size <= 0 || mi->image_size % mi->patch_size ||
            mi->image_size > 8192)
            return pm__errorf("model file has an invalid image size %d / patch size %d",
                              mi->image_size, mi->patch_size);
        if (mi->vision_width <= 0 || mi->vision_heads <= 0 ||
            mi->vision_width % mi->vision_heads || mi->vision_layers <= 0 ||
            mi->vision_layers > 1024 || mi->vision_mlp <= 0 || mi->vision_width > 65536)
            return pm__errorf("model file has invalid image tower dimensions "
                              "(width %d, heads %d, layers %d, mlp %d)", mi->vision_width,
                              mi->vision_heads, mi->vision_layers, mi->vision_mlp);
        if ((mi->image_size / mi->patch_size) * (mi->image_size / mi->patch_size) > 65536)
            return pm__errorf("model file has too many patches");
    }
    if (mi->has_text) {
        if (mi->text_width <= 0 || mi->text_heads <= 0 || mi->text_width % mi->text_heads ||
            mi->text_layers <= 0 || mi->text_layers > 1024 || mi->text_mlp <= 0 ||
            mi->context_length < 2 || mi->context_length > 65536 || mi->text_width > 65536)
            return pm__errorf("model file has invalid text tower dimensions "
                              "(width %d, heads %d, layers %d, mlp %d, context %d)",
                              mi->text_width, mi->text_heads, mi->text_layers, mi->text_mlp,
                              mi->context_length);
        if (mi->n_merges < 0 || mi->n_merges > (1 << 20) ||
            mi->vocab_size != 512 + mi->n_merges + 2)
            return pm__errorf("model file vocabulary (%d) does not match its %d BPE merges "
                              "(expected 512 + merges + 2)", mi->vocab_size, mi->n_merges);
        mi->sot_token = 512 + mi->n_merges;
        mi->eot_token = 513 + mi->n_merges;
    }
    return 0;
}

/* Swap the bytes of every element of a tensor in place (big-endian hosts only). */
static void pm__swap_bytes(uint8_t *p, size_t n_elems, size_t elem)
{
    size_t i, j;
    for (i = 0; i < n_elems; i++, p += elem)
        for (j = 0; j < elem / 2; j++) {
            uint8_t t = p[j];
            p[j] = p[elem - 1 - j];
            p[elem - 1 - j] = t;
        }
}

/* Check the directory against the wanted tensors and bind them. */
static int pm__bind_tensors(pm_model *m, pm__want *w, int nw)
{
    const uint8_t *h = m->file;
    uint64_t size = m->info.file_size, dir_off = pm__rd64(h + 112), dir_size = pm__rd64(h + 120);
    uint64_t data_off = pm__rd64(h + 144), data_size = pm__rd64(h + 152);
    size_t n_small = 0, used = 0;
    int i, j, n = m->info.n_tensors;
    if (n != nw)
        return pm__errorf("model file has %d tensors, its hyper-parameters call for %d", n, nw);
    if (dir_size != (uint64_t)n * PM__DIR_ENTRY || dir_off < PM__HEADER_SIZE ||
        dir_off > size || dir_size > size - dir_off)
        return pm__errorf("model file tensor directory lies outside the file");
    if (data_off % 64 || data_off > size || data_size > size - data_off)
        return pm__errorf("model file data section lies outside the file");
    m->dir = (pm__named *)pm__malloc_array((size_t)n, sizeof(pm__named));
    if (!m->dir) return -1;
    for (i = 0; i < n; i++) {
        const uint8_t *e = h + dir_off + (uint64_t)i * PM__DIR_ENTRY;
        uint32_t dtype = pm__rd32(e + 64), ndim = pm__rd32(e + 68);
        uint64_t off = pm__rd64(e + 88), nbytes = pm__rd64(e + 96), count = 1;
        pm__want *want = NULL;
        pm__tensor *t;
        if (memchr(e, 0, 64) == NULL) return pm__errorf("model file tensor %d has no name", i);
        for (j = 0; j < nw; j++)
            if (strcmp((const char *)e, w[j].name) == 0) want = &w[j];
        if (!want)
            return pm__errorf("model file holds an unexpected tensor '%.63s'", (const char *)e);
        if (want->found)
            return pm__errorf("model file holds tensor '%s' twice", want->name);
        want->found = 1;
        if (dtype > PM_DTYPE_BF16)
            return pm__errorf("tensor '%s' has an unknown dtype %lu", want->name,
                              (unsigned long)dtype);
        if (ndim != (uint32_t)want->ndim)
            return pm__errorf("tensor '%s' has %lu dimensions, expected %d", want->name,
                              (unsigned long)ndim, want->ndim);
        for (j = 0; j < 4; j++) {
            uint32_t d = pm__rd32(e + 72 + 4 * j);
            if (d != (uint32_t)want->shape[j])
                return pm__errorf("tensor '%s' has dimension %d = %lu, the model's "
                                  "hyper-parameters call for %d", want->name, j,
                                  (unsigned long)d, want->shape[j]);
            if (j < want->ndim) count *= d;
        }
        if (nbytes != count * pm__dtype_size((int)dtype))
            return pm__errorf("tensor '%s' byte size is inconsistent with its shape", want->name);
        if (off % 64 || off < data_off || off > data_off + data_size ||
            nbytes > data_off + data_size - off)
            return pm__errorf("tensor '%s' lies outside the data section", want->name);
        t = want->slot;
        t->data = m->file + off;
        t->f = dtype == PM_DTYPE_F32 ? (const float *)t->data : NULL;
        t->dtype = (int)dtype;
        t->ndim = (int)ndim;
        memcpy(t->shape, want->shape, sizeof(t->shape));
        if (want->small && dtype != PM_DTYPE_F32) n_small += (size_t)count;
        memcpy(m->dir[i].name, want->name, 64);
        if (!pm__little_endian())
            pm__swap_bytes(m->file + off, (size_t)count, pm__dtype_size((int)dtype));
    }
    for (j = 0; j < nw; j++)
        if (!w[j].found) return pm__errorf("model file lacks tensor '%s'", w[j].name);
    /* float copies of the small tensors of an f16/bf16 file */
    if (n_small) {
        m->converted = pm__floats(n_small);
        if (!m->converted) return -1;
        for (j = 0; j < nw; j++) {
            pm__tensor *t = w[j].slot;
            size_t cnt = 1;
            int d;
            if (!w[j].small || t->dtype == PM_DTYPE_F32) continue;
            for (d = 0; d < t->ndim; d++) cnt *= (size_t)t->shape[d];
            pm__to_f32(t->data, t->dtype, cnt, m->converted + used);
            t->f = m->converted + used;
            used += cnt;
        }
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < nw; j++)
            if (strcmp(m->dir[i].name, w[j].name) == 0) m->dir[i].t = *w[j].slot;
    m->info.dtype = m->info.has_vision ? m->v_conv1.dtype : m->t_tok.dtype;
    return 0;
}

/* Build a model around `file` (size bytes, owned by the model from here on, even on failure). */
static pm_model *pm__model_from_buffer(uint8_t *file, size_t size)
{
    pm_model *m = (pm_model *)PM_MALLOC(sizeof(pm_model));
    pm__want *w = NULL;
    int nw = 0;
    if (!m) {
        PM_FREE(file);
        pm__errorf("out of memory");
        return NULL;
    }
    memset(m, 0, sizeof(*m));
    m->file = file;
    if (pm__read_header(m, file, size) != 0) goto fail;
    if (m->info.has_vision) {
        m->v_blocks = (pm__block *)pm__malloc_array((size_t)m->info.vision_layers,
                                                    sizeof(pm__block));
        if (!m->v_blocks) goto fail;
    }
    if (m->info.has_text) {
        m->t_blocks = (pm__block *)pm__malloc_array((size_t)m->info.text_layers,
                                                    sizeof(pm__block));
        if (!m->t_blocks) goto fail;
    }
    w = pm__model_wants(m, &nw);
    if (!w || pm__bind_tensors(m, w, nw) != 0) goto fail;
    PM_FREE(w);
    w = NULL;
    if (m->info.has_text) {
        uint64_t off = pm__rd64(file + 128), len = pm__rd64(file + 136);
        if (off < PM__HEADER_SIZE || off > size || len > size - off) {
            pm__errorf("model file merge list lies outside the file");
            goto fail;
        }
        m->tok.t = pm__tokenizer_create((const char *)file + off, (size_t)len, m->info.n_merges);
        if (!m->tok.t) {
            pm__error_prefix("model file merge list is invalid");
            goto fail;
        }
    }
    return m;
fail:
    PM_FREE(w);
    pm_model_free(m);
    return NULL;
}

PMDEF pm_model *pm_model_load_memory(const void *data, size_t size)
{
    uint8_t *copy;
    if (!data) return pm__errorf("no model data given"), (pm_model *)NULL;
    copy = (uint8_t *)pm__malloc_array(size, 1);
    if (!copy) return NULL;
    memcpy(copy, data, size);
    return pm__model_from_buffer(copy, size);
}

#ifndef PM_NO_STDIO
/* Read a whole file into a fresh buffer of *size bytes and a NUL after them. */
static uint8_t *pm__read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;
    if (!f) return pm__errorf("cannot open '%s'", path), (uint8_t *)NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return pm__errorf("cannot read '%s' (not a regular file?)", path), (uint8_t *)NULL;
    }
    buf = (uint8_t *)pm__malloc_array((size_t)len + 1, 1);
    if (buf && len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        PM_FREE(buf);
        buf = NULL;
        pm__errorf("cannot read '%s'", path);
    }
    if (buf) buf[len] = 0; /* text readers may end their last line in place */
    fclose(f);
    *size = (size_t)len;
    return buf;
}

PMDEF pm_model *pm_model_load(const char *path)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size);
    pm_model *m;
    if (!buf) return NULL;
    m = pm__model_from_buffer(buf, size);
    if (!m) {
        pm__error_prefix(path);
    }
    return m;
}
#endif

PMDEF void pm_model_free(pm_model *m)
{
    if (!m) return;
    if (m->tok.t) pm__tokenizer_free(m->tok.t);
    PM_FREE(m->v_blocks);
    PM_FREE(m->t_blocks);
    PM_FREE(m->dir);
    PM_FREE(m->converted);
    PM_FREE(m->file);
    PM_FREE(m);
}

PMDEF const pm_model_info *pm_model_get_info(const pm_model *m) { return &m->info; }

PMDEF int pm_model_tensor(const pm_model *m, int i, const char **name, int *dtype, int *ndim,
                          int shape[4])
{
    if (!m || i < 0 || i >= m->info.n_tensors) return pm__errorf("no tensor %d", i);
    if (name) *name = m->dir[i].name;
    if (dtype) *dtype = m->dir[i].t.dtype;
    if (ndim) *ndim = m->dir[i].t.ndim;
    if (shape) memcpy(shape, m->dir[i].t.shape, sizeof(int) * 4);
    return 0;
}

/* ---- Writing a model file (pm_model_save, and pm_model_create's fresh files) ---- */

static void pm__wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void pm__wr64(uint8_t *p, uint64_t v)
{
    pm__wr32(p, (uint32_t)v);
    pm__wr32(p + 4, (uint32_t)(v >> 32));
}

static void pm__wrf32(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    pm__wr32(p, u);
}

/* float -> IEEE half bits, rounded to nearest even; overflow gives infinity, NaN stays NaN. */
static uint16_t pm__f32_to_f16(float f)
{
    uint32_t u, sign, mag;
    memcpy(&u, &f, 4);
    sign = (u >> 16) & 0x8000u, mag = u & 0x7FFFFFFFu;
    if (mag > 0x7F800000u) return (uint16_t)(sign | 0x7E00u);
    if (mag >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); /* rounds to >= 65520: inf */
    if (mag < 0x38800000u) {                                    /* below 2^-14: subnormal */
        uint32_t man = (mag & 0x7FFFFFu) | 0x800000u, e = mag >> 23, shift, half, q;
        if (e < 102) return (uint16_t)sign;                     /* below half of 2^-24 */
        shift = 126 - e;                                        /* 14 + (113 - e) */
        q = man >> shift, half = 1u << (shift - 1);
        if ((man & ((half << 1) - 1)) > half || ((man & ((half << 1) - 1)) == half && (q & 1)))
            q++;
        return (uint16_t)(sign | q);
    }
    mag += 0xFFFu + ((mag >> 13) & 1u) - (112u << 23); /* rebias, round to 10 mantissa bits */
    return (uint16_t)(sign | (mag >> 13));
}

/* The bytes of a .pmc file for mi's hyper-parameters: header, directory of the n tensors
   (names, ndims, shapes, all stored as dtype), the merge list, and zeroed data; offsets[i]
   receives where tensor i's data starts. NULL when out of memory. */
static uint8_t *pm__pmc_layout(const pm_model_info *mi, int n, const pm__named *tensors,
                               int dtype, const char *merges, size_t merges_len, size_t *size,
                               size_t *offsets)
{
    size_t dir_off = PM__HEADER_SIZE, bpe_off = dir_off + (size_t)n * PM__DIR_ENTRY;
    size_t data_off = (bpe_off + merges_len + 63) / 64 * 64, end = data_off, nbytes;
    uint32_t dims[13];
    uint8_t *f, *e;
    int i, j;
    for (i = 0; i < n; i++) {
        for (nbytes = pm__dtype_size(dtype), j = 0; j < tensors[i].t.ndim; j++)
            nbytes *= (size_t)tensors[i].t.shape[j];
        offsets[i] = (end + 63) / 64 * 64;
        end = offsets[i] + nbytes;
    }
    f = (uint8_t *)pm__malloc_array(end, 1);
    if (!f) return NULL;
    memset(f, 0, end);
    memcpy(f, PM__MAGIC, 8);
    pm__wr32(f + 8, PM__FILE_VERSION);
    pm__wr32(f + 12, PM__HEADER_SIZE);
    pm__wr32(f + 16, (mi->has_vision ? 1u : 0u) | (mi->has_text ? 2u : 0u));
    pm__wr32(f + 20, (uint32_t)mi->act);
    dims[0] = (uint32_t)mi->image_size, dims[1] = (uint32_t)mi->patch_size;
    dims[2] = (uint32_t)mi->vision_width, dims[3] = (uint32_t)mi->vision_layers;
    dims[4] = (uint32_t)mi->vision_heads, dims[5] = (uint32_t)mi->vision_mlp;
    dims[6] = (uint32_t)mi->context_length, dims[7] = (uint32_t)mi->vocab_size;
    dims[8] = (uint32_t)mi->text_width, dims[9] = (uint32_t)mi->text_layers;
    dims[10] = (uint32_t)mi->text_heads, dims[11] = (uint32_t)mi->text_mlp;
    dims[12] = (uint32_t)mi->embed_dim;
    for (i = 0; i < 13; i++) pm__wr32(f + 24 + 4 * i, dims[i]);
    pm__wr32(f + 76, (uint32_t)n);
    pm__wrf32(f + 80, mi->logit_scale);
    for (i = 0; i < 3; i++) pm__wrf32(f + 84 + 4 * i, mi->image_mean[i]);
    for (i = 0; i < 3; i++) pm__wrf32(f + 96 + 4 * i, mi->image_std[i]);
    pm__wr32(f + 108, (uint32_t)mi->n_merges);
    pm__wr64(f + 112, dir_off);
    pm__wr64(f + 120, (uint64_t)n * PM__DIR_ENTRY);
    pm__wr64(f + 128, merges_len ? bpe_off : 0);
    pm__wr64(f + 136, merges_len);
    pm__wr64(f + 144, data_off);
    pm__wr64(f + 152, end - data_off);
    pm__wr64(f + 160, end);
    for (i = 0; i < n; i++) {
        e = f + dir_off + (size_t)i * PM__DIR_ENTRY;
        memcpy(e, tensors[i].name, strlen(tensors[i].name));
        pm__wr32(e + 64, (uint32_t)dtype);
        pm__wr32(e + 68, (uint32_t)tensors[i].t.ndim);
        for (j = 0; j < 4; j++)
            pm__wr32(e + 72 + 4 * j, j < tensors[i].t.ndim ? (uint32_t)tensors[i].t.shape[j] : 0);
        for (nbytes = pm__dtype_size(dtype), j = 0; j < tensors[i].t.ndim; j++)
            nbytes *= (size_t)tensors[i].t.shape[j];
        pm__wr64(e + 88, offsets[i]);
        pm__wr64(e + 96, nbytes);
    }
    if (merges_len) memcpy(f + bpe_off, merges, merges_len);
    *size = end;
    return f;
}

/* Number of elements of a tensor. */
static size_t pm__tensor_count(const pm__tensor *t)
{
    size_t n = 1;
    int d;
    for (d = 0; d < t->ndim; d++) n *= (size_t)t->shape[d];
    return n;
}

PMDEF void *pm_model_save_memory(const pm_model *m, int dtype, size_t *size)
{
    int n = m->info.n_tensors, i;
    size_t *offsets, k, cnt, len = 0, esz = pm__dtype_size(dtype);
    const char *merges = NULL;
    float *tmp = NULL;
    uint8_t *f = NULL;
    if (dtype < PM_DTYPE_F32 || dtype > PM_DTYPE_BF16)
        return pm__errorf("save: unknown dtype %d", dtype), (void *)NULL;
    if (m->info.has_text) {
        merges = (const char *)m->file + pm__rd64(m->file + 128);
        len = (size_t)pm__rd64(m->file + 136);
    }
    offsets = (size_t *)pm__malloc_array((size_t)n, sizeof(size_t));
    if (!offsets) return NULL;
    f = pm__pmc_layout(&m->info, n, m->dir, dtype, merges, len, size, offsets);
    for (i = 0; f && i < n; i++) {
        const pm__tensor *t = &m->dir[i].t;
        uint8_t *dst = f + offsets[i];
        cnt = pm__tensor_count(t);
        PM_FREE(tmp);
        tmp = pm__floats(cnt);
        if (!tmp) {
            PM_FREE(f);
            f = NULL;
            break;
        }
        pm__to_f32(t->data, t->dtype, cnt, tmp);
        for (k = 0; k < cnt; k++, dst += esz) {
            if (dtype == PM_DTYPE_F32) {
                pm__wrf32(dst, tmp[k]);
            } else {
                uint16_t h = dtype == PM_DTYPE_F16 ? pm__f32_to_f16(tmp[k]) : pm__f32_to_bf16(tmp[k]);
                dst[0] = (uint8_t)h, dst[1] = (uint8_t)(h >> 8);
            }
        }
    }
    PM_FREE(tmp);
    PM_FREE(offsets);
    return f;
}

#ifndef PM_NO_STDIO
PMDEF int pm_model_save(const pm_model *m, const char *path, int dtype)
{
    size_t size = 0;
    uint8_t *f = (uint8_t *)pm_model_save_memory(m, dtype, &size);
    char *tmp;
    FILE *fp;
    int ok;
    if (!f) return -1;
    tmp = (char *)pm__malloc_array(strlen(path) + 8, 1);
    if (!tmp) {
        PM_FREE(f);
        return -1;
    }
    sprintf(tmp, "%s.tmp", path);
    fp = fopen(tmp, "wb");
    ok = fp && fwrite(f, 1, size, fp) == size;
    if (fp && fclose(fp) != 0) ok = 0;
    if (!ok || pm__replace_file(tmp, path) != 0) {
        if (fp) remove(tmp);
        pm__errorf("cannot write '%s'", path);
        ok = 0;
    }
    PM_FREE(tmp);
    PM_FREE(f);
    return ok ? 0 : -1;
}
#endif

/* ============================================================================================
   [5] TOKENIZER
   ============================================================================================ */
/* ==========================================================================
   CLIP tokenizer: byte-level BPE with OpenAI CLIP's text normalisation
   ==========================================================================

   Reproduces clip/simple_tokenizer.py (OpenAI CLIP), with ftfy.fix_text
   replaced by NFC, exactly like the reference tools/clip_tokenizer.py.
   Every stage works on an array of codepoints:

     1. UTF-8 -> codepoints.  Ill-formed input is decoded like Python's
        bytes.decode("utf-8", "replace"): each maximal ill-formed subpart
        (a bad lead byte, or a lead byte plus the continuation bytes that
        were still valid) becomes one U+FFFD.
     2. NFC (unicodedata.normalize("NFC")): full canonical decomposition,
        canonical reordering, canonical composition, Hangul included.
        This is where CLIP calls ftfy.fix_text, which is not reproduced:
        no mojibake repair, quote uncurling, ligature / full-width folding
        or control-character removal.  Texts that ftfy leaves unchanged
        (ordinary clean text) tokenize exactly as in CLIP.
     3. Python html.unescape, applied twice: &#N; &#xN; (with the
        Windows-1252 / invalid codepoint rules) and the HTML5 named
        references, including the legacy ones valid without ';' and the
        longest-prefix rule ("&notit;" -> U+00AC "it;").
     4. str.strip(), runs of regex \s -> one space, str.strip().
     5. str.lower(): full lower-casing (U+0130 -> "i\u0307") and Python's
        final-sigma rule for U+03A3.
     6. Split with CLIP's pattern (regex module, IGNORECASE):
          <|startoftext|> | <|endoftext|> | 's 't 're 've 'm 'll 'd |
          letter+ | one number char | (not space/letter/number)+
     7. Each piece: UTF-8 bytes -> GPT-2 byte symbols, "</w>" appended to
        the last one, then BPE: merge the adjacent pair of lowest rank,
        all its non-overlapping occurrences left to right, until no
        adjacent pair is a merge.  A heap keeps this O(n log n) per piece.

   Character classes follow the `regex` module (which may carry a newer
   Unicode version than unicodedata); lower-casing, isspace and NFC follow
   the Python interpreter.  The tables are generated by
   tools/gen_unicode_tables.py, which records the versions used.

   Thread safety: a pm__tokenizer is read-only after creation; encode calls
   allocate their own scratch memory.
*/


/* one row of the named-entity table (see pm__html_ents) */
typedef struct {
    uint16_t name;      /* name: pm__html_names[name >> 12] + (name & 0xfff) */
    uint8_t second;     /* 0, or 1 + index into pm__html_second */
    uint8_t legacy;     /* 1: also recognised without the trailing ';' */
    uint32_t cp;        /* first (usually only) codepoint of the value */
} pm__html_entity;

/* BEGIN GENERATED: tools/gen_unicode_tables.py */
/* Python 3.11.2, unicodedata 14.0.0, regex 2.5.123.  Do not edit by hand. */
/* 4388 codepoints are letters/numbers for regex but unassigned for unicodedata
   (regex carries a newer Unicode); the split classes follow regex. */

/* character properties: (start << 8 | flags), see PM__UP_* */
static const uint32_t pm__uprop[2182] = {
    0x3u, 0x90cu, 0xe03u, 0x1c0bu, 0x200cu, 0x2103u, 0x2713u, 0x2803u, 0x2e13u, 0x2f03u, 0x3002u,
    0x3a13u, 0x3b03u, 0x4121u, 0x5b03u, 0x5e13u, 0x5f03u, 0x6013u, 0x6121u, 0x7b03u, 0x850cu,
    0x8603u, 0xa00cu, 0xa103u, 0xa813u, 0xa903u, 0xaa21u, 0xab03u, 0xad13u, 0xae03u, 0xaf13u,
    0xb003u, 0xb202u, 0xb413u, 0xb521u, 0xb603u, 0xb713u, 0xb902u, 0xba21u, 0xbb03u, 0xbc02u,
    0xbf03u, 0xc021u, 0xd703u, 0xd821u, 0xf703u, 0xf821u, 0x1bb01u, 0x1bc21u, 0x1c001u, 0x1c421u,
    0x29401u, 0x29521u, 0x2b011u, 0x2c213u, 0x2c611u, 0x2d213u, 0x2e011u, 0x2e513u, 0x2ec11u,
    0x2ed13u, 0x2ee11u, 0x2ef13u, 0x34510u, 0x34613u, 0x37021u, 0x37411u, 0x37513u, 0x37621u,
    0x37803u, 0x37a11u, 0x37b21u, 0x37e03u, 0x37f21u, 0x38003u, 0x38413u, 0x38621u, 0x38713u,
    0x38821u, 0x38b03u, 0x38c21u, 0x38d03u, 0x38e21u, 0x3a203u, 0x3a321u, 0x3f603u, 0x3f721u,
    0x48203u, 0x48313u, 0x48a21u, 0x53003u, 0x53121u, 0x55703u, 0x55911u, 0x55a03u, 0x55f13u,
    0x56021u, 0x58903u, 0x59113u, 0x5be03u, 0x5bf13u, 0x5c003u, 0x5c113u, 0x5c303u, 0x5c413u,
    0x5c603u, 0x5c713u, 0x5c803u, 0x5d001u, 0x5eb03u, 0x5ef01u, 0x5f303u, 0x5f413u, 0x5f503u,
    0x60013u, 0x60603u, 0x61013u, 0x61b03u, 0x61c13u, 0x61d03u, 0x62001u, 0x64011u, 0x64101u,
    0x64b13u, 0x66002u, 0x66a03u, 0x66e01u, 0x67013u, 0x67101u, 0x6d403u, 0x6d501u, 0x6d613u,
    0x6de03u, 0x6df13u, 0x6e511u, 0x6e713u, 0x6e903u, 0x6ea13u, 0x6ee01u, 0x6f002u, 0x6fa01u,
    0x6fd03u, 0x6ff01u, 0x70003u, 0x70f13u, 0x71001u, 0x71113u, 0x71201u, 0x73013u, 0x74b03u,
    0x74d01u, 0x7a613u, 0x7b101u, 0x7b203u, 0x7c002u, 0x7ca01u, 0x7eb13u, 0x7f411u, 0x7f603u,
    0x7fa11u, 0x7fb03u, 0x7fd13u, 0x7fe03u, 0x80001u, 0x81613u, 0x81a11u, 0x81b13u, 0x82411u,
    0x82513u, 0x82811u, 0x82913u, 0x82e03u, 0x84001u, 0x85913u, 0x85c03u, 0x86001u, 0x86b03u,
    0x87001u, 0x88813u, 0x88901u, 0x88f03u, 0x89013u, 0x89203u, 0x89813u, 0x8a001u, 0x8c911u,
    0x8ca13u, 0x90303u, 0x90401u, 0x93a13u, 0x93b03u, 0x93c13u, 0x93d01u, 0x93e03u, 0x94113u,
    0x94903u, 0x94d13u, 0x94e03u, 0x95001u, 0x95113u, 0x95801u, 0x96213u, 0x96403u, 0x96602u,
    0x97003u, 0x97111u, 0x97201u, 0x98113u, 0x98203u, 0x98501u, 0x98d03u, 0x98f01u, 0x99103u,
    0x99301u, 0x9a903u, 0x9aa01u, 0x9b103u, 0x9b201u, 0x9b303u, 0x9b601u, 0x9ba03u, 0x9bc13u,
    0x9bd01u, 0x9be03u, 0x9c113u, 0x9c503u, 0x9cd13u, 0x9ce01u, 0x9cf03u, 0x9dc01u, 0x9de03u,
    0x9df01u, 0x9e213u, 0x9e403u, 0x9e602u, 0x9f001u, 0x9f203u, 0x9f402u, 0x9fa03u, 0x9fc01u,
    0x9fd03u, 0x9fe13u, 0x9ff03u, 0xa0113u, 0xa0303u, 0xa0501u, 0xa0b03u, 0xa0f01u, 0xa1103u,
    0xa1301u, 0xa2903u, 0xa2a01u, 0xa3103u, 0xa3201u, 0xa3403u, 0xa3501u, 0xa3703u, 0xa3801u,
    0xa3a03u, 0xa3c13u, 0xa3d03u, 0xa4113u, 0xa4303u, 0xa4713u, 0xa4903u, 0xa4b13u, 0xa4e03u,
    0xa5113u, 0xa5203u, 0xa5901u, 0xa5d03u, 0xa5e01u, 0xa5f03u, 0xa6602u, 0xa7013u, 0xa7201u,
    0xa7513u, 0xa7603u, 0xa8113u, 0xa8303u, 0xa8501u, 0xa8e03u, 0xa8f01u, 0xa9203u, 0xa9301u,
    0xaa903u, 0xaaa01u, 0xab103u, 0xab201u, 0xab403u, 0xab501u, 0xaba03u, 0xabc13u, 0xabd01u,
    0xabe03u, 0xac113u, 0xac603u, 0xac713u, 0xac903u, 0xacd13u, 0xace03u, 0xad001u, 0xad103u,
    0xae001u, 0xae213u, 0xae403u, 0xae602u, 0xaf003u, 0xaf901u, 0xafa13u, 0xb0003u, 0xb0113u,
    0xb0203u, 0xb0501u, 0xb0d03u, 0xb0f01u, 0xb1103u, 0xb1301u, 0xb2903u, 0xb2a01u, 0xb3103u,
    0xb3201u, 0xb3403u, 0xb3501u, 0xb3a03u, 0xb3c13u, 0xb3d01u, 0xb3e03u, 0xb3f13u, 0xb4003u,
    0xb4113u, 0xb4503u, 0xb4d13u, 0xb4e03u, 0xb5513u, 0xb5703u, 0xb5c01u, 0xb5e03u, 0xb5f01u,
    0xb6213u, 0xb6403u, 0xb6602u, 0xb7003u, 0xb7101u, 0xb7202u, 0xb7803u, 0xb8213u, 0xb8301u,
    0xb8403u, 0xb8501u, 0xb8b03u, 0xb8e01u, 0xb9103u, 0xb9201u, 0xb9603u, 0xb9901u, 0xb9b03u,
    0xb9c01u, 0xb9d03u, 0xb9e01u, 0xba003u, 0xba301u, 0xba503u, 0xba801u, 0xbab03u, 0xbae01u,
    0xbba03u, 0xbc013u, 0xbc103u, 0xbcd13u, 0xbce03u, 0xbd001u, 0xbd103u, 0xbe602u, 0xbf303u,
    0xc0013u, 0xc0103u, 0xc0413u, 0xc0501u, 0xc0d03u, 0xc0e01u, 0xc1103u, 0xc1201u, 0xc2903u,
    0xc2a01u, 0xc3a03u, 0xc3c13u, 0xc3d01u, 0xc3e13u, 0xc4103u, 0xc4613u, 0xc4903u, 0xc4a13u,
    0xc4e03u, 0xc5513u, 0xc5703u, 0xc5801u, 0xc5b03u, 0xc5d01u, 0xc5e03u, 0xc6001u, 0xc6213u,
    0xc6403u, 0xc6602u, 0xc7003u, 0xc7802u, 0xc7f03u, 0xc8001u, 0xc8113u, 0xc8203u, 0xc8501u,
    0xc8d03u, 0xc8e01u, 0xc9103u, 0xc9201u, 0xca903u, 0xcaa01u, 0xcb403u, 0xcb501u, 0xcba03u,
    0xcbc13u, 0xcbd01u, 0xcbe03u, 0xcbf13u, 0xcc003u, 0xcc613u, 0xcc703u, 0xccc13u, 0xcce03u,
    0xcdd01u, 0xcdf03u, 0xce001u, 0xce213u, 0xce403u, 0xce602u, 0xcf003u, 0xcf101u, 0xcf303u,
    0xd0013u, 0xd0203u, 0xd0401u, 0xd0d03u, 0xd0e01u, 0xd1103u, 0xd1201u, 0xd3b13u, 0xd3d01u,
    0xd3e03u, 0xd4113u, 0xd4503u, 0xd4d13u, 0xd4e01u, 0xd4f03u, 0xd5401u, 0xd5703u, 0xd5802u,
    0xd5f01u, 0xd6213u, 0xd6403u, 0xd6602u, 0xd7903u, 0xd7a01u, 0xd8003u, 0xd8113u, 0xd8203u,
    0xd8501u, 0xd9703u, 0xd9a01u, 0xdb203u, 0xdb301u, 0xdbc03u, 0xdbd01u, 0xdbe03u, 0xdc001u,
    0xdc703u, 0xdca13u, 0xdcb03u, 0xdd213u, 0xdd503u, 0xdd613u, 0xdd703u, 0xde602u, 0xdf003u,
    0xe0101u, 0xe3113u, 0xe3201u, 0xe3413u, 0xe3b03u, 0xe4001u, 0xe4611u, 0xe4713u, 0xe4f03u,
    0xe5002u, 0xe5a03u, 0xe8101u, 0xe8303u, 0xe8401u, 0xe8503u, 0xe8601u, 0xe8b03u, 0xe8c01u,
    0xea403u, 0xea501u, 0xea603u, 0xea701u, 0xeb113u, 0xeb201u, 0xeb413u, 0xebd01u, 0xebe03u,
    0xec001u, 0xec503u, 0xec611u, 0xec703u, 0xec813u, 0xece03u, 0xed002u, 0xeda03u, 0xedc01u,
    0xee003u, 0xf0001u, 0xf0103u, 0xf1813u, 0xf1a03u, 0xf2002u, 0xf3403u, 0xf3513u, 0xf3603u,
    0xf3713u, 0xf3803u, 0xf3913u, 0xf3a03u, 0xf4001u, 0xf4803u, 0xf4901u, 0xf6d03u, 0xf7113u,
    0xf7f03u, 0xf8013u, 0xf8503u, 0xf8613u, 0xf8801u, 0xf8d13u, 0xf9803u, 0xf9913u, 0xfbd03u,
    0xfc613u, 0xfc703u, 0x100001u, 0x102b03u, 0x102d13u, 0x103103u, 0x103213u, 0x103803u,
    0x103913u, 0x103b03u, 0x103d13u, 0x103f01u, 0x104002u, 0x104a03u, 0x105001u, 0x105603u,
    0x105813u, 0x105a01u, 0x105e13u, 0x106101u, 0x106203u, 0x106501u, 0x106703u, 0x106e01u,
    0x107113u, 0x107501u, 0x108213u, 0x108303u, 0x108513u, 0x108703u, 0x108d13u, 0x108e01u,
    0x108f03u, 0x109002u, 0x109a03u, 0x109d13u, 0x109e03u, 0x10a021u, 0x10c603u, 0x10c721u,
    0x10c803u, 0x10cd21u, 0x10ce03u, 0x10d021u, 0x10fb03u, 0x10fc11u, 0x10fd21u, 0x110001u,
    0x124903u, 0x124a01u, 0x124e03u, 0x125001u, 0x125703u, 0x125801u, 0x125903u, 0x125a01u,
    0x125e03u, 0x126001u, 0x128903u, 0x128a01u, 0x128e03u, 0x129001u, 0x12b103u, 0x12b201u,
    0x12b603u, 0x12b801u, 0x12bf03u, 0x12c001u, 0x12c103u, 0x12c201u, 0x12c603u, 0x12c801u,
    0x12d703u, 0x12d801u, 0x131103u, 0x131201u, 0x131603u, 0x131801u, 0x135b03u, 0x135d13u,
    0x136003u, 0x136902u, 0x137d03u, 0x138001u, 0x139003u, 0x13a021u, 0x13f603u, 0x13f821u,
    0x13fe03u, 0x140101u, 0x166d03u, 0x166f01u, 0x16800cu, 0x168101u, 0x169b03u, 0x16a001u,
    0x16eb03u, 0x16ee02u, 0x16f101u, 0x16f903u, 0x170001u, 0x171213u, 0x171503u, 0x171f01u,
    0x173213u, 0x173403u, 0x174001u, 0x175213u, 0x175403u, 0x176001u, 0x176d03u, 0x176e01u,
    0x177103u, 0x177213u, 0x177403u, 0x178001u, 0x17b413u, 0x17b603u, 0x17b713u, 0x17be03u,
    0x17c613u, 0x17c703u, 0x17c913u, 0x17d403u, 0x17d711u, 0x17d803u, 0x17dc01u, 0x17dd13u,
    0x17de03u, 0x17e002u, 0x17ea03u, 0x17f002u, 0x17fa03u, 0x180b13u, 0x181002u, 0x181a03u,
    0x182001u, 0x184311u, 0x184401u, 0x187903u, 0x188001u, 0x188513u, 0x188701u, 0x18a913u,
    0x18aa01u, 0x18ab03u, 0x18b001u, 0x18f603u, 0x190001u, 0x191f03u, 0x192013u, 0x192303u,
    0x192713u, 0x192903u, 0x193213u, 0x193303u, 0x193913u, 0x193c03u, 0x194602u, 0x195001u,
    0x196e03u, 0x197001u, 0x197503u, 0x198001u, 0x19ac03u, 0x19b001u, 0x19ca03u, 0x19d002u,
    0x19db03u, 0x1a0001u, 0x1a1713u, 0x1a1903u, 0x1a1b13u, 0x1a1c03u, 0x1a2001u, 0x1a5503u,
    0x1a5613u, 0x1a5703u, 0x1a5813u, 0x1a5f03u, 0x1a6013u, 0x1a6103u, 0x1a6213u, 0x1a6303u,
    0x1a6513u, 0x1a6d03u, 0x1a7313u, 0x1a7d03u, 0x1a7f13u, 0x1a8002u, 0x1a8a03u, 0x1a9002u,
    0x1a9a03u, 0x1aa711u, 0x1aa803u, 0x1ab013u, 0x1acf03u, 0x1b0013u, 0x1b0403u, 0x1b0501u,
    0x1b3413u, 0x1b3503u, 0x1b3613u, 0x1b3b03u, 0x1b3c13u, 0x1b3d03u, 0x1b4213u, 0x1b4303u,
    0x1b4501u, 0x1b4d03u, 0x1b5002u, 0x1b5a03u, 0x1b6b13u, 0x1b7403u, 0x1b8013u, 0x1b8203u,
    0x1b8301u, 0x1ba103u, 0x1ba213u, 0x1ba603u, 0x1ba813u, 0x1baa03u, 0x1bab13u, 0x1bae01u,
    0x1bb002u, 0x1bba01u, 0x1be613u, 0x1be703u, 0x1be813u, 0x1bea03u, 0x1bed13u, 0x1bee03u,
    0x1bef13u, 0x1bf203u, 0x1c0001u, 0x1c2403u, 0x1c2c13u, 0x1c3403u, 0x1c3613u, 0x1c3803u,
    0x1c4002u, 0x1c4a03u, 0x1c4d01u, 0x1c5002u, 0x1c5a01u, 0x1c7811u, 0x1c7e03u, 0x1c8021u,
    0x1c8903u, 0x1c9021u, 0x1cbb03u, 0x1cbd21u, 0x1cc003u, 0x1cd013u, 0x1cd303u, 0x1cd413u,
    0x1ce103u, 0x1ce213u, 0x1ce901u, 0x1ced13u, 0x1cee01u, 0x1cf413u, 0x1cf501u, 0x1cf703u,
    0x1cf813u, 0x1cfa01u, 0x1cfb03u, 0x1d0021u, 0x1d2c11u, 0x1d6b21u, 0x1d7811u, 0x1d7921u,
    0x1d9b11u, 0x1dc013u, 0x1e0021u, 0x1f1603u, 0x1f1821u, 0x1f1e03u, 0x1f2021u, 0x1f4603u,
    0x1f4821u, 0x1f4e03u, 0x1f5021u, 0x1f5803u, 0x1f5921u, 0x1f5a03u, 0x1f5b21u, 0x1f5c03u,
    0x1f5d21u, 0x1f5e03u, 0x1f5f21u, 0x1f7e03u, 0x1f8021u, 0x1fb503u, 0x1fb621u, 0x1fbd13u,
    0x1fbe21u, 0x1fbf13u, 0x1fc221u, 0x1fc503u, 0x1fc621u, 0x1fcd13u, 0x1fd021u, 0x1fd403u,
    0x1fd621u, 0x1fdc03u, 0x1fdd13u, 0x1fe021u, 0x1fed13u, 0x1ff003u, 0x1ff221u, 0x1ff503u,
    0x1ff621u, 0x1ffd13u, 0x1fff03u, 0x20000cu, 0x200b13u, 0x201003u, 0x201813u, 0x201a03u,
    0x202413u, 0x202503u, 0x202713u, 0x20280cu, 0x202a13u, 0x202f0cu, 0x203003u, 0x205f0cu,
    0x206013u, 0x206503u, 0x206613u, 0x207002u, 0x207111u, 0x207203u, 0x207402u, 0x207a03u,
    0x207f11u, 0x208002u, 0x208a03u, 0x209011u, 0x209d03u, 0x20d013u, 0x20f103u, 0x210221u,
    0x210303u, 0x210721u, 0x210803u, 0x210a21u, 0x211403u, 0x211521u, 0x211603u, 0x211921u,
    0x211e03u, 0x212421u, 0x212503u, 0x212621u, 0x212703u, 0x212821u, 0x212903u, 0x212a21u,
    0x212e03u, 0x212f21u, 0x213501u, 0x213921u, 0x213a03u, 0x213c21u, 0x214003u, 0x214521u,
    0x214a03u, 0x214e21u, 0x214f03u, 0x215002u, 0x216022u, 0x218002u, 0x218321u, 0x218502u,
    0x218a03u, 0x246002u, 0x249c03u, 0x24b623u, 0x24ea02u, 0x250003u, 0x277602u, 0x279403u,
    0x2c0021u, 0x2c7c11u, 0x2c7e21u, 0x2ce503u, 0x2ceb21u, 0x2cef13u, 0x2cf221u, 0x2cf403u,
    0x2cfd02u, 0x2cfe03u, 0x2d0021u, 0x2d2603u, 0x2d2721u, 0x2d2803u, 0x2d2d21u, 0x2d2e03u,
    0x2d3001u, 0x2d6803u, 0x2d6f11u, 0x2d7003u, 0x2d7f13u, 0x2d8001u, 0x2d9703u, 0x2da001u,
    0x2da703u, 0x2da801u, 0x2daf03u, 0x2db001u, 0x2db703u, 0x2db801u, 0x2dbf03u, 0x2dc001u,
    0x2dc703u, 0x2dc801u, 0x2dcf03u, 0x2dd001u, 0x2dd703u, 0x2dd801u, 0x2ddf03u, 0x2de013u,
    0x2e0003u, 0x2e2f11u, 0x2e3003u, 0x30000cu, 0x300103u, 0x300511u, 0x300601u, 0x300702u,
    0x300803u, 0x302102u, 0x302a13u, 0x302e03u, 0x303111u, 0x303603u, 0x303802u, 0x303b11u,
    0x303c01u, 0x303d03u, 0x304101u, 0x309703u, 0x309913u, 0x309d11u, 0x309f01u, 0x30a003u,
    0x30a101u, 0x30fb03u, 0x30fc11u, 0x30ff01u, 0x310003u, 0x310501u, 0x313003u, 0x313101u,
    0x318f03u, 0x319202u, 0x319603u, 0x31a001u, 0x31c003u, 0x31f001u, 0x320003u, 0x322002u,
    0x322a03u, 0x324802u, 0x325003u, 0x325102u, 0x326003u, 0x328002u, 0x328a03u, 0x32b102u,
    0x32c003u, 0x340001u, 0x4dc003u, 0x4e0001u, 0xa01511u, 0xa01601u, 0xa48d03u, 0xa4d001u,
    0xa4f811u, 0xa4fe03u, 0xa50001u, 0xa60c11u, 0xa60d03u, 0xa61001u, 0xa62002u, 0xa62a01u,
    0xa62c03u, 0xa64021u, 0xa66e01u, 0xa66f13u, 0xa67303u, 0xa67413u, 0xa67e03u, 0xa67f11u,
    0xa68021u, 0xa69c11u, 0xa69e13u, 0xa6a001u, 0xa6e602u, 0xa6f013u, 0xa6f203u, 0xa70013u,
    0xa71711u, 0xa72013u, 0xa72221u, 0xa77011u, 0xa77121u, 0xa78811u, 0xa78913u, 0xa78b21u,
    0xa78f01u, 0xa79021u, 0xa7cb03u, 0xa7d021u, 0xa7d203u, 0xa7d321u, 0xa7d403u, 0xa7d521u,
    0xa7da03u, 0xa7f211u, 0xa7f521u, 0xa7f701u, 0xa7f811u, 0xa7fa21u, 0xa7fb01u, 0xa80213u,
    0xa80301u, 0xa80613u, 0xa80701u, 0xa80b13u, 0xa80c01u, 0xa82303u, 0xa82513u, 0xa82703u,
    0xa82c13u, 0xa82d03u, 0xa83002u, 0xa83603u, 0xa84001u, 0xa87403u, 0xa88201u, 0xa8b403u,
    0xa8c413u, 0xa8c603u, 0xa8d002u, 0xa8da03u, 0xa8e013u, 0xa8f201u, 0xa8f803u, 0xa8fb01u,
    0xa8fc03u, 0xa8fd01u, 0xa8ff13u, 0xa90002u, 0xa90a01u, 0xa92613u, 0xa92e03u, 0xa93001u,
    0xa94713u, 0xa95203u, 0xa96001u, 0xa97d03u, 0xa98013u, 0xa98303u, 0xa98401u, 0xa9b313u,
    0xa9b403u, 0xa9b613u, 0xa9ba03u, 0xa9bc13u, 0xa9be03u, 0xa9cf11u, 0xa9d002u, 0xa9da03u,
    0xa9e001u, 0xa9e513u, 0xa9e611u, 0xa9e701u, 0xa9f002u, 0xa9fa01u, 0xa9ff03u, 0xaa0001u,
    0xaa2913u, 0xaa2f03u, 0xaa3113u, 0xaa3303u, 0xaa3513u, 0xaa3703u, 0xaa4001u, 0xaa4313u,
    0xaa4401u, 0xaa4c13u, 0xaa4d03u, 0xaa5002u, 0xaa5a03u, 0xaa6001u, 0xaa7011u, 0xaa7101u,
    0xaa7703u, 0xaa7a01u, 0xaa7b03u, 0xaa7c13u, 0xaa7d03u, 0xaa7e01u, 0xaab013u, 0xaab101u,
    0xaab213u, 0xaab501u, 0xaab713u, 0xaab901u, 0xaabe13u, 0xaac001u, 0xaac113u, 0xaac201u,
    0xaac303u, 0xaadb01u, 0xaadd11u, 0xaade03u, 0xaae001u, 0xaaeb03u, 0xaaec13u, 0xaaee03u,
    0xaaf201u, 0xaaf311u, 0xaaf503u, 0xaaf613u, 0xaaf703u, 0xab0101u, 0xab0703u, 0xab0901u,
    0xab0f03u, 0xab1101u, 0xab1703u, 0xab2001u, 0xab2703u, 0xab2801u, 0xab2f03u, 0xab3021u,
    0xab5b13u, 0xab5c11u, 0xab6021u, 0xab6911u, 0xab6a13u, 0xab6c03u, 0xab7021u, 0xabc001u,
    0xabe303u, 0xabe513u, 0xabe603u, 0xabe813u, 0xabe903u, 0xabed13u, 0xabee03u, 0xabf002u,
    0xabfa03u, 0xac0001u, 0xd7a403u, 0xd7b001u, 0xd7c703u, 0xd7cb01u, 0xd7fc03u, 0xf90001u,
    0xfa6e03u, 0xfa7001u, 0xfada03u, 0xfb0021u, 0xfb0703u, 0xfb1321u, 0xfb1803u, 0xfb1d01u,
    0xfb1e13u, 0xfb1f01u, 0xfb2903u, 0xfb2a01u, 0xfb3703u, 0xfb3801u, 0xfb3d03u, 0xfb3e01u,
    0xfb3f03u, 0xfb4001u, 0xfb4203u, 0xfb4301u, 0xfb4503u, 0xfb4601u, 0xfbb213u, 0xfbc303u,
    0xfbd301u, 0xfd3e03u, 0xfd5001u, 0xfd9003u, 0xfd9201u, 0xfdc803u, 0xfdf001u, 0xfdfc03u,
    0xfe0013u, 0xfe1003u, 0xfe1313u, 0xfe1403u, 0xfe2013u, 0xfe3003u, 0xfe5213u, 0xfe5303u,
    0xfe5513u, 0xfe5603u, 0xfe7001u, 0xfe7503u, 0xfe7601u, 0xfefd03u, 0xfeff13u, 0xff0003u,
    0xff0713u, 0xff0803u, 0xff0e13u, 0xff0f03u, 0xff1002u, 0xff1a13u, 0xff1b03u, 0xff2121u,
    0xff3b03u, 0xff3e13u, 0xff3f03u, 0xff4013u, 0xff4121u, 0xff5b03u, 0xff6601u, 0xff7011u,
    0xff7101u, 0xff9e11u, 0xffa001u, 0xffbf03u, 0xffc201u, 0xffc803u, 0xffca01u, 0xffd003u,
    0xffd201u, 0xffd803u, 0xffda01u, 0xffdd03u, 0xffe313u, 0xffe403u, 0xfff913u, 0xfffc03u,
    0x1000001u, 0x1000c03u, 0x1000d01u, 0x1002703u, 0x1002801u, 0x1003b03u, 0x1003c01u,
    0x1003e03u, 0x1003f01u, 0x1004e03u, 0x1005001u, 0x1005e03u, 0x1008001u, 0x100fb03u,
    0x1010702u, 0x1013403u, 0x1014002u, 0x1017903u, 0x1018a02u, 0x1018c03u, 0x101fd13u,
    0x101fe03u, 0x1028001u, 0x1029d03u, 0x102a001u, 0x102d103u, 0x102e013u, 0x102e102u,
    0x102fc03u, 0x1030001u, 0x1032002u, 0x1032403u, 0x1032d01u, 0x1034102u, 0x1034201u,
    0x1034a02u, 0x1034b03u, 0x1035001u, 0x1037613u, 0x1037b03u, 0x1038001u, 0x1039e03u,
    0x103a001u, 0x103c403u, 0x103c801u, 0x103d003u, 0x103d102u, 0x103d603u, 0x1040021u,
    0x1045001u, 0x1049e03u, 0x104a002u, 0x104aa03u, 0x104b021u, 0x104d403u, 0x104d821u,
    0x104fc03u, 0x1050001u, 0x1052803u, 0x1053001u, 0x1056403u, 0x1057021u, 0x1057b03u,
    0x1057c21u, 0x1058b03u, 0x1058c21u, 0x1059303u, 0x1059421u, 0x1059603u, 0x1059721u,
    0x105a203u, 0x105a321u, 0x105b203u, 0x105b321u, 0x105ba03u, 0x105bb21u, 0x105bd03u,
    0x1060001u, 0x1073703u, 0x1074001u, 0x1075603u, 0x1076001u, 0x1076803u, 0x1078011u,
    0x1078603u, 0x1078711u, 0x107b103u, 0x107b211u, 0x107bb03u, 0x1080001u, 0x1080603u,
    0x1080801u, 0x1080903u, 0x1080a01u, 0x1083603u, 0x1083701u, 0x1083903u, 0x1083c01u,
    0x1083d03u, 0x1083f01u, 0x1085603u, 0x1085802u, 0x1086001u, 0x1087703u, 0x1087902u,
    0x1088001u, 0x1089f03u, 0x108a702u, 0x108b003u, 0x108e001u, 0x108f303u, 0x108f401u,
    0x108f603u, 0x108fb02u, 0x1090001u, 0x1091602u, 0x1091c03u, 0x1092001u, 0x1093a03u,
    0x1098001u, 0x109b803u, 0x109bc02u, 0x109be01u, 0x109c002u, 0x109d003u, 0x109d202u,
    0x10a0001u, 0x10a0113u, 0x10a0403u, 0x10a0513u, 0x10a0703u, 0x10a0c13u, 0x10a1001u,
    0x10a1403u, 0x10a1501u, 0x10a1803u, 0x10a1901u, 0x10a3603u, 0x10a3813u, 0x10a3b03u,
    0x10a3f13u, 0x10a4002u, 0x10a4903u, 0x10a6001u, 0x10a7d02u, 0x10a7f03u, 0x10a8001u,
    0x10a9d02u, 0x10aa003u, 0x10ac001u, 0x10ac803u, 0x10ac901u, 0x10ae513u, 0x10ae703u,
    0x10aeb02u, 0x10af003u, 0x10b0001u, 0x10b3603u, 0x10b4001u, 0x10b5603u, 0x10b5802u,
    0x10b6001u, 0x10b7303u, 0x10b7802u, 0x10b8001u, 0x10b9203u, 0x10ba902u, 0x10bb003u,
    0x10c0001u, 0x10c4903u, 0x10c8021u, 0x10cb303u, 0x10cc021u, 0x10cf303u, 0x10cfa02u,
    0x10d0001u, 0x10d2413u, 0x10d2803u, 0x10d3002u, 0x10d3a03u, 0x10e6002u, 0x10e7f03u,
    0x10e8001u, 0x10eaa03u, 0x10eab13u, 0x10ead03u, 0x10eb001u, 0x10eb203u, 0x10f0001u,
    0x10f1d02u, 0x10f2701u, 0x10f2803u, 0x10f3001u, 0x10f4613u, 0x10f5102u, 0x10f5503u,
    0x10f7001u, 0x10f8213u, 0x10f8603u, 0x10fb001u, 0x10fc502u, 0x10fcc03u, 0x10fe001u,
    0x10ff703u, 0x1100113u, 0x1100203u, 0x1100301u, 0x1103813u, 0x1104703u, 0x1105202u,
    0x1107013u, 0x1107101u, 0x1107313u, 0x1107501u, 0x1107603u, 0x1107f13u, 0x1108203u,
    0x1108301u, 0x110b003u, 0x110b313u, 0x110b703u, 0x110b913u, 0x110bb03u, 0x110bd13u,
    0x110be03u, 0x110c213u, 0x110c303u, 0x110cd13u, 0x110ce03u, 0x110d001u, 0x110e903u,
    0x110f002u, 0x110fa03u, 0x1110013u, 0x1110301u, 0x1112713u, 0x1112c03u, 0x1112d13u,
    0x1113503u, 0x1113602u, 0x1114003u, 0x1114401u, 0x1114503u, 0x1114701u, 0x1114803u,
    0x1115001u, 0x1117313u, 0x1117403u, 0x1117601u, 0x1117703u, 0x1118013u, 0x1118203u,
    0x1118301u, 0x111b303u, 0x111b613u, 0x111bf03u, 0x111c101u, 0x111c503u, 0x111c913u,
    0x111cd03u, 0x111cf13u, 0x111d002u, 0x111da01u, 0x111db03u, 0x111dc01u, 0x111dd03u,
    0x111e102u, 0x111f503u, 0x1120001u, 0x1121203u, 0x1121301u, 0x1122c03u, 0x1122f13u,
    0x1123203u, 0x1123413u, 0x1123503u, 0x1123613u, 0x1123803u, 0x1123e13u, 0x1123f01u,
    0x1124103u, 0x1128001u, 0x1128703u, 0x1128801u, 0x1128903u, 0x1128a01u, 0x1128e03u,
    0x1128f01u, 0x1129e03u, 0x1129f01u, 0x112a903u, 0x112b001u, 0x112df13u, 0x112e003u,
    0x112e313u, 0x112eb03u, 0x112f002u, 0x112fa03u, 0x1130013u, 0x1130203u, 0x1130501u,
    0x1130d03u, 0x1130f01u, 0x1131103u, 0x1131301u, 0x1132903u, 0x1132a01u, 0x1133103u,
    0x1133201u, 0x1133403u, 0x1133501u, 0x1133a03u, 0x1133b13u, 0x1133d01u, 0x1133e03u,
    0x1134013u, 0x1134103u, 0x1135001u, 0x1135103u, 0x1135d01u, 0x1136203u, 0x1136613u,
    0x1136d03u, 0x1137013u, 0x1137503u, 0x1140001u, 0x1143503u, 0x1143813u, 0x1144003u,
    0x1144213u, 0x1144503u, 0x1144613u, 0x1144701u, 0x1144b03u, 0x1145002u, 0x1145a03u,
    0x1145e13u, 0x1145f01u, 0x1146203u, 0x1148001u, 0x114b003u, 0x114b313u, 0x114b903u,
    0x114ba13u, 0x114bb03u, 0x114bf13u, 0x114c103u, 0x114c213u, 0x114c401u, 0x114c603u,
    0x114c701u, 0x114c803u, 0x114d002u, 0x114da03u, 0x1158001u, 0x115af03u, 0x115b213u,
    0x115b603u, 0x115bc13u, 0x115be03u, 0x115bf13u, 0x115c103u, 0x115d801u, 0x115dc13u,
    0x115de03u, 0x1160001u, 0x1163003u, 0x1163313u, 0x1163b03u, 0x1163d13u, 0x1163e03u,
    0x1163f13u, 0x1164103u, 0x1164401u, 0x1164503u, 0x1165002u, 0x1165a03u, 0x1168001u,
    0x116ab13u, 0x116ac03u, 0x116ad13u, 0x116ae03u, 0x116b013u, 0x116b603u, 0x116b713u,
    0x116b801u, 0x116b903u, 0x116c002u, 0x116ca03u, 0x1170001u, 0x1171b03u, 0x1171d13u,
    0x1172003u, 0x1172213u, 0x1172603u, 0x1172713u, 0x1172c03u, 0x1173002u, 0x1173c03u,
    0x1174001u, 0x1174703u, 0x1180001u, 0x1182c03u, 0x1182f13u, 0x1183803u, 0x1183913u,
    0x1183b03u, 0x118a021u, 0x118e002u, 0x118f303u, 0x118ff01u, 0x1190703u, 0x1190901u,
    0x1190a03u, 0x1190c01u, 0x1191403u, 0x1191501u, 0x1191703u, 0x1191801u, 0x1193003u,
    0x1193b13u, 0x1193d03u, 0x1193e13u, 0x1193f01u, 0x1194003u, 0x1194101u, 0x1194203u,
    0x1194313u, 0x1194403u, 0x1195002u, 0x1195a03u, 0x119a001u, 0x119a803u, 0x119aa01u,
    0x119d103u, 0x119d413u, 0x119d803u, 0x119da13u, 0x119dc03u, 0x119e013u, 0x119e101u,
    0x119e203u, 0x119e301u, 0x119e403u, 0x11a0001u, 0x11a0113u, 0x11a0b01u, 0x11a3313u,
    0x11a3903u, 0x11a3a01u, 0x11a3b13u, 0x11a3f03u, 0x11a4713u, 0x11a4803u, 0x11a5001u,
    0x11a5113u, 0x11a5703u, 0x11a5913u, 0x11a5c01u, 0x11a8a13u, 0x11a9703u, 0x11a9813u,
    0x11a9a03u, 0x11a9d01u, 0x11a9e03u, 0x11ab001u, 0x11af903u, 0x11c0001u, 0x11c0903u,
    0x11c0a01u, 0x11c2f03u, 0x11c3013u, 0x11c3703u, 0x11c3813u, 0x11c3e03u, 0x11c3f13u,
    0x11c4001u, 0x11c4103u, 0x11c5002u, 0x11c6d03u, 0x11c7201u, 0x11c9003u, 0x11c9213u,
    0x11ca803u, 0x11caa13u, 0x11cb103u, 0x11cb213u, 0x11cb403u, 0x11cb513u, 0x11cb703u,
    0x11d0001u, 0x11d0703u, 0x11d0801u, 0x11d0a03u, 0x11d0b01u, 0x11d3113u, 0x11d3703u,
    0x11d3a13u, 0x11d3b03u, 0x11d3c13u, 0x11d3e03u, 0x11d3f13u, 0x11d4601u, 0x11d4713u,
    0x11d4803u, 0x11d5002u, 0x11d5a03u, 0x11d6001u, 0x11d6603u, 0x11d6701u, 0x11d6903u,
    0x11d6a01u, 0x11d8a03u, 0x11d9013u, 0x11d9203u, 0x11d9513u, 0x11d9603u, 0x11d9713u,
    0x11d9801u, 0x11d9903u, 0x11da002u, 0x11daa03u, 0x11ee001u, 0x11ef313u, 0x11ef503u,
    0x11f0201u, 0x11f0303u, 0x11f0401u, 0x11f1103u, 0x11f1201u, 0x11f3403u, 0x11f5002u,
    0x11f5a03u, 0x11fb001u, 0x11fb103u, 0x11fc002u, 0x11fd503u, 0x1200001u, 0x1239a03u,
    0x1240002u, 0x1246f03u, 0x1248001u, 0x1254403u, 0x12f9001u, 0x12ff103u, 0x1300001u,
    0x1343013u, 0x1343903u, 0x1344101u, 0x1344703u, 0x1440001u, 0x1464703u, 0x1680001u,
    0x16a3903u, 0x16a4001u, 0x16a5f03u, 0x16a6002u, 0x16a6a03u, 0x16a7001u, 0x16abf03u,
    0x16ac002u, 0x16aca03u, 0x16ad001u, 0x16aee03u, 0x16af013u, 0x16af503u, 0x16b0001u,
    0x16b3013u, 0x16b3703u, 0x16b4011u, 0x16b4403u, 0x16b5002u, 0x16b5a03u, 0x16b5b02u,
    0x16b6203u, 0x16b6301u, 0x16b7803u, 0x16b7d01u, 0x16b9003u, 0x16e4021u, 0x16e8002u,
    0x16e9703u, 0x16f0001u, 0x16f4b03u, 0x16f4f13u, 0x16f5001u, 0x16f5103u, 0x16f8f13u,
    0x16f9311u, 0x16fa003u, 0x16fe011u, 0x16fe203u, 0x16fe311u, 0x16fe413u, 0x16fe503u,
    0x1700001u, 0x187f803u, 0x1880001u, 0x18cd603u, 0x18d0001u, 0x18d0903u, 0x1aff011u,
    0x1aff403u, 0x1aff511u, 0x1affc03u, 0x1affd11u, 0x1afff03u, 0x1b00001u, 0x1b12303u,
    0x1b13201u, 0x1b13303u, 0x1b15001u, 0x1b15303u, 0x1b15501u, 0x1b15603u, 0x1b16401u,
    0x1b16803u, 0x1b17001u, 0x1b2fc03u, 0x1bc0001u, 0x1bc6b03u, 0x1bc7001u, 0x1bc7d03u,
    0x1bc8001u, 0x1bc8903u, 0x1bc9001u, 0x1bc9a03u, 0x1bc9d13u, 0x1bc9f03u, 0x1bca013u,
    0x1bca403u, 0x1cf0013u, 0x1cf2e03u, 0x1cf3013u, 0x1cf4703u, 0x1d16713u, 0x1d16a03u,
    0x1d17313u, 0x1d18303u, 0x1d18513u, 0x1d18c03u, 0x1d1aa13u, 0x1d1ae03u, 0x1d24213u,
    0x1d24503u, 0x1d2c002u, 0x1d2d403u, 0x1d2e002u, 0x1d2f403u, 0x1d36002u, 0x1d37903u,
    0x1d40021u, 0x1d45503u, 0x1d45621u, 0x1d49d03u, 0x1d49e21u, 0x1d4a003u, 0x1d4a221u,
    0x1d4a303u, 0x1d4a521u, 0x1d4a703u, 0x1d4a921u, 0x1d4ad03u, 0x1d4ae21u, 0x1d4ba03u,
    0x1d4bb21u, 0x1d4bc03u, 0x1d4bd21u, 0x1d4c403u, 0x1d4c521u, 0x1d50603u, 0x1d50721u,
    0x1d50b03u, 0x1d50d21u, 0x1d51503u, 0x1d51621u, 0x1d51d03u, 0x1d51e21u, 0x1d53a03u,
    0x1d53b21u, 0x1d53f03u, 0x1d54021u, 0x1d54503u, 0x1d54621u, 0x1d54703u, 0x1d54a21u,
    0x1d55103u, 0x1d55221u, 0x1d6a603u, 0x1d6a821u, 0x1d6c103u, 0x1d6c221u, 0x1d6db03u,
    0x1d6dc21u, 0x1d6fb03u, 0x1d6fc21u, 0x1d71503u, 0x1d71621u, 0x1d73503u, 0x1d73621u,
    0x1d74f03u, 0x1d75021u, 0x1d76f03u, 0x1d77021u, 0x1d78903u, 0x1d78a21u, 0x1d7a903u,
    0x1d7aa21u, 0x1d7c303u, 0x1d7c421u, 0x1d7cc03u, 0x1d7ce02u, 0x1d80003u, 0x1da0013u,
    0x1da3703u, 0x1da3b13u, 0x1da6d03u, 0x1da7513u, 0x1da7603u, 0x1da8413u, 0x1da8503u,
    0x1da9b13u, 0x1daa003u, 0x1daa113u, 0x1dab003u, 0x1df0021u, 0x1df0a01u, 0x1df0b21u,
    0x1df1f03u, 0x1df2501u, 0x1df2b03u, 0x1e00013u, 0x1e00703u, 0x1e00813u, 0x1e01903u,
    0x1e01b13u, 0x1e02203u, 0x1e02313u, 0x1e02503u, 0x1e02613u, 0x1e02b03u, 0x1e03001u,
    0x1e06e03u, 0x1e10001u, 0x1e12d03u, 0x1e13013u, 0x1e13711u, 0x1e13e03u, 0x1e14002u,
    0x1e14a03u, 0x1e14e01u, 0x1e14f03u, 0x1e29001u, 0x1e2ae13u, 0x1e2af03u, 0x1e2c001u,
    0x1e2ec13u, 0x1e2f002u, 0x1e2fa03u, 0x1e4d001u, 0x1e4ec03u, 0x1e4f002u, 0x1e4fa03u,
    0x1e7e001u, 0x1e7e703u, 0x1e7e801u, 0x1e7ec03u, 0x1e7ed01u, 0x1e7ef03u, 0x1e7f001u,
    0x1e7ff03u, 0x1e80001u, 0x1e8c503u, 0x1e8c702u, 0x1e8d013u, 0x1e8d703u, 0x1e90021u,
    0x1e94413u, 0x1e94b11u, 0x1e94c03u, 0x1e95002u, 0x1e95a03u, 0x1ec7102u, 0x1ecac03u,
    0x1ecad02u, 0x1ecb003u, 0x1ecb102u, 0x1ecb503u, 0x1ed0102u, 0x1ed2e03u, 0x1ed2f02u,
    0x1ed3e03u, 0x1ee0001u, 0x1ee0403u, 0x1ee0501u, 0x1ee2003u, 0x1ee2101u, 0x1ee2303u,
    0x1ee2401u, 0x1ee2503u, 0x1ee2701u, 0x1ee2803u, 0x1ee2901u, 0x1ee3303u, 0x1ee3401u,
    0x1ee3803u, 0x1ee3901u, 0x1ee3a03u, 0x1ee3b01u, 0x1ee3c03u, 0x1ee4201u, 0x1ee4303u,
    0x1ee4701u, 0x1ee4803u, 0x1ee4901u, 0x1ee4a03u, 0x1ee4b01u, 0x1ee4c03u, 0x1ee4d01u,
    0x1ee5003u, 0x1ee5101u, 0x1ee5303u, 0x1ee5401u, 0x1ee5503u, 0x1ee5701u, 0x1ee5803u,
    0x1ee5901u, 0x1ee5a03u, 0x1ee5b01u, 0x1ee5c03u, 0x1ee5d01u, 0x1ee5e03u, 0x1ee5f01u,
    0x1ee6003u, 0x1ee6101u, 0x1ee6303u, 0x1ee6401u, 0x1ee6503u, 0x1ee6701u, 0x1ee6b03u,
    0x1ee6c01u, 0x1ee7303u, 0x1ee7401u, 0x1ee7803u, 0x1ee7901u, 0x1ee7d03u, 0x1ee7e01u,
    0x1ee7f03u, 0x1ee8001u, 0x1ee8a03u, 0x1ee8b01u, 0x1ee9c03u, 0x1eea101u, 0x1eea403u,
    0x1eea501u, 0x1eeaa03u, 0x1eeab01u, 0x1eebc03u, 0x1f10002u, 0x1f10d03u, 0x1f13023u,
    0x1f14a03u, 0x1f15023u, 0x1f16a03u, 0x1f17023u, 0x1f18a03u, 0x1f3fb13u, 0x1f40003u,
    0x1fbf002u, 0x1fbfa03u, 0x2000001u, 0x2a6e003u, 0x2a70001u, 0x2b73a03u, 0x2b74001u,
    0x2b81e03u, 0x2b82001u, 0x2cea203u, 0x2ceb001u, 0x2ebe103u, 0x2f80001u, 0x2fa1e03u,
    0x3000001u, 0x3134b03u, 0x3135001u, 0x323b003u, 0xe000113u, 0xe000203u, 0xe002013u,
    0xe008003u, 0xe010013u, 0xe01f003u,
};

/* the same flags for ASCII, one byte per codepoint (fast path) */
static const unsigned char pm__uprop_ascii[128] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 12, 12, 12, 12, 12, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 11,
    11, 11, 11, 12, 3, 3, 3, 3, 3, 3, 19, 3, 3, 3, 3, 3, 3, 19, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    19, 3, 3, 3, 3, 3, 3, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
    33, 33, 33, 33, 33, 33, 33, 33, 3, 3, 3, 19, 3, 19, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
    33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 3, 3, 3, 3, 3,
};

/* lower-case runs {first, last, step, delta} (U+0130 is handled in code) */
static const int32_t pm__lower[181][4] = {
    {0x41, 0x5a, 1, 32}, {0xc0, 0xd6, 1, 32}, {0xd8, 0xde, 1, 32}, {0x100, 0x12e, 2, 1},
    {0x132, 0x136, 2, 1}, {0x139, 0x147, 2, 1}, {0x14a, 0x176, 2, 1}, {0x178, 0x178, 1, -121},
    {0x179, 0x17d, 2, 1}, {0x181, 0x181, 1, 210}, {0x182, 0x184, 2, 1}, {0x186, 0x186, 1, 206},
    {0x187, 0x187, 1, 1}, {0x189, 0x18a, 1, 205}, {0x18b, 0x18b, 1, 1}, {0x18e, 0x18e, 1, 79},
    {0x18f, 0x18f, 1, 202}, {0x190, 0x190, 1, 203}, {0x191, 0x191, 1, 1}, {0x193, 0x193, 1, 205},
    {0x194, 0x194, 1, 207}, {0x196, 0x196, 1, 211}, {0x197, 0x197, 1, 209}, {0x198, 0x198, 1, 1},
    {0x19c, 0x19c, 1, 211}, {0x19d, 0x19d, 1, 213}, {0x19f, 0x19f, 1, 214}, {0x1a0, 0x1a4, 2, 1},
    {0x1a6, 0x1a6, 1, 218}, {0x1a7, 0x1a7, 1, 1}, {0x1a9, 0x1a9, 1, 218}, {0x1ac, 0x1ac, 1, 1},
    {0x1ae, 0x1ae, 1, 218}, {0x1af, 0x1af, 1, 1}, {0x1b1, 0x1b2, 1, 217}, {0x1b3, 0x1b5, 2, 1},
    {0x1b7, 0x1b7, 1, 219}, {0x1b8, 0x1b8, 1, 1}, {0x1bc, 0x1bc, 1, 1}, {0x1c4, 0x1c4, 1, 2},
    {0x1c5, 0x1c5, 1, 1}, {0x1c7, 0x1c7, 1, 2}, {0x1c8, 0x1c8, 1, 1}, {0x1ca, 0x1ca, 1, 2},
    {0x1cb, 0x1db, 2, 1}, {0x1de, 0x1ee, 2, 1}, {0x1f1, 0x1f1, 1, 2}, {0x1f2, 0x1f4, 2, 1},
    {0x1f6, 0x1f6, 1, -97}, {0x1f7, 0x1f7, 1, -56}, {0x1f8, 0x21e, 2, 1}, {0x220, 0x220, 1, -130},
    {0x222, 0x232, 2, 1}, {0x23a, 0x23a, 1, 10795}, {0x23b, 0x23b, 1, 1}, {0x23d, 0x23d, 1, -163},
    {0x23e, 0x23e, 1, 10792}, {0x241, 0x241, 1, 1}, {0x243, 0x243, 1, -195},
    {0x244, 0x244, 1, 69}, {0x245, 0x245, 1, 71}, {0x246, 0x24e, 2, 1}, {0x370, 0x372, 2, 1},
    {0x376, 0x376, 1, 1}, {0x37f, 0x37f, 1, 116}, {0x386, 0x386, 1, 38}, {0x388, 0x38a, 1, 37},
    {0x38c, 0x38c, 1, 64}, {0x38e, 0x38f, 1, 63}, {0x391, 0x3a1, 1, 32}, {0x3a3, 0x3ab, 1, 32},
    {0x3cf, 0x3cf, 1, 8}, {0x3d8, 0x3ee, 2, 1}, {0x3f4, 0x3f4, 1, -60}, {0x3f7, 0x3f7, 1, 1},
    {0x3f9, 0x3f9, 1, -7}, {0x3fa, 0x3fa, 1, 1}, {0x3fd, 0x3ff, 1, -130}, {0x400, 0x40f, 1, 80},
    {0x410, 0x42f, 1, 32}, {0x460, 0x480, 2, 1}, {0x48a, 0x4be, 2, 1}, {0x4c0, 0x4c0, 1, 15},
    {0x4c1, 0x4cd, 2, 1}, {0x4d0, 0x52e, 2, 1}, {0x531, 0x556, 1, 48}, {0x10a0, 0x10c5, 1, 7264},
    {0x10c7, 0x10c7, 1, 7264}, {0x10cd, 0x10cd, 1, 7264}, {0x13a0, 0x13ef, 1, 38864},
    {0x13f0, 0x13f5, 1, 8}, {0x1c90, 0x1cba, 1, -3008}, {0x1cbd, 0x1cbf, 1, -3008},
    {0x1e00, 0x1e94, 2, 1}, {0x1e9e, 0x1e9e, 1, -7615}, {0x1ea0, 0x1efe, 2, 1},
    {0x1f08, 0x1f0f, 1, -8}, {0x1f18, 0x1f1d, 1, -8}, {0x1f28, 0x1f2f, 1, -8},
    {0x1f38, 0x1f3f, 1, -8}, {0x1f48, 0x1f4d, 1, -8}, {0x1f59, 0x1f5f, 2, -8},
    {0x1f68, 0x1f6f, 1, -8}, {0x1f88, 0x1f8f, 1, -8}, {0x1f98, 0x1f9f, 1, -8},
    {0x1fa8, 0x1faf, 1, -8}, {0x1fb8, 0x1fb9, 1, -8}, {0x1fba, 0x1fbb, 1, -74},
    {0x1fbc, 0x1fbc, 1, -9}, {0x1fc8, 0x1fcb, 1, -86}, {0x1fcc, 0x1fcc, 1, -9},
    {0x1fd8, 0x1fd9, 1, -8}, {0x1fda, 0x1fdb, 1, -100}, {0x1fe8, 0x1fe9, 1, -8},
    {0x1fea, 0x1feb, 1, -112}, {0x1fec, 0x1fec, 1, -7}, {0x1ff8, 0x1ff9, 1, -128},
    {0x1ffa, 0x1ffb, 1, -126}, {0x1ffc, 0x1ffc, 1, -9}, {0x2126, 0x2126, 1, -7517},
    {0x212a, 0x212a, 1, -8383}, {0x212b, 0x212b, 1, -8262}, {0x2132, 0x2132, 1, 28},
    {0x2160, 0x216f, 1, 16}, {0x2183, 0x2183, 1, 1}, {0x24b6, 0x24cf, 1, 26},
    {0x2c00, 0x2c2f, 1, 48}, {0x2c60, 0x2c60, 1, 1}, {0x2c62, 0x2c62, 1, -10743},
    {0x2c63, 0x2c63, 1, -3814}, {0x2c64, 0x2c64, 1, -10727}, {0x2c67, 0x2c6b, 2, 1},
    {0x2c6d, 0x2c6d, 1, -10780}, {0x2c6e, 0x2c6e, 1, -10749}, {0x2c6f, 0x2c6f, 1, -10783},
    {0x2c70, 0x2c70, 1, -10782}, {0x2c72, 0x2c72, 1, 1}, {0x2c75, 0x2c75, 1, 1},
    {0x2c7e, 0x2c7f, 1, -10815}, {0x2c80, 0x2ce2, 2, 1}, {0x2ceb, 0x2ced, 2, 1},
    {0x2cf2, 0x2cf2, 1, 1}, {0xa640, 0xa66c, 2, 1}, {0xa680, 0xa69a, 2, 1},
    {0xa722, 0xa72e, 2, 1}, {0xa732, 0xa76e, 2, 1}, {0xa779, 0xa77b, 2, 1},
    {0xa77d, 0xa77d, 1, -35332}, {0xa77e, 0xa786, 2, 1}, {0xa78b, 0xa78b, 1, 1},
    {0xa78d, 0xa78d, 1, -42280}, {0xa790, 0xa792, 2, 1}, {0xa796, 0xa7a8, 2, 1},
    {0xa7aa, 0xa7aa, 1, -42308}, {0xa7ab, 0xa7ab, 1, -42319}, {0xa7ac, 0xa7ac, 1, -42315},
    {0xa7ad, 0xa7ad, 1, -42305}, {0xa7ae, 0xa7ae, 1, -42308}, {0xa7b0, 0xa7b0, 1, -42258},
    {0xa7b1, 0xa7b1, 1, -42282}, {0xa7b2, 0xa7b2, 1, -42261}, {0xa7b3, 0xa7b3, 1, 928},
    {0xa7b4, 0xa7c2, 2, 1}, {0xa7c4, 0xa7c4, 1, -48}, {0xa7c5, 0xa7c5, 1, -42307},
    {0xa7c6, 0xa7c6, 1, -35384}, {0xa7c7, 0xa7c9, 2, 1}, {0xa7d0, 0xa7d0, 1, 1},
    {0xa7d6, 0xa7d8, 2, 1}, {0xa7f5, 0xa7f5, 1, 1}, {0xff21, 0xff3a, 1, 32},
    {0x10400, 0x10427, 1, 40}, {0x104b0, 0x104d3, 1, 40}, {0x10570, 0x1057a, 1, 39},
    {0x1057c, 0x1058a, 1, 39}, {0x1058c, 0x10592, 1, 39}, {0x10594, 0x10595, 1, 39},
    {0x10c80, 0x10cb2, 1, 64}, {0x118a0, 0x118bf, 1, 32}, {0x16e40, 0x16e5f, 1, 32},
    {0x1e900, 0x1e921, 1, 34},
};

/* canonical combining class ranges: (start << 8 | ccc) */
static const uint32_t pm__ccc[571] = {
    0x0u, 0x300e6u, 0x315e8u, 0x316dcu, 0x31ae8u, 0x31bd8u, 0x31cdcu, 0x321cau, 0x323dcu,
    0x327cau, 0x329dcu, 0x33401u, 0x339dcu, 0x33de6u, 0x345f0u, 0x346e6u, 0x347dcu, 0x34ae6u,
    0x34ddcu, 0x34f00u, 0x350e6u, 0x353dcu, 0x357e6u, 0x358e8u, 0x359dcu, 0x35be6u, 0x35ce9u,
    0x35deau, 0x35fe9u, 0x360eau, 0x362e9u, 0x363e6u, 0x37000u, 0x483e6u, 0x48800u, 0x591dcu,
    0x592e6u, 0x596dcu, 0x597e6u, 0x59adeu, 0x59bdcu, 0x59ce6u, 0x5a2dcu, 0x5a8e6u, 0x5aadcu,
    0x5abe6u, 0x5addeu, 0x5aee4u, 0x5afe6u, 0x5b00au, 0x5b10bu, 0x5b20cu, 0x5b30du, 0x5b40eu,
    0x5b50fu, 0x5b610u, 0x5b711u, 0x5b812u, 0x5b913u, 0x5bb14u, 0x5bc15u, 0x5bd16u, 0x5be00u,
    0x5bf17u, 0x5c000u, 0x5c118u, 0x5c219u, 0x5c300u, 0x5c4e6u, 0x5c5dcu, 0x5c600u, 0x5c712u,
    0x5c800u, 0x610e6u, 0x6181eu, 0x6191fu, 0x61a20u, 0x61b00u, 0x64b1bu, 0x64c1cu, 0x64d1du,
    0x64e1eu, 0x64f1fu, 0x65020u, 0x65121u, 0x65222u, 0x653e6u, 0x655dcu, 0x657e6u, 0x65cdcu,
    0x65de6u, 0x65fdcu, 0x66000u, 0x67023u, 0x67100u, 0x6d6e6u, 0x6dd00u, 0x6dfe6u, 0x6e3dcu,
    0x6e4e6u, 0x6e500u, 0x6e7e6u, 0x6e900u, 0x6eadcu, 0x6ebe6u, 0x6eddcu, 0x6ee00u, 0x71124u,
    0x71200u, 0x730e6u, 0x731dcu, 0x732e6u, 0x734dcu, 0x735e6u, 0x737dcu, 0x73ae6u, 0x73bdcu,
    0x73de6u, 0x73edcu, 0x73fe6u, 0x742dcu, 0x743e6u, 0x744dcu, 0x745e6u, 0x746dcu, 0x747e6u,
    0x748dcu, 0x749e6u, 0x74b00u, 0x7ebe6u, 0x7f2dcu, 0x7f3e6u, 0x7f400u, 0x7fddcu, 0x7fe00u,
    0x816e6u, 0x81a00u, 0x81be6u, 0x82400u, 0x825e6u, 0x82800u, 0x829e6u, 0x82e00u, 0x859dcu,
    0x85c00u, 0x898e6u, 0x899dcu, 0x89ce6u, 0x8a000u, 0x8cae6u, 0x8cfdcu, 0x8d4e6u, 0x8e200u,
    0x8e3dcu, 0x8e4e6u, 0x8e6dcu, 0x8e7e6u, 0x8e9dcu, 0x8eae6u, 0x8eddcu, 0x8f01bu, 0x8f11cu,
    0x8f21du, 0x8f3e6u, 0x8f6dcu, 0x8f7e6u, 0x8f9dcu, 0x8fbe6u, 0x90000u, 0x93c07u, 0x93d00u,
    0x94d09u, 0x94e00u, 0x951e6u, 0x952dcu, 0x953e6u, 0x95500u, 0x9bc07u, 0x9bd00u, 0x9cd09u,
    0x9ce00u, 0x9fee6u, 0x9ff00u, 0xa3c07u, 0xa3d00u, 0xa4d09u, 0xa4e00u, 0xabc07u, 0xabd00u,
    0xacd09u, 0xace00u, 0xb3c07u, 0xb3d00u, 0xb4d09u, 0xb4e00u, 0xbcd09u, 0xbce00u, 0xc3c07u,
    0xc3d00u, 0xc4d09u, 0xc4e00u, 0xc5554u, 0xc565bu, 0xc5700u, 0xcbc07u, 0xcbd00u, 0xccd09u,
    0xcce00u, 0xd3b09u, 0xd3d00u, 0xd4d09u, 0xd4e00u, 0xdca09u, 0xdcb00u, 0xe3867u, 0xe3a09u,
    0xe3b00u, 0xe486bu, 0xe4c00u, 0xeb876u, 0xeba09u, 0xebb00u, 0xec87au, 0xecc00u, 0xf18dcu,
    0xf1a00u, 0xf35dcu, 0xf3600u, 0xf37dcu, 0xf3800u, 0xf39d8u, 0xf3a00u, 0xf7181u, 0xf7282u,
    0xf7300u, 0xf7484u, 0xf7500u, 0xf7a82u, 0xf7e00u, 0xf8082u, 0xf8100u, 0xf82e6u, 0xf8409u,
    0xf8500u, 0xf86e6u, 0xf8800u, 0xfc6dcu, 0xfc700u, 0x103707u, 0x103800u, 0x103909u, 0x103b00u,
    0x108ddcu, 0x108e00u, 0x135de6u, 0x136000u, 0x171409u, 0x171600u, 0x173409u, 0x173500u,
    0x17d209u, 0x17d300u, 0x17dde6u, 0x17de00u, 0x18a9e4u, 0x18aa00u, 0x1939deu, 0x193ae6u,
    0x193bdcu, 0x193c00u, 0x1a17e6u, 0x1a18dcu, 0x1a1900u, 0x1a6009u, 0x1a6100u, 0x1a75e6u,
    0x1a7d00u, 0x1a7fdcu, 0x1a8000u, 0x1ab0e6u, 0x1ab5dcu, 0x1abbe6u, 0x1abddcu, 0x1abe00u,
    0x1abfdcu, 0x1ac1e6u, 0x1ac3dcu, 0x1ac5e6u, 0x1acadcu, 0x1acbe6u, 0x1acf00u, 0x1b3407u,
    0x1b3500u, 0x1b4409u, 0x1b4500u, 0x1b6be6u, 0x1b6cdcu, 0x1b6de6u, 0x1b7400u, 0x1baa09u,
    0x1bac00u, 0x1be607u, 0x1be700u, 0x1bf209u, 0x1bf400u, 0x1c3707u, 0x1c3800u, 0x1cd0e6u,
    0x1cd300u, 0x1cd401u, 0x1cd5dcu, 0x1cdae6u, 0x1cdcdcu, 0x1ce0e6u, 0x1ce100u, 0x1ce201u,
    0x1ce900u, 0x1ceddcu, 0x1cee00u, 0x1cf4e6u, 0x1cf500u, 0x1cf8e6u, 0x1cfa00u, 0x1dc0e6u,
    0x1dc2dcu, 0x1dc3e6u, 0x1dcadcu, 0x1dcbe6u, 0x1dcdeau, 0x1dced6u, 0x1dcfdcu, 0x1dd0cau,
    0x1dd1e6u, 0x1df6e8u, 0x1df7e4u, 0x1df9dcu, 0x1dfadau, 0x1dfbe6u, 0x1dfce9u, 0x1dfddcu,
    0x1dfee6u, 0x1dffdcu, 0x1e0000u, 0x20d0e6u, 0x20d201u, 0x20d4e6u, 0x20d801u, 0x20dbe6u,
    0x20dd00u, 0x20e1e6u, 0x20e200u, 0x20e501u, 0x20e7e6u, 0x20e8dcu, 0x20e9e6u, 0x20ea01u,
    0x20ecdcu, 0x20f0e6u, 0x20f100u, 0x2cefe6u, 0x2cf200u, 0x2d7f09u, 0x2d8000u, 0x2de0e6u,
    0x2e0000u, 0x302adau, 0x302be4u, 0x302ce8u, 0x302ddeu, 0x302ee0u, 0x303000u, 0x309908u,
    0x309b00u, 0xa66fe6u, 0xa67000u, 0xa674e6u, 0xa67e00u, 0xa69ee6u, 0xa6a000u, 0xa6f0e6u,
    0xa6f200u, 0xa80609u, 0xa80700u, 0xa82c09u, 0xa82d00u, 0xa8c409u, 0xa8c500u, 0xa8e0e6u,
    0xa8f200u, 0xa92bdcu, 0xa92e00u, 0xa95309u, 0xa95400u, 0xa9b307u, 0xa9b400u, 0xa9c009u,
    0xa9c100u, 0xaab0e6u, 0xaab100u, 0xaab2e6u, 0xaab4dcu, 0xaab500u, 0xaab7e6u, 0xaab900u,
    0xaabee6u, 0xaac000u, 0xaac1e6u, 0xaac200u, 0xaaf609u, 0xaaf700u, 0xabed09u, 0xabee00u,
    0xfb1e1au, 0xfb1f00u, 0xfe20e6u, 0xfe27dcu, 0xfe2ee6u, 0xfe3000u, 0x101fddcu, 0x101fe00u,
    0x102e0dcu, 0x102e100u, 0x10376e6u, 0x1037b00u, 0x10a0ddcu, 0x10a0e00u, 0x10a0fe6u,
    0x10a1000u, 0x10a38e6u, 0x10a3901u, 0x10a3adcu, 0x10a3b00u, 0x10a3f09u, 0x10a4000u,
    0x10ae5e6u, 0x10ae6dcu, 0x10ae700u, 0x10d24e6u, 0x10d2800u, 0x10eabe6u, 0x10ead00u,
    0x10f46dcu, 0x10f48e6u, 0x10f4bdcu, 0x10f4ce6u, 0x10f4ddcu, 0x10f5100u, 0x10f82e6u,
    0x10f83dcu, 0x10f84e6u, 0x10f85dcu, 0x10f8600u, 0x1104609u, 0x1104700u, 0x1107009u,
    0x1107100u, 0x1107f09u, 0x1108000u, 0x110b909u, 0x110ba07u, 0x110bb00u, 0x11100e6u,
    0x1110300u, 0x1113309u, 0x1113500u, 0x1117307u, 0x1117400u, 0x111c009u, 0x111c100u,
    0x111ca07u, 0x111cb00u, 0x1123509u, 0x1123607u, 0x1123700u, 0x112e907u, 0x112ea09u,
    0x112eb00u, 0x1133b07u, 0x1133d00u, 0x1134d09u, 0x1134e00u, 0x11366e6u, 0x1136d00u,
    0x11370e6u, 0x1137500u, 0x1144209u, 0x1144300u, 0x1144607u, 0x1144700u, 0x1145ee6u,
    0x1145f00u, 0x114c209u, 0x114c307u, 0x114c400u, 0x115bf09u, 0x115c007u, 0x115c100u,
    0x1163f09u, 0x1164000u, 0x116b609u, 0x116b707u, 0x116b800u, 0x1172b09u, 0x1172c00u,
    0x1183909u, 0x1183a07u, 0x1183b00u, 0x1193d09u, 0x1193f00u, 0x1194307u, 0x1194400u,
    0x119e009u, 0x119e100u, 0x11a3409u, 0x11a3500u, 0x11a4709u, 0x11a4800u, 0x11a9909u,
    0x11a9a00u, 0x11c3f09u, 0x11c4000u, 0x11d4207u, 0x11d4300u, 0x11d4409u, 0x11d4600u,
    0x11d9709u, 0x11d9800u, 0x16af001u, 0x16af500u, 0x16b30e6u, 0x16b3700u, 0x16ff006u,
    0x16ff200u, 0x1bc9e01u, 0x1bc9f00u, 0x1d165d8u, 0x1d16701u, 0x1d16a00u, 0x1d16de2u,
    0x1d16ed8u, 0x1d17300u, 0x1d17bdcu, 0x1d18300u, 0x1d185e6u, 0x1d18adcu, 0x1d18c00u,
    0x1d1aae6u, 0x1d1ae00u, 0x1d242e6u, 0x1d24500u, 0x1e000e6u, 0x1e00700u, 0x1e008e6u,
    0x1e01900u, 0x1e01be6u, 0x1e02200u, 0x1e023e6u, 0x1e02500u, 0x1e026e6u, 0x1e02b00u,
    0x1e130e6u, 0x1e13700u, 0x1e2aee6u, 0x1e2af00u, 0x1e2ece6u, 0x1e2f000u, 0x1e8d0dcu,
    0x1e8d700u, 0x1e944e6u, 0x1e94a07u, 0x1e94b00u,
};

/* canonical decompositions, one level: {cp | second << 21 | composable << 31, first};
   second: 0 for a singleton, else 1 + index into pm__nfd_second */
static const uint32_t pm__nfd[2061][2] = {
    {0x802000c0u, 0x41}, {0x804000c1u, 0x41}, {0x806000c2u, 0x41}, {0x808000c3u, 0x41},
    {0x810000c4u, 0x41}, {0x814000c5u, 0x41}, {0x82c000c7u, 0x43}, {0x802000c8u, 0x45},
    {0x804000c9u, 0x45}, {0x806000cau, 0x45}, {0x810000cbu, 0x45}, {0x802000ccu, 0x49},
    {0x804000cdu, 0x49}, {0x806000ceu, 0x49}, {0x810000cfu, 0x49}, {0x808000d1u, 0x4e},
    {0x802000d2u, 0x4f}, {0x804000d3u, 0x4f}, {0x806000d4u, 0x4f}, {0x808000d5u, 0x4f},
    {0x810000d6u, 0x4f}, {0x802000d9u, 0x55}, {0x804000dau, 0x55}, {0x806000dbu, 0x55},
    {0x810000dcu, 0x55}, {0x804000ddu, 0x59}, {0x802000e0u, 0x61}, {0x804000e1u, 0x61},
    {0x806000e2u, 0x61}, {0x808000e3u, 0x61}, {0x810000e4u, 0x61}, {0x814000e5u, 0x61},
    {0x82c000e7u, 0x63}, {0x802000e8u, 0x65}, {0x804000e9u, 0x65}, {0x806000eau, 0x65},
    {0x810000ebu, 0x65}, {0x802000ecu, 0x69}, {0x804000edu, 0x69}, {0x806000eeu, 0x69},
    {0x810000efu, 0x69}, {0x808000f1u, 0x6e}, {0x802000f2u, 0x6f}, {0x804000f3u, 0x6f},
    {0x806000f4u, 0x6f}, {0x808000f5u, 0x6f}, {0x810000f6u, 0x6f}, {0x802000f9u, 0x75},
    {0x804000fau, 0x75}, {0x806000fbu, 0x75}, {0x810000fcu, 0x75}, {0x804000fdu, 0x79},
    {0x810000ffu, 0x79}, {0x80a00100u, 0x41}, {0x80a00101u, 0x61}, {0x80c00102u, 0x41},
    {0x80c00103u, 0x61}, {0x82e00104u, 0x41}, {0x82e00105u, 0x61}, {0x80400106u, 0x43},
    {0x80400107u, 0x63}, {0x80600108u, 0x43}, {0x80600109u, 0x63}, {0x80e0010au, 0x43},
    {0x80e0010bu, 0x63}, {0x8180010cu, 0x43}, {0x8180010du, 0x63}, {0x8180010eu, 0x44},
    {0x8180010fu, 0x64}, {0x80a00112u, 0x45}, {0x80a00113u, 0x65}, {0x80c00114u, 0x45},
    {0x80c00115u, 0x65}, {0x80e00116u, 0x45}, {0x80e00117u, 0x65}, {0x82e00118u, 0x45},
    {0x82e00119u, 0x65}, {0x8180011au, 0x45}, {0x8180011bu, 0x65}, {0x8060011cu, 0x47},
    {0x8060011du, 0x67}, {0x80c0011eu, 0x47}, {0x80c0011fu, 0x67}, {0x80e00120u, 0x47},
    {0x80e00121u, 0x67}, {0x82c00122u, 0x47}, {0x82c00123u, 0x67}, {0x80600124u, 0x48},
    {0x80600125u, 0x68}, {0x80800128u, 0x49}, {0x80800129u, 0x69}, {0x80a0012au, 0x49},
    {0x80a0012bu, 0x69}, {0x80c0012cu, 0x49}, {0x80c0012du, 0x69}, {0x82e0012eu, 0x49},
    {0x82e0012fu, 0x69}, {0x80e00130u, 0x49}, {0x80600134u, 0x4a}, {0x80600135u, 0x6a},
    {0x82c00136u, 0x4b}, {0x82c00137u, 0x6b}, {0x80400139u, 0x4c}, {0x8040013au, 0x6c},
    {0x82c0013bu, 0x4c}, {0x82c0013cu, 0x6c}, {0x8180013du, 0x4c}, {0x8180013eu, 0x6c},
    {0x80400143u, 0x4e}, {0x80400144u, 0x6e}, {0x82c00145u, 0x4e}, {0x82c00146u, 0x6e},
    {0x81800147u, 0x4e}, {0x81800148u, 0x6e}, {0x80a0014cu, 0x4f}, {0x80a0014du, 0x6f},
    {0x80c0014eu, 0x4f}, {0x80c0014fu, 0x6f}, {0x81600150u, 0x4f}, {0x81600151u, 0x6f},
    {0x80400154u, 0x52}, {0x80400155u, 0x72}, {0x82c00156u, 0x52}, {0x82c00157u, 0x72},
    {0x81800158u, 0x52}, {0x81800159u, 0x72}, {0x8040015au, 0x53}, {0x8040015bu, 0x73},
    {0x8060015cu, 0x53}, {0x8060015du, 0x73}, {0x82c0015eu, 0x53}, {0x82c0015fu, 0x73},
    {0x81800160u, 0x53}, {0x81800161u, 0x73}, {0x82c00162u, 0x54}, {0x82c00163u, 0x74},
    {0x81800164u, 0x54}, {0x81800165u, 0x74}, {0x80800168u, 0x55}, {0x80800169u, 0x75},
    {0x80a0016au, 0x55}, {0x80a0016bu, 0x75}, {0x80c0016cu, 0x55}, {0x80c0016du, 0x75},
    {0x8140016eu, 0x55}, {0x8140016fu, 0x75}, {0x81600170u, 0x55}, {0x81600171u, 0x75},
    {0x82e00172u, 0x55}, {0x82e00173u, 0x75}, {0x80600174u, 0x57}, {0x80600175u, 0x77},
    {0x80600176u, 0x59}, {0x80600177u, 0x79}, {0x81000178u, 0x59}, {0x80400179u, 0x5a},
    {0x8040017au, 0x7a}, {0x80e0017bu, 0x5a}, {0x80e0017cu, 0x7a}, {0x8180017du, 0x5a},
    {0x8180017eu, 0x7a}, {0x822001a0u, 0x4f}, {0x822001a1u, 0x6f}, {0x822001afu, 0x55},
    {0x822001b0u, 0x75}, {0x818001cdu, 0x41}, {0x818001ceu, 0x61}, {0x818001cfu, 0x49},
    {0x818001d0u, 0x69}, {0x818001d1u, 0x4f}, {0x818001d2u, 0x6f}, {0x818001d3u, 0x55},
    {0x818001d4u, 0x75}, {0x80a001d5u, 0xdc}, {0x80a001d6u, 0xfc}, {0x804001d7u, 0xdc},
    {0x804001d8u, 0xfc}, {0x818001d9u, 0xdc}, {0x818001dau, 0xfc}, {0x802001dbu, 0xdc},
    {0x802001dcu, 0xfc}, {0x80a001deu, 0xc4}, {0x80a001dfu, 0xe4}, {0x80a001e0u, 0x226},
    {0x80a001e1u, 0x227}, {0x80a001e2u, 0xc6}, {0x80a001e3u, 0xe6}, {0x818001e6u, 0x47},
    {0x818001e7u, 0x67}, {0x818001e8u, 0x4b}, {0x818001e9u, 0x6b}, {0x82e001eau, 0x4f},
    {0x82e001ebu, 0x6f}, {0x80a001ecu, 0x1ea}, {0x80a001edu, 0x1eb}, {0x818001eeu, 0x1b7},
    {0x818001efu, 0x292}, {0x818001f0u, 0x6a}, {0x804001f4u, 0x47}, {0x804001f5u, 0x67},
    {0x802001f8u, 0x4e}, {0x802001f9u, 0x6e}, {0x804001fau, 0xc5}, {0x804001fbu, 0xe5},
    {0x804001fcu, 0xc6}, {0x804001fdu, 0xe6}, {0x804001feu, 0xd8}, {0x804001ffu, 0xf8},
    {0x81a00200u, 0x41}, {0x81a00201u, 0x61}, {0x81c00202u, 0x41}, {0x81c00203u, 0x61},
    {0x81a00204u, 0x45}, {0x81a00205u, 0x65}, {0x81c00206u, 0x45}, {0x81c00207u, 0x65},
    {0x81a00208u, 0x49}, {0x81a00209u, 0x69}, {0x81c0020au, 0x49}, {0x81c0020bu, 0x69},
    {0x81a0020cu, 0x4f}, {0x81a0020du, 0x6f}, {0x81c0020eu, 0x4f}, {0x81c0020fu, 0x6f},
    {0x81a00210u, 0x52}, {0x81a00211u, 0x72}, {0x81c00212u, 0x52}, {0x81c00213u, 0x72},
    {0x81a00214u, 0x55}, {0x81a00215u, 0x75}, {0x81c00216u, 0x55}, {0x81c00217u, 0x75},
    {0x82a00218u, 0x53}, {0x82a00219u, 0x73}, {0x82a0021au, 0x54}, {0x82a0021bu, 0x74},
    {0x8180021eu, 0x48}, {0x8180021fu, 0x68}, {0x80e00226u, 0x41}, {0x80e00227u, 0x61},
    {0x82c00228u, 0x45}, {0x82c00229u, 0x65}, {0x80a0022au, 0xd6}, {0x80a0022bu, 0xf6},
    {0x80a0022cu, 0xd5}, {0x80a0022du, 0xf5}, {0x80e0022eu, 0x4f}, {0x80e0022fu, 0x6f},
    {0x80a00230u, 0x22e}, {0x80a00231u, 0x22f}, {0x80a00232u, 0x59}, {0x80a00233u, 0x79},
    {0x340u, 0x300}, {0x341u, 0x301}, {0x343u, 0x313}, {0x400344u, 0x308}, {0x374u, 0x2b9},
    {0x37eu, 0x3b}, {0x80400385u, 0xa8}, {0x80400386u, 0x391}, {0x387u, 0xb7},
    {0x80400388u, 0x395}, {0x80400389u, 0x397}, {0x8040038au, 0x399}, {0x8040038cu, 0x39f},
    {0x8040038eu, 0x3a5}, {0x8040038fu, 0x3a9}, {0x80400390u, 0x3ca}, {0x810003aau, 0x399},
    {0x810003abu, 0x3a5}, {0x804003acu, 0x3b1}, {0x804003adu, 0x3b5}, {0x804003aeu, 0x3b7},
    {0x804003afu, 0x3b9}, {0x804003b0u, 0x3cb}, {0x810003cau, 0x3b9}, {0x810003cbu, 0x3c5},
    {0x804003ccu, 0x3bf}, {0x804003cdu, 0x3c5}, {0x804003ceu, 0x3c9}, {0x804003d3u, 0x3d2},
    {0x810003d4u, 0x3d2}, {0x80200400u, 0x415}, {0x81000401u, 0x415}, {0x80400403u, 0x413},
    {0x81000407u, 0x406}, {0x8040040cu, 0x41a}, {0x8020040du, 0x418}, {0x80c0040eu, 0x423},
    {0x80c00419u, 0x418}, {0x80c00439u, 0x438}, {0x80200450u, 0x435}, {0x81000451u, 0x435},
    {0x80400453u, 0x433}, {0x81000457u, 0x456}, {0x8040045cu, 0x43a}, {0x8020045du, 0x438},
    {0x80c0045eu, 0x443}, {0x81a00476u, 0x474}, {0x81a00477u, 0x475}, {0x80c004c1u, 0x416},
    {0x80c004c2u, 0x436}, {0x80c004d0u, 0x410}, {0x80c004d1u, 0x430}, {0x810004d2u, 0x410},
    {0x810004d3u, 0x430}, {0x80c004d6u, 0x415}, {0x80c004d7u, 0x435}, {0x810004dau, 0x4d8},
    {0x810004dbu, 0x4d9}, {0x810004dcu, 0x416}, {0x810004ddu, 0x436}, {0x810004deu, 0x417},
    {0x810004dfu, 0x437}, {0x80a004e2u, 0x418}, {0x80a004e3u, 0x438}, {0x810004e4u, 0x418},
    {0x810004e5u, 0x438}, {0x810004e6u, 0x41e}, {0x810004e7u, 0x43e}, {0x810004eau, 0x4e8},
    {0x810004ebu, 0x4e9}, {0x810004ecu, 0x42d}, {0x810004edu, 0x44d}, {0x80a004eeu, 0x423},
    {0x80a004efu, 0x443}, {0x810004f0u, 0x423}, {0x810004f1u, 0x443}, {0x816004f2u, 0x423},
    {0x816004f3u, 0x443}, {0x810004f4u, 0x427}, {0x810004f5u, 0x447}, {0x810004f8u, 0x42b},
    {0x810004f9u, 0x44b}, {0x84e00622u, 0x627}, {0x85000623u, 0x627}, {0x85000624u, 0x648},
    {0x85200625u, 0x627}, {0x85000626u, 0x64a}, {0x850006c0u, 0x6d5}, {0x850006c2u, 0x6c1},
    {0x850006d3u, 0x6d2}, {0x85400929u, 0x928}, {0x85400931u, 0x930}, {0x85400934u, 0x933},
    {0x5400958u, 0x915}, {0x5400959u, 0x916}, {0x540095au, 0x917}, {0x540095bu, 0x91c},
    {0x540095cu, 0x921}, {0x540095du, 0x922}, {0x540095eu, 0x92b}, {0x540095fu, 0x92f},
    {0x858009cbu, 0x9c7}, {0x85a009ccu, 0x9c7}, {0x56009dcu, 0x9a1}, {0x56009ddu, 0x9a2},
    {0x56009dfu, 0x9af}, {0x5c00a33u, 0xa32}, {0x5c00a36u, 0xa38}, {0x5c00a59u, 0xa16},
    {0x5c00a5au, 0xa17}, {0x5c00a5bu, 0xa1c}, {0x5c00a5eu, 0xa2b}, {0x86200b48u, 0xb47},
    {0x86000b4bu, 0xb47}, {0x86400b4cu, 0xb47}, {0x5e00b5cu, 0xb21}, {0x5e00b5du, 0xb22},
    {0x86800b94u, 0xb92}, {0x86600bcau, 0xbc6}, {0x86600bcbu, 0xbc7}, {0x86800bccu, 0xbc6},
    {0x86a00c48u, 0xc46}, {0x86e00cc0u, 0xcbf}, {0x86e00cc7u, 0xcc6}, {0x87000cc8u, 0xcc6},
    {0x86c00ccau, 0xcc6}, {0x86e00ccbu, 0xcca}, {0x87200d4au, 0xd46}, {0x87200d4bu, 0xd47},
    {0x87400d4cu, 0xd46}, {0x87600ddau, 0xdd9}, {0x87800ddcu, 0xdd9}, {0x87600dddu, 0xddc},
    {0x87a00ddeu, 0xdd9}, {0x8400f43u, 0xf42}, {0x8400f4du, 0xf4c}, {0x8400f52u, 0xf51},
    {0x8400f57u, 0xf56}, {0x8400f5cu, 0xf5b}, {0x8200f69u, 0xf40}, {0x7c00f73u, 0xf71},
    {0x7e00f75u, 0xf71}, {0x8000f76u, 0xfb2}, {0x8000f78u, 0xfb3}, {0x8000f81u, 0xf71},
    {0x8400f93u, 0xf92}, {0x8400f9du, 0xf9c}, {0x8400fa2u, 0xfa1}, {0x8400fa7u, 0xfa6},
    {0x8400facu, 0xfab}, {0x8200fb9u, 0xf90}, {0x88601026u, 0x1025}, {0x88801b06u, 0x1b05},
    {0x88801b08u, 0x1b07}, {0x88801b0au, 0x1b09}, {0x88801b0cu, 0x1b0b}, {0x88801b0eu, 0x1b0d},
    {0x88801b12u, 0x1b11}, {0x88801b3bu, 0x1b3a}, {0x88801b3du, 0x1b3c}, {0x88801b40u, 0x1b3e},
    {0x88801b41u, 0x1b3f}, {0x88801b43u, 0x1b42}, {0x82801e00u, 0x41}, {0x82801e01u, 0x61},
    {0x80e01e02u, 0x42}, {0x80e01e03u, 0x62}, {0x82401e04u, 0x42}, {0x82401e05u, 0x62},
    {0x83601e06u, 0x42}, {0x83601e07u, 0x62}, {0x80401e08u, 0xc7}, {0x80401e09u, 0xe7},
    {0x80e01e0au, 0x44}, {0x80e01e0bu, 0x64}, {0x82401e0cu, 0x44}, {0x82401e0du, 0x64},
    {0x83601e0eu, 0x44}, {0x83601e0fu, 0x64}, {0x82c01e10u, 0x44}, {0x82c01e11u, 0x64},
    {0x83001e12u, 0x44}, {0x83001e13u, 0x64}, {0x80201e14u, 0x112}, {0x80201e15u, 0x113},
    {0x80401e16u, 0x112}, {0x80401e17u, 0x113}, {0x83001e18u, 0x45}, {0x83001e19u, 0x65},
    {0x83401e1au, 0x45}, {0x83401e1bu, 0x65}, {0x80c01e1cu, 0x228}, {0x80c01e1du, 0x229},
    {0x80e01e1eu, 0x46}, {0x80e01e1fu, 0x66}, {0x80a01e20u, 0x47}, {0x80a01e21u, 0x67},
    {0x80e01e22u, 0x48}, {0x80e01e23u, 0x68}, {0x82401e24u, 0x48}, {0x82401e25u, 0x68},
    {0x81001e26u, 0x48}, {0x81001e27u, 0x68}, {0x82c01e28u, 0x48}, {0x82c01e29u, 0x68},
    {0x83201e2au, 0x48}, {0x83201e2bu, 0x68}, {0x83401e2cu, 0x49}, {0x83401e2du, 0x69},
    {0x80401e2eu, 0xcf}, {0x80401e2fu, 0xef}, {0x80401e30u, 0x4b}, {0x80401e31u, 0x6b},
    {0x82401e32u, 0x4b}, {0x82401e33u, 0x6b}, {0x83601e34u, 0x4b}, {0x83601e35u, 0x6b},
    {0x82401e36u, 0x4c}, {0x82401e37u, 0x6c}, {0x80a01e38u, 0x1e36}, {0x80a01e39u, 0x1e37},
    {0x83601e3au, 0x4c}, {0x83601e3bu, 0x6c}, {0x83001e3cu, 0x4c}, {0x83001e3du, 0x6c},
    {0x80401e3eu, 0x4d}, {0x80401e3fu, 0x6d}, {0x80e01e40u, 0x4d}, {0x80e01e41u, 0x6d},
    {0x82401e42u, 0x4d}, {0x82401e43u, 0x6d}, {0x80e01e44u, 0x4e}, {0x80e01e45u, 0x6e},
    {0x82401e46u, 0x4e}, {0x82401e47u, 0x6e}, {0x83601e48u, 0x4e}, {0x83601e49u, 0x6e},
    {0x83001e4au, 0x4e}, {0x83001e4bu, 0x6e}, {0x80401e4cu, 0xd5}, {0x80401e4du, 0xf5},
    {0x81001e4eu, 0xd5}, {0x81001e4fu, 0xf5}, {0x80201e50u, 0x14c}, {0x80201e51u, 0x14d},
    {0x80401e52u, 0x14c}, {0x80401e53u, 0x14d}, {0x80401e54u, 0x50}, {0x80401e55u, 0x70},
    {0x80e01e56u, 0x50}, {0x80e01e57u, 0x70}, {0x80e01e58u, 0x52}, {0x80e01e59u, 0x72},
    {0x82401e5au, 0x52}, {0x82401e5bu, 0x72}, {0x80a01e5cu, 0x1e5a}, {0x80a01e5du, 0x1e5b},
    {0x83601e5eu, 0x52}, {0x83601e5fu, 0x72}, {0x80e01e60u, 0x53}, {0x80e01e61u, 0x73},
    {0x82401e62u, 0x53}, {0x82401e63u, 0x73}, {0x80e01e64u, 0x15a}, {0x80e01e65u, 0x15b},
    {0x80e01e66u, 0x160}, {0x80e01e67u, 0x161}, {0x80e01e68u, 0x1e62}, {0x80e01e69u, 0x1e63},
    {0x80e01e6au, 0x54}, {0x80e01e6bu, 0x74}, {0x82401e6cu, 0x54}, {0x82401e6du, 0x74},
    {0x83601e6eu, 0x54}, {0x83601e6fu, 0x74}, {0x83001e70u, 0x54}, {0x83001e71u, 0x74},
    {0x82601e72u, 0x55}, {0x82601e73u, 0x75}, {0x83401e74u, 0x55}, {0x83401e75u, 0x75},
    {0x83001e76u, 0x55}, {0x83001e77u, 0x75}, {0x80401e78u, 0x168}, {0x80401e79u, 0x169},
    {0x81001e7au, 0x16a}, {0x81001e7bu, 0x16b}, {0x80801e7cu, 0x56}, {0x80801e7du, 0x76},
    {0x82401e7eu, 0x56}, {0x82401e7fu, 0x76}, {0x80201e80u, 0x57}, {0x80201e81u, 0x77},
    {0x80401e82u, 0x57}, {0x80401e83u, 0x77}, {0x81001e84u, 0x57}, {0x81001e85u, 0x77},
    {0x80e01e86u, 0x57}, {0x80e01e87u, 0x77}, {0x82401e88u, 0x57}, {0x82401e89u, 0x77},
    {0x80e01e8au, 0x58}, {0x80e01e8bu, 0x78}, {0x81001e8cu, 0x58}, {0x81001e8du, 0x78},
    {0x80e01e8eu, 0x59}, {0x80e01e8fu, 0x79}, {0x80601e90u, 0x5a}, {0x80601e91u, 0x7a},
    {0x82401e92u, 0x5a}, {0x82401e93u, 0x7a}, {0x83601e94u, 0x5a}, {0x83601e95u, 0x7a},
    {0x83601e96u, 0x68}, {0x81001e97u, 0x74}, {0x81401e98u, 0x77}, {0x81401e99u, 0x79},
    {0x80e01e9bu, 0x17f}, {0x82401ea0u, 0x41}, {0x82401ea1u, 0x61}, {0x81201ea2u, 0x41},
    {0x81201ea3u, 0x61}, {0x80401ea4u, 0xc2}, {0x80401ea5u, 0xe2}, {0x80201ea6u, 0xc2},
    {0x80201ea7u, 0xe2}, {0x81201ea8u, 0xc2}, {0x81201ea9u, 0xe2}, {0x80801eaau, 0xc2},
    {0x80801eabu, 0xe2}, {0x80601eacu, 0x1ea0}, {0x80601eadu, 0x1ea1}, {0x80401eaeu, 0x102},
    {0x80401eafu, 0x103}, {0x80201eb0u, 0x102}, {0x80201eb1u, 0x103}, {0x81201eb2u, 0x102},
    {0x81201eb3u, 0x103}, {0x80801eb4u, 0x102}, {0x80801eb5u, 0x103}, {0x80c01eb6u, 0x1ea0},
    {0x80c01eb7u, 0x1ea1}, {0x82401eb8u, 0x45}, {0x82401eb9u, 0x65}, {0x81201ebau, 0x45},
    {0x81201ebbu, 0x65}, {0x80801ebcu, 0x45}, {0x80801ebdu, 0x65}, {0x80401ebeu, 0xca},
    {0x80401ebfu, 0xea}, {0x80201ec0u, 0xca}, {0x80201ec1u, 0xea}, {0x81201ec2u, 0xca},
    {0x81201ec3u, 0xea}, {0x80801ec4u, 0xca}, {0x80801ec5u, 0xea}, {0x80601ec6u, 0x1eb8},
    {0x80601ec7u, 0x1eb9}, {0x81201ec8u, 0x49}, {0x81201ec9u, 0x69}, {0x82401ecau, 0x49},
    {0x82401ecbu, 0x69}, {0x82401eccu, 0x4f}, {0x82401ecdu, 0x6f}, {0x81201eceu, 0x4f},
    {0x81201ecfu, 0x6f}, {0x80401ed0u, 0xd4}, {0x80401ed1u, 0xf4}, {0x80201ed2u, 0xd4},
    {0x80201ed3u, 0xf4}, {0x81201ed4u, 0xd4}, {0x81201ed5u, 0xf4}, {0x80801ed6u, 0xd4},
    {0x80801ed7u, 0xf4}, {0x80601ed8u, 0x1ecc}, {0x80601ed9u, 0x1ecd}, {0x80401edau, 0x1a0},
    {0x80401edbu, 0x1a1}, {0x80201edcu, 0x1a0}, {0x80201eddu, 0x1a1}, {0x81201edeu, 0x1a0},
    {0x81201edfu, 0x1a1}, {0x80801ee0u, 0x1a0}, {0x80801ee1u, 0x1a1}, {0x82401ee2u, 0x1a0},
    {0x82401ee3u, 0x1a1}, {0x82401ee4u, 0x55}, {0x82401ee5u, 0x75}, {0x81201ee6u, 0x55},
    {0x81201ee7u, 0x75}, {0x80401ee8u, 0x1af}, {0x80401ee9u, 0x1b0}, {0x80201eeau, 0x1af},
    {0x80201eebu, 0x1b0}, {0x81201eecu, 0x1af}, {0x81201eedu, 0x1b0}, {0x80801eeeu, 0x1af},
    {0x80801eefu, 0x1b0}, {0x82401ef0u, 0x1af}, {0x82401ef1u, 0x1b0}, {0x80201ef2u, 0x59},
    {0x80201ef3u, 0x79}, {0x82401ef4u, 0x59}, {0x82401ef5u, 0x79}, {0x81201ef6u, 0x59},
    {0x81201ef7u, 0x79}, {0x80801ef8u, 0x59}, {0x80801ef9u, 0x79}, {0x81e01f00u, 0x3b1},
    {0x82001f01u, 0x3b1}, {0x80201f02u, 0x1f00}, {0x80201f03u, 0x1f01}, {0x80401f04u, 0x1f00},
    {0x80401f05u, 0x1f01}, {0x83a01f06u, 0x1f00}, {0x83a01f07u, 0x1f01}, {0x81e01f08u, 0x391},
    {0x82001f09u, 0x391}, {0x80201f0au, 0x1f08}, {0x80201f0bu, 0x1f09}, {0x80401f0cu, 0x1f08},
    {0x80401f0du, 0x1f09}, {0x83a01f0eu, 0x1f08}, {0x83a01f0fu, 0x1f09}, {0x81e01f10u, 0x3b5},
    {0x82001f11u, 0x3b5}, {0x80201f12u, 0x1f10}, {0x80201f13u, 0x1f11}, {0x80401f14u, 0x1f10},
    {0x80401f15u, 0x1f11}, {0x81e01f18u, 0x395}, {0x82001f19u, 0x395}, {0x80201f1au, 0x1f18},
    {0x80201f1bu, 0x1f19}, {0x80401f1cu, 0x1f18}, {0x80401f1du, 0x1f19}, {0x81e01f20u, 0x3b7},
    {0x82001f21u, 0x3b7}, {0x80201f22u, 0x1f20}, {0x80201f23u, 0x1f21}, {0x80401f24u, 0x1f20},
    {0x80401f25u, 0x1f21}, {0x83a01f26u, 0x1f20}, {0x83a01f27u, 0x1f21}, {0x81e01f28u, 0x397},
    {0x82001f29u, 0x397}, {0x80201f2au, 0x1f28}, {0x80201f2bu, 0x1f29}, {0x80401f2cu, 0x1f28},
    {0x80401f2du, 0x1f29}, {0x83a01f2eu, 0x1f28}, {0x83a01f2fu, 0x1f29}, {0x81e01f30u, 0x3b9},
    {0x82001f31u, 0x3b9}, {0x80201f32u, 0x1f30}, {0x80201f33u, 0x1f31}, {0x80401f34u, 0x1f30},
    {0x80401f35u, 0x1f31}, {0x83a01f36u, 0x1f30}, {0x83a01f37u, 0x1f31}, {0x81e01f38u, 0x399},
    {0x82001f39u, 0x399}, {0x80201f3au, 0x1f38}, {0x80201f3bu, 0x1f39}, {0x80401f3cu, 0x1f38},
    {0x80401f3du, 0x1f39}, {0x83a01f3eu, 0x1f38}, {0x83a01f3fu, 0x1f39}, {0x81e01f40u, 0x3bf},
    {0x82001f41u, 0x3bf}, {0x80201f42u, 0x1f40}, {0x80201f43u, 0x1f41}, {0x80401f44u, 0x1f40},
    {0x80401f45u, 0x1f41}, {0x81e01f48u, 0x39f}, {0x82001f49u, 0x39f}, {0x80201f4au, 0x1f48},
    {0x80201f4bu, 0x1f49}, {0x80401f4cu, 0x1f48}, {0x80401f4du, 0x1f49}, {0x81e01f50u, 0x3c5},
    {0x82001f51u, 0x3c5}, {0x80201f52u, 0x1f50}, {0x80201f53u, 0x1f51}, {0x80401f54u, 0x1f50},
    {0x80401f55u, 0x1f51}, {0x83a01f56u, 0x1f50}, {0x83a01f57u, 0x1f51}, {0x82001f59u, 0x3a5},
    {0x80201f5bu, 0x1f59}, {0x80401f5du, 0x1f59}, {0x83a01f5fu, 0x1f59}, {0x81e01f60u, 0x3c9},
    {0x82001f61u, 0x3c9}, {0x80201f62u, 0x1f60}, {0x80201f63u, 0x1f61}, {0x80401f64u, 0x1f60},
    {0x80401f65u, 0x1f61}, {0x83a01f66u, 0x1f60}, {0x83a01f67u, 0x1f61}, {0x81e01f68u, 0x3a9},
    {0x82001f69u, 0x3a9}, {0x80201f6au, 0x1f68}, {0x80201f6bu, 0x1f69}, {0x80401f6cu, 0x1f68},
    {0x80401f6du, 0x1f69}, {0x83a01f6eu, 0x1f68}, {0x83a01f6fu, 0x1f69}, {0x80201f70u, 0x3b1},
    {0x1f71u, 0x3ac}, {0x80201f72u, 0x3b5}, {0x1f73u, 0x3ad}, {0x80201f74u, 0x3b7},
    {0x1f75u, 0x3ae}, {0x80201f76u, 0x3b9}, {0x1f77u, 0x3af}, {0x80201f78u, 0x3bf},
    {0x1f79u, 0x3cc}, {0x80201f7au, 0x3c5}, {0x1f7bu, 0x3cd}, {0x80201f7cu, 0x3c9},
    {0x1f7du, 0x3ce}, {0x83c01f80u, 0x1f00}, {0x83c01f81u, 0x1f01}, {0x83c01f82u, 0x1f02},
    {0x83c01f83u, 0x1f03}, {0x83c01f84u, 0x1f04}, {0x83c01f85u, 0x1f05}, {0x83c01f86u, 0x1f06},
    {0x83c01f87u, 0x1f07}, {0x83c01f88u, 0x1f08}, {0x83c01f89u, 0x1f09}, {0x83c01f8au, 0x1f0a},
    {0x83c01f8bu, 0x1f0b}, {0x83c01f8cu, 0x1f0c}, {0x83c01f8du, 0x1f0d}, {0x83c01f8eu, 0x1f0e},
    {0x83c01f8fu, 0x1f0f}, {0x83c01f90u, 0x1f20}, {0x83c01f91u, 0x1f21}, {0x83c01f92u, 0x1f22},
    {0x83c01f93u, 0x1f23}, {0x83c01f94u, 0x1f24}, {0x83c01f95u, 0x1f25}, {0x83c01f96u, 0x1f26},
    {0x83c01f97u, 0x1f27}, {0x83c01f98u, 0x1f28}, {0x83c01f99u, 0x1f29}, {0x83c01f9au, 0x1f2a},
    {0x83c01f9bu, 0x1f2b}, {0x83c01f9cu, 0x1f2c}, {0x83c01f9du, 0x1f2d}, {0x83c01f9eu, 0x1f2e},
    {0x83c01f9fu, 0x1f2f}, {0x83c01fa0u, 0x1f60}, {0x83c01fa1u, 0x1f61}, {0x83c01fa2u, 0x1f62},
    {0x83c01fa3u, 0x1f63}, {0x83c01fa4u, 0x1f64}, {0x83c01fa5u, 0x1f65}, {0x83c01fa6u, 0x1f66},
    {0x83c01fa7u, 0x1f67}, {0x83c01fa8u, 0x1f68}, {0x83c01fa9u, 0x1f69}, {0x83c01faau, 0x1f6a},
    {0x83c01fabu, 0x1f6b}, {0x83c01facu, 0x1f6c}, {0x83c01fadu, 0x1f6d}, {0x83c01faeu, 0x1f6e},
    {0x83c01fafu, 0x1f6f}, {0x80c01fb0u, 0x3b1}, {0x80a01fb1u, 0x3b1}, {0x83c01fb2u, 0x1f70},
    {0x83c01fb3u, 0x3b1}, {0x83c01fb4u, 0x3ac}, {0x83a01fb6u, 0x3b1}, {0x83c01fb7u, 0x1fb6},
    {0x80c01fb8u, 0x391}, {0x80a01fb9u, 0x391}, {0x80201fbau, 0x391}, {0x1fbbu, 0x386},
    {0x83c01fbcu, 0x391}, {0x1fbeu, 0x3b9}, {0x83a01fc1u, 0xa8}, {0x83c01fc2u, 0x1f74},
    {0x83c01fc3u, 0x3b7}, {0x83c01fc4u, 0x3ae}, {0x83a01fc6u, 0x3b7}, {0x83c01fc7u, 0x1fc6},
    {0x80201fc8u, 0x395}, {0x1fc9u, 0x388}, {0x80201fcau, 0x397}, {0x1fcbu, 0x389},
    {0x83c01fccu, 0x397}, {0x80201fcdu, 0x1fbf}, {0x80401fceu, 0x1fbf}, {0x83a01fcfu, 0x1fbf},
    {0x80c01fd0u, 0x3b9}, {0x80a01fd1u, 0x3b9}, {0x80201fd2u, 0x3ca}, {0x1fd3u, 0x390},
    {0x83a01fd6u, 0x3b9}, {0x83a01fd7u, 0x3ca}, {0x80c01fd8u, 0x399}, {0x80a01fd9u, 0x399},
    {0x80201fdau, 0x399}, {0x1fdbu, 0x38a}, {0x80201fddu, 0x1ffe}, {0x80401fdeu, 0x1ffe},
    {0x83a01fdfu, 0x1ffe}, {0x80c01fe0u, 0x3c5}, {0x80a01fe1u, 0x3c5}, {0x80201fe2u, 0x3cb},
    {0x1fe3u, 0x3b0}, {0x81e01fe4u, 0x3c1}, {0x82001fe5u, 0x3c1}, {0x83a01fe6u, 0x3c5},
    {0x83a01fe7u, 0x3cb}, {0x80c01fe8u, 0x3a5}, {0x80a01fe9u, 0x3a5}, {0x80201feau, 0x3a5},
    {0x1febu, 0x38e}, {0x82001fecu, 0x3a1}, {0x80201fedu, 0xa8}, {0x1feeu, 0x385},
    {0x1fefu, 0x60}, {0x83c01ff2u, 0x1f7c}, {0x83c01ff3u, 0x3c9}, {0x83c01ff4u, 0x3ce},
    {0x83a01ff6u, 0x3c9}, {0x83c01ff7u, 0x1ff6}, {0x80201ff8u, 0x39f}, {0x1ff9u, 0x38c},
    {0x80201ffau, 0x3a9}, {0x1ffbu, 0x38f}, {0x83c01ffcu, 0x3a9}, {0x1ffdu, 0xb4},
    {0x2000u, 0x2002}, {0x2001u, 0x2003}, {0x2126u, 0x3a9}, {0x212au, 0x4b}, {0x212bu, 0xc5},
    {0x8380219au, 0x2190}, {0x8380219bu, 0x2192}, {0x838021aeu, 0x2194}, {0x838021cdu, 0x21d0},
    {0x838021ceu, 0x21d4}, {0x838021cfu, 0x21d2}, {0x83802204u, 0x2203}, {0x83802209u, 0x2208},
    {0x8380220cu, 0x220b}, {0x83802224u, 0x2223}, {0x83802226u, 0x2225}, {0x83802241u, 0x223c},
    {0x83802244u, 0x2243}, {0x83802247u, 0x2245}, {0x83802249u, 0x2248}, {0x83802260u, 0x3d},
    {0x83802262u, 0x2261}, {0x8380226du, 0x224d}, {0x8380226eu, 0x3c}, {0x8380226fu, 0x3e},
    {0x83802270u, 0x2264}, {0x83802271u, 0x2265}, {0x83802274u, 0x2272}, {0x83802275u, 0x2273},
    {0x83802278u, 0x2276}, {0x83802279u, 0x2277}, {0x83802280u, 0x227a}, {0x83802281u, 0x227b},
    {0x83802284u, 0x2282}, {0x83802285u, 0x2283}, {0x83802288u, 0x2286}, {0x83802289u, 0x2287},
    {0x838022acu, 0x22a2}, {0x838022adu, 0x22a8}, {0x838022aeu, 0x22a9}, {0x838022afu, 0x22ab},
    {0x838022e0u, 0x227c}, {0x838022e1u, 0x227d}, {0x838022e2u, 0x2291}, {0x838022e3u, 0x2292},
    {0x838022eau, 0x22b2}, {0x838022ebu, 0x22b3}, {0x838022ecu, 0x22b4}, {0x838022edu, 0x22b5},
    {0x2329u, 0x3008}, {0x232au, 0x3009}, {0x3802adcu, 0x2add}, {0x88a0304cu, 0x304b},
    {0x88a0304eu, 0x304d}, {0x88a03050u, 0x304f}, {0x88a03052u, 0x3051}, {0x88a03054u, 0x3053},
    {0x88a03056u, 0x3055}, {0x88a03058u, 0x3057}, {0x88a0305au, 0x3059}, {0x88a0305cu, 0x305b},
    {0x88a0305eu, 0x305d}, {0x88a03060u, 0x305f}, {0x88a03062u, 0x3061}, {0x88a03065u, 0x3064},
    {0x88a03067u, 0x3066}, {0x88a03069u, 0x3068}, {0x88a03070u, 0x306f}, {0x88c03071u, 0x306f},
    {0x88a03073u, 0x3072}, {0x88c03074u, 0x3072}, {0x88a03076u, 0x3075}, {0x88c03077u, 0x3075},
    {0x88a03079u, 0x3078}, {0x88c0307au, 0x3078}, {0x88a0307cu, 0x307b}, {0x88c0307du, 0x307b},
    {0x88a03094u, 0x3046}, {0x88a0309eu, 0x309d}, {0x88a030acu, 0x30ab}, {0x88a030aeu, 0x30ad},
    {0x88a030b0u, 0x30af}, {0x88a030b2u, 0x30b1}, {0x88a030b4u, 0x30b3}, {0x88a030b6u, 0x30b5},
    {0x88a030b8u, 0x30b7}, {0x88a030bau, 0x30b9}, {0x88a030bcu, 0x30bb}, {0x88a030beu, 0x30bd},
    {0x88a030c0u, 0x30bf}, {0x88a030c2u, 0x30c1}, {0x88a030c5u, 0x30c4}, {0x88a030c7u, 0x30c6},
    {0x88a030c9u, 0x30c8}, {0x88a030d0u, 0x30cf}, {0x88c030d1u, 0x30cf}, {0x88a030d3u, 0x30d2},
    {0x88c030d4u, 0x30d2}, {0x88a030d6u, 0x30d5}, {0x88c030d7u, 0x30d5}, {0x88a030d9u, 0x30d8},
    {0x88c030dau, 0x30d8}, {0x88a030dcu, 0x30db}, {0x88c030ddu, 0x30db}, {0x88a030f4u, 0x30a6},
    {0x88a030f7u, 0x30ef}, {0x88a030f8u, 0x30f0}, {0x88a030f9u, 0x30f1}, {0x88a030fau, 0x30f2},
    {0x88a030feu, 0x30fd}, {0xf900u, 0x8c48}, {0xf901u, 0x66f4}, {0xf902u, 0x8eca},
    {0xf903u, 0x8cc8}, {0xf904u, 0x6ed1}, {0xf905u, 0x4e32}, {0xf906u, 0x53e5}, {0xf907u, 0x9f9c},
    {0xf908u, 0x9f9c}, {0xf909u, 0x5951}, {0xf90au, 0x91d1}, {0xf90bu, 0x5587}, {0xf90cu, 0x5948},
    {0xf90du, 0x61f6}, {0xf90eu, 0x7669}, {0xf90fu, 0x7f85}, {0xf910u, 0x863f}, {0xf911u, 0x87ba},
    {0xf912u, 0x88f8}, {0xf913u, 0x908f}, {0xf914u, 0x6a02}, {0xf915u, 0x6d1b}, {0xf916u, 0x70d9},
    {0xf917u, 0x73de}, {0xf918u, 0x843d}, {0xf919u, 0x916a}, {0xf91au, 0x99f1}, {0xf91bu, 0x4e82},
    {0xf91cu, 0x5375}, {0xf91du, 0x6b04}, {0xf91eu, 0x721b}, {0xf91fu, 0x862d}, {0xf920u, 0x9e1e},
    {0xf921u, 0x5d50}, {0xf922u, 0x6feb}, {0xf923u, 0x85cd}, {0xf924u, 0x8964}, {0xf925u, 0x62c9},
    {0xf926u, 0x81d8}, {0xf927u, 0x881f}, {0xf928u, 0x5eca}, {0xf929u, 0x6717}, {0xf92au, 0x6d6a},
    {0xf92bu, 0x72fc}, {0xf92cu, 0x90ce}, {0xf92du, 0x4f86}, {0xf92eu, 0x51b7}, {0xf92fu, 0x52de},
    {0xf930u, 0x64c4}, {0xf931u, 0x6ad3}, {0xf932u, 0x7210}, {0xf933u, 0x76e7}, {0xf934u, 0x8001},
    {0xf935u, 0x8606}, {0xf936u, 0x865c}, {0xf937u, 0x8def}, {0xf938u, 0x9732}, {0xf939u, 0x9b6f},
    {0xf93au, 0x9dfa}, {0xf93bu, 0x788c}, {0xf93cu, 0x797f}, {0xf93du, 0x7da0}, {0xf93eu, 0x83c9},
    {0xf93fu, 0x9304}, {0xf940u, 0x9e7f}, {0xf941u, 0x8ad6}, {0xf942u, 0x58df}, {0xf943u, 0x5f04},
    {0xf944u, 0x7c60}, {0xf945u, 0x807e}, {0xf946u, 0x7262}, {0xf947u, 0x78ca}, {0xf948u, 0x8cc2},
    {0xf949u, 0x96f7}, {0xf94au, 0x58d8}, {0xf94bu, 0x5c62}, {0xf94cu, 0x6a13}, {0xf94du, 0x6dda},
    {0xf94eu, 0x6f0f}, {0xf94fu, 0x7d2f}, {0xf950u, 0x7e37}, {0xf951u, 0x964b}, {0xf952u, 0x52d2},
    {0xf953u, 0x808b}, {0xf954u, 0x51dc}, {0xf955u, 0x51cc}, {0xf956u, 0x7a1c}, {0xf957u, 0x7dbe},
    {0xf958u, 0x83f1}, {0xf959u, 0x9675}, {0xf95au, 0x8b80}, {0xf95bu, 0x62cf}, {0xf95cu, 0x6a02},
    {0xf95du, 0x8afe}, {0xf95eu, 0x4e39}, {0xf95fu, 0x5be7}, {0xf960u, 0x6012}, {0xf961u, 0x7387},
    {0xf962u, 0x7570}, {0xf963u, 0x5317}, {0xf964u, 0x78fb}, {0xf965u, 0x4fbf}, {0xf966u, 0x5fa9},
    {0xf967u, 0x4e0d}, {0xf968u, 0x6ccc}, {0xf969u, 0x6578}, {0xf96au, 0x7d22}, {0xf96bu, 0x53c3},
    {0xf96cu, 0x585e}, {0xf96du, 0x7701}, {0xf96eu, 0x8449}, {0xf96fu, 0x8aaa}, {0xf970u, 0x6bba},
    {0xf971u, 0x8fb0}, {0xf972u, 0x6c88}, {0xf973u, 0x62fe}, {0xf974u, 0x82e5}, {0xf975u, 0x63a0},
    {0xf976u, 0x7565}, {0xf977u, 0x4eae}, {0xf978u, 0x5169}, {0xf979u, 0x51c9}, {0xf97au, 0x6881},
    {0xf97bu, 0x7ce7}, {0xf97cu, 0x826f}, {0xf97du, 0x8ad2}, {0xf97eu, 0x91cf}, {0xf97fu, 0x52f5},
    {0xf980u, 0x5442}, {0xf981u, 0x5973}, {0xf982u, 0x5eec}, {0xf983u, 0x65c5}, {0xf984u, 0x6ffe},
    {0xf985u, 0x792a}, {0xf986u, 0x95ad}, {0xf987u, 0x9a6a}, {0xf988u, 0x9e97}, {0xf989u, 0x9ece},
    {0xf98au, 0x529b}, {0xf98bu, 0x66c6}, {0xf98cu, 0x6b77}, {0xf98du, 0x8f62}, {0xf98eu, 0x5e74},
    {0xf98fu, 0x6190}, {0xf990u, 0x6200}, {0xf991u, 0x649a}, {0xf992u, 0x6f23}, {0xf993u, 0x7149},
    {0xf994u, 0x7489}, {0xf995u, 0x79ca}, {0xf996u, 0x7df4}, {0xf997u, 0x806f}, {0xf998u, 0x8f26},
    {0xf999u, 0x84ee}, {0xf99au, 0x9023}, {0xf99bu, 0x934a}, {0xf99cu, 0x5217}, {0xf99du, 0x52a3},
    {0xf99eu, 0x54bd}, {0xf99fu, 0x70c8}, {0xf9a0u, 0x88c2}, {0xf9a1u, 0x8aaa}, {0xf9a2u, 0x5ec9},
    {0xf9a3u, 0x5ff5}, {0xf9a4u, 0x637b}, {0xf9a5u, 0x6bae}, {0xf9a6u, 0x7c3e}, {0xf9a7u, 0x7375},
    {0xf9a8u, 0x4ee4}, {0xf9a9u, 0x56f9}, {0xf9aau, 0x5be7}, {0xf9abu, 0x5dba}, {0xf9acu, 0x601c},
    {0xf9adu, 0x73b2}, {0xf9aeu, 0x7469}, {0xf9afu, 0x7f9a}, {0xf9b0u, 0x8046}, {0xf9b1u, 0x9234},
    {0xf9b2u, 0x96f6}, {0xf9b3u, 0x9748}, {0xf9b4u, 0x9818}, {0xf9b5u, 0x4f8b}, {0xf9b6u, 0x79ae},
    {0xf9b7u, 0x91b4}, {0xf9b8u, 0x96b8}, {0xf9b9u, 0x60e1}, {0xf9bau, 0x4e86}, {0xf9bbu, 0x50da},
    {0xf9bcu, 0x5bee}, {0xf9bdu, 0x5c3f}, {0xf9beu, 0x6599}, {0xf9bfu, 0x6a02}, {0xf9c0u, 0x71ce},
    {0xf9c1u, 0x7642}, {0xf9c2u, 0x84fc}, {0xf9c3u, 0x907c}, {0xf9c4u, 0x9f8d}, {0xf9c5u, 0x6688},
    {0xf9c6u, 0x962e}, {0xf9c7u, 0x5289}, {0xf9c8u, 0x677b}, {0xf9c9u, 0x67f3}, {0xf9cau, 0x6d41},
    {0xf9cbu, 0x6e9c}, {0xf9ccu, 0x7409}, {0xf9cdu, 0x7559}, {0xf9ceu, 0x786b}, {0xf9cfu, 0x7d10},
    {0xf9d0u, 0x985e}, {0xf9d1u, 0x516d}, {0xf9d2u, 0x622e}, {0xf9d3u, 0x9678}, {0xf9d4u, 0x502b},
    {0xf9d5u, 0x5d19}, {0xf9d6u, 0x6dea}, {0xf9d7u, 0x8f2a}, {0xf9d8u, 0x5f8b}, {0xf9d9u, 0x6144},
    {0xf9dau, 0x6817}, {0xf9dbu, 0x7387}, {0xf9dcu, 0x9686}, {0xf9ddu, 0x5229}, {0xf9deu, 0x540f},
    {0xf9dfu, 0x5c65}, {0xf9e0u, 0x6613}, {0xf9e1u, 0x674e}, {0xf9e2u, 0x68a8}, {0xf9e3u, 0x6ce5},
    {0xf9e4u, 0x7406}, {0xf9e5u, 0x75e2}, {0xf9e6u, 0x7f79}, {0xf9e7u, 0x88cf}, {0xf9e8u, 0x88e1},
    {0xf9e9u, 0x91cc}, {0xf9eau, 0x96e2}, {0xf9ebu, 0x533f}, {0xf9ecu, 0x6eba}, {0xf9edu, 0x541d},
    {0xf9eeu, 0x71d0}, {0xf9efu, 0x7498}, {0xf9f0u, 0x85fa}, {0xf9f1u, 0x96a3}, {0xf9f2u, 0x9c57},
    {0xf9f3u, 0x9e9f}, {0xf9f4u, 0x6797}, {0xf9f5u, 0x6dcb}, {0xf9f6u, 0x81e8}, {0xf9f7u, 0x7acb},
    {0xf9f8u, 0x7b20}, {0xf9f9u, 0x7c92}, {0xf9fau, 0x72c0}, {0xf9fbu, 0x7099}, {0xf9fcu, 0x8b58},
    {0xf9fdu, 0x4ec0}, {0xf9feu, 0x8336}, {0xf9ffu, 0x523a}, {0xfa00u, 0x5207}, {0xfa01u, 0x5ea6},
    {0xfa02u, 0x62d3}, {0xfa03u, 0x7cd6}, {0xfa04u, 0x5b85}, {0xfa05u, 0x6d1e}, {0xfa06u, 0x66b4},
    {0xfa07u, 0x8f3b}, {0xfa08u, 0x884c}, {0xfa09u, 0x964d}, {0xfa0au, 0x898b}, {0xfa0bu, 0x5ed3},
    {0xfa0cu, 0x5140}, {0xfa0du, 0x55c0}, {0xfa10u, 0x585a}, {0xfa12u, 0x6674}, {0xfa15u, 0x51de},
    {0xfa16u, 0x732a}, {0xfa17u, 0x76ca}, {0xfa18u, 0x793c}, {0xfa19u, 0x795e}, {0xfa1au, 0x7965},
    {0xfa1bu, 0x798f}, {0xfa1cu, 0x9756}, {0xfa1du, 0x7cbe}, {0xfa1eu, 0x7fbd}, {0xfa20u, 0x8612},
    {0xfa22u, 0x8af8}, {0xfa25u, 0x9038}, {0xfa26u, 0x90fd}, {0xfa2au, 0x98ef}, {0xfa2bu, 0x98fc},
    {0xfa2cu, 0x9928}, {0xfa2du, 0x9db4}, {0xfa2eu, 0x90de}, {0xfa2fu, 0x96b7}, {0xfa30u, 0x4fae},
    {0xfa31u, 0x50e7}, {0xfa32u, 0x514d}, {0xfa33u, 0x52c9}, {0xfa34u, 0x52e4}, {0xfa35u, 0x5351},
    {0xfa36u, 0x559d}, {0xfa37u, 0x5606}, {0xfa38u, 0x5668}, {0xfa39u, 0x5840}, {0xfa3au, 0x58a8},
    {0xfa3bu, 0x5c64}, {0xfa3cu, 0x5c6e}, {0xfa3du, 0x6094}, {0xfa3eu, 0x6168}, {0xfa3fu, 0x618e},
    {0xfa40u, 0x61f2}, {0xfa41u, 0x654f}, {0xfa42u, 0x65e2}, {0xfa43u, 0x6691}, {0xfa44u, 0x6885},
    {0xfa45u, 0x6d77}, {0xfa46u, 0x6e1a}, {0xfa47u, 0x6f22}, {0xfa48u, 0x716e}, {0xfa49u, 0x722b},
    {0xfa4au, 0x7422}, {0xfa4bu, 0x7891}, {0xfa4cu, 0x793e}, {0xfa4du, 0x7949}, {0xfa4eu, 0x7948},
    {0xfa4fu, 0x7950}, {0xfa50u, 0x7956}, {0xfa51u, 0x795d}, {0xfa52u, 0x798d}, {0xfa53u, 0x798e},
    {0xfa54u, 0x7a40}, {0xfa55u, 0x7a81}, {0xfa56u, 0x7bc0}, {0xfa57u, 0x7df4}, {0xfa58u, 0x7e09},
    {0xfa59u, 0x7e41}, {0xfa5au, 0x7f72}, {0xfa5bu, 0x8005}, {0xfa5cu, 0x81ed}, {0xfa5du, 0x8279},
    {0xfa5eu, 0x8279}, {0xfa5fu, 0x8457}, {0xfa60u, 0x8910}, {0xfa61u, 0x8996}, {0xfa62u, 0x8b01},
    {0xfa63u, 0x8b39}, {0xfa64u, 0x8cd3}, {0xfa65u, 0x8d08}, {0xfa66u, 0x8fb6}, {0xfa67u, 0x9038},
    {0xfa68u, 0x96e3}, {0xfa69u, 0x97ff}, {0xfa6au, 0x983b}, {0xfa6bu, 0x6075},
    {0xfa6cu, 0x242ee}, {0xfa6du, 0x8218}, {0xfa70u, 0x4e26}, {0xfa71u, 0x51b5},
    {0xfa72u, 0x5168}, {0xfa73u, 0x4f80}, {0xfa74u, 0x5145}, {0xfa75u, 0x5180}, {0xfa76u, 0x52c7},
    {0xfa77u, 0x52fa}, {0xfa78u, 0x559d}, {0xfa79u, 0x5555}, {0xfa7au, 0x5599}, {0xfa7bu, 0x55e2},
    {0xfa7cu, 0x585a}, {0xfa7du, 0x58b3}, {0xfa7eu, 0x5944}, {0xfa7fu, 0x5954}, {0xfa80u, 0x5a62},
    {0xfa81u, 0x5b28}, {0xfa82u, 0x5ed2}, {0xfa83u, 0x5ed9}, {0xfa84u, 0x5f69}, {0xfa85u, 0x5fad},
    {0xfa86u, 0x60d8}, {0xfa87u, 0x614e}, {0xfa88u, 0x6108}, {0xfa89u, 0x618e}, {0xfa8au, 0x6160},
    {0xfa8bu, 0x61f2}, {0xfa8cu, 0x6234}, {0xfa8du, 0x63c4}, {0xfa8eu, 0x641c}, {0xfa8fu, 0x6452},
    {0xfa90u, 0x6556}, {0xfa91u, 0x6674}, {0xfa92u, 0x6717}, {0xfa93u, 0x671b}, {0xfa94u, 0x6756},
    {0xfa95u, 0x6b79}, {0xfa96u, 0x6bba}, {0xfa97u, 0x6d41}, {0xfa98u, 0x6edb}, {0xfa99u, 0x6ecb},
    {0xfa9au, 0x6f22}, {0xfa9bu, 0x701e}, {0xfa9cu, 0x716e}, {0xfa9du, 0x77a7}, {0xfa9eu, 0x7235},
    {0xfa9fu, 0x72af}, {0xfaa0u, 0x732a}, {0xfaa1u, 0x7471}, {0xfaa2u, 0x7506}, {0xfaa3u, 0x753b},
    {0xfaa4u, 0x761d}, {0xfaa5u, 0x761f}, {0xfaa6u, 0x76ca}, {0xfaa7u, 0x76db}, {0xfaa8u, 0x76f4},
    {0xfaa9u, 0x774a}, {0xfaaau, 0x7740}, {0xfaabu, 0x78cc}, {0xfaacu, 0x7ab1}, {0xfaadu, 0x7bc0},
    {0xfaaeu, 0x7c7b}, {0xfaafu, 0x7d5b}, {0xfab0u, 0x7df4}, {0xfab1u, 0x7f3e}, {0xfab2u, 0x8005},
    {0xfab3u, 0x8352}, {0xfab4u, 0x83ef}, {0xfab5u, 0x8779}, {0xfab6u, 0x8941}, {0xfab7u, 0x8986},
    {0xfab8u, 0x8996}, {0xfab9u, 0x8abf}, {0xfabau, 0x8af8}, {0xfabbu, 0x8acb}, {0xfabcu, 0x8b01},
    {0xfabdu, 0x8afe}, {0xfabeu, 0x8aed}, {0xfabfu, 0x8b39}, {0xfac0u, 0x8b8a}, {0xfac1u, 0x8d08},
    {0xfac2u, 0x8f38}, {0xfac3u, 0x9072}, {0xfac4u, 0x9199}, {0xfac5u, 0x9276}, {0xfac6u, 0x967c},
    {0xfac7u, 0x96e3}, {0xfac8u, 0x9756}, {0xfac9u, 0x97db}, {0xfacau, 0x97ff}, {0xfacbu, 0x980b},
    {0xfaccu, 0x983b}, {0xfacdu, 0x9b12}, {0xfaceu, 0x9f9c}, {0xfacfu, 0x2284a},
    {0xfad0u, 0x22844}, {0xfad1u, 0x233d5}, {0xfad2u, 0x3b9d}, {0xfad3u, 0x4018},
    {0xfad4u, 0x4039}, {0xfad5u, 0x25249}, {0xfad6u, 0x25cd0}, {0xfad7u, 0x27ed3},
    {0xfad8u, 0x9f43}, {0xfad9u, 0x9f8e}, {0x3e0fb1du, 0x5d9}, {0x400fb1fu, 0x5f2},
    {0x4a0fb2au, 0x5e9}, {0x4c0fb2bu, 0x5e9}, {0x4a0fb2cu, 0xfb49}, {0x4c0fb2du, 0xfb49},
    {0x400fb2eu, 0x5d0}, {0x420fb2fu, 0x5d0}, {0x460fb30u, 0x5d0}, {0x460fb31u, 0x5d1},
    {0x460fb32u, 0x5d2}, {0x460fb33u, 0x5d3}, {0x460fb34u, 0x5d4}, {0x460fb35u, 0x5d5},
    {0x460fb36u, 0x5d6}, {0x460fb38u, 0x5d8}, {0x460fb39u, 0x5d9}, {0x460fb3au, 0x5da},
    {0x460fb3bu, 0x5db}, {0x460fb3cu, 0x5dc}, {0x460fb3eu, 0x5de}, {0x460fb40u, 0x5e0},
    {0x460fb41u, 0x5e1}, {0x460fb43u, 0x5e3}, {0x460fb44u, 0x5e4}, {0x460fb46u, 0x5e6},
    {0x460fb47u, 0x5e7}, {0x460fb48u, 0x5e8}, {0x460fb49u, 0x5e9}, {0x460fb4au, 0x5ea},
    {0x440fb4bu, 0x5d5}, {0x480fb4cu, 0x5d1}, {0x480fb4du, 0x5db}, {0x480fb4eu, 0x5e4},
    {0x88e1109au, 0x11099}, {0x88e1109cu, 0x1109b}, {0x88e110abu, 0x110a5},
    {0x8901112eu, 0x11131}, {0x8901112fu, 0x11132}, {0x8921134bu, 0x11347},
    {0x8941134cu, 0x11347}, {0x898114bbu, 0x114b9}, {0x896114bcu, 0x114b9},
    {0x89a114beu, 0x114b9}, {0x89c115bau, 0x115b8}, {0x89c115bbu, 0x115b9},
    {0x89e11938u, 0x11935}, {0xa01d15eu, 0x1d157}, {0xa01d15fu, 0x1d158}, {0xa21d160u, 0x1d15f},
    {0xa41d161u, 0x1d15f}, {0xa61d162u, 0x1d15f}, {0xa81d163u, 0x1d15f}, {0xaa1d164u, 0x1d15f},
    {0xa01d1bbu, 0x1d1b9}, {0xa01d1bcu, 0x1d1ba}, {0xa21d1bdu, 0x1d1bb}, {0xa21d1beu, 0x1d1bc},
    {0xa41d1bfu, 0x1d1bb}, {0xa41d1c0u, 0x1d1bc}, {0x2f800u, 0x4e3d}, {0x2f801u, 0x4e38},
    {0x2f802u, 0x4e41}, {0x2f803u, 0x20122}, {0x2f804u, 0x4f60}, {0x2f805u, 0x4fae},
    {0x2f806u, 0x4fbb}, {0x2f807u, 0x5002}, {0x2f808u, 0x507a}, {0x2f809u, 0x5099},
    {0x2f80au, 0x50e7}, {0x2f80bu, 0x50cf}, {0x2f80cu, 0x349e}, {0x2f80du, 0x2063a},
    {0x2f80eu, 0x514d}, {0x2f80fu, 0x5154}, {0x2f810u, 0x5164}, {0x2f811u, 0x5177},
    {0x2f812u, 0x2051c}, {0x2f813u, 0x34b9}, {0x2f814u, 0x5167}, {0x2f815u, 0x518d},
    {0x2f816u, 0x2054b}, {0x2f817u, 0x5197}, {0x2f818u, 0x51a4}, {0x2f819u, 0x4ecc},
    {0x2f81au, 0x51ac}, {0x2f81bu, 0x51b5}, {0x2f81cu, 0x291df}, {0x2f81du, 0x51f5},
    {0x2f81eu, 0x5203}, {0x2f81fu, 0x34df}, {0x2f820u, 0x523b}, {0x2f821u, 0x5246},
    {0x2f822u, 0x5272}, {0x2f823u, 0x5277}, {0x2f824u, 0x3515}, {0x2f825u, 0x52c7},
    {0x2f826u, 0x52c9}, {0x2f827u, 0x52e4}, {0x2f828u, 0x52fa}, {0x2f829u, 0x5305},
    {0x2f82au, 0x5306}, {0x2f82bu, 0x5317}, {0x2f82cu, 0x5349}, {0x2f82du, 0x5351},
    {0x2f82eu, 0x535a}, {0x2f82fu, 0x5373}, {0x2f830u, 0x537d}, {0x2f831u, 0x537f},
    {0x2f832u, 0x537f}, {0x2f833u, 0x537f}, {0x2f834u, 0x20a2c}, {0x2f835u, 0x7070},
    {0x2f836u, 0x53ca}, {0x2f837u, 0x53df}, {0x2f838u, 0x20b63}, {0x2f839u, 0x53eb},
    {0x2f83au, 0x53f1}, {0x2f83bu, 0x5406}, {0x2f83cu, 0x549e}, {0x2f83du, 0x5438},
    {0x2f83eu, 0x5448}, {0x2f83fu, 0x5468}, {0x2f840u, 0x54a2}, {0x2f841u, 0x54f6},
    {0x2f842u, 0x5510}, {0x2f843u, 0x5553}, {0x2f844u, 0x5563}, {0x2f845u, 0x5584},
    {0x2f846u, 0x5584}, {0x2f847u, 0x5599}, {0x2f848u, 0x55ab}, {0x2f849u, 0x55b3},
    {0x2f84au, 0x55c2}, {0x2f84bu, 0x5716}, {0x2f84cu, 0x5606}, {0x2f84du, 0x5717},
    {0x2f84eu, 0x5651}, {0x2f84fu, 0x5674}, {0x2f850u, 0x5207}, {0x2f851u, 0x58ee},
    {0x2f852u, 0x57ce}, {0x2f853u, 0x57f4}, {0x2f854u, 0x580d}, {0x2f855u, 0x578b},
    {0x2f856u, 0x5832}, {0x2f857u, 0x5831}, {0x2f858u, 0x58ac}, {0x2f859u, 0x214e4},
    {0x2f85au, 0x58f2}, {0x2f85bu, 0x58f7}, {0x2f85cu, 0x5906}, {0x2f85du, 0x591a},
    {0x2f85eu, 0x5922}, {0x2f85fu, 0x5962}, {0x2f860u, 0x216a8}, {0x2f861u, 0x216ea},
    {0x2f862u, 0x59ec}, {0x2f863u, 0x5a1b}, {0x2f864u, 0x5a27}, {0x2f865u, 0x59d8},
    {0x2f866u, 0x5a66}, {0x2f867u, 0x36ee}, {0x2f868u, 0x36fc}, {0x2f869u, 0x5b08},
    {0x2f86au, 0x5b3e}, {0x2f86bu, 0x5b3e}, {0x2f86cu, 0x219c8}, {0x2f86du, 0x5bc3},
    {0x2f86eu, 0x5bd8}, {0x2f86fu, 0x5be7}, {0x2f870u, 0x5bf3}, {0x2f871u, 0x21b18},
    {0x2f872u, 0x5bff}, {0x2f873u, 0x5c06}, {0x2f874u, 0x5f53}, {0x2f875u, 0x5c22},
    {0x2f876u, 0x3781}, {0x2f877u, 0x5c60}, {0x2f878u, 0x5c6e}, {0x2f879u, 0x5cc0},
    {0x2f87au, 0x5c8d}, {0x2f87bu, 0x21de4}, {0x2f87cu, 0x5d43}, {0x2f87du, 0x21de6},
    {0x2f87eu, 0x5d6e}, {0x2f87fu, 0x5d6b}, {0x2f880u, 0x5d7c}, {0x2f881u, 0x5de1},
    {0x2f882u, 0x5de2}, {0x2f883u, 0x382f}, {0x2f884u, 0x5dfd}, {0x2f885u, 0x5e28},
    {0x2f886u, 0x5e3d}, {0x2f887u, 0x5e69}, {0x2f888u, 0x3862}, {0x2f889u, 0x22183},
    {0x2f88au, 0x387c}, {0x2f88bu, 0x5eb0}, {0x2f88cu, 0x5eb3}, {0x2f88du, 0x5eb6},
    {0x2f88eu, 0x5eca}, {0x2f88fu, 0x2a392}, {0x2f890u, 0x5efe}, {0x2f891u, 0x22331},
    {0x2f892u, 0x22331}, {0x2f893u, 0x8201}, {0x2f894u, 0x5f22}, {0x2f895u, 0x5f22},
    {0x2f896u, 0x38c7}, {0x2f897u, 0x232b8}, {0x2f898u, 0x261da}, {0x2f899u, 0x5f62},
    {0x2f89au, 0x5f6b}, {0x2f89bu, 0x38e3}, {0x2f89cu, 0x5f9a}, {0x2f89du, 0x5fcd},
    {0x2f89eu, 0x5fd7}, {0x2f89fu, 0x5ff9}, {0x2f8a0u, 0x6081}, {0x2f8a1u, 0x393a},
    {0x2f8a2u, 0x391c}, {0x2f8a3u, 0x6094}, {0x2f8a4u, 0x226d4}, {0x2f8a5u, 0x60c7},
    {0x2f8a6u, 0x6148}, {0x2f8a7u, 0x614c}, {0x2f8a8u, 0x614e}, {0x2f8a9u, 0x614c},
    {0x2f8aau, 0x617a}, {0x2f8abu, 0x618e}, {0x2f8acu, 0x61b2}, {0x2f8adu, 0x61a4},
    {0x2f8aeu, 0x61af}, {0x2f8afu, 0x61de}, {0x2f8b0u, 0x61f2}, {0x2f8b1u, 0x61f6},
    {0x2f8b2u, 0x6210}, {0x2f8b3u, 0x621b}, {0x2f8b4u, 0x625d}, {0x2f8b5u, 0x62b1},
    {0x2f8b6u, 0x62d4}, {0x2f8b7u, 0x6350}, {0x2f8b8u, 0x22b0c}, {0x2f8b9u, 0x633d},
    {0x2f8bau, 0x62fc}, {0x2f8bbu, 0x6368}, {0x2f8bcu, 0x6383}, {0x2f8bdu, 0x63e4},
    {0x2f8beu, 0x22bf1}, {0x2f8bfu, 0x6422}, {0x2f8c0u, 0x63c5}, {0x2f8c1u, 0x63a9},
    {0x2f8c2u, 0x3a2e}, {0x2f8c3u, 0x6469}, {0x2f8c4u, 0x647e}, {0x2f8c5u, 0x649d},
    {0x2f8c6u, 0x6477}, {0x2f8c7u, 0x3a6c}, {0x2f8c8u, 0x654f}, {0x2f8c9u, 0x656c},
    {0x2f8cau, 0x2300a}, {0x2f8cbu, 0x65e3}, {0x2f8ccu, 0x66f8}, {0x2f8cdu, 0x6649},
    {0x2f8ceu, 0x3b19}, {0x2f8cfu, 0x6691}, {0x2f8d0u, 0x3b08}, {0x2f8d1u, 0x3ae4},
    {0x2f8d2u, 0x5192}, {0x2f8d3u, 0x5195}, {0x2f8d4u, 0x6700}, {0x2f8d5u, 0x669c},
    {0x2f8d6u, 0x80ad}, {0x2f8d7u, 0x43d9}, {0x2f8d8u, 0x6717}, {0x2f8d9u, 0x671b},
    {0x2f8dau, 0x6721}, {0x2f8dbu, 0x675e}, {0x2f8dcu, 0x6753}, {0x2f8ddu, 0x233c3},
    {0x2f8deu, 0x3b49}, {0x2f8dfu, 0x67fa}, {0x2f8e0u, 0x6785}, {0x2f8e1u, 0x6852},
    {0x2f8e2u, 0x6885}, {0x2f8e3u, 0x2346d}, {0x2f8e4u, 0x688e}, {0x2f8e5u, 0x681f},
    {0x2f8e6u, 0x6914}, {0x2f8e7u, 0x3b9d}, {0x2f8e8u, 0x6942}, {0x2f8e9u, 0x69a3},
    {0x2f8eau, 0x69ea}, {0x2f8ebu, 0x6aa8}, {0x2f8ecu, 0x236a3}, {0x2f8edu, 0x6adb},
    {0x2f8eeu, 0x3c18}, {0x2f8efu, 0x6b21}, {0x2f8f0u, 0x238a7}, {0x2f8f1u, 0x6b54},
    {0x2f8f2u, 0x3c4e}, {0x2f8f3u, 0x6b72}, {0x2f8f4u, 0x6b9f}, {0x2f8f5u, 0x6bba},
    {0x2f8f6u, 0x6bbb}, {0x2f8f7u, 0x23a8d}, {0x2f8f8u, 0x21d0b}, {0x2f8f9u, 0x23afa},
    {0x2f8fau, 0x6c4e}, {0x2f8fbu, 0x23cbc}, {0x2f8fcu, 0x6cbf}, {0x2f8fdu, 0x6ccd},
    {0x2f8feu, 0x6c67}, {0x2f8ffu, 0x6d16}, {0x2f900u, 0x6d3e}, {0x2f901u, 0x6d77},
    {0x2f902u, 0x6d41}, {0x2f903u, 0x6d69}, {0x2f904u, 0x6d78}, {0x2f905u, 0x6d85},
    {0x2f906u, 0x23d1e}, {0x2f907u, 0x6d34}, {0x2f908u, 0x6e2f}, {0x2f909u, 0x6e6e},
    {0x2f90au, 0x3d33}, {0x2f90bu, 0x6ecb}, {0x2f90cu, 0x6ec7}, {0x2f90du, 0x23ed1},
    {0x2f90eu, 0x6df9}, {0x2f90fu, 0x6f6e}, {0x2f910u, 0x23f5e}, {0x2f911u, 0x23f8e},
    {0x2f912u, 0x6fc6}, {0x2f913u, 0x7039}, {0x2f914u, 0x701e}, {0x2f915u, 0x701b},
    {0x2f916u, 0x3d96}, {0x2f917u, 0x704a}, {0x2f918u, 0x707d}, {0x2f919u, 0x7077},
    {0x2f91au, 0x70ad}, {0x2f91bu, 0x20525}, {0x2f91cu, 0x7145}, {0x2f91du, 0x24263},
    {0x2f91eu, 0x719c}, {0x2f91fu, 0x243ab}, {0x2f920u, 0x7228}, {0x2f921u, 0x7235},
    {0x2f922u, 0x7250}, {0x2f923u, 0x24608}, {0x2f924u, 0x7280}, {0x2f925u, 0x7295},
    {0x2f926u, 0x24735}, {0x2f927u, 0x24814}, {0x2f928u, 0x737a}, {0x2f929u, 0x738b},
    {0x2f92au, 0x3eac}, {0x2f92bu, 0x73a5}, {0x2f92cu, 0x3eb8}, {0x2f92du, 0x3eb8},
    {0x2f92eu, 0x7447}, {0x2f92fu, 0x745c}, {0x2f930u, 0x7471}, {0x2f931u, 0x7485},
    {0x2f932u, 0x74ca}, {0x2f933u, 0x3f1b}, {0x2f934u, 0x7524}, {0x2f935u, 0x24c36},
    {0x2f936u, 0x753e}, {0x2f937u, 0x24c92}, {0x2f938u, 0x7570}, {0x2f939u, 0x2219f},
    {0x2f93au, 0x7610}, {0x2f93bu, 0x24fa1}, {0x2f93cu, 0x24fb8}, {0x2f93du, 0x25044},
    {0x2f93eu, 0x3ffc}, {0x2f93fu, 0x4008}, {0x2f940u, 0x76f4}, {0x2f941u, 0x250f3},
    {0x2f942u, 0x250f2}, {0x2f943u, 0x25119}, {0x2f944u, 0x25133}, {0x2f945u, 0x771e},
    {0x2f946u, 0x771f}, {0x2f947u, 0x771f}, {0x2f948u, 0x774a}, {0x2f949u, 0x4039},
    {0x2f94au, 0x778b}, {0x2f94bu, 0x4046}, {0x2f94cu, 0x4096}, {0x2f94du, 0x2541d},
    {0x2f94eu, 0x784e}, {0x2f94fu, 0x788c}, {0x2f950u, 0x78cc}, {0x2f951u, 0x40e3},
    {0x2f952u, 0x25626}, {0x2f953u, 0x7956}, {0x2f954u, 0x2569a}, {0x2f955u, 0x256c5},
    {0x2f956u, 0x798f}, {0x2f957u, 0x79eb}, {0x2f958u, 0x412f}, {0x2f959u, 0x7a40},
    {0x2f95au, 0x7a4a}, {0x2f95bu, 0x7a4f}, {0x2f95cu, 0x2597c}, {0x2f95du, 0x25aa7},
    {0x2f95eu, 0x25aa7}, {0x2f95fu, 0x7aee}, {0x2f960u, 0x4202}, {0x2f961u, 0x25bab},
    {0x2f962u, 0x7bc6}, {0x2f963u, 0x7bc9}, {0x2f964u, 0x4227}, {0x2f965u, 0x25c80},
    {0x2f966u, 0x7cd2}, {0x2f967u, 0x42a0}, {0x2f968u, 0x7ce8}, {0x2f969u, 0x7ce3},
    {0x2f96au, 0x7d00}, {0x2f96bu, 0x25f86}, {0x2f96cu, 0x7d63}, {0x2f96du, 0x4301},
    {0x2f96eu, 0x7dc7}, {0x2f96fu, 0x7e02}, {0x2f970u, 0x7e45}, {0x2f971u, 0x4334},
    {0x2f972u, 0x26228}, {0x2f973u, 0x26247}, {0x2f974u, 0x4359}, {0x2f975u, 0x262d9},
    {0x2f976u, 0x7f7a}, {0x2f977u, 0x2633e}, {0x2f978u, 0x7f95}, {0x2f979u, 0x7ffa},
    {0x2f97au, 0x8005}, {0x2f97bu, 0x264da}, {0x2f97cu, 0x26523}, {0x2f97du, 0x8060},
    {0x2f97eu, 0x265a8}, {0x2f97fu, 0x8070}, {0x2f980u, 0x2335f}, {0x2f981u, 0x43d5},
    {0x2f982u, 0x80b2}, {0x2f983u, 0x8103}, {0x2f984u, 0x440b}, {0x2f985u, 0x813e},
    {0x2f986u, 0x5ab5}, {0x2f987u, 0x267a7}, {0x2f988u, 0x267b5}, {0x2f989u, 0x23393},
    {0x2f98au, 0x2339c}, {0x2f98bu, 0x8201}, {0x2f98cu, 0x8204}, {0x2f98du, 0x8f9e},
    {0x2f98eu, 0x446b}, {0x2f98fu, 0x8291}, {0x2f990u, 0x828b}, {0x2f991u, 0x829d},
    {0x2f992u, 0x52b3}, {0x2f993u, 0x82b1}, {0x2f994u, 0x82b3}, {0x2f995u, 0x82bd},
    {0x2f996u, 0x82e6}, {0x2f997u, 0x26b3c}, {0x2f998u, 0x82e5}, {0x2f999u, 0x831d},
    {0x2f99au, 0x8363}, {0x2f99bu, 0x83ad}, {0x2f99cu, 0x8323}, {0x2f99du, 0x83bd},
    {0x2f99eu, 0x83e7}, {0x2f99fu, 0x8457}, {0x2f9a0u, 0x8353}, {0x2f9a1u, 0x83ca},
    {0x2f9a2u, 0x83cc}, {0x2f9a3u, 0x83dc}, {0x2f9a4u, 0x26c36}, {0x2f9a5u, 0x26d6b},
    {0x2f9a6u, 0x26cd5}, {0x2f9a7u, 0x452b}, {0x2f9a8u, 0x84f1}, {0x2f9a9u, 0x84f3},
    {0x2f9aau, 0x8516}, {0x2f9abu, 0x273ca}, {0x2f9acu, 0x8564}, {0x2f9adu, 0x26f2c},
    {0x2f9aeu, 0x455d}, {0x2f9afu, 0x4561}, {0x2f9b0u, 0x26fb1}, {0x2f9b1u, 0x270d2},
    {0x2f9b2u, 0x456b}, {0x2f9b3u, 0x8650}, {0x2f9b4u, 0x865c}, {0x2f9b5u, 0x8667},
    {0x2f9b6u, 0x8669}, {0x2f9b7u, 0x86a9}, {0x2f9b8u, 0x8688}, {0x2f9b9u, 0x870e},
    {0x2f9bau, 0x86e2}, {0x2f9bbu, 0x8779}, {0x2f9bcu, 0x8728}, {0x2f9bdu, 0x876b},
    {0x2f9beu, 0x8786}, {0x2f9bfu, 0x45d7}, {0x2f9c0u, 0x87e1}, {0x2f9c1u, 0x8801},
    {0x2f9c2u, 0x45f9}, {0x2f9c3u, 0x8860}, {0x2f9c4u, 0x8863}, {0x2f9c5u, 0x27667},
    {0x2f9c6u, 0x88d7}, {0x2f9c7u, 0x88de}, {0x2f9c8u, 0x4635}, {0x2f9c9u, 0x88fa},
    {0x2f9cau, 0x34bb}, {0x2f9cbu, 0x278ae}, {0x2f9ccu, 0x27966}, {0x2f9cdu, 0x46be},
    {0x2f9ceu, 0x46c7}, {0x2f9cfu, 0x8aa0}, {0x2f9d0u, 0x8aed}, {0x2f9d1u, 0x8b8a},
    {0x2f9d2u, 0x8c55}, {0x2f9d3u, 0x27ca8}, {0x2f9d4u, 0x8cab}, {0x2f9d5u, 0x8cc1},
    {0x2f9d6u, 0x8d1b}, {0x2f9d7u, 0x8d77}, {0x2f9d8u, 0x27f2f}, {0x2f9d9u, 0x20804},
    {0x2f9dau, 0x8dcb}, {0x2f9dbu, 0x8dbc}, {0x2f9dcu, 0x8df0}, {0x2f9ddu, 0x208de},
    {0x2f9deu, 0x8ed4}, {0x2f9dfu, 0x8f38}, {0x2f9e0u, 0x285d2}, {0x2f9e1u, 0x285ed},
    {0x2f9e2u, 0x9094}, {0x2f9e3u, 0x90f1}, {0x2f9e4u, 0x9111}, {0x2f9e5u, 0x2872e},
    {0x2f9e6u, 0x911b}, {0x2f9e7u, 0x9238}, {0x2f9e8u, 0x92d7}, {0x2f9e9u, 0x92d8},
    {0x2f9eau, 0x927c}, {0x2f9ebu, 0x93f9}, {0x2f9ecu, 0x9415}, {0x2f9edu, 0x28bfa},
    {0x2f9eeu, 0x958b}, {0x2f9efu, 0x4995}, {0x2f9f0u, 0x95b7}, {0x2f9f1u, 0x28d77},
    {0x2f9f2u, 0x49e6}, {0x2f9f3u, 0x96c3}, {0x2f9f4u, 0x5db2}, {0x2f9f5u, 0x9723},
    {0x2f9f6u, 0x29145}, {0x2f9f7u, 0x2921a}, {0x2f9f8u, 0x4a6e}, {0x2f9f9u, 0x4a76},
    {0x2f9fau, 0x97e0}, {0x2f9fbu, 0x2940a}, {0x2f9fcu, 0x4ab2}, {0x2f9fdu, 0x29496},
    {0x2f9feu, 0x980b}, {0x2f9ffu, 0x980b}, {0x2fa00u, 0x9829}, {0x2fa01u, 0x295b6},
    {0x2fa02u, 0x98e2}, {0x2fa03u, 0x4b33}, {0x2fa04u, 0x9929}, {0x2fa05u, 0x99a7},
    {0x2fa06u, 0x99c2}, {0x2fa07u, 0x99fe}, {0x2fa08u, 0x4bce}, {0x2fa09u, 0x29b30},
    {0x2fa0au, 0x9b12}, {0x2fa0bu, 0x9c40}, {0x2fa0cu, 0x9cfd}, {0x2fa0du, 0x4cce},
    {0x2fa0eu, 0x4ced}, {0x2fa0fu, 0x9d67}, {0x2fa10u, 0x2a0ce}, {0x2fa11u, 0x4cf8},
    {0x2fa12u, 0x2a105}, {0x2fa13u, 0x2a20e}, {0x2fa14u, 0x2a291}, {0x2fa15u, 0x9ebb},
    {0x2fa16u, 0x4d56}, {0x2fa17u, 0x9ef9}, {0x2fa18u, 0x9efe}, {0x2fa19u, 0x9f05},
    {0x2fa1au, 0x9f0f}, {0x2fa1bu, 0x9f16}, {0x2fa1cu, 0x9f3b}, {0x2fa1du, 0x2a600},
};

/* second codepoints of the two-part decompositions */
static const uint32_t pm__nfd_second[85] = {
    0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308, 0x309, 0x30a, 0x30b, 0x30c, 0x30f,
    0x311, 0x313, 0x314, 0x31b, 0x323, 0x324, 0x325, 0x326, 0x327, 0x328, 0x32d, 0x32e, 0x330,
    0x331, 0x338, 0x342, 0x345, 0x5b4, 0x5b7, 0x5b8, 0x5b9, 0x5bc, 0x5bf, 0x5c1, 0x5c2, 0x653,
    0x654, 0x655, 0x93c, 0x9bc, 0x9be, 0x9d7, 0xa3c, 0xb3c, 0xb3e, 0xb56, 0xb57, 0xbbe, 0xbd7,
    0xc56, 0xcc2, 0xcd5, 0xcd6, 0xd3e, 0xd57, 0xdca, 0xdcf, 0xddf, 0xf72, 0xf74, 0xf80, 0xfb5,
    0xfb7, 0x102e, 0x1b35, 0x3099, 0x309a, 0x110ba, 0x11127, 0x1133e, 0x11357, 0x114b0, 0x114ba,
    0x114bd, 0x115af, 0x11930, 0x1d165, 0x1d16e, 0x1d16f, 0x1d170, 0x1d171, 0x1d172,
};

/* rows of pm__nfd that compose, sorted by (first, second) */
static const uint16_t pm__nfc_pairs[941] = {
    912, 909, 913, 0, 1, 2, 3, 53, 55, 238, 4, 572, 5, 165, 208, 210, 570, 415, 57, 417, 419, 421,
    59, 61, 63, 65, 6, 425, 67, 427, 431, 433, 429, 7, 8, 9, 598, 69, 71, 73, 10, 596, 77, 212,
    214, 594, 240, 75, 439, 441, 445, 198, 79, 447, 81, 83, 187, 85, 87, 449, 453, 236, 451, 455,
    457, 11, 12, 13, 89, 91, 93, 97, 14, 610, 167, 216, 218, 612, 95, 459, 98, 463, 189, 465, 100,
    467, 102, 106, 469, 104, 475, 473, 477, 479, 481, 200, 108, 15, 483, 112, 485, 110, 489, 487,
    16, 17, 18, 19, 114, 116, 246, 20, 616, 118, 169, 220, 222, 161, 614, 191, 499, 501, 120, 503,
    124, 224, 226, 505, 122, 509, 126, 128, 511, 132, 513, 232, 130, 521, 136, 523, 234, 134, 527,
    525, 21, 22, 23, 138, 140, 142, 24, 640, 144, 146, 171, 228, 230, 163, 638, 529, 148, 533,
    531, 539, 541, 543, 545, 150, 549, 547, 551, 553, 555, 652, 25, 152, 658, 250, 557, 154, 656,
    654, 155, 559, 157, 159, 561, 563, 26, 27, 28, 29, 54, 56, 239, 30, 573, 31, 166, 209, 211,
    571, 416, 58, 418, 420, 422, 60, 62, 64, 66, 32, 426, 68, 428, 432, 434, 430, 33, 34, 35, 599,
    70, 72, 74, 36, 597, 78, 213, 215, 595, 241, 76, 440, 442, 446, 199, 80, 448, 82, 84, 188, 86,
    88, 450, 454, 237, 452, 456, 458, 565, 37, 38, 39, 90, 92, 94, 40, 611, 168, 217, 219, 613,
    96, 460, 99, 197, 464, 190, 466, 101, 468, 103, 107, 470, 105, 476, 474, 478, 480, 482, 201,
    109, 41, 484, 113, 486, 111, 490, 488, 42, 43, 44, 45, 115, 117, 247, 46, 617, 119, 170, 221,
    223, 162, 615, 192, 500, 502, 121, 504, 125, 225, 227, 506, 123, 510, 127, 129, 512, 133, 514,
    233, 131, 522, 566, 137, 524, 235, 135, 528, 526, 47, 48, 49, 139, 141, 143, 50, 641, 145,
    147, 172, 229, 231, 164, 639, 530, 149, 534, 532, 540, 542, 544, 546, 151, 550, 548, 567, 552,
    554, 556, 653, 51, 153, 659, 251, 558, 52, 657, 568, 655, 156, 560, 158, 160, 562, 564, 875,
    258, 835, 576, 574, 580, 578, 181, 202, 204, 185, 423, 602, 600, 606, 604, 461, 620, 618, 624,
    622, 491, 244, 493, 242, 206, 179, 175, 173, 177, 577, 575, 581, 579, 182, 203, 205, 186, 424,
    603, 601, 607, 605, 462, 621, 619, 625, 623, 492, 245, 494, 243, 207, 180, 176, 174, 178, 586,
    584, 590, 588, 587, 585, 591, 589, 435, 437, 436, 438, 495, 497, 496, 498, 515, 516, 517, 518,
    535, 536, 537, 538, 569, 630, 628, 634, 632, 636, 631, 629, 635, 633, 637, 644, 642, 648, 646,
    650, 645, 643, 649, 647, 651, 195, 193, 194, 183, 184, 443, 444, 248, 249, 196, 831, 259, 830,
    829, 668, 669, 833, 841, 261, 682, 683, 843, 262, 696, 697, 845, 857, 263, 856, 855, 268, 712,
    713, 883, 264, 726, 727, 874, 872, 265, 871, 870, 269, 740, 885, 266, 752, 753, 887, 826, 838,
    760, 270, 823, 822, 660, 661, 827, 825, 762, 271, 676, 677, 764, 272, 688, 689, 839, 837, 766,
    273, 850, 849, 275, 704, 705, 853, 768, 277, 720, 721, 866, 867, 770, 278, 863, 862, 276, 732,
    733, 868, 772, 279, 744, 745, 881, 879, 851, 267, 854, 864, 274, 869, 880, 280, 281, 285, 302,
    304, 284, 282, 306, 283, 300, 310, 312, 287, 314, 289, 316, 286, 318, 324, 288, 326, 328, 330,
    332, 322, 303, 305, 293, 291, 307, 292, 301, 311, 313, 296, 315, 290, 317, 295, 319, 325, 297,
    327, 329, 331, 333, 323, 294, 298, 299, 308, 309, 320, 321, 334, 335, 337, 336, 338, 340, 341,
    339, 342, 343, 344, 353, 354, 365, 364, 366, 369, 370, 372, 371, 373, 374, 377, 375, 376, 378,
    379, 381, 380, 382, 383, 385, 384, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414,
    471, 472, 507, 508, 519, 520, 582, 592, 583, 593, 608, 609, 626, 627, 662, 664, 666, 774, 663,
    665, 667, 775, 776, 777, 778, 779, 780, 781, 670, 672, 674, 782, 671, 673, 675, 783, 784, 785,
    786, 787, 788, 789, 678, 680, 679, 681, 684, 686, 685, 687, 690, 692, 694, 790, 691, 693, 695,
    791, 792, 793, 794, 795, 796, 797, 698, 700, 702, 798, 699, 701, 703, 799, 800, 801, 802, 803,
    804, 805, 706, 708, 710, 707, 709, 711, 714, 716, 718, 715, 717, 719, 722, 724, 723, 725, 728,
    730, 729, 731, 734, 736, 738, 735, 737, 739, 741, 742, 743, 746, 748, 750, 806, 747, 749, 751,
    807, 808, 809, 810, 811, 812, 813, 754, 756, 758, 814, 755, 757, 759, 815, 816, 817, 818, 819,
    820, 821, 824, 836, 878, 828, 846, 847, 848, 840, 882, 859, 860, 861, 894, 895, 896, 897, 899,
    898, 900, 901, 902, 903, 904, 905, 906, 907, 908, 911, 910, 914, 915, 916, 917, 918, 919, 920,
    921, 930, 931, 922, 923, 924, 925, 932, 933, 926, 927, 928, 929, 934, 935, 936, 937, 966, 941,
    942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957, 958, 959, 960,
    961, 962, 963, 964, 965, 967, 993, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979,
    980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 994, 995, 996, 997, 998,
    1493, 1494, 1495, 1496, 1497, 1498, 1499, 1501, 1500, 1502, 1503, 1504, 1505,
};

/* HTML5 named character references (html.entities.html5): the names without ';',
   NUL-terminated, in strcmp order, split into literals of < 4096 chars */
static const char *const pm__html_names[5] = {
    "AElig\0AMP\0Aacute\0Abreve\0Acirc\0Acy\0Afr\0Agrave\0Alpha\0Amacr\0And\0Aogon\0Aopf\0"
    "ApplyFunction\0Aring\0Ascr\0Assign\0Atilde\0Auml\0Backslash\0Barv\0Barwed\0Bcy\0Because\0"
    "Bernoullis\0Beta\0Bfr\0Bopf\0Breve\0Bscr\0Bumpeq\0CHcy\0COPY\0Cacute\0Cap\0"
    "CapitalDifferentialD\0Cayleys\0Ccaron\0Ccedil\0Ccirc\0Cconint\0Cdot\0Cedilla\0CenterDot\0"
    "Cfr\0Chi\0CircleDot\0CircleMinus\0CirclePlus\0CircleTimes\0ClockwiseContourIntegral\0"
    "CloseCurlyDoubleQuote\0CloseCurlyQuote\0Colon\0Colone\0Congruent\0Conint\0ContourIntegral\0"
    "Copf\0Coproduct\0CounterClockwiseContourIntegral\0Cross\0Cscr\0Cup\0CupCap\0DD\0DDotrahd\0"
    "DJcy\0DScy\0DZcy\0Dagger\0Darr\0Dashv\0Dcaron\0Dcy\0Del\0Delta\0Dfr\0DiacriticalAcute\0"
    "DiacriticalDot\0DiacriticalDoubleAcute\0DiacriticalGrave\0DiacriticalTilde\0Diamond\0"
    "DifferentialD\0Dopf\0Dot\0DotDot\0DotEqual\0DoubleContourIntegral\0DoubleDot\0"
    "DoubleDownArrow\0DoubleLeftArrow\0DoubleLeftRightArrow\0DoubleLeftTee\0DoubleLongLeftArrow\0"
    "DoubleLongLeftRightArrow\0DoubleLongRightArrow\0DoubleRightArrow\0DoubleRightTee\0"
    "DoubleUpArrow\0DoubleUpDownArrow\0DoubleVerticalBar\0DownArrow\0DownArrowBar\0"
    "DownArrowUpArrow\0DownBreve\0DownLeftRightVector\0DownLeftTeeVector\0DownLeftVector\0"
    "DownLeftVectorBar\0DownRightTeeVector\0DownRightVector\0DownRightVectorBar\0DownTee\0"
    "DownTeeArrow\0Downarrow\0Dscr\0Dstrok\0ENG\0ETH\0Eacute\0Ecaron\0Ecirc\0Ecy\0Edot\0Efr\0"
    "Egrave\0Element\0Emacr\0EmptySmallSquare\0EmptyVerySmallSquare\0Eogon\0Eopf\0Epsilon\0"
    "Equal\0EqualTilde\0Equilibrium\0Escr\0Esim\0Eta\0Euml\0Exists\0ExponentialE\0Fcy\0Ffr\0"
    "FilledSmallSquare\0FilledVerySmallSquare\0Fopf\0ForAll\0Fouriertrf\0Fscr\0GJcy\0GT\0Gamma\0"
    "Gammad\0Gbreve\0Gcedil\0Gcirc\0Gcy\0Gdot\0Gfr\0Gg\0Gopf\0GreaterEqual\0GreaterEqualLess\0"
    "GreaterFullEqual\0GreaterGreater\0GreaterLess\0GreaterSlantEqual\0GreaterTilde\0Gscr\0Gt\0"
    "HARDcy\0Hacek\0Hat\0Hcirc\0Hfr\0HilbertSpace\0Hopf\0HorizontalLine\0Hscr\0Hstrok\0"
    "HumpDownHump\0HumpEqual\0IEcy\0IJlig\0IOcy\0Iacute\0Icirc\0Icy\0Idot\0Ifr\0Igrave\0Im\0"
    "Imacr\0ImaginaryI\0Implies\0Int\0Integral\0Intersection\0InvisibleComma\0InvisibleTimes\0"
    "Iogon\0Iopf\0Iota\0Iscr\0Itilde\0Iukcy\0Iuml\0Jcirc\0Jcy\0Jfr\0Jopf\0Jscr\0Jsercy\0Jukcy\0"
    "KHcy\0KJcy\0Kappa\0Kcedil\0Kcy\0Kfr\0Kopf\0Kscr\0LJcy\0LT\0Lacute\0Lambda\0Lang\0"
    "Laplacetrf\0Larr\0Lcaron\0Lcedil\0Lcy\0LeftAngleBracket\0LeftArrow\0LeftArrowBar\0"
    "LeftArrowRightArrow\0LeftCeiling\0LeftDoubleBracket\0LeftDownTeeVector\0LeftDownVector\0"
    "LeftDownVectorBar\0LeftFloor\0LeftRightArrow\0LeftRightVector\0LeftTee\0LeftTeeArrow\0"
    "LeftTeeVector\0LeftTriangle\0LeftTriangleBar\0LeftTriangleEqual\0LeftUpDownVector\0"
    "LeftUpTeeVector\0LeftUpVector\0LeftUpVectorBar\0LeftVector\0LeftVectorBar\0Leftarrow\0"
    "Leftrightarrow\0LessEqualGreater\0LessFullEqual\0LessGreater\0LessLess\0LessSlantEqual\0"
    "LessTilde\0Lfr\0Ll\0Lleftarrow\0Lmidot\0LongLeftArrow\0LongLeftRightArrow\0LongRightArrow\0"
    "Longleftarrow\0Longleftrightarrow\0Longrightarrow\0Lopf\0LowerLeftArrow\0LowerRightArrow\0"
    "Lscr\0Lsh\0Lstrok\0Lt\0Map\0Mcy\0MediumSpace\0Mellintrf\0Mfr\0MinusPlus\0Mopf\0Mscr\0Mu\0"
    "NJcy\0Nacute\0Ncaron\0Ncedil\0Ncy\0NegativeMediumSpace\0NegativeThickSpace\0"
    "NegativeThinSpace\0NegativeVeryThinSpace\0NestedGreaterGreater\0NestedLessLess\0NewLine\0"
    "Nfr\0NoBreak\0NonBreakingSpace\0Nopf\0Not\0NotCongruent\0NotCupCap\0NotDoubleVerticalBar\0"
    "NotElement\0NotEqual\0NotEqualTilde\0NotExists\0NotGreater\0NotGreaterEqual\0"
    "NotGreaterFullEqual\0NotGreaterGreater\0NotGreaterLess\0NotGreaterSlantEqual\0"
    "NotGreaterTilde\0NotHumpDownHump\0NotHumpEqual\0NotLeftTriangle\0NotLeftTriangleBar\0"
    "NotLeftTriangleEqual\0NotLess\0NotLessEqual\0NotLessGreater\0NotLessLess\0"
    "NotLessSlantEqual\0NotLessTilde\0NotNestedGreaterGreater\0NotNestedLessLess\0NotPrecedes\0"
    "NotPrecedesEqual\0NotPrecedesSlantEqual\0NotReverseElement\0NotRightTriangle\0"
    "NotRightTriangleBar\0NotRightTriangleEqual\0NotSquareSubset\0NotSquareSubsetEqual\0"
    "NotSquareSuperset\0NotSquareSupersetEqual\0NotSubset\0NotSubsetEqual\0NotSucceeds\0"
    "NotSucceedsEqual\0NotSucceedsSlantEqual\0NotSucceedsTilde\0NotSuperset\0NotSupersetEqual\0"
    "NotTilde\0NotTildeEqual\0NotTildeFullEqual\0NotTildeTilde\0NotVerticalBar\0Nscr\0Ntilde\0"
    "Nu\0OElig\0Oacute\0Ocirc\0Ocy\0Odblac\0Ofr\0Ograve\0Omacr\0Omega\0Omicron\0Oopf\0"
    "OpenCurlyDoubleQuote\0OpenCurlyQuote\0Or\0Oscr\0Oslash\0Otilde\0Otimes\0Ouml\0OverBar\0"
    "OverBrace\0OverBracket\0OverParenthesis\0PartialD\0Pcy\0Pfr\0Phi\0Pi\0PlusMinus\0"
    "Poincareplane\0Popf\0Pr\0Precedes\0",
    "PrecedesEqual\0PrecedesSlantEqual\0PrecedesTilde\0Prime\0Product\0Proportion\0Proportional\0"
    "Pscr\0Psi\0QUOT\0Qfr\0Qopf\0Qscr\0RBarr\0REG\0Racute\0Rang\0Rarr\0Rarrtl\0Rcaron\0Rcedil\0"
    "Rcy\0Re\0ReverseElement\0ReverseEquilibrium\0ReverseUpEquilibrium\0Rfr\0Rho\0"
    "RightAngleBracket\0RightArrow\0RightArrowBar\0RightArrowLeftArrow\0RightCeiling\0"
    "RightDoubleBracket\0RightDownTeeVector\0RightDownVector\0RightDownVectorBar\0RightFloor\0"
    "RightTee\0RightTeeArrow\0RightTeeVector\0RightTriangle\0RightTriangleBar\0"
    "RightTriangleEqual\0RightUpDownVector\0RightUpTeeVector\0RightUpVector\0RightUpVectorBar\0"
    "RightVector\0RightVectorBar\0Rightarrow\0Ropf\0RoundImplies\0Rrightarrow\0Rscr\0Rsh\0"
    "RuleDelayed\0SHCHcy\0SHcy\0SOFTcy\0Sacute\0Sc\0Scaron\0Scedil\0Scirc\0Scy\0Sfr\0"
    "ShortDownArrow\0ShortLeftArrow\0ShortRightArrow\0ShortUpArrow\0Sigma\0SmallCircle\0Sopf\0"
    "Sqrt\0Square\0SquareIntersection\0SquareSubset\0SquareSubsetEqual\0SquareSuperset\0"
    "SquareSupersetEqual\0SquareUnion\0Sscr\0Star\0Sub\0Subset\0SubsetEqual\0Succeeds\0"
    "SucceedsEqual\0SucceedsSlantEqual\0SucceedsTilde\0SuchThat\0Sum\0Sup\0Superset\0"
    "SupersetEqual\0Supset\0THORN\0TRADE\0TSHcy\0TScy\0Tab\0Tau\0Tcaron\0Tcedil\0Tcy\0Tfr\0"
    "Therefore\0Theta\0ThickSpace\0ThinSpace\0Tilde\0TildeEqual\0TildeFullEqual\0TildeTilde\0"
    "Topf\0TripleDot\0Tscr\0Tstrok\0Uacute\0Uarr\0Uarrocir\0Ubrcy\0Ubreve\0Ucirc\0Ucy\0Udblac\0"
    "Ufr\0Ugrave\0Umacr\0UnderBar\0UnderBrace\0UnderBracket\0UnderParenthesis\0Union\0UnionPlus\0"
    "Uogon\0Uopf\0UpArrow\0UpArrowBar\0UpArrowDownArrow\0UpDownArrow\0UpEquilibrium\0UpTee\0"
    "UpTeeArrow\0Uparrow\0Updownarrow\0UpperLeftArrow\0UpperRightArrow\0Upsi\0Upsilon\0Uring\0"
    "Uscr\0Utilde\0Uuml\0VDash\0Vbar\0Vcy\0Vdash\0Vdashl\0Vee\0Verbar\0Vert\0VerticalBar\0"
    "VerticalLine\0VerticalSeparator\0VerticalTilde\0VeryThinSpace\0Vfr\0Vopf\0Vscr\0Vvdash\0"
    "Wcirc\0Wedge\0Wfr\0Wopf\0Wscr\0Xfr\0Xi\0Xopf\0Xscr\0YAcy\0YIcy\0YUcy\0Yacute\0Ycirc\0Ycy\0"
    "Yfr\0Yopf\0Yscr\0Yuml\0ZHcy\0Zacute\0Zcaron\0Zcy\0Zdot\0ZeroWidthSpace\0Zeta\0Zfr\0Zopf\0"
    "Zscr\0aacute\0abreve\0ac\0acE\0acd\0acirc\0acute\0acy\0aelig\0af\0afr\0agrave\0alefsym\0"
    "aleph\0alpha\0amacr\0amalg\0amp\0and\0andand\0andd\0andslope\0andv\0ang\0ange\0angle\0"
    "angmsd\0angmsdaa\0angmsdab\0angmsdac\0angmsdad\0angmsdae\0angmsdaf\0angmsdag\0angmsdah\0"
    "angrt\0angrtvb\0angrtvbd\0angsph\0angst\0angzarr\0aogon\0aopf\0ap\0apE\0apacir\0ape\0apid\0"
    "apos\0approx\0approxeq\0aring\0ascr\0ast\0asymp\0asympeq\0atilde\0auml\0awconint\0awint\0"
    "bNot\0backcong\0backepsilon\0backprime\0backsim\0backsimeq\0barvee\0barwed\0barwedge\0bbrk\0"
    "bbrktbrk\0bcong\0bcy\0bdquo\0becaus\0because\0bemptyv\0bepsi\0bernou\0beta\0beth\0between\0"
    "bfr\0bigcap\0bigcirc\0bigcup\0bigodot\0bigoplus\0bigotimes\0bigsqcup\0bigstar\0"
    "bigtriangledown\0bigtriangleup\0biguplus\0bigvee\0bigwedge\0bkarow\0blacklozenge\0"
    "blacksquare\0blacktriangle\0blacktriangledown\0blacktriangleleft\0blacktriangleright\0"
    "blank\0blk12\0blk14\0blk34\0block\0bne\0bnequiv\0bnot\0bopf\0bot\0bottom\0bowtie\0boxDL\0"
    "boxDR\0boxDl\0boxDr\0boxH\0boxHD\0boxHU\0boxHd\0boxHu\0boxUL\0boxUR\0boxUl\0boxUr\0boxV\0"
    "boxVH\0boxVL\0boxVR\0boxVh\0boxVl\0boxVr\0boxbox\0boxdL\0boxdR\0boxdl\0boxdr\0boxh\0boxhD\0"
    "boxhU\0boxhd\0boxhu\0boxminus\0boxplus\0boxtimes\0boxuL\0boxuR\0boxul\0boxur\0boxv\0boxvH\0"
    "boxvL\0boxvR\0boxvh\0boxvl\0boxvr\0bprime\0breve\0brvbar\0bscr\0bsemi\0bsim\0bsime\0bsol\0"
    "bsolb\0bsolhsub\0bull\0bullet\0bump\0bumpE\0bumpe\0bumpeq\0cacute\0cap\0capand\0capbrcup\0"
    "capcap\0capcup\0capdot\0caps\0caret\0caron\0ccaps\0ccaron\0ccedil\0ccirc\0ccups\0ccupssm\0"
    "cdot\0cedil\0cemptyv\0cent\0centerdot\0cfr\0chcy\0check\0checkmark\0chi\0cir\0cirE\0circ\0"
    "circeq\0circlearrowleft\0circlearrowright\0circledR\0circledS\0circledast\0circledcirc\0"
    "circleddash\0cire\0cirfnint\0cirmid\0cirscir\0clubs\0clubsuit\0colon\0colone\0coloneq\0"
    "comma\0commat\0comp\0compfn\0complement\0complexes\0cong\0congdot\0conint\0copf\0coprod\0"
    "copy\0copysr\0crarr\0cross\0cscr\0csub\0csube\0csup\0csupe\0ctdot\0cudarrl\0cudarrr\0cuepr\0"
    "cuesc\0cularr\0cularrp\0cup\0cupbrcap\0cupcap\0cupcup\0cupdot\0cupor\0cups\0curarr\0"
    "curarrm\0curlyeqprec\0curlyeqsucc\0curlyvee\0curlywedge\0curren\0curvearrowleft\0"
    "curvearrowright\0cuvee\0cuwed\0cwconint\0cwint\0cylcty\0dArr\0dHar\0dagger\0daleth\0darr\0"
    "dash\0dashv\0dbkarow\0dblac\0dcaron\0dcy\0dd\0ddagger\0ddarr\0ddotseq\0deg\0delta\0demptyv\0"
    "dfisht\0dfr\0dharl\0dharr\0diam\0diamond\0diamondsuit\0diams\0die\0digamma\0disin\0div\0"
    "divide\0divideontimes\0divonx\0djcy\0dlcorn\0dlcrop\0dollar\0dopf\0dot\0doteq\0doteqdot\0"
    "dotminus\0dotplus\0dotsquare\0doublebarwedge\0downarrow\0",
    "downdownarrows\0downharpoonleft\0downharpoonright\0drbkarow\0drcorn\0drcrop\0dscr\0dscy\0"
    "dsol\0dstrok\0dtdot\0dtri\0dtrif\0duarr\0duhar\0dwangle\0dzcy\0dzigrarr\0eDDot\0eDot\0"
    "eacute\0easter\0ecaron\0ecir\0ecirc\0ecolon\0ecy\0edot\0ee\0efDot\0efr\0eg\0egrave\0egs\0"
    "egsdot\0el\0elinters\0ell\0els\0elsdot\0emacr\0empty\0emptyset\0emptyv\0emsp\0emsp13\0"
    "emsp14\0eng\0ensp\0eogon\0eopf\0epar\0eparsl\0eplus\0epsi\0epsilon\0epsiv\0eqcirc\0eqcolon\0"
    "eqsim\0eqslantgtr\0eqslantless\0equals\0equest\0equiv\0equivDD\0eqvparsl\0erDot\0erarr\0"
    "escr\0esdot\0esim\0eta\0eth\0euml\0euro\0excl\0exist\0expectation\0exponentiale\0"
    "fallingdotseq\0fcy\0female\0ffilig\0fflig\0ffllig\0ffr\0filig\0fjlig\0flat\0fllig\0fltns\0"
    "fnof\0fopf\0forall\0fork\0forkv\0fpartint\0frac12\0frac13\0frac14\0frac15\0frac16\0frac18\0"
    "frac23\0frac25\0frac34\0frac35\0frac38\0frac45\0frac56\0frac58\0frac78\0frasl\0frown\0fscr\0"
    "gE\0gEl\0gacute\0gamma\0gammad\0gap\0gbreve\0gcirc\0gcy\0gdot\0ge\0gel\0geq\0geqq\0"
    "geqslant\0ges\0gescc\0gesdot\0gesdoto\0gesdotol\0gesl\0gesles\0gfr\0gg\0ggg\0gimel\0gjcy\0"
    "gl\0glE\0gla\0glj\0gnE\0gnap\0gnapprox\0gne\0gneq\0gneqq\0gnsim\0gopf\0grave\0gscr\0gsim\0"
    "gsime\0gsiml\0gt\0gtcc\0gtcir\0gtdot\0gtlPar\0gtquest\0gtrapprox\0gtrarr\0gtrdot\0"
    "gtreqless\0gtreqqless\0gtrless\0gtrsim\0gvertneqq\0gvnE\0hArr\0hairsp\0half\0hamilt\0"
    "hardcy\0harr\0harrcir\0harrw\0hbar\0hcirc\0hearts\0heartsuit\0hellip\0hercon\0hfr\0"
    "hksearow\0hkswarow\0hoarr\0homtht\0hookleftarrow\0hookrightarrow\0hopf\0horbar\0hscr\0"
    "hslash\0hstrok\0hybull\0hyphen\0iacute\0ic\0icirc\0icy\0iecy\0iexcl\0iff\0ifr\0igrave\0ii\0"
    "iiiint\0iiint\0iinfin\0iiota\0ijlig\0imacr\0image\0imagline\0imagpart\0imath\0imof\0imped\0"
    "in\0incare\0infin\0infintie\0inodot\0int\0intcal\0integers\0intercal\0intlarhk\0intprod\0"
    "iocy\0iogon\0iopf\0iota\0iprod\0iquest\0iscr\0isin\0isinE\0isindot\0isins\0isinsv\0isinv\0"
    "it\0itilde\0iukcy\0iuml\0jcirc\0jcy\0jfr\0jmath\0jopf\0jscr\0jsercy\0jukcy\0kappa\0kappav\0"
    "kcedil\0kcy\0kfr\0kgreen\0khcy\0kjcy\0kopf\0kscr\0lAarr\0lArr\0lAtail\0lBarr\0lE\0lEg\0"
    "lHar\0lacute\0laemptyv\0lagran\0lambda\0lang\0langd\0langle\0lap\0laquo\0larr\0larrb\0"
    "larrbfs\0larrfs\0larrhk\0larrlp\0larrpl\0larrsim\0larrtl\0lat\0latail\0late\0lates\0lbarr\0"
    "lbbrk\0lbrace\0lbrack\0lbrke\0lbrksld\0lbrkslu\0lcaron\0lcedil\0lceil\0lcub\0lcy\0ldca\0"
    "ldquo\0ldquor\0ldrdhar\0ldrushar\0ldsh\0le\0leftarrow\0leftarrowtail\0leftharpoondown\0"
    "leftharpoonup\0leftleftarrows\0leftrightarrow\0leftrightarrows\0leftrightharpoons\0"
    "leftrightsquigarrow\0leftthreetimes\0leg\0leq\0leqq\0leqslant\0les\0lescc\0lesdot\0lesdoto\0"
    "lesdotor\0lesg\0lesges\0lessapprox\0lessdot\0lesseqgtr\0lesseqqgtr\0lessgtr\0lesssim\0"
    "lfisht\0lfloor\0lfr\0lg\0lgE\0lhard\0lharu\0lharul\0lhblk\0ljcy\0ll\0llarr\0llcorner\0"
    "llhard\0lltri\0lmidot\0lmoust\0lmoustache\0lnE\0lnap\0lnapprox\0lne\0lneq\0lneqq\0lnsim\0"
    "loang\0loarr\0lobrk\0longleftarrow\0longleftrightarrow\0longmapsto\0longrightarrow\0"
    "looparrowleft\0looparrowright\0lopar\0lopf\0loplus\0lotimes\0lowast\0lowbar\0loz\0lozenge\0"
    "lozf\0lpar\0lparlt\0lrarr\0lrcorner\0lrhar\0lrhard\0lrm\0lrtri\0lsaquo\0lscr\0lsh\0lsim\0"
    "lsime\0lsimg\0lsqb\0lsquo\0lsquor\0lstrok\0lt\0ltcc\0ltcir\0ltdot\0lthree\0ltimes\0ltlarr\0"
    "ltquest\0ltrPar\0ltri\0ltrie\0ltrif\0lurdshar\0luruhar\0lvertneqq\0lvnE\0mDDot\0macr\0male\0"
    "malt\0maltese\0map\0mapsto\0mapstodown\0mapstoleft\0mapstoup\0marker\0mcomma\0mcy\0mdash\0"
    "measuredangle\0mfr\0mho\0micro\0mid\0midast\0midcir\0middot\0minus\0minusb\0minusd\0"
    "minusdu\0mlcp\0mldr\0mnplus\0models\0mopf\0mp\0mscr\0mstpos\0mu\0multimap\0mumap\0nGg\0nGt\0"
    "nGtv\0nLeftarrow\0nLeftrightarrow\0nLl\0nLt\0nLtv\0nRightarrow\0nVDash\0nVdash\0nabla\0"
    "nacute\0nang\0nap\0napE\0napid\0napos\0napprox\0natur\0natural\0naturals\0nbsp\0nbump\0"
    "nbumpe\0ncap\0ncaron\0ncedil\0ncong\0ncongdot\0ncup\0ncy\0ndash\0ne\0neArr\0nearhk\0nearr\0"
    "nearrow\0nedot\0nequiv\0nesear\0nesim\0nexist\0nexists\0nfr\0ngE\0nge\0ngeq\0ngeqq\0"
    "ngeqslant\0nges\0ngsim\0ngt\0ngtr\0nhArr\0nharr\0nhpar\0ni\0nis\0nisd\0niv\0njcy\0nlArr\0"
    "nlE\0nlarr\0nldr\0nle\0nleftarrow\0nleftrightarrow\0nleq\0nleqq\0nleqslant\0nles\0nless\0"
    "nlsim\0nlt\0nltri\0nltrie\0nmid\0nopf\0not\0notin\0notinE\0notindot\0notinva\0notinvb\0"
    "notinvc\0notni\0notniva\0notnivb\0notnivc\0npar\0nparallel\0nparsl\0npart\0npolint\0npr\0"
    "nprcue\0npre\0nprec\0npreceq\0nrArr\0nrarr\0nrarrc\0nrarrw\0nrightarrow\0nrtri\0nrtrie\0"
    "nsc\0nsccue\0nsce\0nscr\0nshortmid\0nshortparallel\0nsim\0nsime\0nsimeq\0nsmid\0nspar\0"
    "nsqsube\0nsqsupe\0nsub\0nsubE\0nsube\0nsubset\0nsubseteq\0nsubseteqq\0nsucc\0nsucceq\0nsup\0"
    "nsupE\0nsupe\0nsupset\0nsupseteq\0nsupseteqq\0ntgl\0ntilde\0ntlg\0ntriangleleft\0"
    "ntrianglelefteq\0",
    "ntriangleright\0ntrianglerighteq\0nu\0num\0numero\0numsp\0nvDash\0nvHarr\0nvap\0nvdash\0"
    "nvge\0nvgt\0nvinfin\0nvlArr\0nvle\0nvlt\0nvltrie\0nvrArr\0nvrtrie\0nvsim\0nwArr\0nwarhk\0"
    "nwarr\0nwarrow\0nwnear\0oS\0oacute\0oast\0ocir\0ocirc\0ocy\0odash\0odblac\0odiv\0odot\0"
    "odsold\0oelig\0ofcir\0ofr\0ogon\0ograve\0ogt\0ohbar\0ohm\0oint\0olarr\0olcir\0olcross\0"
    "oline\0olt\0omacr\0omega\0omicron\0omid\0ominus\0oopf\0opar\0operp\0oplus\0or\0orarr\0ord\0"
    "order\0orderof\0ordf\0ordm\0origof\0oror\0orslope\0orv\0oscr\0oslash\0osol\0otilde\0otimes\0"
    "otimesas\0ouml\0ovbar\0par\0para\0parallel\0parsim\0parsl\0part\0pcy\0percnt\0period\0"
    "permil\0perp\0pertenk\0pfr\0phi\0phiv\0phmmat\0phone\0pi\0pitchfork\0piv\0planck\0planckh\0"
    "plankv\0plus\0plusacir\0plusb\0pluscir\0plusdo\0plusdu\0pluse\0plusmn\0plussim\0plustwo\0"
    "pm\0pointint\0popf\0pound\0pr\0prE\0prap\0prcue\0pre\0prec\0precapprox\0preccurlyeq\0"
    "preceq\0precnapprox\0precneqq\0precnsim\0precsim\0prime\0primes\0prnE\0prnap\0prnsim\0prod\0"
    "profalar\0profline\0profsurf\0prop\0propto\0prsim\0prurel\0pscr\0psi\0puncsp\0qfr\0qint\0"
    "qopf\0qprime\0qscr\0quaternions\0quatint\0quest\0questeq\0quot\0rAarr\0rArr\0rAtail\0rBarr\0"
    "rHar\0race\0racute\0radic\0raemptyv\0rang\0rangd\0range\0rangle\0raquo\0rarr\0rarrap\0"
    "rarrb\0rarrbfs\0rarrc\0rarrfs\0rarrhk\0rarrlp\0rarrpl\0rarrsim\0rarrtl\0rarrw\0ratail\0"
    "ratio\0rationals\0rbarr\0rbbrk\0rbrace\0rbrack\0rbrke\0rbrksld\0rbrkslu\0rcaron\0rcedil\0"
    "rceil\0rcub\0rcy\0rdca\0rdldhar\0rdquo\0rdquor\0rdsh\0real\0realine\0realpart\0reals\0rect\0"
    "reg\0rfisht\0rfloor\0rfr\0rhard\0rharu\0rharul\0rho\0rhov\0rightarrow\0rightarrowtail\0"
    "rightharpoondown\0rightharpoonup\0rightleftarrows\0rightleftharpoons\0rightrightarrows\0"
    "rightsquigarrow\0rightthreetimes\0ring\0risingdotseq\0rlarr\0rlhar\0rlm\0rmoust\0"
    "rmoustache\0rnmid\0roang\0roarr\0robrk\0ropar\0ropf\0roplus\0rotimes\0rpar\0rpargt\0"
    "rppolint\0rrarr\0rsaquo\0rscr\0rsh\0rsqb\0rsquo\0rsquor\0rthree\0rtimes\0rtri\0rtrie\0"
    "rtrif\0rtriltri\0ruluhar\0rx\0sacute\0sbquo\0sc\0scE\0scap\0scaron\0sccue\0sce\0scedil\0"
    "scirc\0scnE\0scnap\0scnsim\0scpolint\0scsim\0scy\0sdot\0sdotb\0sdote\0seArr\0searhk\0searr\0"
    "searrow\0sect\0semi\0seswar\0setminus\0setmn\0sext\0sfr\0sfrown\0sharp\0shchcy\0shcy\0"
    "shortmid\0shortparallel\0shy\0sigma\0sigmaf\0sigmav\0sim\0simdot\0sime\0simeq\0simg\0simgE\0"
    "siml\0simlE\0simne\0simplus\0simrarr\0slarr\0smallsetminus\0smashp\0smeparsl\0smid\0smile\0"
    "smt\0smte\0smtes\0softcy\0sol\0solb\0solbar\0sopf\0spades\0spadesuit\0spar\0sqcap\0sqcaps\0"
    "sqcup\0sqcups\0sqsub\0sqsube\0sqsubset\0sqsubseteq\0sqsup\0sqsupe\0sqsupset\0sqsupseteq\0"
    "squ\0square\0squarf\0squf\0srarr\0sscr\0ssetmn\0ssmile\0sstarf\0star\0starf\0"
    "straightepsilon\0straightphi\0strns\0sub\0subE\0subdot\0sube\0subedot\0submult\0subnE\0"
    "subne\0subplus\0subrarr\0subset\0subseteq\0subseteqq\0subsetneq\0subsetneqq\0subsim\0"
    "subsub\0subsup\0succ\0succapprox\0succcurlyeq\0succeq\0succnapprox\0succneqq\0succnsim\0"
    "succsim\0sum\0sung\0sup\0sup1\0sup2\0sup3\0supE\0supdot\0supdsub\0supe\0supedot\0suphsol\0"
    "suphsub\0suplarr\0supmult\0supnE\0supne\0supplus\0supset\0supseteq\0supseteqq\0supsetneq\0"
    "supsetneqq\0supsim\0supsub\0supsup\0swArr\0swarhk\0swarr\0swarrow\0swnwar\0szlig\0target\0"
    "tau\0tbrk\0tcaron\0tcedil\0tcy\0tdot\0telrec\0tfr\0there4\0therefore\0theta\0thetasym\0"
    "thetav\0thickapprox\0thicksim\0thinsp\0thkap\0thksim\0thorn\0tilde\0times\0timesb\0"
    "timesbar\0timesd\0tint\0toea\0top\0topbot\0topcir\0topf\0topfork\0tosa\0tprime\0trade\0"
    "triangle\0triangledown\0triangleleft\0trianglelefteq\0triangleq\0triangleright\0"
    "trianglerighteq\0tridot\0trie\0triminus\0triplus\0trisb\0tritime\0trpezium\0tscr\0tscy\0"
    "tshcy\0tstrok\0twixt\0twoheadleftarrow\0twoheadrightarrow\0uArr\0uHar\0uacute\0uarr\0ubrcy\0"
    "ubreve\0ucirc\0ucy\0udarr\0udblac\0udhar\0ufisht\0ufr\0ugrave\0uharl\0uharr\0uhblk\0ulcorn\0"
    "ulcorner\0ulcrop\0ultri\0umacr\0uml\0uogon\0uopf\0uparrow\0updownarrow\0upharpoonleft\0"
    "upharpoonright\0uplus\0upsi\0upsih\0upsilon\0upuparrows\0urcorn\0urcorner\0urcrop\0uring\0"
    "urtri\0uscr\0utdot\0utilde\0utri\0utrif\0uuarr\0uuml\0uwangle\0vArr\0vBar\0vBarv\0vDash\0"
    "vangrt\0varepsilon\0varkappa\0varnothing\0varphi\0varpi\0varpropto\0varr\0varrho\0varsigma\0"
    "varsubsetneq\0varsubsetneqq\0varsupsetneq\0varsupsetneqq\0vartheta\0vartriangleleft\0"
    "vartriangleright\0vcy\0vdash\0vee\0veebar\0veeeq\0vellip\0verbar\0vert\0vfr\0vltri\0vnsub\0"
    "vnsup\0vopf\0vprop\0vrtri\0vscr\0vsubnE\0vsubne\0vsupnE\0vsupne\0vzigzag\0wcirc\0wedbar\0"
    "wedge\0wedgeq\0weierp\0wfr\0wopf\0wp\0wr\0wreath\0wscr\0xcap\0xcirc\0xcup\0xdtri\0xfr\0"
    "xhArr\0xharr\0xi\0xlArr\0xlarr\0xmap\0xnis\0xodot\0xopf\0xoplus\0xotime\0xrArr\0xrarr\0",
    "xscr\0xsqcup\0xuplus\0xutri\0xvee\0xwedge\0yacute\0yacy\0ycirc\0ycy\0yen\0yfr\0yicy\0yopf\0"
    "yscr\0yucy\0yuml\0zacute\0zcaron\0zcy\0zdot\0zeetrf\0zeta\0zfr\0zhcy\0zigrarr\0zopf\0zscr\0"
    "zwj\0zwnj\0"
};

/* {name: pm__html_names[name >> 12] + (name & 0xfff), index+1 into pm__html_second
    (0: one char),
    1 if also accepted without ';', first codepoint} */
static const pm__html_entity pm__html_ents[2125] = {
    {0, 0, 1, 0xc6}, {6, 0, 1, 0x26}, {10, 0, 1, 0xc1}, {17, 0, 0, 0x102}, {24, 0, 1, 0xc2},
    {30, 0, 0, 0x410}, {34, 0, 0, 0x1d504}, {38, 0, 1, 0xc0}, {45, 0, 0, 0x391},
    {51, 0, 0, 0x100}, {57, 0, 0, 0x2a53}, {61, 0, 0, 0x104}, {67, 0, 0, 0x1d538},
    {72, 0, 0, 0x2061}, {86, 0, 1, 0xc5}, {92, 0, 0, 0x1d49c}, {97, 0, 0, 0x2254},
    {104, 0, 1, 0xc3}, {111, 0, 1, 0xc4}, {116, 0, 0, 0x2216}, {126, 0, 0, 0x2ae7},
    {131, 0, 0, 0x2306}, {138, 0, 0, 0x411}, {142, 0, 0, 0x2235}, {150, 0, 0, 0x212c},
    {161, 0, 0, 0x392}, {166, 0, 0, 0x1d505}, {170, 0, 0, 0x1d539}, {175, 0, 0, 0x2d8},
    {181, 0, 0, 0x212c}, {186, 0, 0, 0x224e}, {193, 0, 0, 0x427}, {198, 0, 1, 0xa9},
    {203, 0, 0, 0x106}, {210, 0, 0, 0x22d2}, {214, 0, 0, 0x2145}, {235, 0, 0, 0x212d},
    {243, 0, 0, 0x10c}, {250, 0, 1, 0xc7}, {257, 0, 0, 0x108}, {263, 0, 0, 0x2230},
    {271, 0, 0, 0x10a}, {276, 0, 0, 0xb8}, {284, 0, 0, 0xb7}, {294, 0, 0, 0x212d},
    {298, 0, 0, 0x3a7}, {302, 0, 0, 0x2299}, {312, 0, 0, 0x2296}, {324, 0, 0, 0x2295},
    {335, 0, 0, 0x2297}, {347, 0, 0, 0x2232}, {372, 0, 0, 0x201d}, {394, 0, 0, 0x2019},
    {410, 0, 0, 0x2237}, {416, 0, 0, 0x2a74}, {423, 0, 0, 0x2261}, {433, 0, 0, 0x222f},
    {440, 0, 0, 0x222e}, {456, 0, 0, 0x2102}, {461, 0, 0, 0x2210}, {471, 0, 0, 0x2233},
    {503, 0, 0, 0x2a2f}, {509, 0, 0, 0x1d49e}, {514, 0, 0, 0x22d3}, {518, 0, 0, 0x224d},
    {525, 0, 0, 0x2145}, {528, 0, 0, 0x2911}, {537, 0, 0, 0x402}, {542, 0, 0, 0x405},
    {547, 0, 0, 0x40f}, {552, 0, 0, 0x2021}, {559, 0, 0, 0x21a1}, {564, 0, 0, 0x2ae4},
    {570, 0, 0, 0x10e}, {577, 0, 0, 0x414}, {581, 0, 0, 0x2207}, {585, 0, 0, 0x394},
    {591, 0, 0, 0x1d507}, {595, 0, 0, 0xb4}, {612, 0, 0, 0x2d9}, {627, 0, 0, 0x2dd},
    {650, 0, 0, 0x60}, {667, 0, 0, 0x2dc}, {684, 0, 0, 0x22c4}, {692, 0, 0, 0x2146},
    {706, 0, 0, 0x1d53b}, {711, 0, 0, 0xa8}, {715, 0, 0, 0x20dc}, {722, 0, 0, 0x2250},
    {731, 0, 0, 0x222f}, {753, 0, 0, 0xa8}, {763, 0, 0, 0x21d3}, {779, 0, 0, 0x21d0},
    {795, 0, 0, 0x21d4}, {816, 0, 0, 0x2ae4}, {830, 0, 0, 0x27f8}, {850, 0, 0, 0x27fa},
    {875, 0, 0, 0x27f9}, {896, 0, 0, 0x21d2}, {913, 0, 0, 0x22a8}, {928, 0, 0, 0x21d1},
    {942, 0, 0, 0x21d5}, {960, 0, 0, 0x2225}, {978, 0, 0, 0x2193}, {988, 0, 0, 0x2913},
    {1001, 0, 0, 0x21f5}, {1018, 0, 0, 0x311}, {1028, 0, 0, 0x2950}, {1048, 0, 0, 0x295e},
    {1066, 0, 0, 0x21bd}, {1081, 0, 0, 0x2956}, {1099, 0, 0, 0x295f}, {1118, 0, 0, 0x21c1},
    {1134, 0, 0, 0x2957}, {1153, 0, 0, 0x22a4}, {1161, 0, 0, 0x21a7}, {1174, 0, 0, 0x21d3},
    {1184, 0, 0, 0x1d49f}, {1189, 0, 0, 0x110}, {1196, 0, 0, 0x14a}, {1200, 0, 1, 0xd0},
    {1204, 0, 1, 0xc9}, {1211, 0, 0, 0x11a}, {1218, 0, 1, 0xca}, {1224, 0, 0, 0x42d},
    {1228, 0, 0, 0x116}, {1233, 0, 0, 0x1d508}, {1237, 0, 1, 0xc8}, {1244, 0, 0, 0x2208},
    {1252, 0, 0, 0x112}, {1258, 0, 0, 0x25fb}, {1275, 0, 0, 0x25ab}, {1296, 0, 0, 0x118},
    {1302, 0, 0, 0x1d53c}, {1307, 0, 0, 0x395}, {1315, 0, 0, 0x2a75}, {1321, 0, 0, 0x2242},
    {1332, 0, 0, 0x21cc}, {1344, 0, 0, 0x2130}, {1349, 0, 0, 0x2a73}, {1354, 0, 0, 0x397},
    {1358, 0, 1, 0xcb}, {1363, 0, 0, 0x2203}, {1370, 0, 0, 0x2147}, {1383, 0, 0, 0x424},
    {1387, 0, 0, 0x1d509}, {1391, 0, 0, 0x25fc}, {1409, 0, 0, 0x25aa}, {1431, 0, 0, 0x1d53d},
    {1436, 0, 0, 0x2200}, {1443, 0, 0, 0x2131}, {1454, 0, 0, 0x2131}, {1459, 0, 0, 0x403},
    {1464, 0, 1, 0x3e}, {1467, 0, 0, 0x393}, {1473, 0, 0, 0x3dc}, {1480, 0, 0, 0x11e},
    {1487, 0, 0, 0x122}, {1494, 0, 0, 0x11c}, {1500, 0, 0, 0x413}, {1504, 0, 0, 0x120},
    {1509, 0, 0, 0x1d50a}, {1513, 0, 0, 0x22d9}, {1516, 0, 0, 0x1d53e}, {1521, 0, 0, 0x2265},
    {1534, 0, 0, 0x22db}, {1551, 0, 0, 0x2267}, {1568, 0, 0, 0x2aa2}, {1583, 0, 0, 0x2277},
    {1595, 0, 0, 0x2a7e}, {1613, 0, 0, 0x2273}, {1626, 0, 0, 0x1d4a2}, {1631, 0, 0, 0x226b},
    {1634, 0, 0, 0x42a}, {1641, 0, 0, 0x2c7}, {1647, 0, 0, 0x5e}, {1651, 0, 0, 0x124},
    {1657, 0, 0, 0x210c}, {1661, 0, 0, 0x210b}, {1674, 0, 0, 0x210d}, {1679, 0, 0, 0x2500},
    {1694, 0, 0, 0x210b}, {1699, 0, 0, 0x126}, {1706, 0, 0, 0x224e}, {1719, 0, 0, 0x224f},
    {1729, 0, 0, 0x415}, {1734, 0, 0, 0x132}, {1740, 0, 0, 0x401}, {1745, 0, 1, 0xcd},
    {1752, 0, 1, 0xce}, {1758, 0, 0, 0x418}, {1762, 0, 0, 0x130}, {1767, 0, 0, 0x2111},
    {1771, 0, 1, 0xcc}, {1778, 0, 0, 0x2111}, {1781, 0, 0, 0x12a}, {1787, 0, 0, 0x2148},
    {1798, 0, 0, 0x21d2}, {1806, 0, 0, 0x222c}, {1810, 0, 0, 0x222b}, {1819, 0, 0, 0x22c2},
    {1832, 0, 0, 0x2063}, {1847, 0, 0, 0x2062}, {1862, 0, 0, 0x12e}, {1868, 0, 0, 0x1d540},
    {1873, 0, 0, 0x399}, {1878, 0, 0, 0x2110}, {1883, 0, 0, 0x128}, {1890, 0, 0, 0x406},
    {1896, 0, 1, 0xcf}, {1901, 0, 0, 0x134}, {1907, 0, 0, 0x419}, {1911, 0, 0, 0x1d50d},
    {1915, 0, 0, 0x1d541}, {1920, 0, 0, 0x1d4a5}, {1925, 0, 0, 0x408}, {1932, 0, 0, 0x404},
    {1938, 0, 0, 0x425}, {1943, 0, 0, 0x40c}, {1948, 0, 0, 0x39a}, {1954, 0, 0, 0x136},
    {1961, 0, 0, 0x41a}, {1965, 0, 0, 0x1d50e}, {1969, 0, 0, 0x1d542}, {1974, 0, 0, 0x1d4a6},
    {1979, 0, 0, 0x409}, {1984, 0, 1, 0x3c}, {1987, 0, 0, 0x139}, {1994, 0, 0, 0x39b},
    {2001, 0, 0, 0x27ea}, {2006, 0, 0, 0x2112}, {2017, 0, 0, 0x219e}, {2022, 0, 0, 0x13d},
    {2029, 0, 0, 0x13b}, {2036, 0, 0, 0x41b}, {2040, 0, 0, 0x27e8}, {2057, 0, 0, 0x2190},
    {2067, 0, 0, 0x21e4}, {2080, 0, 0, 0x21c6}, {2100, 0, 0, 0x2308}, {2112, 0, 0, 0x27e6},
    {2130, 0, 0, 0x2961}, {2148, 0, 0, 0x21c3}, {2163, 0, 0, 0x2959}, {2181, 0, 0, 0x230a},
    {2191, 0, 0, 0x2194}, {2206, 0, 0, 0x294e}, {2222, 0, 0, 0x22a3}, {2230, 0, 0, 0x21a4},
    {2243, 0, 0, 0x295a}, {2257, 0, 0, 0x22b2}, {2270, 0, 0, 0x29cf}, {2286, 0, 0, 0x22b4},
    {2304, 0, 0, 0x2951}, {2321, 0, 0, 0x2960}, {2337, 0, 0, 0x21bf}, {2350, 0, 0, 0x2958},
    {2366, 0, 0, 0x21bc}, {2377, 0, 0, 0x2952}, {2391, 0, 0, 0x21d0}, {2401, 0, 0, 0x21d4},
    {2416, 0, 0, 0x22da}, {2433, 0, 0, 0x2266}, {2447, 0, 0, 0x2276}, {2459, 0, 0, 0x2aa1},
    {2468, 0, 0, 0x2a7d}, {2483, 0, 0, 0x2272}, {2493, 0, 0, 0x1d50f}, {2497, 0, 0, 0x22d8},
    {2500, 0, 0, 0x21da}, {2511, 0, 0, 0x13f}, {2518, 0, 0, 0x27f5}, {2532, 0, 0, 0x27f7},
    {2551, 0, 0, 0x27f6}, {2566, 0, 0, 0x27f8}, {2580, 0, 0, 0x27fa}, {2599, 0, 0, 0x27f9},
    {2614, 0, 0, 0x1d543}, {2619, 0, 0, 0x2199}, {2634, 0, 0, 0x2198}, {2650, 0, 0, 0x2112},
    {2655, 0, 0, 0x21b0}, {2659, 0, 0, 0x141}, {2666, 0, 0, 0x226a}, {2669, 0, 0, 0x2905},
    {2673, 0, 0, 0x41c}, {2677, 0, 0, 0x205f}, {2689, 0, 0, 0x2133}, {2699, 0, 0, 0x1d510},
    {2703, 0, 0, 0x2213}, {2713, 0, 0, 0x1d544}, {2718, 0, 0, 0x2133}, {2723, 0, 0, 0x39c},
    {2726, 0, 0, 0x40a}, {2731, 0, 0, 0x143}, {2738, 0, 0, 0x147}, {2745, 0, 0, 0x145},
    {2752, 0, 0, 0x41d}, {2756, 0, 0, 0x200b}, {2776, 0, 0, 0x200b}, {2795, 0, 0, 0x200b},
    {2813, 0, 0, 0x200b}, {2835, 0, 0, 0x226b}, {2856, 0, 0, 0x226a}, {2871, 0, 0, 0xa},
    {2879, 0, 0, 0x1d511}, {2883, 0, 0, 0x2060}, {2891, 0, 0, 0xa0}, {2908, 0, 0, 0x2115},
    {2913, 0, 0, 0x2aec}, {2917, 0, 0, 0x2262}, {2930, 0, 0, 0x226d}, {2940, 0, 0, 0x2226},
    {2961, 0, 0, 0x2209}, {2972, 0, 0, 0x2260}, {2981, 4, 0, 0x2242}, {2995, 0, 0, 0x2204},
    {3005, 0, 0, 0x226f}, {3016, 0, 0, 0x2271}, {3032, 4, 0, 0x2267}, {3052, 4, 0, 0x226b},
    {3070, 0, 0, 0x2279}, {3085, 4, 0, 0x2a7e}, {3106, 0, 0, 0x2275}, {3122, 4, 0, 0x224e},
    {3138, 4, 0, 0x224f}, {3151, 0, 0, 0x22ea}, {3167, 4, 0, 0x29cf}, {3186, 0, 0, 0x22ec},
    {3207, 0, 0, 0x226e}, {3215, 0, 0, 0x2270}, {3228, 0, 0, 0x2278}, {3243, 4, 0, 0x226a},
    {3255, 4, 0, 0x2a7d}, {3273, 0, 0, 0x2274}, {3286, 4, 0, 0x2aa2}, {3310, 4, 0, 0x2aa1},
    {3328, 0, 0, 0x2280}, {3340, 4, 0, 0x2aaf}, {3357, 0, 0, 0x22e0}, {3379, 0, 0, 0x220c},
    {3397, 0, 0, 0x22eb}, {3414, 4, 0, 0x29d0}, {3434, 0, 0, 0x22ed}, {3456, 4, 0, 0x228f},
    {3472, 0, 0, 0x22e2}, {3493, 4, 0, 0x2290}, {3511, 0, 0, 0x22e3}, {3534, 6, 0, 0x2282},
    {3544, 0, 0, 0x2288}, {3559, 0, 0, 0x2281}, {3571, 4, 0, 0x2ab0}, {3588, 0, 0, 0x22e1},
    {3610, 4, 0, 0x227f}, {3627, 6, 0, 0x2283}, {3639, 0, 0, 0x2289}, {3656, 0, 0, 0x2241},
    {3665, 0, 0, 0x2244}, {3679, 0, 0, 0x2247}, {3697, 0, 0, 0x2249}, {3711, 0, 0, 0x2224},
    {3726, 0, 0, 0x1d4a9}, {3731, 0, 1, 0xd1}, {3738, 0, 0, 0x39d}, {3741, 0, 0, 0x152},
    {3747, 0, 1, 0xd3}, {3754, 0, 1, 0xd4}, {3760, 0, 0, 0x41e}, {3764, 0, 0, 0x150},
    {3771, 0, 0, 0x1d512}, {3775, 0, 1, 0xd2}, {3782, 0, 0, 0x14c}, {3788, 0, 0, 0x3a9},
    {3794, 0, 0, 0x39f}, {3802, 0, 0, 0x1d546}, {3807, 0, 0, 0x201c}, {3828, 0, 0, 0x2018},
    {3843, 0, 0, 0x2a54}, {3846, 0, 0, 0x1d4aa}, {3851, 0, 1, 0xd8}, {3858, 0, 1, 0xd5},
    {3865, 0, 0, 0x2a37}, {3872, 0, 1, 0xd6}, {3877, 0, 0, 0x203e}, {3885, 0, 0, 0x23de},
    {3895, 0, 0, 0x23b4}, {3907, 0, 0, 0x23dc}, {3923, 0, 0, 0x2202}, {3932, 0, 0, 0x41f},
    {3936, 0, 0, 0x1d513}, {3940, 0, 0, 0x3a6}, {3944, 0, 0, 0x3a0}, {3947, 0, 0, 0xb1},
    {3957, 0, 0, 0x210c}, {3971, 0, 0, 0x2119}, {3976, 0, 0, 0x2abb}, {3979, 0, 0, 0x227a},
    {4096, 0, 0, 0x2aaf}, {4110, 0, 0, 0x227c}, {4129, 0, 0, 0x227e}, {4143, 0, 0, 0x2033},
    {4149, 0, 0, 0x220f}, {4157, 0, 0, 0x2237}, {4168, 0, 0, 0x221d}, {4181, 0, 0, 0x1d4ab},
    {4186, 0, 0, 0x3a8}, {4190, 0, 1, 0x22}, {4195, 0, 0, 0x1d514}, {4199, 0, 0, 0x211a},
    {4204, 0, 0, 0x1d4ac}, {4209, 0, 0, 0x2910}, {4215, 0, 1, 0xae}, {4219, 0, 0, 0x154},
    {4226, 0, 0, 0x27eb}, {4231, 0, 0, 0x21a0}, {4236, 0, 0, 0x2916}, {4243, 0, 0, 0x158},
    {4250, 0, 0, 0x156}, {4257, 0, 0, 0x420}, {4261, 0, 0, 0x211c}, {4264, 0, 0, 0x220b},
    {4279, 0, 0, 0x21cb}, {4298, 0, 0, 0x296f}, {4319, 0, 0, 0x211c}, {4323, 0, 0, 0x3a1},
    {4327, 0, 0, 0x27e9}, {4345, 0, 0, 0x2192}, {4356, 0, 0, 0x21e5}, {4370, 0, 0, 0x21c4},
    {4390, 0, 0, 0x2309}, {4403, 0, 0, 0x27e7}, {4422, 0, 0, 0x295d}, {4441, 0, 0, 0x21c2},
    {4457, 0, 0, 0x2955}, {4476, 0, 0, 0x230b}, {4487, 0, 0, 0x22a2}, {4496, 0, 0, 0x21a6},
    {4510, 0, 0, 0x295b}, {4525, 0, 0, 0x22b3}, {4539, 0, 0, 0x29d0}, {4556, 0, 0, 0x22b5},
    {4575, 0, 0, 0x294f}, {4593, 0, 0, 0x295c}, {4610, 0, 0, 0x21be}, {4624, 0, 0, 0x2954},
    {4641, 0, 0, 0x21c0}, {4653, 0, 0, 0x2953}, {4668, 0, 0, 0x21d2}, {4679, 0, 0, 0x211d},
    {4684, 0, 0, 0x2970}, {4697, 0, 0, 0x21db}, {4709, 0, 0, 0x211b}, {4714, 0, 0, 0x21b1},
    {4718, 0, 0, 0x29f4}, {4730, 0, 0, 0x429}, {4737, 0, 0, 0x428}, {4742, 0, 0, 0x42c},
    {4749, 0, 0, 0x15a}, {4756, 0, 0, 0x2abc}, {4759, 0, 0, 0x160}, {4766, 0, 0, 0x15e},
    {4773, 0, 0, 0x15c}, {4779, 0, 0, 0x421}, {4783, 0, 0, 0x1d516}, {4787, 0, 0, 0x2193},
    {4802, 0, 0, 0x2190}, {4817, 0, 0, 0x2192}, {4833, 0, 0, 0x2191}, {4846, 0, 0, 0x3a3},
    {4852, 0, 0, 0x2218}, {4864, 0, 0, 0x1d54a}, {4869, 0, 0, 0x221a}, {4874, 0, 0, 0x25a1},
    {4881, 0, 0, 0x2293}, {4900, 0, 0, 0x228f}, {4913, 0, 0, 0x2291}, {4931, 0, 0, 0x2290},
    {4946, 0, 0, 0x2292}, {4966, 0, 0, 0x2294}, {4978, 0, 0, 0x1d4ae}, {4983, 0, 0, 0x22c6},
    {4988, 0, 0, 0x22d0}, {4992, 0, 0, 0x22d0}, {4999, 0, 0, 0x2286}, {5011, 0, 0, 0x227b},
    {5020, 0, 0, 0x2ab0}, {5034, 0, 0, 0x227d}, {5053, 0, 0, 0x227f}, {5067, 0, 0, 0x220b},
    {5076, 0, 0, 0x2211}, {5080, 0, 0, 0x22d1}, {5084, 0, 0, 0x2283}, {5093, 0, 0, 0x2287},
    {5107, 0, 0, 0x22d1}, {5114, 0, 1, 0xde}, {5120, 0, 0, 0x2122}, {5126, 0, 0, 0x40b},
    {5132, 0, 0, 0x426}, {5137, 0, 0, 0x9}, {5141, 0, 0, 0x3a4}, {5145, 0, 0, 0x164},
    {5152, 0, 0, 0x162}, {5159, 0, 0, 0x422}, {5163, 0, 0, 0x1d517}, {5167, 0, 0, 0x2234},
    {5177, 0, 0, 0x398}, {5183, 5, 0, 0x205f}, {5194, 0, 0, 0x2009}, {5204, 0, 0, 0x223c},
    {5210, 0, 0, 0x2243}, {5221, 0, 0, 0x2245}, {5236, 0, 0, 0x2248}, {5247, 0, 0, 0x1d54b},
    {5252, 0, 0, 0x20db}, {5262, 0, 0, 0x1d4af}, {5267, 0, 0, 0x166}, {5274, 0, 1, 0xda},
    {5281, 0, 0, 0x219f}, {5286, 0, 0, 0x2949}, {5295, 0, 0, 0x40e}, {5301, 0, 0, 0x16c},
    {5308, 0, 1, 0xdb}, {5314, 0, 0, 0x423}, {5318, 0, 0, 0x170}, {5325, 0, 0, 0x1d518},
    {5329, 0, 1, 0xd9}, {5336, 0, 0, 0x16a}, {5342, 0, 0, 0x5f}, {5351, 0, 0, 0x23df},
    {5362, 0, 0, 0x23b5}, {5375, 0, 0, 0x23dd}, {5392, 0, 0, 0x22c3}, {5398, 0, 0, 0x228e},
    {5408, 0, 0, 0x172}, {5414, 0, 0, 0x1d54c}, {5419, 0, 0, 0x2191}, {5427, 0, 0, 0x2912},
    {5438, 0, 0, 0x21c5}, {5455, 0, 0, 0x2195}, {5467, 0, 0, 0x296e}, {5481, 0, 0, 0x22a5},
    {5487, 0, 0, 0x21a5}, {5498, 0, 0, 0x21d1}, {5506, 0, 0, 0x21d5}, {5518, 0, 0, 0x2196},
    {5533, 0, 0, 0x2197}, {5549, 0, 0, 0x3d2}, {5554, 0, 0, 0x3a5}, {5562, 0, 0, 0x16e},
    {5568, 0, 0, 0x1d4b0}, {5573, 0, 0, 0x168}, {5580, 0, 1, 0xdc}, {5585, 0, 0, 0x22ab},
    {5591, 0, 0, 0x2aeb}, {5596, 0, 0, 0x412}, {5600, 0, 0, 0x22a9}, {5606, 0, 0, 0x2ae6},
    {5613, 0, 0, 0x22c1}, {5617, 0, 0, 0x2016}, {5624, 0, 0, 0x2016}, {5629, 0, 0, 0x2223},
    {5641, 0, 0, 0x7c}, {5654, 0, 0, 0x2758}, {5672, 0, 0, 0x2240}, {5686, 0, 0, 0x200a},
    {5700, 0, 0, 0x1d519}, {5704, 0, 0, 0x1d54d}, {5709, 0, 0, 0x1d4b1}, {5714, 0, 0, 0x22aa},
    {5721, 0, 0, 0x174}, {5727, 0, 0, 0x22c0}, {5733, 0, 0, 0x1d51a}, {5737, 0, 0, 0x1d54e},
    {5742, 0, 0, 0x1d4b2}, {5747, 0, 0, 0x1d51b}, {5751, 0, 0, 0x39e}, {5754, 0, 0, 0x1d54f},
    {5759, 0, 0, 0x1d4b3}, {5764, 0, 0, 0x42f}, {5769, 0, 0, 0x407}, {5774, 0, 0, 0x42e},
    {5779, 0, 1, 0xdd}, {5786, 0, 0, 0x176}, {5792, 0, 0, 0x42b}, {5796, 0, 0, 0x1d51c},
    {5800, 0, 0, 0x1d550}, {5805, 0, 0, 0x1d4b4}, {5810, 0, 0, 0x178}, {5815, 0, 0, 0x416},
    {5820, 0, 0, 0x179}, {5827, 0, 0, 0x17d}, {5834, 0, 0, 0x417}, {5838, 0, 0, 0x17b},
    {5843, 0, 0, 0x200b}, {5858, 0, 0, 0x396}, {5863, 0, 0, 0x2128}, {5867, 0, 0, 0x2124},
    {5872, 0, 0, 0x1d4b5}, {5877, 0, 1, 0xe1}, {5884, 0, 0, 0x103}, {5891, 0, 0, 0x223e},
    {5894, 3, 0, 0x223e}, {5898, 0, 0, 0x223f}, {5902, 0, 1, 0xe2}, {5908, 0, 1, 0xb4},
    {5914, 0, 0, 0x430}, {5918, 0, 1, 0xe6}, {5924, 0, 0, 0x2061}, {5927, 0, 0, 0x1d51e},
    {5931, 0, 1, 0xe0}, {5938, 0, 0, 0x2135}, {5946, 0, 0, 0x2135}, {5952, 0, 0, 0x3b1},
    {5958, 0, 0, 0x101}, {5964, 0, 0, 0x2a3f}, {5970, 0, 1, 0x26}, {5974, 0, 0, 0x2227},
    {5978, 0, 0, 0x2a55}, {5985, 0, 0, 0x2a5c}, {5990, 0, 0, 0x2a58}, {5999, 0, 0, 0x2a5a},
    {6004, 0, 0, 0x2220}, {6008, 0, 0, 0x29a4}, {6013, 0, 0, 0x2220}, {6019, 0, 0, 0x2221},
    {6026, 0, 0, 0x29a8}, {6035, 0, 0, 0x29a9}, {6044, 0, 0, 0x29aa}, {6053, 0, 0, 0x29ab},
    {6062, 0, 0, 0x29ac}, {6071, 0, 0, 0x29ad}, {6080, 0, 0, 0x29ae}, {6089, 0, 0, 0x29af},
    {6098, 0, 0, 0x221f}, {6104, 0, 0, 0x22be}, {6112, 0, 0, 0x299d}, {6121, 0, 0, 0x2222},
    {6128, 0, 0, 0xc5}, {6134, 0, 0, 0x237c}, {6142, 0, 0, 0x105}, {6148, 0, 0, 0x1d552},
    {6153, 0, 0, 0x2248}, {6156, 0, 0, 0x2a70}, {6160, 0, 0, 0x2a6f}, {6167, 0, 0, 0x224a},
    {6171, 0, 0, 0x224b}, {6176, 0, 0, 0x27}, {6181, 0, 0, 0x2248}, {6188, 0, 0, 0x224a},
    {6197, 0, 1, 0xe5}, {6203, 0, 0, 0x1d4b6}, {6208, 0, 0, 0x2a}, {6212, 0, 0, 0x2248},
    {6218, 0, 0, 0x224d}, {6226, 0, 1, 0xe3}, {6233, 0, 1, 0xe4}, {6238, 0, 0, 0x2233},
    {6247, 0, 0, 0x2a11}, {6253, 0, 0, 0x2aed}, {6258, 0, 0, 0x224c}, {6267, 0, 0, 0x3f6},
    {6279, 0, 0, 0x2035}, {6289, 0, 0, 0x223d}, {6297, 0, 0, 0x22cd}, {6307, 0, 0, 0x22bd},
    {6314, 0, 0, 0x2305}, {6321, 0, 0, 0x2305}, {6330, 0, 0, 0x23b5}, {6335, 0, 0, 0x23b6},
    {6344, 0, 0, 0x224c}, {6350, 0, 0, 0x431}, {6354, 0, 0, 0x201e}, {6360, 0, 0, 0x2235},
    {6367, 0, 0, 0x2235}, {6375, 0, 0, 0x29b0}, {6383, 0, 0, 0x3f6}, {6389, 0, 0, 0x212c},
    {6396, 0, 0, 0x3b2}, {6401, 0, 0, 0x2136}, {6406, 0, 0, 0x226c}, {6414, 0, 0, 0x1d51f},
    {6418, 0, 0, 0x22c2}, {6425, 0, 0, 0x25ef}, {6433, 0, 0, 0x22c3}, {6440, 0, 0, 0x2a00},
    {6448, 0, 0, 0x2a01}, {6457, 0, 0, 0x2a02}, {6467, 0, 0, 0x2a06}, {6476, 0, 0, 0x2605},
    {6484, 0, 0, 0x25bd}, {6500, 0, 0, 0x25b3}, {6514, 0, 0, 0x2a04}, {6523, 0, 0, 0x22c1},
    {6530, 0, 0, 0x22c0}, {6539, 0, 0, 0x290d}, {6546, 0, 0, 0x29eb}, {6559, 0, 0, 0x25aa},
    {6571, 0, 0, 0x25b4}, {6585, 0, 0, 0x25be}, {6603, 0, 0, 0x25c2}, {6621, 0, 0, 0x25b8},
    {6640, 0, 0, 0x2423}, {6646, 0, 0, 0x2592}, {6652, 0, 0, 0x2591}, {6658, 0, 0, 0x2593},
    {6664, 0, 0, 0x2588}, {6670, 7, 0, 0x3d}, {6674, 7, 0, 0x2261}, {6682, 0, 0, 0x2310},
    {6687, 0, 0, 0x1d553}, {6692, 0, 0, 0x22a5}, {6696, 0, 0, 0x22a5}, {6703, 0, 0, 0x22c8},
    {6710, 0, 0, 0x2557}, {6716, 0, 0, 0x2554}, {6722, 0, 0, 0x2556}, {6728, 0, 0, 0x2553},
    {6734, 0, 0, 0x2550}, {6739, 0, 0, 0x2566}, {6745, 0, 0, 0x2569}, {6751, 0, 0, 0x2564},
    {6757, 0, 0, 0x2567}, {6763, 0, 0, 0x255d}, {6769, 0, 0, 0x255a}, {6775, 0, 0, 0x255c},
    {6781, 0, 0, 0x2559}, {6787, 0, 0, 0x2551}, {6792, 0, 0, 0x256c}, {6798, 0, 0, 0x2563},
    {6804, 0, 0, 0x2560}, {6810, 0, 0, 0x256b}, {6816, 0, 0, 0x2562}, {6822, 0, 0, 0x255f},
    {6828, 0, 0, 0x29c9}, {6835, 0, 0, 0x2555}, {6841, 0, 0, 0x2552}, {6847, 0, 0, 0x2510},
    {6853, 0, 0, 0x250c}, {6859, 0, 0, 0x2500}, {6864, 0, 0, 0x2565}, {6870, 0, 0, 0x2568},
    {6876, 0, 0, 0x252c}, {6882, 0, 0, 0x2534}, {6888, 0, 0, 0x229f}, {6897, 0, 0, 0x229e},
    {6905, 0, 0, 0x22a0}, {6914, 0, 0, 0x255b}, {6920, 0, 0, 0x2558}, {6926, 0, 0, 0x2518},
    {6932, 0, 0, 0x2514}, {6938, 0, 0, 0x2502}, {6943, 0, 0, 0x256a}, {6949, 0, 0, 0x2561},
    {6955, 0, 0, 0x255e}, {6961, 0, 0, 0x253c}, {6967, 0, 0, 0x2524}, {6973, 0, 0, 0x251c},
    {6979, 0, 0, 0x2035}, {6986, 0, 0, 0x2d8}, {6992, 0, 1, 0xa6}, {6999, 0, 0, 0x1d4b7},
    {7004, 0, 0, 0x204f}, {7010, 0, 0, 0x223d}, {7015, 0, 0, 0x22cd}, {7021, 0, 0, 0x5c},
    {7026, 0, 0, 0x29c5}, {7032, 0, 0, 0x27c8}, {7041, 0, 0, 0x2022}, {7046, 0, 0, 0x2022},
    {7053, 0, 0, 0x224e}, {7058, 0, 0, 0x2aae}, {7064, 0, 0, 0x224f}, {7070, 0, 0, 0x224f},
    {7077, 0, 0, 0x107}, {7084, 0, 0, 0x2229}, {7088, 0, 0, 0x2a44}, {7095, 0, 0, 0x2a49},
    {7104, 0, 0, 0x2a4b}, {7111, 0, 0, 0x2a47}, {7118, 0, 0, 0x2a40}, {7125, 8, 0, 0x2229},
    {7130, 0, 0, 0x2041}, {7136, 0, 0, 0x2c7}, {7142, 0, 0, 0x2a4d}, {7148, 0, 0, 0x10d},
    {7155, 0, 1, 0xe7}, {7162, 0, 0, 0x109}, {7168, 0, 0, 0x2a4c}, {7174, 0, 0, 0x2a50},
    {7182, 0, 0, 0x10b}, {7187, 0, 1, 0xb8}, {7193, 0, 0, 0x29b2}, {7201, 0, 1, 0xa2},
    {7206, 0, 0, 0xb7}, {7216, 0, 0, 0x1d520}, {7220, 0, 0, 0x447}, {7225, 0, 0, 0x2713},
    {7231, 0, 0, 0x2713}, {7241, 0, 0, 0x3c7}, {7245, 0, 0, 0x25cb}, {7249, 0, 0, 0x29c3},
    {7254, 0, 0, 0x2c6}, {7259, 0, 0, 0x2257}, {7266, 0, 0, 0x21ba}, {7282, 0, 0, 0x21bb},
    {7299, 0, 0, 0xae}, {7308, 0, 0, 0x24c8}, {7317, 0, 0, 0x229b}, {7328, 0, 0, 0x229a},
    {7340, 0, 0, 0x229d}, {7352, 0, 0, 0x2257}, {7357, 0, 0, 0x2a10}, {7366, 0, 0, 0x2aef},
    {7373, 0, 0, 0x29c2}, {7381, 0, 0, 0x2663}, {7387, 0, 0, 0x2663}, {7396, 0, 0, 0x3a},
    {7402, 0, 0, 0x2254}, {7409, 0, 0, 0x2254}, {7417, 0, 0, 0x2c}, {7423, 0, 0, 0x40},
    {7430, 0, 0, 0x2201}, {7435, 0, 0, 0x2218}, {7442, 0, 0, 0x2201}, {7453, 0, 0, 0x2102},
    {7463, 0, 0, 0x2245}, {7468, 0, 0, 0x2a6d}, {7476, 0, 0, 0x222e}, {7483, 0, 0, 0x1d554},
    {7488, 0, 0, 0x2210}, {7495, 0, 1, 0xa9}, {7500, 0, 0, 0x2117}, {7507, 0, 0, 0x21b5},
    {7513, 0, 0, 0x2717}, {7519, 0, 0, 0x1d4b8}, {7524, 0, 0, 0x2acf}, {7529, 0, 0, 0x2ad1},
    {7535, 0, 0, 0x2ad0}, {7540, 0, 0, 0x2ad2}, {7546, 0, 0, 0x22ef}, {7552, 0, 0, 0x2938},
    {7560, 0, 0, 0x2935}, {7568, 0, 0, 0x22de}, {7574, 0, 0, 0x22df}, {7580, 0, 0, 0x21b6},
    {7587, 0, 0, 0x293d}, {7595, 0, 0, 0x222a}, {7599, 0, 0, 0x2a48}, {7608, 0, 0, 0x2a46},
    {7615, 0, 0, 0x2a4a}, {7622, 0, 0, 0x228d}, {7629, 0, 0, 0x2a45}, {7635, 8, 0, 0x222a},
    {7640, 0, 0, 0x21b7}, {7647, 0, 0, 0x293c}, {7655, 0, 0, 0x22de}, {7667, 0, 0, 0x22df},
    {7679, 0, 0, 0x22ce}, {7688, 0, 0, 0x22cf}, {7699, 0, 1, 0xa4}, {7706, 0, 0, 0x21b6},
    {7721, 0, 0, 0x21b7}, {7737, 0, 0, 0x22ce}, {7743, 0, 0, 0x22cf}, {7749, 0, 0, 0x2232},
    {7758, 0, 0, 0x2231}, {7764, 0, 0, 0x232d}, {7771, 0, 0, 0x21d3}, {7776, 0, 0, 0x2965},
    {7781, 0, 0, 0x2020}, {7788, 0, 0, 0x2138}, {7795, 0, 0, 0x2193}, {7800, 0, 0, 0x2010},
    {7805, 0, 0, 0x22a3}, {7811, 0, 0, 0x290f}, {7819, 0, 0, 0x2dd}, {7825, 0, 0, 0x10f},
    {7832, 0, 0, 0x434}, {7836, 0, 0, 0x2146}, {7839, 0, 0, 0x2021}, {7847, 0, 0, 0x21ca},
    {7853, 0, 0, 0x2a77}, {7861, 0, 1, 0xb0}, {7865, 0, 0, 0x3b4}, {7871, 0, 0, 0x29b1},
    {7879, 0, 0, 0x297f}, {7886, 0, 0, 0x1d521}, {7890, 0, 0, 0x21c3}, {7896, 0, 0, 0x21c2},
    {7902, 0, 0, 0x22c4}, {7907, 0, 0, 0x22c4}, {7915, 0, 0, 0x2666}, {7927, 0, 0, 0x2666},
    {7933, 0, 0, 0xa8}, {7937, 0, 0, 0x3dd}, {7945, 0, 0, 0x22f2}, {7951, 0, 0, 0xf7},
    {7955, 0, 1, 0xf7}, {7962, 0, 0, 0x22c7}, {7976, 0, 0, 0x22c7}, {7983, 0, 0, 0x452},
    {7988, 0, 0, 0x231e}, {7995, 0, 0, 0x230d}, {8002, 0, 0, 0x24}, {8009, 0, 0, 0x1d555},
    {8014, 0, 0, 0x2d9}, {8018, 0, 0, 0x2250}, {8024, 0, 0, 0x2251}, {8033, 0, 0, 0x2238},
    {8042, 0, 0, 0x2214}, {8050, 0, 0, 0x22a1}, {8060, 0, 0, 0x2306}, {8075, 0, 0, 0x2193},
    {8192, 0, 0, 0x21ca}, {8207, 0, 0, 0x21c3}, {8223, 0, 0, 0x21c2}, {8240, 0, 0, 0x2910},
    {8249, 0, 0, 0x231f}, {8256, 0, 0, 0x230c}, {8263, 0, 0, 0x1d4b9}, {8268, 0, 0, 0x455},
    {8273, 0, 0, 0x29f6}, {8278, 0, 0, 0x111}, {8285, 0, 0, 0x22f1}, {8291, 0, 0, 0x25bf},
    {8296, 0, 0, 0x25be}, {8302, 0, 0, 0x21f5}, {8308, 0, 0, 0x296f}, {8314, 0, 0, 0x29a6},
    {8322, 0, 0, 0x45f}, {8327, 0, 0, 0x27ff}, {8336, 0, 0, 0x2a77}, {8342, 0, 0, 0x2251},
    {8347, 0, 1, 0xe9}, {8354, 0, 0, 0x2a6e}, {8361, 0, 0, 0x11b}, {8368, 0, 0, 0x2256},
    {8373, 0, 1, 0xea}, {8379, 0, 0, 0x2255}, {8386, 0, 0, 0x44d}, {8390, 0, 0, 0x117},
    {8395, 0, 0, 0x2147}, {8398, 0, 0, 0x2252}, {8404, 0, 0, 0x1d522}, {8408, 0, 0, 0x2a9a},
    {8411, 0, 1, 0xe8}, {8418, 0, 0, 0x2a96}, {8422, 0, 0, 0x2a98}, {8429, 0, 0, 0x2a99},
    {8432, 0, 0, 0x23e7}, {8441, 0, 0, 0x2113}, {8445, 0, 0, 0x2a95}, {8449, 0, 0, 0x2a97},
    {8456, 0, 0, 0x113}, {8462, 0, 0, 0x2205}, {8468, 0, 0, 0x2205}, {8477, 0, 0, 0x2205},
    {8484, 0, 0, 0x2003}, {8489, 0, 0, 0x2004}, {8496, 0, 0, 0x2005}, {8503, 0, 0, 0x14b},
    {8507, 0, 0, 0x2002}, {8512, 0, 0, 0x119}, {8518, 0, 0, 0x1d556}, {8523, 0, 0, 0x22d5},
    {8528, 0, 0, 0x29e3}, {8535, 0, 0, 0x2a71}, {8541, 0, 0, 0x3b5}, {8546, 0, 0, 0x3b5},
    {8554, 0, 0, 0x3f5}, {8560, 0, 0, 0x2256}, {8567, 0, 0, 0x2255}, {8575, 0, 0, 0x2242},
    {8581, 0, 0, 0x2a96}, {8592, 0, 0, 0x2a95}, {8604, 0, 0, 0x3d}, {8611, 0, 0, 0x225f},
    {8618, 0, 0, 0x2261}, {8624, 0, 0, 0x2a78}, {8632, 0, 0, 0x29e5}, {8641, 0, 0, 0x2253},
    {8647, 0, 0, 0x2971}, {8653, 0, 0, 0x212f}, {8658, 0, 0, 0x2250}, {8664, 0, 0, 0x2242},
    {8669, 0, 0, 0x3b7}, {8673, 0, 1, 0xf0}, {8677, 0, 1, 0xeb}, {8682, 0, 0, 0x20ac},
    {8687, 0, 0, 0x21}, {8692, 0, 0, 0x2203}, {8698, 0, 0, 0x2130}, {8710, 0, 0, 0x2147},
    {8723, 0, 0, 0x2252}, {8737, 0, 0, 0x444}, {8741, 0, 0, 0x2640}, {8748, 0, 0, 0xfb03},
    {8755, 0, 0, 0xfb00}, {8761, 0, 0, 0xfb04}, {8768, 0, 0, 0x1d523}, {8772, 0, 0, 0xfb01},
    {8778, 1, 0, 0x66}, {8784, 0, 0, 0x266d}, {8789, 0, 0, 0xfb02}, {8795, 0, 0, 0x25b1},
    {8801, 0, 0, 0x192}, {8806, 0, 0, 0x1d557}, {8811, 0, 0, 0x2200}, {8818, 0, 0, 0x22d4},
    {8823, 0, 0, 0x2ad9}, {8829, 0, 0, 0x2a0d}, {8838, 0, 1, 0xbd}, {8845, 0, 0, 0x2153},
    {8852, 0, 1, 0xbc}, {8859, 0, 0, 0x2155}, {8866, 0, 0, 0x2159}, {8873, 0, 0, 0x215b},
    {8880, 0, 0, 0x2154}, {8887, 0, 0, 0x2156}, {8894, 0, 1, 0xbe}, {8901, 0, 0, 0x2157},
    {8908, 0, 0, 0x215c}, {8915, 0, 0, 0x2158}, {8922, 0, 0, 0x215a}, {8929, 0, 0, 0x215d},
    {8936, 0, 0, 0x215e}, {8943, 0, 0, 0x2044}, {8949, 0, 0, 0x2322}, {8955, 0, 0, 0x1d4bb},
    {8960, 0, 0, 0x2267}, {8963, 0, 0, 0x2a8c}, {8967, 0, 0, 0x1f5}, {8974, 0, 0, 0x3b3},
    {8980, 0, 0, 0x3dd}, {8987, 0, 0, 0x2a86}, {8991, 0, 0, 0x11f}, {8998, 0, 0, 0x11d},
    {9004, 0, 0, 0x433}, {9008, 0, 0, 0x121}, {9013, 0, 0, 0x2265}, {9016, 0, 0, 0x22db},
    {9020, 0, 0, 0x2265}, {9024, 0, 0, 0x2267}, {9029, 0, 0, 0x2a7e}, {9038, 0, 0, 0x2a7e},
    {9042, 0, 0, 0x2aa9}, {9048, 0, 0, 0x2a80}, {9055, 0, 0, 0x2a82}, {9063, 0, 0, 0x2a84},
    {9072, 8, 0, 0x22db}, {9077, 0, 0, 0x2a94}, {9084, 0, 0, 0x1d524}, {9088, 0, 0, 0x226b},
    {9091, 0, 0, 0x22d9}, {9095, 0, 0, 0x2137}, {9101, 0, 0, 0x453}, {9106, 0, 0, 0x2277},
    {9109, 0, 0, 0x2a92}, {9113, 0, 0, 0x2aa5}, {9117, 0, 0, 0x2aa4}, {9121, 0, 0, 0x2269},
    {9125, 0, 0, 0x2a8a}, {9130, 0, 0, 0x2a8a}, {9139, 0, 0, 0x2a88}, {9143, 0, 0, 0x2a88},
    {9148, 0, 0, 0x2269}, {9154, 0, 0, 0x22e7}, {9160, 0, 0, 0x1d558}, {9165, 0, 0, 0x60},
    {9171, 0, 0, 0x210a}, {9176, 0, 0, 0x2273}, {9181, 0, 0, 0x2a8e}, {9187, 0, 0, 0x2a90},
    {9193, 0, 1, 0x3e}, {9196, 0, 0, 0x2aa7}, {9201, 0, 0, 0x2a7a}, {9207, 0, 0, 0x22d7},
    {9213, 0, 0, 0x2995}, {9220, 0, 0, 0x2a7c}, {9228, 0, 0, 0x2a86}, {9238, 0, 0, 0x2978},
    {9245, 0, 0, 0x22d7}, {9252, 0, 0, 0x22db}, {9262, 0, 0, 0x2a8c}, {9273, 0, 0, 0x2277},
    {9281, 0, 0, 0x2273}, {9288, 8, 0, 0x2269}, {9298, 8, 0, 0x2269}, {9303, 0, 0, 0x21d4},
    {9308, 0, 0, 0x200a}, {9315, 0, 0, 0xbd}, {9320, 0, 0, 0x210b}, {9327, 0, 0, 0x44a},
    {9334, 0, 0, 0x2194}, {9339, 0, 0, 0x2948}, {9347, 0, 0, 0x21ad}, {9353, 0, 0, 0x210f},
    {9358, 0, 0, 0x125}, {9364, 0, 0, 0x2665}, {9371, 0, 0, 0x2665}, {9381, 0, 0, 0x2026},
    {9388, 0, 0, 0x22b9}, {9395, 0, 0, 0x1d525}, {9399, 0, 0, 0x2925}, {9408, 0, 0, 0x2926},
    {9417, 0, 0, 0x21ff}, {9423, 0, 0, 0x223b}, {9430, 0, 0, 0x21a9}, {9444, 0, 0, 0x21aa},
    {9459, 0, 0, 0x1d559}, {9464, 0, 0, 0x2015}, {9471, 0, 0, 0x1d4bd}, {9476, 0, 0, 0x210f},
    {9483, 0, 0, 0x127}, {9490, 0, 0, 0x2043}, {9497, 0, 0, 0x2010}, {9504, 0, 1, 0xed},
    {9511, 0, 0, 0x2063}, {9514, 0, 1, 0xee}, {9520, 0, 0, 0x438}, {9524, 0, 0, 0x435},
    {9529, 0, 1, 0xa1}, {9535, 0, 0, 0x21d4}, {9539, 0, 0, 0x1d526}, {9543, 0, 1, 0xec},
    {9550, 0, 0, 0x2148}, {9553, 0, 0, 0x2a0c}, {9560, 0, 0, 0x222d}, {9566, 0, 0, 0x29dc},
    {9573, 0, 0, 0x2129}, {9579, 0, 0, 0x133}, {9585, 0, 0, 0x12b}, {9591, 0, 0, 0x2111},
    {9597, 0, 0, 0x2110}, {9606, 0, 0, 0x2111}, {9615, 0, 0, 0x131}, {9621, 0, 0, 0x22b7},
    {9626, 0, 0, 0x1b5}, {9632, 0, 0, 0x2208}, {9635, 0, 0, 0x2105}, {9642, 0, 0, 0x221e},
    {9648, 0, 0, 0x29dd}, {9657, 0, 0, 0x131}, {9664, 0, 0, 0x222b}, {9668, 0, 0, 0x22ba},
    {9675, 0, 0, 0x2124}, {9684, 0, 0, 0x22ba}, {9693, 0, 0, 0x2a17}, {9702, 0, 0, 0x2a3c},
    {9710, 0, 0, 0x451}, {9715, 0, 0, 0x12f}, {9721, 0, 0, 0x1d55a}, {9726, 0, 0, 0x3b9},
    {9731, 0, 0, 0x2a3c}, {9737, 0, 1, 0xbf}, {9744, 0, 0, 0x1d4be}, {9749, 0, 0, 0x2208},
    {9754, 0, 0, 0x22f9}, {9760, 0, 0, 0x22f5}, {9768, 0, 0, 0x22f4}, {9774, 0, 0, 0x22f3},
    {9781, 0, 0, 0x2208}, {9787, 0, 0, 0x2062}, {9790, 0, 0, 0x129}, {9797, 0, 0, 0x456},
    {9803, 0, 1, 0xef}, {9808, 0, 0, 0x135}, {9814, 0, 0, 0x439}, {9818, 0, 0, 0x1d527},
    {9822, 0, 0, 0x237}, {9828, 0, 0, 0x1d55b}, {9833, 0, 0, 0x1d4bf}, {9838, 0, 0, 0x458},
    {9845, 0, 0, 0x454}, {9851, 0, 0, 0x3ba}, {9857, 0, 0, 0x3f0}, {9864, 0, 0, 0x137},
    {9871, 0, 0, 0x43a}, {9875, 0, 0, 0x1d528}, {9879, 0, 0, 0x138}, {9886, 0, 0, 0x445},
    {9891, 0, 0, 0x45c}, {9896, 0, 0, 0x1d55c}, {9901, 0, 0, 0x1d4c0}, {9906, 0, 0, 0x21da},
    {9912, 0, 0, 0x21d0}, {9917, 0, 0, 0x291b}, {9924, 0, 0, 0x290e}, {9930, 0, 0, 0x2266},
    {9933, 0, 0, 0x2a8b}, {9937, 0, 0, 0x2962}, {9942, 0, 0, 0x13a}, {9949, 0, 0, 0x29b4},
    {9958, 0, 0, 0x2112}, {9965, 0, 0, 0x3bb}, {9972, 0, 0, 0x27e8}, {9977, 0, 0, 0x2991},
    {9983, 0, 0, 0x27e8}, {9990, 0, 0, 0x2a85}, {9994, 0, 1, 0xab}, {10000, 0, 0, 0x2190},
    {10005, 0, 0, 0x21e4}, {10011, 0, 0, 0x291f}, {10019, 0, 0, 0x291d}, {10026, 0, 0, 0x21a9},
    {10033, 0, 0, 0x21ab}, {10040, 0, 0, 0x2939}, {10047, 0, 0, 0x2973}, {10055, 0, 0, 0x21a2},
    {10062, 0, 0, 0x2aab}, {10066, 0, 0, 0x2919}, {10073, 0, 0, 0x2aad}, {10078, 8, 0, 0x2aad},
    {10084, 0, 0, 0x290c}, {10090, 0, 0, 0x2772}, {10096, 0, 0, 0x7b}, {10103, 0, 0, 0x5b},
    {10110, 0, 0, 0x298b}, {10116, 0, 0, 0x298f}, {10124, 0, 0, 0x298d}, {10132, 0, 0, 0x13e},
    {10139, 0, 0, 0x13c}, {10146, 0, 0, 0x2308}, {10152, 0, 0, 0x7b}, {10157, 0, 0, 0x43b},
    {10161, 0, 0, 0x2936}, {10166, 0, 0, 0x201c}, {10172, 0, 0, 0x201e}, {10179, 0, 0, 0x2967},
    {10187, 0, 0, 0x294b}, {10196, 0, 0, 0x21b2}, {10201, 0, 0, 0x2264}, {10204, 0, 0, 0x2190},
    {10214, 0, 0, 0x21a2}, {10228, 0, 0, 0x21bd}, {10244, 0, 0, 0x21bc}, {10258, 0, 0, 0x21c7},
    {10273, 0, 0, 0x2194}, {10288, 0, 0, 0x21c6}, {10304, 0, 0, 0x21cb}, {10322, 0, 0, 0x21ad},
    {10342, 0, 0, 0x22cb}, {10357, 0, 0, 0x22da}, {10361, 0, 0, 0x2264}, {10365, 0, 0, 0x2266},
    {10370, 0, 0, 0x2a7d}, {10379, 0, 0, 0x2a7d}, {10383, 0, 0, 0x2aa8}, {10389, 0, 0, 0x2a7f},
    {10396, 0, 0, 0x2a81}, {10404, 0, 0, 0x2a83}, {10413, 8, 0, 0x22da}, {10418, 0, 0, 0x2a93},
    {10425, 0, 0, 0x2a85}, {10436, 0, 0, 0x22d6}, {10444, 0, 0, 0x22da}, {10454, 0, 0, 0x2a8b},
    {10465, 0, 0, 0x2276}, {10473, 0, 0, 0x2272}, {10481, 0, 0, 0x297c}, {10488, 0, 0, 0x230a},
    {10495, 0, 0, 0x1d529}, {10499, 0, 0, 0x2276}, {10502, 0, 0, 0x2a91}, {10506, 0, 0, 0x21bd},
    {10512, 0, 0, 0x21bc}, {10518, 0, 0, 0x296a}, {10525, 0, 0, 0x2584}, {10531, 0, 0, 0x459},
    {10536, 0, 0, 0x226a}, {10539, 0, 0, 0x21c7}, {10545, 0, 0, 0x231e}, {10554, 0, 0, 0x296b},
    {10561, 0, 0, 0x25fa}, {10567, 0, 0, 0x140}, {10574, 0, 0, 0x23b0}, {10581, 0, 0, 0x23b0},
    {10592, 0, 0, 0x2268}, {10596, 0, 0, 0x2a89}, {10601, 0, 0, 0x2a89}, {10610, 0, 0, 0x2a87},
    {10614, 0, 0, 0x2a87}, {10619, 0, 0, 0x2268}, {10625, 0, 0, 0x22e6}, {10631, 0, 0, 0x27ec},
    {10637, 0, 0, 0x21fd}, {10643, 0, 0, 0x27e6}, {10649, 0, 0, 0x27f5}, {10663, 0, 0, 0x27f7},
    {10682, 0, 0, 0x27fc}, {10693, 0, 0, 0x27f6}, {10708, 0, 0, 0x21ab}, {10722, 0, 0, 0x21ac},
    {10737, 0, 0, 0x2985}, {10743, 0, 0, 0x1d55d}, {10748, 0, 0, 0x2a2d}, {10755, 0, 0, 0x2a34},
    {10763, 0, 0, 0x2217}, {10770, 0, 0, 0x5f}, {10777, 0, 0, 0x25ca}, {10781, 0, 0, 0x25ca},
    {10789, 0, 0, 0x29eb}, {10794, 0, 0, 0x28}, {10799, 0, 0, 0x2993}, {10806, 0, 0, 0x21c6},
    {10812, 0, 0, 0x231f}, {10821, 0, 0, 0x21cb}, {10827, 0, 0, 0x296d}, {10834, 0, 0, 0x200e},
    {10838, 0, 0, 0x22bf}, {10844, 0, 0, 0x2039}, {10851, 0, 0, 0x1d4c1}, {10856, 0, 0, 0x21b0},
    {10860, 0, 0, 0x2272}, {10865, 0, 0, 0x2a8d}, {10871, 0, 0, 0x2a8f}, {10877, 0, 0, 0x5b},
    {10882, 0, 0, 0x2018}, {10888, 0, 0, 0x201a}, {10895, 0, 0, 0x142}, {10902, 0, 1, 0x3c},
    {10905, 0, 0, 0x2aa6}, {10910, 0, 0, 0x2a79}, {10916, 0, 0, 0x22d6}, {10922, 0, 0, 0x22cb},
    {10929, 0, 0, 0x22c9}, {10936, 0, 0, 0x2976}, {10943, 0, 0, 0x2a7b}, {10951, 0, 0, 0x2996},
    {10958, 0, 0, 0x25c3}, {10963, 0, 0, 0x22b4}, {10969, 0, 0, 0x25c2}, {10975, 0, 0, 0x294a},
    {10984, 0, 0, 0x2966}, {10992, 8, 0, 0x2268}, {11002, 8, 0, 0x2268}, {11007, 0, 0, 0x223a},
    {11013, 0, 1, 0xaf}, {11018, 0, 0, 0x2642}, {11023, 0, 0, 0x2720}, {11028, 0, 0, 0x2720},
    {11036, 0, 0, 0x21a6}, {11040, 0, 0, 0x21a6}, {11047, 0, 0, 0x21a7}, {11058, 0, 0, 0x21a4},
    {11069, 0, 0, 0x21a5}, {11078, 0, 0, 0x25ae}, {11085, 0, 0, 0x2a29}, {11092, 0, 0, 0x43c},
    {11096, 0, 0, 0x2014}, {11102, 0, 0, 0x2221}, {11116, 0, 0, 0x1d52a}, {11120, 0, 0, 0x2127},
    {11124, 0, 1, 0xb5}, {11130, 0, 0, 0x2223}, {11134, 0, 0, 0x2a}, {11141, 0, 0, 0x2af0},
    {11148, 0, 1, 0xb7}, {11155, 0, 0, 0x2212}, {11161, 0, 0, 0x229f}, {11168, 0, 0, 0x2238},
    {11175, 0, 0, 0x2a2a}, {11183, 0, 0, 0x2adb}, {11188, 0, 0, 0x2026}, {11193, 0, 0, 0x2213},
    {11200, 0, 0, 0x22a7}, {11207, 0, 0, 0x1d55e}, {11212, 0, 0, 0x2213}, {11215, 0, 0, 0x1d4c2},
    {11220, 0, 0, 0x223e}, {11227, 0, 0, 0x3bc}, {11230, 0, 0, 0x22b8}, {11239, 0, 0, 0x22b8},
    {11245, 4, 0, 0x22d9}, {11249, 6, 0, 0x226b}, {11253, 4, 0, 0x226b}, {11258, 0, 0, 0x21cd},
    {11269, 0, 0, 0x21ce}, {11285, 4, 0, 0x22d8}, {11289, 6, 0, 0x226a}, {11293, 4, 0, 0x226a},
    {11298, 0, 0, 0x21cf}, {11310, 0, 0, 0x22af}, {11317, 0, 0, 0x22ae}, {11324, 0, 0, 0x2207},
    {11330, 0, 0, 0x144}, {11337, 6, 0, 0x2220}, {11342, 0, 0, 0x2249}, {11346, 4, 0, 0x2a70},
    {11351, 4, 0, 0x224b}, {11357, 0, 0, 0x149}, {11363, 0, 0, 0x2249}, {11371, 0, 0, 0x266e},
    {11377, 0, 0, 0x266e}, {11385, 0, 0, 0x2115}, {11394, 0, 1, 0xa0}, {11399, 4, 0, 0x224e},
    {11405, 4, 0, 0x224f}, {11412, 0, 0, 0x2a43}, {11417, 0, 0, 0x148}, {11424, 0, 0, 0x146},
    {11431, 0, 0, 0x2247}, {11437, 4, 0, 0x2a6d}, {11446, 0, 0, 0x2a42}, {11451, 0, 0, 0x43d},
    {11455, 0, 0, 0x2013}, {11461, 0, 0, 0x2260}, {11464, 0, 0, 0x21d7}, {11470, 0, 0, 0x2924},
    {11477, 0, 0, 0x2197}, {11483, 0, 0, 0x2197}, {11491, 4, 0, 0x2250}, {11497, 0, 0, 0x2262},
    {11504, 0, 0, 0x2928}, {11511, 4, 0, 0x2242}, {11517, 0, 0, 0x2204}, {11524, 0, 0, 0x2204},
    {11532, 0, 0, 0x1d52b}, {11536, 4, 0, 0x2267}, {11540, 0, 0, 0x2271}, {11544, 0, 0, 0x2271},
    {11549, 4, 0, 0x2267}, {11555, 4, 0, 0x2a7e}, {11565, 4, 0, 0x2a7e}, {11570, 0, 0, 0x2275},
    {11576, 0, 0, 0x226f}, {11580, 0, 0, 0x226f}, {11585, 0, 0, 0x21ce}, {11591, 0, 0, 0x21ae},
    {11597, 0, 0, 0x2af2}, {11603, 0, 0, 0x220b}, {11606, 0, 0, 0x22fc}, {11610, 0, 0, 0x22fa},
    {11615, 0, 0, 0x220b}, {11619, 0, 0, 0x45a}, {11624, 0, 0, 0x21cd}, {11630, 4, 0, 0x2266},
    {11634, 0, 0, 0x219a}, {11640, 0, 0, 0x2025}, {11645, 0, 0, 0x2270}, {11649, 0, 0, 0x219a},
    {11660, 0, 0, 0x21ae}, {11676, 0, 0, 0x2270}, {11681, 4, 0, 0x2266}, {11687, 4, 0, 0x2a7d},
    {11697, 4, 0, 0x2a7d}, {11702, 0, 0, 0x226e}, {11708, 0, 0, 0x2274}, {11714, 0, 0, 0x226e},
    {11718, 0, 0, 0x22ea}, {11724, 0, 0, 0x22ec}, {11731, 0, 0, 0x2224}, {11736, 0, 0, 0x1d55f},
    {11741, 0, 1, 0xac}, {11745, 0, 0, 0x2209}, {11751, 4, 0, 0x22f9}, {11758, 4, 0, 0x22f5},
    {11767, 0, 0, 0x2209}, {11775, 0, 0, 0x22f7}, {11783, 0, 0, 0x22f6}, {11791, 0, 0, 0x220c},
    {11797, 0, 0, 0x220c}, {11805, 0, 0, 0x22fe}, {11813, 0, 0, 0x22fd}, {11821, 0, 0, 0x2226},
    {11826, 0, 0, 0x2226}, {11836, 7, 0, 0x2afd}, {11843, 4, 0, 0x2202}, {11849, 0, 0, 0x2a14},
    {11857, 0, 0, 0x2280}, {11861, 0, 0, 0x22e0}, {11868, 4, 0, 0x2aaf}, {11873, 0, 0, 0x2280},
    {11879, 4, 0, 0x2aaf}, {11887, 0, 0, 0x21cf}, {11893, 0, 0, 0x219b}, {11899, 4, 0, 0x2933},
    {11906, 4, 0, 0x219d}, {11913, 0, 0, 0x219b}, {11925, 0, 0, 0x22eb}, {11931, 0, 0, 0x22ed},
    {11938, 0, 0, 0x2281}, {11942, 0, 0, 0x22e1}, {11949, 4, 0, 0x2ab0}, {11954, 0, 0, 0x1d4c3},
    {11959, 0, 0, 0x2224}, {11969, 0, 0, 0x2226}, {11984, 0, 0, 0x2241}, {11989, 0, 0, 0x2244},
    {11995, 0, 0, 0x2244}, {12002, 0, 0, 0x2224}, {12008, 0, 0, 0x2226}, {12014, 0, 0, 0x22e2},
    {12022, 0, 0, 0x22e3}, {12030, 0, 0, 0x2284}, {12035, 4, 0, 0x2ac5}, {12041, 0, 0, 0x2288},
    {12047, 6, 0, 0x2282}, {12055, 0, 0, 0x2288}, {12065, 4, 0, 0x2ac5}, {12076, 0, 0, 0x2281},
    {12082, 4, 0, 0x2ab0}, {12090, 0, 0, 0x2285}, {12095, 4, 0, 0x2ac6}, {12101, 0, 0, 0x2289},
    {12107, 6, 0, 0x2283}, {12115, 0, 0, 0x2289}, {12125, 4, 0, 0x2ac6}, {12136, 0, 0, 0x2279},
    {12141, 0, 1, 0xf1}, {12148, 0, 0, 0x2278}, {12153, 0, 0, 0x22ea}, {12167, 0, 0, 0x22ec},
    {12288, 0, 0, 0x22eb}, {12303, 0, 0, 0x22ed}, {12320, 0, 0, 0x3bd}, {12323, 0, 0, 0x23},
    {12327, 0, 0, 0x2116}, {12334, 0, 0, 0x2007}, {12340, 0, 0, 0x22ad}, {12347, 0, 0, 0x2904},
    {12354, 6, 0, 0x224d}, {12359, 0, 0, 0x22ac}, {12366, 6, 0, 0x2265}, {12371, 6, 0, 0x3e},
    {12376, 0, 0, 0x29de}, {12384, 0, 0, 0x2902}, {12391, 6, 0, 0x2264}, {12396, 6, 0, 0x3c},
    {12401, 6, 0, 0x22b4}, {12409, 0, 0, 0x2903}, {12416, 6, 0, 0x22b5}, {12424, 6, 0, 0x223c},
    {12430, 0, 0, 0x21d6}, {12436, 0, 0, 0x2923}, {12443, 0, 0, 0x2196}, {12449, 0, 0, 0x2196},
    {12457, 0, 0, 0x2927}, {12464, 0, 0, 0x24c8}, {12467, 0, 1, 0xf3}, {12474, 0, 0, 0x229b},
    {12479, 0, 0, 0x229a}, {12484, 0, 1, 0xf4}, {12490, 0, 0, 0x43e}, {12494, 0, 0, 0x229d},
    {12500, 0, 0, 0x151}, {12507, 0, 0, 0x2a38}, {12512, 0, 0, 0x2299}, {12517, 0, 0, 0x29bc},
    {12524, 0, 0, 0x153}, {12530, 0, 0, 0x29bf}, {12536, 0, 0, 0x1d52c}, {12540, 0, 0, 0x2db},
    {12545, 0, 1, 0xf2}, {12552, 0, 0, 0x29c1}, {12556, 0, 0, 0x29b5}, {12562, 0, 0, 0x3a9},
    {12566, 0, 0, 0x222e}, {12571, 0, 0, 0x21ba}, {12577, 0, 0, 0x29be}, {12583, 0, 0, 0x29bb},
    {12591, 0, 0, 0x203e}, {12597, 0, 0, 0x29c0}, {12601, 0, 0, 0x14d}, {12607, 0, 0, 0x3c9},
    {12613, 0, 0, 0x3bf}, {12621, 0, 0, 0x29b6}, {12626, 0, 0, 0x2296}, {12633, 0, 0, 0x1d560},
    {12638, 0, 0, 0x29b7}, {12643, 0, 0, 0x29b9}, {12649, 0, 0, 0x2295}, {12655, 0, 0, 0x2228},
    {12658, 0, 0, 0x21bb}, {12664, 0, 0, 0x2a5d}, {12668, 0, 0, 0x2134}, {12674, 0, 0, 0x2134},
    {12682, 0, 1, 0xaa}, {12687, 0, 1, 0xba}, {12692, 0, 0, 0x22b6}, {12699, 0, 0, 0x2a56},
    {12704, 0, 0, 0x2a57}, {12712, 0, 0, 0x2a5b}, {12716, 0, 0, 0x2134}, {12721, 0, 1, 0xf8},
    {12728, 0, 0, 0x2298}, {12733, 0, 1, 0xf5}, {12740, 0, 0, 0x2297}, {12747, 0, 0, 0x2a36},
    {12756, 0, 1, 0xf6}, {12761, 0, 0, 0x233d}, {12767, 0, 0, 0x2225}, {12771, 0, 1, 0xb6},
    {12776, 0, 0, 0x2225}, {12785, 0, 0, 0x2af3}, {12792, 0, 0, 0x2afd}, {12798, 0, 0, 0x2202},
    {12803, 0, 0, 0x43f}, {12807, 0, 0, 0x25}, {12814, 0, 0, 0x2e}, {12821, 0, 0, 0x2030},
    {12828, 0, 0, 0x22a5}, {12833, 0, 0, 0x2031}, {12841, 0, 0, 0x1d52d}, {12845, 0, 0, 0x3c6},
    {12849, 0, 0, 0x3d5}, {12854, 0, 0, 0x2133}, {12861, 0, 0, 0x260e}, {12867, 0, 0, 0x3c0},
    {12870, 0, 0, 0x22d4}, {12880, 0, 0, 0x3d6}, {12884, 0, 0, 0x210f}, {12891, 0, 0, 0x210e},
    {12899, 0, 0, 0x210f}, {12906, 0, 0, 0x2b}, {12911, 0, 0, 0x2a23}, {12920, 0, 0, 0x229e},
    {12926, 0, 0, 0x2a22}, {12934, 0, 0, 0x2214}, {12941, 0, 0, 0x2a25}, {12948, 0, 0, 0x2a72},
    {12954, 0, 1, 0xb1}, {12961, 0, 0, 0x2a26}, {12969, 0, 0, 0x2a27}, {12977, 0, 0, 0xb1},
    {12980, 0, 0, 0x2a15}, {12989, 0, 0, 0x1d561}, {12994, 0, 1, 0xa3}, {13000, 0, 0, 0x227a},
    {13003, 0, 0, 0x2ab3}, {13007, 0, 0, 0x2ab7}, {13012, 0, 0, 0x227c}, {13018, 0, 0, 0x2aaf},
    {13022, 0, 0, 0x227a}, {13027, 0, 0, 0x2ab7}, {13038, 0, 0, 0x227c}, {13050, 0, 0, 0x2aaf},
    {13057, 0, 0, 0x2ab9}, {13069, 0, 0, 0x2ab5}, {13078, 0, 0, 0x22e8}, {13087, 0, 0, 0x227e},
    {13095, 0, 0, 0x2032}, {13101, 0, 0, 0x2119}, {13108, 0, 0, 0x2ab5}, {13113, 0, 0, 0x2ab9},
    {13119, 0, 0, 0x22e8}, {13126, 0, 0, 0x220f}, {13131, 0, 0, 0x232e}, {13140, 0, 0, 0x2312},
    {13149, 0, 0, 0x2313}, {13158, 0, 0, 0x221d}, {13163, 0, 0, 0x221d}, {13170, 0, 0, 0x227e},
    {13176, 0, 0, 0x22b0}, {13183, 0, 0, 0x1d4c5}, {13188, 0, 0, 0x3c8}, {13192, 0, 0, 0x2008},
    {13199, 0, 0, 0x1d52e}, {13203, 0, 0, 0x2a0c}, {13208, 0, 0, 0x1d562}, {13213, 0, 0, 0x2057},
    {13220, 0, 0, 0x1d4c6}, {13225, 0, 0, 0x210d}, {13237, 0, 0, 0x2a16}, {13245, 0, 0, 0x3f},
    {13251, 0, 0, 0x225f}, {13259, 0, 1, 0x22}, {13264, 0, 0, 0x21db}, {13270, 0, 0, 0x21d2},
    {13275, 0, 0, 0x291c}, {13282, 0, 0, 0x290f}, {13288, 0, 0, 0x2964}, {13293, 2, 0, 0x223d},
    {13298, 0, 0, 0x155}, {13305, 0, 0, 0x221a}, {13311, 0, 0, 0x29b3}, {13320, 0, 0, 0x27e9},
    {13325, 0, 0, 0x2992}, {13331, 0, 0, 0x29a5}, {13337, 0, 0, 0x27e9}, {13344, 0, 1, 0xbb},
    {13350, 0, 0, 0x2192}, {13355, 0, 0, 0x2975}, {13362, 0, 0, 0x21e5}, {13368, 0, 0, 0x2920},
    {13376, 0, 0, 0x2933}, {13382, 0, 0, 0x291e}, {13389, 0, 0, 0x21aa}, {13396, 0, 0, 0x21ac},
    {13403, 0, 0, 0x2945}, {13410, 0, 0, 0x2974}, {13418, 0, 0, 0x21a3}, {13425, 0, 0, 0x219d},
    {13431, 0, 0, 0x291a}, {13438, 0, 0, 0x2236}, {13444, 0, 0, 0x211a}, {13454, 0, 0, 0x290d},
    {13460, 0, 0, 0x2773}, {13466, 0, 0, 0x7d}, {13473, 0, 0, 0x5d}, {13480, 0, 0, 0x298c},
    {13486, 0, 0, 0x298e}, {13494, 0, 0, 0x2990}, {13502, 0, 0, 0x159}, {13509, 0, 0, 0x157},
    {13516, 0, 0, 0x2309}, {13522, 0, 0, 0x7d}, {13527, 0, 0, 0x440}, {13531, 0, 0, 0x2937},
    {13536, 0, 0, 0x2969}, {13544, 0, 0, 0x201d}, {13550, 0, 0, 0x201d}, {13557, 0, 0, 0x21b3},
    {13562, 0, 0, 0x211c}, {13567, 0, 0, 0x211b}, {13575, 0, 0, 0x211c}, {13584, 0, 0, 0x211d},
    {13590, 0, 0, 0x25ad}, {13595, 0, 1, 0xae}, {13599, 0, 0, 0x297d}, {13606, 0, 0, 0x230b},
    {13613, 0, 0, 0x1d52f}, {13617, 0, 0, 0x21c1}, {13623, 0, 0, 0x21c0}, {13629, 0, 0, 0x296c},
    {13636, 0, 0, 0x3c1}, {13640, 0, 0, 0x3f1}, {13645, 0, 0, 0x2192}, {13656, 0, 0, 0x21a3},
    {13671, 0, 0, 0x21c1}, {13688, 0, 0, 0x21c0}, {13703, 0, 0, 0x21c4}, {13719, 0, 0, 0x21cc},
    {13737, 0, 0, 0x21c9}, {13754, 0, 0, 0x219d}, {13770, 0, 0, 0x22cc}, {13786, 0, 0, 0x2da},
    {13791, 0, 0, 0x2253}, {13804, 0, 0, 0x21c4}, {13810, 0, 0, 0x21cc}, {13816, 0, 0, 0x200f},
    {13820, 0, 0, 0x23b1}, {13827, 0, 0, 0x23b1}, {13838, 0, 0, 0x2aee}, {13844, 0, 0, 0x27ed},
    {13850, 0, 0, 0x21fe}, {13856, 0, 0, 0x27e7}, {13862, 0, 0, 0x2986}, {13868, 0, 0, 0x1d563},
    {13873, 0, 0, 0x2a2e}, {13880, 0, 0, 0x2a35}, {13888, 0, 0, 0x29}, {13893, 0, 0, 0x2994},
    {13900, 0, 0, 0x2a12}, {13909, 0, 0, 0x21c9}, {13915, 0, 0, 0x203a}, {13922, 0, 0, 0x1d4c7},
    {13927, 0, 0, 0x21b1}, {13931, 0, 0, 0x5d}, {13936, 0, 0, 0x2019}, {13942, 0, 0, 0x2019},
    {13949, 0, 0, 0x22cc}, {13956, 0, 0, 0x22ca}, {13963, 0, 0, 0x25b9}, {13968, 0, 0, 0x22b5},
    {13974, 0, 0, 0x25b8}, {13980, 0, 0, 0x29ce}, {13989, 0, 0, 0x2968}, {13997, 0, 0, 0x211e},
    {14000, 0, 0, 0x15b}, {14007, 0, 0, 0x201a}, {14013, 0, 0, 0x227b}, {14016, 0, 0, 0x2ab4},
    {14020, 0, 0, 0x2ab8}, {14025, 0, 0, 0x161}, {14032, 0, 0, 0x227d}, {14038, 0, 0, 0x2ab0},
    {14042, 0, 0, 0x15f}, {14049, 0, 0, 0x15d}, {14055, 0, 0, 0x2ab6}, {14060, 0, 0, 0x2aba},
    {14066, 0, 0, 0x22e9}, {14073, 0, 0, 0x2a13}, {14082, 0, 0, 0x227f}, {14088, 0, 0, 0x441},
    {14092, 0, 0, 0x22c5}, {14097, 0, 0, 0x22a1}, {14103, 0, 0, 0x2a66}, {14109, 0, 0, 0x21d8},
    {14115, 0, 0, 0x2925}, {14122, 0, 0, 0x2198}, {14128, 0, 0, 0x2198}, {14136, 0, 1, 0xa7},
    {14141, 0, 0, 0x3b}, {14146, 0, 0, 0x2929}, {14153, 0, 0, 0x2216}, {14162, 0, 0, 0x2216},
    {14168, 0, 0, 0x2736}, {14173, 0, 0, 0x1d530}, {14177, 0, 0, 0x2322}, {14184, 0, 0, 0x266f},
    {14190, 0, 0, 0x449}, {14197, 0, 0, 0x448}, {14202, 0, 0, 0x2223}, {14211, 0, 0, 0x2225},
    {14225, 0, 1, 0xad}, {14229, 0, 0, 0x3c3}, {14235, 0, 0, 0x3c2}, {14242, 0, 0, 0x3c2},
    {14249, 0, 0, 0x223c}, {14253, 0, 0, 0x2a6a}, {14260, 0, 0, 0x2243}, {14265, 0, 0, 0x2243},
    {14271, 0, 0, 0x2a9e}, {14276, 0, 0, 0x2aa0}, {14282, 0, 0, 0x2a9d}, {14287, 0, 0, 0x2a9f},
    {14293, 0, 0, 0x2246}, {14299, 0, 0, 0x2a24}, {14307, 0, 0, 0x2972}, {14315, 0, 0, 0x2190},
    {14321, 0, 0, 0x2216}, {14335, 0, 0, 0x2a33}, {14342, 0, 0, 0x29e4}, {14351, 0, 0, 0x2223},
    {14356, 0, 0, 0x2323}, {14362, 0, 0, 0x2aaa}, {14366, 0, 0, 0x2aac}, {14371, 8, 0, 0x2aac},
    {14377, 0, 0, 0x44c}, {14384, 0, 0, 0x2f}, {14388, 0, 0, 0x29c4}, {14393, 0, 0, 0x233f},
    {14400, 0, 0, 0x1d564}, {14405, 0, 0, 0x2660}, {14412, 0, 0, 0x2660}, {14422, 0, 0, 0x2225},
    {14427, 0, 0, 0x2293}, {14433, 8, 0, 0x2293}, {14440, 0, 0, 0x2294}, {14446, 8, 0, 0x2294},
    {14453, 0, 0, 0x228f}, {14459, 0, 0, 0x2291}, {14466, 0, 0, 0x228f}, {14475, 0, 0, 0x2291},
    {14486, 0, 0, 0x2290}, {14492, 0, 0, 0x2292}, {14499, 0, 0, 0x2290}, {14508, 0, 0, 0x2292},
    {14519, 0, 0, 0x25a1}, {14523, 0, 0, 0x25a1}, {14530, 0, 0, 0x25aa}, {14537, 0, 0, 0x25aa},
    {14542, 0, 0, 0x2192}, {14548, 0, 0, 0x1d4c8}, {14553, 0, 0, 0x2216}, {14560, 0, 0, 0x2323},
    {14567, 0, 0, 0x22c6}, {14574, 0, 0, 0x2606}, {14579, 0, 0, 0x2605}, {14585, 0, 0, 0x3f5},
    {14601, 0, 0, 0x3d5}, {14613, 0, 0, 0xaf}, {14619, 0, 0, 0x2282}, {14623, 0, 0, 0x2ac5},
    {14628, 0, 0, 0x2abd}, {14635, 0, 0, 0x2286}, {14640, 0, 0, 0x2ac3}, {14648, 0, 0, 0x2ac1},
    {14656, 0, 0, 0x2acb}, {14662, 0, 0, 0x228a}, {14668, 0, 0, 0x2abf}, {14676, 0, 0, 0x2979},
    {14684, 0, 0, 0x2282}, {14691, 0, 0, 0x2286}, {14700, 0, 0, 0x2ac5}, {14710, 0, 0, 0x228a},
    {14720, 0, 0, 0x2acb}, {14731, 0, 0, 0x2ac7}, {14738, 0, 0, 0x2ad5}, {14745, 0, 0, 0x2ad3},
    {14752, 0, 0, 0x227b}, {14757, 0, 0, 0x2ab8}, {14768, 0, 0, 0x227d}, {14780, 0, 0, 0x2ab0},
    {14787, 0, 0, 0x2aba}, {14799, 0, 0, 0x2ab6}, {14808, 0, 0, 0x22e9}, {14817, 0, 0, 0x227f},
    {14825, 0, 0, 0x2211}, {14829, 0, 0, 0x266a}, {14834, 0, 0, 0x2283}, {14838, 0, 1, 0xb9},
    {14843, 0, 1, 0xb2}, {14848, 0, 1, 0xb3}, {14853, 0, 0, 0x2ac6}, {14858, 0, 0, 0x2abe},
    {14865, 0, 0, 0x2ad8}, {14873, 0, 0, 0x2287}, {14878, 0, 0, 0x2ac4}, {14886, 0, 0, 0x27c9},
    {14894, 0, 0, 0x2ad7}, {14902, 0, 0, 0x297b}, {14910, 0, 0, 0x2ac2}, {14918, 0, 0, 0x2acc},
    {14924, 0, 0, 0x228b}, {14930, 0, 0, 0x2ac0}, {14938, 0, 0, 0x2283}, {14945, 0, 0, 0x2287},
    {14954, 0, 0, 0x2ac6}, {14964, 0, 0, 0x228b}, {14974, 0, 0, 0x2acc}, {14985, 0, 0, 0x2ac8},
    {14992, 0, 0, 0x2ad4}, {14999, 0, 0, 0x2ad6}, {15006, 0, 0, 0x21d9}, {15012, 0, 0, 0x2926},
    {15019, 0, 0, 0x2199}, {15025, 0, 0, 0x2199}, {15033, 0, 0, 0x292a}, {15040, 0, 1, 0xdf},
    {15046, 0, 0, 0x2316}, {15053, 0, 0, 0x3c4}, {15057, 0, 0, 0x23b4}, {15062, 0, 0, 0x165},
    {15069, 0, 0, 0x163}, {15076, 0, 0, 0x442}, {15080, 0, 0, 0x20db}, {15085, 0, 0, 0x2315},
    {15092, 0, 0, 0x1d531}, {15096, 0, 0, 0x2234}, {15103, 0, 0, 0x2234}, {15113, 0, 0, 0x3b8},
    {15119, 0, 0, 0x3d1}, {15128, 0, 0, 0x3d1}, {15135, 0, 0, 0x2248}, {15147, 0, 0, 0x223c},
    {15156, 0, 0, 0x2009}, {15163, 0, 0, 0x2248}, {15169, 0, 0, 0x223c}, {15176, 0, 1, 0xfe},
    {15182, 0, 0, 0x2dc}, {15188, 0, 1, 0xd7}, {15194, 0, 0, 0x22a0}, {15201, 0, 0, 0x2a31},
    {15210, 0, 0, 0x2a30}, {15217, 0, 0, 0x222d}, {15222, 0, 0, 0x2928}, {15227, 0, 0, 0x22a4},
    {15231, 0, 0, 0x2336}, {15238, 0, 0, 0x2af1}, {15245, 0, 0, 0x1d565}, {15250, 0, 0, 0x2ada},
    {15258, 0, 0, 0x2929}, {15263, 0, 0, 0x2034}, {15270, 0, 0, 0x2122}, {15276, 0, 0, 0x25b5},
    {15285, 0, 0, 0x25bf}, {15298, 0, 0, 0x25c3}, {15311, 0, 0, 0x22b4}, {15326, 0, 0, 0x225c},
    {15336, 0, 0, 0x25b9}, {15350, 0, 0, 0x22b5}, {15366, 0, 0, 0x25ec}, {15373, 0, 0, 0x225c},
    {15378, 0, 0, 0x2a3a}, {15387, 0, 0, 0x2a39}, {15395, 0, 0, 0x29cd}, {15401, 0, 0, 0x2a3b},
    {15409, 0, 0, 0x23e2}, {15418, 0, 0, 0x1d4c9}, {15423, 0, 0, 0x446}, {15428, 0, 0, 0x45b},
    {15434, 0, 0, 0x167}, {15441, 0, 0, 0x226c}, {15447, 0, 0, 0x219e}, {15464, 0, 0, 0x21a0},
    {15482, 0, 0, 0x21d1}, {15487, 0, 0, 0x2963}, {15492, 0, 1, 0xfa}, {15499, 0, 0, 0x2191},
    {15504, 0, 0, 0x45e}, {15510, 0, 0, 0x16d}, {15517, 0, 1, 0xfb}, {15523, 0, 0, 0x443},
    {15527, 0, 0, 0x21c5}, {15533, 0, 0, 0x171}, {15540, 0, 0, 0x296e}, {15546, 0, 0, 0x297e},
    {15553, 0, 0, 0x1d532}, {15557, 0, 1, 0xf9}, {15564, 0, 0, 0x21bf}, {15570, 0, 0, 0x21be},
    {15576, 0, 0, 0x2580}, {15582, 0, 0, 0x231c}, {15589, 0, 0, 0x231c}, {15598, 0, 0, 0x230f},
    {15605, 0, 0, 0x25f8}, {15611, 0, 0, 0x16b}, {15617, 0, 1, 0xa8}, {15621, 0, 0, 0x173},
    {15627, 0, 0, 0x1d566}, {15632, 0, 0, 0x2191}, {15640, 0, 0, 0x2195}, {15652, 0, 0, 0x21bf},
    {15666, 0, 0, 0x21be}, {15681, 0, 0, 0x228e}, {15687, 0, 0, 0x3c5}, {15692, 0, 0, 0x3d2},
    {15698, 0, 0, 0x3c5}, {15706, 0, 0, 0x21c8}, {15717, 0, 0, 0x231d}, {15724, 0, 0, 0x231d},
    {15733, 0, 0, 0x230e}, {15740, 0, 0, 0x16f}, {15746, 0, 0, 0x25f9}, {15752, 0, 0, 0x1d4ca},
    {15757, 0, 0, 0x22f0}, {15763, 0, 0, 0x169}, {15770, 0, 0, 0x25b5}, {15775, 0, 0, 0x25b4},
    {15781, 0, 0, 0x21c8}, {15787, 0, 1, 0xfc}, {15792, 0, 0, 0x29a7}, {15800, 0, 0, 0x21d5},
    {15805, 0, 0, 0x2ae8}, {15810, 0, 0, 0x2ae9}, {15816, 0, 0, 0x22a8}, {15822, 0, 0, 0x299c},
    {15829, 0, 0, 0x3f5}, {15840, 0, 0, 0x3f0}, {15849, 0, 0, 0x2205}, {15860, 0, 0, 0x3d5},
    {15867, 0, 0, 0x3d6}, {15873, 0, 0, 0x221d}, {15883, 0, 0, 0x2195}, {15888, 0, 0, 0x3f1},
    {15895, 0, 0, 0x3c2}, {15904, 8, 0, 0x228a}, {15917, 8, 0, 0x2acb}, {15931, 8, 0, 0x228b},
    {15944, 8, 0, 0x2acc}, {15958, 0, 0, 0x3d1}, {15967, 0, 0, 0x22b2}, {15983, 0, 0, 0x22b3},
    {16000, 0, 0, 0x432}, {16004, 0, 0, 0x22a2}, {16010, 0, 0, 0x2228}, {16014, 0, 0, 0x22bb},
    {16021, 0, 0, 0x225a}, {16027, 0, 0, 0x22ee}, {16034, 0, 0, 0x7c}, {16041, 0, 0, 0x7c},
    {16046, 0, 0, 0x1d533}, {16050, 0, 0, 0x22b2}, {16056, 6, 0, 0x2282}, {16062, 6, 0, 0x2283},
    {16068, 0, 0, 0x1d567}, {16073, 0, 0, 0x221d}, {16079, 0, 0, 0x22b3}, {16085, 0, 0, 0x1d4cb},
    {16090, 8, 0, 0x2acb}, {16097, 8, 0, 0x228a}, {16104, 8, 0, 0x2acc}, {16111, 8, 0, 0x228b},
    {16118, 0, 0, 0x299a}, {16126, 0, 0, 0x175}, {16132, 0, 0, 0x2a5f}, {16139, 0, 0, 0x2227},
    {16145, 0, 0, 0x2259}, {16152, 0, 0, 0x2118}, {16159, 0, 0, 0x1d534}, {16163, 0, 0, 0x1d568},
    {16168, 0, 0, 0x2118}, {16171, 0, 0, 0x2240}, {16174, 0, 0, 0x2240}, {16181, 0, 0, 0x1d4cc},
    {16186, 0, 0, 0x22c2}, {16191, 0, 0, 0x25ef}, {16197, 0, 0, 0x22c3}, {16202, 0, 0, 0x25bd},
    {16208, 0, 0, 0x1d535}, {16212, 0, 0, 0x27fa}, {16218, 0, 0, 0x27f7}, {16224, 0, 0, 0x3be},
    {16227, 0, 0, 0x27f8}, {16233, 0, 0, 0x27f5}, {16239, 0, 0, 0x27fc}, {16244, 0, 0, 0x22fb},
    {16249, 0, 0, 0x2a00}, {16255, 0, 0, 0x1d569}, {16260, 0, 0, 0x2a01}, {16267, 0, 0, 0x2a02},
    {16274, 0, 0, 0x27f9}, {16280, 0, 0, 0x27f6}, {16384, 0, 0, 0x1d4cd}, {16389, 0, 0, 0x2a06},
    {16396, 0, 0, 0x2a04}, {16403, 0, 0, 0x25b3}, {16409, 0, 0, 0x22c1}, {16414, 0, 0, 0x22c0},
    {16421, 0, 1, 0xfd}, {16428, 0, 0, 0x44f}, {16433, 0, 0, 0x177}, {16439, 0, 0, 0x44b},
    {16443, 0, 1, 0xa5}, {16447, 0, 0, 0x1d536}, {16451, 0, 0, 0x457}, {16456, 0, 0, 0x1d56a},
    {16461, 0, 0, 0x1d4ce}, {16466, 0, 0, 0x44e}, {16471, 0, 1, 0xff}, {16476, 0, 0, 0x17a},
    {16483, 0, 0, 0x17e}, {16490, 0, 0, 0x437}, {16494, 0, 0, 0x17c}, {16499, 0, 0, 0x2128},
    {16506, 0, 0, 0x3b6}, {16511, 0, 0, 0x1d537}, {16515, 0, 0, 0x436}, {16520, 0, 0, 0x21dd},
    {16528, 0, 0, 0x1d56b}, {16533, 0, 0, 0x1d4cf}, {16538, 0, 0, 0x200d}, {16542, 0, 0, 0x200c},
};

/* second codepoints of the two-char entities */
static const uint16_t pm__html_second[8] = {
    0x6a, 0x331, 0x333, 0x338, 0x200a, 0x20d2, 0x20e5, 0xfe00,
};

/* numeric references 0x80..0x9f are read as Windows-1252 (html._invalid_charrefs) */
static const uint16_t pm__html_cp1252[32] = {
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
    0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
    0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
};

/* codepoints a numeric reference drops (html._invalid_codepoints), ranges */
static const uint32_t pm__html_bad[22][2] = {
    {0x1, 0x8}, {0xb, 0xb}, {0xe, 0x1f}, {0x7f, 0x9f}, {0xfdd0, 0xfdef}, {0xfffe, 0xffff},
    {0x1fffe, 0x1ffff}, {0x2fffe, 0x2ffff}, {0x3fffe, 0x3ffff}, {0x4fffe, 0x4ffff},
    {0x5fffe, 0x5ffff}, {0x6fffe, 0x6ffff}, {0x7fffe, 0x7ffff}, {0x8fffe, 0x8ffff},
    {0x9fffe, 0x9ffff}, {0xafffe, 0xaffff}, {0xbfffe, 0xbffff}, {0xcfffe, 0xcffff},
    {0xdfffe, 0xdffff}, {0xefffe, 0xeffff}, {0xffffe, 0xfffff}, {0x10fffe, 0x10ffff},
};

/* table bytes, total 66171:
     pm__uprop                      8728
     pm__uprop_ascii                 128
     pm__lower                      2896
     pm__ccc                        2284
     pm__nfd                       16828
     pm__nfc_pairs                  1882
     pm__html_names                16169
     pm__html_ents                 17000
     pm__html_second/cp1252/bad      256
*/
/* END GENERATED: tools/gen_unicode_tables.py */

/* flags of pm__uprop */
#define PM__CL_NONE      0u    /* matched by no alternative (whitespace, U+0345) */
#define PM__CL_LETTER    1u    /* [\p{L}] */
#define PM__CL_NUMBER    2u    /* [\p{N}] */
#define PM__CL_OTHER     3u    /* [^\s\p{L}\p{N}] */
#define PM__UP_CLASS     3u
#define PM__UP_RESPACE   4u    /* regex \s */
#define PM__UP_PYSPACE   8u    /* str.isspace() */
#define PM__UP_IGNORABLE 16u   /* skipped by the final-sigma context scan */
#define PM__UP_CASED     32u   /* cased (and not ignorable) */

#define PM__TOK_MAX_TEXT   ((size_t)1 << 26)   /* longest text encode accepts */
#define PM__TOK_MAX_MERGES (1 << 24)

#define PM__TOK_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --------------------------------------------------------------------------
   small growable arrays
   -------------------------------------------------------------------------- */

/* Growable array of uint32_t (codepoints). */
typedef struct {
    uint32_t *v;
    size_t n, cap;
} pm__tok_u32vec;

/* Growable array of int32_t (token ids). */
typedef struct {
    int32_t *v;
    size_t n, cap;
} pm__tok_i32vec;

/* Computes a new capacity >= need for an array of elem-byte items, or 0 on overflow. */
static size_t pm__tok_grow_cap(size_t cap, size_t need, size_t elem)
{
    size_t c = cap ? cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2) return 0;
        c *= 2;
    }
    if (c > SIZE_MAX / elem) return 0;
    return c;
}

/* Makes room for `extra` more items in b. */
static int pm__tok_u32vec_reserve(pm__tok_u32vec *b, size_t extra)
{
    size_t cap;
    uint32_t *p;
    if (extra <= b->cap - b->n) return 0;
    if (extra > SIZE_MAX - b->n) return pm__errorf("tokenizer: text too long");
    cap = pm__tok_grow_cap(b->cap, b->n + extra, sizeof(uint32_t));
    if (!cap) return pm__errorf("tokenizer: text too long");
    p = (uint32_t *)PM_REALLOC(b->v, cap * sizeof(uint32_t));
    if (!p) return pm__errorf("tokenizer: out of memory");
    b->v = p;
    b->cap = cap;
    return 0;
}

/* Appends one codepoint. */
static int pm__tok_u32vec_push(pm__tok_u32vec *b, uint32_t c)
{
    if (b->n == b->cap && pm__tok_u32vec_reserve(b, 1)) return -1;
    b->v[b->n++] = c;
    return 0;
}

/* Appends one token id. */
static int pm__tok_i32vec_push(pm__tok_i32vec *b, int32_t x)
{
    if (b->n == b->cap) {
        size_t cap = pm__tok_grow_cap(b->cap, b->n + 1, sizeof(int32_t));
        int32_t *p;
        if (!cap) return pm__errorf("tokenizer: text too long");
        p = (int32_t *)PM_REALLOC(b->v, cap * sizeof(int32_t));
        if (!p) return pm__errorf("tokenizer: out of memory");
        b->v = p;
        b->cap = cap;
    }
    b->v[b->n++] = x;
    return 0;
}

/* --------------------------------------------------------------------------
   Unicode property lookups
   -------------------------------------------------------------------------- */

/* Value of a range table of (start << 8 | value) words (sorted, first start 0) at cp. */
static unsigned pm__tok_range_value(const uint32_t *tab, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;      /* invariant: tab[lo] starts <= cp, tab[hi] > cp */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((tab[mid] >> 8) <= cp) lo = mid;
        else hi = mid;
    }
    return (unsigned)(tab[lo] & 0xffu);
}

/* PM__UP_* flags of a codepoint. */
static unsigned pm__uprop_of(uint32_t cp)
{
    if (cp < 128) return pm__uprop_ascii[cp];
    return pm__tok_range_value(pm__uprop, PM__TOK_COUNT(pm__uprop), cp);
}

/* Canonical combining class of a codepoint (everything below U+0300 is 0). */
static unsigned pm__ccc_of(uint32_t cp)
{
    if (cp < 0x300) return 0;
    return pm__tok_range_value(pm__ccc, PM__TOK_COUNT(pm__ccc), cp);
}

/* Single-codepoint lower-case mapping (U+0130 and U+03A3 are handled by pm__tok_lower_text). */
static uint32_t pm__tok_lower1(uint32_t cp)
{
    size_t lo = 0, hi = PM__TOK_COUNT(pm__lower);
    const int32_t *r;
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp < (uint32_t)pm__lower[0][0]) return cp;
    while (hi - lo > 1) {       /* last run whose first codepoint is <= cp */
        size_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)pm__lower[mid][0] <= cp) lo = mid;
        else hi = mid;
    }
    r = pm__lower[lo];
    if (cp <= (uint32_t)r[1] && (cp - (uint32_t)r[0]) % (uint32_t)r[2] == 0)
        return (uint32_t)((int32_t)cp + r[3]);
    return cp;
}

/* --------------------------------------------------------------------------
   stage 1: UTF-8 decoding with U+FFFD replacement
   -------------------------------------------------------------------------- */

/* Decodes s[0..n) into out (appending); ill-formed subparts become U+FFFD. */
static int pm__tok_utf8_decode(const unsigned char *s, size_t n, pm__tok_u32vec *out)
{
    size_t i = 0;
    if (pm__tok_u32vec_reserve(out, n)) return -1;   /* never more codepoints than bytes */
    while (i < n) {
        uint32_t c = s[i];
        unsigned need, k, lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            out->v[out->n++] = c;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            c &= 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0) lo = 0xa0;               /* no overlong forms */
            if (c == 0xed) hi = 0x9f;               /* no surrogates */
            c &= 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0) lo = 0x90;
            if (c == 0xf4) hi = 0x8f;               /* nothing above U+10FFFF */
            c &= 0x07;
        } else {                                    /* 80..c1, f5..ff */
            out->v[out->n++] = 0xfffd;
            i++;
            continue;
        }
        for (k = 1; k <= need; k++) {
            unsigned b;
            if (i + k >= n) break;
            b = s[i + k];
            if (b < lo || b > hi) break;
            c = (c << 6) | (b & 0x3fu);
            lo = 0x80;
            hi = 0xbf;
        }
        out->v[out->n++] = (k > need) ? c : 0xfffd;
        i += k;                 /* on error: resume at the offending byte */
    }
    return 0;
}

/* Appends the UTF-8 encoding of cp (< 0x110000) to buf, returns the byte count. */
static size_t pm__tok_utf8_put(unsigned char *buf, uint32_t cp)
{
    if (cp < 0x80) {
        buf[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (unsigned char)(0xc0 | (cp >> 6));
        buf[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (unsigned char)(0xe0 | (cp >> 12));
        buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        buf[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    buf[0] = (unsigned char)(0xf0 | (cp >> 18));
    buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    buf[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* --------------------------------------------------------------------------
   stage 2: NFC
   -------------------------------------------------------------------------- */

#define PM__SBASE 0xac00u       /* Hangul syllables (algorithmic) */
#define PM__LBASE 0x1100u
#define PM__VBASE 0x1161u
#define PM__TBASE 0x11a7u
#define PM__LCOUNT 19u
#define PM__VCOUNT 21u
#define PM__TCOUNT 28u
#define PM__SCOUNT (PM__LCOUNT * PM__VCOUNT * PM__TCOUNT)

/* Fields of a pm__nfd row. */
static uint32_t pm__nfd_cp(const uint32_t *r) { return r[0] & 0x1fffffu; }
static uint32_t pm__nfd_second_of(const uint32_t *r)
{
    uint32_t k = (r[0] >> 21) & 0x7fu;
    return k ? pm__nfd_second[k - 1] : 0;
}

/* Row of pm__nfd for cp, or NULL if cp has no canonical decomposition. */
static const uint32_t *pm__nfd_find(uint32_t cp)
{
    size_t lo = 0, hi = PM__TOK_COUNT(pm__nfd);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t c = pm__nfd_cp(pm__nfd[mid]);
        if (c == cp) return pm__nfd[mid];
        if (c < cp) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Primary composite of (a, b) into *out; returns 0 if the pair does not compose. */
static int pm__nfc_compose(uint32_t a, uint32_t b, uint32_t *out)
{
    size_t lo = 0, hi = PM__TOK_COUNT(pm__nfc_pairs);
    if (a >= PM__LBASE && a < PM__LBASE + PM__LCOUNT &&
        b >= PM__VBASE && b < PM__VBASE + PM__VCOUNT) {
        *out = PM__SBASE + ((a - PM__LBASE) * PM__VCOUNT + (b - PM__VBASE)) * PM__TCOUNT;
        return 1;
    }
    if (a >= PM__SBASE && a < PM__SBASE + PM__SCOUNT && (a - PM__SBASE) % PM__TCOUNT == 0 &&
        b > PM__TBASE && b < PM__TBASE + PM__TCOUNT) {
        *out = a + (b - PM__TBASE);
        return 1;
    }
    if (b < 0x300) return 0;    /* no composition has a second char below U+0300 */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint32_t *r = pm__nfd[pm__nfc_pairs[mid]];
        uint32_t ra = r[1], rb = pm__nfd_second_of(r);
        if (ra == a && rb == b) {
            *out = pm__nfd_cp(r);
            return 1;
        }
        if (ra < a || (ra == a && rb < b)) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* Appends the full canonical decomposition of cp to out. */
static int pm__nfd_push(pm__tok_u32vec *out, uint32_t cp)
{
    uint32_t stack[16];         /* the tables nest 3 levels deep at most */
    int sp = 0;
    stack[sp++] = cp;
    while (sp > 0) {
        uint32_t c = stack[--sp], second;
        const uint32_t *r;
        if (c >= PM__SBASE && c < PM__SBASE + PM__SCOUNT) {
            uint32_t s = c - PM__SBASE, t = s % PM__TCOUNT;
            if (pm__tok_u32vec_push(out, PM__LBASE + s / (PM__VCOUNT * PM__TCOUNT))) return -1;
            if (pm__tok_u32vec_push(out, PM__VBASE + (s % (PM__VCOUNT * PM__TCOUNT)) / PM__TCOUNT))
                return -1;
            if (t && pm__tok_u32vec_push(out, PM__TBASE + t)) return -1;
            continue;
        }
        r = (c < 0xc0) ? NULL : pm__nfd_find(c);
        if (!r) {
            if (pm__tok_u32vec_push(out, c)) return -1;
            continue;
        }
        if (sp > 13) return pm__errorf("tokenizer: decomposition table is corrupt");
        second = pm__nfd_second_of(r);
        if (second) stack[sp++] = second;   /* second part after the first */
        stack[sp++] = r[1];
    }
    return 0;
}

/* Stable sort of cp[0..n) by combining class cls[0..n) (all nonzero); tmp holds n items. */
static void pm__tok_ccc_sort(uint32_t *cp, unsigned char *cls, size_t n, uint32_t *tmp)
{
    size_t i, j;
    if (n <= 32 || !tmp) {      /* short runs (the normal case): insertion sort */
        for (i = 1; i < n; i++) {
            uint32_t c = cp[i];
            unsigned char k = cls[i];
            for (j = i; j > 0 && cls[j - 1] > k; j--) {
                cp[j] = cp[j - 1];
                cls[j] = cls[j - 1];
            }
            cp[j] = c;
            cls[j] = k;
        }
        return;
    }
    {                           /* long runs: counting sort, linear time */
        size_t start[257];
        memset(start, 0, sizeof(start));
        for (i = 0; i < n; i++) start[cls[i] + 1]++;
        for (i = 1; i < 257; i++) start[i] += start[i - 1];
        for (i = 0; i < n; i++) tmp[start[cls[i]]++] = cp[i];
        for (i = 0; i < n; i++) {
            cp[i] = tmp[i];
            cls[i] = (unsigned char)pm__ccc_of(tmp[i]);
        }
    }
}

/* NFC of in[0..n) into out (out is reset first). */
static int pm__tok_nfc(const uint32_t *in, size_t n, pm__tok_u32vec *out)
{
    size_t i, w, st;
    unsigned last;
    unsigned char *cls = NULL;
    uint32_t *tmp = NULL;
    out->n = 0;
    for (i = 0; i < n && in[i] < 0x300; i++) {}
    if (i == n) {               /* below U+0300 everything is already NFC */
        if (pm__tok_u32vec_reserve(out, n)) return -1;
        if (n) memcpy(out->v, in, n * sizeof(uint32_t));
        out->n = n;
        return 0;
    }
    /* 1. full canonical decomposition */
    for (i = 0; i < n; i++)
        if (pm__nfd_push(out, in[i])) return -1;
    if (out->n == 0) return 0;
    cls = (unsigned char *)pm__malloc_array(out->n, 1);
    if (!cls) return -1;
    for (i = 0; i < out->n; i++) cls[i] = (unsigned char)pm__ccc_of(out->v[i]);
    /* 2. canonical ordering of each run of non-starters */
    for (i = 0; i < out->n;) {
        size_t j = i;
        while (j < out->n && cls[j]) j++;
        if (j - i > 32 && !tmp) {
            tmp = (uint32_t *)pm__malloc_array(out->n, sizeof(uint32_t));
            if (!tmp) {
                PM_FREE(cls);
                return -1;
            }
        }
        if (j - i > 1) pm__tok_ccc_sort(out->v + i, cls + i, j - i, tmp);
        i = (j > i) ? j : i + 1;
    }
    /* 3. canonical composition, in place: st = last starter, last = class of the
       last character kept after it (0: adjacent to it, 256: no starter yet) */
    st = 0;
    last = cls[0] ? 256 : 0;
    for (i = 1, w = 1; i < out->n; i++) {
        uint32_t c = out->v[i], comp;
        unsigned k = cls[i];
        if ((last < k || last == 0) && pm__nfc_compose(out->v[st], c, &comp)) {
            out->v[st] = comp;
            continue;
        }
        if (k == 0) st = w;
        last = k;
        out->v[w] = c;
        cls[w] = (unsigned char)k;
        w++;
    }
    out->n = w;
    PM_FREE(cls);
    PM_FREE(tmp);
    return 0;
}

/* --------------------------------------------------------------------------
   stage 3: HTML unescape (Python html.unescape)
   -------------------------------------------------------------------------- */

/* Finds the named reference name[0..len) (no ';'); legacy_only: only names valid
   without ';'.  Returns the table row or NULL. */
static const pm__html_entity *pm__tok_html_find(const uint32_t *name, size_t len, int legacy_only)
{
    char buf[40];
    size_t k, lo = 0, hi = PM__TOK_COUNT(pm__html_ents);
    if (len == 0 || len > 32) return NULL;
    for (k = 0; k < len; k++) {
        if (name[k] == 0 || name[k] >= 0x80) return NULL;   /* names are ASCII */
        buf[k] = (char)name[k];
    }
    buf[len] = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        unsigned off = pm__html_ents[mid].name;
        int d = strcmp(buf, pm__html_names[off >> 12] + (off & 0xfffu));
        if (d == 0) {
            if (legacy_only && !pm__html_ents[mid].legacy) return NULL;
            return &pm__html_ents[mid];
        }
        if (d > 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Appends the value of a numeric reference (already clamped to <= 0x110000). */
static int pm__tok_html_numeric(pm__tok_u32vec *out, uint32_t v)
{
    size_t k;
    if (v == 0) return pm__tok_u32vec_push(out, 0xfffd);
    if (v == 0x0d) return pm__tok_u32vec_push(out, 0x0d);
    if (v >= 0x80 && v <= 0x9f) return pm__tok_u32vec_push(out, pm__html_cp1252[v - 0x80]);
    if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return pm__tok_u32vec_push(out, 0xfffd);
    for (k = 0; k < PM__TOK_COUNT(pm__html_bad); k++)
        if (v >= pm__html_bad[k][0] && v <= pm__html_bad[k][1]) return 0;    /* dropped */
    return pm__tok_u32vec_push(out, v);
}

/* Value of an ASCII hex digit, or -1. */
static int pm__tok_hexval(uint32_t c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

/* One pass of html.unescape over in[0..n), result in out (reset first).  Matches
   &#[0-9]+;? | &#[xX][0-9a-fA-F]+;? | &[^\t\n\f <&#;]{1,32};? left to right. */
static int pm__tok_html_unescape(const uint32_t *in, size_t n, pm__tok_u32vec *out)
{
    size_t i = 0;
    out->n = 0;
    if (pm__tok_u32vec_reserve(out, n)) return -1;      /* output is never longer */
    while (i < n) {
        size_t j, len, x;
        const pm__html_entity *e = NULL;
        if (in[i] != '&' || i + 1 == n) {
            out->v[out->n++] = in[i++];
            continue;
        }
        if (in[i + 1] == '#') {                    /* numeric reference */
            uint32_t v = 0;
            int hex = (i + 2 < n && (in[i + 2] == 'x' || in[i + 2] == 'X'));
            j = i + (hex ? 3 : 2);
            while (j < n && (hex ? pm__tok_hexval(in[j]) >= 0 : (in[j] >= '0' && in[j] <= '9'))) {
                v = v * (hex ? 16u : 10u) + (uint32_t)pm__tok_hexval(in[j]);
                if (v > 0x10ffff) v = 0x110000;     /* saturate: any larger is U+FFFD */
                j++;
            }
            if (j == i + (hex ? 3 : 2)) {           /* no digits: not a reference */
                out->v[out->n++] = in[i++];
                continue;
            }
            if (j < n && in[j] == ';') j++;
            if (pm__tok_html_numeric(out, v)) return -1;
            i = j;
            continue;
        }
        /* named reference: up to 32 name characters, then an optional ';' */
        for (j = i + 1; j < n && j - (i + 1) < 32; j++) {
            uint32_t c = in[j];
            if (c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' ||
                c == '#' || c == ';')
                break;
        }
        len = j - (i + 1);
        if (len == 0) {
            out->v[out->n++] = in[i++];
            continue;
        }
        if (j < n && in[j] == ';') {                /* "&name;" */
            e = pm__tok_html_find(in + i + 1, len, 0);
            x = len + 1;                            /* chars consumed after '&' */
            if (!e) {                               /* longest legacy prefix */
                for (x = len; x >= 2 && !e; x--) e = pm__tok_html_find(in + i + 1, x, 1);
                x++;
            }
        } else {                                    /* "&name" */
            e = pm__tok_html_find(in + i + 1, len, 1);
            x = len;
            if (!e) {
                for (x = len - 1; x >= 2 && !e; x--) e = pm__tok_html_find(in + i + 1, x, 1);
                x++;
            }
        }
        if (!e) {                                   /* not a reference: keep the '&' */
            out->v[out->n++] = in[i++];
            continue;
        }
        /* the replacement (1-2 chars) is shorter than the >= 3 chars it replaces, and
           the unmatched rest of the name is copied by the main loop */
        out->v[out->n++] = e->cp;
        if (e->second) out->v[out->n++] = pm__html_second[e->second - 1];
        i += 1 + x;
    }
    return 0;
}

/* --------------------------------------------------------------------------
   stages 4-5: whitespace and lower-casing
   -------------------------------------------------------------------------- */

/* Strips str.isspace() characters from both ends of s[0..*n), in place. */
static void pm__tok_strip(uint32_t *s, size_t *n)
{
    size_t a = 0, b = *n;
    while (a < b && (pm__uprop_of(s[a]) & PM__UP_PYSPACE)) a++;
    while (b > a && (pm__uprop_of(s[b - 1]) & PM__UP_PYSPACE)) b--;
    if (a) memmove(s, s + a, (b - a) * sizeof(uint32_t));
    *n = b - a;
}

/* strip(), runs of \s -> one ' ', strip(): in place on s[0..*n). */
static void pm__tok_clean_space(uint32_t *s, size_t *n)
{
    size_t i, w = 0;
    int in_run = 0;
    pm__tok_strip(s, n);
    for (i = 0; i < *n; i++) {          /* w <= i: writing never overtakes reading */
        if (pm__uprop_of(s[i]) & PM__UP_RESPACE) {
            if (!in_run) s[w++] = ' ';
            in_run = 1;
        } else {
            s[w++] = s[i];
            in_run = 0;
        }
    }
    *n = w;
    pm__tok_strip(s, n);
}

/* Python's final-sigma test for the U+03A3 at s[i]: a cased char before it and
   none after it, skipping case-ignorable chars on both sides. */
static int pm__tok_final_sigma(const uint32_t *s, size_t n, size_t i)
{
    size_t j = i;
    int before = 0;
    while (j > 0) {
        unsigned p = pm__uprop_of(s[--j]);
        if (!(p & PM__UP_IGNORABLE)) {
            before = (p & PM__UP_CASED) != 0;
            break;
        }
    }
    if (!before) return 0;
    for (j = i + 1; j < n; j++) {
        unsigned p = pm__uprop_of(s[j]);
        if (!(p & PM__UP_IGNORABLE)) return !(p & PM__UP_CASED);
    }
    return 1;
}

/* str.lower() of in[0..n) into out (reset first). */
static int pm__tok_lower_text(const uint32_t *in, size_t n, pm__tok_u32vec *out)
{
    size_t i;
    out->n = 0;
    if (pm__tok_u32vec_reserve(out, n)) return -1;
    for (i = 0; i < n; i++) {
        uint32_t c = in[i];
        if (c == 0x130) {                       /* the only multi-char lower-casing */
            if (pm__tok_u32vec_push(out, 'i') || pm__tok_u32vec_push(out, 0x307)) return -1;
            continue;
        }
        if (c == 0x3a3) c = pm__tok_final_sigma(in, n, i) ? 0x3c2 : 0x3c3;
        else c = pm__tok_lower1(c);
        if (pm__tok_u32vec_push(out, c)) return -1;
    }
    return 0;
}

/* --------------------------------------------------------------------------
   stage 6: splitting into pieces
   -------------------------------------------------------------------------- */

/* Does codepoint c match the pattern letter `lit` under regex.IGNORECASE?
   (simple case folding: the ASCII pair, plus U+017F LONG S for 's'; the
   generator checks no other codepoint folds to a letter of the pattern) */
static int pm__tok_ci_eq(uint32_t c, char lit)
{
    if (c == (uint32_t)(unsigned char)lit) return 1;
    if (lit >= 'a' && lit <= 'z' && c == (uint32_t)(lit - 'a' + 'A')) return 1;
    return lit == 's' && c == 0x17f;
}

/* Matches the literal `lit` case-insensitively at s[i..n); returns its length or 0.
   *exact is set to 1 if the text is the literal itself. */
static size_t pm__tok_ci_match(const uint32_t *s, size_t n, size_t i, const char *lit, int *exact)
{
    size_t k;
    *exact = 1;
    for (k = 0; lit[k]; k++) {
        if (i + k >= n || !pm__tok_ci_eq(s[i + k], lit[k])) return 0;
        if (s[i + k] != (uint32_t)(unsigned char)lit[k]) *exact = 0;
    }
    return k;
}

/* Length of the piece the split pattern matches at s[i] (0: no match here, skip
   one char).  *special: 1 for an exact "<|startoftext|>", 2 for "<|endoftext|>". */
static size_t pm__tok_split_at(const uint32_t *s, size_t n, size_t i, int *special)
{
    size_t len;
    int exact;
    unsigned cl;
    *special = 0;
    if (s[i] == '<') {
        if ((len = pm__tok_ci_match(s, n, i, "<|startoftext|>", &exact)) != 0) {
            *special = exact ? 1 : 0;
            return len;
        }
        if ((len = pm__tok_ci_match(s, n, i, "<|endoftext|>", &exact)) != 0) {
            *special = exact ? 2 : 0;
            return len;
        }
    }
    if (s[i] == '\'' && i + 1 < n) {
        uint32_t a = s[i + 1];
        if (pm__tok_ci_eq(a, 's') || pm__tok_ci_eq(a, 't') || pm__tok_ci_eq(a, 'm') ||
            pm__tok_ci_eq(a, 'd'))
            return 2;
        if (i + 2 < n) {
            uint32_t b = s[i + 2];
            if ((pm__tok_ci_eq(a, 'r') && pm__tok_ci_eq(b, 'e')) ||
                (pm__tok_ci_eq(a, 'v') && pm__tok_ci_eq(b, 'e')) ||
                (pm__tok_ci_eq(a, 'l') && pm__tok_ci_eq(b, 'l')))
                return 3;
        }
    }
    cl = pm__uprop_of(s[i]) & PM__UP_CLASS;
    if (cl == PM__CL_NONE) return 0;
    if (cl == PM__CL_NUMBER) return 1;
    for (len = 1; i + len < n && (pm__uprop_of(s[i + len]) & PM__UP_CLASS) == cl; len++) {}
    return len;                 /* a run of letters, or a run of "other" chars */
}

/* --------------------------------------------------------------------------
   stages 1-6 together: the pieces of a text (encoding and pm_bpe_train)
   -------------------------------------------------------------------------- */

/* Stages 1-5 of utf8[0..len): the cleaned, lower-cased codepoints in *out (reset first);
   tmp is scratch. */
static int pm__tok_clean_text(const char *utf8, size_t len, pm__tok_u32vec *out,
                              pm__tok_u32vec *tmp)
{
    out->n = 0;
    if (pm__tok_utf8_decode((const unsigned char *)utf8, len, out)) return -1;
    if (pm__tok_nfc(out->v, out->n, tmp)) return -1;
    if (pm__tok_html_unescape(tmp->v, tmp->n, out)) return -1;
    if (pm__tok_html_unescape(out->v, out->n, tmp)) return -1;
    pm__tok_strip(tmp->v, &tmp->n);
    pm__tok_clean_space(tmp->v, &tmp->n);
    return pm__tok_lower_text(tmp->v, tmp->n, out);
}

/* Walks the pieces of a cleaned text (stage 6), handing out each as UTF-8 bytes. */
typedef struct {
    const uint32_t *cp;         /* the cleaned text */
    size_t n, at;               /* its length; where the next piece starts */
    unsigned char *bytes;       /* UTF-8 of the current piece (owned, PM_FREE) */
    size_t cap;                 /* bytes allocated */
} pm__tok_pieces;

/* Moves to the next piece. Returns 1 with *special = 1 or 2 for an exact <|startoftext|> or
   <|endoftext|>, else *special = 0 and the piece in it->bytes[0..*nb); 0 after the last
   piece; -1 when memory runs out. */
static int pm__tok_next_piece(pm__tok_pieces *it, size_t *nb, int *special)
{
    size_t k, plen = 0;
    while (it->at < it->n && (plen = pm__tok_split_at(it->cp, it->n, it->at, special)) == 0)
        it->at++;
    if (it->at >= it->n) return 0;
    it->at += plen;
    *nb = 0;
    if (*special) return 1;
    if (plen > it->cap / 4) {   /* plen <= n <= 8 * PM__TOK_MAX_TEXT */
        PM_FREE(it->bytes);
        it->cap = 0;
        it->bytes = (unsigned char *)pm__malloc_array(plen, 4);
        if (!it->bytes) return -1;
        it->cap = plen * 4;
    }
    for (k = it->at - plen; k < it->at; k++) *nb += pm__tok_utf8_put(it->bytes + *nb, it->cp[k]);
    return 1;
}

/* --------------------------------------------------------------------------
   stage 7: BPE
   -------------------------------------------------------------------------- */

/* One slot of the merge hash table: pair of symbol ids -> rank and merged id. */
typedef struct {
    int32_t left, right;        /* left < 0: empty slot */
    int32_t rank, merged;
} pm__tok_pair_slot;

struct pm__tokenizer {
    int n_merges;
    int32_t sot, eot;           /* 512 + n_merges, 513 + n_merges */
    int32_t byte_sym[256];      /* symbol id of byte b */
    int32_t byte_eow[256];      /* symbol id of byte b followed by "</w>" */
    pm__tok_pair_slot *pairs;       /* open addressing, pair_mask + 1 slots */
    size_t pair_mask;
};

/* Hash slot index of the pair (l, r). */
static size_t pm__tok_pair_hash(int32_t l, int32_t r, size_t mask)
{
    uint64_t k = ((uint64_t)(uint32_t)l << 32) | (uint32_t)r;
    k *= 0x9e3779b97f4a7c15ull;
    return (size_t)(k >> 29) & mask;
}

/* The merge (l, r), or NULL if that pair is not a merge. */
static const pm__tok_pair_slot *pm__tok_pair_find(const pm__tokenizer *t, int32_t l, int32_t r)
{
    size_t h = pm__tok_pair_hash(l, r, t->pair_mask);
    for (;;) {
        const pm__tok_pair_slot *s = &t->pairs[h];
        if (s->left < 0) return NULL;
        if (s->left == l && s->right == r) return s;
        h = (h + 1) & t->pair_mask;
    }
}

/* Scratch memory of the BPE of one piece, grown on demand. */
typedef struct {
    int32_t *sym;               /* symbol at each position, -1 once merged away */
    int32_t *next, *prev;       /* linked list of live positions */
    uint64_t *heap;             /* min-heap of (rank << 32 | position) */
    uint64_t *pend;             /* pairs created in the current round */
    size_t cap;
} pm__bpe_work;

static void pm__bpe_work_free(pm__bpe_work *w)
{
    PM_FREE(w->sym);
    PM_FREE(w->next);
    PM_FREE(w->prev);
    PM_FREE(w->heap);
    PM_FREE(w->pend);
}

/* Makes room for a piece of n bytes. */
static int pm__bpe_work_reserve(pm__bpe_work *w, size_t n)
{
    size_t cap;
    if (n <= w->cap) return 0;
    cap = pm__tok_grow_cap(w->cap, n, 3 * sizeof(uint64_t));
    if (!cap || cap > 0x7fffffffu) return pm__errorf("tokenizer: piece too long");
    pm__bpe_work_free(w);
    memset(w, 0, sizeof(*w));
    w->sym = (int32_t *)pm__malloc_array(cap, sizeof(int32_t));
    w->next = (int32_t *)pm__malloc_array(cap, sizeof(int32_t));
    w->prev = (int32_t *)pm__malloc_array(cap, sizeof(int32_t));
    w->heap = (uint64_t *)pm__malloc_array(cap, 3 * sizeof(uint64_t));
    w->pend = (uint64_t *)pm__malloc_array(cap, 2 * sizeof(uint64_t));
    if (!w->sym || !w->next || !w->prev || !w->heap || !w->pend) {
        pm__bpe_work_free(w);
        memset(w, 0, sizeof(*w));
        return pm__errorf("tokenizer: out of memory");
    }
    w->cap = cap;
    return 0;
}

/* Min-heap insert. */
static void pm__tok_heap_push(uint64_t *h, size_t *n, uint64_t key)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h[p] <= key) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = key;
}

/* Min-heap removal of the smallest key. */
static uint64_t pm__tok_heap_pop(uint64_t *h, size_t *n)
{
    uint64_t top = h[0], last = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && h[c + 1] < h[c]) c++;
        if (last <= h[c]) break;
        h[i] = h[c];
        i = c;
    }
    if (*n > 0) h[i] = last;
    return top;
}

/* Records the pair starting at live position p (if it is a merge) in keys[*n]. */
static void pm__bpe_note_pair(const pm__tokenizer *t, const pm__bpe_work *w, int32_t p,
                              uint64_t *keys, size_t *n, int heap)
{
    const pm__tok_pair_slot *s;
    int32_t q = w->next[p];
    if (q < 0) return;
    s = pm__tok_pair_find(t, w->sym[p], w->sym[q]);
    if (!s) return;
    if (heap) pm__tok_heap_push(keys, n, ((uint64_t)(uint32_t)s->rank << 32) | (uint32_t)p);
    else keys[(*n)++] = ((uint64_t)(uint32_t)s->rank << 32) | (uint32_t)p;
}

/* BPE of one piece given as UTF-8 bytes b[0..nb), nb >= 1; appends ids to out.
   Rounds as in CLIP: take the lowest-ranked pair present, merge all of its
   occurrences left to right; pairs formed during a round wait in `pend` until
   the round is over, so a pair of lower rank cannot jump ahead of it. */
static int pm__bpe_piece(const pm__tokenizer *t, pm__bpe_work *w, const unsigned char *b,
                         size_t nb, pm__tok_i32vec *out)
{
    size_t i, hn = 0, pn = 0;
    int32_t n, cur = -1, p;
    if (pm__bpe_work_reserve(w, nb)) return -1;
    n = (int32_t)nb;
    for (p = 0; p < n; p++) {
        w->sym[p] = (p == n - 1) ? t->byte_eow[b[p]] : t->byte_sym[b[p]];
        w->prev[p] = p - 1;
        w->next[p] = (p == n - 1) ? -1 : p + 1;
    }
    for (p = 0; p + 1 < n; p++) pm__bpe_note_pair(t, w, p, w->heap, &hn, 1);
    for (;;) {
        uint64_t key;
        int32_t rank, q;
        const pm__tok_pair_slot *s;
        if (pn && (hn == 0 || (int32_t)(w->heap[0] >> 32) != cur)) {
            for (i = 0; i < pn; i++) pm__tok_heap_push(w->heap, &hn, w->pend[i]);
            pn = 0;
        }
        if (hn == 0) break;
        key = pm__tok_heap_pop(w->heap, &hn);
        rank = (int32_t)(key >> 32);
        p = (int32_t)(key & 0xffffffffu);
        cur = rank;
        /* stale entry?  the pair at p must still be this merge */
        if (w->sym[p] < 0 || w->next[p] < 0) continue;
        q = w->next[p];
        s = pm__tok_pair_find(t, w->sym[p], w->sym[q]);
        if (!s || s->rank != rank) continue;
        w->sym[p] = s->merged;
        w->sym[q] = -1;
        w->next[p] = w->next[q];
        if (w->next[q] >= 0) w->prev[w->next[q]] = p;
        if (w->prev[p] >= 0) pm__bpe_note_pair(t, w, w->prev[p], w->pend, &pn, 0);
        pm__bpe_note_pair(t, w, p, w->pend, &pn, 0);
    }
    for (p = 0; p >= 0; p = w->next[p])
        if (pm__tok_i32vec_push(out, w->sym[p])) return -1;
    return 0;
}

/* --------------------------------------------------------------------------
   building the tokenizer from the merge list
   -------------------------------------------------------------------------- */

/* Hash map of vocabulary strings (UTF-8 of the byte-symbol alphabet) -> id,
   used only while building; a later id overwrites an earlier equal string,
   like the dict CLIP builds. */
typedef struct {
    uint32_t off, len;          /* string in pool; len 0: empty slot */
    int32_t id;
} pm__tok_str_slot;

typedef struct {
    unsigned char *pool;
    size_t pool_n, pool_cap;
    pm__tok_str_slot *slots;
    size_t mask;
} pm__tok_strmap;

/* FNV-1a over a then b. */
static uint64_t pm__tok_fnv(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < na; i++) h = (h ^ a[i]) * 0x100000001b3ull;
    for (i = 0; i < nb; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* Slot of the string a+b (found, or the empty slot where it would go). */
static pm__tok_str_slot *pm__tok_strmap_slot(const pm__tok_strmap *m,
                                             const unsigned char *a, size_t na,
                                             const unsigned char *b, size_t nb)
{
    size_t h = (size_t)(pm__tok_fnv(a, na, b, nb) >> 16) & m->mask;
    for (;;) {
        pm__tok_str_slot *s = &m->slots[h];
        if (s->len == 0) return s;
        if (s->len == na + nb && memcmp(m->pool + s->off, a, na) == 0 &&
            (nb == 0 || memcmp(m->pool + s->off + na, b, nb) == 0))
            return s;
        h = (h + 1) & m->mask;
    }
}

/* Sets map[a+b] = id (pool and slots are sized in advance by the caller). */
static void pm__tok_strmap_put(pm__tok_strmap *m, const unsigned char *a, size_t na,
                               const unsigned char *b, size_t nb, int32_t id)
{
    pm__tok_str_slot *s = pm__tok_strmap_slot(m, a, na, b, nb);
    if (s->len == 0) {
        PM_ASSERT(m->pool_n + na + nb <= m->pool_cap);
        s->off = (uint32_t)m->pool_n;
        s->len = (uint32_t)(na + nb);
        memcpy(m->pool + m->pool_n, a, na);
        if (nb) memcpy(m->pool + m->pool_n + na, b, nb);
        m->pool_n += na + nb;
    }
    s->id = id;
}

/* map[a], or -1. */
static int32_t pm__tok_strmap_get(const pm__tok_strmap *m, const unsigned char *a, size_t na)
{
    const pm__tok_str_slot *s = pm__tok_strmap_slot(m, a, na, NULL, 0);
    return s->len ? s->id : -1;
}

/* The printable character GPT-2's bytes_to_unicode gives byte b: b itself, or for the 68
   bytes that are not printable (0-32, 127-160, 173) 256 + how many of them come before b. */
static uint32_t pm__tok_byte_char(unsigned b)
{
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) return b;
    if (b <= 32) return 256u + b;
    if (b <= 160) return 256u + 33u + (b - 127u);
    return 256u + 67u; /* 173 */
}

/* Frees a tokenizer (NULL is fine). */
static void pm__tokenizer_free(pm__tokenizer *t)
{
    if (!t) return;
    PM_FREE(t->pairs);
    PM_FREE(t);
}

/* Builds a tokenizer from the merge list text merges[0..len): exactly n_merges
   lines "left right\n" (the last '\n' may be missing), rank order, no header.
   Ids: 256 byte symbols, the same with "</w>", one per merge, <|startoftext|>,
   <|endoftext|>.  Returns NULL (error set) on malformed input. */
static pm__tokenizer *pm__tokenizer_create(const char *merges, size_t len, int n_merges)
{
    typedef struct { uint32_t at, sp, end; } line_t;   /* start, space, end of a line */
    const unsigned char *text = (const unsigned char *)merges;
    pm__tokenizer *t = NULL;
    pm__tok_strmap m;
    line_t *lines = NULL;
    unsigned char buf[8];
    size_t i, pos, nslots, cap;
    int32_t id, k;
    memset(&m, 0, sizeof(m));
    if (n_merges < 0 || n_merges > PM__TOK_MAX_MERGES) {
        pm__errorf("tokenizer: bad merge count %d", n_merges);
        goto fail;
    }
    if (len > 0x7fffffffu) {
        pm__errorf("tokenizer: merge list too large");
        goto fail;
    }
    if (len > 0 && !merges) {
        pm__errorf("tokenizer: merge list missing");
        goto fail;
    }

    /* split the text into lines and check their shape */
    lines = (line_t *)pm__malloc_array((size_t)n_merges + 1, sizeof(line_t));
    if (!lines) goto fail;
    pos = 0;
    for (k = 0; k < n_merges; k++) {
        size_t end, sp = 0;
        int spaces = 0;
        if (pos >= len) {
            pm__errorf("tokenizer: merge list has %d lines, expected %d", (int)k, n_merges);
            goto fail;
        }
        for (end = pos; end < len && text[end] != '\n'; end++) {
            if (text[end] == ' ') {
                spaces++;
                sp = end;
            } else if (text[end] < 0x20 || text[end] == 0x7f) {
                spaces = 2;     /* control characters are never part of a symbol */
            }
        }
        if (spaces != 1 || sp == pos || sp + 1 == end) {
            pm__errorf("tokenizer: merge line %d is malformed", (int)k + 1);
            goto fail;
        }
        lines[k].at = (uint32_t)pos;
        lines[k].sp = (uint32_t)sp;
        lines[k].end = (uint32_t)end;
        pos = (end < len) ? end + 1 : end;
    }
    if (pos < len) {
        pm__errorf("tokenizer: merge list has more than %d lines", n_merges);
        goto fail;
    }

    /* vocabulary strings -> ids */
    cap = 512 + (size_t)n_merges + 2;
    for (nslots = 1024; nslots < 2 * cap; nslots *= 2) {}
    m.mask = nslots - 1;
    m.pool_cap = 512 * 6 + len + 64;
    m.slots = (pm__tok_str_slot *)pm__malloc_array(nslots, sizeof(pm__tok_str_slot));
    m.pool = (unsigned char *)pm__malloc_array(m.pool_cap, 1);
    if (!m.slots || !m.pool) goto fail;
    memset(m.slots, 0, nslots * sizeof(pm__tok_str_slot));
    t = (pm__tokenizer *)pm__malloc_array(1, sizeof(pm__tokenizer));
    if (!t) goto fail;
    memset(t, 0, sizeof(*t));
    t->n_merges = n_merges;
    t->sot = 512 + n_merges;
    t->eot = 513 + n_merges;

    /* the 256 byte symbols: printable bytes first, then the 68 others */
    id = 0;
    for (k = 0; k < 2; k++) {   /* k = 0: printable, k = 1: remapped */
        for (i = 0; i < 256; i++) {
            uint32_t c = pm__tok_byte_char((unsigned)i);
            size_t nb;
            if ((c < 256) != (k == 0)) continue;
            nb = pm__tok_utf8_put(buf, c);
            pm__tok_strmap_put(&m, buf, nb, NULL, 0, id);
            pm__tok_strmap_put(&m, buf, nb, (const unsigned char *)"</w>", 4, id + 256);
            id++;
        }
    }
    for (k = 0; k < n_merges; k++) {
        const line_t *L = &lines[k];
        pm__tok_strmap_put(&m, text + L->at, L->sp - L->at, text + L->sp + 1, L->end - L->sp - 1,
                       512 + k);
    }
    pm__tok_strmap_put(&m, (const unsigned char *)"<|startoftext|>", 15, NULL, 0, t->sot);
    pm__tok_strmap_put(&m, (const unsigned char *)"<|endoftext|>", 13, NULL, 0, t->eot);

    /* initial symbols of each byte */
    for (i = 0; i < 256; i++) {
        size_t nb = pm__tok_utf8_put(buf, pm__tok_byte_char((unsigned)i));
        t->byte_sym[i] = pm__tok_strmap_get(&m, buf, nb);
        memcpy(buf + nb, "</w>", 4);
        t->byte_eow[i] = pm__tok_strmap_get(&m, buf, nb + 4);
    }

    /* merge table: (left id, right id) -> (rank, merged id) */
    for (nslots = 1024; nslots < 2 * ((size_t)n_merges + 1); nslots *= 2) {}
    t->pair_mask = nslots - 1;
    t->pairs = (pm__tok_pair_slot *)pm__malloc_array(nslots, sizeof(pm__tok_pair_slot));
    if (!t->pairs) goto fail;
    for (i = 0; i < nslots; i++) t->pairs[i].left = -1;
    for (k = 0; k < n_merges; k++) {
        const line_t *L = &lines[k];
        const unsigned char *a = text + L->at, *b = text + L->sp + 1;
        size_t na = L->sp - L->at, nb = L->end - L->sp - 1, h;
        int32_t l = pm__tok_strmap_get(&m, a, na), r = pm__tok_strmap_get(&m, b, nb);
        pm__tok_pair_slot *s;
        if (l < 0 || r < 0) {
            pm__errorf("tokenizer: merge line %d uses an unknown symbol", (int)k + 1);
            goto fail;
        }
        h = pm__tok_pair_hash(l, r, t->pair_mask);
        while (t->pairs[h].left >= 0 && !(t->pairs[h].left == l && t->pairs[h].right == r))
            h = (h + 1) & t->pair_mask;
        s = &t->pairs[h];
        s->left = l;
        s->right = r;
        s->rank = k;            /* a repeated pair keeps its last rank, as in CLIP */
        s->merged = pm__tok_strmap_slot(&m, a, na, b, nb)->id;
    }
    PM_FREE(lines);
    PM_FREE(m.slots);
    PM_FREE(m.pool);
    return t;

fail:
    PM_FREE(lines);
    PM_FREE(m.slots);
    PM_FREE(m.pool);
    pm__tokenizer_free(t);
    return NULL;
}

/* --------------------------------------------------------------------------
   encoding
   -------------------------------------------------------------------------- */

/* Encodes utf8[0..len) into token ids (no SOT/EOT).  On success *ids is a new
   array of *n ids (at least one element allocated; caller frees with PM_FREE). */
static int pm__tokenizer_encode(pm__tokenizer *t, const char *utf8, size_t len, int32_t **ids,
                                int *n)
{
    pm__tok_u32vec a, b;
    pm__tok_i32vec out;
    pm__bpe_work w;
    pm__tok_pieces it;
    size_t nb;
    int rc = -1, special, more;
    *ids = NULL;
    *n = 0;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&out, 0, sizeof(out));
    memset(&w, 0, sizeof(w));
    memset(&it, 0, sizeof(it));
    if (!t) return pm__errorf("tokenizer: no tokenizer");
    if (len > PM__TOK_MAX_TEXT) return pm__errorf("tokenizer: text longer than 64 MiB");
    if (len && !utf8) return pm__errorf("tokenizer: text missing");

    /* clean, split and BPE each piece */
    if (pm__tok_clean_text(utf8, len, &a, &b)) goto done;
    if (pm__tok_i32vec_push(&out, 0)) goto done;       /* ensures an allocation */
    out.n = 0;
    it.cp = a.v;
    it.n = a.n;
    while ((more = pm__tok_next_piece(&it, &nb, &special)) > 0) {
        if (special) {
            if (pm__tok_i32vec_push(&out, special == 1 ? t->sot : t->eot)) goto done;
        } else if (pm__bpe_piece(t, &w, it.bytes, nb, &out)) {
            goto done;
        }
    }
    if (more < 0) goto done;
    if (out.n > (size_t)INT_MAX) {
        pm__errorf("tokenizer: too many tokens");
        goto done;
    }
    *ids = out.v;
    *n = (int)out.n;
    out.v = NULL;
    rc = 0;
done:
    PM_FREE(a.v);
    PM_FREE(b.v);
    PM_FREE(out.v);
    PM_FREE(it.bytes);
    pm__bpe_work_free(&w);
    return rc;
}

/* Writes the context row of a NUL-terminated text: [sot] ids [eot] then zeros,
   out[0..context).  Too long texts are cut to `context` tokens with eot kept as
   the last one (open_clip).  Returns the index CLIP pools at, text.argmax(-1):
   the first eot of the row (before the final one only if the text itself
   contains "<|endoftext|>"), or -1 on error. */
static int pm__tokenize(pm__tokenizer *t, const char *utf8, int32_t *out, int context)
{
    int32_t *ids = NULL;
    int n = 0, k, m;
    if (context < 1) return pm__errorf("tokenizer: context length %d is too small", context);
    if (!utf8) return pm__errorf("tokenizer: text missing");
    if (pm__tokenizer_encode(t, utf8, strlen(utf8), &ids, &n)) return -1;
    m = (n > context - 2) ? context - 2 : n;       /* ids that fit */
    if (m < 0) m = 0;
    for (k = 0; k < context; k++) out[k] = 0;
    out[0] = t->sot;
    for (k = 0; k < m; k++) out[1 + k] = ids[k];
    PM_FREE(ids);
    if (context == 1) {         /* [sot] cut to one token, then eot forced last */
        out[0] = t->eot;
        return 0;
    }
    out[1 + m] = t->eot;
    for (k = 0; out[k] != t->eot; k++) {}
    return k;
}


PMDEF pm_tokenizer *pm_tokenizer_load_memory(const void *data, size_t size, int n_merges)
{
    const char *text = (const char *)data, *end;
    uint8_t *plain = NULL;
    size_t n = size, start = 0, i, lines = 0;
    pm_tokenizer *tok = NULL;
    if (!data) return pm__errorf("no merge list given"), (pm_tokenizer *)NULL;
    if (size >= 2 && (uint8_t)text[0] == 0x1f && (uint8_t)text[1] == 0x8b) {
        if (pm__gunzip((const uint8_t *)data, size, &plain, &n, (size_t)1 << 28)) return NULL;
        text = (const char *)plain;
    }
    end = (const char *)memchr(text, '\n', n);
    if (end) { /* skip a first line that holds "#version" (CLIP's and HF's header) */
        size_t first = (size_t)(end - text), k;
        for (k = 0; k + 8 <= first; k++)
            if (memcmp(text + k, "#version", 8) == 0) start = first + 1;
    }
    for (i = start; i < n; i++) lines += text[i] == '\n';
    if (n > start && text[n - 1] != '\n') lines++;
    if (n_merges <= 0) n_merges = lines >= 48894 ? 48894 : (int)lines;
    if ((size_t)n_merges > lines) {
        PM_FREE(plain);
        return pm__errorf("the merge list has %lu merges, fewer than %d", (unsigned long)lines,
                          n_merges), (pm_tokenizer *)NULL;
    }
    for (i = start, lines = 0; i < n && lines < (size_t)n_merges; i++) lines += text[i] == '\n';
    tok = (pm_tokenizer *)PM_MALLOC(sizeof(pm_tokenizer));
    if (tok) tok->t = pm__tokenizer_create(text + start, i - start, n_merges);
    if (tok && !tok->t) PM_FREE(tok), tok = NULL;
    else if (!tok) pm__errorf("out of memory");
    PM_FREE(plain);
    return tok;
}

#ifndef PM_NO_STDIO
static uint8_t *pm__read_file(const char *path, size_t *size);
PMDEF pm_tokenizer *pm_tokenizer_load(const char *path, int n_merges)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size);
    pm_tokenizer *tok;
    if (!buf) return NULL;
    tok = pm_tokenizer_load_memory(buf, size, n_merges);
    PM_FREE(buf);
    if (!tok) {
        pm__error_prefix(path);
    }
    return tok;
}
#endif

PMDEF void pm_tokenizer_free(pm_tokenizer *tok)
{
    if (!tok) return;
    pm__tokenizer_free(tok->t);
    PM_FREE(tok);
}

PMDEF int pm_tokenizer_encode(pm_tokenizer *tok, const char *text, int32_t *ids, int context)
{
    if (!tok || !text || !ids) return pm__errorf("tokenize: no tokenizer, text or output");
    if (context < 2) return pm__errorf("tokenize: context must hold at least 2 tokens");
    return pm__tokenize(tok->t, text, ids, context);
}

/* --------------------------------------------------------------------------
   learning a merge list (pm_bpe_train)

   The corpus is split exactly as encoding splits it, and each distinct piece
   (a "word") is kept once with its count, as an array of symbol ids: 0-255
   the bytes, 256-511 the bytes that end a word ("</w>"), then one id per
   distinct merged string.  Two merges that make the same string share its
   id, as in the tokenizer, which knows symbols only by their strings.

   A pair of adjacent symbols carries its count (occurrences times word
   counts, overlapping ones included, as in subword-nmt) and the words it
   occurs in.  A max-heap orders the pairs by count, then by their strings;
   its counts may be out of date and are checked when an entry comes out:
   a pair whose count fell goes back in with the new count, and a pair whose
   count grew was pushed again when it grew.

   Merging (left, right) into c rewrites only the words that hold the pair:
   the pairs around each merged position lose the word's count, the pairs
   around each new c gain it.  Every merge is applied to all of its
   occurrences left to right, so a word ends up split as the tokenizer will
   split it: at merge k no pair of a lower rank is left in any word.
   -------------------------------------------------------------------------- */

/* Open-addressing index shared by the tables below: slots of (hash, id), id < 0 when empty;
   the tables compare the items themselves. */
typedef struct {
    uint64_t hash;
    int32_t id;
} pm__bpe_slot;

typedef struct {
    pm__bpe_slot *slot;
    size_t mask, used;
} pm__bpe_index;

typedef struct {
    size_t off;                 /* first byte in the word pool, then first symbol in syms */
    uint32_t n;                 /* bytes, then symbols left (merges shorten it) */
    int64_t count;              /* occurrences in the corpus */
} pm__bpe_word;

typedef struct {
    size_t off;                 /* raw bytes in the symbol pool */
    uint32_t len;
    int eow;                    /* ends a word: written with "</w>" */
} pm__bpe_symbol;

typedef struct {
    int32_t left, right;
    int32_t touched;            /* the last merge that raised its count */
    int64_t count;
    int32_t *words;             /* the words it occurs in (repeats and stale entries allowed) */
    size_t n_words, cap_words;
} pm__bpe_pair;

typedef struct {
    int64_t count;              /* the pair's count when pushed */
    int32_t pair;
} pm__bpe_entry;

typedef struct {
    /* words: counted first (bytes in word_bytes), then as symbol ids in syms */
    pm__bpe_word *words;
    size_t n_words, cap_words;
    unsigned char *word_bytes;
    size_t word_bytes_n, word_bytes_cap;
    pm__bpe_index word_index;
    int32_t *syms;
    unsigned char *mark, *made; /* per symbol of the word being rewritten */
    /* symbols, with their raw bytes */
    pm__bpe_symbol *symbols;
    size_t n_symbols, cap_symbols;
    unsigned char *sym_bytes;
    size_t sym_bytes_n, sym_bytes_cap;
    pm__bpe_index sym_index;    /* merged symbols only: they never equal a single byte */
    /* pairs and the heap of candidates */
    pm__bpe_pair *pairs;
    size_t n_pairs, cap_pairs;
    pm__bpe_index pair_index;
    pm__bpe_entry *heap;
    size_t heap_n, heap_cap;
    int32_t *touched;           /* pairs whose count the current merge raised */
    size_t n_touched, cap_touched;
    /* the result: merge k joins merges[2k] and merges[2k + 1] */
    int32_t *merges;
    size_t n_merges, cap_merges;
} pm__bpe_trainer;

/* p grown to at least `need` items of `elem` bytes (*cap items now), or NULL with an error
   (p is then still valid). */
static void *pm__bpe_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t c;
    void *q;
    if (need <= *cap) return p;
    c = pm__tok_grow_cap(*cap, need, elem);
    if (!c) return pm__errorf("bpe_train: corpus too large"), (void *)NULL;
    q = PM_REALLOC(p, c * elem);
    if (!q) return pm__errorf("bpe_train: out of memory"), (void *)NULL;
    *cap = c;
    return q;
}

/* Home slot of a hash. */
static size_t pm__bpe_home(const pm__bpe_index *ix, uint64_t h)
{
    return (size_t)(h ^ (h >> 31)) & ix->mask;
}

/* Records id under hash h in the free slot `at`, growing the index when half full. */
static int pm__bpe_index_put(pm__bpe_index *ix, size_t at, uint64_t h, int32_t id)
{
    pm__bpe_slot *old = ix->slot;
    size_t i, n_old = ix->mask + 1;
    ix->slot[at].hash = h;
    ix->slot[at].id = id;
    if (++ix->used * 2 <= n_old) return 0;
    if (n_old > SIZE_MAX / 2) return pm__errorf("bpe_train: corpus too large");
    ix->slot = (pm__bpe_slot *)pm__malloc_array(2 * n_old, sizeof(pm__bpe_slot));
    if (!ix->slot) {
        ix->slot = old;
        return -1;
    }
    ix->mask = 2 * n_old - 1;
    for (i = 0; i <= ix->mask; i++) ix->slot[i].id = -1;
    for (i = 0; i < n_old; i++) {
        size_t k;
        if (old[i].id < 0) continue;
        for (k = pm__bpe_home(ix, old[i].hash); ix->slot[k].id >= 0; k = (k + 1) & ix->mask) {}
        ix->slot[k] = old[i];
    }
    PM_FREE(old);
    return 0;
}

static int pm__bpe_index_init(pm__bpe_index *ix)
{
    size_t i;
    ix->slot = (pm__bpe_slot *)pm__malloc_array(1024, sizeof(pm__bpe_slot));
    if (!ix->slot) return -1;
    ix->mask = 1023;
    ix->used = 0;
    for (i = 0; i < 1024; i++) ix->slot[i].id = -1;
    return 0;
}

static void pm__bpe_trainer_free(pm__bpe_trainer *T)
{
    size_t i;
    for (i = 0; i < T->n_pairs; i++) PM_FREE(T->pairs[i].words);
    PM_FREE(T->words);
    PM_FREE(T->word_bytes);
    PM_FREE(T->word_index.slot);
    PM_FREE(T->syms);
    PM_FREE(T->mark);
    PM_FREE(T->made);
    PM_FREE(T->symbols);
    PM_FREE(T->sym_bytes);
    PM_FREE(T->sym_index.slot);
    PM_FREE(T->pairs);
    PM_FREE(T->pair_index.slot);
    PM_FREE(T->heap);
    PM_FREE(T->touched);
    PM_FREE(T->merges);
}

/* Counts one occurrence of the word b[0..nb). */
static int pm__bpe_count_word(pm__bpe_trainer *T, const unsigned char *b, size_t nb)
{
    pm__bpe_index *ix = &T->word_index;
    uint64_t h = pm__tok_fnv(b, nb, NULL, 0);
    size_t at;
    pm__bpe_word *w;
    for (at = pm__bpe_home(ix, h); ix->slot[at].id >= 0; at = (at + 1) & ix->mask) {
        w = &T->words[ix->slot[at].id];
        if (ix->slot[at].hash == h && w->n == nb && memcmp(T->word_bytes + w->off, b, nb) == 0) {
            w->count++;
            return 0;
        }
    }
    if (T->n_words >= 0x7fffffff) return pm__errorf("bpe_train: too many distinct words");
    if (nb > 0x7fffffff) return pm__errorf("bpe_train: a word of the corpus is too long");
    if (T->n_words == T->cap_words) {
        w = (pm__bpe_word *)pm__bpe_grow(T->words, &T->cap_words, T->n_words + 1, sizeof(*w));
        if (!w) return -1;
        T->words = w;
    }
    if (nb > T->word_bytes_cap - T->word_bytes_n) {
        unsigned char *p;
        if (nb > SIZE_MAX - T->word_bytes_n) return pm__errorf("bpe_train: corpus too large");
        p = (unsigned char *)pm__bpe_grow(T->word_bytes, &T->word_bytes_cap,
                                          T->word_bytes_n + nb, 1);
        if (!p) return -1;
        T->word_bytes = p;
    }
    w = &T->words[T->n_words];
    w->off = T->word_bytes_n;
    w->n = (uint32_t)nb;
    w->count = 1;
    memcpy(T->word_bytes + w->off, b, nb);
    T->word_bytes_n += nb;
    return pm__bpe_index_put(ix, at, h, (int32_t)T->n_words++);
}

/* Splits the n texts as encoding does and counts their words. */
static int pm__bpe_count_corpus(pm__bpe_trainer *T, int n, const char *const *texts)
{
    pm__tok_u32vec a, b;
    pm__tok_pieces it;
    size_t nb;
    int i, special, more = 0;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&it, 0, sizeof(it));
    if (pm__bpe_index_init(&T->word_index)) return -1;
    for (i = 0; i < n && more >= 0; i++) {
        size_t len = strlen(texts[i]);
        if (len > PM__TOK_MAX_TEXT) {
            more = pm__errorf("bpe_train: text %d is longer than 64 MiB", i);
            break;
        }
        if (pm__tok_clean_text(texts[i], len, &a, &b)) {
            more = -1;
            break;
        }
        it.cp = a.v;
        it.n = a.n;
        it.at = 0;
        while ((more = pm__tok_next_piece(&it, &nb, &special)) > 0) {
            if (!special && pm__bpe_count_word(T, it.bytes, nb)) {
                more = -1;
                break;
            }
        }
    }
    PM_FREE(a.v);
    PM_FREE(b.v);
    PM_FREE(it.bytes);
    return more < 0 ? -1 : 0;
}

/* Index of the pair (l, r), or -1; with `add`, a new pair of count 0 is made when missing. */
static int32_t pm__bpe_pair_of(pm__bpe_trainer *T, int32_t l, int32_t r, int add)
{
    pm__bpe_index *ix = &T->pair_index;
    uint64_t h = (((uint64_t)(uint32_t)l << 32) | (uint32_t)r) * 0x9e3779b97f4a7c15ull;
    size_t at;
    pm__bpe_pair *p;
    for (at = pm__bpe_home(ix, h); ix->slot[at].id >= 0; at = (at + 1) & ix->mask) {
        p = &T->pairs[ix->slot[at].id];
        if (p->left == l && p->right == r) return ix->slot[at].id;
    }
    if (!add) return -1;
    if (T->n_pairs >= 0x7fffffff) return pm__errorf("bpe_train: too many distinct pairs");
    if (T->n_pairs == T->cap_pairs) {
        p = (pm__bpe_pair *)pm__bpe_grow(T->pairs, &T->cap_pairs, T->n_pairs + 1, sizeof(*p));
        if (!p) return -1;
        T->pairs = p;
    }
    p = &T->pairs[T->n_pairs];
    memset(p, 0, sizeof(*p));
    p->left = l;
    p->right = r;
    p->touched = -1;
    T->n_pairs++;
    if (pm__bpe_index_put(ix, at, h, (int32_t)T->n_pairs - 1)) return -1;
    return (int32_t)T->n_pairs - 1;
}

/* Adds `count` occurrences of the pair (l, r) in word w. */
static int pm__bpe_pair_gain(pm__bpe_trainer *T, int32_t l, int32_t r, int32_t w, int64_t count)
{
    int32_t q = pm__bpe_pair_of(T, l, r, 1);
    pm__bpe_pair *p;
    if (q < 0) return -1;
    p = &T->pairs[q];
    p->count += count;
    if (p->n_words == 0 || p->words[p->n_words - 1] != w) {
        if (p->n_words == p->cap_words) {
            int32_t *v = (int32_t *)pm__bpe_grow(p->words, &p->cap_words, p->n_words + 1,
                                                 sizeof(int32_t));
            if (!v) return -1;
            p->words = v;
        }
        p->words[p->n_words++] = w;
    }
    if (p->touched != (int32_t)T->n_merges) {
        int32_t *v = (int32_t *)pm__bpe_grow(T->touched, &T->cap_touched, T->n_touched + 1,
                                             sizeof(int32_t));
        if (!v) return -1;
        T->touched = v;
        T->touched[T->n_touched++] = q;
        p->touched = (int32_t)T->n_merges;
    }
    return 0;
}

/* Order of two symbols by their raw bytes (a prefix first), then without "</w>" first. */
static int pm__bpe_symcmp(const pm__bpe_trainer *T, int32_t x, int32_t y)
{
    const pm__bpe_symbol *a = &T->symbols[x], *b = &T->symbols[y];
    int c = memcmp(T->sym_bytes + a->off, T->sym_bytes + b->off,
                   a->len < b->len ? a->len : b->len);
    if (c) return c;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return a->eow - b->eow;
}

/* Does heap entry a come before b: a higher count, or the same count and the smaller pair
   (left symbol first, then right)? */
static int pm__bpe_before(const pm__bpe_trainer *T, const pm__bpe_entry *a,
                          const pm__bpe_entry *b)
{
    const pm__bpe_pair *p = &T->pairs[a->pair], *q = &T->pairs[b->pair];
    int c;
    if (a->count != b->count) return a->count > b->count;
    c = pm__bpe_symcmp(T, p->left, q->left);
    if (!c) c = pm__bpe_symcmp(T, p->right, q->right);
    return c < 0;
}

static int pm__bpe_heap_push(pm__bpe_trainer *T, int32_t pair, int64_t count)
{
    pm__bpe_entry e, *h;
    size_t i;
    h = (pm__bpe_entry *)pm__bpe_grow(T->heap, &T->heap_cap, T->heap_n + 1, sizeof(*h));
    if (!h) return -1;
    T->heap = h;
    e.count = count;
    e.pair = pair;
    for (i = T->heap_n++; i > 0 && pm__bpe_before(T, &e, &h[(i - 1) / 2]); i = (i - 1) / 2)
        h[i] = h[(i - 1) / 2];
    h[i] = e;
    return 0;
}

static pm__bpe_entry pm__bpe_heap_pop(pm__bpe_trainer *T)
{
    pm__bpe_entry *h = T->heap, top = h[0], last = h[--T->heap_n];
    size_t i = 0, n = T->heap_n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && pm__bpe_before(T, &h[c + 1], &h[c])) c++;
        if (!pm__bpe_before(T, &h[c], &last)) break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0) h[i] = last;
    return top;
}

/* From counted words to symbols, pairs and the heap. */
static int pm__bpe_start(pm__bpe_trainer *T, int64_t min_count)
{
    size_t i, longest = 1;
    uint32_t j;
    PM_FREE(T->word_index.slot);            /* counting is over */
    T->word_index.slot = NULL;
    T->syms = (int32_t *)pm__malloc_array(T->word_bytes_n, sizeof(int32_t));
    T->sym_bytes_cap = 256;
    T->sym_bytes = (unsigned char *)pm__malloc_array(T->sym_bytes_cap, 1);
    T->cap_symbols = 512;
    T->symbols = (pm__bpe_symbol *)pm__malloc_array(T->cap_symbols, sizeof(pm__bpe_symbol));
    if (!T->syms || !T->sym_bytes || !T->symbols) return -1;
    if (pm__bpe_index_init(&T->sym_index) || pm__bpe_index_init(&T->pair_index)) return -1;
    for (i = 0; i < 512; i++) {
        T->symbols[i].off = i & 255;
        T->symbols[i].len = 1;
        T->symbols[i].eow = i >= 256;
        T->sym_bytes[i & 255] = (unsigned char)i;
    }
    T->n_symbols = 512;
    T->sym_bytes_n = 256;
    for (i = 0; i < T->n_words; i++) {
        pm__bpe_word *w = &T->words[i];
        int32_t *s = T->syms + w->off;
        for (j = 0; j < w->n; j++) s[j] = T->word_bytes[w->off + j] + (j + 1 == w->n ? 256 : 0);
        for (j = 0; j + 1 < w->n; j++)
            if (pm__bpe_pair_gain(T, s[j], s[j + 1], (int32_t)i, w->count)) return -1;
        if (w->n > longest) longest = w->n;
    }
    PM_FREE(T->word_bytes);
    T->word_bytes = NULL;
    T->mark = (unsigned char *)pm__malloc_array(longest, 1);
    T->made = (unsigned char *)pm__malloc_array(longest, 1);
    if (!T->mark || !T->made) return -1;
    T->n_touched = 0;           /* every pair goes on the heap, touched or not */
    for (i = 0; i < T->n_pairs; i++) {
        T->pairs[i].touched = -1;
        if (T->pairs[i].count >= min_count && pm__bpe_heap_push(T, (int32_t)i, T->pairs[i].count))
            return -1;
    }
    return 0;
}

/* Sets *best to the pair to merge next: the most frequent, the smallest of equals; -1 when
   no pair occurs min_count times. Returns 0/-1. */
static int pm__bpe_best(pm__bpe_trainer *T, int64_t min_count, int32_t *best)
{
    *best = -1;
    while (T->heap_n) {
        pm__bpe_entry e = pm__bpe_heap_pop(T);
        int64_t now = T->pairs[e.pair].count;
        if (e.count == now) {   /* never pushed below min_count */
            *best = e.pair;
            return 0;
        }
        /* fell since pushed: back in; grew: a newer entry holds the new count */
        if (e.count > now && now >= min_count && pm__bpe_heap_push(T, e.pair, now)) return -1;
    }
    return 0;
}

/* The symbol of string l + r, made when new. */
static int32_t pm__bpe_symbol_of(pm__bpe_trainer *T, int32_t l, int32_t r)
{
    pm__bpe_index *ix = &T->sym_index;
    pm__bpe_symbol a = T->symbols[l], b = T->symbols[r], *s;
    size_t at, len = (size_t)a.len + b.len;
    uint64_t h = pm__tok_fnv(T->sym_bytes + a.off, a.len, T->sym_bytes + b.off, b.len) ^
                 (b.eow ? 0x5bd1e995u : 0u);
    unsigned char *p;
    for (at = pm__bpe_home(ix, h); ix->slot[at].id >= 0; at = (at + 1) & ix->mask) {
        s = &T->symbols[ix->slot[at].id];
        if (ix->slot[at].hash == h && s->len == len && s->eow == b.eow &&
            memcmp(T->sym_bytes + s->off, T->sym_bytes + a.off, a.len) == 0 &&
            memcmp(T->sym_bytes + s->off + a.len, T->sym_bytes + b.off, b.len) == 0)
            return ix->slot[at].id;
    }
    if (len > 0x7fffffff) return pm__errorf("bpe_train: a symbol grew too long");
    if (len > SIZE_MAX - T->sym_bytes_n) return pm__errorf("bpe_train: corpus too large");
    p = (unsigned char *)pm__bpe_grow(T->sym_bytes, &T->sym_bytes_cap, T->sym_bytes_n + len, 1);
    if (!p) return -1;
    T->sym_bytes = p;
    s = (pm__bpe_symbol *)pm__bpe_grow(T->symbols, &T->cap_symbols, T->n_symbols + 1,
                                       sizeof(*s));
    if (!s) return -1;
    T->symbols = s;
    s = &T->symbols[T->n_symbols];
    s->off = T->sym_bytes_n;
    s->len = (uint32_t)len;
    s->eow = b.eow;
    memcpy(p + s->off, p + a.off, a.len);
    memcpy(p + s->off + a.len, p + b.off, b.len);
    T->sym_bytes_n += len;
    T->n_symbols++;
    if (pm__bpe_index_put(ix, at, h, (int32_t)T->n_symbols - 1)) return -1;
    return (int32_t)T->n_symbols - 1;
}

/* Merges every (l, r) of word w into c, left to right, and moves the word's count from the
   pairs it loses to the pairs it gains. */
static int pm__bpe_rewrite(pm__bpe_trainer *T, int32_t w, int32_t l, int32_t r, int32_t c)
{
    pm__bpe_word *W = &T->words[w];
    int32_t *s = T->syms + W->off;
    unsigned char *mark = T->mark, *made = T->made;
    uint32_t i, m, n = W->n;
    int found = 0;
    for (i = 0; i < n; i++) mark[i] = 0;
    for (i = 0; i + 1 < n; i++) {
        if (s[i] == l && s[i + 1] == r) {
            mark[i] = mark[i + 1] = 1;
            found = 1;
            i++;
        }
    }
    if (!found) return 0;       /* a stale or repeated entry of the pair's word list */
    for (i = 0; i + 1 < n; i++) {
        if (mark[i] | mark[i + 1]) {
            int32_t q = pm__bpe_pair_of(T, s[i], s[i + 1], 0);
            PM_ASSERT(q >= 0);
            T->pairs[q].count -= W->count;
        }
    }
    for (i = 0, m = 0; i < n; m++) {    /* marks come in (left, right) couples */
        made[m] = mark[i];
        s[m] = mark[i] ? c : s[i];
        i += mark[i] ? 2 : 1;
    }
    W->n = m;
    for (i = 0; i + 1 < m; i++)
        if ((made[i] | made[i + 1]) && pm__bpe_pair_gain(T, s[i], s[i + 1], w, W->count))
            return -1;
    return 0;
}

/* Merge number T->n_merges: pair p, in every word that holds it. */
static int pm__bpe_merge(pm__bpe_trainer *T, int32_t p, int64_t min_count)
{
    int32_t l = T->pairs[p].left, r = T->pairs[p].right, c, *list = T->pairs[p].words;
    size_t i, n_list = T->pairs[p].n_words;
    int rc = -1;
    int32_t *mv;
    /* the pair cannot come back (every new neighbour is c), so its word list goes */
    T->pairs[p].words = NULL;
    T->pairs[p].n_words = T->pairs[p].cap_words = 0;
    mv = (int32_t *)pm__bpe_grow(T->merges, &T->cap_merges, 2 * T->n_merges + 2, sizeof(int32_t));
    if (!mv) goto done;
    T->merges = mv;
    if ((c = pm__bpe_symbol_of(T, l, r)) < 0) goto done;
    T->n_touched = 0;
    for (i = 0; i < n_list; i++)
        if (pm__bpe_rewrite(T, list[i], l, r, c)) goto done;
    PM_ASSERT(T->pairs[p].count == 0);
    for (i = 0; i < T->n_touched; i++) {
        int64_t now = T->pairs[T->touched[i]].count;
        if (now >= min_count && pm__bpe_heap_push(T, T->touched[i], now)) goto done;
    }
    T->merges[2 * T->n_merges] = l;
    T->merges[2 * T->n_merges + 1] = r;
    T->n_merges++;
    rc = 0;
done:
    PM_FREE(list);
    return rc;
}

/* Writes symbol x as the merge list spells it (GPT-2 byte characters, then "</w>") into
   out, or only measures it when out is NULL; returns its length in bytes. */
static size_t pm__bpe_spell(const pm__bpe_trainer *T, int32_t x, char *out)
{
    const pm__bpe_symbol *s = &T->symbols[x];
    unsigned char buf[4];
    size_t i, n = 0;
    for (i = 0; i < s->len; i++) {
        size_t k = pm__tok_utf8_put(buf, pm__tok_byte_char(T->sym_bytes[s->off + i]));
        if (out) memcpy(out + n, buf, k);
        n += k;
    }
    if (s->eow) {
        if (out) memcpy(out + n, "</w>", 4);
        n += 4;
    }
    return n;
}

/* The merge list as text, "left right\n" per merge, NUL-terminated. */
static char *pm__bpe_write(const pm__bpe_trainer *T, size_t *len)
{
    size_t k, total = 1, o = 0;
    char *out;
    for (k = 0; k < 2 * T->n_merges; k++) {
        size_t n = pm__bpe_spell(T, T->merges[k], NULL) + 1;   /* ' ' or '\n' after it */
        if (n > SIZE_MAX - total)
            return pm__errorf("bpe_train: merge list too large"), (char *)NULL;
        total += n;
    }
    out = (char *)pm__malloc_array(total, 1);
    if (!out) return NULL;
    for (k = 0; k < 2 * T->n_merges; k++) {
        o += pm__bpe_spell(T, T->merges[k], out + o);
        out[o++] = (k & 1) ? '\n' : ' ';
    }
    out[o] = 0;
    *len = o;
    return out;
}

PMDEF char *pm_bpe_train(int n, const char *const *texts, int n_merges, int min_count,
                         size_t *len, int *n_out)
{
    pm__bpe_trainer T;
    char *out = NULL;
    size_t out_len = 0;
    int i;
    int64_t least = min_count < 1 ? 1 : min_count;
    memset(&T, 0, sizeof(T));
    if (len) *len = 0;
    if (n_out) *n_out = 0;
    if (n < 0 || (n > 0 && !texts))
        return pm__errorf("bpe_train: no texts given"), (char *)NULL;
    for (i = 0; i < n; i++)
        if (!texts[i]) return pm__errorf("bpe_train: text %d is missing", i), (char *)NULL;
    if (n_merges < 0 || n_merges > PM__TOK_MAX_MERGES)
        return pm__errorf("bpe_train: bad merge count %d", n_merges), (char *)NULL;
    if (pm__bpe_count_corpus(&T, n, texts) || pm__bpe_start(&T, least)) goto done;
    while (T.n_merges < (size_t)n_merges) {
        int32_t p;
        if (pm__bpe_best(&T, least, &p)) goto done;
        if (p < 0) break;
        if (pm__bpe_merge(&T, p, least)) goto done;
    }
    out = pm__bpe_write(&T, &out_len);
done:
    if (out) {
        if (len) *len = out_len;
        if (n_out) *n_out = (int)T.n_merges;
    }
    pm__bpe_trainer_free(&T);
    return out;
}

/* ============================================================================================
   [6] IMAGES
   Decoders turn a file into RGB8 [h, w, 3] as PIL's Image.open(f).convert("RGB") would.
   Resizing reproduces PIL's resample (separable, antialiased, 22-bit fixed point, each pass
   rounded to 8 bits), so preprocessing matches torchvision + PIL exactly.
   ============================================================================================ */

static struct { long max_w, max_h, max_pixels; } pm__limits = {32768, 32768, 1L << 28};

PMDEF void pm_set_image_limits(int max_width, int max_height, long max_pixels)
{
    pm__limits.max_w = max_width > 0 ? max_width : 1;
    pm__limits.max_h = max_height > 0 ? max_height : 1;
    pm__limits.max_pixels = max_pixels > 0 ? max_pixels : 1;
}

/* 0 when a w x h image may be decoded, else -1 with the reason. */
static int pm__check_image_size(long w, long h)
{
    if (w <= 0 || h <= 0) return pm__errorf("image has an empty size (%ld x %ld)", w, h);
    if (w > pm__limits.max_w || h > pm__limits.max_h || w > pm__limits.max_pixels / h)
        return pm__errorf("image is too large (%ld x %ld; limits %ld x %ld, %ld pixels)", w, h,
                          pm__limits.max_w, pm__limits.max_h, pm__limits.max_pixels);
    return 0;
}

/* ===========================================================================
 * Image decoders: PNG, BMP, PNM (inflate is in section [1]).
 *
 * Every decoder returns a PM_MALLOC'd buffer of w*h*3 bytes (RGB8, rows top to
 * bottom, no padding) that matches what Pillow 9.4 gives for
 * Image.open(f).convert("RGB"), or NULL with the error set via pm__errorf.
 * Alpha channels are dropped without compositing (as convert("RGB") does).
 *
 * Pillow behaviours reproduced on purpose (checked against Pillow 9.4):
 *   - PNG 16-bit gray is opened as mode "I", and I -> RGB clips: 0..255 stay,
 *     anything above 255 becomes 255. Other 16-bit PNG modes keep the high byte.
 *   - PNG 1/2/4-bit gray is expanded as v*255, v*85, v*17.
 *   - a palette index beyond the palette (PNG and BMP) gives gray (i, i, i).
 *   - BMP 5/6-bit channels are expanded as v*255/max (rounded down).
 *   - PNM maxval != 255 is rescaled as round_half_even(v / maxval * 255) in
 *     double precision; P2/P5 with maxval > 255 become mode "I" (rescaled to
 *     0..65535) and are then clipped at 255 like the PNG 16-bit gray case.
 * Files with IEND missing, bad CRCs, trailing zlib garbage etc. are rejected
 * (stricter than Pillow, which tolerates some of these).
 * ======================================================================== */


/* allocates the w*h*3 RGB output after the size check; NULL + error on failure */
static uint8_t *pm__img_alloc_rgb(long w, long h)
{
    if (pm__check_image_size(w, h) != 0) return NULL;
    if ((size_t)w > ((size_t)-1) / (size_t)h) {
        pm__errorf("image: %ldx%ld pixels do not fit in memory", w, h);
        return NULL;
    }
    return (uint8_t *)pm__malloc_array((size_t)w * (size_t)h, 3);
}

/* ---------------------------------------------------------------------------
 * PNG
 * ------------------------------------------------------------------------ */

/* Adam7 pass origins and steps: x0, y0, dx, dy for passes 1..7 */
static const uint8_t pm__adam7[7][4] = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
    {0, 1, 1, 2}};

/* Paeth predictor (PNG spec 9.4): whichever of a (left), b (up), c (up-left) is closest to
   a + b - c, ties broken in the order a, b, c */
static uint8_t pm__paeth(int a, int b, int c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc) return (uint8_t)a;
    if (pb <= pc) return (uint8_t)b;
    return (uint8_t)c;
}

/* undoes the PNG filter of one row in place. row: `len` bytes after the filter-type byte;
   prev: the previous unfiltered row of the same pass or NULL for the first row;
   bpp: bytes per complete pixel (>= 1). Returns 0 or -1 for an unknown filter type */
static int pm__png_unfilter(int type, uint8_t *row, const uint8_t *prev, size_t len, size_t bpp)
{
    size_t i;
    switch (type) {
    case 0: /* None */
        break;
    case 1: /* Sub: left neighbour */
        for (i = bpp; i < len; i++) row[i] = (uint8_t)(row[i] + row[i - bpp]);
        break;
    case 2: /* Up: pixel above */
        if (prev)
            for (i = 0; i < len; i++) row[i] = (uint8_t)(row[i] + prev[i]);
        break;
    case 3: /* Average of left and above, rounded down */
        if (prev) {
            for (i = 0; i < bpp && i < len; i++) row[i] = (uint8_t)(row[i] + (prev[i] >> 1));
            for (; i < len; i++) row[i] = (uint8_t)(row[i] + ((row[i - bpp] + prev[i]) >> 1));
        } else {
            for (i = bpp; i < len; i++) row[i] = (uint8_t)(row[i] + (row[i - bpp] >> 1));
        }
        break;
    case 4: /* Paeth; with no row above it reduces to Sub */
        if (prev) {
            for (i = 0; i < bpp && i < len; i++) row[i] = (uint8_t)(row[i] + prev[i]);
            for (; i < len; i++)
                row[i] = (uint8_t)(row[i] + pm__paeth(row[i - bpp], prev[i], prev[i - bpp]));
        } else {
            for (i = bpp; i < len; i++) row[i] = (uint8_t)(row[i] + row[i - bpp]);
        }
        break;
    default:
        return pm__errorf("png: invalid filter type %d", type);
    }
    return 0;
}

typedef struct {
    int ctype, depth;   /* IHDR colour type and bit depth */
    uint8_t pal[256][3];
    int npal;           /* palette entries (0 = no PLTE) */
} pm__png_info;

/* converts `npix` pixels of one unfiltered row to RGB8, writing pixel i at dst + i*step */
static void pm__png_emit_row(const pm__png_info *pi, const uint8_t *row, size_t npix,
                             uint8_t *dst, size_t step)
{
    size_t i;
    int d = pi->depth;
    switch (pi->ctype) {
    case 0: /* gray */
        if (d == 16) {
            /* Pillow reads 16-bit gray as mode "I"; I -> RGB clips to 0..255 */
            for (i = 0; i < npix; i++, dst += step) {
                uint8_t v = row[2 * i] ? 255 : row[2 * i + 1];
                dst[0] = dst[1] = dst[2] = v;
            }
        } else if (d == 8) {
            for (i = 0; i < npix; i++, dst += step) dst[0] = dst[1] = dst[2] = row[i];
        } else {
            /* 1/2/4-bit: scale by 255, 85, 17 so the maximum sample maps to 255 */
            unsigned mask = (1u << d) - 1, scale = 255u / mask;
            for (i = 0; i < npix; i++, dst += step) {
                size_t bit = i * (size_t)d;
                unsigned v = (row[bit >> 3] >> (8 - d - (bit & 7))) & mask;
                dst[0] = dst[1] = dst[2] = (uint8_t)(v * scale);
            }
        }
        break;
    case 2: /* RGB: 16-bit keeps the high byte */
        if (d == 8) {
            for (i = 0; i < npix; i++, dst += step, row += 3) {
                dst[0] = row[0];
                dst[1] = row[1];
                dst[2] = row[2];
            }
        } else {
            for (i = 0; i < npix; i++, dst += step, row += 6) {
                dst[0] = row[0];
                dst[1] = row[2];
                dst[2] = row[4];
            }
        }
        break;
    case 3: { /* palette: indices beyond the palette give gray (i, i, i) like Pillow */
        unsigned mask = (1u << d) - 1;
        for (i = 0; i < npix; i++, dst += step) {
            size_t bit = i * (size_t)d;
            unsigned v = d == 8 ? row[i] : (row[bit >> 3] >> (8 - d - (bit & 7))) & mask;
            if ((int)v < pi->npal) {
                dst[0] = pi->pal[v][0];
                dst[1] = pi->pal[v][1];
                dst[2] = pi->pal[v][2];
            } else {
                dst[0] = dst[1] = dst[2] = (uint8_t)v;
            }
        }
        break;
    }
    case 4: { /* gray + alpha: alpha dropped, 16-bit keeps the high byte */
        size_t ps = d == 8 ? 2 : 4;
        for (i = 0; i < npix; i++, dst += step, row += ps) dst[0] = dst[1] = dst[2] = row[0];
        break;
    }
    default: { /* 6, RGBA */
        size_t ps = d == 8 ? 4 : 8, o = d == 8 ? 1 : 2;
        for (i = 0; i < npix; i++, dst += step, row += ps) {
            dst[0] = row[0];
            dst[1] = row[o];
            dst[2] = row[2 * o];
        }
        break;
    }
    }
}

/* Decodes a PNG file held in buf[0..len). Returns a PM_MALLOC'd w*h*3 RGB8 buffer and sets
   *w, *h, or returns NULL with the error set. Checks every chunk CRC, the IHDR fields, chunk
   order for PLTE/IDAT/IEND and rejects unknown critical chunks; ancillary chunks are skipped.
   The zlib data must inflate to exactly the size the header implies. */
static uint8_t *pm__png_decode(const uint8_t *buf, size_t len, int *w, int *h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    uint32_t crct[PM__CRC_TABLE_SIZE];
    pm__png_info pi;
    uint32_t width = 0, height = 0;
    int interlace = 0, chans = 1, seen_ihdr = 0, seen_iend = 0, idat_state = 0;
    size_t p = 8, idat_total = 0, idat_first = 0, bpp, bits_pp, expect = 0, zlen = 0;
    uint8_t *idat = NULL, *raw = NULL, *rgb = NULL;
    int pass;

    *w = *h = 0;
    if (len < 8 || memcmp(buf, sig, 8) != 0) {
        pm__errorf("png: not a PNG file (bad signature)");
        return NULL;
    }
    pm__crc32_init(crct);
    pi.ctype = pi.depth = 0;
    pi.npal = 0;

    /* pass 1 over the chunks: validate, verify CRCs, collect header/palette, size IDAT */
    while (!seen_iend) {
        uint32_t clen, crc;
        const uint8_t *type, *data;
        int k;
        if (len - p < 12) {
            if (p == len)
                pm__errorf("png: missing IEND chunk");
            else
                pm__errorf("png: chunk header truncated");
            return NULL;
        }
        clen = pm__rd32be(buf + p);
        type = buf + p + 4;
        if (clen > 0x7FFFFFFFu) {
            pm__errorf("png: chunk length too large");
            return NULL;
        }
        for (k = 0; k < 4; k++) {
            uint8_t c = type[k];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                pm__errorf("png: invalid chunk type");
                return NULL;
            }
        }
        if (len - p - 12 < clen) {
            pm__errorf("png: %.4s chunk truncated", (const char *)type);
            return NULL;
        }
        data = buf + p + 8;
        crc = pm__crc32_update(crct, 0, type, 4 + (size_t)clen);
        if (crc != pm__rd32be(data + clen)) {
            pm__errorf("png: CRC mismatch in %.4s chunk", (const char *)type);
            return NULL;
        }
        if (!seen_ihdr && memcmp(type, "IHDR", 4) != 0) {
            pm__errorf("png: first chunk is not IHDR");
            return NULL;
        }
        if (idat_state == 1 && memcmp(type, "IDAT", 4) != 0) idat_state = 2;

        if (memcmp(type, "IHDR", 4) == 0) {
            int ok;
            if (seen_ihdr) {
                pm__errorf("png: duplicate IHDR chunk");
                return NULL;
            }
            if (clen != 13) {
                pm__errorf("png: IHDR chunk has wrong length");
                return NULL;
            }
            seen_ihdr = 1;
            width = pm__rd32be(data);
            height = pm__rd32be(data + 4);
            pi.depth = data[8];
            pi.ctype = data[9];
            interlace = data[12];
            switch (pi.ctype) {
            case 0: ok = pi.depth == 1 || pi.depth == 2 || pi.depth == 4 || pi.depth == 8 ||
                         pi.depth == 16; chans = 1; break;
            case 3: ok = pi.depth == 1 || pi.depth == 2 || pi.depth == 4 || pi.depth == 8;
                    chans = 1; break;
            case 2: ok = pi.depth == 8 || pi.depth == 16; chans = 3; break;
            case 4: ok = pi.depth == 8 || pi.depth == 16; chans = 2; break;
            case 6: ok = pi.depth == 8 || pi.depth == 16; chans = 4; break;
            default: ok = 0; break;
            }
            if (!ok) {
                pm__errorf("png: invalid colour type %d / bit depth %d", pi.ctype, pi.depth);
                return NULL;
            }
            if (data[10] != 0 || data[11] != 0) {
                pm__errorf("png: unknown compression or filter method");
                return NULL;
            }
            if (interlace > 1) {
                pm__errorf("png: unknown interlace method %d", interlace);
                return NULL;
            }
            if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) {
                pm__errorf("png: invalid image size %lux%lu", (unsigned long)width,
                           (unsigned long)height);
                return NULL;
            }
            if (pm__check_image_size((long)width, (long)height) != 0) return NULL;
        } else if (memcmp(type, "PLTE", 4) == 0) {
            uint32_t i;
            if (idat_state) {
                pm__errorf("png: PLTE after IDAT");
                return NULL;
            }
            if (pi.npal) {
                pm__errorf("png: duplicate PLTE chunk");
                return NULL;
            }
            if (pi.ctype == 0 || pi.ctype == 4) {
                pm__errorf("png: PLTE chunk in a grayscale image");
                return NULL;
            }
            if (clen == 0 || clen > 768 || clen % 3 != 0) {
                pm__errorf("png: invalid PLTE length %lu", (unsigned long)clen);
                return NULL;
            }
            pi.npal = (int)(clen / 3);
            for (i = 0; i < clen; i++) pi.pal[i / 3][i % 3] = data[i];
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (idat_state == 2) {
                pm__errorf("png: IDAT chunks are not consecutive");
                return NULL;
            }
            if (pi.ctype == 3 && pi.npal == 0) {
                pm__errorf("png: missing PLTE before IDAT");
                return NULL;
            }
            if (idat_state == 0) idat_first = p;
            idat_state = 1;
            idat_total += clen; /* bounded by len, cannot overflow */
        } else if (memcmp(type, "IEND", 4) == 0) {
            seen_iend = 1;
        } else if (!(type[0] & 0x20)) {
            pm__errorf("png: unknown critical chunk %.4s", (const char *)type);
            return NULL;
        }
        /* ancillary chunks (tRNS, gAMA, tEXt, ...) are skipped: alpha is dropped anyway */
        p += 12 + (size_t)clen;
    }
    if (idat_state == 0) {
        pm__errorf("png: no IDAT chunk");
        return NULL;
    }

    /* exact size of the filtered data: for each (Adam7) pass, rows * (1 + row bytes) */
    bits_pp = (size_t)chans * (size_t)pi.depth;
    bpp = (bits_pp + 7) / 8;
    for (pass = 0; pass < 7; pass++) {
        size_t pw, ph, rowb;
        if (interlace) {
            const uint8_t *a = pm__adam7[pass];
            pw = width > a[0] ? (width - a[0] + a[2] - 1) / a[2] : 0;
            ph = height > a[1] ? (height - a[1] + a[3] - 1) / a[3] : 0;
        } else {
            if (pass > 0) break;
            pw = width;
            ph = height;
        }
        if (pw == 0 || ph == 0) continue;
        if (pw > ((size_t)-1 - 7) / bits_pp) goto too_big;
        rowb = (pw * bits_pp + 7) / 8 + 1;
        if (rowb > ((size_t)-1) / ph || rowb * ph > ((size_t)-1) - expect) goto too_big;
        expect += rowb * ph;
    }

    /* gather the IDAT payload into one buffer (or use it in place if there is one chunk) */
    {
        uint32_t first_len = pm__rd32be(buf + idat_first);
        const uint8_t *zdata;
        if (first_len == idat_total) {
            zdata = buf + idat_first + 8;
        } else {
            size_t q = idat_first, o = 0;
            idat = (uint8_t *)PM_MALLOC(idat_total ? idat_total : 1);
            if (!idat) {
                pm__errorf("png: out of memory");
                return NULL;
            }
            for (;;) {
                uint32_t cl = pm__rd32be(buf + q);
                if (memcmp(buf + q + 4, "IDAT", 4) != 0) break;
                memcpy(idat + o, buf + q + 8, cl);
                o += cl;
                q += 12 + (size_t)cl;
            }
            zdata = idat;
        }
        if (pm__zlib_decode(zdata, idat_total, &raw, &zlen, expect)) {
            PM_FREE(idat);
            return NULL;
        }
        PM_FREE(idat);
        idat = NULL;
    }
    if (zlen != expect) {
        pm__errorf("png: image data is %lu bytes, expected %lu", (unsigned long)zlen,
                   (unsigned long)expect);
        goto fail;
    }

    rgb = pm__img_alloc_rgb((long)width, (long)height);
    if (!rgb) goto fail;

    /* unfilter in place pass by pass and scatter the pixels into the RGB image */
    {
        uint8_t *row = raw;
        for (pass = 0; pass < 7; pass++) {
            size_t x0 = 0, y0 = 0, dx = 1, dy = 1, pw, ph, rowb, y;
            const uint8_t *prev = NULL;
            if (interlace) {
                const uint8_t *a = pm__adam7[pass];
                x0 = a[0];
                y0 = a[1];
                dx = a[2];
                dy = a[3];
                pw = width > x0 ? (width - x0 + dx - 1) / dx : 0;
                ph = height > y0 ? (height - y0 + dy - 1) / dy : 0;
            } else {
                if (pass > 0) break;
                pw = width;
                ph = height;
            }
            if (pw == 0 || ph == 0) continue;
            rowb = (pw * bits_pp + 7) / 8;
            for (y = 0; y < ph; y++) {
                uint8_t *dst = rgb + (((y0 + y * dy) * (size_t)width) + x0) * 3;
                if (pm__png_unfilter(row[0], row + 1, prev, rowb, bpp)) goto fail;
                pm__png_emit_row(&pi, row + 1, pw, dst, dx * 3);
                prev = row + 1;
                row += rowb + 1;
            }
        }
    }
    PM_FREE(raw);
    *w = (int)width;
    *h = (int)height;
    return rgb;

too_big:
    pm__errorf("png: image too large");
fail:
    PM_FREE(idat);
    PM_FREE(raw);
    PM_FREE(rgb);
    return NULL;
}

/* ---------------------------------------------------------------------------
 * BMP
 * ------------------------------------------------------------------------ */

/* unpacks a channel described by a bit mask from a pixel value, scaled to 0..255 as
   value * 255 / max (rounded down; Pillow's rule for its 5- and 6-bit layouts) */
typedef struct {
    uint32_t mask;
    unsigned shift;
    uint32_t max; /* mask >> shift; 0 = channel absent (reads as 0) */
} pm__bmp_chan;

/* fills c from a bit mask */
static void pm__bmp_chan_init(pm__bmp_chan *c, uint32_t mask)
{
    c->mask = mask;
    c->shift = 0;
    c->max = 0;
    if (!mask) return;
    while (!((mask >> c->shift) & 1)) c->shift++;
    c->max = mask >> c->shift;
}

/* extracts channel c from pixel value v as 0..255 */
static uint8_t pm__bmp_chan_get(const pm__bmp_chan *c, uint32_t v)
{
    uint32_t x;
    if (!c->max) return 0;
    x = (v & c->mask) >> c->shift;
    if (c->max == 255) return (uint8_t)x;
    return (uint8_t)(((uint64_t)x * 255u) / c->max);
}

/* Decodes the RLE8 / RLE4 stream src[0..n) into idx (w*h palette indices, row 0 = the first
   row in file order, i.e. the bottom row for bottom-up files). Pixels never written stay 0.
   Runs that overflow a row are clipped; decoding stops at end-of-bitmap or when the rows are
   exhausted. Returns 0 or -1 with the error set (data ending without either is an error). */
static int pm__bmp_rle(const uint8_t *src, size_t n, int rle4, uint8_t *idx, size_t w, size_t h)
{
    size_t p = 0, x = 0, y = 0;
    while (y < h) {
        unsigned a, b;
        if (n - p < 2) return pm__errorf("bmp: RLE data truncated");
        a = src[p];
        b = src[p + 1];
        p += 2;
        if (a > 0) { /* encoded run: a pixels of colour b (RLE4: alternating nibbles) */
            unsigned i;
            for (i = 0; i < a && x < w; i++, x++)
                idx[y * w + x] = (uint8_t)(rle4 ? ((i & 1) ? (b & 15) : (b >> 4)) : b);
        } else if (b == 0) { /* end of line */
            x = 0;
            y++;
        } else if (b == 1) { /* end of bitmap */
            break;
        } else if (b == 2) { /* delta: move right and up (in file order) */
            if (n - p < 2) return pm__errorf("bmp: RLE data truncated");
            x += src[p];
            y += src[p + 1];
            p += 2;
        } else { /* absolute run of b literal pixels, padded to a 16-bit boundary */
            size_t nbytes = rle4 ? ((size_t)b + 1) / 2 : b, i;
            if (n - p < nbytes) return pm__errorf("bmp: RLE data truncated");
            for (i = 0; i < b; i++, x++) {
                unsigned v = rle4 ? ((i & 1) ? (src[p + i / 2] & 15) : (src[p + i / 2] >> 4))
                                  : src[p + i];
                if (x < w) idx[y * w + x] = (uint8_t)v;
            }
            p += nbytes + (nbytes & 1);
            if (p > n) p = n; /* a missing final pad byte is harmless */
        }
    }
    return 0;
}

/* Decodes a BMP file held in buf[0..len). Supports OS/2 1.x (12-byte) headers and Windows
   BITMAPINFOHEADER (40) / V2 (52) / V3 (56) / OS/2 2.x (64) / V4 (108) / V5 (124) headers;
   1/2/4/8-bit palettes, 16/24/32-bit BI_RGB, 16/24/32-bit BI_BITFIELDS (any masks) and
   BI_ALPHABITFIELDS, RLE8 and RLE4; bottom-up and top-down rows.
   Returns a PM_MALLOC'd w*h*3 RGB8 buffer and sets *w, *h, or NULL with the error set. */
static uint8_t *pm__bmp_decode(const uint8_t *buf, size_t len, int *w, int *h)
{
    uint32_t hsize, comp = 0, colors = 0, off, rmask = 0, gmask = 0, bmask = 0, amask = 0;
    long width, height;
    int bits, topdown = 0, npal = 0, i;
    uint8_t pal[256][3];
    size_t palpos, stride, x, y, ww, hh;
    uint8_t *rgb = NULL, *idx = NULL;
    pm__bmp_chan ch[3];

    *w = *h = 0;
    if (len < 18 || buf[0] != 'B' || buf[1] != 'M') {
        pm__errorf("bmp: not a BMP file");
        return NULL;
    }
    off = pm__rd32(buf + 10);
    hsize = pm__rd32(buf + 14);
    if (hsize != 12 && hsize != 40 && hsize != 52 && hsize != 56 && hsize != 64 &&
        hsize != 108 && hsize != 124) {
        pm__errorf("bmp: unsupported header size %lu", (unsigned long)hsize);
        return NULL;
    }
    if (len - 14 < hsize) {
        pm__errorf("bmp: header truncated");
        return NULL;
    }
    if (hsize == 12) { /* OS/2 1.x BITMAPCOREHEADER: 16-bit unsigned sizes, 3-byte palette */
        width = (long)pm__rd16(buf + 18);
        height = (long)pm__rd16(buf + 20);
        bits = (int)pm__rd16(buf + 24);
    } else {
        uint32_t uw = pm__rd32(buf + 18), uh = pm__rd32(buf + 22);
        /* sizes are signed 32-bit; a negative height means rows are stored top-down */
        width = uw >= 0x80000000u ? -1 : (long)uw;
        if (uh >= 0x80000000u) {
            topdown = 1;
            height = uh == 0x80000000u ? -1 : (long)(0xFFFFFFFFu - uh + 1u);
        } else {
            height = (long)uh;
        }
        bits = (int)pm__rd16(buf + 28);
        comp = pm__rd32(buf + 30);
        colors = pm__rd32(buf + 46);
    }
    if (width <= 0 || height <= 0) {
        pm__errorf("bmp: invalid image size");
        return NULL;
    }
    if (pm__check_image_size(width, height) != 0) return NULL;
    if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16 && bits != 24 &&
        bits != 32) {
        pm__errorf("bmp: unsupported bit depth %d", bits);
        return NULL;
    }
    palpos = 14 + (size_t)hsize;

    /* compression and channel masks */
    if (comp == 0) { /* BI_RGB */
        if (bits == 16) {
            rmask = 0x7C00; gmask = 0x03E0; bmask = 0x001F;
        } else {
            rmask = 0xFF0000; gmask = 0xFF00; bmask = 0xFF;
        }
    } else if ((comp == 3 || comp == 6) && hsize != 12 && hsize != 64 &&
               (bits == 16 || bits == 24 || bits == 32)) { /* BI_(ALPHA)BITFIELDS */
        if (hsize >= 52) { /* masks are part of the header */
            rmask = pm__rd32(buf + 54);
            gmask = pm__rd32(buf + 58);
            bmask = pm__rd32(buf + 62);
            if (hsize >= 56) amask = pm__rd32(buf + 66);
        } else { /* 40-byte header: masks follow it */
            size_t nm = comp == 6 ? 4 : 3;
            if (len - palpos < 4 * nm) {
                pm__errorf("bmp: bitfield masks truncated");
                return NULL;
            }
            rmask = pm__rd32(buf + palpos);
            gmask = pm__rd32(buf + palpos + 4);
            bmask = pm__rd32(buf + palpos + 8);
            palpos += 4 * nm;
        }
        (void)amask; /* alpha is dropped */
        if (bits != 32 && ((rmask | gmask | bmask) >> bits) != 0) {
            pm__errorf("bmp: bitfield mask wider than the pixel");
            return NULL;
        }
        if (rmask == 0 && gmask == 0 && bmask == 0) { /* Pillow reads all-zero masks as BGR */
            if (bits == 16) {
                rmask = 0x7C00; gmask = 0x03E0; bmask = 0x001F;
            } else {
                rmask = 0xFF0000; gmask = 0xFF00; bmask = 0xFF;
            }
        }
    } else if ((comp == 1 && bits == 8) || (comp == 2 && bits == 4)) {
        /* RLE8 / RLE4 */
    } else {
        pm__errorf("bmp: unsupported compression %lu for %d-bit pixels", (unsigned long)comp,
                   bits);
        return NULL;
    }
    pm__bmp_chan_init(&ch[0], rmask);
    pm__bmp_chan_init(&ch[1], gmask);
    pm__bmp_chan_init(&ch[2], bmask);

    /* palette: biClrUsed entries (0 = 2^bits), 4 bytes each (3 for OS/2 1.x) */
    if (bits <= 8) {
        size_t esz = hsize == 12 ? 3 : 4;
        if (colors == 0 || hsize == 12) colors = 1u << bits;
        if (colors > 65536) {
            pm__errorf("bmp: palette size %lu is too large", (unsigned long)colors);
            return NULL;
        }
        npal = colors > 256 ? 256 : (int)colors;
        if ((len - palpos) / esz < (size_t)npal) {
            pm__errorf("bmp: palette truncated");
            return NULL;
        }
        for (i = 0; i < npal; i++) { /* stored as B, G, R (, reserved) */
            pal[i][0] = buf[palpos + i * esz + 2];
            pal[i][1] = buf[palpos + i * esz + 1];
            pal[i][2] = buf[palpos + i * esz + 0];
        }
        /* like Pillow: a data offset pointing right after the header skips the palette */
        if (off == 14 + hsize) off += 4 * colors;
    }
    if (off > len) {
        pm__errorf("bmp: pixel data offset beyond the end of the file");
        return NULL;
    }

    ww = (size_t)width;
    hh = (size_t)height;

    if (comp == 1 || comp == 2) {
        rgb = pm__img_alloc_rgb(width, height);
        if (!rgb) return NULL;
        idx = (uint8_t *)pm__malloc_array(ww, hh);
        if (!idx) goto fail;
        memset(idx, 0, ww * hh);
        if (pm__bmp_rle(buf + off, len - off, comp == 2, idx, ww, hh)) goto fail;
        for (y = 0; y < hh; y++) {
            const uint8_t *s = idx + (topdown ? y : hh - 1 - y) * ww;
            uint8_t *d = rgb + y * ww * 3;
            for (x = 0; x < ww; x++, d += 3) {
                unsigned v = s[x];
                if ((int)v < npal) {
                    d[0] = pal[v][0]; d[1] = pal[v][1]; d[2] = pal[v][2];
                } else {
                    d[0] = d[1] = d[2] = (uint8_t)v;
                }
            }
        }
        PM_FREE(idx);
        *w = (int)width;
        *h = (int)height;
        return rgb;
    }

    /* uncompressed rows, each padded to a multiple of 4 bytes */
    if (ww > (((size_t)-1) - 31) / (size_t)bits) goto toobig;
    stride = ((ww * (size_t)bits + 31) / 32) * 4;
    if (stride > ((size_t)-1) / hh) goto toobig;
    if ((len - off) / stride < hh) {
        pm__errorf("bmp: pixel data truncated");
        goto fail;
    }
    rgb = pm__img_alloc_rgb(width, height);
    if (!rgb) return NULL;
    for (y = 0; y < hh; y++) {
        const uint8_t *s = buf + off + (topdown ? y : hh - 1 - y) * stride;
        uint8_t *d = rgb + y * ww * 3;
        if (bits <= 8) {
            unsigned mask = (1u << bits) - 1;
            for (x = 0; x < ww; x++, d += 3) {
                size_t bit = x * (size_t)bits;
                unsigned v = (s[bit >> 3] >> (8 - bits - (bit & 7))) & mask;
                if ((int)v < npal) {
                    d[0] = pal[v][0]; d[1] = pal[v][1]; d[2] = pal[v][2];
                } else { /* beyond the palette: Pillow gives gray (i, i, i) */
                    d[0] = d[1] = d[2] = (uint8_t)v;
                }
            }
        } else if (bits == 24 && rmask == 0xFF0000 && gmask == 0xFF00 && bmask == 0xFF) {
            for (x = 0; x < ww; x++, d += 3, s += 3) {
                d[0] = s[2]; d[1] = s[1]; d[2] = s[0];
            }
        } else {
            size_t bytespp = (size_t)bits / 8;
            for (x = 0; x < ww; x++, d += 3, s += bytespp) {
                uint32_t v = bits == 16 ? pm__rd16(s)
                           : bits == 24 ? (pm__rd16(s) | ((uint32_t)s[2] << 16))
                                        : pm__rd32(s);
                d[0] = pm__bmp_chan_get(&ch[0], v);
                d[1] = pm__bmp_chan_get(&ch[1], v);
                d[2] = pm__bmp_chan_get(&ch[2], v);
            }
        }
    }
    *w = (int)width;
    *h = (int)height;
    return rgb;

toobig:
    pm__errorf("bmp: image too large");
fail:
    PM_FREE(idx);
    PM_FREE(rgb);
    return NULL;
}

/* ---------------------------------------------------------------------------
 * PNM (P1..P6), following Pillow 9.4's PpmImagePlugin tokenizer and scaling.
 * ------------------------------------------------------------------------ */

/* whitespace as Pillow's PPM reader defines it: space, \t, \n, \v, \f, \r */
static int pm__pnm_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == 0x0C || c == '\r';
}

/* reads the next token of up to 10 non-space characters starting at *p, skipping leading
   whitespace; a '#' comment runs to and including the next \r or \n and is invisible (it
   neither ends nor splits a token). The whitespace ending the token is consumed.
   Stores the token in tok (NUL-terminated) and returns its length, 0 at end of input, or
   -1 if it is longer than 10 characters */
static int pm__pnm_token(const uint8_t *buf, size_t len, size_t *p, char tok[12])
{
    int n = 0;
    while (*p < len) {
        uint8_t c = buf[(*p)++];
        if (c == '#') {
            while (*p < len && buf[*p] != '\r' && buf[*p] != '\n') (*p)++;
            if (*p < len) (*p)++;
            continue;
        }
        if (pm__pnm_space(c)) {
            if (n == 0) continue;
            break;
        }
        if (n == 10) return -1;
        tok[n++] = (char)c;
    }
    tok[n] = 0;
    return n;
}

/* parses a decimal token of digits only into *v; returns 0 or -1 */
static int pm__pnm_number(const char *tok, uint64_t *v)
{
    uint64_t x = 0;
    if (!*tok) return -1;
    for (; *tok; tok++) {
        if (*tok < '0' || *tok > '9') return -1;
        x = x * 10 + (uint64_t)(*tok - '0'); /* at most 10 digits: no overflow */
    }
    *v = x;
    return 0;
}

/* round-half-to-even of v / maxval * out_max computed in double precision, as Python's
   round() does for Pillow's PPM rescaling; result clipped to out_max */
static uint32_t pm__pnm_rescale(uint32_t v, uint32_t maxval, uint32_t out_max)
{
    double q = (double)v / (double)maxval;
    double f, r;
    q = q * (double)out_max;
    f = floor(q);
    r = q - f;
    if (r > 0.5 || (r == 0.5 && fmod(f, 2.0) != 0.0)) f += 1.0;
    if (f > (double)out_max) f = (double)out_max;
    return (uint32_t)f;
}

/* Decodes a PBM/PGM/PPM file (P1..P6) held in buf[0..len), maxval 1..65535.
   Returns a PM_MALLOC'd w*h*3 RGB8 buffer and sets *w, *h, or NULL with the error set.
   Scaling follows Pillow: maxval 255 is taken as is; otherwise values are rescaled with
   round-half-even (to 0..255, or for grayscale with maxval > 255 to 0..65535 and then
   clipped at 255, Pillow's mode "I" path). Bitmaps: 1 is black, 0 is white. */
static uint8_t *pm__pnm_decode(const uint8_t *buf, size_t len, int *w, int *h)
{
    char tok[12];
    uint64_t v[3] = {0, 0, 0};
    size_t p = 2, npix, i, nsamp;
    int kind, ntok, t, chans;
    uint32_t maxval = 1, out_max = 255;
    uint8_t *rgb = NULL, *lut = NULL;

    *w = *h = 0;
    if (len < 3 || buf[0] != 'P' || buf[1] < '1' || buf[1] > '6' || !pm__pnm_space(buf[2])) {
        pm__errorf("pnm: not a PNM file");
        return NULL;
    }
    kind = buf[1] - '0';
    p = 3;
    chans = (kind == 3 || kind == 6) ? 3 : 1;
    ntok = (kind == 1 || kind == 4) ? 2 : 3;
    for (t = 0; t < ntok; t++) {
        int n = pm__pnm_token(buf, len, &p, tok);
        if (n == 0) {
            pm__errorf("pnm: header truncated");
            return NULL;
        }
        if (n < 0 || pm__pnm_number(tok, &v[t]) != 0) {
            pm__errorf("pnm: invalid number in header");
            return NULL;
        }
    }
    if (ntok == 3) {
        if (v[2] < 1 || v[2] > 65535) {
            pm__errorf("pnm: maxval must be 1..65535");
            return NULL;
        }
        maxval = (uint32_t)v[2];
        if (chans == 1 && maxval > 255) out_max = 65535; /* Pillow's mode "I" */
    }
    if (v[0] == 0 || v[1] == 0 || v[0] > 0x7FFFFFFF || v[1] > 0x7FFFFFFF) {
        pm__errorf("pnm: invalid image size");
        return NULL;
    }
    if (pm__check_image_size((long)v[0], (long)v[1]) != 0) return NULL;
    if ((size_t)v[0] > ((size_t)-1) / 3 / (size_t)v[1]) {
        pm__errorf("pnm: image too large");
        return NULL;
    }
    npix = (size_t)v[0] * (size_t)v[1];
    nsamp = npix * (size_t)chans;
    /* cheap lower bound on the data size before allocating: every sample (P1/P2/P3) or
       every packed row (P4), byte (P5/P6 with maxval < 256) or 2 bytes needs input */
    {
        size_t need = kind == 4 ? (((size_t)v[0] + 7) / 8) * (size_t)v[1]
                    : kind >= 5 ? nsamp * (maxval > 255 ? 2 : 1) : nsamp;
        if (len - p < need) {
            pm__errorf("pnm: pixel data truncated");
            return NULL;
        }
    }
    rgb = pm__img_alloc_rgb((long)v[0], (long)v[1]);
    if (!rgb) return NULL;

    if (kind == 4) { /* packed bits, rows padded to whole bytes, 1 = black */
        size_t rowb = ((size_t)v[0] + 7) / 8, x, y;
        if ((len - p) / rowb < (size_t)v[1]) goto truncated;
        for (y = 0; y < (size_t)v[1]; y++)
            for (x = 0; x < (size_t)v[0]; x++) {
                int bit = (buf[p + y * rowb + x / 8] >> (7 - (x & 7))) & 1;
                memset(rgb + (y * (size_t)v[0] + x) * 3, bit ? 0 : 255, 3);
            }
    } else if (kind == 1) { /* one '0'/'1' character per pixel, spaces and comments between */
        i = 0;
        while (i < npix) {
            uint8_t c;
            if (p >= len) goto truncated;
            c = buf[p++];
            if (c == '#') {
                while (p < len && buf[p] != '\r' && buf[p] != '\n') p++;
                if (p < len) p++;
                continue;
            }
            if (pm__pnm_space(c)) continue;
            if (c != '0' && c != '1') {
                pm__errorf("pnm: invalid character in P1 data");
                goto fail;
            }
            memset(rgb + i * 3, c == '1' ? 0 : 255, 3);
            i++;
        }
    } else {
        /* samples land in rgb[0..nsamp) first; gray is expanded to RGB at the end */
        /* lookup table over every value the data can hold (plain values above maxval are
           rejected before the lookup, binary ones are clipped like Pillow does) */
        uint32_t lutn = kind <= 3 ? maxval + 1 : maxval > 255 ? 65536 : 256;
        lut = (uint8_t *)PM_MALLOC(65536); /* only lutn entries are filled and used */
        if (!lut) {
            pm__errorf("pnm: out of memory");
            goto fail;
        }
        for (i = 0; i < lutn; i++) {
            uint32_t s = (kind >= 5 && maxval == 255) ? (uint32_t)i
                                                      : pm__pnm_rescale((uint32_t)i, maxval,
                                                                        out_max);
            if (kind == 5 && maxval == 65535) s = (uint32_t)i; /* raw I;16B */
            lut[i] = (uint8_t)(s > 255 ? 255 : s);
        }
        if (kind >= 5) {
            size_t bps = maxval > 255 ? 2 : 1;
            if ((len - p) / bps < nsamp) goto truncated;
            for (i = 0; i < nsamp; i++) {
                uint32_t s = bps == 2 ? ((uint32_t)buf[p + 2 * i] << 8) | buf[p + 2 * i + 1]
                                      : buf[p + i];
                rgb[i] = lut[s];
            }
        } else {
            for (i = 0; i < nsamp; i++) {
                uint64_t s;
                int n = pm__pnm_token(buf, len, &p, tok);
                if (n == 0) goto truncated;
                if (n < 0 || pm__pnm_number(tok, &s) != 0) {
                    pm__errorf("pnm: invalid number in pixel data");
                    goto fail;
                }
                if (s > maxval) {
                    pm__errorf("pnm: sample value %lu exceeds maxval %lu", (unsigned long)s,
                               (unsigned long)maxval);
                    goto fail;
                }
                rgb[i] = lut[s];
            }
        }
        if (chans == 1) /* expand gray in place, back to front */
            for (i = npix; i-- > 0;) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = rgb[i];
        PM_FREE(lut);
    }
    *w = (int)v[0];
    *h = (int)v[1];
    return rgb;

truncated:
    pm__errorf("pnm: pixel data truncated");
fail:
    PM_FREE(lut);
    PM_FREE(rgb);
    return NULL;
}


/* =============================================================================================
 * JPEG decoder
 *
 * pm__jpeg_decode() turns a JPEG file held in memory into a tightly packed RGB8 image.
 *
 * Supported: baseline (SOF0), extended sequential 8-bit Huffman (SOF1) and progressive (SOF2)
 * files; 1 (grayscale), 3 (YCbCr or RGB) and 4 (Adobe CMYK / YCCK) components; sampling
 * factors 1..4 (any mix); interleaved and non-interleaved scans; restart intervals (with
 * libjpeg's resynchronisation rules for missing or damaged RSTn markers); EXIF orientation.
 * Not supported (clear error): arithmetic coding, lossless, hierarchical, 12/16-bit samples.
 *
 * The pipeline copies the default decompression of libjpeg-turbo (what PIL uses) so that the
 * output is bit-identical to PIL's, not just close:
 *   Huffman decoding -> dequantisation + "islow" integer IDCT (13-bit fixed point, 2 passes,
 *   with the 16-bit lane behaviour of its x86 SIMD version) -> one plane per component
 *   (progressive files: coefficients first, then libjpeg's block smoothing when some low
 *   frequencies never arrived) -> "fancy" triangle-filter upsampling of 2x subsampled
 *   components, replication for other integral ratios -> fixed-point YCbCr->RGB, or PIL's
 *   CMYK->RGB for 4-component files (stored inverted, Adobe style) -> EXIF orientation
 *   (like PIL.ImageOps.exif_transpose).
 * Truncated or damaged entropy-coded data is handled like libjpeg: missing bits read as zeros
 * and the rest of the restart interval is skipped (flat gray in sequential files). Structural
 * errors (bad tables, bad scan parameters, ...) are reported as errors, as PIL does.
 *
 * Memory: one byte per component sample plus the RGB output; progressive files also keep 2
 * bytes per component sample of coefficients. Work is bounded by the input size, except for
 * end-of-band runs, which cost O(1) per run or per block, and the scan count is capped.
 * =========================================================================================== */

/* A progressive file with more scans than this is rejected (real encoders use about 10; the
 * limit bounds the work an adversarial file can cause, as every scan walks the image). */
#define PM__JPEG_MAX_SCANS 1000

/* Zig-zag scan position -> natural (row-major) coefficient index. The 16 extra entries catch
 * run lengths that overshoot position 63 in corrupt data (they land harmlessly on 63). */
static const uint8_t pm__jpeg_natural[64 + 16] = {
     0,  1,  8, 16,  9,  2,  3, 10, 17, 24, 32, 25, 18, 11,  4,  5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13,  6,  7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63
};

/* The example Huffman tables of ITU T.81 Annex K.3. libjpeg-turbo installs them in empty
 * table slots 0 and 1, so Motion-JPEG frames stored without DHT still decode; we do the same.
 * Each table: 16 code-length counts followed by the symbols. */
static const uint8_t pm__jpeg_std_dc_luma[16 + 12] = {
    0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
};
static const uint8_t pm__jpeg_std_dc_chroma[16 + 12] = {
    0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
};
static const uint8_t pm__jpeg_std_ac_luma[16 + 162] = {
    0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d,
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
    0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52,
    0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25,
    0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45,
    0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64,
    0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83,
    0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
    0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
    0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3,
    0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8,
    0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa
};
static const uint8_t pm__jpeg_std_ac_chroma[16 + 162] = {
    0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77,
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
    0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33,
    0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18,
    0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44,
    0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63,
    0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a,
    0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
    0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
    0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa
};

/* Colour space of the coded components (decided like libjpeg, from markers and ids). */
enum { PM__JPEG_GRAY, PM__JPEG_YCC, PM__JPEG_RGB, PM__JPEG_CMYK, PM__JPEG_YCCK };

/* How a component plane is brought to full resolution (see pm__jpeg_upsample_row). */
enum {
    PM__JPEG_UP_FULL,      /* same size as the image: used directly */
    PM__JPEG_UP_H2V1,      /* 2x horizontally: triangle filter */
    PM__JPEG_UP_H1V2,      /* 2x vertically: triangle filter */
    PM__JPEG_UP_H2V2,      /* 2x both ways: triangle filter */
    PM__JPEG_UP_REPLICATE, /* other integral ratios: pixel replication */
    PM__JPEG_UP_NEAREST    /* non-integral ratios (libjpeg refuses these): nearest sample */
};

/* One Huffman decoding table. */
typedef struct {
    uint16_t fast[512];   /* next 9 bits -> (code length << 8) | symbol; 0 = code is longer */
    int32_t maxcode[17];  /* [len]: largest code of that length, -1 if there is none */
    int32_t valoff[17];   /* [len]: index of a code's symbol = code + valoff[len] */
    uint8_t symbols[256]; /* symbols in code order (zero beyond the defined ones) */
    int maxsym;           /* largest symbol (DC tables may not exceed 15) */
    int state;            /* 0 = slot empty, 1 = valid table, -1 = defined but malformed */
} pm__jpeg_huff;

/* One image component (frame parameters, per-scan state and its decoded samples). */
typedef struct {
    int id, h, v, tq;     /* component id, sampling factors, quantisation table slot */
    int cw, ch;           /* samples in the component: ceil(W*h/hmax) x ceil(H*v/vmax) */
    int bw, bh;           /* 8x8 blocks covering cw x ch */
    int stride;           /* bw * 8: bytes per row of `plane` */
    uint8_t *plane;       /* (bh*8) x stride IDCT output samples, owned */
    int16_t *coefs;       /* progressive only: bw*bh blocks x 64 coefficients, natural order */
    uint8_t *nz;          /* progressive only: per block, an upper bound of the zig-zag index
                             of its last nonzero AC coefficient (0 = none): lets refinement
                             scans skip empty blocks in O(1) */
    int32_t q[64];        /* dequantisation table latched at the first scan (natural order) */
    int32_t qraw[64];     /* the same table before the 16-bit wrap of q (for smoothing) */
    int coef_bits[64];    /* progressive: Al of the last scan of each coefficient, -1 = none */
    int prev_bits[10];    /* coef_bits[0..9] before the last scan of this component */
    int q_latched;
    int dc_pred;          /* DC predictor, kept in int16 range like libjpeg's JCOEF */
    int dc_tbl, ac_tbl;   /* Huffman table slots chosen by the current scan */
    int up, hr, vr;       /* upsampling method and integral ratios hmax/h, vmax/v */
    uint8_t *row;         /* W + 8 bytes: one upsampled row, owned */
} pm__jpeg_comp;

/* Bit reader over entropy-coded data: removes 0xFF00 stuffing, stops at markers. */
typedef struct {
    const uint8_t *p, *end; /* next unread byte / end of the file */
    uint64_t bits;          /* valid bits are left-aligned; everything below them is zero */
    int nbits;              /* number of valid bits in `bits` */
    int marker;             /* marker code met in the data (p points at its 0xFF), 0 if none */
    int insufficient;       /* set once bits past the end of the segment were needed */
} pm__jpeg_bits;

/* The whole decoder state. */
typedef struct {
    const uint8_t *buf;
    size_t len, pos;                /* the file, and the marker parser's position */
    int width, height, ncomp;       /* frame size and number of components */
    int hmax, vmax;                 /* largest sampling factors */
    int mcus_x, mcus_y;             /* MCUs of an interleaved scan */
    int frame_seen, progressive, scans;
    pm__jpeg_comp comp[4];
    pm__jpeg_huff dc[4], ac[4];
    int32_t qt[4][64];              /* quantisation tables as last defined (natural order) */
    int32_t qt_raw[4][64];          /* the same without the 16-bit wrap */
    int qt_defined[4];
    int restart_interval;
    int scan_n, scan_comp[4];       /* current scan: its components ... */
    int ss, se, ah, al;             /* ... spectral selection and successive approximation */
    int eobrun;                     /* progressive AC: blocks left in the current EOB run */
    int last_good_row;              /* last iMCU row decoded before the data ran out */
    pm__jpeg_bits bits;
    int jfif, adobe, adobe_transform, orientation, exif_seen;
    int colorspace;
    int16_t dummy[64];              /* sink for the padding blocks of interleaved MCUs */
    uint8_t dummy_nz;
    int32_t cr_r[256], cb_b[256], cr_g[256], cb_g[256]; /* YCbCr->RGB fixed-point tables */
} pm__jpeg;

/* Floor division of v by 2^s (1 <= s <= 31) without right-shifting a negative value. */
static int32_t pm__jpeg_asr(int32_t v, int s)
{
    uint32_t u = ((uint32_t)v ^ 0x80000000u) >> s; /* = (v + 2^31) >> s, no sign issues */
    return (int32_t)u - (int32_t)(0x80000000u >> s);
}

/* Reduces an integer to the int16 range with two's complement wrap-around (what storing into
 * libjpeg's 16-bit JCOEF does), without implementation-defined conversions. */
static int16_t pm__jpeg_i16(uint32_t v)
{
    return (int16_t)((int32_t)((v & 0xFFFFu) ^ 0x8000u) - 0x8000);
}

/* Clamps to a sample value. */
static uint8_t pm__jpeg_clamp(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Big-endian 16-bit field. */
static int pm__jpeg_u16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* ---------------------------------------------------------------------------------------------
 * Bit reader
 * ------------------------------------------------------------------------------------------- */

/* Tops the bit buffer up to at least 57 bits, unless a marker or the end of the file comes
 * first; the bits after the real ones then read as zeros (libjpeg's padding). */
static void pm__jpeg_fill(pm__jpeg_bits *b)
{
    while (b->nbits <= 56) {
        uint32_t c;
        if (b->marker || b->p >= b->end) return;
        c = *b->p;
        if (c == 0xFF) {
            /* 0xFF 0x00 is a data byte 0xFF; 0xFF 0xFF... are fill bytes; else a marker */
            const uint8_t *q = b->p + 1;
            while (q < b->end && *q == 0xFF) q++;
            if (q >= b->end) {
                b->p = b->end;
                return;
            }
            if (*q != 0) {
                b->marker = *q;
                b->p = q - 1;
                return;
            }
            b->p = q + 1;
        } else {
            b->p++;
        }
        b->bits |= (uint64_t)c << (56 - b->nbits);
        b->nbits += 8;
    }
}

/* Drops n (<= 32) bits; running past the real data flags the segment as insufficient. */
static void pm__jpeg_skip(pm__jpeg_bits *b, int n)
{
    if (n > b->nbits) {
        b->insufficient = 1;
        b->bits = 0;
        b->nbits = 0;
    } else {
        b->bits <<= n;
        b->nbits -= n;
    }
}

/* Returns the next n (0..16) bits as an unsigned number. */
static int pm__jpeg_get_bits(pm__jpeg_bits *b, int n)
{
    int v;
    if (n == 0) return 0;
    if (b->nbits < n) pm__jpeg_fill(b);
    v = (int)(b->bits >> (64 - n));
    pm__jpeg_skip(b, n);
    return v;
}

/* Reads an s-bit magnitude category value (T.81 F.2.2.1 "EXTEND"): s = 0..16. */
static int pm__jpeg_extend(pm__jpeg_bits *b, int s)
{
    int v = pm__jpeg_get_bits(b, s);
    if (s > 0 && v < (1 << (s - 1))) v = v - (1 << s) + 1;
    return v;
}

/* Decodes one Huffman symbol. A bit pattern that matches no code reads as symbol 0 and
 * consumes 17 bits, as in libjpeg. */
static int pm__jpeg_huff_decode(pm__jpeg_bits *b, const pm__jpeg_huff *h)
{
    int e, len, sym;
    if (b->nbits < 17) pm__jpeg_fill(b);
    e = h->fast[b->bits >> 55];
    if (e) {
        len = e >> 8;
        sym = e & 255;
    } else {
        int32_t code;
        len = 10;
        code = (int32_t)(b->bits >> (64 - len));
        while (len <= 16 && code > h->maxcode[len]) {
            len++;
            code = (int32_t)(b->bits >> (64 - len));
        }
        if (len > 16) {
            sym = 0;
        } else {
            sym = h->symbols[(code + h->valoff[len]) & 255];
        }
    }
    pm__jpeg_skip(b, len);
    return sym;
}

/* Moves b->p to the next marker (0xFF followed by a byte other than 0x00 and 0xFF) and records
 * it in b->marker, or leaves b->marker = 0 with b->p at the end when there is none. */
static void pm__jpeg_find_marker(pm__jpeg_bits *b)
{
    const uint8_t *p = b->p;
    while (p < b->end) {
        if (*p != 0xFF) {
            p++;
            continue;
        }
        while (p + 1 < b->end && p[1] == 0xFF) p++;
        if (p + 1 >= b->end) break;
        if (p[1] != 0) {
            b->p = p;
            b->marker = p[1];
            return;
        }
        p += 2;
    }
    b->p = b->end;
    b->marker = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Huffman tables
 * ------------------------------------------------------------------------------------------- */

/* Builds decoding tables from 16 code-length counts and nsym (<= 256) symbols. The table is
 * marked malformed (state -1) when the counts overflow the code space or use an all-ones
 * code, which libjpeg also rejects. */
static void pm__jpeg_build_huff(pm__jpeg_huff *h, const uint8_t *counts, const uint8_t *syms,
                                int nsym)
{
    int len, i, k = 0;
    uint32_t code = 0;
    memset(h, 0, sizeof(*h));
    memcpy(h->symbols, syms, (size_t)nsym);
    for (i = 0; i < nsym; i++) {
        if (syms[i] > h->maxsym) h->maxsym = syms[i];
    }
    h->state = 1;
    for (len = 1; len <= 16; len++) {
        int n = counts[len - 1];
        h->valoff[len] = k - (int32_t)code;
        h->maxcode[len] = n ? (int32_t)(code + (uint32_t)n - 1) : -1;
        for (i = 0; i < n; i++, k++, code++) {
            if (len <= 9) {
                /* every 9-bit lookahead starting with this code decodes to it */
                uint32_t first = code << (9 - len), t, cnt = 1u << (9 - len);
                for (t = 0; t < cnt && first + t < 512; t++) {
                    h->fast[first + t] = (uint16_t)((len << 8) | syms[k]);
                }
            }
        }
        if (code >= (1u << len)) { /* next free code must still fit in len bits */
            h->state = -1;
            return;
        }
        code <<= 1;
    }
}

/* Parses a DHT segment (d, n bytes), which may define several tables. */
static int pm__jpeg_read_dht(pm__jpeg *j, const uint8_t *d, size_t n)
{
    while (n > 0) {
        int tc, th, i, total = 0;
        if (n < 17) return pm__errorf("jpeg: DHT segment truncated");
        tc = d[0] >> 4;
        th = d[0] & 15;
        if (tc > 1 || th > 3) return pm__errorf("jpeg: bad Huffman table index in DHT");
        for (i = 0; i < 16; i++) total += d[1 + i];
        if (total > 256 || (size_t)total > n - 17) {
            return pm__errorf("jpeg: bad Huffman table in DHT");
        }
        pm__jpeg_build_huff(tc ? &j->ac[th] : &j->dc[th], d + 1, d + 17, total);
        d += 17 + total;
        n -= 17 + (size_t)total;
    }
    return 0;
}

/* Parses a DQT segment, which may define several tables (8- or 16-bit entries). */
static int pm__jpeg_read_dqt(pm__jpeg *j, const uint8_t *d, size_t n)
{
    while (n > 0) {
        int pq = d[0] >> 4, tq = d[0] & 15, k;
        size_t need = 1 + (pq ? 128 : 64);
        if (tq > 3) return pm__errorf("jpeg: bad quantization table index in DQT");
        if (n < need) return pm__errorf("jpeg: DQT segment truncated");
        for (k = 0; k < 64; k++) {
            int32_t q = pq ? pm__jpeg_u16(d + 1 + 2 * k) : d[1 + k];
            j->qt_raw[tq][pm__jpeg_natural[k]] = q;
            /* libjpeg-turbo (SIMD builds) keeps multipliers in a short: mimic the wrap */
            if (q > 32767) q -= 65536;
            j->qt[tq][pm__jpeg_natural[k]] = q;
        }
        j->qt_defined[tq] = 1;
        d += need;
        n -= need;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Inverse DCT
 *
 * libjpeg's "islow" IDCT: the Loeffler-Ligtenberg-Moschytz factorisation with 13-bit fixed-point
 * constants, columns first (keeping 2 extra bits), then rows. PIL's libjpeg-turbo runs it as
 * x86 SIMD code that keeps every value between the stages in 16-bit lanes; the arithmetic below
 * reproduces that exactly: dequantised coefficients and three butterfly sums wrap to 16 bits,
 * stage outputs saturate to 16 bits, and samples are clamped to 0..255. For valid data none of
 * this ever triggers and the result is the textbook one; for corrupt data the output still
 * matches PIL's. All intermediate values provably fit in 32 bits.
 * ------------------------------------------------------------------------------------------- */

/* Two's complement wrap and saturation of a value to the int16 range. */
static int32_t pm__jpeg_wrap16(int32_t v)
{
    return pm__jpeg_i16((uint32_t)v);
}

static int32_t pm__jpeg_sat16(int32_t v)
{
    return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/* One 8-point IDCT on 16-bit inputs x[0], x[step], ..., x[7*step]. Writes the 8 outputs,
 * still scaled by 2^13 (the constants' fraction bits), to o[0..7]. */
static void pm__jpeg_idct_1d(const int32_t *x, int step, int32_t *o)
{
    int32_t x0 = x[0], x1 = x[step], x2 = x[2 * step], x3 = x[3 * step];
    int32_t x4 = x[4 * step], x5 = x[5 * step], x6 = x[6 * step], x7 = x[7 * step];
    int32_t e0, e1, e2, e3, t10, t11, t12, t13, z3, z4, o0, o1, o2, o3;
    /* even part: rotation of x2, x6 by sqrt(2) c6; butterflies of x0, x4 */
    e3 = x2 * (4433 + 6270) + x6 * 4433;        /* 0.541196100, 0.765366865 */
    e2 = x2 * 4433 + x6 * (4433 - 15137);       /* 1.847759065 */
    e0 = pm__jpeg_wrap16(x0 + x4) * 8192;
    e1 = pm__jpeg_wrap16(x0 - x4) * 8192;
    t10 = e0 + e3;
    t13 = e0 - e3;
    t11 = e1 + e2;
    t12 = e1 - e2;
    /* odd part */
    z3 = pm__jpeg_wrap16(x7 + x3);
    z4 = pm__jpeg_wrap16(x5 + x1);
    e0 = z3 * (9633 - 16069) + z4 * 9633;       /* 1.175875602, 1.961570560 */
    e1 = z3 * 9633 + z4 * (9633 - 3196);        /* 0.390180644 */
    o0 = x7 * (2446 - 7373) - x1 * 7373 + e0;   /* 0.298631336, 0.899976223 */
    o1 = x5 * (16819 - 20995) - x3 * 20995 + e1; /* 2.053119869, 2.562915447 */
    o2 = x3 * (25172 - 20995) - x5 * 20995 + e0; /* 3.072711026 */
    o3 = x1 * (12299 - 7373) - x7 * 7373 + e1;  /* 1.501321110 */
    o[0] = t10 + o3;
    o[7] = t10 - o3;
    o[1] = t11 + o2;
    o[6] = t11 - o2;
    o[2] = t12 + o1;
    o[5] = t12 - o1;
    o[3] = t13 + o0;
    o[4] = t13 - o0;
}

/* Dequantises one block (64 coefficients, natural order) with q (16-bit multipliers) and
 * inverse-transforms it into 8x8 samples at out (row stride `stride`). */
static void pm__jpeg_idct(const int16_t *coef, const int32_t *q, uint8_t *out, int stride)
{
    int32_t dq[64], ws[64], t[8];
    int i, k, ac_zero = 1;
    for (k = 0; k < 64; k++) dq[k] = pm__jpeg_wrap16(coef[k] * q[k]);
    for (k = 8; k < 64; k++) {
        if (coef[k] != 0) {
            ac_zero = 0;
            break;
        }
    }
    /* pass 1: columns -> ws, descaled by 2^11 (keeping 2 fraction bits) */
    for (i = 0; i < 8; i++) {
        const int32_t *c = dq + i;
        if (ac_zero || (c[8] == 0 && c[16] == 0 && c[24] == 0 && c[32] == 0 && c[40] == 0 &&
                        c[48] == 0 && c[56] == 0)) {
            /* constant column; when the whole block has only row 0 the SIMD code takes a
             * shortcut that wraps instead of saturating */
            int32_t v = ac_zero ? pm__jpeg_wrap16(c[0] * 4) : pm__jpeg_sat16(c[0] * 4);
            for (k = 0; k < 8; k++) ws[8 * k + i] = v;
            continue;
        }
        pm__jpeg_idct_1d(c, 8, t);
        for (k = 0; k < 8; k++) ws[8 * k + i] = pm__jpeg_sat16(pm__jpeg_asr(t[k] + 1024, 11));
    }
    /* pass 2: rows -> samples, descaled by 2^18 (13 + 2 + 3 for the two sqrt(8) factors) */
    for (i = 0; i < 8; i++) {
        const int32_t *w = ws + 8 * i;
        uint8_t *o = out + (size_t)i * (size_t)stride;
        if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 &&
            w[7] == 0) {
            int32_t v = pm__jpeg_asr(w[0] + 16, 5);
            memset(o, pm__jpeg_clamp(v + 128), 8);
            continue;
        }
        pm__jpeg_idct_1d(w, 1, t);
        for (k = 0; k < 8; k++) o[k] = pm__jpeg_clamp(pm__jpeg_asr(t[k] + (1 << 17), 18) + 128);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Entropy decoding of one block (sequential, and the four kinds of progressive scans)
 * ------------------------------------------------------------------------------------------- */

/* Sequential: decodes a whole block into blk (64 coefficients, natural order, pre-zeroed). */
static void pm__jpeg_block_seq(pm__jpeg *j, pm__jpeg_comp *c, int16_t *blk)
{
    pm__jpeg_bits *b = &j->bits;
    const pm__jpeg_huff *ac = &j->ac[c->ac_tbl];
    int s, k;
    s = pm__jpeg_huff_decode(b, &j->dc[c->dc_tbl]);
    c->dc_pred = pm__jpeg_i16((uint32_t)(c->dc_pred + pm__jpeg_extend(b, s)));
    blk[0] = (int16_t)c->dc_pred;
    for (k = 1; k < 64; k++) {
        int rs = pm__jpeg_huff_decode(b, ac);
        int r = rs >> 4;
        s = rs & 15;
        if (s) {
            k += r;
            blk[pm__jpeg_natural[k]] = (int16_t)pm__jpeg_extend(b, s);
        } else {
            if (r != 15) break; /* end of block */
            k += 15;            /* run of 16 zeros */
        }
    }
}

/* Progressive, first DC scan: the DC difference, scaled by 2^Al. */
static void pm__jpeg_block_dc_first(pm__jpeg *j, pm__jpeg_comp *c, int16_t *blk)
{
    pm__jpeg_bits *b = &j->bits;
    int s = pm__jpeg_huff_decode(b, &j->dc[c->dc_tbl]);
    c->dc_pred = pm__jpeg_i16((uint32_t)(c->dc_pred + pm__jpeg_extend(b, s)));
    blk[0] = pm__jpeg_i16((uint32_t)c->dc_pred << j->al);
}

/* Progressive, DC refinement: one more bit of the DC value. */
static void pm__jpeg_block_dc_refine(pm__jpeg *j, int16_t *blk)
{
    if (pm__jpeg_get_bits(&j->bits, 1)) {
        blk[0] = pm__jpeg_i16((uint32_t)blk[0] | (1u << j->al));
    }
}

/* Progressive, first AC scan of band Ss..Se (with end-of-band runs across blocks). *nz is the
 * block's last-nonzero bound (see pm__jpeg_comp). */
static void pm__jpeg_block_ac_first(pm__jpeg *j, pm__jpeg_comp *c, int16_t *blk, uint8_t *nz)
{
    pm__jpeg_bits *b = &j->bits;
    const pm__jpeg_huff *ac = &j->ac[c->ac_tbl];
    int k;
    if (j->eobrun > 0) {
        j->eobrun--;
        return;
    }
    for (k = j->ss; k <= j->se; k++) {
        int rs = pm__jpeg_huff_decode(b, ac);
        int r = rs >> 4, s = rs & 15;
        if (s) {
            k += r;
            blk[pm__jpeg_natural[k]] = pm__jpeg_i16((uint32_t)pm__jpeg_extend(b, s) << j->al);
            if (k > *nz) *nz = (uint8_t)(k < 63 ? k : 63);
        } else if (r == 15) {
            k += 15;
        } else {
            /* EOBn: this block and the next 2^r + bits - 1 ones end here */
            j->eobrun = (1 << r) + pm__jpeg_get_bits(b, r) - 1;
            break;
        }
    }
}

/* Progressive, AC refinement: appends correction bits to the coefficients that are already
 * nonzero and places new +-2^Al coefficients (T.81 G.1.2.3). */
static void pm__jpeg_block_ac_refine(pm__jpeg *j, pm__jpeg_comp *c, int16_t *blk, uint8_t *nz)
{
    pm__jpeg_bits *b = &j->bits;
    const pm__jpeg_huff *ac = &j->ac[c->ac_tbl];
    uint32_t p1 = 1u << j->al;   /* +1 at this bit position */
    uint32_t m1 = 0u - p1;       /* -1 at this bit position (two's complement) */
    int k = j->ss;

    if (j->eobrun == 0) {
        for (; k <= j->se; k++) {
            int rs = pm__jpeg_huff_decode(b, ac);
            int r = rs >> 4, s = rs & 15;
            uint32_t val = 0;
            if (s) {
                /* the size of a new coefficient is always 1: just read its sign */
                val = pm__jpeg_get_bits(b, 1) ? p1 : m1;
            } else if (r != 15) {
                j->eobrun = (1 << r) + pm__jpeg_get_bits(b, r);
                break; /* the rest of the band is handled by the EOB logic below */
            }
            /* skip r zero coefficients (refining the nonzero ones met on the way) */
            do {
                int16_t *cf = blk + pm__jpeg_natural[k];
                if (*cf != 0) {
                    if (pm__jpeg_get_bits(b, 1) && ((uint32_t)*cf & p1) == 0) {
                        *cf = pm__jpeg_i16((uint32_t)*cf + (*cf >= 0 ? p1 : m1));
                    }
                } else {
                    if (--r < 0) break;
                }
                k++;
            } while (k <= j->se);
            if (val) {
                blk[pm__jpeg_natural[k]] = pm__jpeg_i16(val);
                if (k > *nz) *nz = (uint8_t)(k < 63 ? k : 63);
            }
        }
    }
    if (j->eobrun > 0) {
        /* inside an end-of-band run: only correction bits for the nonzero coefficients,
         * none of which lies beyond *nz */
        int last = j->se < *nz ? j->se : *nz;
        for (; k <= last; k++) {
            int16_t *cf = blk + pm__jpeg_natural[k];
            if (*cf != 0) {
                if (pm__jpeg_get_bits(b, 1) && ((uint32_t)*cf & p1) == 0) {
                    *cf = pm__jpeg_i16((uint32_t)*cf + (*cf >= 0 ? p1 : m1));
                }
            }
        }
        j->eobrun--;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Scans
 * ------------------------------------------------------------------------------------------- */

/* Handles a restart boundary: finds the next marker and resynchronises the way libjpeg's
 * default resync_to_restart does when it is not the expected RSTn, then resets the DC
 * predictors and the EOB run. `expected` is the RSTn number (0..7) due here. */
static void pm__jpeg_restart(pm__jpeg *j, int expected)
{
    pm__jpeg_bits *b = &j->bits;
    int i, consumed = 0;
    b->bits = 0;
    b->nbits = 0;
    if (!b->marker) pm__jpeg_find_marker(b);
    for (;;) {
        int m = b->marker, action;
        if (m == 0) {
            action = 3; /* end of the file: acts like EOI */
        } else if (m < 0xC0) {
            action = 2; /* not a valid marker: skip it */
        } else if (m < 0xD0 || m > 0xD7) {
            action = 3; /* a real marker: leave it for the marker parser */
        } else {
            int n = m - 0xD0;
            if (n == ((expected + 1) & 7) || n == ((expected + 2) & 7)) {
                action = 3; /* a later RSTn: this interval's data is missing */
            } else if (n == ((expected + 7) & 7) || n == ((expected + 6) & 7)) {
                action = 2; /* an earlier RSTn: skip ahead */
            } else {
                action = 1; /* the expected one (or too far off to reason about) */
            }
        }
        if (action == 1) {
            b->p += 2;
            b->marker = 0;
            consumed = 1;
            break;
        }
        if (action == 3) break;
        b->p += 2;
        b->marker = 0;
        pm__jpeg_find_marker(b);
    }
    /* a segment that starts right at a marker stays "insufficient": it is empty */
    if (consumed) b->insufficient = 0;
    for (i = 0; i < j->ncomp; i++) j->comp[i].dc_pred = 0;
    j->eobrun = 0;
}

/* Decodes (or refines) one block of component c at block position (bx, by). Blocks outside
 * the component (right/bottom padding of interleaved MCUs) are decoded into a scratch block. */
static void pm__jpeg_do_block(pm__jpeg *j, pm__jpeg_comp *c, int bx, int by)
{
    int inside = bx < c->bw && by < c->bh;
    if (!j->progressive) {
        int16_t blk[64];
        memset(blk, 0, sizeof(blk));
        pm__jpeg_block_seq(j, c, blk);
        if (inside) {
            pm__jpeg_idct(blk, c->q,
                          c->plane + (size_t)by * 8 * (size_t)c->stride + (size_t)bx * 8,
                          c->stride);
        }
    } else {
        int16_t *blk = j->dummy;
        uint8_t *nz = &j->dummy_nz;
        if (inside) {
            size_t bi = (size_t)by * (size_t)c->bw + (size_t)bx;
            blk = c->coefs + bi * 64;
            nz = c->nz + bi;
        } else {
            memset(j->dummy, 0, sizeof(j->dummy));
        }
        if (j->ss == 0) {
            if (j->ah == 0) pm__jpeg_block_dc_first(j, c, blk);
            else pm__jpeg_block_dc_refine(j, blk);
        } else {
            if (j->ah == 0) pm__jpeg_block_ac_first(j, c, blk, nz);
            else pm__jpeg_block_ac_refine(j, c, blk, nz);
        }
    }
}

/* Decodes the entropy-coded data of the current scan, which starts at j->pos. On return
 * j->pos is where the marker parser should continue. */
static void pm__jpeg_decode_scan(pm__jpeg *j)
{
    pm__jpeg_bits *b = &j->bits;
    int mcus_x, mcus_y, ri = j->restart_interval, left = ri, expected = 0, i;
    long m, total;

    if (j->scan_n == 1) {
        /* non-interleaved: one block per MCU, only the component's own blocks */
        mcus_x = j->comp[j->scan_comp[0]].bw;
        mcus_y = j->comp[j->scan_comp[0]].bh;
    } else {
        mcus_x = j->mcus_x;
        mcus_y = j->mcus_y;
    }
    total = (long)mcus_x * mcus_y;

    b->p = j->buf + j->pos;
    b->end = j->buf + j->len;
    b->bits = 0;
    b->nbits = 0;
    b->marker = 0;
    b->insufficient = 0;
    j->eobrun = 0;
    for (i = 0; i < j->ncomp; i++) j->comp[i].dc_pred = 0;

    for (m = 0; m < total; m++) {
        int mx, my;
        if (ri) {
            if (left == 0) {
                pm__jpeg_restart(j, expected);
                expected = (expected + 1) & 7;
                left = ri;
                /* stuck before a marker that no later restart can consume (or at the end of
                 * the file): nothing more will be decoded in this scan */
                if (b->insufficient && (b->marker < 0xD0 || b->marker > 0xD7)) break;
            }
            left--;
        }
        if (b->insufficient) {
            /* out of data: the rest of this restart interval stays as it is */
            if (!ri) break;
            m += left;
            left = 0;
            continue;
        }
        if (j->progressive && j->ss > 0 && j->eobrun > 0) {
            /* inside an end-of-band run (AC scans have one component): a first scan leaves
             * the blocks untouched and a refinement scan reads nothing for blocks without
             * nonzero coefficients in the band, so skip such blocks all at once (up to the
             * end of the run, scan or restart interval) */
            pm__jpeg_comp *c = &j->comp[j->scan_comp[0]];
            long n = j->eobrun, k = 0;
            if (n > total - m) n = total - m;
            if (ri && n > left + 1) n = left + 1;
            if (j->ah == 0) {
                k = n;
            } else {
                while (k < n && c->nz[m + k] < j->ss) k++;
            }
            if (k > 0) {
                j->eobrun -= (int)k;
                m += k - 1;
                if (ri) left -= (int)(k - 1);
                j->last_good_row = (int)(m / mcus_x) / c->v;
                continue;
            }
        }
        mx = (int)(m % mcus_x);
        my = (int)(m / mcus_x);
        j->last_good_row = j->scan_n == 1 ? my / j->comp[j->scan_comp[0]].v : my;
        if (j->scan_n == 1) {
            pm__jpeg_do_block(j, &j->comp[j->scan_comp[0]], mx, my);
        } else {
            for (i = 0; i < j->scan_n; i++) {
                pm__jpeg_comp *c = &j->comp[j->scan_comp[i]];
                int x, y;
                for (y = 0; y < c->v; y++) {
                    for (x = 0; x < c->h; x++) {
                        pm__jpeg_do_block(j, c, mx * c->h + x, my * c->v + y);
                    }
                }
            }
        }
    }
    /* continue parsing at the marker that ended the data (or wherever the reader stopped) */
    j->pos = (size_t)(b->p - j->buf);
}

/* ---------------------------------------------------------------------------------------------
 * Marker segments
 * ------------------------------------------------------------------------------------------- */

/* Reads the orientation tag (0x0112) from the TIFF structure of an APP1 Exif payload (d, n
 * bytes, starting at the "II"/"MM" byte-order mark). Returns 1..8, or 0 if absent/invalid. */
static int pm__jpeg_exif_orientation(const uint8_t *d, size_t n)
{
    int le;
    uint32_t ifd, count, i;
    if (n < 8) return 0;
    if (d[0] == 'I' && d[1] == 'I') le = 1;
    else if (d[0] == 'M' && d[1] == 'M') le = 0;
    else return 0;
#define PM__RD16(p) (le ? (uint32_t)(p)[0] | ((uint32_t)(p)[1] << 8) \
                        : ((uint32_t)(p)[0] << 8) | (uint32_t)(p)[1])
#define PM__RD32(p) (le ? PM__RD16(p) | (PM__RD16((p) + 2) << 16) \
                        : (PM__RD16(p) << 16) | PM__RD16((p) + 2))
    if (PM__RD16(d + 2) != 42) return 0;
    ifd = PM__RD32(d + 4);
    if (ifd > n - 2) return 0;
    count = PM__RD16(d + ifd);
    for (i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + 12 * (size_t)i;
        uint32_t v;
        if (e + 12 > n) return 0;
        if (PM__RD16(d + e) != 0x0112) continue;
        if (PM__RD32(d + e + 4) != 1) return 0;           /* count must be 1 */
        if (PM__RD16(d + e + 2) == 3) v = PM__RD16(d + e + 8);       /* SHORT */
        else if (PM__RD16(d + e + 2) == 4) v = PM__RD32(d + e + 8);  /* LONG */
        else return 0;
        return (v >= 1 && v <= 8) ? (int)v : 0;
    }
#undef PM__RD16
#undef PM__RD32
    return 0;
}

/* Looks at APPn segments that matter for decoding: JFIF (APP0), Exif (APP1), Adobe (APP14). */
static void pm__jpeg_read_app(pm__jpeg *j, int marker, const uint8_t *d, size_t n)
{
    if (marker == 0xE0 && n >= 14 && memcmp(d, "JFIF\0", 5) == 0) {
        j->jfif = 1;
    } else if (marker == 0xE1 && n >= 6 && memcmp(d, "Exif\0\0", 6) == 0 && !j->exif_seen) {
        j->exif_seen = 1; /* PIL only looks at the first Exif segment */
        j->orientation = pm__jpeg_exif_orientation(d + 6, n - 6);
    } else if (marker == 0xEE && n >= 12 && memcmp(d, "Adobe", 5) == 0) {
        j->adobe = 1;
        j->adobe_transform = d[11];
    }
}

/* Parses a SOF0/1/2 segment, checks the image size and allocates the component planes. */
static int pm__jpeg_read_sof(pm__jpeg *j, int marker, const uint8_t *d, size_t n)
{
    int i, k;
    if (j->frame_seen) return pm__errorf("jpeg: more than one frame header (SOF)");
    if (n < 6) return pm__errorf("jpeg: SOF segment too short");
    if (d[0] != 8) {
        return pm__errorf("jpeg: %d-bit samples are not supported (only 8-bit)", d[0]);
    }
    j->height = pm__jpeg_u16(d + 1);
    j->width = pm__jpeg_u16(d + 3);
    j->ncomp = d[5];
    if (j->width == 0 || j->height == 0) {
        return pm__errorf("jpeg: image has zero width or height (DNL is not supported)");
    }
    if (j->ncomp != 1 && j->ncomp != 3 && j->ncomp != 4) {
        return pm__errorf("jpeg: unsupported number of components (%d)", j->ncomp);
    }
    if (n != 6 + 3 * (size_t)j->ncomp) return pm__errorf("jpeg: bad SOF segment length");
    j->progressive = marker == 0xC2;
    j->hmax = j->vmax = 1;
    for (i = 0; i < j->ncomp; i++) {
        pm__jpeg_comp *c = &j->comp[i];
        c->id = d[6 + 3 * i];
        c->h = d[7 + 3 * i] >> 4;
        c->v = d[7 + 3 * i] & 15;
        c->tq = d[8 + 3 * i];
        if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4) {
            return pm__errorf("jpeg: bad sampling factors");
        }
        if (c->h > j->hmax) j->hmax = c->h;
        if (c->v > j->vmax) j->vmax = c->v;
    }
    if (pm__check_image_size(j->width, j->height) != 0) return -1;
    j->frame_seen = 1;
    j->mcus_x = (j->width + 8 * j->hmax - 1) / (8 * j->hmax);
    j->mcus_y = (j->height + 8 * j->vmax - 1) / (8 * j->vmax);
    for (i = 0; i < j->ncomp; i++) {
        pm__jpeg_comp *c = &j->comp[i];
        size_t rows;
        c->cw = (j->width * c->h + j->hmax - 1) / j->hmax;
        c->ch = (j->height * c->v + j->vmax - 1) / j->vmax;
        c->bw = (c->cw + 7) / 8;
        c->bh = (c->ch + 7) / 8;
        c->stride = c->bw * 8;
        rows = (size_t)c->bh * 8;
        /* blocks no scan reaches keep zero coefficients, i.e. mid-gray, as in libjpeg */
        c->plane = (uint8_t *)pm__malloc_array(rows, (size_t)c->stride);
        if (!c->plane) return -1;
        memset(c->plane, 128, rows * (size_t)c->stride);
        if (j->progressive) {
            size_t nblk = (size_t)c->bw * (size_t)c->bh;
            c->coefs = (int16_t *)pm__malloc_array(nblk * 64, sizeof(int16_t));
            if (!c->coefs) return -1;
            memset(c->coefs, 0, nblk * 64 * sizeof(int16_t));
            c->nz = (uint8_t *)pm__malloc_array(nblk, 1);
            if (!c->nz) return -1;
            memset(c->nz, 0, nblk);
        }
        c->row = (uint8_t *)pm__malloc_array((size_t)j->width + 8, 1);
        if (!c->row) return -1;
        for (k = 0; k < 64; k++) {
            c->q[k] = c->qraw[k] = 0;
            c->coef_bits[k] = -1;
        }
    }
    return 0;
}

/* Decides the colour space of the coded data like libjpeg's default_decompress_parms(). */
static void pm__jpeg_pick_colorspace(pm__jpeg *j)
{
    if (j->ncomp == 1) {
        j->colorspace = PM__JPEG_GRAY;
    } else if (j->ncomp == 3) {
        j->colorspace = PM__JPEG_YCC;
        if (j->jfif) {
            j->colorspace = PM__JPEG_YCC;
        } else if (j->adobe) {
            if (j->adobe_transform == 0) j->colorspace = PM__JPEG_RGB;
        } else if (j->comp[0].id == 'R' && j->comp[1].id == 'G' && j->comp[2].id == 'B') {
            j->colorspace = PM__JPEG_RGB;
        }
    } else {
        j->colorspace = PM__JPEG_CMYK;
        if (j->adobe && j->adobe_transform != 0) j->colorspace = PM__JPEG_YCCK;
    }
}

/* Makes sure Huffman table slot `id` of the given class can be used: empty slots 0 and 1 get
 * the standard tables, other empty or malformed tables are errors. */
static int pm__jpeg_check_huff(pm__jpeg *j, int is_dc, int id)
{
    pm__jpeg_huff *h;
    if (id > 3) return pm__errorf("jpeg: bad Huffman table index %d in SOS", id);
    h = is_dc ? &j->dc[id] : &j->ac[id];
    if (h->state == 0 && id < 2) {
        const uint8_t *t = is_dc ? (id ? pm__jpeg_std_dc_chroma : pm__jpeg_std_dc_luma)
                                 : (id ? pm__jpeg_std_ac_chroma : pm__jpeg_std_ac_luma);
        pm__jpeg_build_huff(h, t, t + 16, is_dc ? 12 : 162);
    }
    if (h->state == 0) return pm__errorf("jpeg: scan uses undefined Huffman table %d", id);
    if (h->state < 0 || (is_dc && h->maxsym > 15)) {
        return pm__errorf("jpeg: bad Huffman table %d", id);
    }
    return 0;
}

/* Parses an SOS segment (d, n bytes) and validates the scan against the frame. */
static int pm__jpeg_read_sos(pm__jpeg *j, const uint8_t *d, size_t n)
{
    int ns, i, k;
    if (!j->frame_seen) return pm__errorf("jpeg: scan (SOS) before frame header (SOF)");
    if (n < 1) return pm__errorf("jpeg: bad SOS segment");
    ns = d[0];
    if (ns < 1 || ns > 4 || n != 4 + 2 * (size_t)ns) return pm__errorf("jpeg: bad SOS segment");
    for (i = 0; i < ns; i++) {
        int id = d[1 + 2 * i], ci;
        for (ci = 0; ci < j->ncomp; ci++) {
            if (j->comp[ci].id == id) break;
        }
        if (ci == j->ncomp) return pm__errorf("jpeg: SOS names unknown component %d", id);
        for (k = 0; k < i; k++) {
            if (j->scan_comp[k] == ci) return pm__errorf("jpeg: SOS repeats component %d", id);
        }
        j->scan_comp[i] = ci;
        j->comp[ci].dc_tbl = d[2 + 2 * i] >> 4;
        j->comp[ci].ac_tbl = d[2 + 2 * i] & 15;
    }
    j->scan_n = ns;
    j->ss = d[1 + 2 * ns];
    j->se = d[2 + 2 * ns];
    j->ah = d[3 + 2 * ns] >> 4;
    j->al = d[3 + 2 * ns] & 15;

    if (++j->scans > PM__JPEG_MAX_SCANS) {
        return pm__errorf("jpeg: too many scans (more than %d)", PM__JPEG_MAX_SCANS);
    }
    if (j->progressive) {
        /* the same checks as libjpeg: DC alone or one AC band of one component, Al <= 13,
         * refinements lower Al by exactly one */
        int bad = 0;
        if (j->ss == 0) {
            if (j->se != 0) bad = 1;
        } else {
            if (j->ss > j->se || j->se > 63 || ns != 1) bad = 1;
        }
        if (j->ah != 0 && j->al != j->ah - 1) bad = 1;
        if (j->al > 13) bad = 1;
        if (bad) return pm__errorf("jpeg: bad progressive scan parameters");
    }
    if (j->scans == 1) pm__jpeg_pick_colorspace(j);

    for (i = 0; i < ns; i++) {
        pm__jpeg_comp *c = &j->comp[j->scan_comp[i]];
        if (!c->q_latched) {
            /* like libjpeg, a component keeps the table it had at its first scan */
            if (c->tq > 3 || !j->qt_defined[c->tq]) {
                return pm__errorf("jpeg: component uses undefined quantization table");
            }
            memcpy(c->q, j->qt[c->tq], sizeof(c->q));
            memcpy(c->qraw, j->qt_raw[c->tq], sizeof(c->qraw));
            c->q_latched = 1;
        }
        if (j->progressive) {
            /* progression bookkeeping for block smoothing, as libjpeg keeps it */
            for (k = 1; k <= 9; k++) c->prev_bits[k] = j->scans > 1 ? c->coef_bits[k] : 0;
            for (k = j->ss; k <= j->se; k++) c->coef_bits[k] = j->al;
        }
        if (!j->progressive) {
            if (pm__jpeg_check_huff(j, 1, c->dc_tbl) || pm__jpeg_check_huff(j, 0, c->ac_tbl)) {
                return -1;
            }
        } else if (j->ss == 0) {
            if (j->ah == 0 && pm__jpeg_check_huff(j, 1, c->dc_tbl)) return -1;
        } else {
            if (pm__jpeg_check_huff(j, 0, c->ac_tbl)) return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Output: upsampling, colour conversion, orientation
 * ------------------------------------------------------------------------------------------- */

/* Chooses the upsampling method of every component, mirroring libjpeg's jinit_upsampler. */
static void pm__jpeg_setup_upsampling(pm__jpeg *j)
{
    int i;
    for (i = 0; i < j->ncomp; i++) {
        pm__jpeg_comp *c = &j->comp[i];
        c->hr = j->hmax % c->h == 0 ? j->hmax / c->h : 0;
        c->vr = j->vmax % c->v == 0 ? j->vmax / c->v : 0;
        if (c->hr == 1 && c->vr == 1) {
            c->up = PM__JPEG_UP_FULL;
        } else if (c->hr == 2 && c->vr == 1 && c->cw > 2) {
            c->up = PM__JPEG_UP_H2V1;
        } else if (c->hr == 1 && c->vr == 2) {
            c->up = PM__JPEG_UP_H1V2;
        } else if (c->hr == 2 && c->vr == 2 && c->cw > 2) {
            c->up = PM__JPEG_UP_H2V2;
        } else if (c->hr && c->vr) {
            c->up = PM__JPEG_UP_REPLICATE;
        } else {
            c->up = PM__JPEG_UP_NEAREST;
        }
    }
}

/* Returns row y (0..H-1) of component c brought to the full image width W, computing it into
 * c->row when needed. The triangle filters weigh the nearer sample 3/4 and the other 1/4 in
 * each upsampled direction; at the component's edges the edge sample is repeated. The rounding
 * biases alternate between neighbouring outputs exactly as in libjpeg. */
static const uint8_t *pm__jpeg_upsample_row(pm__jpeg *j, pm__jpeg_comp *c, int y)
{
    int W = j->width, cw = c->cw, x, i;
    uint8_t *out = c->row;
    const uint8_t *rn, *rf; /* nearer / farther input row */
    switch (c->up) {
    case PM__JPEG_UP_FULL:
        return c->plane + (size_t)y * (size_t)c->stride;
    case PM__JPEG_UP_H2V1:
        rn = c->plane + (size_t)y * (size_t)c->stride;
        for (i = 0; i < cw; i++) {
            int l = rn[i > 0 ? i - 1 : 0], r = rn[i + 1 < cw ? i + 1 : cw - 1];
            int m3 = rn[i] * 3;
            out[2 * i] = (uint8_t)((m3 + l + 1) >> 2);
            out[2 * i + 1] = (uint8_t)((m3 + r + 2) >> 2);
        }
        return out;
    case PM__JPEG_UP_H1V2: {
        int yn = y >> 1, yf, bias;
        if (y & 1) {
            yf = yn + 1 < c->ch ? yn + 1 : c->ch - 1;
            bias = 2;
        } else {
            yf = yn > 0 ? yn - 1 : 0;
            bias = 1;
        }
        rn = c->plane + (size_t)yn * (size_t)c->stride;
        rf = c->plane + (size_t)yf * (size_t)c->stride;
        for (x = 0; x < cw; x++) out[x] = (uint8_t)((rn[x] * 3 + rf[x] + bias) >> 2);
        return out;
    }
    case PM__JPEG_UP_H2V2: {
        /* vertical pass into column sums (3*rn + rf), then horizontal pass */
        int yn = y >> 1, yf, last, cur, next;
        if (y & 1) yf = yn + 1 < c->ch ? yn + 1 : c->ch - 1;
        else yf = yn > 0 ? yn - 1 : 0;
        rn = c->plane + (size_t)yn * (size_t)c->stride;
        rf = c->plane + (size_t)yf * (size_t)c->stride;
        cur = rn[0] * 3 + rf[0];
        last = cur;
        for (i = 0; i < cw; i++) {
            next = i + 1 < cw ? rn[i + 1] * 3 + rf[i + 1] : cur;
            out[2 * i] = (uint8_t)((cur * 3 + last + 8) >> 4);
            out[2 * i + 1] = (uint8_t)((cur * 3 + next + 7) >> 4);
            last = cur;
            cur = next;
        }
        return out;
    }
    case PM__JPEG_UP_REPLICATE:
        rn = c->plane + (size_t)(y / c->vr) * (size_t)c->stride;
        for (x = 0; x < W; x++) out[x] = rn[x / c->hr];
        return out;
    default: /* PM__JPEG_UP_NEAREST */
        rn = c->plane + (size_t)((long)y * c->v / j->vmax) * (size_t)c->stride;
        for (x = 0; x < W; x++) out[x] = rn[(long)x * c->h / j->hmax];
        return out;
    }
}

/* PIL's CMYK->RGB for one channel: (255 - k) - c * (255 - k) / 255 with its rounding, where
 * c and k are PIL's (already un-inverted) ink values. */
static uint8_t pm__jpeg_cmyk_channel(int c, int k)
{
    int nk = 255 - k, t = c * nk + 128;
    return (uint8_t)(nk - ((t + (t >> 8)) >> 8));
}

/* Converts one row of W pixels from the component rows r[] to packed RGB in rgb. */
static void pm__jpeg_color_row(const pm__jpeg *j, const uint8_t *const *r, int W, uint8_t *rgb)
{
    int x;
    switch (j->colorspace) {
    case PM__JPEG_GRAY:
        for (x = 0; x < W; x++) rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = r[0][x];
        break;
    case PM__JPEG_RGB:
        for (x = 0; x < W; x++) {
            rgb[3 * x] = r[0][x];
            rgb[3 * x + 1] = r[1][x];
            rgb[3 * x + 2] = r[2][x];
        }
        break;
    case PM__JPEG_YCC:
        for (x = 0; x < W; x++) {
            int y = r[0][x], cb = r[1][x], cr = r[2][x];
            rgb[3 * x] = pm__jpeg_clamp(y + j->cr_r[cr]);
            rgb[3 * x + 1] = pm__jpeg_clamp(y + pm__jpeg_asr(j->cb_g[cb] + j->cr_g[cr], 16));
            rgb[3 * x + 2] = pm__jpeg_clamp(y + j->cb_b[cb]);
        }
        break;
    default: /* CMYK or YCCK, stored inverted (Adobe): libjpeg then PIL's "CMYK;I" + convert */
        for (x = 0; x < W; x++) {
            int c = r[0][x], m = r[1][x], ye = r[2][x], k = r[3][x];
            if (j->colorspace == PM__JPEG_YCCK) {
                int y = c, cb = m, cr = ye;
                c = pm__jpeg_clamp(255 - (y + j->cr_r[cr]));
                m = pm__jpeg_clamp(255 - (y + pm__jpeg_asr(j->cb_g[cb] + j->cr_g[cr], 16)));
                ye = pm__jpeg_clamp(255 - (y + j->cb_b[cb]));
            }
            rgb[3 * x] = pm__jpeg_cmyk_channel(255 - c, 255 - k);
            rgb[3 * x + 1] = pm__jpeg_cmyk_channel(255 - m, 255 - k);
            rgb[3 * x + 2] = pm__jpeg_cmyk_channel(255 - ye, 255 - k);
        }
        break;
    }
}

/* Fills the YCbCr->RGB tables (16-bit fixed point, as libjpeg: R = Y + 1.402 Cr',
 * G = Y - 0.34414 Cb' - 0.71414 Cr', B = Y + 1.772 Cb', with Cb' = Cb - 128, Cr' = Cr - 128;
 * G's two terms are added before rounding). */
static void pm__jpeg_init_tables(pm__jpeg *j)
{
    int i;
    for (i = 0; i < 256; i++) {
        int32_t x = i - 128;
        j->cr_r[i] = pm__jpeg_asr(91881 * x + 32768, 16);
        j->cb_b[i] = pm__jpeg_asr(116130 * x + 32768, 16);
        j->cr_g[i] = -46802 * x;
        j->cb_g[i] = -22554 * x + 32768;
    }
}

/* Block smoothing (libjpeg-turbo's decompress_smooth_data): when a progressive file leaves
 * some of the first nine AC coefficients (zig-zag 1..9) incomplete, libjpeg estimates the
 * missing ones from the DC values of the 5x5 neighbouring blocks. Each estimate is a weighted
 * sum of those DC values; these are the weights, row by row (2 rows up .. 2 rows down, 2
 * columns left .. 2 columns right). "small" is used while some AC bits are known
 * (coefficients 1..5), "big" when no AC bit at all is known (coefficients 1..9 and the DC). */
static const int16_t pm__jpeg_smooth_small[5][25] = {
    {  0,  0,  0,  0,  0,   0,  0,  0,   0,  0,  -7, 50,   0, -50,  7,
       0,  0,  0,  0,  0,   0,  0,  0,   0,  0 },                               /* 0,1 */
    {  0,  0, -7,  0,  0,   0,  0, 50,   0,  0,   0,  0,   0,   0,  0,
       0,  0,-50,  0,  0,   0,  0,  7,   0,  0 },                               /* 1,0 */
    {  0,  0, -1,  0,  0,   0,  0, 13,   0,  0,   0,  0, -24,   0,  0,
       0,  0, 13,  0,  0,   0,  0, -1,   0,  0 },                               /* 2,0 */
    {  0, -1,  0,  1,  0,  -1, 10,  0, -10,  1,   0,  0,   0,   0,  0,
       1,-10,  0, 10, -1,   0,  1,  0,  -1,  0 },                               /* 1,1 */
    {  0,  0,  0,  0,  0,   0,  0,  0,   0,  0,  -1, 13, -24,  13, -1,
       0,  0,  0,  0,  0,   0,  0,  0,   0,  0 }                                /* 0,2 */
};
static const int16_t pm__jpeg_smooth_big[10][25] = {
    { -2, -6, -8, -6, -2,  -6,  6, 42,   6, -6,  -8, 42, 152,  42, -8,
      -6,  6, 42,  6, -6,  -2, -6, -8,  -6, -2 },                               /* DC */
    { -1, -1,  0,  1,  1,  -3, 13,  0, -13,  3,  -3, 38,   0, -38,  3,
      -3, 13,  0,-13,  3,  -1, -1,  0,   1,  1 },                               /* 0,1 */
    { -1, -3, -3, -3, -1,  -1, 13, 38,  13, -1,   0,  0,   0,   0,  0,
       1,-13,-38,-13,  1,   1,  3,  3,   3,  1 },                               /* 1,0 */
    {  0,  0,  1,  0,  0,   0,  2,  7,   2,  0,   0, -5, -14,  -5,  0,
       0,  2,  7,  2,  0,   0,  0,  1,   0,  0 },                               /* 2,0 */
    { -1,  0,  0,  0,  1,   0,  9,  0,  -9,  0,   0,  0,   0,   0,  0,
       0, -9,  0,  9,  0,   1,  0,  0,   0, -1 },                               /* 1,1 */
    {  0,  0,  0,  0,  0,   0,  2, -5,   2,  0,   1,  7, -14,   7,  1,
       0,  2, -5,  2,  0,   0,  0,  0,   0,  0 },                               /* 0,2 */
    {  0,  0,  0,  0,  0,   0,  1,  0,  -1,  0,   0,  2,   0,  -2,  0,
       0,  1,  0, -1,  0,   0,  0,  0,   0,  0 },                               /* 0,3 */
    {  0,  0,  0,  0,  0,   0,  1, -3,   1,  0,   0,  0,   0,   0,  0,
       0, -1,  3, -1,  0,   0,  0,  0,   0,  0 },                               /* 1,2 */
    {  0,  0,  0,  0,  0,   0,  1,  0,  -1,  0,   0, -3,   0,   3,  0,
       0,  1,  0, -1,  0,   0,  0,  0,   0,  0 },                               /* 2,1 */
    {  0,  0,  0,  0,  0,   0,  1,  2,   1,  0,   0,  0,   0,   0,  0,
       0, -1, -2, -1,  0,   0,  0,  0,   0,  0 }                                /* 3,0 */
};

/* One smoothing estimate: num / (256 q) rounded half away from zero, its magnitude limited to
 * what the al missing low bits can hold (al > 0), stored like libjpeg's JCOEF. */
static int16_t pm__jpeg_smooth_pred(int64_t num, int64_t q, int al)
{
    int64_t pred = ((q * 128) + (num >= 0 ? num : -num)) / (q * 256);
    if (al > 0 && pred >= ((int64_t)1 << al)) pred = ((int64_t)1 << al) - 1;
    if (num < 0) pred = -pred;
    return pm__jpeg_i16((uint32_t)(uint64_t)pred);
}

/* Decides whether libjpeg would smooth this progressive image (its smoothing_ok()) and
 * latches the per-component knowledge of coefficients 0..9: cur[] after all scans, prev[]
 * before each component's last scan (used below the last fully decoded iMCU row). */
static int pm__jpeg_smoothing_ok(pm__jpeg *j, int cur[4][10], int prev[4][10])
{
    int i, k, useful = 0;
    for (i = 0; i < j->ncomp; i++) {
        pm__jpeg_comp *c = &j->comp[i];
        if (!c->q_latched || c->coef_bits[0] < 0) return 0;
        for (k = 0; k < 10; k++) {
            if (c->qraw[pm__jpeg_natural[k]] == 0) return 0;
        }
        for (k = 0; k < 10; k++) {
            cur[i][k] = c->coef_bits[k];
            prev[i][k] = j->scans > 1 ? c->prev_bits[k] : -1;
            if (k > 0 && cur[i][k] != 0) useful = 1;
        }
    }
    return useful;
}

/* IDCT of all blocks of a progressive component with libjpeg's block smoothing. The choice of
 * neighbouring block rows reproduces libjpeg's, quirks included (it works per iMCU row). */
static void pm__jpeg_idct_smooth(pm__jpeg *j, pm__jpeg_comp *c, const int *cur, const int *prev)
{
    int T = j->mcus_y, v = c->v, bx, by, k, t, cols[5];
    int64_t q00 = c->qraw[0];
    for (by = 0; by < c->bh; by++) {
        int r = by / v, b = by % v, rows[5], change_dc = 1;
        int br = r < T - 1 ? v : (c->bh % v ? c->bh % v : v);
        const int *bits = r > j->last_good_row ? prev : cur;
        for (k = 1; k <= 9; k++) {
            if (bits[k] != -1) change_dc = 0;
        }
        /* rows 2 up .. 2 down; libjpeg decides per iMCU row r (v block rows, fewer in the
         * last one) and block row b in it, so some rows repeat a nearer one */
        rows[2] = by;
        rows[1] = (b > 0 || r > 0) ? by - 1 : by;
        rows[0] = (b > 1 || r > 1) ? by - 2 : rows[1];
        rows[3] = (b < br - 1 || r < T - 1) ? by + 1 : by;
        rows[4] = (b < br - 2 || r + 1 < T - 1) ? by + 2 : rows[3];
        /* the 5 block columns whose DC values are used; libjpeg slides a window of
         * registers along the row: all start at column 0, the first block loads only the
         * column to its right, later blocks load the column two to the right while it exists
         * (so in a 2-block-wide component the right edge is not replicated) */
        for (t = 0; t < 5; t++) cols[t] = 0;
        for (bx = 0; bx < c->bw; bx++) {
            int32_t dc[25];
            int16_t ws[64];
            if (bx == 0 && c->bw > 1) cols[3] = 1;
            if (bx + 2 < c->bw) cols[4] = bx + 2;
            for (t = 0; t < 25; t++) {
                dc[t] = c->coefs[((size_t)rows[t / 5] * (size_t)c->bw + (size_t)cols[t % 5]) * 64];
            }
            memcpy(ws, c->coefs + ((size_t)by * (size_t)c->bw + (size_t)bx) * 64, sizeof(ws));
            for (k = 1; k <= (change_dc ? 9 : 5); k++) {
                int pos = pm__jpeg_natural[k];
                const int16_t *wt = change_dc ? pm__jpeg_smooth_big[k]
                                              : pm__jpeg_smooth_small[k - 1];
                if (bits[k] != 0 && ws[pos] == 0) {
                    int32_t sum = 0;
                    for (t = 0; t < 25; t++) sum += wt[t] * dc[t];
                    ws[pos] = pm__jpeg_smooth_pred(q00 * sum, c->qraw[pos], bits[k]);
                }
            }
            if (change_dc) {
                int32_t sum = 0;
                for (t = 0; t < 25; t++) sum += pm__jpeg_smooth_big[0][t] * dc[t];
                ws[0] = pm__jpeg_smooth_pred(q00 * sum, q00, 0);
            }
            pm__jpeg_idct(ws, c->q,
                          c->plane + (size_t)by * 8 * (size_t)c->stride + (size_t)bx * 8,
                          c->stride);
            for (t = 0; t < 4; t++) cols[t] = cols[t + 1];
        }
    }
}

/* Runs the IDCT of every stored block of a progressive image into the component planes,
 * with block smoothing where libjpeg would use it. */
static void pm__jpeg_idct_all(pm__jpeg *j)
{
    int i, bx, by, cur[4][10], prev[4][10];
    int smooth = pm__jpeg_smoothing_ok(j, cur, prev);
    for (i = 0; i < j->ncomp; i++) {
        pm__jpeg_comp *c = &j->comp[i];
        if (smooth) {
            pm__jpeg_idct_smooth(j, c, cur[i], prev[i]);
            continue;
        }
        for (by = 0; by < c->bh; by++) {
            for (bx = 0; bx < c->bw; bx++) {
                const int16_t *blk = c->coefs + ((size_t)by * (size_t)c->bw + (size_t)bx) * 64;
                pm__jpeg_idct(blk, c->q,
                              c->plane + (size_t)by * 8 * (size_t)c->stride + (size_t)bx * 8,
                              c->stride);
            }
        }
    }
}

/* Produces the final RGB image (W x H before orientation), applying the EXIF orientation the
 * way PIL's exif_transpose does. Returns a PM_MALLOC'd buffer or NULL (error set). */
static uint8_t *pm__jpeg_output(pm__jpeg *j, int *out_w, int *out_h)
{
    int W = j->width, H = j->height, o = j->orientation, y, x, i;
    size_t npix = (size_t)W * (size_t)H;
    ptrdiff_t base = 0, sx = 1, sy = W; /* destination pixel = base + x*sx + y*sy */
    uint8_t *img, *rgb = NULL;
    const uint8_t *rows[4] = { NULL, NULL, NULL, NULL };

    if (npix > (size_t)PTRDIFF_MAX / 3) {
        pm__errorf("jpeg: image too large");
        return NULL;
    }
    img = (uint8_t *)pm__malloc_array(npix, 3);
    if (!img) return NULL;
    if (o >= 2 && o <= 8) {
        rgb = (uint8_t *)pm__malloc_array((size_t)W, 3);
        if (!rgb) {
            PM_FREE(img);
            return NULL;
        }
    }
    switch (o) {
    case 2: base = W - 1; sx = -1; sy = W; break;                         /* mirror */
    case 3: base = (ptrdiff_t)npix - 1; sx = -1; sy = -W; break;           /* rotate 180 */
    case 4: base = (ptrdiff_t)(H - 1) * W; sx = 1; sy = -W; break;         /* flip */
    case 5: base = 0; sx = H; sy = 1; break;                              /* transpose */
    case 6: base = H - 1; sx = H; sy = -1; break;                         /* rotate 90 cw */
    case 7: base = (ptrdiff_t)npix - 1; sx = -H; sy = -1; break;          /* transverse */
    case 8: base = (ptrdiff_t)(W - 1) * H; sx = -H; sy = 1; break;        /* rotate 90 ccw */
    default: break;
    }
    for (y = 0; y < H; y++) {
        for (i = 0; i < j->ncomp; i++) rows[i] = pm__jpeg_upsample_row(j, &j->comp[i], y);
        if (!rgb) {
            pm__jpeg_color_row(j, rows, W, img + (size_t)y * (size_t)W * 3);
            continue;
        }
        pm__jpeg_color_row(j, rows, W, rgb);
        for (x = 0; x < W; x++) {
            uint8_t *d = img + (base + (ptrdiff_t)x * sx + (ptrdiff_t)y * sy) * 3;
            d[0] = rgb[3 * x];
            d[1] = rgb[3 * x + 1];
            d[2] = rgb[3 * x + 2];
        }
    }
    PM_FREE(rgb);
    *out_w = o >= 5 && o <= 8 ? H : W;
    *out_h = o >= 5 && o <= 8 ? W : H;
    return img;
}

/* Releases everything the decoder state owns (not the state itself). */
static void pm__jpeg_free(pm__jpeg *j)
{
    int i;
    for (i = 0; i < 4; i++) {
        PM_FREE(j->comp[i].plane);
        PM_FREE(j->comp[i].coefs);
        PM_FREE(j->comp[i].nz);
        PM_FREE(j->comp[i].row);
    }
}

/* Walks the marker segments of the file, decoding every scan. Returns 0 or -1 (error set). */
static int pm__jpeg_parse(pm__jpeg *j)
{
    if (j->len < 2 || j->buf[0] != 0xFF || j->buf[1] != 0xD8) {
        return pm__errorf("jpeg: not a JPEG file (no SOI marker)");
    }
    j->pos = 2;
    for (;;) {
        int m;
        size_t seglen;
        const uint8_t *d;
        /* find the next marker: 0xFF, any fill 0xFFs, then the code (stray bytes skipped) */
        for (;;) {
            while (j->pos < j->len && j->buf[j->pos] != 0xFF) j->pos++;
            while (j->pos + 1 < j->len && j->buf[j->pos + 1] == 0xFF) j->pos++;
            if (j->pos + 1 >= j->len) {
                m = -1;
                break;
            }
            m = j->buf[j->pos + 1];
            j->pos += 2;
            if (m != 0) break;
        }
        if (m < 0 || m == 0xD9) { /* end of file, or EOI */
            if (j->scans == 0) return pm__errorf("jpeg: no image data (no scan before the end)");
            return 0;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue; /* TEM, stray RSTn */
        if (m == 0xD8) return pm__errorf("jpeg: unexpected second SOI marker");

        /* every other marker has a 2-byte length; a cut-off segment after image data simply
         * ends the image (like a truncated download), before that it is an error */
        if (j->pos + 2 > j->len || pm__jpeg_u16(j->buf + j->pos) < 2 ||
            j->pos + (size_t)pm__jpeg_u16(j->buf + j->pos) > j->len) {
            if (j->scans > 0) return 0;
            return pm__errorf("jpeg: file truncated inside a marker segment");
        }
        seglen = (size_t)pm__jpeg_u16(j->buf + j->pos) - 2;
        d = j->buf + j->pos + 2;
        j->pos += 2 + seglen;

        switch (m) {
        case 0xC0: case 0xC1: case 0xC2:
            if (pm__jpeg_read_sof(j, m, d, seglen)) return -1;
            break;
        case 0xC3:
            return pm__errorf("jpeg: lossless JPEG is not supported");
        case 0xC5: case 0xC6: case 0xC7:
            return pm__errorf("jpeg: hierarchical JPEG is not supported");
        case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF:
            return pm__errorf("jpeg: arithmetic-coded JPEG is not supported");
        case 0xC4:
            if (pm__jpeg_read_dht(j, d, seglen)) return -1;
            break;
        case 0xDB:
            if (pm__jpeg_read_dqt(j, d, seglen)) return -1;
            break;
        case 0xDD:
            if (seglen != 2) return pm__errorf("jpeg: bad DRI segment");
            j->restart_interval = pm__jpeg_u16(d);
            break;
        case 0xDA:
            if (pm__jpeg_read_sos(j, d, seglen)) return -1;
            pm__jpeg_decode_scan(j);
            break;
        default:
            if (m >= 0xE0 && m <= 0xEF) pm__jpeg_read_app(j, m, d, seglen);
            break; /* COM, DNL, DAC, JPGn, ... : skipped */
        }
    }
}

/* Decodes the JPEG file buf[0..len) into a PM_MALLOC'd array of w*h*3 bytes (RGB8, rows top
 * to bottom, EXIF orientation applied; *w and *h are the oriented size). Returns NULL with the
 * error set on failure. The caller frees the result with PM_FREE. */
static uint8_t *pm__jpeg_decode(const uint8_t *buf, size_t len, int *w, int *h)
{
    pm__jpeg *j;
    uint8_t *img = NULL;
    if (!buf || !w || !h) {
        pm__errorf("jpeg: invalid arguments");
        return NULL;
    }
    j = (pm__jpeg *)PM_MALLOC(sizeof(pm__jpeg));
    if (!j) {
        pm__errorf("jpeg: out of memory");
        return NULL;
    }
    memset(j, 0, sizeof(*j));
    j->buf = buf;
    j->len = len;
    pm__jpeg_init_tables(j);
    if (pm__jpeg_parse(j) == 0) {
        if (j->progressive) pm__jpeg_idct_all(j);
        pm__jpeg_setup_upsampling(j);
        img = pm__jpeg_output(j, w, h);
    }
    pm__jpeg_free(j);
    PM_FREE(j);
    return img;
}

PMDEF uint8_t *pm_image_load_memory(const void *data, size_t size, int *w, int *h)
{
    const uint8_t *b = (const uint8_t *)data;
    if (!b || size < 4) return pm__errorf("image: file too short"), (uint8_t *)NULL;
    if (b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return pm__pnm_decode(b, size, w, h);
    if (memcmp(b, "\x89PNG", 4) == 0) return pm__png_decode(b, size, w, h);
    if (b[0] == 'B' && b[1] == 'M') return pm__bmp_decode(b, size, w, h);
    if (b[0] == 0xff && b[1] == 0xd8) return pm__jpeg_decode(b, size, w, h);
    return pm__errorf("image: unknown or unsupported file format"), (uint8_t *)NULL;
}

#ifndef PM_NO_STDIO
PMDEF uint8_t *pm_image_load(const char *path, int *w, int *h)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size), *rgb;
    if (!buf) return NULL;
    rgb = pm_image_load_memory(buf, size, w, h);
    PM_FREE(buf);
    if (!rgb) {
        pm__error_prefix(path);
    }
    return rgb;
}
#endif

PMDEF void pm_image_free(uint8_t *rgb) { PM_FREE(rgb); }

/* PIL's filters: bicubic with a = -0.5 (support 2) and bilinear (support 1). */
static double pm__filter(int bicubic, double x)
{
    if (x < 0.0) x = -x;
    if (!bicubic) return x < 1.0 ? 1.0 - x : 0.0;
    if (x < 1.0) return (1.5 * x - 2.5) * x * x + 1.0;
    if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * -0.5;
    return 0.0;
}

#define PM__PRECISION_BITS 22

/* Fixed-point weights to resample a line of in_size pixels to out_size, PIL style.
   bounds[2*o] = first source pixel of output o, bounds[2*o+1] = how many; kk[o*ksize + i]. */
static int pm__resample_coeffs(int in_size, int out_size, int bicubic, int **bounds,
                               int32_t **kk, int *ksize)
{
    double scale = (double)in_size / out_size, fscale = scale < 1.0 ? 1.0 : scale;
    double support = (bicubic ? 2.0 : 1.0) * fscale, *k;
    int ks = (int)ceil(support) * 2 + 1, o, x;
    *bounds = (int *)pm__malloc_array((size_t)out_size * 2, sizeof(int));
    *kk = (int32_t *)pm__malloc_array((size_t)out_size * ks, sizeof(int32_t));
    k = (double *)pm__malloc_array((size_t)ks, sizeof(double));
    if (!*bounds || !*kk || !k) {
        PM_FREE(*bounds), PM_FREE(*kk), PM_FREE(k);
        *bounds = NULL, *kk = NULL; /* the caller frees them again */
        return -1;
    }
    for (o = 0; o < out_size; o++) {
        double center = (o + 0.5) * scale, ww = 0.0, ss = 1.0 / fscale;
        int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
        if (xmin < 0) xmin = 0;
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        for (x = 0; x < xmax; x++) {
            k[x] = pm__filter(bicubic, (x + xmin - center + 0.5) * ss);
            ww += k[x];
        }
        for (x = 0; x < ks; x++) {
            double v = x < xmax && ww != 0.0 ? k[x] / ww : 0.0;
            (*kk)[(size_t)o * ks + x] = (int32_t)(v < 0 ? -0.5 + v * (1 << PM__PRECISION_BITS)
                                                        : 0.5 + v * (1 << PM__PRECISION_BITS));
        }
        (*bounds)[2 * o] = xmin;
        (*bounds)[2 * o + 1] = xmax;
    }
    PM_FREE(k);
    *ksize = ks;
    return 0;
}

static uint8_t pm__clip8(int64_t v)
{
    if (v < 0) return 0;
    v >>= PM__PRECISION_BITS;
    return (uint8_t)(v > 255 ? 255 : v);
}

/* Resize RGB8 [h, w, 3] to [oh, ow, 3] exactly as PIL's Image.resize (bicubic or bilinear):
   horizontal pass over the rows the vertical pass needs, then the vertical pass. */
static uint8_t *pm__resize_rgb(const uint8_t *src, int w, int h, int ow, int oh, int bicubic)
{
    int *hb = NULL, *vb = NULL, hks = 0, vks = 0, y0, y1, x, y, c, i;
    int32_t *hk = NULL, *vk = NULL;
    uint8_t *tmp = NULL, *out = NULL;
    const uint8_t *cur = src;
    int cur_w = w;
    if (pm__resample_coeffs(w, ow, bicubic, &hb, &hk, &hks) ||
        pm__resample_coeffs(h, oh, bicubic, &vb, &vk, &vks))
        goto done;
    y0 = vb[0];
    y1 = vb[2 * oh - 2] + vb[2 * oh - 1];
    if (ow != w) { /* horizontal pass over source rows y0..y1-1 */
        tmp = (uint8_t *)pm__malloc_array((size_t)ow * (size_t)(y1 - y0), 3);
        if (!tmp) goto done;
        for (y = y0; y < y1; y++) {
            const uint8_t *row = src + (size_t)y * w * 3;
            for (x = 0; x < ow; x++) {
                const int32_t *k = hk + (size_t)x * hks;
                int xmin = hb[2 * x], n = hb[2 * x + 1];
                for (c = 0; c < 3; c++) {
                    int64_t ss = 1 << (PM__PRECISION_BITS - 1);
                    for (i = 0; i < n; i++) ss += (int64_t)row[(xmin + i) * 3 + c] * k[i];
                    tmp[((size_t)(y - y0) * ow + x) * 3 + c] = pm__clip8(ss);
                }
            }
        }
        cur = tmp, cur_w = ow;
        for (y = 0; y < oh; y++) vb[2 * y] -= y0;
    }
    out = (uint8_t *)pm__malloc_array((size_t)ow * (size_t)oh, 3);
    if (!out) goto done;
    if (oh != h) { /* vertical pass */
        for (y = 0; y < oh; y++) {
            const int32_t *k = vk + (size_t)y * vks;
            int ymin = vb[2 * y], n = vb[2 * y + 1];
            for (x = 0; x < ow * 3; x++) {
                int64_t ss = 1 << (PM__PRECISION_BITS - 1);
                for (i = 0; i < n; i++) ss += (int64_t)cur[(size_t)(ymin + i) * cur_w * 3 + x] * k[i];
                out[(size_t)y * ow * 3 + x] = pm__clip8(ss);
            }
        }
    } else {
        memcpy(out, cur, (size_t)ow * oh * 3);
    }
done:
    PM_FREE(hb), PM_FREE(vb), PM_FREE(hk), PM_FREE(vk), PM_FREE(tmp);
    return out;
}

/* Python's round(num / den) for num, den >= 0: halves go to the even neighbour. */
static int pm__round_half_even(long num, long den)
{
    long q = num / den, r = num % den;
    if (2 * r > den || (2 * r == den && (q & 1))) q++;
    return (int)q;
}

/* The normalisation of a preprocessing mode: the model's mean/std for CLIP, ImageNet's for the
   paper's variant. */
static int pm__mode_stats(const pm_model *m, int mode, const float **mean, const float **std)
{
    static const float imagenet_mean[3] = {0.485f, 0.456f, 0.406f};
    static const float imagenet_std[3] = {0.229f, 0.224f, 0.225f};
    if (!m->info.has_vision) return pm__errorf("the model has no image tower");
    if (mode == PM_PREPROCESS_CLIP) *mean = m->info.image_mean, *std = m->info.image_std;
    else if (mode == PM_PREPROCESS_PAPER) *mean = imagenet_mean, *std = imagenet_std;
    else return pm__errorf("preprocess: unknown mode %d", mode);
    return 0;
}

static void pm__normalize_rgb(const uint8_t *rgb, int w, int h, const float mean[3],
                              const float std[3], float *out);

PMDEF int pm_preprocess(const pm_model *m, const uint8_t *rgb, int w, int h, int mode,
                        float *out)
{
    const float *mean = NULL, *std = NULL;
    int S = m->info.image_size, nw, nh, top, left, y;
    uint8_t *resized = NULL, *crop;
    const uint8_t *src = rgb;
    if (pm__mode_stats(m, mode, &mean, &std)) return -1;
    if (!rgb || w <= 0 || h <= 0) return pm__errorf("preprocess: empty image");
    if (mode == PM_PREPROCESS_PAPER) {
        nw = nh = (S * 257 + 112) / 224; /* floor(S * 257 / 224 + 0.5): 257 for S = 224 */
    } else if (w <= h) { /* torchvision Resize(S): short side S, long side int(S * long/short) */
        nw = S, nh = (int)((double)S * h / w);
    } else {
        nh = S, nw = (int)((double)S * w / h);
    }
    if (nw < S || nh < S) return pm__errorf("preprocess: image too small to crop");
    if (nw != w || nh != h) {
        resized = pm__resize_rgb(rgb, w, h, nw, nh, mode == PM_PREPROCESS_CLIP);
        if (!resized) return -1;
        src = resized;
    }
    crop = (uint8_t *)pm__malloc_array((size_t)S * S, 3);
    if (!crop) {
        PM_FREE(resized);
        return -1;
    }
    /* torchvision CenterCrop: offsets int(round((size - S) / 2)) */
    top = pm__round_half_even(nh - S, 2);
    left = pm__round_half_even(nw - S, 2);
    for (y = 0; y < S; y++)
        memcpy(crop + (size_t)y * S * 3, src + ((size_t)(top + y) * nw + left) * 3, (size_t)S * 3);
    pm__normalize_rgb(crop, S, S, mean, std, out);
    PM_FREE(crop);
    PM_FREE(resized);
    return 0;
}

/* ============================================================================================
   [7] AUGMENTATION (method.md section 4): a seeded generator and the random training view
   Random numbers: PCG32 (XSH-RR), reproduced bit for bit by tools/pm_rng.py, whose docstring
   repeats the exact constructions below. A view: RandomResizedCrop (torchvision's algorithm),
   bilinear resize (PIL), brightness, contrast, colour (PIL ImageEnhance), horizontal flip,
   normalisation. Every image step gives the same bytes as PIL 9.4 / torchvision 0.14 on x86-64.
   ============================================================================================ */

/* PCG32 generator (O'Neill 2014, XSH-RR output). state advances as a 64-bit LCG
   state = state * 6364136223846793005 + inc; inc is odd and selects one of 2^63 streams. */
typedef struct pm__rng {
    uint64_t state;
    uint64_t inc;
} pm__rng;

/* Next 32 random bits: the XSH-RR permutation of the state before the step
   (x = ((old >> 18) ^ old) >> 27, rotated right by old >> 59). */
static uint32_t pm__rng_u32(pm__rng *r)
{
    uint64_t old = r->state;
    uint32_t x, rot;
    r->state = old * UINT64_C(6364136223846793005) + r->inc;
    x = (uint32_t)(((old >> 18) ^ old) >> 27);
    rot = (uint32_t)(old >> 59);
    return (x >> rot) | (x << ((32u - rot) & 31u));
}

/* Start generator r at `seed` on stream `stream` (its top bit is ignored): state = 0,
   inc = 2 * stream + 1, one step, state += seed, one step. Equal (seed, stream) pairs give
   equal sequences; different streams with the same seed are unrelated sequences. */
static void pm__rng_seed(pm__rng *r, uint64_t seed, uint64_t stream)
{
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    (void)pm__rng_u32(r);
    r->state += seed;
    (void)pm__rng_u32(r);
}

/* A double in [0, 1) with 53 random bits: a = u32 >> 5 (first draw, 27 bits),
   b = u32 >> 6 (second draw, 26 bits), (a * 2^26 + b) / 2^53. Every step is exact. */
static double pm__rng_uniform(pm__rng *r)
{
    uint64_t a = pm__rng_u32(r) >> 5;
    uint64_t b = pm__rng_u32(r) >> 6;
    return (double)((a << 26) | b) * (1.0 / 9007199254740992.0);
}

/* An unbiased integer in [0, n) (Lemire's multiply-and-reject): m = u32 * n in 64 bits; when
   the low half of m is below t = (2^32 - n) mod n, draw again; the answer is m >> 32.
   One draw or more for n >= 1; n = 0 returns 0 and draws nothing. */
static uint32_t pm__rng_below(pm__rng *r, uint32_t n)
{
    uint64_t m;
    uint32_t low;
    if (n == 0) return 0;
    m = (uint64_t)pm__rng_u32(r) * n;
    low = (uint32_t)m;
    if (low < n) {
        uint32_t t = (uint32_t)(UINT32_C(0xFFFFFFFF) - n + 1u) % n;
        while (low < t) {
            m = (uint64_t)pm__rng_u32(r) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}


/* The splitmix64 finaliser: a bijective 64-bit mixing function. */
static uint64_t pm__mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A 64-bit key for the triple (seed, a, b), e.g. (seed, episode, view), to seed one generator
   per unit of work so results never depend on which thread ran what:
   h = mix(seed + G), h = mix((h ^ a) + G), h = mix((h ^ b) + G), G = 0x9E3779B97F4A7C15. */
static uint64_t pm__rng_derive(uint64_t seed, uint64_t a, uint64_t b)
{
    const uint64_t g = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = pm__mix64(seed + g);
    h = pm__mix64((h ^ a) + g);
    return pm__mix64((h ^ b) + g);
}

/* lo + (hi - lo) * u with the product rounded on its own, as Python (and torch's uniform_)
   compute it: the volatile keeps a compiler from fusing the two into one FMA, which rounds
   once and would change the last bit on FMA machines. */
static double pm__lerp(double lo, double hi, double u)
{
    volatile double step = (hi - lo) * u;
    return lo + step;
}

/* An ImageEnhance factor 1 + strength * (2u - 1), in [1 - strength, 1 + strength). */
static double pm__rng_factor(pm__rng *r, double strength)
{
    volatile double d = strength * (2.0 * pm__rng_uniform(r) - 1.0);
    return 1.0 + d;
}

/* Python's round() of a finite double v >= 0: the nearest integer, halves to the even one. */
static double pm__round_even_d(double v)
{
    double f = floor(v), d = v - f; /* exact */
    if (d > 0.5 || (d == 0.5 && fmod(f, 2.0) != 0.0)) f += 1.0;
    return f;
}

/* RandomResizedCrop box for a W x H image (W, H >= 1), torchvision's get_params with
   scale (0.08, 1) and ratio (3/4, 4/3), drawing from r in this order: for each of up to 10
   tries, area fraction s = lerp(0.08, 1, uniform), then log-ratio
   lerp(log(3/4), log(4/3), uniform); cw = round(sqrt(W H s e^l)), ch = round(sqrt(W H s / e^l))
   (halves to even); when 0 < cw <= W and 0 < ch <= H: y = below(H - ch + 1), then
   x = below(W - cw + 1). After 10 failed tries (no more draws): the centred crop of the image
   with its aspect ratio clamped to [3/4, 4/3]. Double precision throughout (torchvision
   draws float32 values; the distribution is the same). exp is libm's: another C library may
   differ in its last bit, which changes a box only if a square root falls within about 1e-13
   of a half-integer. Box: columns x..x+cw-1, rows y..y+ch-1. */
static void pm__rrc_params(pm__rng *r, int W, int H, int *x, int *y, int *cw, int *ch)
{
    /* log(3/4) and log(4/3 as a double), correctly rounded: written out so that neither a
       compiler's constant folding nor a C library's log can change them */
    const double lo = -0.2876820724517809, hi = 0.28768207245178085;
    double area = (double)W * (double)H, in_ratio;
    int attempt;
    for (attempt = 0; attempt < 10; attempt++) {
        double target = area * pm__lerp(0.08, 1.0, pm__rng_uniform(r));
        double ratio = exp(pm__lerp(lo, hi, pm__rng_uniform(r)));
        double fw = pm__round_even_d(sqrt(target * ratio));
        double fh = pm__round_even_d(sqrt(target / ratio));
        if (fw > 0.0 && fw <= (double)W && fh > 0.0 && fh <= (double)H) {
            *cw = (int)fw;
            *ch = (int)fh;
            *y = (int)pm__rng_below(r, (uint32_t)(H - *ch + 1));
            *x = (int)pm__rng_below(r, (uint32_t)(W - *cw + 1));
            return;
        }
    }
    in_ratio = (double)W / (double)H;
    *cw = W, *ch = H;
    if (in_ratio < 0.75) *ch = (int)pm__round_even_d((double)W / 0.75);
    else if (in_ratio > 4.0 / 3.0) *cw = (int)pm__round_even_d((double)H * (4.0 / 3.0));
    if (*ch > H) *ch = H; /* cannot happen; keeps the box inside the image regardless */
    if (*cw > W) *cw = W;
    *y = (H - *ch) / 2;
    *x = (W - *cw) / 2;
}

/* Crop rows y..y+ch-1, columns x..x+cw-1 of rgb [h, w, 3], then resize to [S, S, 3] with
   PIL's bilinear filter: torchvision's resized_crop on a PIL image (crop, then
   Image.resize((S, S), BILINEAR), antialiased). Returns a new buffer (PM_FREE), or NULL. */
static uint8_t *pm__crop_resize_rgb(const uint8_t *rgb, int w, int h, int x, int y, int cw,
                                    int ch, int S)
{
    uint8_t *crop, *out;
    int row;
    if (x < 0 || y < 0 || cw <= 0 || ch <= 0 || cw > w - x || ch > h - y) {
        pm__errorf("augment: crop box %dx%d+%d+%d outside the %dx%d image", cw, ch, x, y, w, h);
        return NULL;
    }
    if (S <= 0) {
        pm__errorf("augment: invalid view size %d", S);
        return NULL;
    }
    if (cw == w && ch == h) return pm__resize_rgb(rgb, w, h, S, S, 0);
    crop = (uint8_t *)pm__malloc_array((size_t)cw * (size_t)ch, 3);
    if (!crop) return NULL;
    for (row = 0; row < ch; row++)
        memcpy(crop + (size_t)row * (size_t)cw * 3,
               rgb + ((size_t)(y + row) * (size_t)w + (size_t)x) * 3, (size_t)cw * 3);
    out = pm__resize_rgb(crop, cw, ch, S, S, 0);
    PM_FREE(crop);
    return out;
}

/* One 8-bit sample of PIL's Image.blend(degenerate, image, alpha): the float expression
   deg + alpha * (img - deg) with the product and the sum each rounded to float, then
   clipped to [0, 255] and truncated (not rounded). Both steps are done exactly in double and
   rounded to float explicitly (exact for alpha = 0 or |alpha| >= 2^-21), so the result does
   not depend on FMA contraction. */
static uint8_t pm__blend_u8(int deg, int img, float alpha)
{
    float prod = (float)((double)alpha * (double)(img - deg));
    float sum = (float)((double)deg + (double)prod);
    if (sum <= 0.0f) return 0;
    if (sum >= 255.0f) return 255;
    return (uint8_t)sum;
}

/* PIL's convert("L") of one RGB pixel: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
static int pm__luma_u8(const uint8_t *p)
{
    return (int)((19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 0x8000u) >> 16);
}

/* ImageEnhance.Brightness(img).enhance(factor) in place on n RGB pixels: blend with black. */
static void pm__enhance_brightness(uint8_t *rgb, size_t n, double factor)
{
    uint8_t lut[256];
    float alpha = (float)factor; /* PIL passes the factor to C as a float */
    size_t i;
    int v;
    for (v = 0; v < 256; v++) lut[v] = pm__blend_u8(0, v, alpha);
    for (i = 0; i < 3 * n; i++) rgb[i] = lut[rgb[i]];
}

/* ImageEnhance.Contrast(img).enhance(factor) in place on n RGB pixels: blend with the
   constant grey int(mean(L) + 0.5), where mean(L) = sum_j j * hist_L[j] / n is accumulated in
   double from j = 0 to 255 (exactly as PIL's ImageStat). */
static void pm__enhance_contrast(uint8_t *rgb, size_t n, double factor)
{
    uint64_t hist[256];
    uint8_t lut[256];
    float alpha = (float)factor;
    double sum = 0.0;
    size_t i;
    int v, grey;
    if (n == 0) return;
    memset(hist, 0, sizeof(hist));
    for (i = 0; i < n; i++) hist[pm__luma_u8(rgb + 3 * i)]++;
    for (v = 0; v < 256; v++) sum += (double)((uint64_t)v * hist[v]);
    grey = (int)(sum / (double)n + 0.5);
    for (v = 0; v < 256; v++) lut[v] = pm__blend_u8(grey, v, alpha);
    for (i = 0; i < 3 * n; i++) rgb[i] = lut[rgb[i]];
}

/* ImageEnhance.Color(img).enhance(factor) in place on n RGB pixels: blend each pixel with its
   own luma L broadcast to (L, L, L). */
static void pm__enhance_color(uint8_t *rgb, size_t n, double factor)
{
    float alpha = (float)factor;
    size_t i;
    int c;
    for (i = 0; i < n; i++) {
        uint8_t *p = rgb + 3 * i;
        int l = pm__luma_u8(p);
        for (c = 0; c < 3; c++) p[c] = pm__blend_u8(l, p[c], alpha);
    }
}

/* Mirror rgb [h, w, 3] left to right in place (PIL's FLIP_LEFT_RIGHT). */
static void pm__hflip_rgb(uint8_t *rgb, int w, int h)
{
    int y, a, b, c;
    for (y = 0; y < h; y++) {
        uint8_t *row = rgb + (size_t)y * (size_t)w * 3;
        for (a = 0, b = w - 1; a < b; a++, b--)
            for (c = 0; c < 3; c++) {
                uint8_t t = row[3 * a + c];
                row[3 * a + c] = row[3 * b + c];
                row[3 * b + c] = t;
            }
    }
}

/* rgb [h, w, 3] -> out [3, h, w]: ((float)v / 255 - mean[c]) / std[c] in float, the last step
   of pm_preprocess (torchvision's to_tensor then normalize). */
static void pm__normalize_rgb(const uint8_t *rgb, int w, int h, const float mean[3],
                              const float std[3], float *out)
{
    size_t n = (size_t)w * (size_t)h, i, c;
    for (c = 0; c < 3; c++)
        for (i = 0; i < n; i++) {
            float v = (float)rgb[3 * i + c] / 255.0f;
            out[c * n + i] = (v - mean[c]) / std[c];
        }
}

/* One augmented view out [3, S, S] of rgb [h, w, 3] (method section 4). All random numbers
   are drawn first, in this order: the RandomResizedCrop box (pm__rrc_params), the brightness,
   contrast and colour factors (pm__rng_factor(r, 0.4) each), the flip (uniform < 0.5). Then:
   crop + bilinear resize to S x S, brightness, contrast, colour, flip, normalise with
   mean/std. Returns 0, or -1 (the generator has then still made exactly the same draws). */
static int pm__augment_view(pm__rng *r, const uint8_t *rgb, int w, int h, int S,
                            const float mean[3], const float std[3], float *out)
{
    int x, y, cw, ch, flip;
    double fb, fc, fs;
    uint8_t *view;
    size_t n;
    if (!rgb || w <= 0 || h <= 0) return pm__errorf("augment: empty image");
    if (S <= 0) return pm__errorf("augment: invalid view size %d", S);
    pm__rrc_params(r, w, h, &x, &y, &cw, &ch);
    fb = pm__rng_factor(r, 0.4);
    fc = pm__rng_factor(r, 0.4);
    fs = pm__rng_factor(r, 0.4);
    flip = pm__rng_uniform(r) < 0.5;
    view = pm__crop_resize_rgb(rgb, w, h, x, y, cw, ch, S);
    if (!view) return -1;
    n = (size_t)S * (size_t)S;
    pm__enhance_brightness(view, n, fb);
    pm__enhance_contrast(view, n, fc);
    pm__enhance_color(view, n, fs);
    if (flip) pm__hflip_rgb(view, S, S);
    pm__normalize_rgb(view, S, S, mean, std, out);
    PM_FREE(view);
    return 0;
}

PMDEF int pm_augment_view(const pm_model *m, const uint8_t *rgb, int w, int h, int mode,
                          uint64_t seed, uint64_t view, float *out)
{
    const float *mean = NULL, *std = NULL;
    pm__rng r;
    if (pm__mode_stats(m, mode, &mean, &std)) return -1;
    pm__rng_seed(&r, pm__rng_derive(seed, view, 0), 0);
    return pm__augment_view(&r, rgb, w, h, m->info.image_size, mean, std, out);
}

/* ============================================================================================
   [8] CLIP
   Image tower: patches . conv1^T -> prepend class embedding -> + positional embedding ->
   ln_pre -> blocks -> ln_post(token 0) . proj.
   Text tower: token embedding + positional embedding -> causal blocks -> ln_final at the
   <|endoftext|> position (the largest id) . text_projection. Rows after the last
   <|endoftext|> of a batch cannot influence it (causal mask), so they are never computed.
   ============================================================================================ */

#define PM__CHUNK 32 /* sequences per forward pass: bounds activation memory */

/* Image tower for B images: pixels [B, 3, S, S] -> out [B, D]. */
static int pm__vision_forward(pm_model *m, int B, const float *pixels, float *out)
{
    const pm_model_info *mi = &m->info;
    int S = mi->image_size, P = mi->patch_size, G = S / P, W = mi->vision_width;
    int T = G * G + 1, K = 3 * P * P, b, p, c, ky, kx, l, rc = -1;
    size_t rows = (size_t)B * T;
    float *patches = pm__floats((size_t)B * G * G * K), *x = pm__floats(rows * W);
    float *pooled = pm__floats((size_t)B * W);
    pm__block_scratch s;
    if (pm__block_scratch_alloc(&s, rows, T, W, mi->vision_mlp) || !patches || !x || !pooled)
        goto done;
    for (b = 0; b < B; b++)
        for (p = 0; p < G * G; p++) {
            float *dst = patches + ((size_t)b * G * G + p) * K;
            int gy = p / G, gx = p % G;
            for (c = 0; c < 3; c++)
                for (ky = 0; ky < P; ky++)
                    for (kx = 0; kx < P; kx++)
                        *dst++ = pixels[(((size_t)b * 3 + c) * S + gy * P + ky) * S + gx * P + kx];
        }
    /* patch embeddings go to rows 1..T-1 of each image; row 0 is the class token */
    for (b = 0; b < B; b++)
        pm__gemm(0, 1, G * G, W, K, 1.0f, patches + (size_t)b * G * G * K, K, m->v_conv1.data,
                 m->v_conv1.dtype, K, 0.0f, x + ((size_t)b * T + 1) * W, W);
    for (b = 0; b < B; b++) {
        float *xb = x + (size_t)b * T * W;
        for (c = 0; c < W; c++) xb[c] = m->v_class.f[c];
        for (p = 0; p < T * W; p++) xb[p] += m->v_pos.f[p];
    }
    pm__layernorm_forward((int)rows, W, x, m->v_ln_pre_w.f, m->v_ln_pre_b.f, x, NULL, NULL);
    for (l = 0; l < mi->vision_layers; l++)
        pm__block_forward(&m->v_blocks[l], B, T, W, mi->vision_mlp, mi->vision_heads, 0,
                          mi->act, x, &s);
    for (b = 0; b < B; b++)
        pm__layernorm_forward(1, W, x + (size_t)b * T * W, m->v_ln_post_w.f, m->v_ln_post_b.f,
                              pooled + (size_t)b * W, NULL, NULL);
    pm__gemm(0, 0, B, mi->embed_dim, W, 1.0f, pooled, W, m->v_proj.data, m->v_proj.dtype,
             mi->embed_dim, 0.0f, out, mi->embed_dim);
    rc = 0;
done:
    pm__block_scratch_free(&s);
    PM_FREE(patches), PM_FREE(x), PM_FREE(pooled);
    return rc;
}

/* Position of the largest id of a context row (the first one if several). */
static int pm__eot_position(const int32_t *ids, int ctx)
{
    int t, best = 0;
    for (t = 1; t < ctx; t++)
        if (ids[t] > ids[best]) best = t;
    return best;
}

/* Text tower for B texts: ids [B, ctx] -> out [B, D]. */
static int pm__text_forward(pm_model *m, int B, const int32_t *ids, float *out)
{
    const pm_model_info *mi = &m->info;
    int C = mi->text_width, ctx = mi->context_length, L = 1, b, t, l, rc = -1;
    size_t rows, tok_size = pm__dtype_size(m->t_tok.dtype);
    float *x = NULL, *pooled = NULL;
    pm__block_scratch s;
    memset(&s, 0, sizeof(s));
    for (b = 0; b < B; b++) {
        for (t = 0; t < ctx; t++)
            if (ids[(size_t)b * ctx + t] < 0 || ids[(size_t)b * ctx + t] >= mi->vocab_size)
                return pm__errorf("token id %ld is outside the vocabulary (%d)",
                                  (long)ids[(size_t)b * ctx + t], mi->vocab_size);
        t = pm__eot_position(ids + (size_t)b * ctx, ctx) + 1;
        L = t > L ? t : L;
    }
    rows = (size_t)B * L;
    x = pm__floats(rows * C);
    pooled = pm__floats((size_t)B * C);
    if (!x || !pooled || pm__block_scratch_alloc(&s, rows, L, C, mi->text_mlp)) goto done;
    for (b = 0; b < B; b++)
        for (t = 0; t < L; t++) {
            float *xr = x + ((size_t)b * L + t) * C;
            int id = ids[(size_t)b * ctx + t], c;
            pm__to_f32((const char *)m->t_tok.data + (size_t)id * C * tok_size, m->t_tok.dtype,
                       (size_t)C, xr);
            for (c = 0; c < C; c++) xr[c] += m->t_pos.f[(size_t)t * C + c];
        }
    for (l = 0; l < mi->text_layers; l++)
        pm__block_forward(&m->t_blocks[l], B, L, C, mi->text_mlp, mi->text_heads, 1, mi->act, x,
                          &s);
    for (b = 0; b < B; b++) {
        int e = pm__eot_position(ids + (size_t)b * ctx, ctx);
        pm__layernorm_forward(1, C, x + ((size_t)b * L + e) * C, m->t_ln_final_w.f,
                              m->t_ln_final_b.f, pooled + (size_t)b * C, NULL, NULL);
    }
    pm__gemm(0, 0, B, mi->embed_dim, C, 1.0f, pooled, C, m->t_proj.data, m->t_proj.dtype,
             mi->embed_dim, 0.0f, out, mi->embed_dim);
    rc = 0;
done:
    pm__block_scratch_free(&s);
    PM_FREE(x), PM_FREE(pooled);
    return rc;
}

PMDEF int pm_encode_images(pm_model *m, int n, const float *pixels, float *out)
{
    const pm_model_info *mi = &m->info;
    size_t per = 3 * (size_t)mi->image_size * mi->image_size;
    int i;
    if (!mi->has_vision) return pm__errorf("the model has no image tower");
    for (i = 0; i < n; i += PM__CHUNK) {
        int b = pm__mini(PM__CHUNK, n - i);
        if (pm__vision_forward(m, b, pixels + (size_t)i * per, out + (size_t)i * mi->embed_dim))
            return -1;
    }
    return 0;
}

PMDEF int pm_encode_texts(pm_model *m, int n, const int32_t *ids, float *out)
{
    const pm_model_info *mi = &m->info;
    int i;
    if (!mi->has_text) return pm__errorf("the model has no text tower");
    for (i = 0; i < n; i += PM__CHUNK) {
        int b = pm__mini(PM__CHUNK, n - i);
        if (pm__text_forward(m, b, ids + (size_t)i * mi->context_length,
                             out + (size_t)i * mi->embed_dim))
            return -1;
    }
    return 0;
}

PMDEF void pm_normalize_rows(int n, int d, float *x)
{
    int i, j;
    for (i = 0; i < n; i++) {
        float *r = x + (size_t)i * d;
        double ss = 0.0;
        for (j = 0; j < d; j++) ss += (double)r[j] * r[j];
        if (ss > 0.0) {
            float inv = (float)(1.0 / sqrt(ss));
            for (j = 0; j < d; j++) r[j] *= inv;
        }
    }
}

PMDEF void pm_softmax_rows(int n, int d, float *x) { pm__softmax(n, d, x, 0); }

PMDEF int pm_logits(const pm_model *m, int n_img, const float *img, int n_txt,
                    const float *txt, float *logits)
{
    int D = m->info.embed_dim, i, j, k;
    double scale = exp((double)m->info.logit_scale);
    float *ni = pm__floats((size_t)n_img * D), *nt = pm__floats((size_t)n_txt * D);
    if (!ni || !nt) {
        PM_FREE(ni), PM_FREE(nt);
        return -1;
    }
    memcpy(ni, img, sizeof(float) * n_img * D);
    memcpy(nt, txt, sizeof(float) * n_txt * D);
    pm_normalize_rows(n_img, D, ni);
    pm_normalize_rows(n_txt, D, nt);
    for (i = 0; i < n_img; i++)
        for (j = 0; j < n_txt; j++) {
            double dot = 0.0;
            for (k = 0; k < D; k++) dot += (double)ni[(size_t)i * D + k] * nt[(size_t)j * D + k];
            logits[(size_t)i * n_txt + j] = (float)(scale * dot);
        }
    PM_FREE(ni), PM_FREE(nt);
    return 0;
}

PMDEF int pm_tokenize(pm_model *m, const char *text, int32_t *ids)
{
    if (!m->tok.t) return pm__errorf("the model has no text tower");
    return pm_tokenizer_encode(&m->tok, text, ids, m->info.context_length);
}

PMDEF pm_tokenizer *pm_model_tokenizer(pm_model *m)
{
    return m->tok.t ? &m->tok : NULL;
}


/* ============================================================================================
   [9] DATASETS
   An ImageFolder root or a CSV file becomes a list of (path, label) items with classes sorted
   by key. Directory listing uses POSIX <dirent.h> or the Win32 API.
   ============================================================================================ */
#ifndef PM_NO_STDIO

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <dirent.h>
#include <sys/stat.h>
#endif

typedef struct pm__ds_item {
    char *path;
    int label;
} pm__ds_item;

/* A growable array of strings. */
typedef struct pm__strlist {
    char **s;
    int n, cap;
} pm__strlist;

static int pm__strlist_push(pm__strlist *l, const char *s)
{
    char *d;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        char **ns = (char **)PM_REALLOC(l->s, sizeof(char *) * (size_t)cap);
        if (!ns) return pm__errorf("out of memory");
        l->s = ns, l->cap = cap;
    }
    if (!(d = pm__strdup(s))) return -1;
    l->s[l->n++] = d;
    return 0;
}

static void pm__strlist_free(pm__strlist *l)
{
    int i;
    for (i = 0; i < l->n; i++) PM_FREE(l->s[i]);
    PM_FREE(l->s);
    memset(l, 0, sizeof(*l));
}

static int pm__cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}


struct pm_dataset {
    pm__strlist keys, texts, problems;
    int *counts;          /* [n_classes] */
    pm__ds_item *items;   /* [n_items], grouped by class, each class in path order */
    int n_items, cap_items;
};

/* "a" + "/" + "b" in a fresh string. */
static char *pm__path_join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = (char *)pm__malloc_array(na + nb + 2, 1);
    if (!p) return NULL;
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    if (na && (a[na - 1] == '/' || a[na - 1] == '\\')) memmove(p + na, p + na + 1, nb + 1);
    return p;
}

/* Does the name end in an image extension we decode (case-insensitive)? */
static int pm__is_image_name(const char *name)
{
    static const char *ext[] = {".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".ppm", ".pgm",
                                ".pnm", ".pbm"};
    size_t n = strlen(name), i, k;
    for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t m = strlen(ext[i]);
        if (n <= m) continue;
        for (k = 0; k < m; k++) {
            char c = name[n - m + k];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            if (c != ext[i][k]) break;
        }
        if (k == m) return 1;
    }
    return 0;
}

/* 1 directory, 0 other file, -1 missing. */
static int pm__path_kind(const char *path)
{
#if defined(_WIN32)
    DWORD a = GetFileAttributesA(path);
    if (a == INVALID_FILE_ATTRIBUTES) return -1;
    return (a & FILE_ATTRIBUTE_DIRECTORY) ? 1 : 0;
#else
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
#endif
}

/* The visible entries of a directory (no ".", "..", or names starting with '.'), sorted. */
static int pm__list_dir(const char *dir, pm__strlist *out)
{
#if defined(_WIN32)
    WIN32_FIND_DATAA fd;
    HANDLE h;
    char *pattern = pm__path_join(dir, "*");
    if (!pattern) return -1;
    h = FindFirstFileA(pattern, &fd);
    PM_FREE(pattern);
    if (h == INVALID_HANDLE_VALUE) return pm__errorf("cannot list folder '%s'", dir);
    do {
        if (fd.cFileName[0] != '.' && pm__strlist_push(out, fd.cFileName)) {
            FindClose(h);
            return -1;
        }
    } while (FindNextFileA(h, &fd));
    FindClose(h);
#else
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return pm__errorf("cannot list folder '%s'", dir);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.' && pm__strlist_push(out, e->d_name)) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
#endif
    if (out->n > 1) qsort(out->s, (size_t)out->n, sizeof(char *), pm__cmp_str);
    return 0;
}

static int pm__ds_add_item(pm_dataset *ds, const char *path, int label)
{
    if (ds->n_items == ds->cap_items) {
        int cap = ds->cap_items ? 2 * ds->cap_items : 256;
        pm__ds_item *ni = (pm__ds_item *)PM_REALLOC(ds->items, sizeof(pm__ds_item) * (size_t)cap);
        if (!ni) return pm__errorf("out of memory");
        ds->items = ni, ds->cap_items = cap;
    }
    if (!(ds->items[ds->n_items].path = pm__strdup(path))) return -1;
    ds->items[ds->n_items++].label = label;
    return 0;
}

static int pm__ds_problem(pm_dataset *ds, const char *path, const char *what)
{
    size_t n = strlen(path) + strlen(what) + 3;
    char *msg = (char *)pm__malloc_array(n, 1);
    int rc;
    if (!msg) return -1;
    sprintf(msg, "%s: %s", path, what);
    rc = pm__strlist_push(&ds->problems, msg);
    PM_FREE(msg);
    return rc;
}

/* Add the images under dir (recursively, sorted, at most 8 levels) with the given label. */
static int pm__ds_walk(pm_dataset *ds, const char *dir, int label, int depth)
{
    pm__strlist names;
    int i, rc = 0;
    memset(&names, 0, sizeof(names));
    if (pm__list_dir(dir, &names)) return -1;
    for (i = 0; i < names.n && rc == 0; i++) {
        char *p = pm__path_join(dir, names.s[i]);
        int kind = p ? pm__path_kind(p) : -1;
        if (!p) rc = -1;
        else if (kind == 1 && depth < 8) rc = pm__ds_walk(ds, p, label, depth + 1);
        else if (kind == 0 && pm__is_image_name(names.s[i])) rc = pm__ds_add_item(ds, p, label);
        else if (kind == 0) rc = pm__ds_problem(ds, p, "not an image file, ignored");
        PM_FREE(p);
    }
    pm__strlist_free(&names);
    return rc;
}

static int pm__ds_open_folder(pm_dataset *ds, const char *root)
{
    pm__strlist names;
    int i, rc = 0;
    memset(&names, 0, sizeof(names));
    if (pm__list_dir(root, &names)) return -1;
    for (i = 0; i < names.n && rc == 0; i++) {
        char *p = pm__path_join(root, names.s[i]);
        int kind = p ? pm__path_kind(p) : -1, before = ds->n_items;
        if (!p) {
            rc = -1;
        } else if (kind == 1) {
            rc = pm__ds_walk(ds, p, ds->keys.n, 0);
            if (rc == 0 && ds->n_items == before)
                rc = pm__ds_problem(ds, p, "class folder holds no images, class skipped");
            else if (rc == 0)
                rc = pm__strlist_push(&ds->keys, names.s[i]);
        } else if (kind == 0) {
            rc = pm__ds_problem(ds, p, "file outside the class folders, ignored");
        }
        PM_FREE(p);
    }
    pm__strlist_free(&names);
    if (rc == 0 && ds->keys.n == 0)
        return pm__errorf("'%s' has no class folders with images (expected root/<class>/<image>)",
                          root);
    return rc;
}

/* Split one CSV record (RFC 4180 quoting) starting at *pos into fields; returns the count
   (at most max), -1 at the end of the data. Fields are written NUL-terminated into buf. */
static int pm__csv_record(const char *s, size_t n, size_t *pos, char *buf, char **fields,
                          int max)
{
    size_t p = *pos, o = 0;
    int nf = 0;
    if (p >= n) return -1;
    fields[nf++] = buf;
    while (p < n && s[p] != '\n') {
        if (s[p] == '"' && (o == 0 || buf[o - 1] == 0)) { /* quoted field */
            for (p++; p < n; p++) {
                if (s[p] == '"' && p + 1 < n && s[p + 1] == '"') buf[o++] = '"', p++;
                else if (s[p] == '"') { p++; break; }
                else buf[o++] = s[p];
            }
        } else if (s[p] == ',') {
            buf[o++] = 0;
            if (nf < max) fields[nf++] = buf + o;
            p++;
        } else {
            if (s[p] != '\r') buf[o++] = s[p];
            p++;
        }
    }
    buf[o] = 0;
    *pos = p + 1;
    return nf;
}

static int pm__ds_open_csv(pm_dataset *ds, const char *path)
{
    size_t n = 0, pos = 0;
    uint8_t *data = pm__read_file(path, &n);
    char *buf = NULL, *fields[64], *dir = NULL, *slash;
    int nf, line = 1, col_path = 0, col_label = 1, rc = -1, i;
    pm__strlist labels;
    memset(&labels, 0, sizeof(labels));
    if (!data) return -1;
    buf = (char *)pm__malloc_array(n + 1, 1);
    dir = pm__strdup(path);
    if (!buf || !dir) goto done;
    slash = strrchr(dir, '/');
#if defined(_WIN32)
    if (!slash || strrchr(dir, '\\') > slash) slash = strrchr(dir, '\\');
#endif
    if (slash) *slash = 0;
    else strcpy(dir, ".");
    nf = pm__csv_record((const char *)data, n, &pos, buf, fields, 64);
    if (nf < 2) {
        pm__errorf("%s: the first line must be a header naming at least two columns "
                   "(path,label)", path);
        goto done;
    }
    for (i = 0; i < nf; i++) { /* columns named path and label, else the first two */
        if (!strcmp(fields[i], "path") || !strcmp(fields[i], "filepath") ||
            !strcmp(fields[i], "image") || !strcmp(fields[i], "filename"))
            col_path = i;
        if (!strcmp(fields[i], "label") || !strcmp(fields[i], "class")) col_label = i;
    }
    while ((nf = pm__csv_record((const char *)data, n, &pos, buf, fields, 64)) >= 0) {
        line++;
        if (nf == 1 && fields[0][0] == 0) continue; /* blank line */
        if (nf <= col_path || nf <= col_label || !fields[col_path][0] || !fields[col_label][0]) {
            pm__errorf("%s:%d: expected a path and a label", path, line);
            goto done;
        }
        if (pm__strlist_push(&labels, fields[col_label])) goto done;
        {
            const char *f = fields[col_path];
            int absolute = f[0] == '/' || f[0] == '\\' || (f[0] && f[1] == ':');
            char *full = absolute ? pm__strdup(f) : pm__path_join(dir, f);
            if (!full || pm__ds_add_item(ds, full, labels.n - 1)) {
                PM_FREE(full);
                goto done;
            }
            PM_FREE(full);
        }
    }
    if (ds->n_items == 0) {
        pm__errorf("%s lists no images", path);
        goto done;
    }
    /* classes: the distinct labels, sorted; items point to them */
    {
        pm__strlist sorted;
        memset(&sorted, 0, sizeof(sorted));
        for (i = 0; i < labels.n; i++)
            if (pm__strlist_push(&sorted, labels.s[i])) {
                pm__strlist_free(&sorted);
                goto done;
            }
        qsort(sorted.s, (size_t)sorted.n, sizeof(char *), pm__cmp_str);
        for (i = 0; i < sorted.n; i++)
            if ((i == 0 || strcmp(sorted.s[i], sorted.s[i - 1]) != 0) &&
                pm__strlist_push(&ds->keys, sorted.s[i])) {
                pm__strlist_free(&sorted);
                goto done;
            }
        pm__strlist_free(&sorted);
        for (i = 0; i < ds->n_items; i++) {
            const char *key = labels.s[ds->items[i].label];
            int lo = 0, hi = ds->keys.n - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (strcmp(ds->keys.s[mid], key) < 0) lo = mid + 1;
                else hi = mid;
            }
            ds->items[i].label = lo;
        }
    }
    rc = 0;
done:
    pm__strlist_free(&labels);
    PM_FREE(data), PM_FREE(buf), PM_FREE(dir);
    return rc;
}

/* Prompt names: from the class-name file, else the key with '_' as spaces. */
static int pm__ds_class_texts(pm_dataset *ds, const char *names_path)
{
    size_t n = 0, pos = 0;
    uint8_t *data = NULL;
    int c, rc = -1;
    pm__strlist keys, texts;
    memset(&keys, 0, sizeof(keys));
    memset(&texts, 0, sizeof(texts));
    if (names_path) {
        if (!(data = pm__read_file(names_path, &n))) return -1;
        while (pos < n) {
            char *line = (char *)data + pos, *nl = (char *)memchr(line, '\n', n - pos), *tab;
            size_t len = nl ? (size_t)(nl - line) : n - pos;
            pos += len + 1;
            if (len && line[len - 1] == '\r') len--;
            line[len] = 0;
            if (len == 0 || line[0] == '#') continue;
            tab = strchr(line, '\t');
            if (!tab) {
                pm__errorf("%s: line '%.60s' lacks a TAB between the class and its name",
                           names_path, line);
                goto done;
            }
            *tab = 0;
            if (pm__strlist_push(&keys, line) || pm__strlist_push(&texts, tab + 1)) goto done;
        }
    }
    for (c = 0; c < ds->keys.n; c++) {
        int k, found = -1;
        for (k = 0; k < keys.n; k++)
            if (!strcmp(keys.s[k], ds->keys.s[c])) found = k;
        if (names_path && found < 0) {
            pm__errorf("class '%s' is not in the class-name file %s", ds->keys.s[c], names_path);
            goto done;
        }
        if (pm__strlist_push(&ds->texts, found >= 0 ? texts.s[found] : ds->keys.s[c])) goto done;
        if (found < 0) {
            char *t = ds->texts.s[c];
            for (; *t; t++)
                if (*t == '_') *t = ' ';
        }
    }
    rc = 0;
done:
    pm__strlist_free(&keys);
    pm__strlist_free(&texts);
    PM_FREE(data);
    return rc;
}

/* Count images per class; drop classes without images (renumbering labels). */
static int pm__ds_finish(pm_dataset *ds)
{
    int c, i, kept = 0, *map;
    PM_FREE(ds->counts);
    ds->counts = (int *)pm__malloc_array((size_t)ds->keys.n + 1, sizeof(int));
    map = (int *)pm__malloc_array((size_t)ds->keys.n + 1, sizeof(int));
    if (!ds->counts || !map) return PM_FREE(map), -1;
    memset(ds->counts, 0, sizeof(int) * (size_t)ds->keys.n);
    for (i = 0; i < ds->n_items; i++) ds->counts[ds->items[i].label]++;
    for (c = 0; c < ds->keys.n; c++) {
        map[c] = ds->counts[c] ? kept : -1;
        if (ds->counts[c]) {
            ds->keys.s[kept] = ds->keys.s[c];
            ds->texts.s[kept] = ds->texts.s[c];
            ds->counts[kept++] = ds->counts[c];
        } else {
            PM_FREE(ds->keys.s[c]);
            PM_FREE(ds->texts.s[c]);
        }
    }
    ds->keys.n = ds->texts.n = kept;
    for (i = 0; i < ds->n_items; i++) ds->items[i].label = map[ds->items[i].label];
    PM_FREE(map);
    return 0;
}

/* Items grouped by class (stable: path order within a class). */
static int pm__cmp_item(const void *a, const void *b)
{
    const pm__ds_item *x = (const pm__ds_item *)a, *y = (const pm__ds_item *)b;
    if (x->label != y->label) return x->label < y->label ? -1 : 1;
    return strcmp(x->path, y->path);
}

PMDEF pm_dataset *pm_dataset_open(const char *path, const char *class_names)
{
    pm_dataset *ds;
    int kind;
    if (!path) return pm__errorf("no dataset path given"), (pm_dataset *)NULL;
    kind = pm__path_kind(path);
    if (kind < 0) return pm__errorf("dataset '%s' does not exist", path), (pm_dataset *)NULL;
    ds = (pm_dataset *)PM_MALLOC(sizeof(pm_dataset));
    if (!ds) return pm__errorf("out of memory"), (pm_dataset *)NULL;
    memset(ds, 0, sizeof(*ds));
    if ((kind == 1 ? pm__ds_open_folder(ds, path) : pm__ds_open_csv(ds, path)) ||
        pm__ds_class_texts(ds, class_names) || pm__ds_finish(ds)) {
        pm_dataset_free(ds);
        return NULL;
    }
    qsort(ds->items, (size_t)ds->n_items, sizeof(pm__ds_item), pm__cmp_item);
    return ds;
}

PMDEF int pm_dataset_verify(pm_dataset *ds, void (*progress)(int done, int total, void *user),
                            void *user)
{
    int i, kept = 0, total = ds->n_items;
    for (i = 0; i < total; i++) {
        int w, h;
        uint8_t *rgb = pm_image_load(ds->items[i].path, &w, &h);
        if (rgb) {
            ds->items[kept++] = ds->items[i];
            PM_FREE(rgb);
        } else {
            /* pm_image_load's message already names the path */
            if (pm__strlist_push(&ds->problems, pm__error_buf)) return -1;
            PM_FREE(ds->items[i].path);
        }
        if (progress && (i % 16 == 15 || i + 1 == total)) progress(i + 1, total, user);
    }
    ds->n_items = kept;
    if (pm__ds_finish(ds)) return -1;
    if (kept == 0) return pm__errorf("no image of the dataset could be decoded");
    return 0;
}

PMDEF void pm_dataset_free(pm_dataset *ds)
{
    int i;
    if (!ds) return;
    for (i = 0; i < ds->n_items; i++) PM_FREE(ds->items[i].path);
    PM_FREE(ds->items);
    PM_FREE(ds->counts);
    pm__strlist_free(&ds->keys);
    pm__strlist_free(&ds->texts);
    pm__strlist_free(&ds->problems);
    PM_FREE(ds);
}

PMDEF int pm_dataset_num_classes(const pm_dataset *ds) { return ds->keys.n; }
PMDEF const char *pm_dataset_class_key(const pm_dataset *ds, int c) { return ds->keys.s[c]; }
PMDEF const char *pm_dataset_class_text(const pm_dataset *ds, int c) { return ds->texts.s[c]; }
PMDEF int pm_dataset_class_count(const pm_dataset *ds, int c) { return ds->counts[c]; }
PMDEF int pm_dataset_num_images(const pm_dataset *ds) { return ds->n_items; }
PMDEF const char *pm_dataset_image_path(const pm_dataset *ds, int i) { return ds->items[i].path; }
PMDEF int pm_dataset_image_label(const pm_dataset *ds, int i) { return ds->items[i].label; }
PMDEF int pm_dataset_num_problems(const pm_dataset *ds) { return ds->problems.n; }
PMDEF const char *pm_dataset_problem(const pm_dataset *ds, int i) { return ds->problems.s[i]; }
#endif /* PM_NO_STDIO */


/* ============================================================================================
   [10] SAFETENSORS
   Prompt files use the safetensors format so that Python users open them with the standard
   library for it: an 8-byte little-endian header length N, N bytes of JSON
   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
    "__metadata__": {"key": "string value", ...}}, then the tensor bytes (little-endian,
   offsets relative to the end of the header). Only the parts we need are parsed; everything
   is bounds-checked and nesting depth is limited.
   ============================================================================================ */

#define PM__ST_MAX_TENSORS 4096
#define PM__ST_MAX_META 64

typedef struct pm__st_tensor {
    char name[128];
    int dtype; /* PM_DTYPE_F32/F16/BF16; other dtypes are refused */
    int ndim;
    int64_t shape[8];
    uint64_t begin, end; /* byte range in the data section */
} pm__st_tensor;

typedef struct pm__st_file {
    pm__st_tensor *t;
    int n;
    char *meta_key[PM__ST_MAX_META], *meta_val[PM__ST_MAX_META];
    int n_meta;
    const uint8_t *data; /* start of the data section (inside the caller's buffer) */
    uint64_t data_len;
} pm__st_file;

/* A cursor over JSON text. */
typedef struct pm__json {
    const char *s;
    size_t n, i;
} pm__json;

static void pm__json_ws(pm__json *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
                           j->s[j->i] == '\r'))
        j->i++;
}

static int pm__json_expect(pm__json *j, char c)
{
    pm__json_ws(j);
    if (j->i >= j->n || j->s[j->i] != c) return pm__errorf("safetensors: malformed header "
                                                           "(expected '%c' at byte %lu)", c,
                                                           (unsigned long)j->i);
    j->i++;
    return 0;
}

/* A JSON string into out (UTF-8, NUL-terminated, at most cap-1 bytes; longer is an error). */
static int pm__json_string(pm__json *j, char *out, size_t cap)
{
    size_t o = 0;
    if (pm__json_expect(j, '"')) return -1;
    while (j->i < j->n && j->s[j->i] != '"') {
        unsigned c = (unsigned char)j->s[j->i++];
        if (c == '\\') {
            if (j->i >= j->n) break;
            c = (unsigned char)j->s[j->i++];
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
            else if (c == 'r') c = '\r';
            else if (c == 'b') c = '\b';
            else if (c == 'f') c = '\f';
            else if (c == 'u') { /* \uXXXX (surrogate pairs combined) -> UTF-8 */
                uint32_t cp = 0, k;
                for (k = 0; k < 4; k++) {
                    char h = j->i < j->n ? j->s[j->i++] : 0;
                    int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (v < 0) return pm__errorf("safetensors: bad \\u escape in the header");
                    cp = cp * 16 + (uint32_t)v;
                }
                if (cp >= 0xd800 && cp < 0xdc00 && j->i + 6 <= j->n && j->s[j->i] == '\\' &&
                    j->s[j->i + 1] == 'u') {
                    uint32_t lo = 0;
                    for (k = 2; k < 6; k++) {
                        char h = j->s[j->i + k];
                        int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                        if (v < 0) return pm__errorf("safetensors: bad \\u escape in the header");
                        lo = lo * 16 + (uint32_t)v;
                    }
                    if (lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        j->i += 6;
                    }
                }
                if (o + 4 >= cap) return pm__errorf("safetensors: header string too long");
                if (cp < 0x80) out[o++] = (char)cp;
                else if (cp < 0x800) {
                    out[o++] = (char)(0xc0 | (cp >> 6));
                    out[o++] = (char)(0x80 | (cp & 63));
                } else if (cp < 0x10000) {
                    out[o++] = (char)(0xe0 | (cp >> 12));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 63));
                    out[o++] = (char)(0x80 | (cp & 63));
                } else {
                    out[o++] = (char)(0xf0 | (cp >> 18));
                    out[o++] = (char)(0x80 | ((cp >> 12) & 63));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 63));
                    out[o++] = (char)(0x80 | (cp & 63));
                }
                continue;
            }
        }
        if (o + 1 >= cap) return pm__errorf("safetensors: header string too long");
        out[o++] = (char)c;
    }
    if (j->i >= j->n) return pm__errorf("safetensors: unterminated string in the header");
    j->i++;
    out[o] = 0;
    return 0;
}

/* A non-negative integer (as safetensors writes shapes and offsets). */
static int pm__json_uint(pm__json *j, uint64_t *v)
{
    int digits = 0;
    pm__json_ws(j);
    *v = 0;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
        if (*v > (((uint64_t)1 << 62) / 10)) return pm__errorf("safetensors: number too large");
        *v = *v * 10 + (uint64_t)(j->s[j->i++] - '0');
        digits++;
    }
    return digits ? 0 : pm__errorf("safetensors: expected a number at byte %lu",
                                   (unsigned long)j->i);
}

/* Skip any JSON value (for keys we do not use), at most `depth` levels deep. */
static int pm__json_skip(pm__json *j, int depth)
{
    char c;
    pm__json_ws(j);
    if (j->i >= j->n) return pm__errorf("safetensors: header truncated");
    if (depth <= 0) return pm__errorf("safetensors: header nested too deeply");
    c = j->s[j->i];
    if (c == '"') {
        char tmp[4096];
        return pm__json_string(j, tmp, sizeof(tmp));
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->i++;
        pm__json_ws(j);
        if (j->i < j->n && j->s[j->i] == close) return j->i++, 0;
        for (;;) {
            if (c == '{') {
                char key[4096];
                if (pm__json_string(j, key, sizeof(key)) || pm__json_expect(j, ':')) return -1;
            }
            if (pm__json_skip(j, depth - 1)) return -1;
            pm__json_ws(j);
            if (j->i < j->n && j->s[j->i] == ',') { j->i++; continue; }
            return pm__json_expect(j, close);
        }
    }
    while (j->i < j->n && (isalnum((unsigned char)j->s[j->i]) || j->s[j->i] == '-' ||
                           j->s[j->i] == '+' || j->s[j->i] == '.'))
        j->i++;
    return 0;
}

/* One tensor description {"dtype": .., "shape": [..], "data_offsets": [b, e]}. */
static int pm__st_tensor_info(pm__json *j, pm__st_tensor *t)
{
    int have = 0;
    if (pm__json_expect(j, '{')) return -1;
    for (;;) {
        char key[64];
        if (pm__json_string(j, key, sizeof(key)) || pm__json_expect(j, ':')) return -1;
        if (!strcmp(key, "dtype")) {
            char dt[16];
            if (pm__json_string(j, dt, sizeof(dt))) return -1;
            if (!strcmp(dt, "F32")) t->dtype = PM_DTYPE_F32;
            else if (!strcmp(dt, "F16")) t->dtype = PM_DTYPE_F16;
            else if (!strcmp(dt, "BF16")) t->dtype = PM_DTYPE_BF16;
            else return pm__errorf("safetensors: tensor '%s' has unsupported dtype %s", t->name, dt);
            have |= 1;
        } else if (!strcmp(key, "shape") || !strcmp(key, "data_offsets")) {
            int shape = key[0] == 's', k = 0;
            if (pm__json_expect(j, '[')) return -1;
            pm__json_ws(j);
            if (j->i < j->n && j->s[j->i] == ']') j->i++;
            else for (;;) {
                uint64_t v;
                if (pm__json_uint(j, &v)) return -1;
                if (shape) {
                    if (k >= 8) return pm__errorf("safetensors: tensor '%s' has too many dimensions", t->name);
                    t->shape[k++] = (int64_t)v;
                } else {
                    if (k >= 2) return pm__errorf("safetensors: bad data_offsets");
                    if (k++ == 0) t->begin = v;
                    else t->end = v;
                }
                pm__json_ws(j);
                if (j->i < j->n && j->s[j->i] == ',') { j->i++; continue; }
                if (pm__json_expect(j, ']')) return -1;
                break;
            }
            if (shape) t->ndim = k, have |= 2;
            else if (k == 2) have |= 4;
        } else if (pm__json_skip(j, 8)) {
            return -1;
        }
        pm__json_ws(j);
        if (j->i < j->n && j->s[j->i] == ',') { j->i++; continue; }
        if (pm__json_expect(j, '}')) return -1;
        break;
    }
    if (have != 7) return pm__errorf("safetensors: tensor '%s' lacks dtype, shape or offsets", t->name);
    return 0;
}

static void pm__st_free(pm__st_file *f)
{
    int i;
    PM_FREE(f->t);
    for (i = 0; i < f->n_meta; i++) PM_FREE(f->meta_key[i]), PM_FREE(f->meta_val[i]);
    memset(f, 0, sizeof(*f));
}

/* Parse a safetensors file held in buf[0..n); every tensor's range and size is checked. */
static int pm__st_parse(const uint8_t *buf, size_t n, pm__st_file *f)
{
    uint64_t hl;
    pm__json j;
    int k;
    memset(f, 0, sizeof(*f));
    if (n < 8) return pm__errorf("safetensors: file too short");
    hl = pm__rd64(buf);
    if (hl < 2 || hl > n - 8) return pm__errorf("safetensors: header length %.0f does not fit "
                                                "the file", (double)hl);
    j.s = (const char *)buf + 8, j.n = (size_t)hl, j.i = 0;
    f->data = buf + 8 + hl;
    f->data_len = n - 8 - hl;
    f->t = (pm__st_tensor *)pm__malloc_array(PM__ST_MAX_TENSORS, sizeof(pm__st_tensor));
    if (!f->t) return -1;
    if (pm__json_expect(&j, '{')) goto fail;
    pm__json_ws(&j);
    if (j.i < j.n && j.s[j.i] == '}') j.i++;
    else for (;;) {
        char key[128];
        if (pm__json_string(&j, key, sizeof(key)) || pm__json_expect(&j, ':')) goto fail;
        if (!strcmp(key, "__metadata__")) {
            if (pm__json_expect(&j, '{')) goto fail;
            pm__json_ws(&j);
            if (j.i < j.n && j.s[j.i] == '}') j.i++;
            else for (;;) {
                char mk[256], *mv = (char *)PM_MALLOC(1 << 16);
                if (!mv) { pm__errorf("out of memory"); goto fail; }
                if (pm__json_string(&j, mk, sizeof(mk)) || pm__json_expect(&j, ':') ||
                    pm__json_string(&j, mv, 1 << 16)) { PM_FREE(mv); goto fail; }
                if (f->n_meta < PM__ST_MAX_META) {
                    f->meta_key[f->n_meta] = pm__strdup(mk);
                    f->meta_val[f->n_meta] = pm__strdup(mv);
                    f->n_meta++;
                }
                PM_FREE(mv);
                pm__json_ws(&j);
                if (j.i < j.n && j.s[j.i] == ',') { j.i++; continue; }
                if (pm__json_expect(&j, '}')) goto fail;
                break;
            }
        } else {
            pm__st_tensor *t;
            if (f->n >= PM__ST_MAX_TENSORS) { pm__errorf("safetensors: too many tensors"); goto fail; }
            t = &f->t[f->n++];
            memset(t, 0, sizeof(*t));
            memcpy(t->name, key, sizeof(t->name));
            if (pm__st_tensor_info(&j, t)) goto fail;
        }
        pm__json_ws(&j);
        if (j.i < j.n && j.s[j.i] == ',') { j.i++; continue; }
        if (pm__json_expect(&j, '}')) goto fail;
        break;
    }
    for (k = 0; k < f->n; k++) {
        pm__st_tensor *t = &f->t[k];
        uint64_t count = 1;
        int d;
        for (d = 0; d < t->ndim; d++) {
            if (t->shape[d] < 0 || t->shape[d] > ((int64_t)1 << 40)) break;
            count *= (uint64_t)t->shape[d];
            if (count > ((uint64_t)1 << 40)) break;
        }
        if (d < t->ndim || t->begin > t->end || t->end > f->data_len ||
            t->end - t->begin != count * pm__dtype_size(t->dtype)) {
            pm__errorf("safetensors: tensor '%s' does not fit its shape or the file", t->name);
            goto fail;
        }
    }
    return 0;
fail:
    pm__st_free(f);
    return -1;
}

static const pm__st_tensor *pm__st_find(const pm__st_file *f, const char *name)
{
    int k;
    for (k = 0; k < f->n; k++)
        if (!strcmp(f->t[k].name, name)) return &f->t[k];
    return NULL;
}

static const char *pm__st_meta(const pm__st_file *f, const char *key)
{
    int k;
    for (k = 0; k < f->n_meta; k++)
        if (!strcmp(f->meta_key[k], key)) return f->meta_val[k];
    return NULL;
}

/* A metadata value that is a whole decimal number in [0, hi], or -1 (also for NULL). */
static long pm__meta_count(const char *s, long hi)
{
    long v = 0;
    if (!s || !*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (hi - (*s - '0')) / 10) return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Tensor data as floats (converted from its dtype and byte order) into out[count]. */
static void pm__st_read_f32(const pm__st_file *f, const pm__st_tensor *t, float *out)
{
    size_t count = (size_t)((t->end - t->begin) / pm__dtype_size(t->dtype)), i;
    const uint8_t *p = f->data + t->begin;
    for (i = 0; i < count; i++) {
        if (t->dtype == PM_DTYPE_F32) out[i] = pm__rdf32(p + 4 * i);
        else if (t->dtype == PM_DTYPE_F16) out[i] = pm__f16_to_f32((uint16_t)pm__rd16(p + 2 * i));
        else out[i] = pm__bf16_to_f32((uint16_t)pm__rd16(p + 2 * i));
    }
}

#ifndef PM_NO_STDIO
/* Append s to a growing buffer as a JSON string literal. */
static int pm__json_put(char **buf, size_t *len, size_t *cap, const char *s, int quote)
{
    for (;;) {
        size_t need = *len + 8 * strlen(s) + 8;
        if (need <= *cap) break;
        {
            size_t nc = *cap ? 2 * *cap : 1024;
            char *nb;
            while (nc < need) nc *= 2;
            nb = (char *)PM_REALLOC(*buf, nc);
            if (!nb) return pm__errorf("out of memory");
            *buf = nb, *cap = nc;
        }
    }
    if (quote) (*buf)[(*len)++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (quote && (c == '"' || c == '\\')) (*buf)[(*len)++] = '\\', (*buf)[(*len)++] = (char)c;
        else if (quote && c < 0x20) *len += (size_t)sprintf(*buf + *len, "\\u%04x", c);
        else (*buf)[(*len)++] = (char)c;
    }
    if (quote) (*buf)[(*len)++] = '"';
    (*buf)[*len] = 0;
    return 0;
}

/* Write float32 tensors and string metadata as a safetensors file, atomically (PATH.tmp, then
   rename). shapes[i] has ndims[i] entries. */
static int pm__st_write(const char *path, int n, const char *const *names, const int *ndims,
                        const int (*shapes)[4], const float *const *data, int n_meta,
                        const char *const *meta_key, const char *const *meta_val)
{
    char *hdr = NULL, num[96], *tmp;
    size_t len = 0, cap = 0, pad;
    uint64_t off = 0;
    uint8_t le[8];
    FILE *fp;
    int i, d, ok;
    size_t k, cnt;
    if (pm__json_put(&hdr, &len, &cap, "{\"__metadata__\":{", 0)) return -1;
    for (i = 0; i < n_meta; i++) {
        if ((i && pm__json_put(&hdr, &len, &cap, ",", 0)) ||
            pm__json_put(&hdr, &len, &cap, meta_key[i], 1) ||
            pm__json_put(&hdr, &len, &cap, ":", 0) ||
            pm__json_put(&hdr, &len, &cap, meta_val[i], 1))
            goto fail;
    }
    if (pm__json_put(&hdr, &len, &cap, "}", 0)) goto fail;
    for (i = 0; i < n; i++) {
        for (cnt = 1, d = 0; d < ndims[i]; d++) cnt *= (size_t)shapes[i][d];
        if (pm__json_put(&hdr, &len, &cap, ",", 0) ||
            pm__json_put(&hdr, &len, &cap, names[i], 1) ||
            pm__json_put(&hdr, &len, &cap, ":{\"dtype\":\"F32\",\"shape\":[", 0))
            goto fail;
        for (d = 0; d < ndims[i]; d++) {
            sprintf(num, "%s%d", d ? "," : "", shapes[i][d]);
            if (pm__json_put(&hdr, &len, &cap, num, 0)) goto fail;
        }
        sprintf(num, "],\"data_offsets\":[%.0f,%.0f]}", (double)off, (double)(off + 4 * cnt));
        if (pm__json_put(&hdr, &len, &cap, num, 0)) goto fail;
        off += 4 * cnt;
    }
    if (pm__json_put(&hdr, &len, &cap, "}", 0)) goto fail;
    for (pad = 0; (len + pad) % 8; pad++) {} /* the data starts 8-byte aligned */
    for (k = 0; k < pad; k++)
        if (pm__json_put(&hdr, &len, &cap, " ", 0)) goto fail;
    tmp = (char *)pm__malloc_array(strlen(path) + 8, 1);
    if (!tmp) goto fail;
    sprintf(tmp, "%s.tmp", path);
    fp = fopen(tmp, "wb");
    if (!fp) {
        pm__errorf("cannot create '%s'", tmp);
        PM_FREE(tmp);
        goto fail;
    }
    for (d = 0; d < 8; d++) le[d] = (uint8_t)((uint64_t)len >> (8 * d));
    ok = fwrite(le, 1, 8, fp) == 8 && fwrite(hdr, 1, len, fp) == len;
    for (i = 0; ok && i < n; i++) {
        for (cnt = 1, d = 0; d < ndims[i]; d++) cnt *= (size_t)shapes[i][d];
        for (k = 0; ok && k < cnt; k++) {
            uint32_t u;
            memcpy(&u, &data[i][k], 4);
            le[0] = (uint8_t)u, le[1] = (uint8_t)(u >> 8), le[2] = (uint8_t)(u >> 16);
            le[3] = (uint8_t)(u >> 24);
            ok = fwrite(le, 1, 4, fp) == 4;
        }
    }
    if (fclose(fp) != 0) ok = 0;
    if (!ok || pm__replace_file(tmp, path) != 0) {
        remove(tmp);
        pm__errorf("cannot write '%s'", path);
        PM_FREE(tmp);
        goto fail;
    }
    PM_FREE(tmp);
    PM_FREE(hdr);
    return 0;
fail:
    PM_FREE(hdr);
    return -1;
}
#endif

/* ============================================================================================
   [11] PROMPTS AND TRAINING (method.md sections 3, 5 and 6)
   The trainable prompt tensors live in one flat buffer, in the canonical order of the prompt
   files: ctx [n, d_t], proj.weight [d_v, d_t], proj.bias [d_v], deep_text.{k} [n, d_t],
   deep_proj.{k}.weight [d_v, d_t], deep_proj.{k}.bias [d_v] (k = 0 .. depth-2; the vision
   tensors only with vision prompts). Gradients and momentum are buffers of the same layout,
   so the optimiser is one loop.
   Text of class c: "a photo of a {name}." with the embeddings at positions 1..n_ctx replaced
   by ctx (ctx plus the positional embedding); at the start of text block j = 1..depth-1 those
   rows become deep_text[j-1]. Vision: proj(ctx) appended after the positional embedding (no
   position), then ln_pre; at block j = 1..depth-1 the last n_ctx rows become
   deep_proj[j-1](deep_text[j-1]). CLIP itself is frozen: its weights never get gradients.
   ============================================================================================ */

struct pm_prompts {
    int method, n_ctx, depth, vision, d_t, d_v, n_classes, context;
    char **classnames;       /* [n_classes], as given (prompts use '_' read as a space) */
    int32_t *ids;            /* [n_classes, context] tokenized prompt texts */
    size_t n_params;
    float *mem;              /* params | grads | momentum, each n_params */
    float *params, *grads, *momentum;
    int momentum_started;
    char model_sha256[65];
};

/* Offsets of the tensors in the flat buffer. */
typedef struct pm__prompt_layout {
    size_t ctx, proj_w, proj_b, deep_text, deep_w, deep_b, total;
} pm__prompt_layout;

static pm__prompt_layout pm__prompt_offsets(const pm_prompts *p)
{
    pm__prompt_layout L;
    size_t nt = (size_t)p->n_ctx * p->d_t, w = (size_t)p->d_v * p->d_t, k = (size_t)p->depth - 1;
    L.ctx = 0;
    L.proj_w = nt;
    L.proj_b = L.proj_w + (p->vision ? w : 0);
    L.deep_text = L.proj_b + (p->vision ? (size_t)p->d_v : 0);
    L.deep_w = L.deep_text + k * nt;
    L.deep_b = L.deep_w + (p->vision ? k * w : 0);
    L.total = L.deep_b + (p->vision ? k * (size_t)p->d_v : 0);
    return L;
}

/* deep_proj weights and biases interleave in the file (weight k, bias k); in memory all
   weights come first, then all biases: these give a tensor's place either way. */
static float *pm__deep_w(const pm_prompts *p, float *base, int k)
{
    return base + pm__prompt_offsets(p).deep_w + (size_t)k * p->d_v * p->d_t;
}
static float *pm__deep_b(const pm_prompts *p, float *base, int k)
{
    return base + pm__prompt_offsets(p).deep_b + (size_t)k * p->d_v;
}
static float *pm__deep_text(const pm_prompts *p, float *base, int k)
{
    return base + pm__prompt_offsets(p).deep_text + (size_t)k * p->n_ctx * p->d_t;
}

static const char *pm__method_names[] = {"zeroshot", "coop", "maple", "promptmargin"};

PMDEF const char *pm_method_name(int method)
{
    return method >= 0 && method <= PM_METHOD_PROMPTMARGIN ? pm__method_names[method] : "?";
}

PMDEF int pm_method_parse(const char *name)
{
    int i;
    for (i = 0; i <= PM_METHOD_PROMPTMARGIN; i++)
        if (name && !strcmp(name, pm__method_names[i])) return i;
    return pm__errorf("unknown method '%s' (zeroshot, coop, maple, promptmargin)",
                      name ? name : "");
}

PMDEF void pm_prompts_free(pm_prompts *p)
{
    int c;
    if (!p) return;
    for (c = 0; c < p->n_classes && p->classnames; c++) PM_FREE(p->classnames[c]);
    PM_FREE(p->classnames);
    PM_FREE(p->ids);
    PM_FREE(p->mem);
    PM_FREE(p);
}

/* The prompt text of a class: "a photo of a {name}." (n_ctx <= 4), else "X X ... X {name}." */
static char *pm__prompt_text(const char *name, int n_ctx)
{
    size_t n = strlen(name), i, o = 0;
    char *s = (char *)pm__malloc_array(n + 2 * (size_t)n_ctx + 16, 1);
    int k;
    if (!s) return NULL;
    if (n_ctx <= 4) {
        memcpy(s, "a photo of a ", 13);
        o = 13;
    } else {
        for (k = 0; k < n_ctx; k++) s[o++] = 'X', s[o++] = ' ';
    }
    for (i = 0; i < n; i++) s[o++] = name[i] == '_' ? ' ' : name[i];
    s[o++] = '.';
    s[o] = 0;
    return s;
}

/* Prompts with everything but the parameter values: validated settings, class names,
   tokenized prompt texts and zeroed buffers. */
static pm_prompts *pm__prompts_alloc(pm_model *m, int method, int n_ctx, int depth,
                                     int n_classes, const char *const *classnames)
{
    const pm_model_info *mi = &m->info;
    pm_prompts *p;
    int c;
    if (!mi->has_text || !mi->has_vision)
        return pm__errorf("prompt tuning needs both towers"), (pm_prompts *)NULL;
    if (method < PM_METHOD_COOP || method > PM_METHOD_PROMPTMARGIN)
        return pm__errorf("prompts: unknown method %d", method), (pm_prompts *)NULL;
    if (method == PM_METHOD_COOP) depth = 1;
    if (n_ctx < 1 || n_ctx > mi->context_length - 3)
        return pm__errorf("prompts: n_ctx must be 1..%d", mi->context_length - 3),
               (pm_prompts *)NULL;
    if (depth < 1 || depth > mi->text_layers || depth > mi->vision_layers)
        return pm__errorf("prompts: depth must be 1..%d for this model",
                          pm__mini(mi->text_layers, mi->vision_layers)), (pm_prompts *)NULL;
    if (n_classes < 1) return pm__errorf("prompts: no classes"), (pm_prompts *)NULL;
    p = (pm_prompts *)PM_MALLOC(sizeof(pm_prompts));
    if (!p) return pm__errorf("out of memory"), (pm_prompts *)NULL;
    memset(p, 0, sizeof(*p));
    p->method = method, p->n_ctx = n_ctx, p->depth = depth;
    p->vision = method != PM_METHOD_COOP;
    p->d_t = mi->text_width, p->d_v = mi->vision_width, p->context = mi->context_length;
    p->classnames = (char **)pm__malloc_array((size_t)n_classes, sizeof(char *));
    p->ids = (int32_t *)pm__malloc_array((size_t)n_classes * p->context, sizeof(int32_t));
    if (!p->classnames || !p->ids) goto fail;
    for (c = 0; c < n_classes; c++) {
        char *text;
        int eot;
        p->classnames[c] = pm__strdup(classnames[c]);
        p->n_classes = c + 1;
        if (!p->classnames[c]) goto fail;
        text = pm__prompt_text(classnames[c], n_ctx);
        if (!text) goto fail;
        eot = pm_tokenize(m, text, p->ids + (size_t)c * p->context);
        PM_FREE(text);
        if (eot < 0) goto fail;
        if (eot < n_ctx + 1) {
            pm__errorf("prompts: the prompt of class '%s' does not fit the context", classnames[c]);
            goto fail;
        }
    }
    p->n_params = pm__prompt_offsets(p).total;
    p->mem = pm__floats(3 * p->n_params);
    if (!p->mem) goto fail;
    memset(p->mem, 0, sizeof(float) * 3 * p->n_params);
    p->params = p->mem, p->grads = p->mem + p->n_params, p->momentum = p->mem + 2 * p->n_params;
    return p;
fail:
    pm_prompts_free(p);
    return NULL;
}

/* A normal number from two uniforms (Box-Muller, cosine branch, no caching):
   sqrt(-2 log(1 - u1)) * cos(2 pi u2). */
static double pm__rng_normal(pm__rng *r)
{
    double u1 = pm__rng_uniform(r), u2 = pm__rng_uniform(r);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

PMDEF pm_prompts *pm_prompts_create(pm_model *m, int method, int n_ctx, int depth,
                                    int n_classes, const char *const *classnames,
                                    uint64_t seed)
{
    pm_prompts *p = pm__prompts_alloc(m, method, n_ctx, depth, n_classes, classnames);
    pm__prompt_layout L;
    pm__rng r;
    size_t i, w;
    int k;
    double bound;
    if (!p) return NULL;
    L = pm__prompt_offsets(p);
    w = (size_t)p->d_v * p->d_t;
    bound = 1.0 / sqrt((double)p->d_t);
    pm__rng_seed(&r, seed, 0x50524f4dULL); /* "PROM" */
    /* the draw order of tools/promptmargin_ref.py: ctx (only n_ctx > 4), proj, deep_text,
       one deep_proj Linear copied depth-1 times */
    if (n_ctx <= 4) { /* token embeddings of "a", "photo", "of", "a" (prompt positions 1..n) */
        for (i = 0; i < (size_t)n_ctx; i++)
            pm__to_f32((const char *)m->t_tok.data + (size_t)p->ids[1 + i] * p->d_t *
                                                         pm__dtype_size(m->t_tok.dtype),
                       m->t_tok.dtype, (size_t)p->d_t, p->params + L.ctx + i * p->d_t);
    } else {
        for (i = 0; i < (size_t)n_ctx * p->d_t; i++)
            p->params[L.ctx + i] = (float)(0.02 * pm__rng_normal(&r));
    }
    if (p->vision) {
        for (i = 0; i < w; i++)
            p->params[L.proj_w + i] = (float)((2.0 * pm__rng_uniform(&r) - 1.0) * bound);
        for (i = 0; i < (size_t)p->d_v; i++)
            p->params[L.proj_b + i] = (float)((2.0 * pm__rng_uniform(&r) - 1.0) * bound);
    }
    for (i = 0; i < (size_t)(p->depth - 1) * n_ctx * p->d_t; i++)
        p->params[L.deep_text + i] = (float)(0.02 * pm__rng_normal(&r));
    if (p->vision && p->depth > 1) {
        float *w0 = pm__deep_w(p, p->params, 0), *b0 = pm__deep_b(p, p->params, 0);
        for (i = 0; i < w; i++) w0[i] = (float)((2.0 * pm__rng_uniform(&r) - 1.0) * bound);
        for (i = 0; i < (size_t)p->d_v; i++) b0[i] = (float)((2.0 * pm__rng_uniform(&r) - 1.0) * bound);
        for (k = 1; k < p->depth - 1; k++) {
            memcpy(pm__deep_w(p, p->params, k), w0, sizeof(float) * w);
            memcpy(pm__deep_b(p, p->params, k), b0, sizeof(float) * p->d_v);
        }
    }
    return p;
}

/* --------------------------------------------------------------------------------------------
   Towers with prompts. A "run" holds what a forward saved for its backward.
   -------------------------------------------------------------------------------------------- */

/* Saved state of the text tower over the N class prompts (all cut at the last EOT). */
typedef struct pm__text_run {
    int N, L;
    int *eot;                 /* [N] */
    float *x;                 /* [N*L, C] the residual stream (input of the next block) */
    float *cache_mem;
    pm__block_cache *cache;   /* [layers] */
    float *fin, *fmean, *frstd, *pooled; /* ln_final input rows [N, C], stats, output */
    float *raw, *feat, *norm; /* [N, D] features before and after L2 normalisation, norms */
    pm__block_scratch s;
} pm__text_run;

static void pm__text_run_free(pm__text_run *r)
{
    PM_FREE(r->eot), PM_FREE(r->x), PM_FREE(r->cache_mem), PM_FREE(r->cache);
    PM_FREE(r->fin), PM_FREE(r->fmean), PM_FREE(r->frstd), PM_FREE(r->pooled);
    PM_FREE(r->raw), PM_FREE(r->feat), PM_FREE(r->norm);
    pm__block_scratch_free(&r->s);
    memset(r, 0, sizeof(*r));
}

/* Training keeps no attention probabilities: the backward recomputes each head's softmax in
   one [T, T] tile per thread (bit for bit the forward's), which costs T / (6 C) of a block's
   products and frees B * heads * T * T floats per layer for more views per pass. */
#define PM__KEEP_PROBS 0

/* Text tower over N token rows ids [N, context]: r->raw [N, D] features, r->feat the unit
   ones. With prompts p (ids = p->ids then), ctx and deep_text replace their rows. With
   `train`, saves what pm__text_backward_prompts needs. */
static int pm__text_tower(pm_model *m, int N, const int32_t *ids, const pm_prompts *p,
                          int train, pm__text_run *r)
{
    const pm_model_info *mi = &m->info;
    int ctx = mi->context_length, n_ctx = p ? p->n_ctx : 0, depth = p ? p->depth : 0, C = mi->text_width, D = mi->embed_dim, H = mi->text_mlp, L = 1;
    int c, t, j, i, nl = mi->text_layers;
    size_t tok = pm__dtype_size(m->t_tok.dtype), per = 0;
    memset(r, 0, sizeof(*r));
    r->eot = (int *)pm__malloc_array((size_t)N, sizeof(int));
    if (!r->eot) return -1;
    for (c = 0; c < N; c++) {
        r->eot[c] = pm__eot_position(ids + (size_t)c * ctx, ctx);
        L = r->eot[c] + 1 > L ? r->eot[c] + 1 : L;
    }
    r->N = N, r->L = L;
    r->x = pm__floats((size_t)N * L * C);
    r->fin = pm__floats((size_t)N * C), r->fmean = pm__floats((size_t)N);
    r->frstd = pm__floats((size_t)N), r->pooled = pm__floats((size_t)N * C);
    r->raw = pm__floats((size_t)N * D), r->feat = pm__floats((size_t)N * D);
    r->norm = pm__floats((size_t)N);
    if (train) {
        float *mem;
        per = pm__block_cache_floats(N, L, C, H, mi->text_heads, PM__KEEP_PROBS);
        r->cache = (pm__block_cache *)pm__malloc_array((size_t)nl, sizeof(pm__block_cache));
        r->cache_mem = per ? (float *)pm__malloc_array(per * (size_t)nl, sizeof(float)) : NULL;
        if (!r->cache || !r->cache_mem) goto fail;
        for (mem = r->cache_mem, j = 0; j < nl; j++)
            mem = pm__block_cache_bind(&r->cache[j], mem, N, L, C, H, mi->text_heads,
                                       PM__KEEP_PROBS);
    }
    if (!r->x || !r->fin || !r->fmean || !r->frstd || !r->pooled || !r->raw || !r->feat ||
        !r->norm || (train ? pm__block_scratch_alloc_backward(&r->s, (size_t)N * L, L, C, H)
                           : pm__block_scratch_alloc(&r->s, (size_t)N * L, L, C, H)))
        goto fail;
    for (c = 0; c < N; c++)
        for (t = 0; t < L; t++) {
            float *xr = r->x + ((size_t)c * L + t) * C;
            if (t >= 1 && t <= n_ctx)
                memcpy(xr, p->params + (size_t)(t - 1) * C, sizeof(float) * C);
            else
                pm__to_f32((const char *)m->t_tok.data + (size_t)ids[(size_t)c * ctx + t] * C * tok,
                           m->t_tok.dtype, (size_t)C, xr);
            for (i = 0; i < C; i++) xr[i] += m->t_pos.f[(size_t)t * C + i];
        }
    for (j = 0; j < nl; j++) {
        if (j >= 1 && j < depth) {
            const float *dt = pm__deep_text(p, p->params, j - 1);
            for (c = 0; c < N; c++)
                memcpy(r->x + ((size_t)c * L + 1) * C, dt, sizeof(float) * n_ctx * C);
        }
        pm__block_forward_train(&m->t_blocks[j], N, L, C, H, mi->text_heads, 1, mi->act, r->x,
                                train ? &r->cache[j] : NULL, &r->s);
    }
    for (c = 0; c < N; c++)
        memcpy(r->fin + (size_t)c * C, r->x + ((size_t)c * L + r->eot[c]) * C, sizeof(float) * C);
    pm__layernorm_forward(N, C, r->fin, m->t_ln_final_w.f, m->t_ln_final_b.f, r->pooled,
                          r->fmean, r->frstd);
    pm__matmul_forward(N, C, D, r->pooled, m->t_proj.data, m->t_proj.dtype, r->raw);
    pm__l2norm_forward(N, D, r->raw, r->feat, r->norm);
    return 0;
fail:
    pm__text_run_free(r);
    return -1;
}

/* Gradients of the whole model, for pretraining (section [14]): one f32 per weight, laid out
   like the weights of an f32 model file, so the optimiser runs over flat arrays. Frozen-weight
   runs pass NULL. */
typedef struct pm__model_grads {
    float *all;                   /* every gradient, in the model file's data layout */
    size_t n;                     /* floats in `all` */
    float *v_conv1, *v_class, *v_pos, *v_ln_pre_w, *v_ln_pre_b, *v_ln_post_w, *v_ln_post_b;
    float *v_proj, *t_tok, *t_pos, *t_ln_final_w, *t_ln_final_b, *t_proj;
    pm__block_grads *v_blocks, *t_blocks;
    double logit_scale;
} pm__model_grads;

/* Text tower backward from dfeat [N, D] = dL/d(unit features): the prompt gradients (into
   p->grads) when p is given, the model's weight gradients (accumulated) when g is given.
   work: N * D + 2 * N * C floats. The run's stream r->x is overwritten. */
static void pm__text_backward(pm_model *m, pm_prompts *p, const pm__model_grads *g,
                              pm__text_run *r, const int32_t *ids, const float *dfeat,
                              float *work)
{
    const pm_model_info *mi = &m->info;
    int N = r->N, L = r->L, C = mi->text_width, D = mi->embed_dim, c, j, i, t;
    int n_ctx = p ? p->n_ctx : 0, depth = p ? p->depth : 0;
    size_t nc = (size_t)n_ctx * C;
    float *draw = work, *dpool = draw + (size_t)N * D, *dfin = dpool + (size_t)N * C;
    float *dx = r->x; /* the stream is not needed any more: it becomes its gradient */
    memset(work, 0, sizeof(float) * ((size_t)N * D + 2 * (size_t)N * C));
    memset(dx, 0, sizeof(float) * (size_t)N * L * C);
    pm__l2norm_backward(N, D, dfeat, r->feat, r->norm, draw);
    pm__matmul_backward(N, C, D, draw, r->pooled, m->t_proj.data, m->t_proj.dtype, dpool,
                        g ? g->t_proj : NULL);
    pm__layernorm_backward(N, C, dpool, r->fin, m->t_ln_final_w.f, r->fmean, r->frstd, dfin,
                           g ? g->t_ln_final_w : NULL, g ? g->t_ln_final_b : NULL);
    for (c = 0; c < N; c++)
        for (i = 0; i < C; i++) dx[((size_t)c * L + r->eot[c]) * C + i] += dfin[(size_t)c * C + i];
    for (j = mi->text_layers - 1; j >= 0; j--) {
        pm__block_backward(&m->t_blocks[j], N, L, C, mi->text_mlp, mi->text_heads, 1, mi->act,
                           &r->cache[j], dx, g ? &g->t_blocks[j] : NULL, &r->s);
        if (j >= 1 && j < depth) { /* rows 1..n were replaced by deep_text[j-1] */
            float *gd = pm__deep_text(p, p->grads, j - 1);
            for (c = 0; c < N; c++) {
                float *rows = dx + ((size_t)c * L + 1) * C;
                for (i = 0; i < (int)nc; i++) gd[i] += rows[i];
                memset(rows, 0, sizeof(float) * nc);
            }
        }
    }
    for (c = 0; c < N; c++) /* layer 0: rows 1..n are ctx (+ the frozen positions) */
        for (i = 0; i < (int)nc; i++) p->grads[i] += dx[((size_t)c * L + 1) * C + i];
    if (!g) return;
    for (c = 0; c < N; c++) /* token and positional embeddings */
        for (t = 0; t < L; t++) {
            const float *d = dx + ((size_t)c * L + t) * C;
            float *gt = g->t_tok + (size_t)ids[(size_t)c * mi->context_length + t] * C;
            if (t >= 1 && t <= n_ctx) continue; /* those rows are prompts, not tokens */
            for (i = 0; i < C; i++) gt[i] += d[i];
        }
    for (c = 0; c < N; c++)
        for (t = 0; t < L; t++) {
            const float *d = dx + ((size_t)c * L + t) * C;
            float *gp = g->t_pos + (size_t)t * C;
            for (i = 0; i < C; i++) gp[i] += d[i];
        }
}

/* The patches of one image as rows: pixels [3, S, S] -> patches [G*G, 3*P*P], each row in
   conv1's weight order (channel, then y, then x). */
static void pm__im2col(const float *pixels, int S, int P, float *patches)
{
    int G = S / P, q, c, ky, kx;
    for (q = 0; q < G * G; q++) {
        int gy = q / G, gx = q % G;
        for (c = 0; c < 3; c++)
            for (ky = 0; ky < P; ky++)
                for (kx = 0; kx < P; kx++)
                    *patches++ = pixels[((size_t)c * S + gy * P + ky) * S + gx * P + kx];
    }
}

/* Patch embeddings of B images: pixels [B, 3, S, S] -> E [B, G*G, W] (the conv1 output).
   They do not depend on the prompts, so training computes them once per set of views. */
static int pm__patch_embed(pm_model *m, int B, const float *pixels, float *E)
{
    const pm_model_info *mi = &m->info;
    int S = mi->image_size, P = mi->patch_size, G = S / P, W = mi->vision_width, K = 3 * P * P;
    int b;
    float *patches = pm__floats((size_t)G * G * K);
    if (!patches) return -1;
    for (b = 0; b < B; b++) {
        pm__im2col(pixels + (size_t)b * 3 * S * S, S, P, patches);
        pm__gemm(0, 1, G * G, W, K, 1.0f, patches, K, m->v_conv1.data, m->v_conv1.dtype, K, 0.0f,
                 E + (size_t)b * G * G * W, W);
    }
    PM_FREE(patches);
    return 0;
}

/* Vision prompt rows for every layer that gets them: rows [depth, n_ctx, W]; layer 0 holds
   proj(ctx), layer j = 1..depth-1 deep_proj[j-1](deep_text[j-1]). */
static void pm__vision_prompt_rows(const pm_prompts *p, float *rows)
{
    pm__prompt_layout Lo = pm__prompt_offsets(p);
    size_t nw = (size_t)p->n_ctx * p->d_v;
    int j;
    pm__linear_forward(p->n_ctx, p->d_t, p->d_v, p->params + Lo.ctx, p->params + Lo.proj_w,
                       PM_DTYPE_F32, p->params + Lo.proj_b, rows);
    for (j = 1; j < p->depth; j++)
        pm__linear_forward(p->n_ctx, p->d_t, p->d_v, pm__deep_text(p, p->params, j - 1),
                           pm__deep_w(p, p->params, j - 1), PM_DTYPE_F32,
                           pm__deep_b(p, p->params, j - 1), rows + (size_t)j * nw);
}

/* Saved state of the image tower over B views. A run's buffers are kept for the next pass
   when they are large enough (cap_*): zero the struct before its first pass, free it after
   the last. Modes of a pass: PM__RUN_INFER saves nothing, PM__RUN_FULL every block's full
   cache, PM__RUN_LIGHT light caches (pm__block_cache_bind_light). ext: scratch owned by the
   caller, large enough for the backward of B*T rows (kept by pm__vision_run_free), or NULL
   for the run's own. */
enum { PM__RUN_INFER = 0, PM__RUN_FULL = 1, PM__RUN_LIGHT = 2 };
typedef struct pm__vision_run {
    int B, T;
    int cap_B, cap_T, cap_train; /* what the buffers were allocated for */
    float *x, *xin, *mean0, *rstd0;  /* stream [B*T, W]; ln_pre input copy and stats */
    float *cache_mem;
    pm__block_cache *cache;
    float *pin, *pmean, *prstd, *pooled, *raw, *feat, *norm;
    pm__block_scratch s, *ext;
} pm__vision_run;

static void pm__vision_run_free(pm__vision_run *r)
{
    pm__block_scratch *ext = r->ext;
    PM_FREE(r->x), PM_FREE(r->xin), PM_FREE(r->mean0), PM_FREE(r->rstd0);
    PM_FREE(r->cache_mem), PM_FREE(r->cache);
    PM_FREE(r->pin), PM_FREE(r->pmean), PM_FREE(r->prstd), PM_FREE(r->pooled);
    PM_FREE(r->raw), PM_FREE(r->feat), PM_FREE(r->norm);
    pm__block_scratch_free(&r->s);
    memset(r, 0, sizeof(*r));
    r->ext = ext;
}

/* Floats a light training run of one view keeps (besides the scratch). */
static size_t pm__vision_run_floats_light(const pm_model *m, const pm_prompts *p)
{
    const pm_model_info *mi = &m->info;
    int G = mi->image_size / mi->patch_size, T = G * G + 1 + (p && p->vision ? p->n_ctx : 0);
    int W = mi->vision_width;
    return (size_t)mi->vision_layers * pm__block_cache_floats_light(1, T, W) +
           (size_t)T * (2 * (size_t)W + 2) + 8 * (size_t)W;
}

/* Floats a training run of one view keeps (what the memory budget divides). */
static size_t pm__vision_run_floats(const pm_model *m, const pm_prompts *p)
{
    const pm_model_info *mi = &m->info;
    int G = mi->image_size / mi->patch_size, T = G * G + 1 + (p && p->vision ? p->n_ctx : 0);
    int W = mi->vision_width;
    return (size_t)mi->vision_layers * pm__block_cache_floats(1, T, W, mi->vision_mlp,
                                                                mi->vision_heads,
                                                                PM__KEEP_PROBS) +
           (size_t)T * (2 * (size_t)W + 2) + 8 * (size_t)W + (size_t)T * mi->vision_mlp;
}

/* Image tower over B views given their patch embeddings E [B, G*G, W]: r->raw [B, D],
   r->feat the unit features. rows: vision prompt rows (pm__vision_prompt_rows) or NULL for
   plain CLIP. With `train`, saves what pm__vision_backward needs. */
static int pm__vision_tower(pm_model *m, const pm_prompts *p, const float *rows, int B,
                            const float *E, int train, pm__vision_run *r)
{
    const pm_model_info *mi = &m->info;
    int G = mi->image_size / mi->patch_size, W = mi->vision_width, D = mi->embed_dim;
    int n = rows ? p->n_ctx : 0, T0 = G * G + 1, T = T0 + n, H = mi->vision_mlp, b, j, i;
    size_t rowsz = (size_t)B * T;
    float *mem;
    pm__block_scratch *s;
    if (r->x && r->cap_T == T && r->cap_B >= B && (r->cap_train == train || !train)) {
        r->B = B; /* the buffers of an earlier pass, large enough: no allocation, no page
                     faults (whole steps of training reuse their runs) */
        for (mem = r->cache_mem, j = 0; train && j < mi->vision_layers; j++)
            mem = train == PM__RUN_LIGHT
                      ? pm__block_cache_bind_light(&r->cache[j], mem, B, T, W)
                      : pm__block_cache_bind(&r->cache[j], mem, B, T, W, H, mi->vision_heads,
                                             PM__KEEP_PROBS);
        goto ready;
    }
    pm__vision_run_free(r);
    r->B = B, r->T = T, r->cap_B = B, r->cap_T = T, r->cap_train = train;
    r->x = pm__floats(rowsz * W);
    r->pin = pm__floats((size_t)B * W), r->pmean = pm__floats((size_t)B);
    r->prstd = pm__floats((size_t)B), r->pooled = pm__floats((size_t)B * W);
    r->raw = pm__floats((size_t)B * D), r->feat = pm__floats((size_t)B * D);
    r->norm = pm__floats((size_t)B);
    if (train) {
        size_t per = train == PM__RUN_LIGHT
                         ? pm__block_cache_floats_light(B, T, W)
                         : pm__block_cache_floats(B, T, W, H, mi->vision_heads, PM__KEEP_PROBS);
        r->xin = pm__floats(rowsz * W), r->mean0 = pm__floats(rowsz), r->rstd0 = pm__floats(rowsz);
        r->cache = (pm__block_cache *)pm__malloc_array((size_t)mi->vision_layers,
                                                       sizeof(pm__block_cache));
        r->cache_mem = per ? pm__floats(per * (size_t)mi->vision_layers) : NULL;
        if (!r->xin || !r->mean0 || !r->rstd0 || !r->cache || !r->cache_mem) goto fail;
        for (mem = r->cache_mem, j = 0; j < mi->vision_layers; j++)
            mem = train == PM__RUN_LIGHT
                      ? pm__block_cache_bind_light(&r->cache[j], mem, B, T, W)
                      : pm__block_cache_bind(&r->cache[j], mem, B, T, W, H, mi->vision_heads,
                                             PM__KEEP_PROBS);
    }
    if (!r->x || !r->pin || !r->pmean || !r->prstd || !r->pooled || !r->raw || !r->feat ||
        !r->norm ||
        (!r->ext && (train ? pm__block_scratch_alloc_backward(&r->s, rowsz, T, W, H)
                           : pm__block_scratch_alloc(&r->s, rowsz, T, W, H))))
        goto fail;
ready:
    s = r->ext ? r->ext : &r->s;
    for (b = 0; b < B; b++) {
        float *xb = r->x + (size_t)b * T * W;
        memcpy(xb, m->v_class.f, sizeof(float) * W);
        memcpy(xb + W, E + (size_t)b * G * G * W, sizeof(float) * (size_t)G * G * W);
        for (i = 0; i < T0 * W; i++) xb[i] += m->v_pos.f[i];
        if (n) memcpy(xb + (size_t)T0 * W, rows, sizeof(float) * (size_t)n * W);
    }
    if (train) memcpy(r->xin, r->x, sizeof(float) * rowsz * W);
    pm__layernorm_forward((int)rowsz, W, r->x, m->v_ln_pre_w.f, m->v_ln_pre_b.f, r->x,
                          train ? r->mean0 : NULL, train ? r->rstd0 : NULL);
    for (j = 0; j < mi->vision_layers; j++) {
        if (n && j >= 1 && j < p->depth)
            for (b = 0; b < B; b++)
                memcpy(r->x + ((size_t)b * T + T0) * W, rows + (size_t)j * n * W,
                       sizeof(float) * (size_t)n * W);
        pm__block_forward_train(&m->v_blocks[j], B, T, W, H, mi->vision_heads, 0, mi->act, r->x,
                                train ? &r->cache[j] : NULL, s);
    }
    for (b = 0; b < B; b++) memcpy(r->pin + (size_t)b * W, r->x + (size_t)b * T * W, sizeof(float) * W);
    pm__layernorm_forward(B, W, r->pin, m->v_ln_post_w.f, m->v_ln_post_b.f, r->pooled, r->pmean,
                          r->prstd);
    pm__matmul_forward(B, W, D, r->pooled, m->v_proj.data, m->v_proj.dtype, r->raw);
    pm__l2norm_forward(B, D, r->raw, r->feat, r->norm);
    return 0;
fail:
    pm__vision_run_free(r);
    return -1;
}

/* Image tower backward from dfeat [B, D] = dL/d(unit features): the prompt-row gradients
   [depth, n_ctx, W] accumulated into drows when the run had prompt rows, the model's weight
   gradients (accumulated) when g is given; conv1's need the views' pixels [B, 3, S, S]. */
static int pm__vision_backward(pm_model *m, const pm_prompts *p, const pm__model_grads *g,
                               pm__vision_run *r, const float *pixels, const float *dfeat,
                               float *drows)
{
    const pm_model_info *mi = &m->info;
    int B = r->B, T = r->T, S = mi->image_size, P = mi->patch_size, G = S / P, T0 = G * G + 1;
    int n = T - T0, W = mi->vision_width, D = mi->embed_dim, K = 3 * P * P, b, j, i;
    size_t nw = (size_t)n * W;
    float *work = pm__floats((size_t)B * D + 2 * (size_t)B * W + (size_t)B * T * W);
    float *draw, *dpool, *dpin, *d0, *dx = r->x;
    if (!work) return -1;
    draw = work, dpool = draw + (size_t)B * D, dpin = dpool + (size_t)B * W;
    d0 = dpin + (size_t)B * W;
    memset(work, 0, sizeof(float) * ((size_t)B * D + 2 * (size_t)B * W + (size_t)B * T * W));
    memset(dx, 0, sizeof(float) * (size_t)B * T * W);
    pm__l2norm_backward(B, D, dfeat, r->feat, r->norm, draw);
    pm__matmul_backward(B, W, D, draw, r->pooled, m->v_proj.data, m->v_proj.dtype, dpool,
                        g ? g->v_proj : NULL);
    pm__layernorm_backward(B, W, dpool, r->pin, m->v_ln_post_w.f, r->pmean, r->prstd, dpin,
                           g ? g->v_ln_post_w : NULL, g ? g->v_ln_post_b : NULL);
    for (b = 0; b < B; b++)
        for (i = 0; i < W; i++) dx[(size_t)b * T * W + i] += dpin[(size_t)b * W + i];
    for (j = mi->vision_layers - 1; j >= 0; j--) {
        pm__block_backward(&m->v_blocks[j], B, T, W, mi->vision_mlp, mi->vision_heads, 0, mi->act,
                           &r->cache[j], dx, g ? &g->v_blocks[j] : NULL, r->ext ? r->ext : &r->s);
        if (n && j >= 1 && j < p->depth)
            for (b = 0; b < B; b++) {
                float *gr = dx + ((size_t)b * T + T0) * W;
                for (i = 0; i < (int)nw; i++) drows[(size_t)j * nw + i] += gr[i];
                memset(gr, 0, sizeof(float) * nw);
            }
    }
    /* ln_pre, whose input rows are class + patches (+ positions), then proj(ctx) */
    pm__layernorm_backward(B * T, W, dx, r->xin, m->v_ln_pre_w.f, r->mean0, r->rstd0, d0,
                           g ? g->v_ln_pre_w : NULL, g ? g->v_ln_pre_b : NULL);
    for (b = 0; n && b < B; b++)
        for (i = 0; i < (int)nw; i++) drows[i] += d0[((size_t)b * T + T0) * W + i];
    if (g) {
        float *patches = pm__floats((size_t)G * G * K);
        if (!patches) {
            PM_FREE(work);
            return -1;
        }
        for (b = 0; b < B; b++) {
            const float *db = d0 + (size_t)b * T * W;
            for (i = 0; i < W; i++) g->v_class[i] += db[i];
            for (i = 0; i < T0 * W; i++) g->v_pos[i] += db[i];
            /* conv1 [W, 3*P*P]: dW += dE^T . patches, dE the gradient of the patch rows */
            pm__im2col(pixels + (size_t)b * 3 * S * S, S, P, patches);
            pm__gemm(1, 0, W, K, G * G, 1.0f, db + W, W, patches, PM_DTYPE_F32, K, 1.0f,
                     g->v_conv1, K);
        }
        PM_FREE(patches);
    }
    PM_FREE(work);
    return 0;
}

/* Prompt-row gradients drows [depth, n_ctx, W] -> gradients of ctx, proj, deep_text, deep_proj. */
static void pm__prompt_rows_backward(pm_prompts *p, const float *drows)
{
    pm__prompt_layout Lo = pm__prompt_offsets(p);
    size_t nw = (size_t)p->n_ctx * p->d_v;
    int j;
    pm__linear_backward(p->n_ctx, p->d_t, p->d_v, drows, p->params + Lo.ctx, p->params + Lo.proj_w,
                        PM_DTYPE_F32, p->grads + Lo.ctx, p->grads + Lo.proj_w, p->grads + Lo.proj_b);
    for (j = 1; j < p->depth; j++)
        pm__linear_backward(p->n_ctx, p->d_t, p->d_v, drows + (size_t)j * nw,
                            pm__deep_text(p, p->params, j - 1), pm__deep_w(p, p->params, j - 1),
                            PM_DTYPE_F32, pm__deep_text(p, p->grads, j - 1),
                            pm__deep_w(p, p->grads, j - 1), pm__deep_b(p, p->grads, j - 1));
}

/* --------------------------------------------------------------------------------------------
   Training: loss (method.md section 5), gradients, SGD with momentum (section 6).
   -------------------------------------------------------------------------------------------- */

/* What stays fixed during a training run: the views' patch embeddings, labels, settings. */
typedef struct pm__trainer {
    int V, chunk;             /* views; views per image-tower pass */
    float *E;                 /* [V, G*G, W] patch embeddings */
    float *fixed;             /* [V, D] unit image features when the image tower has no prompts */
    const int *labels;
    int margin, target_self;
    double lambda_t, lambda_v, scale;
    /* Image-tower runs, reused by every step. Without light caches one run serves every
       chunk: only the last keeps its activations, the others are computed again for the
       backward. With light caches (`light`), every chunk has its own run: the last with full
       caches, the others light ones, sharing one scratch `s`. */
    int light, n_runs;
    pm__vision_run *runs;
    pm__block_scratch s;
} pm__trainer;

/* Start of chunk c (0 <= c <= n_chunks) when V items are cut into chunks of at most `chunk`:
   the first chunk takes the remainder, so the last one, which keeps its activations for the
   backward, is a whole chunk. */
static int pm__chunk_start(int V, int chunk, int c)
{
    int n = (V + chunk - 1) / chunk;
    return c <= 0 ? 0 : c >= n ? V : V - (n - c) * chunk;
}

/* Loss and gradients (into p->grads, zeroed first) at the current parameters. */
static int pm__train_step(pm_model *m, pm_prompts *p, pm__trainer *tr, pm_step_stats *st)
{
    const pm_model_info *mi = &m->info;
    int V = tr->V, N = p->n_classes, D = mi->embed_dim, W = mi->vision_width, c, rc = -1;
    int G = mi->image_size / mi->patch_size, nch = (V + tr->chunk - 1) / tr->chunk;
    size_t nrows = (size_t)p->depth * p->n_ctx * W;
    pm__text_run tx;
    float *img = pm__floats((size_t)V * D), *dimg = pm__floats((size_t)V * D);
    float *dtxt = pm__floats((size_t)N * D), *logits = pm__floats((size_t)V * N);
    float *probs = pm__floats((size_t)V * N), *dlog = pm__floats((size_t)V * N);
    float *protos = pm__floats((size_t)N * D), *rows = NULL, *drows = NULL, *work = NULL;
    double rt = 0.0, rv = 0.0;
    memset(&tx, 0, sizeof(tx));
    if (!img || !dimg || !dtxt || !logits || !probs || !dlog || !protos) goto done;
    memset(p->grads, 0, sizeof(float) * p->n_params);
    if (pm__text_tower(m, N, p->ids, p, 1, &tx)) goto done;
    if (p->vision) {
        rows = pm__floats(nrows), drows = pm__floats(nrows);
        if (!rows || !drows) goto done;
        memset(drows, 0, sizeof(float) * nrows);
        pm__vision_prompt_rows(p, rows);
        for (c = 0; c < nch; c++) { /* features of every view; the last chunk keeps its
                                       full cache (it is backpropagated first), the others
                                       light caches or none (see pm__trainer) */
            int v0 = pm__chunk_start(V, tr->chunk, c), b = pm__chunk_start(V, tr->chunk, c + 1) - v0;
            pm__vision_run *vr = &tr->runs[tr->light ? c : 0];
            int mode = c == nch - 1 ? PM__RUN_FULL : tr->light ? PM__RUN_LIGHT : PM__RUN_INFER;
            if (pm__vision_tower(m, p, rows, b, tr->E + (size_t)v0 * G * G * W, mode, vr))
                goto done;
            memcpy(img + (size_t)v0 * D, vr->feat, sizeof(float) * (size_t)b * D);
        }
    } else {
        memcpy(img, tr->fixed, sizeof(float) * (size_t)V * D);
    }
    /* the loss on the unit features */
    pm__logits_forward(V, N, D, (float)tr->scale, img, tx.feat, logits);
    st->ce = pm__cross_entropy_forward(V, N, logits, tr->labels, probs);
    if (pm__margin_forward(N, V, D, tx.feat, img, tr->labels, tr->target_self, &rt, &rv, protos))
        goto done;
    st->r_t = rt, st->r_v = rv;
    st->total = st->ce + (tr->margin ? tr->lambda_t * rt + tr->lambda_v * rv : 0.0);
    if (!(st->total == st->total) || fabs(st->total) > 1e30) {
        pm__errorf("the loss is not a finite number (NaN or overflow): a learning rate too "
                   "high, or a broken model file");
        goto done;
    }
    memset(dimg, 0, sizeof(float) * (size_t)V * D);
    memset(dtxt, 0, sizeof(float) * (size_t)N * D);
    memset(dlog, 0, sizeof(float) * (size_t)V * N);
    pm__cross_entropy_backward(V, N, probs, tr->labels, 1.0f, dlog);
    pm__logits_backward(V, N, D, (float)tr->scale, img, tx.feat, dlog, dimg, dtxt);
    if (tr->margin)
        pm__margin_backward(N, V, D, tx.feat, tr->labels, protos, tr->target_self, tr->lambda_t,
                            tr->lambda_v, dtxt, dimg);
    if (p->vision) {
        for (c = nch - 1; c >= 0; c--) { /* without light caches, the other chunks are
                                            computed again, with their caches */
            int v0 = pm__chunk_start(V, tr->chunk, c), b = pm__chunk_start(V, tr->chunk, c + 1) - v0;
            pm__vision_run *vr = &tr->runs[tr->light ? c : 0];
            if (c != nch - 1 && !tr->light &&
                pm__vision_tower(m, p, rows, b, tr->E + (size_t)v0 * G * G * W, PM__RUN_FULL, vr))
                goto done;
            if (pm__vision_backward(m, p, NULL, vr, NULL, dimg + (size_t)v0 * D, drows))
                goto done;
        }
        pm__prompt_rows_backward(p, drows);
    }
    work = pm__floats((size_t)N * D + 2 * (size_t)N * mi->text_width);
    if (!work) goto done;
    pm__text_backward(m, p, NULL, &tx, p->ids, dtxt, work);
    rc = 0;
done:
    pm__text_run_free(&tx);
    PM_FREE(img), PM_FREE(dimg), PM_FREE(dtxt), PM_FREE(logits), PM_FREE(probs), PM_FREE(dlog);
    PM_FREE(protos), PM_FREE(rows), PM_FREE(drows), PM_FREE(work);
    return rc;
}

/* PyTorch's SGD: buf = g on the first step, then buf = momentum * buf + g; p -= lr * buf. */
static void pm__sgd_update(pm_prompts *p, float lr, float momentum)
{
    size_t i;
    for (i = 0; i < p->n_params; i++) {
        float g = p->grads[i];
        p->momentum[i] = p->momentum_started ? momentum * p->momentum[i] + g : g;
        p->params[i] -= lr * p->momentum[i];
    }
    p->momentum_started = 1;
}

static void pm__trainer_free(pm__trainer *tr)
{
    int i;
    PM_FREE(tr->E), PM_FREE(tr->fixed);
    for (i = 0; tr->runs && i < tr->n_runs; i++) pm__vision_run_free(&tr->runs[i]);
    PM_FREE(tr->runs);
    pm__block_scratch_free(&tr->s);
    memset(tr, 0, sizeof(*tr));
}

/* Fixed parts of a training run over views pixels [V, 3, S, S] with labels [V]. */
static int pm__trainer_init(pm_model *m, pm_prompts *p, int V, const float *pixels,
                            const int *labels, const pm_train_desc *d, pm__trainer *tr)
{
    const pm_model_info *mi = &m->info;
    int G = mi->image_size / mi->patch_size, W = mi->vision_width, D = mi->embed_dim, i, c;
    size_t S2 = (size_t)3 * mi->image_size * mi->image_size;
    double budget = (d && d->memory_mb > 0 ? d->memory_mb : 2048.0) * 1048576.0;
    memset(tr, 0, sizeof(*tr));
    if (V < 1) return pm__errorf("train: no training views");
    for (i = 0; i < V; i++)
        if (labels[i] < 0 || labels[i] >= p->n_classes)
            return pm__errorf("train: label %d of view %d is not a class (0..%d)", labels[i], i,
                              p->n_classes - 1);
    for (c = 0; c < p->n_classes; c++) {
        for (i = 0; i < V && labels[i] != c; i++) {}
        if (i == V) return pm__errorf("train: class '%s' has no training view", p->classnames[c]);
    }
    tr->V = V, tr->labels = labels;
    tr->margin = p->method == PM_METHOD_PROMPTMARGIN;
    tr->target_self = d && d->margin_target == PM_MARGIN_SELF;
    tr->lambda_t = d && d->lambda_t > 0 ? d->lambda_t : 1.0;
    tr->lambda_v = d && d->lambda_v > 0 ? d->lambda_v : 1.0;
    tr->scale = exp((double)mi->logit_scale);
    tr->chunk = (int)(budget / (4.0 * (double)pm__vision_run_floats(m, p)));
    tr->chunk = tr->chunk < 1 ? 1 : tr->chunk > V ? V : tr->chunk;
    if (tr->chunk < V && p->vision && mi->vision_mlp >= 3 * W) {
        /* light caches for all but the last chunk, when they leave room for one whole view:
           (V - c) light + c full views within the budget */
        double full = 4.0 * (double)pm__vision_run_floats(m, p);
        double light = 4.0 * (double)pm__vision_run_floats_light(m, p);
        double c = (budget - V * light) / (full - light);
        if (c >= 1.0) tr->light = 1, tr->chunk = c < V ? (int)c : V;
    }
    tr->n_runs = tr->light ? (V + tr->chunk - 1) / tr->chunk : 1;
    tr->runs = (pm__vision_run *)pm__malloc_array((size_t)tr->n_runs, sizeof(pm__vision_run));
    tr->E = pm__floats((size_t)V * G * G * W);
    if (!tr->runs || !tr->E) goto fail;
    memset(tr->runs, 0, sizeof(pm__vision_run) * (size_t)tr->n_runs);
    if (tr->light) {
        int T = G * G + 1 + p->n_ctx;
        if (pm__block_scratch_alloc_backward(&tr->s, (size_t)tr->chunk * T, T, W, mi->vision_mlp))
            goto fail;
        for (i = 0; i < tr->n_runs; i++) tr->runs[i].ext = &tr->s;
    }
    for (i = 0; i < V; i += PM__CHUNK)
        if (pm__patch_embed(m, pm__mini(PM__CHUNK, V - i), pixels + (size_t)i * S2,
                            tr->E + (size_t)i * G * G * W))
            goto fail;
    if (!p->vision) { /* plain image tower: the features never change */
        pm__vision_run vr;
        memset(&vr, 0, sizeof(vr));
        tr->fixed = pm__floats((size_t)V * D);
        if (!tr->fixed) goto fail;
        for (i = 0; i < V; i += PM__CHUNK) {
            int b = pm__mini(PM__CHUNK, V - i);
            if (pm__vision_tower(m, p, NULL, b, tr->E + (size_t)i * G * G * W, 0, &vr)) goto fail;
            memcpy(tr->fixed + (size_t)i * D, vr.feat, sizeof(float) * (size_t)b * D);
            pm__vision_run_free(&vr);
        }
    }
    return 0;
fail:
    pm__trainer_free(tr);
    return -1;
}

PMDEF int pm_prompts_train(pm_model *m, pm_prompts *p, int n_views, const float *pixels,
                           const int *labels, const pm_train_desc *d)
{
    pm__trainer tr;
    int steps = d && d->steps > 0 ? d->steps : 150, s;
    float lr = d && d->lr > 0 ? d->lr : 0.01f;
    float mom = d && d->momentum != 0 ? (d->momentum < 0 ? 0.0f : d->momentum) : 0.9f;
    if (pm__trainer_init(m, p, n_views, pixels, labels, d, &tr)) return -1;
    for (s = 0; s < steps; s++) {
        pm_step_stats st;
        if (pm__train_step(m, p, &tr, &st)) {
            char where[32];
            snprintf(where, sizeof(where), "step %d", s + 1);
            pm__error_prefix(where);
            pm__trainer_free(&tr);
            return -1;
        }
        if (d && d->on_step) d->on_step(s + 1, &st, d->user);
        pm__sgd_update(p, lr, mom);
    }
    pm__trainer_free(&tr);
    return 0;
}

/* Unit text features of the prompts' classes [n_classes, D]. */
PMDEF int pm_prompts_text_features(pm_model *m, const pm_prompts *p, float *out)
{
    pm__text_run tx;
    if (pm__text_tower(m, p->n_classes, p->ids, p, 0, &tx)) return -1;
    memcpy(out, tx.feat, sizeof(float) * (size_t)p->n_classes * m->info.embed_dim);
    pm__text_run_free(&tx);
    return 0;
}

/* Unit image features [n, D] of pixels [n, 3, S, S] with the prompts' vision tokens. */
PMDEF int pm_prompts_image_features(pm_model *m, const pm_prompts *p, int n,
                                    const float *pixels, float *out)
{
    const pm_model_info *mi = &m->info;
    int G = mi->image_size / mi->patch_size, W = mi->vision_width, i, rc = 0;
    size_t S2 = (size_t)3 * mi->image_size * mi->image_size;
    float *rows = p && p->vision ? pm__floats((size_t)p->depth * p->n_ctx * W) : NULL;
    float *E = pm__floats((size_t)PM__CHUNK * G * G * W);
    if (!E || (p && p->vision && !rows)) rc = -1;
    if (rows) pm__vision_prompt_rows(p, rows);
    for (i = 0; rc == 0 && i < n; i += PM__CHUNK) {
        int b = pm__mini(PM__CHUNK, n - i);
        pm__vision_run vr;
        memset(&vr, 0, sizeof(vr));
        rc = pm__patch_embed(m, b, pixels + (size_t)i * S2, E);
        if (rc == 0) rc = pm__vision_tower(m, p, rows, b, E, 0, &vr);
        if (rc == 0) memcpy(out + (size_t)i * mi->embed_dim, vr.feat,
                            sizeof(float) * (size_t)b * mi->embed_dim);
        if (rc == 0) pm__vision_run_free(&vr);
    }
    PM_FREE(rows), PM_FREE(E);
    return rc;
}


/* --------------------------------------------------------------------------------------------
   Selective augmentation (method.md section 4).
   -------------------------------------------------------------------------------------------- */

PMDEF void pm_free(void *ptr) { PM_FREE(ptr); }

typedef struct pm__scored {
    double score;
    int view;
} pm__scored;

static int pm__cmp_scored(const void *a, const void *b)
{
    const pm__scored *x = (const pm__scored *)a, *y = (const pm__scored *)b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->view < y->view ? -1 : x->view > y->view; /* ties: the earlier candidate */
}

PMDEF int pm_training_views(pm_model *m, const pm_prompts *p, int n, const uint8_t *const *rgb,
                            const int *w, const int *h, const int *labels, int mode, int n_aug,
                            int keep, int select, uint64_t seed, float **pixels_out,
                            int **labels_out, int *n_out)
{
    const pm_model_info *mi = &m->info;
    size_t S2 = (size_t)3 * mi->image_size * mi->image_size;
    int per = 1 + n_aug, total = n * per, i, a, c, k = 0, D = mi->embed_dim, rc = -1;
    float *cand = NULL, *img = NULL, *txt = NULL, *out = NULL;
    int *lab = NULL;
    pm__scored *sc = NULL;
    *pixels_out = NULL, *labels_out = NULL, *n_out = 0;
    if (n < 1 || n_aug < 0 || n_aug > 65535 || (select && (keep < 1 || !p)))
        return pm__errorf("training views: invalid counts (images %d, views %d, keep %d)", n,
                          n_aug, keep);
    cand = pm__floats((size_t)total * S2);
    if (!cand) return -1;
    for (i = 0; i < n; i++) {
        if (pm_preprocess(m, rgb[i], w[i], h[i], mode, cand + (size_t)i * per * S2)) goto done;
        for (a = 1; a <= n_aug; a++)
            if (pm_augment_view(m, rgb[i], w[i], h[i], mode, seed, (uint64_t)i * 65536 + a,
                                cand + ((size_t)i * per + a) * S2))
                goto done;
    }
    if (!select) {
        lab = (int *)pm__malloc_array((size_t)total, sizeof(int));
        if (!lab) goto done;
        for (i = 0; i < total; i++) lab[i] = labels[i / per];
        *pixels_out = cand, *labels_out = lab, *n_out = total;
        return 0;
    }
    img = pm__floats((size_t)total * D), txt = pm__floats((size_t)p->n_classes * D);
    sc = (pm__scored *)pm__malloc_array((size_t)total, sizeof(pm__scored));
    if (!img || !txt || !sc || pm_prompts_image_features(m, p, total, cand, img) ||
        pm_prompts_text_features(m, p, txt))
        goto done;
    out = pm__floats((size_t)p->n_classes * keep * S2);
    lab = (int *)pm__malloc_array((size_t)p->n_classes * keep, sizeof(int));
    if (!out || !lab) goto done;
    for (c = 0; c < p->n_classes; c++) { /* the best `keep` candidates of each class */
        int m_c = 0, t;
        for (i = 0; i < total; i++) {
            int d;
            double dot = 0.0;
            if (labels[i / per] != c) continue;
            for (d = 0; d < D; d++) dot += (double)img[(size_t)i * D + d] * txt[(size_t)c * D + d];
            sc[m_c].score = dot, sc[m_c].view = i, m_c++;
        }
        qsort(sc, (size_t)m_c, sizeof(pm__scored), pm__cmp_scored);
        for (t = 0; t < m_c && t < keep; t++, k++) {
            memcpy(out + (size_t)k * S2, cand + (size_t)sc[t].view * S2, sizeof(float) * S2);
            lab[k] = c;
        }
    }
    *pixels_out = out, *labels_out = lab, *n_out = k;
    out = NULL, lab = NULL;
    rc = 0;
done:
    PM_FREE(cand), PM_FREE(img), PM_FREE(txt), PM_FREE(out), PM_FREE(lab), PM_FREE(sc);
    return rc;
}

/* --------------------------------------------------------------------------------------------
   Prompt files (safetensors, section [10]).
   -------------------------------------------------------------------------------------------- */

/* SHA-256 (FIPS 180-4) of a buffer as 64 hex digits. */
static void pm__sha256_hex(const uint8_t *data, size_t n, char hex[65])
{
    static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint64_t bits = (uint64_t)n * 8;
    size_t off, i;
    uint8_t block[64];
    int j, last = 0;
#define PM__ROR(x, r) (((x) >> (r)) | ((x) << (32 - (r))))
    for (off = 0; !last; off += 64) {
        uint32_t w[64], a, b, c, d, e, f, g, hh;
        if (off + 64 <= n) {
            memcpy(block, data + off, 64);
        } else { /* the tail, the 0x80 byte, zeros and the length (one or two blocks) */
            size_t rem = off < n ? n - off : 0;
            memset(block, 0, 64);
            if (off <= n) {
                memcpy(block, data + off, rem);
                block[rem] = 0x80;
            }
            if (off > n || rem < 56) {
                for (j = 0; j < 8; j++) block[63 - j] = (uint8_t)(bits >> (8 * j));
                last = 1;
            }
        }
        for (j = 0; j < 16; j++)
            w[j] = ((uint32_t)block[4 * j] << 24) | ((uint32_t)block[4 * j + 1] << 16) |
                   ((uint32_t)block[4 * j + 2] << 8) | block[4 * j + 3];
        for (j = 16; j < 64; j++) {
            uint32_t s0 = PM__ROR(w[j - 15], 7) ^ PM__ROR(w[j - 15], 18) ^ (w[j - 15] >> 3);
            uint32_t s1 = PM__ROR(w[j - 2], 17) ^ PM__ROR(w[j - 2], 19) ^ (w[j - 2] >> 10);
            w[j] = w[j - 16] + s0 + w[j - 7] + s1;
        }
        a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (j = 0; j < 64; j++) {
            uint32_t t1 = hh + (PM__ROR(e, 6) ^ PM__ROR(e, 11) ^ PM__ROR(e, 25)) +
                          ((e & f) ^ (~e & g)) + K[j] + w[j];
            uint32_t t2 = (PM__ROR(a, 2) ^ PM__ROR(a, 13) ^ PM__ROR(a, 22)) +
                          ((a & b) ^ (a & c) ^ (b & c));
            hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
#undef PM__ROR
    for (i = 0; i < 8; i++) sprintf(hex + 8 * i, "%08lx", (unsigned long)h[i]);
    hex[64] = 0;
}

/* The model file's SHA-256 (computed once). */
static const char *pm__model_sha256(pm_model *m)
{
    if (!m->sha256[0]) pm__sha256_hex(m->file, (size_t)m->info.file_size, m->sha256);
    return m->sha256;
}

/* Safetensors name and shape of prompt tensor i (canonical order); returns its float count
   and where it lives in `base`, or 0 past the last tensor. */
static size_t pm__prompt_tensor(const pm_prompts *p, float *base, int i, char name[64],
                                int shape[4], int *ndim, float **where)
{
    int k, nk = p->depth - 1;
    if (i == 0) {
        strcpy(name, "ctx");
        shape[0] = p->n_ctx, shape[1] = p->d_t, *ndim = 2, *where = base;
        return (size_t)p->n_ctx * p->d_t;
    }
    if (p->vision && i <= 2) {
        pm__prompt_layout L = pm__prompt_offsets(p);
        strcpy(name, i == 1 ? "proj.weight" : "proj.bias");
        shape[0] = p->d_v, shape[1] = p->d_t, *ndim = i == 1 ? 2 : 1;
        *where = base + (i == 1 ? L.proj_w : L.proj_b);
        return i == 1 ? (size_t)p->d_v * p->d_t : (size_t)p->d_v;
    }
    i -= p->vision ? 3 : 1;
    if (i < nk) {
        sprintf(name, "deep_text.%d", i);
        shape[0] = p->n_ctx, shape[1] = p->d_t, *ndim = 2;
        *where = pm__deep_text(p, base, i);
        return (size_t)p->n_ctx * p->d_t;
    }
    i -= nk;
    if (!p->vision || i >= 2 * nk) return 0;
    k = i / 2;
    sprintf(name, i % 2 ? "deep_proj.%d.bias" : "deep_proj.%d.weight", k);
    shape[0] = p->d_v, shape[1] = p->d_t, *ndim = i % 2 ? 1 : 2;
    *where = i % 2 ? pm__deep_b(p, base, k) : pm__deep_w(p, base, k);
    return i % 2 ? (size_t)p->d_v : (size_t)p->d_v * p->d_t;
}

/* The strings of a JSON list ["a", "b"] (as the classnames metadata holds them). */
static int pm__json_string_list(const char *s, char ***items, int *n)
{
    pm__json j;
    char *buf = (char *)pm__malloc_array(strlen(s) + 1, 1);
    int cap = 16;
    *n = 0;
    *items = (char **)pm__malloc_array((size_t)cap, sizeof(char *));
    if (!buf || !*items) goto fail;
    j.s = s, j.n = strlen(s), j.i = 0;
    if (pm__json_expect(&j, '[')) goto fail;
    pm__json_ws(&j);
    if (j.i < j.n && j.s[j.i] == ']') j.i++;
    else for (;;) {
        if (pm__json_string(&j, buf, strlen(s) + 1)) goto fail;
        if (*n == cap) {
            char **ni = (char **)PM_REALLOC(*items, sizeof(char *) * (size_t)(cap *= 2));
            if (!ni) { pm__errorf("out of memory"); goto fail; }
            *items = ni;
        }
        if (!((*items)[(*n)++] = pm__strdup(buf))) goto fail;
        pm__json_ws(&j);
        if (j.i < j.n && j.s[j.i] == ',') { j.i++; continue; }
        if (pm__json_expect(&j, ']')) goto fail;
        break;
    }
    PM_FREE(buf);
    return 0;
fail:
    while (*items && *n > 0) PM_FREE((*items)[--(*n)]);
    PM_FREE(*items), PM_FREE(buf);
    *items = NULL;
    return -1;
}

#ifndef PM_NO_STDIO
PMDEF int pm_prompts_save(pm_model *m, const pm_prompts *p, const char *path)
{
    char names[64][64], nctx[16], depth[16], *classes = NULL;
    const char *name_ptr[64], *keys[5], *vals[5];
    int shapes[64][4], ndims[64], i, n = 0, rc;
    const float *data[64];
    size_t len = 0, cap = 0;
    float *where;
    while (n < 64 && pm__prompt_tensor(p, p->params, n, names[n], shapes[n], &ndims[n], &where)) {
        name_ptr[n] = names[n];
        data[n] = where;
        n++;
    }
    if (pm__json_put(&classes, &len, &cap, "[", 0)) return -1;
    for (i = 0; i < p->n_classes; i++)
        if ((i && pm__json_put(&classes, &len, &cap, ", ", 0)) ||
            pm__json_put(&classes, &len, &cap, p->classnames[i], 1)) {
            PM_FREE(classes);
            return -1;
        }
    if (pm__json_put(&classes, &len, &cap, "]", 0)) return -1;
    sprintf(nctx, "%d", p->n_ctx);
    sprintf(depth, "%d", p->depth);
    keys[0] = "n_ctx", vals[0] = nctx;
    keys[1] = "depth", vals[1] = depth;
    keys[2] = "method", vals[2] = pm_method_name(p->method);
    keys[3] = "classnames", vals[3] = classes;
    keys[4] = "model_sha256", vals[4] = pm__model_sha256(m);
    rc = pm__st_write(path, n, name_ptr, ndims, (const int(*)[4])shapes, data, 5, keys, vals);
    PM_FREE(classes);
    return rc;
}

PMDEF pm_prompts *pm_prompts_load(pm_model *m, const char *path)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size);
    pm_prompts *p;
    if (!buf) return NULL;
    p = pm_prompts_load_memory(m, buf, size);
    PM_FREE(buf);
    if (!p) {
        pm__error_prefix(path);
    }
    return p;
}
#endif

PMDEF pm_prompts *pm_prompts_load_memory(pm_model *m, const void *data, size_t size)
{
    const uint8_t *buf = (const uint8_t *)data;
    pm__st_file f;
    pm_prompts *p = NULL;
    char **classes = NULL, name[64];
    const char *sha, *meth;
    int n_classes = 0, n_ctx, depth, method, i, shape[4], ndim;
    float *where;
    size_t cnt;
    if (!buf) return pm__errorf("no prompt data given"), (pm_prompts *)NULL;
    if (pm__st_parse(buf, size, &f)) goto fail_nofile;
    meth = pm__st_meta(&f, "method");
    n_ctx = (int)pm__meta_count(pm__st_meta(&f, "n_ctx"), INT_MAX);
    depth = (int)pm__meta_count(pm__st_meta(&f, "depth"), INT_MAX);
    if (!meth || (method = pm_method_parse(meth)) < PM_METHOD_COOP || n_ctx < 1 || depth < 1 ||
        !pm__st_meta(&f, "classnames")) {
        pm__errorf("not a prompt file: it lacks method, n_ctx, depth or classnames metadata");
        goto fail;
    }
    if (pm__json_string_list(pm__st_meta(&f, "classnames"), &classes, &n_classes)) goto fail;
    sha = pm__st_meta(&f, "model_sha256");
    if (sha && sha[0] && strcmp(sha, pm__model_sha256(m)) != 0) {
        pm__errorf("these prompts were learned for another model file (sha256 %.12s..., this "
                   "model is %.12s...)", sha, pm__model_sha256(m));
        goto fail;
    }
    p = pm__prompts_alloc(m, method, n_ctx, depth, n_classes, (const char *const *)classes);
    if (!p) goto fail;
    for (i = 0; (cnt = pm__prompt_tensor(p, p->params, i, name, shape, &ndim, &where)) != 0; i++) {
        const pm__st_tensor *t = pm__st_find(&f, name);
        if (!t || t->ndim != ndim || t->shape[0] != shape[0] ||
            (ndim == 2 && t->shape[1] != shape[1])) {
            pm__errorf("prompt tensor '%s' is missing or has the wrong shape for this model", name);
            goto fail;
        }
        pm__st_read_f32(&f, t, where);
    }
    strcpy(p->model_sha256, pm__model_sha256(m));
    for (i = 0; i < n_classes; i++) PM_FREE(classes[i]);
    PM_FREE(classes);
    pm__st_free(&f);
    return p;
fail:
    pm__st_free(&f);
fail_nofile:
    for (i = 0; classes && i < n_classes; i++) PM_FREE(classes[i]);
    PM_FREE(classes);
    pm_prompts_free(p);
    return NULL;
}

PMDEF int pm_prompts_num_classes(const pm_prompts *p) { return p->n_classes; }
PMDEF const char *pm_prompts_class(const pm_prompts *p, int c) { return p->classnames[c]; }
PMDEF int pm_prompts_method(const pm_prompts *p) { return p->method; }


/* ============================================================================================
   [12] EPISODES (method.md section 2)
   ============================================================================================ */

#ifndef PM_NO_STDIO
PMDEF int pm_episode_sample(const pm_dataset *ds, uint64_t seed, uint64_t index, int ways,
                            int shots, int queries, pm_episode *ep)
{
    int C = pm_dataset_num_classes(ds), c, i, k, *order, start;
    pm__rng r;
    memset(ep, 0, sizeof(*ep));
    if (ways < 1 || shots < 1 || queries < 0)
        return pm__errorf("episode: ways and shots must be >= 1, queries >= 0");
    if (ways > C)
        return pm__errorf("the dataset has %d classes: a %d-way episode is impossible", C, ways);
    for (c = 0; c < C; c++)
        if (pm_dataset_class_count(ds, c) < shots + queries)
            return pm__errorf("class '%s' has %d images, fewer than shots + queries = %d "
                              "(use fewer --queries or drop the class)",
                              pm_dataset_class_key(ds, c), pm_dataset_class_count(ds, c),
                              shots + queries);
    ep->ways = ways, ep->shots = shots, ep->queries = queries;
    ep->classes = (int *)pm__malloc_array((size_t)ways, sizeof(int));
    ep->support = (int *)pm__malloc_array((size_t)ways * shots, sizeof(int));
    ep->query = (int *)pm__malloc_array((size_t)ways * (queries ? queries : 1), sizeof(int));
    order = (int *)pm__malloc_array((size_t)pm_dataset_num_images(ds) + (size_t)C, sizeof(int));
    if (!ep->classes || !ep->support || !ep->query || !order) {
        PM_FREE(order);
        pm_episode_free(ep);
        return -1;
    }
    /* draws: a partial Fisher-Yates shuffle of the classes (ways draws), then for each chosen
       class in turn a partial shuffle of its images (shots + queries draws) */
    pm__rng_seed(&r, pm__rng_derive(seed, index, 0x45504953ULL /* "EPIS" */), 0);
    for (c = 0; c < C; c++) order[c] = c;
    for (i = 0; i < ways; i++) {
        int j = i + (int)pm__rng_below(&r, (uint32_t)(C - i)), t = order[i];
        order[i] = order[j], order[j] = t;
        ep->classes[i] = order[i];
    }
    for (i = 0; i < ways; i++) {
        int cls = ep->classes[i], cnt = pm_dataset_class_count(ds, cls);
        for (start = 0, c = 0; c < cls; c++) start += pm_dataset_class_count(ds, c);
        for (k = 0; k < cnt; k++) order[k] = start + k;
        for (k = 0; k < shots + queries; k++) {
            int j = k + (int)pm__rng_below(&r, (uint32_t)(cnt - k)), t = order[k];
            order[k] = order[j], order[j] = t;
            if (k < shots) ep->support[i * shots + k] = order[k];
            else ep->query[i * queries + k - shots] = order[k];
        }
    }
    PM_FREE(order);
    return 0;
}

PMDEF void pm_episode_free(pm_episode *ep)
{
    PM_FREE(ep->classes), PM_FREE(ep->support), PM_FREE(ep->query);
    memset(ep, 0, sizeof(*ep));
}

#endif /* PM_NO_STDIO */

PMDEF uint64_t pm_derive_seed(uint64_t seed, uint64_t a, uint64_t b)
{
    return pm__rng_derive(seed, a, b);
}

PMDEF void pm_summarize(int n, const double *v, pm_summary *s)
{
    double sum = 0.0, var = 0.0;
    int i;
    memset(s, 0, sizeof(*s));
    s->n = n;
    if (n <= 0) return;
    for (i = 0; i < n; i++) sum += v[i];
    s->mean = sum / n;
    for (i = 0; i < n; i++) var += (v[i] - s->mean) * (v[i] - s->mean);
    s->std = sqrt(var / n);
    s->ci95 = 1.96 * s->std / sqrt((double)n);
}


/* ============================================================================================
   [13] DIAGNOSTIC (method.md section 8)
   ============================================================================================ */

PMDEF int pm_diagnose(pm_model *m, int n, const float *pixels, const int *labels,
                      const int *source, int n_classes, const char *const *classnames,
                      double threshold, pm_diagnosis *out)
{
    int D = m->info.embed_dim, i, j, c, d, rc = -1, hits = 0, sep = 0, pairs = 0, own_other;
    float *img = pm__floats((size_t)n * D), *txt = pm__floats((size_t)n_classes * D);
    double *proto = (double *)pm__malloc_array((size_t)n_classes * D, sizeof(double));
    int *count = (int *)pm__malloc_array((size_t)n_classes, sizeof(int));
    pm_prompts *zs = NULL;
    double margin = 0.0, dsum = 0.0, dsq = 0.0;
    memset(out, 0, sizeof(*out));
    if (!img || !txt || !proto || !count) goto done;
    /* zero-shot CLIP: CoOp's untrained prompts are exactly "a photo of a {name}." */
    zs = pm_prompts_create(m, PM_METHOD_COOP, 2, 1, n_classes, classnames, 0);
    if (!zs || pm_prompts_text_features(m, zs, txt) ||
        pm_prompts_image_features(m, NULL, n, pixels, img))
        goto done;
    for (i = 0; i < n; i++) {
        double best = -1e30, own = 0.0, other = -1e30;
        int arg = 0;
        for (c = 0; c < n_classes; c++) {
            double dot = 0.0;
            for (d = 0; d < D; d++) dot += (double)img[(size_t)i * D + d] * txt[(size_t)c * D + d];
            if (dot > best) best = dot, arg = c;
            if (c == labels[i]) own = dot;
            else if (dot > other) other = dot;
        }
        hits += arg == labels[i];
        margin += own - (n_classes > 1 ? other : 0.0);
    }
    /* own_other: does some class have views of two different images? else leave-one-view-out */
    for (own_other = 0, i = 0; i < n && !own_other; i++)
        for (j = 0; j < n; j++)
            if (labels[j] == labels[i] && source[j] != source[i]) { own_other = 1; break; }
    for (i = 0; i < n; i++) {
        double best = 1e300;
        int arg = -1;
        memset(proto, 0, sizeof(double) * (size_t)n_classes * D);
        memset(count, 0, sizeof(int) * (size_t)n_classes);
        for (j = 0; j < n; j++) {
            if (own_other ? source[j] == source[i] : j == i) continue;
            count[labels[j]]++;
            for (d = 0; d < D; d++) proto[(size_t)labels[j] * D + d] += img[(size_t)j * D + d];
        }
        for (c = 0; c < n_classes; c++) {
            double dist = 0.0;
            if (!count[c]) continue;
            for (d = 0; d < D; d++) {
                double diff = proto[(size_t)c * D + d] / count[c] - img[(size_t)i * D + d];
                dist += diff * diff;
            }
            if (dist < best) best = dist, arg = c;
        }
        sep += arg == labels[i];
    }
    for (i = 0; i < n_classes; i++)
        for (j = i + 1; j < n_classes; j++) {
            double dist = pm__dist2(D, txt + (size_t)i * D, txt + (size_t)j * D);
            dsum += dist, dsq += dist * dist, pairs++;
        }
    out->zeroshot_acc = (double)hits / n;
    out->separability = (double)sep / n;
    out->margin = margin / n;
    out->text_dist_mean = pairs ? dsum / pairs : 0.0;
    out->text_dist_std = pairs ? sqrt(fabs(dsq / pairs - out->text_dist_mean * out->text_dist_mean)) : 0.0;
    out->predict_tune = out->separability > out->zeroshot_acc + threshold;
    rc = 0;
done:
    pm_prompts_free(zs);
    PM_FREE(img), PM_FREE(txt), PM_FREE(proto), PM_FREE(count);
    return rc;
}

/* ============================================================================================
   [14] PRETRAINING (a CLIP of your own: every weight of both towers)
   The model's weights live in its file buffer (an f32 file), so the gradients and AdamW's two
   moments are flat arrays of the same layout as the file's data section, and one loop updates
   everything. The towers and their backward passes are the prompt-training ones of section
   [11] with weight gradients switched on; the batch runs in chunks when its activations exceed
   the memory budget (forward everything once for the features, then recompute each chunk with
   its cache and backpropagate), as prompt training does.
   ============================================================================================ */

/* Fill n floats with N(0, std^2) or, with uniform, U(-std, std). */
static void pm__init_fill(pm__rng *r, float *x, size_t n, double std, int uniform)
{
    size_t i;
    for (i = 0; i < n; i++)
        x[i] = (float)(uniform ? std * (2.0 * pm__rng_uniform(r) - 1.0) : std * pm__rng_normal(r));
}

static void pm__init_block(pm__rng *r, const pm__block *b, int C, int H, int layers)
{
    double attn = 1.0 / sqrt((double)C), proj = attn / sqrt(2.0 * layers);
    pm__init_fill(r, (float *)b->in_proj_w.f, (size_t)3 * C * C, attn, 0);
    pm__init_fill(r, (float *)b->out_proj_w.f, (size_t)C * C, proj, 0);
    pm__init_fill(r, (float *)b->fc_w.f, (size_t)H * C, 1.0 / sqrt(2.0 * C), 0);
    pm__init_fill(r, (float *)b->proj_w.f, (size_t)C * H, proj, 0);
}

PMDEF pm_model *pm_model_create(const pm_model_info *cfg, const char *merges, size_t merges_len,
                                uint64_t seed)
{
    static const float clip_mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
    static const float clip_std[3] = {0.26862954f, 0.26130258f, 0.27577711f};
    pm_model shell, *m = NULL;
    pm__want *w = NULL;
    pm__named *named = NULL;
    size_t *offsets = NULL, size = 0, i, lines = 0;
    uint8_t *file;
    pm__rng r;
    int nw = 0, k;
    if (!cfg || (merges_len && !merges)) return pm__errorf("create: no configuration given"), (pm_model *)NULL;
    if (merges_len >= 8 && merges[0] == '#') { /* a "#version" line: skip it */
        for (i = 0; i < merges_len && merges[i] != '\n'; i++) {}
        i = i < merges_len ? i + 1 : i;
        merges += i, merges_len -= i;
    }
    for (i = 0; i < merges_len; i++) lines += merges[i] == '\n';
    if (merges_len && merges[merges_len - 1] != '\n') lines++;
    memset(&shell, 0, sizeof(shell));
    shell.info = *cfg;
    shell.info.has_vision = shell.info.has_text = 1;
    shell.info.n_merges = (int)lines;
    shell.info.vocab_size = 512 + (int)lines + 2;
    shell.info.logit_scale = (float)log(1.0 / 0.07);
    if (!(cfg->image_std[0] > 0.0f || cfg->image_std[1] > 0.0f || cfg->image_std[2] > 0.0f)) {
        memcpy(shell.info.image_mean, clip_mean, sizeof(clip_mean));
        memcpy(shell.info.image_std, clip_std, sizeof(clip_std));
    }
    /* the header's checks, before any arithmetic on the sizes */
    {
        uint8_t h[PM__HEADER_SIZE];
        pm__named none;
        size_t off0;
        uint8_t *probe;
        memset(&none, 0, sizeof(none));
        probe = pm__pmc_layout(&shell.info, 0, &none, PM_DTYPE_F32, NULL, 0, &size, &off0);
        if (!probe) return NULL;
        memcpy(h, probe, sizeof(h));
        PM_FREE(probe);
        if (pm__read_header(&shell, h, size)) {
            pm__error_prefix("create");
            return NULL;
        }
    }
    shell.v_blocks = (pm__block *)pm__malloc_array((size_t)cfg->vision_layers, sizeof(pm__block));
    shell.t_blocks = (pm__block *)pm__malloc_array((size_t)cfg->text_layers, sizeof(pm__block));
    if (shell.v_blocks && shell.t_blocks) w = pm__model_wants(&shell, &nw);
    if (w) {
        named = (pm__named *)pm__malloc_array((size_t)nw, sizeof(pm__named));
        offsets = (size_t *)pm__malloc_array((size_t)nw, sizeof(size_t));
    }
    PM_FREE(shell.v_blocks), PM_FREE(shell.t_blocks);
    if (!named || !offsets) goto done;
    memset(named, 0, sizeof(pm__named) * (size_t)nw);
    for (k = 0; k < nw; k++) {
        memcpy(named[k].name, w[k].name, 64);
        named[k].t.ndim = w[k].ndim;
        memcpy(named[k].t.shape, w[k].shape, sizeof(named[k].t.shape));
    }
    shell.info.n_tensors = nw;
    file = pm__pmc_layout(&shell.info, nw, named, PM_DTYPE_F32, merges, merges_len, &size, offsets);
    if (!file || !(m = pm__model_from_buffer(file, size))) goto done;
    /* the weights, in the order of the file */
    {
        const pm_model_info *mi = &m->info;
        int Wv = mi->vision_width, C = mi->text_width, P = mi->patch_size, G = mi->image_size / P;
        pm__rng_seed(&r, seed, 0x636c6970u);
        pm__init_fill(&r, (float *)m->v_conv1.f, (size_t)Wv * 3 * P * P, 1.0 / sqrt(3.0 * P * P), 1);
        pm__init_fill(&r, (float *)m->v_class.f, (size_t)Wv, 1.0 / sqrt((double)Wv), 0);
        pm__init_fill(&r, (float *)m->v_pos.f, (size_t)(G * G + 1) * Wv, 1.0 / sqrt((double)Wv), 0);
        for (k = 0; k < mi->vision_layers; k++)
            pm__init_block(&r, &m->v_blocks[k], Wv, mi->vision_mlp, mi->vision_layers);
        pm__init_fill(&r, (float *)m->v_proj.f, (size_t)Wv * mi->embed_dim, 1.0 / sqrt((double)Wv), 0);
        pm__init_fill(&r, (float *)m->t_tok.f, (size_t)mi->vocab_size * C, 0.02, 0);
        pm__init_fill(&r, (float *)m->t_pos.f, (size_t)mi->context_length * C, 0.01, 0);
        for (k = 0; k < mi->text_layers; k++)
            pm__init_block(&r, &m->t_blocks[k], C, mi->text_mlp, mi->text_layers);
        pm__init_fill(&r, (float *)m->t_proj.f, (size_t)C * mi->embed_dim, 1.0 / sqrt((double)C), 0);
        for (k = 0; k < mi->n_tensors; k++) { /* LayerNorm gains */
            const char *nm = m->dir[k].name;
            size_t len = strlen(nm);
            if (len > 9 && strcmp(nm + len - 7, ".weight") == 0 &&
                (strstr(nm, "ln_") != NULL)) {
                float *g = (float *)m->dir[k].t.f;
                for (i = 0; i < pm__tensor_count(&m->dir[k].t); i++) g[i] = 1.0f;
            }
        }
    }
done:
    PM_FREE(w), PM_FREE(named), PM_FREE(offsets);
    return m;
}

/* The gradient slot of tensor t in the flat layout (f32 models only). */
static float *pm__grad_slot(const pm_model *m, float *all, const pm__tensor *t)
{
    size_t data_off = (size_t)pm__rd64(m->file + 144);
    return all + ((size_t)((const uint8_t *)t->data - m->file) - data_off) / sizeof(float);
}

static void pm__block_grads_bind(const pm_model *m, float *all, const pm__block *b,
                                 pm__block_grads *g)
{
    g->ln_1_w = pm__grad_slot(m, all, &b->ln_1_w), g->ln_1_b = pm__grad_slot(m, all, &b->ln_1_b);
    g->in_proj_w = pm__grad_slot(m, all, &b->in_proj_w);
    g->in_proj_b = pm__grad_slot(m, all, &b->in_proj_b);
    g->out_proj_w = pm__grad_slot(m, all, &b->out_proj_w);
    g->out_proj_b = pm__grad_slot(m, all, &b->out_proj_b);
    g->ln_2_w = pm__grad_slot(m, all, &b->ln_2_w), g->ln_2_b = pm__grad_slot(m, all, &b->ln_2_b);
    g->fc_w = pm__grad_slot(m, all, &b->fc_w), g->fc_b = pm__grad_slot(m, all, &b->fc_b);
    g->proj_w = pm__grad_slot(m, all, &b->proj_w), g->proj_b = pm__grad_slot(m, all, &b->proj_b);
}

struct pm_clip_trainer {
    pm_model *m;
    pm__model_grads g;
    float *exp_avg, *exp_avg_sq; /* AdamW moments, the layout of g.all */
    double ls_avg, ls_avg_sq;    /* ... and of logit_scale */
    unsigned char *decay;        /* [n_tensors]: weight decay applies */
    long step;
    double beta1, beta2, eps, wd, memory_mb;
};

PMDEF void pm_clip_trainer_free(pm_clip_trainer *t)
{
    if (!t) return;
    PM_FREE(t->g.all), PM_FREE(t->g.v_blocks), PM_FREE(t->g.t_blocks);
    PM_FREE(t->exp_avg), PM_FREE(t->exp_avg_sq), PM_FREE(t->decay);
    PM_FREE(t);
}

PMDEF pm_clip_trainer *pm_clip_trainer_create(pm_model *m, const pm_clip_train_desc *d)
{
    const pm_model_info *mi = &m->info;
    pm_clip_trainer *t;
    pm__model_grads *g;
    int k;
    if (!mi->has_vision || !mi->has_text)
        return pm__errorf("pretraining needs a model with both towers"), (pm_clip_trainer *)NULL;
    for (k = 0; k < mi->n_tensors; k++)
        if (m->dir[k].t.dtype != PM_DTYPE_F32)
            return pm__errorf("pretraining needs an f32 model file (this one stores %s "
                              "weights): convert it with --dtype f32",
                              m->dir[k].t.dtype == PM_DTYPE_F16 ? "f16" : "bf16"),
                   (pm_clip_trainer *)NULL;
    t = (pm_clip_trainer *)pm__malloc_array(1, sizeof(pm_clip_trainer));
    if (!t) return NULL;
    memset(t, 0, sizeof(*t));
    t->m = m;
    g = &t->g;
    g->n = (size_t)pm__rd64(m->file + 152) / sizeof(float);
    g->all = pm__floats(g->n);
    t->exp_avg = pm__floats(g->n), t->exp_avg_sq = pm__floats(g->n);
    g->v_blocks = (pm__block_grads *)pm__malloc_array((size_t)mi->vision_layers,
                                                      sizeof(pm__block_grads));
    g->t_blocks = (pm__block_grads *)pm__malloc_array((size_t)mi->text_layers,
                                                      sizeof(pm__block_grads));
    t->decay = (unsigned char *)pm__malloc_array((size_t)mi->n_tensors, 1);
    if (!g->all || !t->exp_avg || !t->exp_avg_sq || !g->v_blocks || !g->t_blocks || !t->decay) {
        pm_clip_trainer_free(t);
        return NULL;
    }
    memset(t->exp_avg, 0, sizeof(float) * g->n);
    memset(t->exp_avg_sq, 0, sizeof(float) * g->n);
    g->v_conv1 = pm__grad_slot(m, g->all, &m->v_conv1);
    g->v_class = pm__grad_slot(m, g->all, &m->v_class);
    g->v_pos = pm__grad_slot(m, g->all, &m->v_pos);
    g->v_ln_pre_w = pm__grad_slot(m, g->all, &m->v_ln_pre_w);
    g->v_ln_pre_b = pm__grad_slot(m, g->all, &m->v_ln_pre_b);
    g->v_ln_post_w = pm__grad_slot(m, g->all, &m->v_ln_post_w);
    g->v_ln_post_b = pm__grad_slot(m, g->all, &m->v_ln_post_b);
    g->v_proj = pm__grad_slot(m, g->all, &m->v_proj);
    g->t_tok = pm__grad_slot(m, g->all, &m->t_tok);
    g->t_pos = pm__grad_slot(m, g->all, &m->t_pos);
    g->t_ln_final_w = pm__grad_slot(m, g->all, &m->t_ln_final_w);
    g->t_ln_final_b = pm__grad_slot(m, g->all, &m->t_ln_final_b);
    g->t_proj = pm__grad_slot(m, g->all, &m->t_proj);
    for (k = 0; k < mi->vision_layers; k++)
        pm__block_grads_bind(m, g->all, &m->v_blocks[k], &g->v_blocks[k]);
    for (k = 0; k < mi->text_layers; k++)
        pm__block_grads_bind(m, g->all, &m->t_blocks[k], &g->t_blocks[k]);
    for (k = 0; k < mi->n_tensors; k++) t->decay[k] = m->dir[k].t.ndim >= 2;
    t->beta1 = d && d->beta1 > 0 ? d->beta1 : 0.9;
    t->beta2 = d && d->beta2 > 0 ? d->beta2 : 0.98;
    t->eps = d && d->eps > 0 ? d->eps : 1e-6;
    t->wd = d && d->weight_decay != 0 ? (d->weight_decay < 0 ? 0.0 : d->weight_decay) : 0.2;
    t->memory_mb = d && d->memory_mb > 0 ? d->memory_mb : 2048.0;
    return t;
}

PMDEF long pm_clip_trainer_steps(const pm_clip_trainer *t) { return t->step; }

/* CLIP's loss on unit features img [B, D], txt [B, D]: logits = s img txt^T, the mean of the
   row-wise (image -> text) and column-wise (text -> image) cross-entropies, pair i the label
   of row and column i. Gradients: dlogits = (softmax_rows - I + (softmax_cols - I)^T) / (2B)
   gives dimg, dtxt (accumulated) and d(logit_scale) = sum(dlogits * logits). */
static int pm__clip_loss(int B, int D, double s, const float *img, const float *txt,
                         float *dimg, float *dtxt, pm_clip_step_stats *st, double *dscale)
{
    float *logits = pm__floats((size_t)B * B), *lt = pm__floats((size_t)B * B);
    float *pr = pm__floats((size_t)B * B), *pc = pm__floats((size_t)B * B);
    int *labels = (int *)pm__malloc_array((size_t)B, sizeof(int)), i, j, hit_r = 0, hit_c = 0;
    double ds = 0.0;
    if (!logits || !lt || !pr || !pc || !labels) {
        PM_FREE(logits), PM_FREE(lt), PM_FREE(pr), PM_FREE(pc), PM_FREE(labels);
        return -1;
    }
    for (i = 0; i < B; i++) labels[i] = i;
    pm__logits_forward(B, B, D, (float)s, img, txt, logits);
    for (i = 0; i < B; i++)
        for (j = 0; j < B; j++) lt[(size_t)j * B + i] = logits[(size_t)i * B + j];
    st->loss = 0.5 * (pm__cross_entropy_forward(B, B, logits, labels, pr) +
                      pm__cross_entropy_forward(B, B, lt, labels, pc));
    for (i = 0; i < B; i++) {
        int br = 0, bc = 0;
        for (j = 1; j < B; j++) {
            br = logits[(size_t)i * B + j] > logits[(size_t)i * B + br] ? j : br;
            bc = lt[(size_t)i * B + j] > lt[(size_t)i * B + bc] ? j : bc;
        }
        hit_r += br == i, hit_c += bc == i;
    }
    st->acc_i2t = (double)hit_r / B, st->acc_t2i = (double)hit_c / B;
    /* dlogits into lt: the column part (transposed back) plus the row part */
    {
        float *dl = lt, *dlc = pm__floats((size_t)B * B);
        if (!dlc) {
            PM_FREE(logits), PM_FREE(lt), PM_FREE(pr), PM_FREE(pc), PM_FREE(labels);
            return -1;
        }
        memset(dlc, 0, sizeof(float) * (size_t)B * B);
        pm__cross_entropy_backward(B, B, pc, labels, 0.5f, dlc);
        memset(dl, 0, sizeof(float) * (size_t)B * B);
        pm__cross_entropy_backward(B, B, pr, labels, 0.5f, dl);
        for (i = 0; i < B; i++)
            for (j = 0; j < B; j++) dl[(size_t)i * B + j] += dlc[(size_t)j * B + i];
        PM_FREE(dlc);
        for (i = 0; i < B * B; i++) ds += (double)dl[i] * logits[i];
        pm__logits_backward(B, B, D, (float)s, img, txt, dl, dimg, dtxt);
    }
    *dscale = ds;
    PM_FREE(logits), PM_FREE(lt), PM_FREE(pr), PM_FREE(pc), PM_FREE(labels);
    return 0;
}

/* Floats a training run of one text keeps (the memory budget's unit for texts). */
static size_t pm__text_run_floats(const pm_model *m, int L)
{
    const pm_model_info *mi = &m->info;
    return (size_t)mi->text_layers * pm__block_cache_floats(1, L, mi->text_width, mi->text_mlp,
                                                             mi->text_heads, PM__KEEP_PROBS) +
           (size_t)L * (2 * (size_t)mi->text_width + mi->text_mlp);
}

/* Loss and gradients (into t->g, zeroed first) of one batch at the current weights. */
static int pm__clip_grads(pm_clip_trainer *t, int B, const float *pixels, const int32_t *ids,
                          pm_clip_step_stats *st)
{
    pm_model *m = t->m;
    const pm_model_info *mi = &m->info;
    int D = mi->embed_dim, G = mi->image_size / mi->patch_size, W = mi->vision_width;
    int C = mi->text_width, ctx = mi->context_length, c, nv, nt, vchunk, tchunk, rc = -1;
    size_t S2 = (size_t)3 * mi->image_size * mi->image_size;
    double budget = t->memory_mb * 1048576.0 / 4.0, s = exp((double)mi->logit_scale);
    float *img = pm__floats((size_t)B * D), *txt = pm__floats((size_t)B * D);
    float *dimg = pm__floats((size_t)B * D), *dtxt = pm__floats((size_t)B * D);
    float *E = NULL, *work = NULL;
    pm__vision_run vr;
    pm__text_run tx;
    memset(&vr, 0, sizeof(vr));
    memset(&tx, 0, sizeof(tx));
    memset(t->g.all, 0, sizeof(float) * t->g.n);
    t->g.logit_scale = 0.0;
    vchunk = (int)(budget / (double)pm__vision_run_floats(m, NULL));
    tchunk = (int)(budget / (double)pm__text_run_floats(m, ctx));
    vchunk = vchunk < 1 ? 1 : vchunk > B ? B : vchunk;
    tchunk = tchunk < 1 ? 1 : tchunk > B ? B : tchunk;
    nv = (B + vchunk - 1) / vchunk, nt = (B + tchunk - 1) / tchunk;
    E = pm__floats((size_t)vchunk * G * G * W);
    work = pm__floats((size_t)tchunk * D + 2 * (size_t)tchunk * C);
    if (!img || !txt || !dimg || !dtxt || !E || !work) goto done;
    /* features of the whole batch; the last chunk of each tower keeps its cache */
    for (c = 0; c < nv; c++) {
        int b0 = pm__chunk_start(B, vchunk, c), b = pm__chunk_start(B, vchunk, c + 1) - b0;
        if (pm__patch_embed(m, b, pixels + (size_t)b0 * S2, E) ||
            pm__vision_tower(m, NULL, NULL, b, E, c == nv - 1, &vr))
            goto done;
        memcpy(img + (size_t)b0 * D, vr.feat, sizeof(float) * (size_t)b * D);
    }
    for (c = 0; c < nt; c++) {
        int b0 = pm__chunk_start(B, tchunk, c), b = pm__chunk_start(B, tchunk, c + 1) - b0;
        if (pm__text_tower(m, b, ids + (size_t)b0 * ctx, NULL, c == nt - 1, &tx)) goto done;
        memcpy(txt + (size_t)b0 * D, tx.feat, sizeof(float) * (size_t)b * D);
        if (c != nt - 1) pm__text_run_free(&tx);
    }
    memset(dimg, 0, sizeof(float) * (size_t)B * D);
    memset(dtxt, 0, sizeof(float) * (size_t)B * D);
    if (pm__clip_loss(B, D, s, img, txt, dimg, dtxt, st, &t->g.logit_scale)) goto done;
    if (!(st->loss == st->loss) || fabs(st->loss) > 1e30) {
        pm__errorf("the loss is not a finite number (NaN or overflow): a learning rate too "
                   "high, or a broken model file");
        goto done;
    }
    for (c = nv - 1; c >= 0; c--) { /* backward, the others recomputed with their caches */
        int b0 = pm__chunk_start(B, vchunk, c), b = pm__chunk_start(B, vchunk, c + 1) - b0;
        if (c != nv - 1 && (pm__patch_embed(m, b, pixels + (size_t)b0 * S2, E) ||
                            pm__vision_tower(m, NULL, NULL, b, E, 1, &vr)))
            goto done;
        if (pm__vision_backward(m, NULL, &t->g, &vr, pixels + (size_t)b0 * S2,
                                dimg + (size_t)b0 * D, NULL))
            goto done;
    }
    for (c = nt - 1; c >= 0; c--) {
        int b0 = pm__chunk_start(B, tchunk, c), b = pm__chunk_start(B, tchunk, c + 1) - b0;
        if (c != nt - 1 && pm__text_tower(m, b, ids + (size_t)b0 * ctx, NULL, 1, &tx)) goto done;
        pm__text_backward(m, NULL, &t->g, &tx, ids + (size_t)b0 * ctx, dtxt + (size_t)b0 * D,
                          work);
        pm__text_run_free(&tx);
    }
    rc = 0;
done:
    pm__vision_run_free(&vr);
    pm__text_run_free(&tx);
    PM_FREE(img), PM_FREE(txt), PM_FREE(dimg), PM_FREE(dtxt), PM_FREE(E), PM_FREE(work);
    return rc;
}

/* PyTorch's AdamW on one value: p *= 1 - lr wd (decoupled decay); m, v the moments;
   p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps). */
static float pm__adamw(float p, float g, float *m, float *v, double lr, double wd, double b1,
                       double b2, double bc1, double sbc2, double eps)
{
    double mm = b1 * *m + (1.0 - b1) * g, vv = b2 * *v + (1.0 - b2) * (double)g * g;
    *m = (float)mm, *v = (float)vv;
    p = (float)(p * (1.0 - lr * wd));
    return (float)(p - lr / bc1 * (double)*m / (sqrt((double)*v) / sbc2 + eps));
}

PMDEF int pm_clip_train_step(pm_clip_trainer *t, int B, const float *pixels, const int32_t *ids,
                             float lr, pm_clip_step_stats *stats)
{
    pm_model *m = t->m;
    pm_model_info *mi = &m->info;
    pm_clip_step_stats st;
    double bc1, sbc2, norm = 0.0, ls;
    size_t i, n;
    int k, c;
    float lsm, lsv;
    memset(&st, 0, sizeof(st));
    if (B < 2) return pm__errorf("pretraining needs batches of at least 2 pairs");
    for (k = 0; k < B; k++)
        for (c = 0; c < mi->context_length; c++)
            if (ids[(size_t)k * mi->context_length + c] < 0 ||
                ids[(size_t)k * mi->context_length + c] >= mi->vocab_size)
                return pm__errorf("token id %ld is outside the vocabulary (%d)",
                                  (long)ids[(size_t)k * mi->context_length + c], mi->vocab_size);
    if (pm__clip_grads(t, B, pixels, ids, &st)) return -1;
    for (i = 0; i < t->g.n; i++) norm += (double)t->g.all[i] * t->g.all[i];
    st.grad_norm = sqrt(norm + t->g.logit_scale * t->g.logit_scale);
    t->step++;
    bc1 = 1.0 - pow(t->beta1, (double)t->step);
    sbc2 = sqrt(1.0 - pow(t->beta2, (double)t->step));
    for (k = 0; k < mi->n_tensors; k++) {
        const pm__tensor *tt = &m->dir[k].t;
        float *p = (float *)tt->f, *g = pm__grad_slot(m, t->g.all, tt);
        size_t o = (size_t)(g - t->g.all);
        double wd = t->decay[k] ? t->wd : 0.0;
        n = pm__tensor_count(tt);
        for (i = 0; i < n; i++)
            p[i] = pm__adamw(p[i], g[i], &t->exp_avg[o + i], &t->exp_avg_sq[o + i], lr, wd,
                             t->beta1, t->beta2, bc1, sbc2, t->eps);
    }
    lsm = (float)t->ls_avg, lsv = (float)t->ls_avg_sq;
    ls = pm__adamw(mi->logit_scale, (float)t->g.logit_scale, &lsm, &lsv, lr, 0.0, t->beta1,
                   t->beta2, bc1, sbc2, t->eps);
    t->ls_avg = lsm, t->ls_avg_sq = lsv;
    mi->logit_scale = (float)(ls < 0.0 ? 0.0 : ls > log(100.0) ? log(100.0) : ls);
    pm__wrf32(m->file + 80, mi->logit_scale); /* the buffer stays the file it describes */
    m->sha256[0] = 0;
    st.scale = exp((double)mi->logit_scale);
    if (stats) *stats = st;
    return 0;
}

#ifndef PM_NO_STDIO
PMDEF int pm_clip_trainer_save(const pm_clip_trainer *t, const char *path)
{
    static const char *names[4] = {"exp_avg", "exp_avg_sq", "logit_scale_exp_avg",
                                   "logit_scale_exp_avg_sq"};
    static const char *keys[2] = {"format", "step"};
    char step[32];
    const char *vals[2];
    int ndims[4] = {1, 1, 1, 1}, shapes[4][4];
    float ls[2];
    const float *data[4];
    memset(shapes, 0, sizeof(shapes));
    if (t->g.n > 0x7fffffffu) return pm__errorf("optimiser state too large to save");
    shapes[0][0] = shapes[1][0] = (int)t->g.n, shapes[2][0] = shapes[3][0] = 1;
    ls[0] = (float)t->ls_avg, ls[1] = (float)t->ls_avg_sq;
    data[0] = t->exp_avg, data[1] = t->exp_avg_sq, data[2] = ls, data[3] = ls + 1;
    sprintf(step, "%ld", t->step);
    vals[0] = "promptmargin-adamw", vals[1] = step;
    return pm__st_write(path, 4, names, ndims, (const int(*)[4])shapes, data, 2, keys, vals);
}

PMDEF int pm_clip_trainer_load(pm_clip_trainer *t, const char *path)
{
    size_t size = 0;
    uint8_t *buf = pm__read_file(path, &size);
    pm__st_file f;
    const pm__st_tensor *a, *b, *c, *d;
    const char *fmt, *step;
    long steps;
    float ls[2];
    int rc = -1;
    if (!buf) return -1;
    if (pm__st_parse(buf, size, &f)) {
        PM_FREE(buf);
        return -1;
    }
    fmt = pm__st_meta(&f, "format"), step = pm__st_meta(&f, "step");
    steps = pm__meta_count(step, LONG_MAX);
    a = pm__st_find(&f, "exp_avg"), b = pm__st_find(&f, "exp_avg_sq");
    c = pm__st_find(&f, "logit_scale_exp_avg"), d = pm__st_find(&f, "logit_scale_exp_avg_sq");
    if (!fmt || strcmp(fmt, "promptmargin-adamw") != 0 || !step || !a || !b || !c || !d)
        pm__errorf("'%s' is not an optimiser state file of pm_clip_trainer_save", path);
    else if (a->ndim != 1 || b->ndim != 1 || a->shape[0] != (int64_t)t->g.n ||
             b->shape[0] != (int64_t)t->g.n || c->ndim != 1 || c->shape[0] != 1 ||
             d->ndim != 1 || d->shape[0] != 1 || a->dtype != PM_DTYPE_F32 ||
             b->dtype != PM_DTYPE_F32 || c->dtype != PM_DTYPE_F32 || d->dtype != PM_DTYPE_F32)
        pm__errorf("'%s' holds the optimiser state of a different model", path);
    else if (steps < 0)
        pm__errorf("'%s' has an invalid step count ('%.20s')", path, step);
    else {
        pm__st_read_f32(&f, a, t->exp_avg);
        pm__st_read_f32(&f, b, t->exp_avg_sq);
        pm__st_read_f32(&f, c, ls);
        pm__st_read_f32(&f, d, ls + 1);
        t->ls_avg = ls[0], t->ls_avg_sq = ls[1];
        t->step = steps;
        rc = 0;
    }
    pm__st_free(&f);
    PM_FREE(buf);
    return rc;
}
#endif

#endif /* PROMPTMARGIN_IMPLEMENTATION_DONE */
#endif /* PROMPTMARGIN_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the promptmargin authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
