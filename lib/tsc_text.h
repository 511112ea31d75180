/* tsc_text.h -- the two text forms of tsc streams (tsc-view), and back. Both are documented in
 * man/tsc-format.5 (TEXT FORM, CELL FORM).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Section form, any kind (one item per line, fields separated by TAB, strings escaped as
 * \t \n \r \\ \xHH; a str value that starts with '=' starts with \x3d):
 *   #tsc-stream <TAB> version=V <TAB> kind=KIND
 *   @feature NAME LENGTH          one per feature, in order
 *   @info KEY VALUE               one per run-info entry, in order
 *   @prov PROG VERSION CMDLINE    one per provenance entry, oldest first
 *   =TAG TYPE [COUNT]             a section: its values follow, one per line, up to the next
 *                                 line that starts with '='; COUNT is informative only
 *       u8/i32/u32/i64 decimal, f64 shortest round-trip decimal, str escaped text;
 *       an HREC section (HITS records) has one record per line:
 *       FRAG NAME|* FEAT,AS,ALNLEN ...   (FEAT -1 = no feature; NAME * = none)
 *   =END [crc32=XXXXXXXX]         CRC32 of the section lines above (from the first =), as printed
 * binary -> text -> binary is byte-identical. Text whose crc32 no longer matches was edited:
 * tsc-view then recomputes the run-info counters it can (tsc-format(5)), sets run info "edited"
 * and appends itself to the provenance.
 *
 * Cell form, MATRIX/BLOCKS/FIT (tsc-view -m): one line per matrix cell, read back into a
 * MATRIX (or a FIT); see tsc_cells.c. */
#ifndef TSC_TEXT_H
#define TSC_TEXT_H

#include <stdio.h>
#include "tsc_stream.h"

/** Print the stream on IN (named NAME in messages; not closed) as section text on OUT.
 * HEADER_ONLY: stop after the header. 0, or -1 on any error (logged; the text is then
 * incomplete: it has no =END line). */
int tsc_stream2text_fp(FILE *in, const char *name, FILE *out, int header_only) TSC_RESULT_USED;
/** Same on PATH ("-" = stdin). */
int tsc_stream2text(const char *path, FILE *out, int header_only) TSC_RESULT_USED;
/** Read either text form from IN (named NAME; not closed) and write the binary stream to
 * OUT_PATH ("-" = stdout). CMDLINE: the command line recorded in the provenance when the text
 * was edited (NULL: "tsc-view -b"). Nothing is written unless the whole text is valid.
 * 0 or -1 (logged with line numbers). */
int tsc_text2stream_fp(FILE *in, const char *name, const char *out_path, const char *cmdline) TSC_RESULT_USED;
/** Same on PATH ("-" = stdin). */
int tsc_text2stream(const char *path, const char *out_path) TSC_RESULT_USED;
/** Print a MATRIX, BLOCKS or FIT stream on IN (named NAME; not closed) in the cell form. 0 or -1. */
int tsc_stream2cells_fp(FILE *in, const char *name, FILE *out) TSC_RESULT_USED;
/** Same on PATH ("-" = stdin). */
int tsc_stream2cells(const char *path, FILE *out) TSC_RESULT_USED;

#endif
