/* mutate.c -- write damaged copies of a file for tests/faults/input.test.sh (built on the fly).
 * Part of tsc (Telescope in C). MIT licence.
 *   mutate FILE OUTDIR STEP
 * writes OUTDIR/cut-N (the first N bytes) and OUTDIR/flip-N (bit N%8 of byte N flipped) for
 * every N < size that is below 64 or a multiple of STEP. */
#include <stdio.h>
#include <stdlib.h>

static void put(const char *dir, const char *what, long n, const unsigned char *b, long len)
{
    char path[4096];
    FILE *fp;
    snprintf(path, sizeof path, "%s/%s-%ld", dir, what, n);
    if (!(fp = fopen(path, "wb")) || (len && fwrite(b, 1, (size_t)len, fp) != (size_t)len) || fclose(fp) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    FILE *fp;
    unsigned char *b;
    long size, n, step;
    if (argc != 4 || (step = atol(argv[3])) < 1) { fprintf(stderr, "usage: mutate FILE OUTDIR STEP\n"); return 2; }
    if (!(fp = fopen(argv[1], "rb")) || fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) { perror(argv[1]); return 1; }
    if (!(b = malloc((size_t)size + 1)) || fread(b, 1, (size_t)size, fp) != (size_t)size) { perror(argv[1]); return 1; }
    fclose(fp);
    for (n = 0; n < size; n++) {
        if (n >= 64 && n % step) continue;
        put(argv[2], "cut", n, b, n);
        b[n] ^= (unsigned char)(1 << (n % 8));
        put(argv[2], "flip", n, b, size);
        b[n] ^= (unsigned char)(1 << (n % 8));
    }
    return 0;
}
