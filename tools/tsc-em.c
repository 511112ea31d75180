/* tsc-em -- fit Telescope's EM to a MATRIX or BLOCKS stream and write a FIT stream.
 * Part of tsc (Telescope in C). MIT licence. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_em.h"
#include "tsc_util.h"

static void usage(FILE *fp, const tsc_em_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-em [options] [MATRIX|BLOCKS|FIT] > FIT\n"
"Fit Telescope's EM (exactly as upstream: same iterations, same numbers) to a score matrix and\n"
"write a FIT stream: the matrix in its original order plus pi, theta, their values after the\n"
"first iteration, the final z and the log-likelihood. Reads stdin when no file is given.\n"
"\n"
"Model (Telescope's names with '_' are accepted too):\n"
"  -p, --pi-prior FLOAT     prior on pi, in unique reads [%g]\n"
"  -T, --theta-prior FLOAT  prior on theta, in non-unique reads [%g]\n"
"  -e, --em-epsilon FLOAT   stop when the L1 change of pi (or of the lnl) is below this [%g]\n"
"  -n, --max-iter INT       stop after INT iterations [%d]\n"
"  -L, --use-likelihood     converge on the change of the log-likelihood, not of pi\n"
"Backend:\n"
"  -B, --backend NAME       auto, openmp or opencl [%s]; auto uses an OpenCL GPU for matrices\n"
"                           of at least %d cells, else OpenMP\n"
"  -d, --device P:D         OpenCL platform and device index [first suitable]\n"
"  -t, --threads INT        total threads (OpenMP) [%d]\n"
"Output:\n"
"  -o, --output FILE        write the FIT stream to FILE [stdout]\n"
"  -q, --quiet              no iteration and result lines on stderr\n"
"  -v, --verbose            more messages (timings)\n"
"  -h, --help               this help\n"
"  -V, --version            print the version\n"
"\n"
"See tsc-em(1).\n",
            o->pi_prior, o->theta_prior, o->epsilon, o->max_iter, tsc_em_backend_name(o->backend),
            TSC_EM_AUTO_GPU_NNZ, o->n_threads);
}

/* attach the fit to M (which becomes a FIT stream in original order) */
static int attach_fit(tsc_mtx_t *m, tsc_em_result_t *r, const char *cmdline)
{
    free(m->pi), free(m->theta), free(m->pi_init), free(m->theta_init), free(m->z);
    m->pi = r->pi, m->theta = r->theta, m->pi_init = r->pi_init, m->theta_init = r->theta_init, m->z = r->z;
    r->pi = r->theta = r->pi_init = r->theta_init = r->z = NULL;
    m->lnl = r->lnl;
    free(m->trace_diff), free(m->trace_lnl);
    m->n_trace = r->trace_diff ? r->iterations : 0;
    m->trace_diff = r->trace_diff, m->trace_lnl = r->trace_lnl;
    r->trace_diff = r->trace_lnl = NULL;
    /* the FIT is in original order whatever came in: no block sections */
    free(m->brpt), free(m->brow), free(m->bcpt), free(m->bcol);
    m->brpt = m->brow = m->bcpt = NULL, m->bcol = NULL, m->n_blocks = 0;
    m->hdr->kind = TSC_KIND_FIT;
    if (tsc_hdr_set_info_int(m->hdr, "_em_iterations", r->iterations) < 0
        || tsc_hdr_set_info_int(m->hdr, "_em_converged", r->converged) < 0
        || tsc_hdr_set_info(m->hdr, "_em_backend", tsc_em_backend_name(r->backend)) < 0
        || tsc_hdr_add_prov(m->hdr, "tsc-em", TSC_VERSION, cmdline) < 0) {
        tsc_error("out of memory");
        return -1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        { "pi-prior", 1, NULL, 'p' }, { "pi_prior", 1, NULL, 'p' },
        { "theta-prior", 1, NULL, 'T' }, { "theta_prior", 1, NULL, 'T' },
        { "em-epsilon", 1, NULL, 'e' }, { "em_epsilon", 1, NULL, 'e' },
        { "max-iter", 1, NULL, 'n' }, { "max_iter", 1, NULL, 'n' },
        { "use-likelihood", 0, NULL, 'L' }, { "use_likelihood", 0, NULL, 'L' },
        { "backend", 1, NULL, 'B' }, { "device", 1, NULL, 'd' }, { "threads", 1, NULL, 't' },
        { "output", 1, NULL, 'o' }, { "quiet", 0, NULL, 'q' },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_em_opt_t opt;
    tsc_em_result_t res;
    tsc_mtx_t *m = NULL;
    const char *in, *out = "-";
    char *cmdline = NULL;
    int c, verbosity = TSC_LOG_INFO, ret = 1;

    tsc_set_progname("tsc-em");
    tsc_em_opt_init(&opt);
    memset(&res, 0, sizeof(res));
    while ((c = getopt_long(argc, argv, "p:T:e:n:LB:d:t:o:q" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'p':
            if (tsc_parse_double(optarg, 0, 1e300, &opt.pi_prior) < 0)
                return tsc_usage_error("--pi-prior: '%s' is not a number >= 0", optarg);
            break;
        case 'T':
            if (tsc_parse_double(optarg, 0, 1e300, &opt.theta_prior) < 0)
                return tsc_usage_error("--theta-prior: '%s' is not a number >= 0", optarg);
            break;
        case 'e':
            if (tsc_parse_double(optarg, 0, 1e300, &opt.epsilon) < 0)
                return tsc_usage_error("--em-epsilon: '%s' is not a number >= 0", optarg);
            break;
        case 'n':
            if (tsc_parse_int(optarg, 1, 1000000000, &opt.max_iter) < 0)
                return tsc_usage_error("--max-iter: '%s' is not an integer >= 1", optarg);
            break;
        case 'L': opt.use_likelihood = 1; break;
        case 'B':
            if (strcmp(optarg, "auto") == 0) opt.backend = TSC_EM_AUTO;
            else if (strcmp(optarg, "openmp") == 0) opt.backend = TSC_EM_OPENMP;
            else if (strcmp(optarg, "opencl") == 0) opt.backend = TSC_EM_OPENCL;
            else return tsc_usage_error("--backend: '%s' is not auto, openmp or opencl", optarg);
            break;
        case 'd': {
            char *colon = strchr(optarg, ':');
            if (!colon) return tsc_usage_error("--device: '%s' is not P:D (platform:device)", optarg);
            *colon = 0;
            if (tsc_parse_int(optarg, 0, 1000, &opt.cl_platform) < 0 || tsc_parse_int(colon + 1, 0, 1000, &opt.cl_device) < 0) {
                *colon = ':';
                return tsc_usage_error("--device: '%s' is not P:D (platform:device)", optarg);
            }
            *colon = ':';
            break;
        }
        case 't':
            if (tsc_parse_int(optarg, 1, 4096, &opt.n_threads) < 0)
                return tsc_usage_error("--threads: '%s' is not an integer in 1..4096", optarg);
            break;
        case 'o': out = optarg; break;
        case 'q': verbosity = TSC_LOG_WARNING; break;
        case 'v': ++verbosity; break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    tsc_set_verbosity(verbosity);
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (tsc_em_opt_check(&opt) < 0) return 2;
    if (strcmp(out, "-") == 0 && isatty(1)) {
        tsc_error("refusing to write a binary stream to a terminal (use -o FILE, a pipe, or tsc-view)");
        return 1;
    }
    if (!(cmdline = tsc_cmdline(argc, argv))) {
        tsc_error("out of memory");
        return 1;
    }
    m = tsc_mtx_read(in, TSC_KIND_MASK(TSC_KIND_MATRIX) | TSC_KIND_MASK(TSC_KIND_BLOCKS) | TSC_KIND_MASK(TSC_KIND_FIT));
    if (!m) goto end;
    tsc_debug("%s: %lld rows, %lld columns, %lld cells, %lld blocks", in, (long long)m->n_rows,
              (long long)m->n_cols, (long long)m->nnz, (long long)m->n_blocks);
    if (tsc_em_run(m, &opt, &res) < 0) goto end;
    tsc_debug("EM on %s: setup %.3f s, %d iterations in %.3f s (%.4f s/iteration, %.3g bytes each), final pass %.3f s",
              tsc_em_backend_name(res.backend), res.sec_setup, res.iterations, res.sec_iter,
              res.iterations ? res.sec_iter / res.iterations : 0.0, res.bytes_iter, res.sec_final);
    if (attach_fit(m, &res, cmdline) < 0) goto end;
    if (tsc_mtx_write(out, m) < 0) goto end;
    ret = 0;
end:
    tsc_em_result_free(&res);
    tsc_mtx_destroy(m);
    free(cmdline);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}
