/* fuzz_bed.c -- libFuzzer harness for the loci BED reader (tsc_bed2annot, plain or gzip), then
 * the overlap index and the BED round trip on whatever it accepts.
 * Part of tsc (Telescope in C). MIT licence. */
#include "fuzz_annot.h"

static fz_file_t in, bed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_quiet("fuzz_bed");
    fz_file_init(&in, "in");
    fz_file_init(&bed, "bed");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tsc_annot_t *a;
    fz_file_set(&in, data, size);
    if (!(a = tsc_bed2annot(in.path))) return 0;
    fz_check_index("fuzz_bed", a);
    fz_check_bed_roundtrip("fuzz_bed", a, &bed);
    tsc_annot_destroy(a);
    return 0;
}
