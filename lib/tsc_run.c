/* tsc_run.c -- run sibling tools as a pipeline, and the drivers' shared helpers.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include "tsc_run.h"

char *tsc_exe_dir(void)
{
    char buf[PATH_MAX + 1], *p;
    ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);
    if (n <= 0) return NULL;
    buf[n] = 0;
    if (!(p = strrchr(buf, '/'))) return NULL;
    *p = 0;
    return strdup(buf);
}

static void child_exec(const char *bindir, char *const *argv)
{
    if (bindir && !strchr(argv[0], '/')) {
        kstring_t ks = { 0, 0, NULL };
        ksprintf(&ks, "%s/%s", bindir, argv[0]);
        if (access(ks.s, X_OK) == 0) execv(ks.s, argv);
        free(ks.s);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "%s: error: cannot run %s: %s\n", tsc_progname(), argv[0], strerror(errno));
    _exit(127);
}

int tsc_run_pipeline(const char *bindir, char **const *argvs, int n, const char *in, const char *out, int *failed)
{
    pid_t *pid = calloc((size_t)n, sizeof(pid_t));
    int i, prev = -1, ret = 0, first_bad = -1, pipe_bad = 0;
    if (!pid) return -1;
    fflush(stdout);
    fflush(stderr);
    for (i = 0; i < n; i++) {
        int fd[2] = { -1, -1 };
        if (i < n - 1 && pipe(fd) < 0) { tsc_error("pipe: %s", strerror(errno)); ret = -1; break; }
        pid[i] = fork();
        if (pid[i] < 0) { tsc_error("fork: %s", strerror(errno)); ret = -1; break; }
        if (pid[i] == 0) {
            signal(SIGPIPE, SIG_DFL);
            if (i == 0 && in) {
                int f = open(in, O_RDONLY);
                if (f < 0) { fprintf(stderr, "%s: error: cannot open %s: %s\n", tsc_progname(), in, strerror(errno)); _exit(1); }
                dup2(f, 0);
                close(f);
            } else if (prev >= 0) {
                dup2(prev, 0);
                close(prev);
            }
            if (i < n - 1) {
                dup2(fd[1], 1);
                close(fd[0]);
                close(fd[1]);
            } else if (out) {
                int f = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (f < 0) { fprintf(stderr, "%s: error: cannot write %s: %s\n", tsc_progname(), out, strerror(errno)); _exit(1); }
                dup2(f, 1);
                close(f);
            }
            child_exec(bindir, argvs[i]);
        }
        if (prev >= 0) close(prev);
        if (i < n - 1) { close(fd[1]); prev = fd[0]; }
    }
    if (prev >= 0) close(prev);
    for (i = 0; i < n && pid[i] > 0; i++) {
        int st, piped;
        while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR) ;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) continue;
        ret = -1;
        /* a stage killed by SIGPIPE failed only because a later one did: blame the later one */
        piped = WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE;
        if (!piped && (first_bad < 0 || pipe_bad)) { first_bad = i; pipe_bad = 0; }
        else if (piped && first_bad < 0) { first_bad = i; pipe_bad = 1; }
        if (WIFSIGNALED(st) && !piped) tsc_error("%s was killed by signal %d", argvs[i][0], WTERMSIG(st));
    }
    if (failed) *failed = first_bad;
    if (ret < 0 && first_bad >= 0) tsc_error("stage %s failed; see its message above", argvs[first_bad][0]);
    free(pid);
    return ret;
}

/* ---- drivers ---- */

static int drv_level = 3;

void tsc_drv_set_level(int level) { drv_level = level; }
int tsc_drv_level(void) { return drv_level; }

void tsc_drv_log(int level, const char *fmt, ...)
{
    static const char *names[] = { "", "ERROR", "WARNING", "INFO", "DEBUG" };
    char tb[32];
    time_t t = time(NULL);
    va_list ap;
    if (level > drv_level || level < 1 || level > 4) return;
    strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S", localtime(&t));
    fprintf(stderr, "%s %-8s ", tb, names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void tsc_argv_add(tsc_argv_t *v, const char *s)
{
    char *d;
    if (v->err) return;
    if (v->n + 2 > v->m) {
        int m = v->m ? 2 * v->m : 16;
        char **a = realloc(v->a, (size_t)m * sizeof(char *));
        if (!a) { v->err = 1; return; }
        v->a = a, v->m = m;
    }
    if (!(d = strdup(s))) { v->err = 1; return; }
    v->a[v->n++] = d;
    v->a[v->n] = NULL;
}

void tsc_argv_num(tsc_argv_t *v, double x)
{
    char b[32];
    if (x == floor(x) && fabs(x) < 1e15) snprintf(b, sizeof b, "%.0f", x);
    else tsc_repr_double(x, b);
    tsc_argv_add(v, b);
}

void tsc_argv_free(tsc_argv_t *v)
{
    for (int i = 0; i < v->n; i++) free(v->a[i]);
    free(v->a);
    memset(v, 0, sizeof(*v));
}

int tsc_run_argv(const char *bindir, tsc_argv_t *const *av, int n, const char *in, const char *out)
{
    char **p[8];
    if (n < 1 || n > 8) { tsc_error("internal error: %d stages", n); return -1; }
    for (int i = 0; i < n; i++) {
        if (av[i]->err || !av[i]->a) { tsc_error("out of memory"); return -1; }
        p[i] = av[i]->a;
    }
    return tsc_run_pipeline(bindir, p, n, in, out, NULL);
}

char *tsc_out_path(const char *outdir, const char *tag, const char *suffix)
{
    kstring_t ks = { 0, 0, NULL };
    if (ksprintf(&ks, "%s/%s-%s", outdir, tag, suffix) < 0) {
        free(ks.s);
        tsc_error("out of memory");
        return NULL;
    }
    return ks.s;
}

int tsc_mkdir_p(const char *dir)
{
    char *p, *d = strdup(dir);
    if (!d) return -1;
    for (p = d + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(d, 0777) < 0 && errno != EEXIST) { free(d); return -1; }
            *p = '/';
        }
    if (mkdir(d, 0777) < 0 && errno != EEXIST) { free(d); return -1; }
    free(d);
    return 0;
}
