/* SPDX-License-Identifier: MIT */
/*
 * igt.h - a small implementation of the IGT GPU Tools test API.
 *
 * Debian ships IGT's binaries (igt_runner among them) but not its headers or
 * libigt, so the aiaccel IGT tests are built against this file unless
 * IGT_SRC= points the Makefile at a real IGT tree.  A test must therefore
 * use only names that real IGT (2.5, the version Debian forky packages) has,
 * with the same meaning: see README.md next to this file for the list and for
 * the runner protocol this library speaks.
 *
 * Like IGT 2.5, the magic blocks are function-like:
 *
 *	int igt_main()
 *	{
 *		int fd = -1;
 *
 *		igt_fixture()
 *			fd = open_the_device();
 *
 *		igt_describe("what the subtest checks");
 *		igt_subtest("basic")
 *			igt_assert_eq(do_something(fd), 0);
 *
 *		igt_subtest_with_dynamic("per-engine")
 *			for (int i = 0; i < n; i++)
 *				igt_dynamic_f("engine-%d", i)
 *					igt_assert(works(fd, i));
 *
 *		igt_fixture()
 *			close(fd);
 *	}
 *
 * Build with -D_GNU_SOURCE (sigsetjmp, as IGT itself does) and
 * -Wno-clobbered (the blocks are setjmp based).
 */
#ifndef AIACCEL_IGT_COMPAT_H
#define AIACCEL_IGT_COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/types.h>

/* Real IGT's igt.h pulls in libdrm through drmtest.h; so do we. */
#include <xf86drm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes (values as in IGT's igt_core.h; igt_runner maps them). */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

/* Token helpers (same names as IGT, used by the blocks below). */
#define igtc_tokencat2_(x, y) x ## y
#define igt_tokencat(x, y) igtc_tokencat2_(x, y)
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(igtc_unique_, prefix), __LINE__)

/* The jump targets of the subtest and dynamic subtest blocks. */
extern sigjmp_buf igt_subtest_jmpbuf;
extern sigjmp_buf igt_dynamic_jmpbuf;

/* Internal entry points used by the macros; not part of the API. */
void igtc_init(int argc, char **argv, bool with_subtests);
bool igtc_fixture_enter(void);
void igtc_fixture_leave(void);
bool igtc_subtest_enter(const char *name, const char *file, int line,
			bool with_dynamic);
bool igtc_dynamic_enter(const char *name);
int igtc_group_enter(void);
void igtc_group_leave(int state);
bool igtc_fork(void);
__attribute__((noreturn, format(printf, 5, 6)))
void igtc_skip_check(const char *file, int line, const char *func,
		     const char *check, const char *fmt, ...);
__attribute__((noreturn, format(printf, 6, 7)))
void igtc_fail_assert(const char *domain, const char *file, int line,
		      const char *func, const char *expr, const char *fmt, ...);
__attribute__((noreturn, format(printf, 6, 7)))
void igtc_abort(const char *domain, const char *file, int line,
		const char *func, const char *expr, const char *fmt, ...);

/*
 * Test description, printed by --help-description and --describe.
 * The library refers to it weakly, so defining it is optional.
 */
extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/*
 * int igt_main() { ... }: main() for a test with subtests.
 * int igt_simple_main() { ... }: main() for a test without subtests.
 */
#define igtc_main_(with_subtests) \
	main(int argc, char **argv); \
	static void igt_unique(real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igtc_init(argc, argv, (with_subtests)); \
		igt_unique(real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(real_main)(void)
#define igt_main() igtc_main_(true)
#define igt_simple_main() igtc_main_(false)

/*
 * igt_fixture() { ... }: setup/teardown code outside subtests.  Not run when
 * listing subtests.  A skip in it skips, and a failure in it fails, every
 * later subtest (of the enclosing igt_subtest_group(), if any).
 */
#define igt_fixture() \
	for (volatile int igt_unique(fixture_once) = 0; \
	     igt_unique(fixture_once) < 1 && igtc_fixture_enter() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_unique(fixture_once)++, igtc_fixture_leave())

/* igt_subtest("name") { ... } and igt_subtest_f("fmt", ...) { ... } */
#define igt_subtest(name) \
	for (; igtc_subtest_enter((name), __FILE__, __LINE__, false) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())
#define igtc_subtest_f_(buf, with_dynamic, ...) \
	for (char buf[256]; \
	     snprintf(buf, sizeof(buf), __VA_ARGS__), \
	     igtc_subtest_enter(buf, __FILE__, __LINE__, (with_dynamic)) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_subtest_f(...) \
	igtc_subtest_f_(igt_unique(subtest_name), false, __VA_ARGS__)

/*
 * A subtest whose results come from igt_dynamic() blocks inside it: SKIP if
 * none ran, FAIL if any failed, SUCCESS otherwise.  Only igt_skip() and
 * igt_require() may be used in it outside of the dynamic blocks.
 */
#define igt_subtest_with_dynamic(name) \
	for (; igtc_subtest_enter((name), __FILE__, __LINE__, true) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_subtest_with_dynamic_f(...) \
	igtc_subtest_f_(igt_unique(subtest_name), true, __VA_ARGS__)

#define igt_dynamic(name) \
	for (; igtc_dynamic_enter(name) && \
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())
#define igtc_dynamic_f_(buf, ...) \
	for (char buf[256]; \
	     snprintf(buf, sizeof(buf), __VA_ARGS__), \
	     igtc_dynamic_enter(buf) && \
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_dynamic_f(...) \
	igtc_dynamic_f_(igt_unique(dynamic_name), __VA_ARGS__)

/*
 * igt_subtest_group() { ... }: scopes fixtures, so that a fixture that skips
 * or fails only affects the subtests of its group.
 */
#define igt_subtest_group() \
	for (int igt_unique(group_once) = 0, \
	     igt_unique(group_state) = igtc_group_enter(); \
	     igt_unique(group_once) < 1; \
	     igt_unique(group_once)++, \
	     igtc_group_leave(igt_unique(group_state)))

const char *igt_test_name(void);
const char *igt_subtest_name(void);
const char *igt_dynamic_subtest_name(void);
bool igt_only_list_subtests(void);
bool igt_can_fail(void);

__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);
#define igt_describe(dsc) igt_describe_f("%s", (dsc))

/* Test outcome control. */
void igt_success(void);
__attribute__((noreturn)) void igt_fail(int exitcode);
__attribute__((noreturn, format(printf, 1, 2)))
void igt_skip(const char *fmt, ...);
__attribute__((noreturn)) void igt_exit(void);

/* Logging. */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};
extern enum igt_log_level igt_log_level;
__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *fmt, va_list args);
#define igt_debug(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...) \
	igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)

/* Assertions: fail the current (dynamic) subtest, fixture or test. */
#define igt_assert(expr) do { \
	if (!(expr)) \
		igtc_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				 __func__, #expr, NULL); \
} while (0)
#define igt_assert_f(expr, ...) do { \
	if (!(expr)) \
		igtc_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				 __func__, #expr, __VA_ARGS__); \
} while (0)
#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

/* Typed comparisons that print both values when they fail. */
#define igtc_assert_cmp_(type, fmt, n1, cmp, ncmp, n2) do { \
	type igtc_a_ = (n1); \
	type igtc_b_ = (n2); \
	if (!(igtc_a_ cmp igtc_b_)) \
		igtc_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				 __func__, #n1 " " #cmp " " #n2, \
				 "error: " fmt " " #ncmp " " fmt "\n", \
				 igtc_a_, igtc_b_); \
} while (0)
#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(int, "%d", n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(uint32_t, "%#x", n1, cmp, ncmp, n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(long long, "%lld", n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(unsigned long long, "%#llx", n1, cmp, ncmp, n2)
#define igt_assert_cmpdouble(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(double, "%#lf", n1, cmp, ncmp, n2)
#define igt_assert_cmpptr(n1, cmp, ncmp, n2) \
	igtc_assert_cmp_(const void *, "%p", n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_lt_u32(n1, n2) igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_lte_u32(n1, n2) igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_lt_s64(n1, n2) igt_assert_cmps64(n1, <, >=, n2)
#define igt_assert_lte_s64(n1, n2) igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_eq_double(n1, n2) igt_assert_cmpdouble(n1, ==, !=, n2)
#define igt_assert_neq_double(n1, n2) igt_assert_cmpdouble(n1, !=, ==, n2)
#define igt_assert_lt_double(n1, n2) igt_assert_cmpdouble(n1, <, >=, n2)
#define igt_assert_eq_ptr(n1, n2) igt_assert_cmpptr(n1, ==, !=, n2)
#define igt_assert_neq_ptr(n1, n2) igt_assert_cmpptr(n1, !=, ==, n2)

#define igt_assert_fd(fd) \
	igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* Requirements: skip the current subtest, fixture or test. */
#define igt_require(expr) do { \
	if (!(expr)) \
		igtc_skip_check(__FILE__, __LINE__, __func__, #expr, NULL); \
	else \
		igt_debug("Requirement met: %s\n", #expr); \
} while (0)
#define igt_require_f(expr, ...) do { \
	if (!(expr)) \
		igtc_skip_check(__FILE__, __LINE__, __func__, #expr, \
				__VA_ARGS__); \
	else \
		igt_debug("Requirement met: %s\n", #expr); \
} while (0)
#define igt_skip_on(expr) do { \
	if ((expr)) \
		igtc_skip_check(__FILE__, __LINE__, __func__, \
				"!(" #expr ")", NULL); \
	else \
		igt_debug("Requirement met: !(%s)\n", #expr); \
} while (0)
#define igt_skip_on_f(expr, ...) do { \
	if ((expr)) \
		igtc_skip_check(__FILE__, __LINE__, __func__, \
				"!(" #expr ")", __VA_ARGS__); \
	else \
		igt_debug("Requirement met: !(%s)\n", #expr); \
} while (0)
#define igt_require_fd(fd) \
	igt_require_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* Stops the whole run: igt_runner aborts on IGT_EXIT_ABORT. */
#define igt_abort_on_f(expr, ...) do { \
	if ((expr)) \
		igtc_abort(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
			   #expr, __VA_ARGS__); \
} while (0)

/*
 * igt_fork(child, n) { ... }: runs the block in n child processes, child
 * being 0..n-1.  igt_waitchildren() joins them and fails the subtest if any
 * child failed (or died); skipping in a child is not allowed.
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; igtc_fork(); exit(0))
void igt_waitchildren(void);
void igt_kill_children(int signal);

/*
 * Kernel log records the current (dynamic) subtest provokes on purpose:
 * igt_runner does not count those matching @regex as dmesg warnings, until
 * the next subtest starts (each call replaces the previous regex).
 */
void igt_emit_ignore_dmesg_regex(const char *regex);

/* Called at exit and on fatal signals, latest installed first. */
typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

/* Time helpers. */
int igt_gettime(struct timespec *ts);
uint64_t igt_nsec_elapsed(struct timespec *start);

/* ioctl wrappers: igt_ioctl restarts on EINTR/EAGAIN like drmIoctl(). */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);
#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)
#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

#ifdef __cplusplus
}
#endif

#endif /* AIACCEL_IGT_COMPAT_H */
