/* tsc_cl.c -- small generic OpenCL helpers: error names, device choice, program build.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_cl.h"
#include "tsc_util.h"

/* The largest number of platforms and devices per platform looked at. */
#define TSC_CL_MAX_PLATFORMS 32
#define TSC_CL_MAX_DEVICES 64
/* Largest kernel source read from TSC_KERNEL_DIR. */
#define TSC_CL_MAX_SOURCE (16 << 20)

/*** Error names ***/

const char *tsc_cl_strerror(cl_int err)
{
    switch (err) {
#define E(x) case x: return #x
    E(CL_SUCCESS);
    E(CL_DEVICE_NOT_FOUND);
    E(CL_DEVICE_NOT_AVAILABLE);
    E(CL_COMPILER_NOT_AVAILABLE);
    E(CL_MEM_OBJECT_ALLOCATION_FAILURE);
    E(CL_OUT_OF_RESOURCES);
    E(CL_OUT_OF_HOST_MEMORY);
    E(CL_PROFILING_INFO_NOT_AVAILABLE);
    E(CL_MEM_COPY_OVERLAP);
    E(CL_IMAGE_FORMAT_MISMATCH);
    E(CL_IMAGE_FORMAT_NOT_SUPPORTED);
    E(CL_BUILD_PROGRAM_FAILURE);
    E(CL_MAP_FAILURE);
    E(CL_MISALIGNED_SUB_BUFFER_OFFSET);
    E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
    E(CL_COMPILE_PROGRAM_FAILURE);
    E(CL_LINKER_NOT_AVAILABLE);
    E(CL_LINK_PROGRAM_FAILURE);
    E(CL_DEVICE_PARTITION_FAILED);
    E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
    E(CL_INVALID_VALUE);
    E(CL_INVALID_DEVICE_TYPE);
    E(CL_INVALID_PLATFORM);
    E(CL_INVALID_DEVICE);
    E(CL_INVALID_CONTEXT);
    E(CL_INVALID_QUEUE_PROPERTIES);
    E(CL_INVALID_COMMAND_QUEUE);
    E(CL_INVALID_HOST_PTR);
    E(CL_INVALID_MEM_OBJECT);
    E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
    E(CL_INVALID_IMAGE_SIZE);
    E(CL_INVALID_SAMPLER);
    E(CL_INVALID_BINARY);
    E(CL_INVALID_BUILD_OPTIONS);
    E(CL_INVALID_PROGRAM);
    E(CL_INVALID_PROGRAM_EXECUTABLE);
    E(CL_INVALID_KERNEL_NAME);
    E(CL_INVALID_KERNEL_DEFINITION);
    E(CL_INVALID_KERNEL);
    E(CL_INVALID_ARG_INDEX);
    E(CL_INVALID_ARG_VALUE);
    E(CL_INVALID_ARG_SIZE);
    E(CL_INVALID_KERNEL_ARGS);
    E(CL_INVALID_WORK_DIMENSION);
    E(CL_INVALID_WORK_GROUP_SIZE);
    E(CL_INVALID_WORK_ITEM_SIZE);
    E(CL_INVALID_GLOBAL_OFFSET);
    E(CL_INVALID_EVENT_WAIT_LIST);
    E(CL_INVALID_EVENT);
    E(CL_INVALID_OPERATION);
    E(CL_INVALID_GL_OBJECT);
    E(CL_INVALID_BUFFER_SIZE);
    E(CL_INVALID_MIP_LEVEL);
    E(CL_INVALID_GLOBAL_WORK_SIZE);
    E(CL_INVALID_PROPERTY);
    E(CL_INVALID_IMAGE_DESCRIPTOR);
    E(CL_INVALID_COMPILER_OPTIONS);
    E(CL_INVALID_LINKER_OPTIONS);
    E(CL_INVALID_DEVICE_PARTITION_COUNT);
#undef E
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    case -1002: return "CL_INVALID_D3D10_DEVICE_KHR";
    case -1057: return "CL_DEVICE_PARTITION_FAILED_EXT";
    case -1058: return "CL_INVALID_PARTITION_COUNT_EXT";
    case -1059: return "CL_INVALID_PARTITION_NAME_EXT";
    case -9999: return "CL_NV_ILLEGAL_BUFFER_ACTION"; /* NVIDIA: out-of-bounds access in a kernel */
    default: return "CL_UNKNOWN_ERROR";
    }
}

int tsc_cl_check(cl_int err, const char *what, const char *func)
{
    if (err == CL_SUCCESS) return 0;
    tsc_log(TSC_LOG_ERROR, func, "OpenCL %s failed: %s (%d)", what, tsc_cl_strerror(err), (int)err);
    return -1;
}

/*** Devices ***/

int tsc_cl_has_fp64(cl_device_id dev)
{
    cl_device_fp_config fp = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof(fp), &fp, NULL) == CL_SUCCESS && fp)
        return 1;
    /* Some 1.1-era drivers report fp64 only as an extension. */
    char ext[8192];
    size_t len = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, sizeof(ext) - 1, ext, &len) != CL_SUCCESS) {
        /* Extension string longer than the buffer: fetch it whole. */
        if (clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, 0, NULL, &len) != CL_SUCCESS || len == 0) return 0;
        char *e = malloc(len + 1);
        if (!e) return 0;
        int ok = clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, len, e, NULL) == CL_SUCCESS;
        e[len] = 0;
        ok = ok && strstr(e, "cl_khr_fp64") != NULL;
        free(e);
        return ok;
    }
    ext[len < sizeof(ext) ? len : sizeof(ext) - 1] = 0;
    return strstr(ext, "cl_khr_fp64") != NULL;
}

int tsc_cl_is_gpu(cl_device_id dev)
{
    cl_device_type t = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(t), &t, NULL) != CL_SUCCESS) return 0;
    return (t & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
}

static void dev_str(cl_device_id dev, cl_device_info what, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = 0;
    if (clGetDeviceInfo(dev, what, size - 1, buf, &len) != CL_SUCCESS) {
        snprintf(buf, size, "?");
        return;
    }
    buf[len < size ? len : size - 1] = 0;
}

char *tsc_cl_device_desc(cl_device_id dev, char *buf, size_t size)
{
    char name[256], vendor[256], cver[128], driver[128];
    dev_str(dev, CL_DEVICE_NAME, name, sizeof(name));
    dev_str(dev, CL_DEVICE_VENDOR, vendor, sizeof(vendor));
    dev_str(dev, CL_DEVICE_OPENCL_C_VERSION, cver, sizeof(cver));
    dev_str(dev, CL_DRIVER_VERSION, driver, sizeof(driver));
    snprintf(buf, size, "%s (%s, %s, driver %s, %s)", name, vendor, cver, driver,
             tsc_cl_is_gpu(dev) ? "GPU" : "CPU");
    return buf;
}

/* Sub-devices made so far, kept for the life of the process: PoCL's pthread driver may still
 * release a finished command's event on a worker thread of a sub-device after the caller has
 * released its queue, context and sub-device, and crashed there now and then (seen in unit tests
 * that set up OpenCL many times in one process). A sub-device is made once per (device, count)
 * and each caller gets its own reference. */
#define TSC_CL_MAX_SUBDEVS 16
static struct { cl_device_id parent, sub; int n; } subdevs[TSC_CL_MAX_SUBDEVS];
static int n_subdevs;
static pthread_mutex_t subdev_lock = PTHREAD_MUTEX_INITIALIZER;

cl_device_id tsc_cl_cpu_subdevice(cl_device_id dev, int n_threads)
{
    cl_device_type t = 0;
    cl_uint units = 0, n = 0;
    cl_device_id sub = NULL;
    if (n_threads < 1 || clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(t), &t, NULL) != CL_SUCCESS ||
        !(t & CL_DEVICE_TYPE_CPU) ||
        clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units, NULL) != CL_SUCCESS ||
        units <= (cl_uint)n_threads)
        return NULL;
    pthread_mutex_lock(&subdev_lock);
    for (int i = 0; i < n_subdevs && !sub; i++)
        if (subdevs[i].parent == dev && subdevs[i].n == n_threads) sub = subdevs[i].sub;
    if (sub) {
        clRetainDevice(sub);
        pthread_mutex_unlock(&subdev_lock);
        return sub;
    }
    cl_device_partition_property props[] = {CL_DEVICE_PARTITION_BY_COUNTS, (cl_device_partition_property)n_threads,
                                            CL_DEVICE_PARTITION_BY_COUNTS_LIST_END, 0};
    cl_int err = clCreateSubDevices(dev, props, 1, &sub, &n);
    if (err != CL_SUCCESS || n != 1) {
        pthread_mutex_unlock(&subdev_lock);
        tsc_debug("OpenCL CPU device not limited to %d threads: clCreateSubDevices: %s", n_threads,
                  tsc_cl_strerror(err));
        return NULL;
    }
    if (n_subdevs < TSC_CL_MAX_SUBDEVS && clRetainDevice(sub) == CL_SUCCESS) {
        subdevs[n_subdevs].parent = dev, subdevs[n_subdevs].sub = sub, subdevs[n_subdevs].n = n_threads;
        n_subdevs++;
    }
    pthread_mutex_unlock(&subdev_lock);
    tsc_debug("OpenCL CPU device limited to %d of its %u compute units", n_threads, units);
    return sub;
}

/* Platforms: 0 and their count, -2 when there are none (the ICD loader's
 * CL_PLATFORM_NOT_FOUND_KHR or zero platforms), -1 on another error. */
static int get_platforms(cl_platform_id *plats, cl_uint *n)
{
    cl_int err = clGetPlatformIDs(TSC_CL_MAX_PLATFORMS, plats, n);
    if (err == -1001 || (err == CL_SUCCESS && *n == 0)) return -2;
    if (tsc_cl_ok(err, "clGetPlatformIDs") < 0) return -1;
    if (*n > TSC_CL_MAX_PLATFORMS) *n = TSC_CL_MAX_PLATFORMS;
    return 0;
}

static int get_devices(cl_platform_id p, cl_device_id *devs, cl_uint *n)
{
    cl_int err = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, TSC_CL_MAX_DEVICES, devs, n);
    if (err == CL_DEVICE_NOT_FOUND) { *n = 0; return 0; }
    if (tsc_cl_ok(err, "clGetDeviceIDs") < 0) return -1;
    if (*n > TSC_CL_MAX_DEVICES) *n = TSC_CL_MAX_DEVICES;
    return 0;
}

static int usable(cl_device_id d)
{
    cl_bool avail = CL_FALSE, comp = CL_FALSE;
    clGetDeviceInfo(d, CL_DEVICE_AVAILABLE, sizeof(avail), &avail, NULL);
    clGetDeviceInfo(d, CL_DEVICE_COMPILER_AVAILABLE, sizeof(comp), &comp, NULL);
    return avail && comp && tsc_cl_has_fp64(d);
}

int tsc_cl_pick_device(int platform, int device, int gpu_only, int quiet, cl_platform_id *plat,
                       cl_device_id *dev)
{
    cl_platform_id plats[TSC_CL_MAX_PLATFORMS];
    cl_device_id devs[TSC_CL_MAX_DEVICES];
    cl_uint np = 0, nd = 0;
    int ret = get_platforms(plats, &np);
    if (ret == -2) {
        if (!quiet) tsc_warn("no OpenCL platform found (install an OpenCL driver, e.g. pocl-opencl-icd for CPUs)");
        return -2;
    }
    if (ret < 0) return -1;
    if (platform >= (int)np) {
        tsc_error("OpenCL platform %d does not exist (%u platform%s found)", platform, np, np == 1 ? "" : "s");
        return -1;
    }
    if (device >= 0) { /* an explicit device: of PLATFORM, or of platform 0 */
        int p = platform >= 0 ? platform : 0;
        if (get_devices(plats[p], devs, &nd) < 0) return -1;
        if (device >= (int)nd) {
            tsc_error("OpenCL device %d does not exist on platform %d (%u device%s)", device, p, nd,
                      nd == 1 ? "" : "s");
            return -1;
        }
        if (!usable(devs[device]) || (gpu_only && !tsc_cl_is_gpu(devs[device]))) {
            char desc[768];
            if (!quiet)
                tsc_warn("OpenCL device %d of platform %d is not usable (%s: needs fp64 and a compiler%s)",
                         device, p, tsc_cl_device_desc(devs[device], desc, sizeof(desc)),
                         gpu_only ? ", and a GPU here" : "");
            return -2;
        }
        *plat = plats[p], *dev = devs[device];
        return 0;
    }
    /* Any device: GPUs/accelerators first (pass 0), then the rest (pass 1). */
    for (int pass = 0; pass < (gpu_only ? 1 : 2); pass++) {
        for (cl_uint p = 0; p < np; p++) {
            if (platform >= 0 && (int)p != platform) continue;
            if (get_devices(plats[p], devs, &nd) < 0) return -1;
            for (cl_uint d = 0; d < nd; d++) {
                if (tsc_cl_is_gpu(devs[d]) != (pass == 0) || !usable(devs[d])) continue;
                *plat = plats[p], *dev = devs[d];
                return 0;
            }
        }
    }
    if (!quiet)
        tsc_warn("no OpenCL %sdevice with double precision (cl_khr_fp64) found%s", gpu_only ? "GPU " : "",
                 platform >= 0 ? " on the chosen platform" : "");
    return -2;
}

/*** Programs ***/

/* Read DIR/NAME.cl into a malloc'ed string; NULL on error (logged). */
static char *read_source(const char *dir, const char *name)
{
    size_t plen = strlen(dir) + strlen(name) + 8;
    char *path = malloc(plen), *src = NULL;
    if (!path) { tsc_error("out of memory"); return NULL; }
    snprintf(path, plen, "%s/%s.cl", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        tsc_error("%s: cannot open kernel source (TSC_KERNEL_DIR): %s", path, strerror(errno));
        goto out;
    }
    size_t m = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > m) {
            if (TSC_GROW(src, m, n + 4096 + 1) < 0) { tsc_error("out of memory"); goto fail; }
        }
        size_t r = fread(src + n, 1, 4096, fp);
        n += r;
        if (r < 4096) break;
        if (n > TSC_CL_MAX_SOURCE) { tsc_error("%s: kernel source too large", path); goto fail; }
    }
    if (ferror(fp)) { tsc_error("%s: read error: %s", path, strerror(errno)); goto fail; }
    src[n] = 0;
    fclose(fp);
    tsc_info("kernel %s loaded from %s", name, path);
    free(path);
    return src;
fail:
    free(src);
    src = NULL;
    fclose(fp);
out:
    free(path);
    return NULL;
}

static void log_build_log(cl_program prog, cl_device_id dev, const char *name, int level)
{
    size_t len = 0;
    if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &len) != CL_SUCCESS || len == 0) return;
    char *log = malloc(len + 1);
    if (!log) return;
    if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, len, log, NULL) == CL_SUCCESS) {
        log[len] = 0;
        while (len > 0 && (log[len - 1] == '\n' || log[len - 1] == ' ' || log[len - 1] == 0)) log[--len] = 0;
        if (len > 0 || level == TSC_LOG_ERROR) tsc_log(level, __func__, "build log of kernels/%s.cl:\n%s", name, log);
    }
    free(log);
}

cl_program tsc_cl_build_n(cl_context ctx, cl_device_id dev, int n, const char *const *names,
                          const char *const *embedded, const char *options)
{
    const char *extra = getenv("TSC_CL_BUILD_OPTIONS"), *dir = getenv("TSC_KERNEL_DIR");
    const char *src[8];
    char *file_src[8] = { NULL }, *opts = NULL;
    cl_program prog = NULL;
    cl_int err;
    const char *name = names[n - 1];
    if (n < 1 || n > 8) { tsc_error("tsc_cl_build_n: %d sources", n); return NULL; }
    for (int i = 0; i < n; i++) {
        if (dir && *dir && !(file_src[i] = read_source(dir, names[i]))) goto fail;
        src[i] = file_src[i] ? file_src[i] : embedded[i];
    }
    size_t olen = (options ? strlen(options) : 0) + (extra ? strlen(extra) : 0) + 2;
    if (!(opts = malloc(olen))) { tsc_error("out of memory"); goto fail; }
    snprintf(opts, olen, "%s%s%s", options ? options : "", options && extra ? " " : "", extra ? extra : "");
    prog = clCreateProgramWithSource(ctx, (cl_uint)n, src, NULL, &err);
    if (tsc_cl_ok(err, "clCreateProgramWithSource") < 0) { prog = NULL; goto fail; }
    err = clBuildProgram(prog, 1, &dev, opts, NULL, NULL);
    if (err != CL_SUCCESS) {
        tsc_error("OpenCL clBuildProgram of kernels/%s.cl failed: %s (%d); options \"%s\"", name,
                  tsc_cl_strerror(err), (int)err, opts);
        log_build_log(prog, dev, name, TSC_LOG_ERROR);
        clReleaseProgram(prog);
        prog = NULL;
        goto fail;
    }
    if (tsc_verbosity() >= TSC_LOG_DEBUG) log_build_log(prog, dev, name, TSC_LOG_DEBUG);
fail:
    free(opts);
    for (int i = 0; i < n; i++) free(file_src[i]);
    return prog;
}

cl_program tsc_cl_build(cl_context ctx, cl_device_id dev, const char *name, const char *embedded,
                        const char *options)
{
    return tsc_cl_build_n(ctx, dev, 1, &name, &embedded, options);
}

size_t tsc_cl_local_size(cl_kernel kern, cl_device_id dev, size_t want)
{
    size_t kmax = 0, mult = 1;
    if (tsc_cl_ok(clGetKernelWorkGroupInfo(kern, dev, CL_KERNEL_WORK_GROUP_SIZE, sizeof(kmax), &kmax, NULL),
                  "clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)") < 0)
        return 0;
    if (clGetKernelWorkGroupInfo(kern, dev, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sizeof(mult), &mult,
                                 NULL) != CL_SUCCESS || mult == 0)
        mult = 1;
    size_t l = want < kmax ? want : kmax;
    if (l >= mult) l -= l % mult;
    return l ? l : 1;
}

cl_mem tsc_cl_buffer(cl_context ctx, cl_mem_flags flags, size_t size, const void *host, const char *what)
{
    cl_int err;
    if (size == 0) size = 8, host = NULL;
    cl_mem m = clCreateBuffer(ctx, flags | (host ? CL_MEM_COPY_HOST_PTR : 0), size, (void *)host, &err);
    if (err != CL_SUCCESS) {
        tsc_error("OpenCL clCreateBuffer(%s, %zu bytes) failed: %s (%d)", what, size, tsc_cl_strerror(err), (int)err);
        return NULL;
    }
    return m;
}

int tsc_cl_args(cl_kernel k, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    for (cl_uint i = 0;; i++) {
        size_t sz = va_arg(ap, size_t);
        if (sz == 0) break;
        const void *p = va_arg(ap, const void *);
        cl_int err = clSetKernelArg(k, i, sz, p);
        if (err != CL_SUCCESS) {
            tsc_error("OpenCL clSetKernelArg(%s, %u) failed: %s (%d)", name, i, tsc_cl_strerror(err), (int)err);
            va_end(ap);
            return -1;
        }
    }
    va_end(ap);
    return 0;
}
