/* tsc_util.h -- logging, strict number parsing and small helpers shared by every tool.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_UTIL_H
#define TSC_UTIL_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#ifndef TSC_VERSION
#define TSC_VERSION "unknown"
#endif

#if defined(__GNUC__)
#define TSC_RESULT_USED __attribute__((warn_unused_result))
#define TSC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TSC_RESULT_USED
#define TSC_PRINTF(a, b)
#endif

/* Log levels, as htslib's hts_log. */
enum tsc_log_level { TSC_LOG_ERROR = 1, TSC_LOG_WARNING = 2, TSC_LOG_INFO = 3, TSC_LOG_DEBUG = 4 };

/** Program name used as the prefix of every message ("tsc-em"); set once by main(). */
void tsc_set_progname(const char *argv0);
const char *tsc_progname(void);
/** Verbosity: messages above this level are dropped. Default TSC_LOG_WARNING. */
void tsc_set_verbosity(int level);
int tsc_verbosity(void);

/** Print "PROG: error|warning|info: MSG" on stderr (stdout flushed first).
 * At TSC_LOG_DEBUG verbosity the function name is shown too. */
void tsc_log(int level, const char *func, const char *fmt, ...) TSC_PRINTF(3, 4);
#define tsc_error(...) tsc_log(TSC_LOG_ERROR, __func__, __VA_ARGS__)
#define tsc_warn(...) tsc_log(TSC_LOG_WARNING, __func__, __VA_ARGS__)
#define tsc_info(...) tsc_log(TSC_LOG_INFO, __func__, __VA_ARGS__)
#define tsc_debug(...) tsc_log(TSC_LOG_DEBUG, __func__, __VA_ARGS__)

/** Strict parsing (strtol/strtod + endptr + errno + range). Return 0, or -1 if S is not
 * a number in [lo, hi] (nothing logged; the caller names the option). */
int tsc_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out) TSC_RESULT_USED;
int tsc_parse_int(const char *s, int lo, int hi, int *out) TSC_RESULT_USED;
int tsc_parse_double(const char *s, double lo, double hi, double *out) TSC_RESULT_USED;

/** The command line joined by spaces, words with odd characters single-quoted.
 * Caller frees with free(). */
char *tsc_cmdline(int argc, char *const *argv);

/** Wall-clock seconds since an arbitrary origin (for progress and logs only). */
double tsc_realtime(void);

/** Close stdout and report a failed write (full disk, closed pipe). Returns 0 or -1. */
int tsc_close_stdout(void) TSC_RESULT_USED;

/** Growable-array helper: make room for at least N elements of size SZ in *A (capacity *M).
 * Grows 1.5x, checks overflow, assigns only after realloc succeeded. Returns 0 or -1. */
int tsc_grow(void **a, size_t *m, size_t n, size_t sz) TSC_RESULT_USED;
#define TSC_GROW(a, m, n) tsc_grow((void **)&(a), &(m), (n), sizeof(*(a)))

/** Python-repr formatting of a double: shortest round-trip decimal, ".0" on integral values,
 * exponent form when exp10 < -4 or >= 16 ("1e-05", "1e+16"), "inf", "nan".
 * Writes into BUF (at least 32 bytes); returns BUF. */
char *tsc_repr_double(double x, char *buf);

/* ---- conventions shared by every tool (tools/ only) ---- */
/** getopt_long entries of the options every tool has: -h/--help, -V/--version, -v/--verbose. */
#define TSC_LONGOPT_GLOBAL \
    { "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' }, { "verbose", 0, NULL, 'v' }
#define TSC_GETOPT_GLOBAL "hVv"
/** Print "PROG: error: MSG" and "Try 'PROG --help'..." on stderr; returns 2 (usage error). */
int tsc_usage_error(const char *fmt, ...) TSC_PRINTF(1, 2);
/** Print "PROG (tsc) VERSION" on stdout. */
void tsc_print_version(void);
/** The single input argument of a filter: ARGV[IDX] if present, else "-" when stdin is not a
 * terminal. Returns the path, or NULL (after a usage message) when there is none or too many. */
const char *tsc_input_arg(int argc, char *const *argv, int idx);

/** The first field of the TSV line S, quoted as pandas quotes it ("a""b" for a"b) or not, into
 * *NAME, NUL-terminated in place; *REST points after its tab (or at the end of S).
 * -1 if a quote is not closed (or not followed by a tab or the end). */
int tsc_tsv_first_field(char *s, char **name, char **rest) TSC_RESULT_USED;
/** Write S as a TSV field, quoted as pandas quotes it when it holds a tab, quote or newline. */
void tsc_tsv_put_field(FILE *out, const char *s);

#endif
