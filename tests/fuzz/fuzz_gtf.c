/* fuzz_gtf.c -- libFuzzer harness for the GTF parser (tsc_gtf2annot, plain or gzip), then the
 * overlap index and the BED round trip on whatever it accepts.
 * Part of tsc (Telescope in C). MIT licence. */
#include "fuzz_annot.h"

static fz_file_t in, bed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_quiet("fuzz_gtf");
    fz_file_init(&in, "in");
    fz_file_init(&bed, "bed");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tsc_gtf_opt_t opt;
    tsc_annot_t *a;
    tsc_gtf_opt_init(&opt);
    /* the last byte picks the attribute, so both keys of the seeds get exercised */
    if (size && (data[size - 1] & 1)) opt.attribute = "gene_id";
    fz_file_set(&in, data, size);
    if (!(a = tsc_gtf2annot(in.path, &opt))) return 0;
    fz_check_index("fuzz_gtf", a);
    fz_check_bed_roundtrip("fuzz_gtf", a, &bed);
    tsc_annot_destroy(a);
    return 0;
}
