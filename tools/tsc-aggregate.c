/* tsc-aggregate -- sum a count table (one sample's, or tsc-merge's matrix) by locus group:
 * a GTF attribute (repFamily, repClass, intModel, ...) or the locus name's prefix.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_aggregate.h"

static void usage(FILE *fp, const tsc_agg_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-aggregate [options] [TABLE]\n"
"Sum the rows of a count table (TE_counts.tsv, tsc-report --all-loci, tsc-merge's matrix in\n"
"counts, CPM or TPM) by locus group; every value column is summed. Reads stdin when no file\n"
"is given. Every locus is in exactly one group, so the totals are kept.\n"
"\n"
"Groups:\n"
"  -g, --group-by ATTR       the group is the value of GTF attribute ATTR of the locus's rows\n"
"                            (repFamily, repClass, intModel, ...); needs --annotation\n"
"  -A, --annotation GTF      the annotation (plain or gzip)\n"
"  -p, --prefix              the group is the locus name up to the first --sep character\n"
"                            (HML2_1p36.21a -> HML2) [the default without --group-by]\n"
"      --sep CHAR            prefix separator [%c]\n"
"      --attribute ATTR      GTF attribute that names a locus [%s]\n"
"      --feature TYPE        read only GTF rows of this type (gene, exon) [every row]\n"
"      --multi RULE          a locus whose rows give several values: first (the first row's,\n"
"                            file order) or join (the distinct values joined by '+') [first]\n"
"      --missing NAME        group of loci the annotation does not name or whose rows lack\n"
"                            ATTR [%s]\n"
"      --no-feature-key S    the no-feature row is a group of its own [%s]\n"
"Output:\n"
"  -o, --output FILE         write to FILE [stdout]\n"
"  -v, --verbose             more messages;  -h, --help  this help;  -V, --version  the version\n"
"\n"
"See tsc-aggregate(1).\n", o->sep, o->attribute, o->missing, o->no_feature_key);
}

int main(int argc, char *argv[])
{
    enum { O_SEP = 1000, O_ATTR, O_FEAT, O_MULTI, O_MISSING, O_NFK };
    static const struct option lopts[] = {
        { "group-by", 1, NULL, 'g' }, { "annotation", 1, NULL, 'A' }, { "prefix", 0, NULL, 'p' },
        { "sep", 1, NULL, O_SEP }, { "attribute", 1, NULL, O_ATTR }, { "feature", 1, NULL, O_FEAT },
        { "multi", 1, NULL, O_MULTI }, { "missing", 1, NULL, O_MISSING },
        { "no-feature-key", 1, NULL, O_NFK }, { "output", 1, NULL, 'o' },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_agg_opt_t opt;
    tsc_groups_t *g = NULL;
    const char *in, *out = NULL;
    char *cmd = NULL, *tmp = NULL;
    FILE *fp = stdout;
    int c, prefix = 0, ret = 1;

    tsc_set_progname("tsc-aggregate");
    tsc_agg_opt_init(&opt);
    while ((c = getopt_long(argc, argv, "g:A:po:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'g': opt.group_by = optarg; break;
        case 'A': opt.gtf = optarg; break;
        case 'p': prefix = 1; break;
        case O_SEP:
            if (strlen(optarg) != 1) return tsc_usage_error("--sep: '%s' is not one character", optarg);
            opt.sep = optarg[0];
            break;
        case O_ATTR: opt.attribute = optarg; break;
        case O_FEAT: opt.feature_type = optarg; break;
        case O_MULTI:
            if (strcmp(optarg, "first") == 0) opt.multi = TSC_AGG_FIRST;
            else if (strcmp(optarg, "join") == 0) opt.multi = TSC_AGG_JOIN;
            else return tsc_usage_error("--multi: '%s' is not first or join", optarg);
            break;
        case O_MISSING: opt.missing = optarg; break;
        case O_NFK: opt.no_feature_key = optarg; break;
        case 'o': out = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (prefix && opt.group_by) return tsc_usage_error("--prefix and --group-by exclude each other");
    if (opt.gtf && !opt.group_by) return tsc_usage_error("--annotation needs --group-by ATTR");
    if (opt.group_by && !opt.gtf) return tsc_usage_error("--group-by needs --annotation GTF");
    if (out && !*out) return tsc_usage_error("--output: empty file name");
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (tsc_agg_opt_check(&opt) < 0) return 2;
    if (!(cmd = tsc_cmdline(argc, argv))) { tsc_error("out of memory"); return 1; }
    if (!(g = tsc_groups_init(&opt))) goto done;
    if (opt.group_by) {
        int64_t n, miss;
        tsc_groups_stats(g, &n, &miss);
        tsc_info("%s: %lld loci, %lld without '%s' (group %s)", opt.gtf, (long long)n, (long long)miss,
                 opt.group_by, opt.missing);
    }
    if (out) { /* written next to OUT and renamed, so a failed run leaves no table that looks complete */
        if (!(tmp = malloc(strlen(out) + 8))) { tsc_error("out of memory"); goto done; }
        sprintf(tmp, "%s.tmp", out);
        if (!(fp = fopen(tmp, "w"))) { tsc_error("cannot write %s: %s", tmp, strerror(errno)); goto done; }
    }
    if (tsc_aggregate_table(g, in, fp, cmd) < 0) goto done;
    if (out) {
        int bad = fclose(fp) != 0;
        fp = NULL;
        if (bad) { tsc_error("writing %s failed: %s", out, strerror(errno)); goto done; }
        if (rename(tmp, out) < 0) { tsc_error("cannot rename %s to %s: %s", tmp, out, strerror(errno)); goto done; }
        free(tmp);
        tmp = NULL;
    }
    ret = 0;
done:
    if (fp && fp != stdout) fclose(fp);
    if (tmp) { remove(tmp); free(tmp); }
    tsc_groups_destroy(g);
    free(cmd);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}
