/* tsc_run.h -- run sibling tools as a pipeline, and what the drivers (tsc-assign, tsc-sc) share:
 * their log format, argv building, output paths.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_RUN_H
#define TSC_RUN_H

#include "tsc_util.h"

/** Directory of the running executable (to find sibling tools); caller frees. NULL if unknown. */
char *tsc_exe_dir(void);

/** Run the N commands ARGVS[0] | ARGVS[1] | ... , each a NULL-terminated argv whose argv[0] is a
 * program name looked up first in BINDIR (if not NULL), then on PATH. stdin of the first comes from
 * IN (NULL = inherit), stdout of the last goes to OUT (created/truncated; NULL = inherit).
 * Returns 0 if every stage exited 0, else -1 after logging which stage failed and how; *FAILED
 * (if not NULL) gets the index of the first failing stage. */
int tsc_run_pipeline(const char *bindir, char **const *argvs, int n, const char *in, const char *out,
                     int *failed) TSC_RESULT_USED;

/* ---- drivers ---- */

/** Log levels of the drivers: 2 quiet (errors and warnings), 3 info (default), 4 debug. */
void tsc_drv_set_level(int level);
int tsc_drv_level(void);
/** Log as Telescope and Stellarscope do: "YYYY-mm-dd HH:MM:SS LEVEL    message" on stderr
 * (LEVEL 1 error, 2 warning, 3 info, 4 debug), if LEVEL <= the level set. */
void tsc_drv_log(int level, const char *fmt, ...) TSC_PRINTF(2, 3);

/** A NULL-terminated argv under construction. Out of memory sets ERR (and later additions do
 * nothing); tsc_run_argv() checks it once, before the stage runs. Start from {0}. */
typedef struct {
    int n, m, err;
    char **a;
} tsc_argv_t;
void tsc_argv_add(tsc_argv_t *v, const char *s);
/** X as the shortest decimal that reads back to the same double (a stage gets the exact value). */
void tsc_argv_num(tsc_argv_t *v, double x);
void tsc_argv_free(tsc_argv_t *v);
/** tsc_run_pipeline() of the N (<= 8) argvs AV, or -1 (logged) if building one ran out of memory. */
int tsc_run_argv(const char *bindir, tsc_argv_t *const *av, int n, const char *in, const char *out) TSC_RESULT_USED;

/** OUTDIR/TAG-SUFFIX (caller frees); NULL on OOM (logged). */
char *tsc_out_path(const char *outdir, const char *tag, const char *suffix);
/** mkdir -p DIR. 0, or -1 with errno set. */
int tsc_mkdir_p(const char *dir) TSC_RESULT_USED;

#endif
