/* tsc_cl.h -- small generic OpenCL helpers: error names, device choice, program build.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Every cl* call in tsc goes through tsc_cl_ok(), which logs the error's symbolic name
 * (as hashcat's val2cstr_cl) and returns -1. Kernels are embedded at build time
 * (build/tsc_kernels.h); TSC_KERNEL_DIR=DIR loads DIR/<name>.cl instead (development), and
 * TSC_CL_BUILD_OPTIONS is appended to the compiler options (as CLBlast's CLBLAST_BUILD_OPTIONS). */
#ifndef TSC_CL_H
#define TSC_CL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stddef.h>

/** Symbolic name of an OpenCL error code ("CL_OUT_OF_RESOURCES"), or "CL_UNKNOWN_ERROR". */
const char *tsc_cl_strerror(cl_int err);

/** 0 if ERR is CL_SUCCESS; else log "OpenCL WHAT failed: NAME (code)" and return -1. */
int tsc_cl_check(cl_int err, const char *what, const char *func);
#define tsc_cl_ok(err, what) tsc_cl_check((err), (what), __func__)

/** 1 if DEV supports double precision (cl_khr_fp64 / CL_DEVICE_DOUBLE_FP_CONFIG), else 0. */
int tsc_cl_has_fp64(cl_device_id dev);

/** Find a device. PLATFORM/DEVICE are indices (-1 = any). With DEVICE == -1 the first device
 * with fp64 is taken, GPUs and accelerators before CPUs, platforms in order. GPU_ONLY: accept
 * only GPU/accelerator devices (and log nothing when none exists).
 * Returns 0 (*PLAT, *DEV set), -2 if no platform or no suitable fp64 device exists (one
 * message logged unless QUIET), -1 on an error or an invalid index (logged). */
int tsc_cl_pick_device(int platform, int device, int gpu_only, int quiet, cl_platform_id *plat,
                       cl_device_id *dev);

/** "NAME (VENDOR, OpenCL C VERSION, driver DRIVER, TYPE)" of DEV into BUF of SIZE bytes. */
char *tsc_cl_device_desc(cl_device_id dev, char *buf, size_t size);

/** A CPU device limited to N_THREADS compute units (a sub-device, CL_DEVICE_PARTITION_BY_COUNTS),
 * so that a CPU OpenCL driver such as PoCL uses no more threads than asked for. Returns the
 * sub-device (release it with clReleaseDevice), or NULL when DEV is not a CPU, already has at most
 * N_THREADS units, or cannot be partitioned (then use DEV itself; nothing is logged above debug). */
cl_device_id tsc_cl_cpu_subdevice(cl_device_id dev, int n_threads);

/** 1 if DEV is a GPU or an accelerator, else 0. */
int tsc_cl_is_gpu(cl_device_id dev);

/** Build program NAME (kernels/NAME.cl): the embedded source EMBEDDED, or $TSC_KERNEL_DIR/NAME.cl
 * when that variable is set. OPTIONS (may be NULL) are followed by $TSC_CL_BUILD_OPTIONS.
 * On a build failure the build log is logged. Returns the program, or NULL (logged). */
cl_program tsc_cl_build(cl_context ctx, cl_device_id dev, const char *name, const char *embedded,
                        const char *options);

/** The same from N sources built as one program, in order (e.g. kernels/pairwise.cl, then the
 * program's own file): NAMES[i] and EMBEDDED[i] as NAME and EMBEDDED above; N <= 8. */
cl_program tsc_cl_build_n(cl_context ctx, cl_device_id dev, int n, const char *const *names,
                          const char *const *embedded, const char *options);

/** Work-group size for KERN on DEV: at most WANT and the kernel's limit, a multiple of the
 * kernel's preferred multiple when possible; at least 1. 0 on error (logged). */
size_t tsc_cl_local_size(cl_kernel kern, cl_device_id dev, size_t want);

/** A buffer of SIZE bytes (at least 8) on CTX, a copy of HOST when not NULL; NULL on error (logged,
 * naming WHAT). */
cl_mem tsc_cl_buffer(cl_context ctx, cl_mem_flags flags, size_t size, const void *host, const char *what);

/** Set the arguments of kernel K (NAME for messages) from pairs (size_t size, const void *value)
 * ending with TSC_CL_ARG_END. 0 or -1 (logged). */
int tsc_cl_args(cl_kernel k, const char *name, ...);
#define TSC_CL_ARG(x) sizeof(x), (const void *)&(x)
#define TSC_CL_ARG_END ((size_t)0)

/** N rounded up to a multiple of L (L > 0). */
static inline size_t tsc_cl_round_up(size_t n, size_t l) { return (n + l - 1) / l * l; }

#endif
