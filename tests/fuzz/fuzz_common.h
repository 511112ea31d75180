/* fuzz_common.h -- shared plumbing of the libFuzzer harnesses: the library's readers take a
 * path, so each input goes into an in-memory file (memfd) opened by path as /proc/self/fd/N.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_FUZZ_COMMON_H
#define TSC_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tsc_util.h"

typedef struct {
    int fd;
    char path[64];
} fz_file_t;

/* an empty in-memory file with a path; aborts if the system cannot make one (harness bug) */
static inline void fz_file_init(fz_file_t *f, const char *name)
{
    if ((f->fd = memfd_create(name, 0)) < 0) { perror("memfd_create"); abort(); }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

/* replace the file's contents with D[0..N) */
static inline void fz_file_set(fz_file_t *f, const void *d, size_t n)
{
    const char *p = d;
    off_t at = 0;
    if (ftruncate(f->fd, 0) < 0) { perror("ftruncate"); abort(); }
    while (n) {
        ssize_t k = pwrite(f->fd, p, n, at);
        if (k <= 0) { perror("pwrite"); abort(); }
        p += k; n -= (size_t)k; at += k;
    }
}

/* the file's contents (caller frees); *N its size */
static inline uint8_t *fz_file_get(const fz_file_t *f, size_t *n)
{
    off_t sz = lseek(f->fd, 0, SEEK_END), at = 0;
    uint8_t *b = malloc(sz > 0 ? (size_t)sz : 1);
    if (sz < 0 || !b) abort();
    while (at < sz) {
        ssize_t k = pread(f->fd, b + at, (size_t)(sz - at), at);
        if (k <= 0) abort();
        at += k;
    }
    *n = (size_t)sz;
    return b;
}

/* messages off: the library logs every rejected input, which would drown libFuzzer's output */
static inline void fz_quiet(const char *prog)
{
    tsc_set_progname(prog);
    tsc_set_verbosity(getenv("FUZZ_VERBOSE") ? TSC_LOG_DEBUG : 0);
}

#endif
