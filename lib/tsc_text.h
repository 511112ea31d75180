/* tsc_text.h -- the text form of any tsc stream (tsc-view), and back.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Text form (one item per line, fields separated by TAB, strings escaped as \t \n \r \\ \xHH):
 *   #tsc-stream <TAB> version=V <TAB> kind=KIND
 *   @feature NAME LENGTH          one per feature, in order
 *   @info KEY VALUE               one per run-info entry, in order
 *   @prov PROG VERSION CMDLINE    one per provenance entry, oldest first
 *   =TAG TYPE COUNT               a section, then COUNT lines of values:
 *       u8/i32/u32/i64 decimal, f64 shortest round-trip decimal, str escaped text;
 *       an HREC section (HITS records) instead has COUNT = records, one per line:
 *       FRAG NAME|* FEAT,AS,ALNLEN ...   (FEAT -1 = no feature; NAME * = none)
 * binary -> text -> binary is byte-identical. */
#ifndef TSC_TEXT_H
#define TSC_TEXT_H

#include <stdio.h>
#include "tsc_stream.h"

/** Print the stream PATH ("-" = stdin) as text on OUT. HEADER_ONLY: stop after the header.
 * 0, or -1 on any error (logged; the text is then incomplete and the caller fails). */
int tsc_stream2text(const char *path, FILE *out, int header_only) TSC_RESULT_USED;
/** Read the text form from PATH ("-" = stdin) and write the binary stream to OUT_PATH
 * ("-" = stdout). 0 or -1 (logged with line numbers). */
int tsc_text2stream(const char *path, const char *out_path) TSC_RESULT_USED;
/** Print the matrix of a MATRIX/BLOCKS/FIT stream as TSV: row, fragment, col, feature, raw_score
 * (and z_final for FIT), in CSR order. 0 or -1. */
int tsc_stream2triplets(const char *path, FILE *out) TSC_RESULT_USED;

#endif
