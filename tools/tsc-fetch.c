/* tsc-fetch -- alignments (BAM/SAM/CRAM) to fragments and their loci: the HITS stream.
 * Part of tsc (Telescope in C). MIT licence. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_fetch.h"
#include "tsc_sc.h"

static void usage(FILE *fp, const tsc_fetch_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-fetch [options] LOCI.bed [ALIGNMENTS]\n"
"Read alignments (BAM, SAM or CRAM; name-collated or coordinate-sorted) into fragments, assign\n"
"each alignment to a locus as Telescope does, and write the HITS stream (tsc-format(5)) of the\n"
"fragments that touch a locus, with the run counters. ALIGNMENTS '-' or absent: stdin.\n"
"LOCI.bed is made by tsc-regions.\n"
"\n"
"Options:\n"
"  -T, --overlap-threshold F  a unit gets a locus if overlap > F x aligned length [%g]\n"
"  -s, --stranded-mode STR    None, RF, R, FR or F (Telescope's --stranded_mode) [%s]\n"
"  -n, --names                keep fragment names in the stream (for tsc-tag, checkpoints)\n"
"      --input-order STR      auto, name or coordinate [auto: coordinate if the header says\n"
"                             SO:coordinate, else name-collated]\n"
"      --prefilter            read only the loci regions of an indexed, coordinate-sorted file:\n"
"                             much faster, APPROXIMATE (alignments outside the loci are unseen)\n"
"      --min-as INT           with --prefilter: the minimum alignment score of the whole file\n"
"      --progress             progress: fragments and records per second (a live line on a\n"
"                             terminal, else a line every 2.5M fragments) and the passes\n"
"Single cell (Stellarscope's barcodes and UMIs; any of these turns it on):\n"
"      --sc                   single-cell mode with the defaults below\n"
"      --barcode-tag TAG      SAM tag of the cell barcode [CB]\n"
"      --umi-tag TAG          SAM tag of the UMI [UB]\n"
"      --whitelist FILE       barcodes to keep (plain or gzipped; one per line, first column;\n"
"                             Cell Ranger's '-1' suffix matches bare tags) [keep every barcode]\n"
"      --ignore-umi           keep fragments without a UMI\n"
"      --info KEY=VALUE       add an entry to the stream's run info (repeatable; for drivers)\n"
"  -r, --reference FILE       reference FASTA for CRAM input\n"
"  -t, --threads INT          total threads (BGZF decoding uses INT-1) [%d]\n"
"  -o, --output FILE          write the stream to FILE [stdout]\n"
"  -v, --verbose              more messages (repeat for more)\n"
"  -h, --help                 this help\n"
"  -V, --version              print the version\n"
"\n"
"Example: tsc-fetch -t 4 loci.bed sample.bam | tsc-matrix | tsc-blocks | tsc-em | tsc-report -o out/s\n"
"See tsc-fetch(1).\n",
            o->frag.overlap_threshold, tsc_strand_mode_name(o->frag.strand_mode), o->n_threads);
}

int main(int argc, char *argv[])
{
    enum { OPT_ORDER = 1000, OPT_PREFILTER, OPT_MINAS, OPT_PROGRESS, OPT_SC, OPT_BTAG, OPT_UTAG, OPT_WL, OPT_IGNUMI, OPT_INFO };
    static const struct option lopts[] = {
        { "overlap-threshold", 1, NULL, 'T' }, { "stranded-mode", 1, NULL, 's' },
        { "names", 0, NULL, 'n' }, { "input-order", 1, NULL, OPT_ORDER },
        { "prefilter", 0, NULL, OPT_PREFILTER }, { "min-as", 1, NULL, OPT_MINAS },
        { "progress", 0, NULL, OPT_PROGRESS }, { "sc", 0, NULL, OPT_SC },
        { "barcode-tag", 1, NULL, OPT_BTAG }, { "barcode_tag", 1, NULL, OPT_BTAG },
        { "umi-tag", 1, NULL, OPT_UTAG }, { "umi_tag", 1, NULL, OPT_UTAG },
        { "whitelist", 1, NULL, OPT_WL }, { "ignore-umi", 0, NULL, OPT_IGNUMI }, { "ignore_umi", 0, NULL, OPT_IGNUMI },
        { "info", 1, NULL, OPT_INFO }, { "reference", 1, NULL, 'r' }, { "threads", 1, NULL, 't' }, { "output", 1, NULL, 'o' },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_fetch_opt_t opt;
    const char *out = "-", *bed, *aln;
    int c, ret = 1;
    tsc_annot_t *annot = NULL;
    tsc_fetch_t *f = NULL;
    tsc_hdr_t *h = NULL;
    tsc_wstream_t *w = NULL;
    tsc_hitw_t *hw = NULL;
    char *cmd = NULL;
    tsc_sc_opt_t sco = { { 'C', 'B' }, { 'U', 'B' }, NULL, 0 };
    const char *wl_path = NULL;
    int sc = 0, n_info = 0;
    tsc_wl_t *wl = NULL;
    char *info[64];

    tsc_set_progname("tsc-fetch");
    tsc_fetch_opt_init(&opt);
    while ((c = getopt_long(argc, argv, "T:s:nr:t:o:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'T':
            if (tsc_parse_double(optarg, 0.0, 1.0, &opt.frag.overlap_threshold) < 0)
                return tsc_usage_error("--overlap-threshold: '%s' is not a number in [0, 1]", optarg);
            break;
        case 's':
            if ((opt.frag.strand_mode = tsc_strand_mode_parse(optarg)) < 0)
                return tsc_usage_error("--stranded-mode: '%s' is not None, RF, R, FR or F", optarg);
            break;
        case 'n': opt.keep_names = 1; break;
        case OPT_ORDER:
            if (strcmp(optarg, "auto") == 0) opt.order = TSC_ORDER_AUTO;
            else if (strcmp(optarg, "name") == 0) opt.order = TSC_ORDER_NAME;
            else if (strcmp(optarg, "coordinate") == 0) opt.order = TSC_ORDER_COORD;
            else return tsc_usage_error("--input-order: '%s' is not auto, name or coordinate", optarg);
            break;
        case OPT_PREFILTER: opt.prefilter = 1; break;
        case OPT_MINAS:
            if (tsc_parse_int(optarg, -100000000, 100000000, &opt.min_as) < 0)
                return tsc_usage_error("--min-as: '%s' is not an integer", optarg);
            opt.has_min_as = 1;
            break;
        case OPT_PROGRESS: if (tsc_verbosity() < TSC_LOG_INFO) tsc_set_verbosity(TSC_LOG_INFO); break;
        case OPT_SC: sc = 1; break;
        case OPT_BTAG: case OPT_UTAG:
            if (strlen(optarg) != 2 || !isalpha((unsigned char)optarg[0]) || !isalnum((unsigned char)optarg[1]))
                return tsc_usage_error("--%s: '%s' is not a SAM tag (two characters, e.g. CB)",
                                       c == OPT_BTAG ? "barcode-tag" : "umi-tag", optarg);
            memcpy(c == OPT_BTAG ? sco.btag : sco.utag, optarg, 2);
            sc = 1;
            break;
        case OPT_WL: wl_path = optarg; sc = 1; break;
        case OPT_IGNUMI: sco.ignore_umi = 1; sc = 1; break;
        case OPT_INFO:
            if (!strchr(optarg, '=') || optarg[0] == '=') return tsc_usage_error("--info: '%s' is not KEY=VALUE", optarg);
            if (n_info == 64) return tsc_usage_error("--info: at most 64");
            info[n_info++] = optarg;
            break;
        case 'r': opt.reference = optarg; break;
        case 't':
            if (tsc_parse_int(optarg, 1, 1024, &opt.n_threads) < 0)
                return tsc_usage_error("--threads: '%s' is not an integer in [1, 1024]", optarg);
            break;
        case 'o': out = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (optind >= argc) return tsc_usage_error("no loci BED given (make one with tsc-regions)");
    bed = argv[optind];
    if (!(aln = tsc_input_arg(argc, argv, optind + 1))) return 2;
    if (strcmp(bed, "-") == 0 && strcmp(aln, "-") == 0) return tsc_usage_error("the loci and the alignments cannot both be stdin");
    if (sc) opt.sc = &sco;
    if (tsc_fetch_opt_check(&opt) < 0) return tsc_usage_error("invalid options");
    if (strcmp(out, "-") == 0 && isatty(1)) {
        tsc_error("refusing to write a binary stream to a terminal (use -o FILE, a pipe, or tsc-view)");
        return 1;
    }

    if (wl_path) {
        if (!(wl = tsc_wl_read(wl_path))) goto end;
        if (tsc_wl_size(wl) == 0) tsc_warn("%s: no barcode in the whitelist (only a header line): every barcode is kept", wl_path);
        sco.wl = wl;
    }
    if (!(annot = tsc_bed2annot(bed)) || tsc_annot_index(annot) < 0) goto end;
    if (!(f = tsc_fetch_open(aln, annot, &opt))) goto end;
    if (!(h = tsc_hdr_init(TSC_KIND_HITS)) || !(cmd = tsc_cmdline(argc, argv))) { tsc_error("out of memory"); goto end; }
    if (tsc_fetch_header(f, h) < 0 || tsc_hdr_add_prov(h, "tsc-fetch", TSC_VERSION, cmd) < 0) {
        tsc_error("out of memory");
        goto end;
    }
    for (int i = 0; i < n_info; i++) {
        char *eq = strchr(info[i], '=');
        *eq = 0;
        int e = tsc_hdr_set_info(h, info[i], eq + 1);
        *eq = '=';
        if (e < 0) { tsc_error("out of memory"); goto end; }
    }
    if (!(w = tsc_ws_open(out, h))) goto end;
    if (!(hw = tsc_hitw_init(w))) { tsc_error("out of memory"); goto end; }
    if (sc) {
        static const char *const fl[2] = { "CB", "UB" };
        if (tsc_hitw_fields(hw, 2, fl) < 0) goto end;
        if (wl && tsc_wl_size(wl) > 0 &&
            tsc_ws_section(w, TSC_SEC_WHITELIST, TSC_T_STR, tsc_wl_names(wl), (uint64_t)tsc_wl_size(wl)) < 0)
            goto end;
    }
    if (tsc_fetch_run(f, hw) < 0) goto end;
    int e = tsc_hitw_close(hw);
    hw = NULL;
    if (e < 0 || tsc_fetch_runinfo(f, h) < 0 || tsc_ws_runinfo(w, h) < 0) goto end;
    e = tsc_ws_close(w);
    w = NULL;
    if (e < 0) goto end;
    if (strcmp(out, "-") == 0 && tsc_close_stdout() < 0) goto end;
    ret = 0;
end:
    if (hw && tsc_hitw_close(hw) < 0) ret = 1; /* buffered records only: no trailer follows */
    if (w) tsc_ws_abort(w);          /* the stream stays visibly truncated */
    tsc_hdr_destroy(h);
    tsc_fetch_close(f);
    tsc_annot_destroy(annot);
    tsc_wl_destroy(wl);
    free(cmd);
    return ret;
}
