/* libFuzzer harness: the dataset readers that parse text, through pm_dataset_open on files
   in a private temporary folder. The first byte picks what the rest is: even, a CSV dataset
   (RFC 4180 quoting, header row); odd, a class-name file ("key<TAB>name" lines) for a fixed
   CSV whose classes are cat and dog_x. */
#include "fuzz_common.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[64];

static void fuzz_write(const char *name, const void *data, size_t size)
{
    char path[128];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
    f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char csv[] = "path,label\na.png,cat\nb.png,dog_x\nc.png,cat\n";
    char csv_path[128], names_path[128];
    pm_dataset *ds;
    int i;
    if (!fuzz_dir[0]) {
        snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/pm_fuzz_dataset_%ld", (long)getpid());
        if (mkdir(fuzz_dir, 0700) != 0 && access(fuzz_dir, W_OK) != 0) abort();
    }
    if (size == 0) return 0;
    snprintf(csv_path, sizeof(csv_path), "%s/d.csv", fuzz_dir);
    snprintf(names_path, sizeof(names_path), "%s/names.txt", fuzz_dir);
    if (data[0] % 2 == 0) {
        fuzz_write("d.csv", data + 1, size - 1);
        ds = pm_dataset_open(csv_path, NULL);
    } else {
        fuzz_write("d.csv", csv, sizeof(csv) - 1);
        fuzz_write("names.txt", data + 1, size - 1);
        ds = pm_dataset_open(csv_path, names_path);
    }
    if (ds) { /* read back every string the dataset holds */
        size_t total = 0;
        for (i = 0; i < pm_dataset_num_classes(ds); i++)
            total += strlen(pm_dataset_class_key(ds, i)) + strlen(pm_dataset_class_text(ds, i));
        for (i = 0; i < pm_dataset_num_images(ds); i++)
            total += strlen(pm_dataset_image_path(ds, i)) + (size_t)pm_dataset_image_label(ds, i);
        (void)total;
        pm_dataset_free(ds);
    }
    return 0;
}
