/* failwrite.c -- LD_PRELOAD shim that makes writes fail as on a full disk (jq's inject_errors.c).
 * Part of tsc (Telescope in C). MIT licence.
 *
 *   cc -shared -fPIC -o failwrite.so failwrite.c -ldl
 *   FAILWRITE_AFTER=1000 LD_PRELOAD=./failwrite.so tsc-view x.bin > out.txt
 *
 * Every write to a descriptor other than 2 (stderr) counts towards FAILWRITE_AFTER bytes
 * [default 0]: the write that crosses it writes only what fits, the next ones fail with
 * FAILWRITE_ERRNO [28, ENOSPC].  glibc's stdio writes through internal calls that an LD_PRELOAD
 * cannot see, so stdout and every FILE opened for writing with fopen/fdopen are replaced by
 * fopencookie streams whose writes come here; write() itself is interposed for code that writes
 * to descriptors (htslib, zlib).  freopen() on such a stream keeps it, pointed at the new file.
 * FAILWRITE_LOG=1 notes the first failing write on stderr (for debugging the tests). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fdopen)(int, const char *);
static FILE *(*real_freopen)(const char *, const char *, FILE *);
static long long budget, used;
static int fail_errno = ENOSPC, logged, do_log;

#define MAX_COOKIES 256
typedef struct {
    int fd;
    FILE *fp;
} cookie_t;
static cookie_t cookies[MAX_COOKIES];

static void init_real(void)
{
    if (real_write) return;
    real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    real_fopen = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
    real_fdopen = (FILE *(*)(int, const char *))dlsym(RTLD_NEXT, "fdopen");
    real_freopen = (FILE *(*)(const char *, const char *, FILE *))dlsym(RTLD_NEXT, "freopen");
}

ssize_t write(int fd, const void *buf, size_t n)
{
    long long left;
    init_real();
    if (fd == 2) return real_write(fd, buf, n);
    left = budget - used;
    if (left <= 0 && n > 0) {
        if (do_log && !logged++) {
            static const char msg[] = "failwrite: write refused\n";
            real_write(2, msg, sizeof msg - 1);
        }
        errno = fail_errno;
        return -1;
    }
    if ((long long)n > left) n = (size_t)left;
    {
        ssize_t k = real_write(fd, buf, n);
        if (k > 0) used += k;
        return k;
    }
}

/* ---- cookie streams: stdio buffers, then hands whole buffers to ck_write -> write() above */
static ssize_t ck_read(void *c, char *buf, size_t n) { return read(((cookie_t *)c)->fd, buf, n); }
static ssize_t ck_write(void *c, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) { /* as glibc's own file streams: retry a short write, so errno is the
                        * failing write's (a short count sets the stream's error flag) */
        ssize_t k = write(((cookie_t *)c)->fd, buf + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        done += (size_t)k;
    }
    return (ssize_t)done;
}
static int ck_seek(void *c, off64_t *off, int whence)
{
    off64_t r = lseek(((cookie_t *)c)->fd, *off, whence);
    if (r < 0) return -1;
    *off = r;
    return 0;
}
static int ck_close(void *c)
{
    cookie_t *k = c;
    int fd = k->fd;
    k->fp = NULL;
    k->fd = -1;
    return close(fd);
}

static FILE *wrap_fd(int fd, const char *mode)
{
    cookie_io_functions_t io = { ck_read, ck_write, ck_seek, ck_close };
    int i;
    for (i = 0; i < MAX_COOKIES; i++)
        if (!cookies[i].fp) break;
    if (i == MAX_COOKIES) return NULL;
    cookies[i].fd = fd;
    if (!(cookies[i].fp = fopencookie(&cookies[i], mode, io))) return NULL;
    return cookies[i].fp;
}

static cookie_t *find(FILE *fp)
{
    int i;
    for (i = 0; i < MAX_COOKIES; i++)
        if (cookies[i].fp && cookies[i].fp == fp) return &cookies[i];
    return NULL;
}

static int writes(const char *mode) { return mode[0] != 'r' || strchr(mode, '+'); }

static int open_flags(const char *mode)
{
    int f = strchr(mode, '+') ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
    if (mode[0] == 'w') f |= O_CREAT | O_TRUNC;
    if (mode[0] == 'a') f |= O_CREAT | O_APPEND;
    if (strchr(mode, 'x')) f |= O_EXCL;
    if (strchr(mode, 'e')) f |= O_CLOEXEC;
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    int fd;
    FILE *fp;
    init_real();
    if (!writes(mode)) return real_fopen(path, mode);
    if ((fd = open(path, open_flags(mode), 0666)) < 0) return NULL;
    if (!(fp = wrap_fd(fd, mode))) { close(fd); errno = EMFILE; }
    return fp;
}
FILE *fopen64(const char *path, const char *mode) { return fopen(path, mode); }

FILE *fdopen(int fd, const char *mode)
{
    init_real();
    return writes(mode) && fd != 2 ? wrap_fd(fd, mode) : real_fdopen(fd, mode);
}

FILE *freopen(const char *path, const char *mode, FILE *fp)
{
    cookie_t *k;
    int fd;
    init_real();
    if (!(k = find(fp))) return real_freopen(path, mode, fp);
    fflush(fp);
    if (!path) return fp;
    if ((fd = open(path, open_flags(mode), 0666)) < 0) { fclose(fp); return NULL; }
    if (dup2(fd, k->fd) < 0) { close(fd); fclose(fp); return NULL; }
    close(fd);
    clearerr(fp);
    return fp;
}
FILE *freopen64(const char *path, const char *mode, FILE *fp) { return freopen(path, mode, fp); }

__attribute__((constructor)) static void failwrite_init(void)
{
    const char *s;
    FILE *fp;
    init_real();
    if ((s = getenv("FAILWRITE_AFTER"))) budget = strtoll(s, NULL, 10);
    if ((s = getenv("FAILWRITE_ERRNO"))) fail_errno = atoi(s);
    do_log = getenv("FAILWRITE_LOG") != NULL;
    if ((fp = wrap_fd(1, "w"))) stdout = fp;
}
