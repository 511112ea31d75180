/* tsc_util.c -- logging, strict number parsing and small helpers shared by every tool.
 * Part of tsc (Telescope in C). MIT licence. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tsc_util.h"

static const char *g_prog = "tsc";
static int g_verbosity = TSC_LOG_WARNING;
static int g_nerr; /* errors logged so far (tsc_close_stdout then adds no second message) */

void tsc_set_progname(const char *argv0)
{
    const char *p = argv0 ? strrchr(argv0, '/') : NULL;
    g_prog = p ? p + 1 : (argv0 ? argv0 : "tsc");
}

const char *tsc_progname(void) { return g_prog; }
void tsc_set_verbosity(int level) { g_verbosity = level; }
int tsc_verbosity(void) { return g_verbosity; }

void tsc_log(int level, const char *func, const char *fmt, ...)
{
    static const char *names[] = { "", "error", "warning", "info", "debug" };
    va_list ap;
    if (level <= TSC_LOG_ERROR) g_nerr++;
    if (level > g_verbosity) return;
    if (level < TSC_LOG_ERROR) level = TSC_LOG_ERROR;
    if (level > TSC_LOG_DEBUG) level = TSC_LOG_DEBUG;
    fflush(stdout);
    if (g_verbosity >= TSC_LOG_DEBUG && func)
        fprintf(stderr, "%s: %s [%s]: ", g_prog, names[level], func);
    else if (level == TSC_LOG_INFO)
        fprintf(stderr, "%s: ", g_prog);
    else
        fprintf(stderr, "%s: %s: ", g_prog, names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int tsc_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !*s) return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return -1;
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int tsc_parse_int(const char *s, int lo, int hi, int *out)
{
    int64_t v;
    if (tsc_parse_int64(s, lo, hi, &v) < 0) return -1;
    *out = (int)v;
    return 0;
}

int tsc_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;
    if (!s || !*s) return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || isnan(v)) return -1;
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int needs_quote(const char *s)
{
    if (!*s) return 1;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("-_./=:,+@%", *s))) return 1;
    return 0;
}

char *tsc_cmdline(int argc, char *const *argv)
{
    size_t n = 1;
    int i;
    char *s, *p;
    for (i = 0; i < argc; i++) n += 4 * strlen(argv[i]) + 3;
    if (!(s = malloc(n))) return NULL;
    p = s;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i) *p++ = ' ';
        if (!needs_quote(a)) { p += sprintf(p, "%s", a); continue; }
        *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'') { memcpy(p, "'\\''", 4); p += 4; }
            else *p++ = *a;
        }
        *p++ = '\'';
    }
    *p = 0;
    return s;
}

double tsc_realtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int tsc_close_stdout(void)
{
    int err = fflush(stdout) != 0 || ferror(stdout);
    int eno = errno;
    if (fclose(stdout) != 0 && !err) { err = 1; eno = errno; }
    if (err) {
        /* after "x: write failed: No space left on device" from the writer itself, a second
         * message about the same failure says nothing new */
        if (!g_nerr) tsc_log(TSC_LOG_ERROR, __func__, "writing to standard output failed: %s", strerror(eno ? eno : EIO));
        return -1;
    }
    return 0;
}

int tsc_grow(void **a, size_t *m, size_t n, size_t sz)
{
    size_t nm;
    void *p;
    if (n <= *m) return 0;
    nm = *m < 16 ? 16 : *m;
    while (nm < n) {
        if (nm > SIZE_MAX / 3) { nm = n; break; }
        nm += nm >> 1;
    }
    if (sz && nm > SIZE_MAX / sz) { errno = ENOMEM; return -1; }
    p = realloc(*a, nm * sz);
    if (!p) return -1;
    *a = p;
    *m = nm;
    return 0;
}

char *tsc_repr_double(double x, char *buf)
{
    char tmp[40], digits[24], *e;
    int prec, exp10, nd, i;
    if (isnan(x)) { strcpy(buf, "nan"); return buf; }
    if (isinf(x)) { strcpy(buf, x < 0 ? "-inf" : "inf"); return buf; }
    if (x == 0) { strcpy(buf, signbit(x) ? "-0.0" : "0.0"); return buf; }
    /* shortest precision that round-trips */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        if (strtod(tmp, NULL) == x) break;
        /* just above a power of two the gap below is half the gap above: the shortest decimal
         * that round-trips may be the next one up rather than the nearest */
        if (frexp(x, &i) == 0.5 || frexp(x, &i) == -0.5) {
            char up[40];
            int k;
            strcpy(up, tmp);
            for (k = (int)(strchr(up, 'e') - up) - 1; k >= 0 && up[k] != '-'; k--) {
                if (up[k] == '.') continue;
                if (up[k] < '9') { up[k]++; break; }
                up[k] = '0';
            }
            if (k >= 0 && up[k] != '-' && strtod(up, NULL) == x) { strcpy(tmp, up); break; }
        }
    }
    /* tmp = [-]d[.ddd]e[+-]XX : collect digits and exponent */
    e = strchr(tmp, 'e');
    exp10 = atoi(e + 1);
    nd = 0;
    for (i = (tmp[0] == '-'); tmp + i < e; i++)
        if (tmp[i] != '.') digits[nd++] = tmp[i];
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    {
        char *p = buf;
        if (x < 0) *p++ = '-';
        if (exp10 < -4 || exp10 >= 16) {
            *p++ = digits[0];
            if (nd > 1) { *p++ = '.'; memcpy(p, digits + 1, nd - 1); p += nd - 1; }
            sprintf(p, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
        } else if (exp10 < 0) {
            *p++ = '0'; *p++ = '.';
            for (i = 0; i < -exp10 - 1; i++) *p++ = '0';
            memcpy(p, digits, nd); p += nd;
            *p = 0;
        } else {
            for (i = 0; i <= exp10; i++) *p++ = i < nd ? digits[i] : '0';
            *p++ = '.';
            if (nd > exp10 + 1) { memcpy(p, digits + exp10 + 1, nd - exp10 - 1); p += nd - exp10 - 1; }
            else *p++ = '0';
            *p = 0;
        }
    }
    return buf;
}

int tsc_usage_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: error: ", g_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", g_prog);
    return 2;
}

void tsc_print_version(void)
{
    printf("%s (tsc) %s\n", g_prog, TSC_VERSION);
}

const char *tsc_input_arg(int argc, char *const *argv, int idx)
{
    if (argc - idx > 1) { tsc_usage_error("too many arguments"); return NULL; }
    if (argc - idx == 1) return argv[idx];
    if (isatty(0)) { tsc_usage_error("no input: give a file, or pipe a stream into stdin"); return NULL; }
    return "-";
}

int tsc_tsv_first_field(char *s, char **name, char **rest)
{
    char *p, *d;
    if (*s == '"') {
        for (p = d = s + 1; *p; p++) {
            if (*p == '"') {
                if (p[1] == '"') { *d++ = '"'; p++; continue; }
                break;
            }
            *d++ = *p;
        }
        if (*p != '"' || (p[1] != '\t' && p[1] != 0)) return -1;
        *d = 0;
        *name = s + 1;
        *rest = p[1] ? p + 2 : p + 1;
        return 0;
    }
    *name = s;
    if ((p = strchr(s, '\t'))) *p = 0, *rest = p + 1;
    else *rest = s + strlen(s);
    return 0;
}

void tsc_tsv_put_field(FILE *out, const char *s)
{
    if (strpbrk(s, "\t\"\n\r")) {
        putc('"', out);
        for (; *s; s++) {
            if (*s == '"') putc('"', out);
            putc(*s, out);
        }
        putc('"', out);
    } else fputs(s, out);
}
