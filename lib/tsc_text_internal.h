/* tsc_text_internal.h -- helpers shared by the two text forms (tsc_text.c sections, tsc_cells.c
 * cells): escaping, a line reader that keeps a CRC32 of what it read, and a buffered printer
 * that keeps a CRC32 of what it printed.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_TEXT_INTERNAL_H
#define TSC_TEXT_INTERNAL_H

#include <stdio.h>
#include <stdint.h>
#include <htslib/kstring.h>
#include "tsc_stream.h"

/* escaping flags */
#define TSC_ESC_LEAD_EQ 1  /* a leading '=' as \x3d (a value line must not look like a section line) */
#define TSC_ESC_STAR 2     /* the string "*" as \x2a ('*' alone means "none") */

/** Append S to KS with \t \n \r \\ \xHH escapes. 0 or -1 (OOM). */
int tsc_text_esc(kstring_t *ks, const char *s, int flags);
/** Unescape S in place: 0, or -1 on a bad escape (or an escaped NUL). */
int tsc_text_unesc(char *s);
/** f64 as text into BUF (40 bytes): shortest round-trip decimal, or nan:0xBITS for a NaN
 * other than the one "nan" reads back as. */
const char *tsc_text_f64(double x, char *buf);
/** Parse what tsc_text_f64 prints. 0 or -1. */
int tsc_text_parse_f64(const char *s, double *out);

/* printer: text is gathered in KS and written in blocks; CRC covers every byte printed */
typedef struct {
    FILE *fp;
    kstring_t ks;
    uint32_t crc;
    int err;           /* a write or an allocation failed */
} tsc_tout_t;
void tsc_tout_init(tsc_tout_t *o, FILE *fp);
/** Write what is gathered if it is large (FORCE: always). 0 or -1. */
int tsc_tout_flush(tsc_tout_t *o, int force);

/* line reader */
typedef struct {
    FILE *fp;
    const char *name;
    int64_t line;      /* number of the line in KS (1-based) */
    kstring_t ks;      /* the line without its newline, NUL-terminated */
    uint32_t crc;      /* CRC32 of every byte read so far (lines with their newlines) */
    uint32_t crc_prev; /* ... before the line in KS */
} tsc_txt_t;
/** Next line into T->ks: 1, 0 at EOF, -1 on a read error or a NUL byte (logged). */
int tsc_txt_next(tsc_txt_t *t);
/** Split S at tabs in place into F (at most MAX fields); the field count. */
int tsc_text_split(char *s, char **f, int max);

/** Cell form (tsc_cells.c): the first line (#tsc-cells ...) is in T->ks. Reads the rest and
 * writes a MATRIX or FIT stream to OUT_PATH. 0 or -1 (logged with line numbers). */
int tsc_cells_parse(tsc_txt_t *t, const char *out_path, const char *cmdline);

#define TSC_TEXT_PROG "tsc-view"

#endif
