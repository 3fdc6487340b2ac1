/* Link test driver: main MODEL.pmc. Reads the file itself and hands the bytes to both
   translation units; prints "link ok" and exits 0 when both copies work and agree. */
#include <stdio.h>
#include <stdlib.h>

int part_a_embed_dim(const void *data, size_t size, size_t *allocs);
int part_b_encode(const void *data, size_t size, float *out, int *dim);

int main(int argc, char **argv)
{
    FILE *f;
    long n;
    char *buf;
    float feat[4096];
    size_t allocs = 0;
    int da, db = 0;
    if (argc != 2 || !(f = fopen(argv[1], "rb"))) return 2;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (char *)malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) return 2;
    fclose(f);
    da = part_a_embed_dim(buf, (size_t)n, &allocs);
    if (da <= 0 || allocs == 0 || da > 4096) {
        printf("part a failed (dim %d, %lu custom allocations)\n", da, (unsigned long)allocs);
        return 1;
    }
    if (part_b_encode(buf, (size_t)n, feat, &db) != 0 || db != da || feat[0] != feat[0]) {
        printf("part b failed\n");
        return 1;
    }
    free(buf);
    printf("link ok: two private copies, embed_dim %d, %lu allocations through PM_MALLOC\n", da,
           (unsigned long)allocs);
    return 0;
}
