/* tsc_run.h -- run sibling tools as a pipeline (for drivers such as tsc-assign).
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

#endif
