/* tsc-simulate -- make a TE RNA-seq data set with a known truth: GTF, BAM, truth table.
 * Part of tsc (Telescope in C). MIT licence. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include "tsc_util.h"
#include "tsc_sim.h"
#include "tsc_sim_sc.h"

enum {
    O_MODELSEED, O_UNANNOT = 256, O_EXPRESSED, O_UNMAPPED, O_SINGLE, O_DISCORD, O_PARALOG, O_INDEL, O_INSMEAN, O_INSSD,
    O_E2E, O_NH, O_LIBRARY, O_SORTED, O_SEQ, O_SC, O_CELLS, O_AMBIENT, O_AMBFRAC, O_TYPES, O_DUP, O_NOCB, O_BCERR,
    O_UMILEN, O_SUFFIX, O_ORIGIN
};

static const struct option long_opts[] = {
    {"seed", required_argument, NULL, 's'},
    {"model-seed", required_argument, NULL, O_MODELSEED},
    {"fragments", required_argument, NULL, 'n'},
    {"loci", required_argument, NULL, 'L'},
    {"genes", required_argument, NULL, 'G'},
    {"chroms", required_argument, NULL, 'c'},
    {"read-length", required_argument, NULL, 'r'},
    {"fraction-te", required_argument, NULL, 'f'},
    {"fraction-unannotated", required_argument, NULL, O_UNANNOT},
    {"expressed", required_argument, NULL, O_EXPRESSED},
    {"unmapped", required_argument, NULL, O_UNMAPPED},
    {"singletons", required_argument, NULL, O_SINGLE},
    {"discordant", required_argument, NULL, O_DISCORD},
    {"paralogs", required_argument, NULL, O_PARALOG},
    {"indels", required_argument, NULL, O_INDEL},
    {"insert-mean", required_argument, NULL, O_INSMEAN},
    {"insert-sd", required_argument, NULL, O_INSSD},
    {"max-hits", required_argument, NULL, 'k'},
    {"end-to-end", no_argument, NULL, O_E2E},
    {"nh", no_argument, NULL, O_NH},
    {"library", required_argument, NULL, O_LIBRARY},
    {"sorted", no_argument, NULL, O_SORTED},
    {"seq", required_argument, NULL, O_SEQ},
    {"single-cell", no_argument, NULL, O_SC},
    {"cells", required_argument, NULL, O_CELLS},
    {"ambient", required_argument, NULL, O_AMBIENT},
    {"ambient-fraction", required_argument, NULL, O_AMBFRAC},
    {"celltypes", required_argument, NULL, O_TYPES},
    {"reads-per-umi", required_argument, NULL, O_DUP},
    {"no-barcode", required_argument, NULL, O_NOCB},
    {"barcode-errors", required_argument, NULL, O_BCERR},
    {"umi-length", required_argument, NULL, O_UMILEN},
    {"cb-suffix", no_argument, NULL, O_SUFFIX},
    {"origin-tag", no_argument, NULL, O_ORIGIN},
    {"level", required_argument, NULL, 'l'},
    {"sort-mem", required_argument, NULL, 'm'},
    {"threads", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0}};

static const char *lib_name[] = {"unstranded", "FR", "RF"};
static const char *seq_name[] = {"all", "primary", "none"};

static void usage(FILE *fp, const tsc_sim_opt_t *o, const tsc_sim_sc_opt_t *so)
{
    fprintf(fp,
            "Usage: tsc-simulate [options] -o PREFIX\n"
            "Make a simulated TE RNA-seq data set with a known truth: PREFIX.gtf (TE loci, Telescope's\n"
            "layout), PREFIX.bam (paired-end alignments shaped like bowtie2 -k output; name-collated, or\n"
            "coordinate-sorted with PREFIX.bam.bai) and PREFIX.truth.tsv (true fragments per locus).\n"
            "The same options and seed give byte-identical files.\n\n"
            "Data set:\n"
            "  -s, --seed INT            random seed [%llu]\n"
            "      --model-seed INT      seed of the genome model (loci, copies, expression) [--seed]:\n"
            "                            samples of one study share it and differ in --seed\n"
            "  -n, --fragments INT       fragments (read pairs) [%lld]\n"
            "  -L, --loci INT            annotated TE loci [%d]\n"
            "  -G, --genes INT           genes, the source of non-TE fragments [%d]\n"
            "  -c, --chroms INT          chromosomes [%d]\n"
            "  -r, --read-length INT     bases per mate, 20-%d [%d]\n"
            "      --insert-mean FLOAT   mean fragment length [%g]\n"
            "      --insert-sd FLOAT     fragment length standard deviation [%g]\n"
            "  -f, --fraction-te FLOAT   share of fragments from TE copies [%g]\n"
            "      --fraction-unannotated FLOAT\n"
            "                            share of TE fragments from unannotated copies [%g]\n"
            "      --expressed FLOAT     share of TE copies that are expressed [%g]\n"
            "      --unmapped FLOAT      share of fragments that are unmapped pairs [%g]\n"
            "      --singletons FLOAT    share of mapped fragments with one mate unmapped [%g]\n"
            "      --discordant FLOAT    share of gene fragments that are discordant [%g]\n"
            "      --paralogs FLOAT      share of gene fragments that also align to other genes [%g]\n"
            "      --indels FLOAT        share of gene mates with a 1-3 bp indel [%g]\n"
            "Alignments:\n"
            "  -k, --max-hits INT        most alignments per fragment (bowtie2 -k) [%d]\n"
            "      --end-to-end          bowtie2 --end-to-end scores (AS <= 0, no soft clips) [--local]\n"
            "      --nh                  add NH:i tags [no]\n"
            "      --library STR         unstranded, FR or RF [%s]\n"
            "      --seq STR             records with SEQ and QUAL: all (as bowtie2), primary, none [%s]\n"
            "Single cell (--single-cell: 10x 3' single-end reads aligned as STARsolo writes them; -n counts\n"
            "reads, -r defaults to 90; outputs also PREFIX.whitelist.tsv, PREFIX.celltypes.tsv and\n"
            "PREFIX.cells.truth.tsv):\n"
            "      --single-cell         make a single-cell data set\n"
            "      --cells INT           cells, i.e. whitelisted barcodes [%d]\n"
            "      --ambient INT         ambient barcodes (not whitelisted, few reads) [%d]\n"
            "      --ambient-fraction FLOAT\n"
            "                            share of molecules from ambient barcodes [%g]\n"
            "      --celltypes INT       cell types, each with its own TE profile [%d]\n"
            "      --reads-per-umi FLOAT mean reads per molecule (PCR duplicates) [%g]\n"
            "      --no-barcode FLOAT    share of reads without a valid barcode (CB:Z:-) [%g]\n"
            "      --barcode-errors FLOAT\n"
            "                            share of reads with an error in CR (UR) corrected in CB (UB) [%g]\n"
            "      --umi-length INT      UMI length, 4-16 [%d]\n"
            "      --cb-suffix           Cell Ranger's CB form, BARCODE-1 (also in the whitelist) [no]\n"
            "      --origin-tag          add YL:Z:<true locus or *> to every record (for tests) [no]\n"
            "Output:\n"
            "  -o, --output PREFIX       output prefix (required)\n"
            "      --sorted              coordinate-sort the BAM and index it [name-collated]\n"
            "  -l, --level INT           BGZF compression level 0-9, -1 for htslib's default [1]\n"
            "  -m, --sort-mem SIZE       records held in memory per sorted chunk (K, M, G) [768M]\n"
            "  -t, --threads INT         threads for generation and compression [1]\n"
            "  -v, --verbose             more messages (repeat for more)\n"
            "  -h, --help                this help\n"
            "  -V, --version             print the version\n",
            (unsigned long long)o->seed, (long long)o->n_frag, o->n_loci, o->n_genes, o->n_chrom, TSC_SIM_MAX_RL,
            o->read_len, o->ins_mean, o->ins_sd, o->frac_te, o->frac_unannot, o->frac_expressed, o->frac_unmapped,
            o->frac_single, o->frac_discord, o->frac_paralog, o->frac_indel, o->max_hits, lib_name[o->library], seq_name[o->seq_mode],
            so->n_cells, so->n_ambient, so->frac_ambient, so->n_types, so->dup_mean, so->frac_nocb, so->frac_bcerr, so->umi_len);
}

static int usage_error(const char *msg, const char *arg)
{
    tsc_error("%s%s%s", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "try 'tsc-simulate --help'\n");
    return 2;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    double mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1024, end++;
    else if (*end == 'm' || *end == 'M') mul = 1024.0 * 1024, end++;
    else if (*end == 'g' || *end == 'G') mul = 1024.0 * 1024 * 1024, end++;
    if (*end) return -1;
    v *= mul;
    if (v < 1 << 20 || v > 1e13) return -1;
    *out = (size_t)v;
    return 0;
}

/* the options that shape the data, in a fixed order: @PG CL does not depend on -o or -t */
static char *canonical_cl(const tsc_sim_opt_t *o, int sorted)
{
    kstring_t ks = {0, 0, NULL};
    char ms[48] = "";
    if (o->model_seed != UINT64_MAX) snprintf(ms, sizeof ms, " --model-seed %llu", (unsigned long long)o->model_seed);
    ksprintf(&ks, "tsc-simulate --seed %llu --fragments %lld --loci %d --genes %d --chroms %d --read-length %d"
                  " --insert-mean %g --insert-sd %g --fraction-te %g --fraction-unannotated %g --expressed %g"
                  " --unmapped %g --singletons %g --discordant %g --paralogs %g --indels %g --max-hits %d"
                  " --library %s --seq %s%s%s%s%s",
             (unsigned long long)o->seed, (long long)o->n_frag, o->n_loci, o->n_genes, o->n_chrom, o->read_len,
             o->ins_mean, o->ins_sd, o->frac_te, o->frac_unannot, o->frac_expressed, o->frac_unmapped,
             o->frac_single, o->frac_discord, o->frac_paralog, o->frac_indel, o->max_hits, lib_name[o->library],
             seq_name[o->seq_mode], o->end_to_end ? " --end-to-end" : "", o->nh_tag ? " --nh" : "", sorted ? " --sorted" : "",
             ms);
    return ks.s;
}

/* the same for the single-cell mode: the options that shape its data */
static char *canonical_cl_sc(const tsc_sim_opt_t *o, const tsc_sim_sc_opt_t *so, int sorted)
{
    kstring_t ks = {0, 0, NULL};
    char ms[48] = "";
    if (o->model_seed != UINT64_MAX) snprintf(ms, sizeof ms, " --model-seed %llu", (unsigned long long)o->model_seed);
    ksprintf(&ks, "tsc-simulate --single-cell --seed %llu --fragments %lld --loci %d --genes %d --chroms %d"
                  " --read-length %d --insert-mean %g --insert-sd %g --fraction-te %g --fraction-unannotated %g"
                  " --expressed %g --unmapped %g --paralogs %g --max-hits %d --cells %d --ambient %d"
                  " --ambient-fraction %g --celltypes %d --reads-per-umi %g --no-barcode %g --barcode-errors %g"
                  " --umi-length %d --seq %s%s%s%s%s",
             (unsigned long long)o->seed, (long long)o->n_frag, o->n_loci, o->n_genes, o->n_chrom, o->read_len,
             o->ins_mean, o->ins_sd, o->frac_te, o->frac_unannot, o->frac_expressed, o->frac_unmapped, o->frac_paralog,
             o->max_hits, so->n_cells, so->n_ambient, so->frac_ambient, so->n_types, so->dup_mean, so->frac_nocb,
             so->frac_bcerr, so->umi_len, seq_name[o->seq_mode], so->cb_suffix ? " --cb-suffix" : "", so->origin_tag ? " --origin-tag" : "",
             sorted ? " --sorted" : "", ms);
    return ks.s;
}

static int frac_arg(const char *a, double *v)
{
    return tsc_parse_double(a, 0, 1, v);
}

static int write_file(const char *fn, int (*fn_write)(void *, FILE *), void *arg)
{
    FILE *fp = fopen(fn, "w");
    if (!fp) {
        tsc_error("%s: cannot create the file", fn);
        return -1;
    }
    int r = fn_write(arg, fp);
    if (fclose(fp) != 0 && r == 0) {
        tsc_error("%s: cannot write", fn);
        r = -1;
    }
    return r;
}

static int w_gtf(void *a, FILE *fp) { return tsc_sim_write_gtf(a, fp); }
static int w_wl(void *a, FILE *fp) { return tsc_sim_sc_write_whitelist(a, fp); }
static int w_ct(void *a, FILE *fp) { return tsc_sim_sc_write_celltypes(a, fp); }

/* the single-cell data set: GTF, BAM (+ index), whitelist, celltypes, truth tables */
static int main_sc(const tsc_sim_opt_t *o, const tsc_sim_sc_opt_t *so, tsc_sim_wopt_t *wo, const char *prefix)
{
    static const char *suf[] = {".gtf", ".bam", ".bam.bai", ".whitelist.tsv", ".celltypes.tsv", ".truth.tsv", ".cells.truth.tsv"};
    enum { F_GTF, F_BAM, F_BAI, F_WL, F_CT, F_TRU, F_CTRU, N_F };
    kstring_t fn[N_F];
    int ret = 1;
    double t0 = tsc_realtime();
    tsc_sim_t *s = NULL;
    tsc_sim_sc_t *sc = NULL;
    FILE *fc = NULL, *fl = NULL;
    char *cl = canonical_cl_sc(o, so, wo->sorted);
    memset(fn, 0, sizeof(fn));
    for (int i = 0; i < N_F; i++)
        if (ksprintf(&fn[i], "%s%s", prefix, suf[i]) < 0) cl = (free(cl), NULL);
    if (!cl) {
        tsc_error("out of memory");
        goto out;
    }
    wo->cl = cl;
    if (!(s = tsc_sim_init(o)) || !(sc = tsc_sim_sc_init(s, so))) goto out;
    tsc_info("model built: %d loci, %d genes, %d cells, %d ambient barcodes, %d cell types (%.2f s)",
             tsc_sim_n_loci(s), o->n_genes, so->n_cells, so->n_ambient, so->n_types, tsc_realtime() - t0);
    if (write_file(fn[F_GTF].s, w_gtf, s) < 0) goto out;
    if (write_file(fn[F_WL].s, w_wl, sc) < 0 || write_file(fn[F_CT].s, w_ct, sc) < 0) goto out;
    if (!wo->sorted) unlink(fn[F_BAI].s); /* a stale index would not match */
    tsc_sim_sc_stats_t st;
    if (tsc_sim_sc_write_bam(sc, fn[F_BAM].s, wo, &st) < 0) goto out;
    if (!(fc = fopen(fn[F_CTRU].s, "w")) || !(fl = fopen(fn[F_TRU].s, "w"))) {
        tsc_error("%s: cannot create the file", fc ? fn[F_TRU].s : fn[F_CTRU].s);
        goto out;
    }
    if (tsc_sim_sc_write_truth(sc, fc, fl) < 0) goto out;
    int e1 = fclose(fc), e2 = fclose(fl);
    fc = fl = NULL;
    if (e1 != 0 || e2 != 0) {
        tsc_error("%s: cannot write", e1 ? fn[F_CTRU].s : fn[F_TRU].s);
        goto out;
    }
    tsc_info("%lld reads of %lld molecules, %lld records (%lld secondary) in %.2f s", (long long)st.reads,
             (long long)st.molecules, (long long)st.records, (long long)st.secondary, tsc_realtime() - t0);
    tsc_info("reads: TE %lld, multi-mapped %lld, unmapped %lld, ambient barcodes %lld, without barcode %lld",
             (long long)st.te, (long long)st.multi, (long long)st.unmapped, (long long)st.ambient, (long long)st.nocb);
    ret = 0;
out:
    if (fc) fclose(fc);
    if (fl) fclose(fl);
    if (ret != 0) /* no partial output that looks complete */
        for (int i = 0; i < N_F; i++)
            if (fn[i].s && (i != F_BAI || wo->sorted)) unlink(fn[i].s);
    for (int i = 0; i < N_F; i++) free(fn[i].s);
    tsc_sim_sc_destroy(sc);
    tsc_sim_destroy(s);
    free(cl);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}

int main(int argc, char *argv[])
{
    tsc_sim_opt_t o;
    tsc_sim_sc_opt_t so;
    int single_cell = 0, rl_set = 0;
    tsc_sim_wopt_t wo = {0, 1, 1, (size_t)768 << 20, NULL};
    const char *prefix = NULL;
    int c, verbose = TSC_LOG_WARNING;
    int64_t v64;
    tsc_set_progname(argv[0]);
    tsc_sim_opt_init(&o);
    tsc_sim_sc_opt_init(&so);
    while ((c = getopt_long(argc, argv, "s:n:L:G:c:r:f:k:l:m:t:o:vhV", long_opts, NULL)) >= 0) {
        const char *bad = NULL;
        switch (c) {
        case 's':
            if (tsc_parse_int64(optarg, 0, INT64_MAX, &v64) < 0) bad = "--seed needs an integer >= 0";
            else o.seed = (uint64_t)v64;
            break;
        case O_MODELSEED:
            if (tsc_parse_int64(optarg, 0, INT64_MAX - 1, &v64) < 0) bad = "--model-seed needs an integer >= 0";
            else o.model_seed = (uint64_t)v64;
            break;
        case 'n':
            if (tsc_parse_int64(optarg, 0, (int64_t)1 << 40, &o.n_frag) < 0) bad = "--fragments needs an integer >= 0";
            break;
        case 'L': if (tsc_parse_int(optarg, 1, 10000000, &o.n_loci) < 0) bad = "--loci needs an integer in [1, 10000000]"; break;
        case 'G': if (tsc_parse_int(optarg, 1, 10000000, &o.n_genes) < 0) bad = "--genes needs an integer in [1, 10000000]"; break;
        case 'c': if (tsc_parse_int(optarg, 1, 10000, &o.n_chrom) < 0) bad = "--chroms needs an integer in [1, 10000]"; break;
        case 'r':
            if (tsc_parse_int(optarg, 20, TSC_SIM_MAX_RL, &o.read_len) < 0) bad = "--read-length needs an integer in [20, 300]";
            rl_set = 1;
            break;
        case 'f': if (frac_arg(optarg, &o.frac_te) < 0) bad = "--fraction-te needs a number in [0, 1]"; break;
        case O_UNANNOT: if (frac_arg(optarg, &o.frac_unannot) < 0) bad = "--fraction-unannotated needs a number in [0, 1]"; break;
        case O_EXPRESSED: if (frac_arg(optarg, &o.frac_expressed) < 0) bad = "--expressed needs a number in [0, 1]"; break;
        case O_UNMAPPED: if (frac_arg(optarg, &o.frac_unmapped) < 0) bad = "--unmapped needs a number in [0, 1]"; break;
        case O_SINGLE: if (frac_arg(optarg, &o.frac_single) < 0) bad = "--singletons needs a number in [0, 1]"; break;
        case O_DISCORD: if (frac_arg(optarg, &o.frac_discord) < 0) bad = "--discordant needs a number in [0, 1]"; break;
        case O_PARALOG: if (frac_arg(optarg, &o.frac_paralog) < 0) bad = "--paralogs needs a number in [0, 1]"; break;
        case O_INDEL: if (frac_arg(optarg, &o.frac_indel) < 0) bad = "--indels needs a number in [0, 1]"; break;
        case O_INSMEAN: if (tsc_parse_double(optarg, 1, 5000, &o.ins_mean) < 0) bad = "--insert-mean needs a number in [1, 5000]"; break;
        case O_INSSD: if (tsc_parse_double(optarg, 0, 2500, &o.ins_sd) < 0) bad = "--insert-sd needs a number in [0, 2500]"; break;
        case 'k': if (tsc_parse_int(optarg, 1, 10000, &o.max_hits) < 0) bad = "--max-hits needs an integer in [1, 10000]"; break;
        case O_E2E: o.end_to_end = 1; break;
        case O_NH: o.nh_tag = 1; break;
        case O_LIBRARY:
            if (!strcmp(optarg, "unstranded") || !strcmp(optarg, "none")) o.library = TSC_SIM_UNSTRANDED;
            else if (!strcmp(optarg, "FR")) o.library = TSC_SIM_FR;
            else if (!strcmp(optarg, "RF")) o.library = TSC_SIM_RF;
            else bad = "--library must be unstranded, FR or RF";
            break;
        case O_SORTED: wo.sorted = 1; break;
        case O_SEQ:
            if (!strcmp(optarg, "all")) o.seq_mode = TSC_SIM_SEQ_ALL;
            else if (!strcmp(optarg, "primary")) o.seq_mode = TSC_SIM_SEQ_PRIMARY;
            else if (!strcmp(optarg, "none")) o.seq_mode = TSC_SIM_SEQ_NONE;
            else bad = "--seq must be all, primary or none";
            break;
        case O_SC: single_cell = 1; break;
        case O_CELLS: if (tsc_parse_int(optarg, 1, 10000000, &so.n_cells) < 0) bad = "--cells needs an integer in [1, 10000000]"; break;
        case O_AMBIENT: if (tsc_parse_int(optarg, 0, 100000000, &so.n_ambient) < 0) bad = "--ambient needs an integer in [0, 100000000]"; break;
        case O_AMBFRAC: if (frac_arg(optarg, &so.frac_ambient) < 0) bad = "--ambient-fraction needs a number in [0, 1]"; break;
        case O_TYPES: if (tsc_parse_int(optarg, 1, 1000, &so.n_types) < 0) bad = "--celltypes needs an integer in [1, 1000]"; break;
        case O_DUP: if (tsc_parse_double(optarg, 1, 30, &so.dup_mean) < 0) bad = "--reads-per-umi needs a number in [1, 30]"; break;
        case O_NOCB: if (frac_arg(optarg, &so.frac_nocb) < 0) bad = "--no-barcode needs a number in [0, 1]"; break;
        case O_BCERR: if (frac_arg(optarg, &so.frac_bcerr) < 0) bad = "--barcode-errors needs a number in [0, 1]"; break;
        case O_UMILEN: if (tsc_parse_int(optarg, 4, 16, &so.umi_len) < 0) bad = "--umi-length needs an integer in [4, 16]"; break;
        case O_SUFFIX: so.cb_suffix = 1; break;
        case O_ORIGIN: so.origin_tag = 1; break;
        case 'l': if (tsc_parse_int(optarg, -1, 9, &wo.level) < 0) bad = "--level needs an integer in [-1, 9]"; break;
        case 'm': if (parse_size(optarg, &wo.sort_mem) < 0) bad = "--sort-mem needs a size of at least 1M (e.g. 512M, 2G)"; break;
        case 't': if (tsc_parse_int(optarg, 1, 1024, &wo.threads) < 0) bad = "--threads needs an integer in [1, 1024]"; break;
        case 'o': prefix = optarg; break;
        case 'v': verbose++; break;
        case 'h':
            usage(stdout, &o, &so);
            return tsc_close_stdout() < 0 ? 1 : 0;
        case 'V':
            printf("tsc-simulate %s (data model %d)\n", TSC_VERSION, TSC_SIM_MODEL);
            return tsc_close_stdout() < 0 ? 1 : 0;
        default:
            fprintf(stderr, "try 'tsc-simulate --help'\n");
            return 2;
        }
        if (bad) return usage_error(bad, optarg);
    }
    tsc_set_verbosity(verbose);
    if (optind < argc) return usage_error("unexpected argument", argv[optind]);
    if (!prefix || !*prefix) return usage_error("an output prefix is required (-o PREFIX)", NULL);
    if (single_cell && !rl_set) o.read_len = 90;
    if (tsc_sim_opt_check(&o) < 0 || (single_cell && tsc_sim_sc_opt_check(&so, &o) < 0)) {
        fprintf(stderr, "try 'tsc-simulate --help'\n");
        return 2;
    }
    if (single_cell) return main_sc(&o, &so, &wo, prefix);

    int ret = 1;
    double t0 = tsc_realtime();
    kstring_t fgtf = {0, 0, NULL}, fbam = {0, 0, NULL}, ftru = {0, 0, NULL}, fbai = {0, 0, NULL};
    tsc_sim_stats_t st;
    int st_ok = 0;
    FILE *fp = NULL;
    char *cl = NULL;
    tsc_sim_t *s = NULL;
    if (ksprintf(&fgtf, "%s.gtf", prefix) < 0 || ksprintf(&fbam, "%s.bam", prefix) < 0 ||
        ksprintf(&ftru, "%s.truth.tsv", prefix) < 0 || ksprintf(&fbai, "%s.bam.bai", prefix) < 0 ||
        !(cl = canonical_cl(&o, wo.sorted))) {
        tsc_error("out of memory");
        goto out;
    }
    wo.cl = cl;
    if (!(s = tsc_sim_init(&o))) goto out;
    if (tsc_sim_stats_init(&st, s) < 0) goto out;
    st_ok = 1;
    tsc_info("model built: %d loci, %d genes, %d chromosomes (%.2f s)", tsc_sim_n_loci(s), o.n_genes, o.n_chrom,
             tsc_realtime() - t0);

    if (!(fp = fopen(fgtf.s, "w"))) {
        tsc_error("%s: cannot create the file", fgtf.s);
        goto out;
    }
    if (tsc_sim_write_gtf(s, fp) < 0) goto out;
    if (fclose(fp) != 0) {
        fp = NULL;
        tsc_error("%s: cannot write", fgtf.s);
        goto out;
    }
    fp = NULL;
    if (!wo.sorted) unlink(fbai.s); /* a stale index would not match */
    if (tsc_sim_write_bam(s, fbam.s, &wo, &st) < 0) goto out;
    if (!(fp = fopen(ftru.s, "w"))) {
        tsc_error("%s: cannot create the file", ftru.s);
        goto out;
    }
    if (tsc_sim_write_truth(s, &st, fp) < 0) goto out;
    if (fclose(fp) != 0) {
        fp = NULL;
        tsc_error("%s: cannot write", ftru.s);
        goto out;
    }
    fp = NULL;
    tsc_info("%lld fragments, %lld records (%lld secondary) in %.2f s", (long long)st.frags,
             (long long)st.records, (long long)st.secondary, tsc_realtime() - t0);
    tsc_info("origin: gene %lld, TE locus %lld, TE unannotated %lld, none %lld", (long long)st.origin[TSC_SIM_O_GENE],
             (long long)st.origin[TSC_SIM_O_LOCUS], (long long)st.origin[TSC_SIM_O_UNANNOT],
             (long long)st.origin[TSC_SIM_O_NONE]);
    tsc_info("shape: pair %lld, singleton %lld, discordant %lld, unmapped %lld; multi-mapped %lld; spliced mates %lld",
             (long long)st.shape[TSC_SIM_S_PAIR], (long long)st.shape[TSC_SIM_S_SINGLE],
             (long long)st.shape[TSC_SIM_S_DISCORD], (long long)st.shape[TSC_SIM_S_UNMAPPED], (long long)st.multi,
             (long long)st.spliced);
    int64_t nte = st.origin[TSC_SIM_O_LOCUS] + st.origin[TSC_SIM_O_UNANNOT];
    tsc_info("TE fragments: %lld, multi-mapped %lld (%.1f%%), %.2f alignments each", (long long)nte,
             (long long)st.te_multi, nte ? 100.0 * st.te_multi / nte : 0.0, nte ? (double)st.te_aln / nte : 0.0);
    ret = 0;
out:
    if (fp) fclose(fp);
    if (ret != 0 && fgtf.s) { /* no partial output that looks complete */
        unlink(fgtf.s), unlink(fbam.s), unlink(ftru.s);
        if (wo.sorted) unlink(fbai.s);
    }
    if (st_ok) tsc_sim_stats_free(&st);
    tsc_sim_destroy(s);
    free(cl), free(fgtf.s), free(fbam.s), free(ftru.s), free(fbai.s);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}
