/* Link test (with part_b.c and main.c): PROMPTMARGIN_STATIC gives each translation unit its own
   private copy of the implementation, so two of them link into one program. This one also
   brings its own allocator and assert. */
#include <stdlib.h>

static size_t a_allocs;
static void *a_malloc(size_t n) { a_allocs++; return malloc(n); }
static void *a_realloc(void *p, size_t n) { a_allocs++; return realloc(p, n); }
static int a_asserts;

#define PROMPTMARGIN_STATIC
#define PM_MALLOC(n) a_malloc(n)
#define PM_REALLOC(p, n) a_realloc(p, n)
#define PM_FREE(p) free(p)
#define PM_ASSERT(x) ((x) ? (void)0 : (void)a_asserts++)
#define PROMPTMARGIN_IMPLEMENTATION
#include "../../promptmargin.h"

/* Load a model from memory through this copy; returns its embedding width (0: failure) and
   how many allocations went through the custom allocator. */
int part_a_embed_dim(const void *data, size_t size, size_t *allocs)
{
    pm_model *m = pm_model_load_memory(data, size);
    int d = m ? pm_model_get_info(m)->embed_dim : 0;
    pm_model_free(m);
    *allocs = a_allocs;
    return d;
}
