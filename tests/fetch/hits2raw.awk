# hits2raw.awk -- tsc-view text of a HITS stream (tsc-fetch --names) to the golden comparison form.
# Prints, sorted by the caller:
#   R <fragment> <feature> <raw>   raw = AS - _min_as + 1 + alnlen (spec §6.2), one per mapping
#   I <key> <value>                run info (non-internal keys), plus overlap_unique/overlap_ambig
#   C <feature>                    the matrix columns (features with a mapping, and __no_feature)
#   F <feature> <init_aligned> <unique_count>
BEGIN { FS = "\t"; nf = 0 }
/^@feature\t/ { feat[nf++] = $2; next }
/^=HREC/ { sec = "h"; next }
/^=RUNI/ { sec = "r"; k = ""; next }
/^=/ { sec = ""; next }
sec == "h" {
    nrow++; name[nrow] = $2; nm[nrow] = NF - 2
    for (i = 3; i <= NF; i++) { split($i, m, ","); f = m[1] < 0 ? "__no_feature" : feat[m[1]]
        ff[nrow, i - 2] = f; as[nrow, i - 2] = m[2]; al[nrow, i - 2] = m[3] }
    next
}
sec == "r" { if (k == "") k = $0; else { info[k] = $0; order[++ni] = k; k = "" } next }
END {
    minas = info["_min_as"]
    for (r = 1; r <= nrow; r++) {
        if (nm[r] == 1) ou++; else oa++
        for (j = 1; j <= nm[r]; j++) {
            f = ff[r, j]; print "R\t" name[r] "\t" f "\t" (as[r, j] - minas + 1 + al[r, j])
            col[f] = 1; aligned[f]++; if (nm[r] == 1) uniq[f]++
        }
    }
    for (i = 1; i <= ni; i++) if (substr(order[i], 1, 1) != "_" && order[i] != "version") print "I\t" order[i] "\t" info[order[i]]
    print "I\toverlap_unique\t" (ou + 0); print "I\toverlap_ambig\t" (oa + 0)
    col["__no_feature"] = 1
    for (f in col) { print "C\t" f; print "F\t" f "\t" (aligned[f] + 0) "\t" (uniq[f] + 0) }
}
