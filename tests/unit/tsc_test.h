/* tsc_test.h -- a tiny assertion kit for the C unit tests of lib/ (tests/unit/test_*.c).
 * Part of tsc (Telescope in C). MIT licence.
 * Each CHECK prints the failing expression with file:line; main() returns tsc_test_result(). */
#ifndef TSC_TEST_H
#define TSC_TEST_H

#include <stdio.h>
#include <string.h>
#include <math.h>

static int tsc_test_fails, tsc_test_checks;

#define CHECK(cond) do { tsc_test_checks++; if (!(cond)) { tsc_test_fails++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); tsc_test_checks++; \
    if (_a != _b) { tsc_test_fails++; fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", \
    __FILE__, __LINE__, #a, _a, _b); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); tsc_test_checks++; \
    if (!_a || !_b || strcmp(_a, _b)) { tsc_test_fails++; fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", \
    __FILE__, __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)
/* |a-b| <= abs_tol + rel_tol*|b| */
#define CHECK_NEAR(a, b, abs_tol, rel_tol) do { double _a = (a), _b = (b); tsc_test_checks++; \
    if (!(fabs(_a - _b) <= (abs_tol) + (rel_tol) * fabs(_b))) { tsc_test_fails++; \
    fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, _a, _b); } } while (0)

static inline int tsc_test_result(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, tsc_test_checks, tsc_test_fails);
    return tsc_test_fails ? 1 : 0;
}

#endif
