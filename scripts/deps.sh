#!/bin/sh
# deps.sh -- check for, or install from Debian's packages, what tsc's build, tests and
# benchmarks need.  Usage: deps.sh check|install
# Nothing is downloaded from anywhere but the distribution's package registry.
PKGS="gcc make pkg-config libhts-dev zlib1g-dev ocl-icd-opencl-dev opencl-headers pocl-opencl-icd samtools subread time clang snakemake python3 multiqc chromium libxml2-utils r-cran-seurat python3-anndata python3-scipy python3-numpy"
missing() {
    m=""
    command -v gcc >/dev/null 2>&1 || m="$m gcc"
    command -v pkg-config >/dev/null 2>&1 || m="$m pkg-config"
    [ -f /usr/include/htslib/sam.h ] || m="$m libhts-dev"
    [ -f /usr/include/zlib.h ] || m="$m zlib1g-dev"
    [ -f /usr/include/CL/cl.h ] || m="$m opencl-headers"
    { [ -e /usr/lib/x86_64-linux-gnu/libOpenCL.so ] || ls /usr/lib/*/libOpenCL.so >/dev/null 2>&1; } || m="$m ocl-icd-opencl-dev"
    ls /etc/OpenCL/vendors/pocl.icd >/dev/null 2>&1 || m="$m pocl-opencl-icd"
    command -v samtools >/dev/null 2>&1 || m="$m samtools"
    command -v featureCounts >/dev/null 2>&1 || m="$m subread"
    [ -x /usr/bin/time ] || m="$m time"
    command -v clang >/dev/null 2>&1 || m="$m clang"
    command -v snakemake >/dev/null 2>&1 || m="$m snakemake"
    command -v python3 >/dev/null 2>&1 || m="$m python3"
    command -v multiqc >/dev/null 2>&1 || m="$m multiqc"        # tests: the MultiQC files
    command -v chromium >/dev/null 2>&1 || m="$m chromium"      # tests: the HTML report renders
    command -v xmllint >/dev/null 2>&1 || m="$m libxml2-utils"  # tests: the HTML report parses
    # the single-cell tests load the 10x folder with Seurat's Read10X and anndata
    [ -d /usr/lib/R/site-library/Seurat ] || m="$m r-cran-seurat"
    /usr/bin/python3 -c 'import anndata' >/dev/null 2>&1 || m="$m python3-anndata"
    /usr/bin/python3 -c 'import scipy, numpy' >/dev/null 2>&1 || m="$m python3-scipy python3-numpy"
    echo $m
}
m=$(missing)
case "$1" in
check) [ -z "$m" ] ;;
install)
    [ -z "$m" ] && { echo "deps: everything is installed"; exit 0; }
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing:$m" >&2
        echo "deps: run as root:  apt-get update && apt-get install -y$m" >&2
        exit 1
    fi
    echo "deps: installing:$m" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq $m >&2 || { echo "deps: apt-get failed" >&2; exit 1; }
    ;;
*) echo "usage: deps.sh check|install" >&2; exit 2 ;;
esac
