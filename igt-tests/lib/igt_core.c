// SPDX-License-Identifier: MIT
/*
 * igt_core.c - the implementation behind igt.h.
 *
 * What igt_runner sees of a test is its command line, its exit code and a
 * few lines on stdout (and, when IGT_SENTINEL_ON_STDERR is set, the same
 * lines on stderr); README.md lists them and where in IGT each was checked.
 * The rest of this file is the control flow: subtests, fixtures and dynamic
 * subtests are setjmp-based blocks (see igt.h), and every way out of them
 * (success, skip, failure, crash) ends in exit_subtest().
 */
#include "igt.h"

#include <ctype.h>
#include <getopt.h>
#include <regex.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define COMPAT_VERSION "2.5-aiaccel-compat"

sigjmp_buf igt_subtest_jmpbuf;
sigjmp_buf igt_dynamic_jmpbuf;
enum igt_log_level igt_log_level = IGT_LOG_INFO;

/* Command line and environment. */
static const char *command_str = "igt-test";
static bool with_subtests;
static bool list_subtests, show_testlist, describe_subtests;
static char *run_pattern, *dynamic_pattern;
static bool run_pattern_found;
static bool plain_output, stderr_sentinel;
static char *log_domain_filter;

/* Where the test is. */
static bool in_fixture, in_atexit;
static char *in_subtest, *in_dynamic;	/* names, NULL when outside */
static struct timespec test_start, subtest_start, dynamic_start;
static int dynamic_executed = -1;	/* -1 outside a dynamic container */
static bool dynamic_failed;
static enum { CONTINUE, SKIP_REST, FAIL_REST } henceforth = CONTINUE;

/* What happened so far, for the exit code. */
static bool skipped_one, succeeded_one, failed_one;
static int exit_code = IGT_EXIT_SUCCESS;

/* igt_fork() children. */
static bool is_child;
static pid_t *children;
static int num_children, children_cap;

/* --describe */
#define DESC_SIZE 512
#define MAX_GROUP_DEPTH 16
static char description[DESC_SIZE];
static char group_desc[MAX_GROUP_DEPTH][DESC_SIZE];
static int group_depth;

static char *skip_msg;

#define MAX_EXIT_HANDLERS 10
static igt_exit_handler_t exit_handlers[MAX_EXIT_HANDLERS];
static int num_exit_handlers;

static void kill_and_reap_children(void);
__attribute__((noreturn)) static void exit_subtest(const char *result);

/* Misuse of the API is a bug in the test: say so and crash, as IGT does. */
__attribute__((noreturn, format(printf, 1, 2)))
static void api_misuse(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("IGT API misuse: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	abort();
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		api_misuse("out of memory\n");
	return p;
}

/* Time */

int igt_gettime(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts)) {
		memset(ts, 0, sizeof(*ts));
		return -errno;
	}
	return 0;
}

uint64_t igt_nsec_elapsed(struct timespec *start)
{
	struct timespec now;

	igt_gettime(&now);
	if (start->tv_sec == 0 && start->tv_nsec == 0) {
		*start = now;
		return 0;
	}
	return (uint64_t)(now.tv_sec - start->tv_sec) * 1000000000ull +
	       (uint64_t)(now.tv_nsec - start->tv_nsec);
}

static double seconds_since(const struct timespec *then)
{
	struct timespec now;
	double s;

	igt_gettime(&now);
	s = (double)(now.tv_sec - then->tv_sec) +
	    (double)(now.tv_nsec - then->tv_nsec) * 1e-9;
	return s < 0 ? 0 : s;
}

/*
 * Kernel log markers: igt_runner's resultgen splits dmesg.txt into subtests
 * at "<binary>: starting subtest <name>" records, as IGT writes them.
 */
__attribute__((format(printf, 1, 2)))
static void kmsg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len, fd, saved_errno = errno;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	len = snprintf(buf, sizeof(buf), "<6>[IGT] ");
	va_start(ap, fmt);
	len += vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(buf))
		len = sizeof(buf) - 1;
	if (write(fd, buf, len) < 0) {
		/* best effort, like IGT */
	}
	close(fd);
out:
	errno = saved_errno;
}

/*
 * Logging.  Every message is kept in a ring of the last LOG_RING_SIZE
 * lines, debug ones included, and the ring is printed on stderr when a
 * subtest fails; it is emptied when a subtest starts.
 */
#define LOG_RING_SIZE 256
static char *log_ring[LOG_RING_SIZE];
static unsigned int log_first, log_count;

static void log_ring_push(char *line)
{
	if (log_count == LOG_RING_SIZE) {
		free(log_ring[log_first]);
		log_ring[log_first] = line;
		log_first = (log_first + 1) % LOG_RING_SIZE;
	} else {
		log_ring[(log_first + log_count) % LOG_RING_SIZE] = line;
		log_count++;
	}
}

static void log_ring_reset(void)
{
	for (unsigned int i = 0; i < log_count; i++)
		free(log_ring[(log_first + i) % LOG_RING_SIZE]);
	log_first = log_count = 0;
}

static void log_ring_dump(void)
{
	/*
	 * A subtest with dynamic subtests fails because one of them did, and
	 * that one has already shown its log.
	 */
	if (in_subtest && !in_dynamic && dynamic_executed >= 0) {
		log_ring_reset();
		return;
	}

	fflush(stdout);
	if (in_dynamic)
		fprintf(stderr, "Dynamic subtest %s failed.\n", in_dynamic);
	else if (in_subtest)
		fprintf(stderr, "Subtest %s failed.\n", in_subtest);
	else
		fprintf(stderr, "Test %s failed.\n", command_str);

	if (log_count == 0) {
		fputs("(no log messages)\n", stderr);
	} else {
		fputs("---- log of this test ----\n", stderr);
		for (unsigned int i = 0; i < log_count; i++)
			fputs(log_ring[(log_first + i) % LOG_RING_SIZE], stderr);
		fputs("---- end of log ----\n", stderr);
	}
	fflush(stderr);
	log_ring_reset();
}

void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *fmt, va_list args)
{
	static const char *const level_names[] = {
		"DEBUG", "INFO", "WARNING", "CRITICAL", "NONE"
	};
	static bool continuation;
	struct timespec ts;
	char *line, *entry = NULL;
	size_t len;
	FILE *out;

	if (level < IGT_LOG_DEBUG || level > IGT_LOG_CRITICAL)
		level = IGT_LOG_CRITICAL;
	/* Listing must print nothing but the names. */
	if (igt_only_list_subtests() && level <= IGT_LOG_WARN)
		return;
	if (vasprintf(&line, fmt, args) < 0)
		return;

	if (continuation) {
		entry = strdup(line);
	} else {
		igt_gettime(&ts);
		if (asprintf(&entry, "[%ld.%06ld] (%s:%d) %s%s%s: %s",
			     (long)ts.tv_sec, ts.tv_nsec / 1000, command_str,
			     (int)getpid(), domain ? domain : "",
			     domain ? "-" : "", level_names[level], line) < 0)
			entry = NULL;
	}
	len = strlen(line);
	continuation = len > 0 && line[len - 1] != '\n';
	if (entry)
		log_ring_push(entry);

	if (level < igt_log_level)
		goto out;
	if (log_domain_filter &&
	    strcmp(log_domain_filter, domain ? domain : "application"))
		goto out;

	out = level >= IGT_LOG_WARN ? stderr : stdout;
	fputs(level == IGT_LOG_INFO || !entry ? line : entry, out);
	fflush(out);
out:
	free(line);
}

void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	igt_vlog(domain, level, fmt, ap);
	va_end(ap);
}

/*
 * Subtest selection: --run-subtest and --dynamic-subtest take wildmat
 * expressions (RFC 3977 section 4), as IGT's vendored uwildmat: a comma
 * separated list of patterns, each optionally negated by a leading '!';
 * the last pattern that matches decides.  Patterns use '*', '?', '[...]'
 * (with '^' for negation and ranges) and '\' to escape.
 */
static bool class_matches(char c, const char *p, const char *end)
{
	bool allow_range = false;
	char first = 0;

	while (p < end) {
		if (allow_range && *p == '-' && p + 1 < end) {
			if (c >= first && c <= p[1])
				return true;
			p += 2;
			allow_range = false;
		} else {
			first = *p++;
			if (c == first)
				return true;
			allow_range = true;
		}
	}
	return false;
}

static bool pattern_matches(const char *t, const char *p, const char *end)
{
	while (p < end) {
		switch (*p) {
		case '*':
			while (p < end && *p == '*')
				p++;
			if (p == end)
				return true;
			for (; *t; t++)
				if (pattern_matches(t, p, end))
					return true;
			return false;
		case '?':
			if (!*t)
				return false;
			t++;
			p++;
			break;
		case '[': {
			const char *q = p + 1, *close;
			bool negate = false;

			if (q < end && *q == '^') {
				negate = true;
				q++;
			}
			/* a ']' right after '[' or '[^' is a member */
			close = q < end ? memchr(q + 1, ']', end - q - 1) : NULL;
			if (!close || !*t)
				return false;
			if (class_matches(*t, q, close) == negate)
				return false;
			t++;
			p = close + 1;
			break;
		}
		case '\\':
			if (++p == end)
				return false;
			/* fall through */
		default:
			if (*t != *p)
				return false;
			t++;
			p++;
			break;
		}
	}
	return *t == '\0';
}

static bool wildmat(const char *text, const char *expr)
{
	const char *p = expr;
	bool match = false;

	if (!strcmp(expr, "*"))
		return true;
	if (!*expr)
		return !*text;

	for (;;) {
		bool negate = *p == '!', escaped = false;
		const char *end;

		if (negate)
			p++;
		/* the pattern ends at the first comma not escaped or in [] */
		for (end = p; *end; end++) {
			if (*end == '[') {
				end++;
				if (*end == ']')
					end++;
				while (*end && *end != ']')
					end++;
				if (!*end)
					break;
			}
			if (*end == ',' && !escaped)
				break;
			escaped = *end == '\\' ? !escaped : false;
		}
		if (pattern_matches(text, p, end))
			match = !negate;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return match;
}

static bool valid_subtest_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '-' &&
		    *name != '_')
			return false;
	return true;
}

/* The lines igt_runner parses (runner/output_strings.h, resultgen.c). */
static void starting_message(bool dynamic, const char *name)
{
	const char *what = dynamic ? "dynamic subtest" : "subtest";

	igt_info("Starting %s: %s\n", what, name);
	fflush(stdout);
	if (stderr_sentinel) {
		fprintf(stderr, "Starting %s: %s\n", what, name);
		fflush(stderr);
	}
}

static void result_message(bool dynamic, const char *name,
			   const char *result, double seconds)
{
	const char *what = dynamic ? "Dynamic subtest" : "Subtest";

	printf("%s%s %s: %s (%.3fs)%s\n", plain_output ? "" : "\x1b[1m",
	       what, name, result, seconds, plain_output ? "" : "\x1b[0m");
	fflush(stdout);
	if (stderr_sentinel) {
		fprintf(stderr, "%s %s: %s (%.3fs)\n",
			what, name, result, seconds);
		fflush(stderr);
	}
}

/* Command line */

const char *igt_test_name(void)
{
	return command_str;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

const char *igt_dynamic_subtest_name(void)
{
	return in_dynamic;
}

bool igt_only_list_subtests(void)
{
	return list_subtests || show_testlist;
}

bool igt_can_fail(void)
{
	return !with_subtests || in_fixture || in_subtest;
}

static void print_wrapped(const char *indent, const char *text)
{
	const size_t width = 80 - strlen(indent);
	size_t col = 0;

	fputs(indent, stdout);
	while (*text) {
		size_t len = strcspn(text, " ");

		if (col > 0 && col + 1 + len > width) {
			printf("\n%s", indent);
			col = 0;
		} else if (col > 0) {
			putchar(' ');
			col++;
		}
		fwrite(text, 1, len, stdout);
		col += len;
		text += len;
		if (*text == ' ')
			text++;
	}
	putchar('\n');
}

static void print_test_description(void)
{
	if (&__igt_test_description && __igt_test_description) {
		print_wrapped("", __igt_test_description);
		if (describe_subtests)
			putchar('\n');
	}
}

static void print_subtest_description(const char *name, const char *file,
				      int line)
{
	bool documented = false;

	printf("SUB %s %s:%d:\n", name, file, line);
	for (int i = 0; i < group_depth; i++) {
		print_wrapped("  ", group_desc[i]);
		putchar('\n');
		documented = true;
	}
	if (description[0]) {
		print_wrapped("  ", description);
		putchar('\n');
		documented = true;
	}
	if (!documented)
		printf("  NO DOCUMENTATION!\n\n");
}

static void print_version(void)
{
	struct utsname uts;

	if (igt_only_list_subtests())
		return;
	uname(&uts);
	igt_info("IGT-Version: %s (%s) (%s: %s %s)\n", COMPAT_VERSION,
		 uts.machine, uts.sysname, uts.release, uts.machine);
}

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n", command_str);
	fputs("  --list-subtests          print the subtest names and exit\n"
	      "  --show-testlist          print igt@test@subtest names\n"
	      "  --run-subtest <pattern>  run the matching subtests\n"
	      "  --dynamic-subtest <pattern>\n"
	      "                           run the matching dynamic subtests\n"
	      "  --describe[=<pattern>]   print the subtests' descriptions\n"
	      "  --help-description       print the test's description\n"
	      "  --debug[=<log-domain>]   print debug messages\n"
	      "  --version\n"
	      "  --help|-h\n"
	      "Patterns are comma-separated wildmats (*, ?, [...]); a leading\n"
	      "! excludes, the last matching pattern decides.\n", f);
}

static void set_string(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

static void free_state(void)
{
	free(run_pattern);
	free(dynamic_pattern);
	free(log_domain_filter);
	free(in_subtest);
	free(in_dynamic);
	free(children);
	free(skip_msg);
	run_pattern = dynamic_pattern = log_domain_filter = NULL;
	in_subtest = in_dynamic = skip_msg = NULL;
	children = NULL;
	log_ring_reset();
}

static void call_exit_handlers(int sig)
{
	int n = num_exit_handlers;

	/* each handler runs once, latest first */
	num_exit_handlers = 0;
	while (n-- > 0)
		exit_handlers[n](sig);
}

static void at_exit(void)
{
	in_atexit = true;
	call_exit_handlers(0);
	free_state();
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	for (int i = 0; i < num_exit_handlers; i++)
		if (exit_handlers[i] == fn)
			return;
	if (num_exit_handlers == MAX_EXIT_HANDLERS)
		api_misuse("more than %d exit handlers\n", MAX_EXIT_HANDLERS);
	exit_handlers[num_exit_handlers++] = fn;
}

static const struct {
	int sig;
	const char *name;	/* NULL: dies quietly */
	bool crash;		/* reported as the subtest's CRASH result */
} handled_signals[] = {
	{ SIGINT, NULL, false },
	{ SIGHUP, NULL, false },
	{ SIGPIPE, NULL, false },
	{ SIGTERM, NULL, false },
	{ SIGQUIT, "SIGQUIT", false },	/* igt_runner's timeout */
	{ SIGABRT, "SIGABRT", false },
	{ SIGSEGV, "SIGSEGV", true },
	{ SIGBUS, "SIGBUS", true },
	{ SIGFPE, "SIGFPE", true },
	{ SIGILL, "SIGILL", true },
};

static void write_stderr(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0) {
		/* nothing better to do in a signal handler */
	}
}

static void fatal_signal_handler(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(handled_signals); i++) {
		if (handled_signals[i].sig != sig)
			continue;
		if (handled_signals[i].name) {
			write_stderr("Received signal ");
			write_stderr(handled_signals[i].name);
			write_stderr(".\n");
		}
		if (handled_signals[i].crash && !is_child) {
			if (!failed_one)
				exit_code = 128 + sig;
			failed_one = true;
			/*
			 * As IGT: the crashed (dynamic) subtest gets a CRASH
			 * result and the test goes on with the next one.
			 */
			if (in_dynamic)
				dynamic_failed = true;
			if (in_subtest)
				exit_subtest("CRASH");
		}
		break;
	}

	for (size_t i = 0; i < ARRAY_SIZE(handled_signals); i++)
		signal(handled_signals[i].sig, SIG_DFL);
	call_exit_handlers(sig);
	raise(sig);
}

static void install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = fatal_signal_handler };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(handled_signals); i++)
		sigaction(handled_signals[i].sig, &sa, NULL);
}

void igtc_init(int argc, char **argv, bool subtests)
{
	enum {
		OPT_LIST_SUBTESTS = 500, OPT_SHOW_TESTLIST, OPT_DESCRIBE,
		OPT_RUN_SUBTEST, OPT_DYNAMIC_SUBTEST, OPT_HELP_DESCRIPTION,
		OPT_DEBUG, OPT_VERSION, OPT_HELP = 'h',
	};
	static const struct option long_options[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
		{ "show-testlist", no_argument, NULL, OPT_SHOW_TESTLIST },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE },
		{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
		{ "dynamic-subtest", required_argument, NULL,
		  OPT_DYNAMIC_SUBTEST },
		{ "help-description", no_argument, NULL,
		  OPT_HELP_DESCRIPTION },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c, ret = 0;	/* -1: exit 0 now; -2: exit IGT_EXIT_INVALID now */
	const char *env;

	with_subtests = subtests;
	if (argc > 0 && argv[0]) {
		command_str = strrchr(argv[0], '/');
		command_str = command_str ? command_str + 1 : argv[0];
	}

	plain_output = !isatty(STDOUT_FILENO) || getenv("IGT_PLAIN_OUTPUT");
	stderr_sentinel = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
	env = getenv("IGT_LOG_LEVEL");
	if (env) {
		if (!strcmp(env, "debug"))
			igt_log_level = IGT_LOG_DEBUG;
		else if (!strcmp(env, "info"))
			igt_log_level = IGT_LOG_INFO;
		else if (!strcmp(env, "warn"))
			igt_log_level = IGT_LOG_WARN;
		else if (!strcmp(env, "none"))
			igt_log_level = IGT_LOG_NONE;
	}
	/*
	 * IGT_RUNNER_SOCKET_FD (igt_runner's binary protocol) is left alone:
	 * when a test sends nothing on that socket, the runner parses stdout.
	 */
	atexit(at_exit);

	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_LIST_SUBTESTS:
			if (!run_pattern)
				list_subtests = true;
			break;
		case OPT_SHOW_TESTLIST:
			show_testlist = true;
			break;
		case OPT_DESCRIBE:
			if (optarg)
				set_string(&run_pattern, optarg);
			list_subtests = describe_subtests = true;
			print_test_description();
			break;
		case OPT_RUN_SUBTEST:
			if (!igt_only_list_subtests())
				set_string(&run_pattern, optarg);
			break;
		case OPT_DYNAMIC_SUBTEST:
			if (!igt_only_list_subtests())
				set_string(&dynamic_pattern, optarg);
			break;
		case OPT_HELP_DESCRIPTION:
			print_test_description();
			ret = -1;
			goto done;
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG;
			if (optarg && *optarg)
				set_string(&log_domain_filter, optarg);
			break;
		case OPT_VERSION:
			print_version();
			ret = -1;
			goto done;
		case OPT_HELP:
			print_usage(stdout);
			ret = -1;
			goto done;
		default:
			print_usage(stderr);
			ret = -2;
			goto done;
		}
	}
done:
	/* A test without subtests has nothing to list or select. */
	if (!with_subtests) {
		if (run_pattern) {
			igt_warn("Unknown subtest: %s\n", run_pattern);
			exit(IGT_EXIT_INVALID);
		}
		if (show_testlist) {
			printf("igt@%s\n", command_str);
			exit(IGT_EXIT_SUCCESS);
		}
		if (list_subtests)
			exit(IGT_EXIT_INVALID);
	}
	if (ret < 0)
		exit(ret == -1 ? IGT_EXIT_SUCCESS : IGT_EXIT_INVALID);

	if (!igt_only_list_subtests()) {
		int seed;

		install_signal_handlers();
		kmsg("%s: executing\n", command_str);
		print_version();
		env = getenv("IGT_SRANDOM");
		seed = env ? atoi(env) : (int)time(NULL);
		srandom(seed);
		igt_info("Random seed: IGT_SRANDOM=%d\n", seed);
	}
	igt_gettime(&test_start);
	errno = 0;	/* isatty() and friends leave it set */
}

/* Blocks */

bool igtc_fixture_enter(void)
{
	if (in_fixture)
		api_misuse("igt_fixture() cannot be nested\n");
	if (in_subtest)
		api_misuse("igt_fixture() cannot be used in a subtest\n");
	if (!with_subtests)
		api_misuse("igt_fixture() needs igt_main()\n");
	if (igt_only_list_subtests() || henceforth != CONTINUE)
		return false;
	in_fixture = true;
	return true;
}

void igtc_fixture_leave(void)
{
	in_fixture = false;
}

/* A fixture skipped or failed: leave it for good. */
__attribute__((noreturn))
static void abandon_fixture(void)
{
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

bool igtc_subtest_enter(const char *name, const char *file, int line,
			bool with_dynamic)
{
	if (igt_can_fail())
		api_misuse("igt_subtest can only be used in igt_main() or "
			   "igt_subtest_group()\n");
	if (!valid_subtest_name(name))
		api_misuse("invalid subtest name \"%s\" (use a-z, A-Z, 0-9, "
			   "'-' and '_')\n", name);

	if (run_pattern) {
		if (!wildmat(name, run_pattern)) {
			description[0] = '\0';
			return false;
		}
		run_pattern_found = true;
	}
	if (describe_subtests) {
		print_subtest_description(name, file, line);
		description[0] = '\0';
		return false;
	}
	if (show_testlist) {
		printf("igt@%s@%s\n", command_str, name);
		return false;
	}
	if (list_subtests) {
		printf("%s\n", name);
		return false;
	}
	/* after a fixture skipped or failed, report without running */
	if (henceforth != CONTINUE) {
		result_message(false, name,
			       henceforth == SKIP_REST ? "SKIP" : "FAIL", 0.0);
		return false;
	}

	kmsg("%s: starting subtest %s\n", command_str, name);
	starting_message(false, name);
	log_ring_reset();
	igt_gettime(&subtest_start);
	in_subtest = xstrdup(name);
	if (with_dynamic) {
		dynamic_executed = 0;
		dynamic_failed = false;
	}
	return true;
}

bool igtc_dynamic_enter(const char *name)
{
	if (!in_subtest || dynamic_executed < 0)
		api_misuse("igt_dynamic is only allowed in "
			   "igt_subtest_with_dynamic\n");
	if (in_dynamic)
		api_misuse("igt_dynamic cannot be nested\n");
	if (!valid_subtest_name(name))
		api_misuse("invalid dynamic subtest name \"%s\"\n", name);

	if (dynamic_pattern && !wildmat(name, dynamic_pattern))
		return false;

	kmsg("%s: starting dynamic subtest %s\n", command_str, name);
	starting_message(true, name);
	log_ring_reset();
	dynamic_executed++;
	igt_gettime(&dynamic_start);
	in_dynamic = xstrdup(name);
	return true;
}

int igtc_group_enter(void)
{
	int state = henceforth;

	if (!with_subtests)
		api_misuse("igt_subtest_group() needs igt_main()\n");
	if (description[0]) {
		if (group_depth == MAX_GROUP_DEPTH)
			api_misuse("igt_subtest_group()s nested too deep\n");
		memcpy(group_desc[group_depth++], description, DESC_SIZE);
		description[0] = '\0';
		state |= 0x100;
	}
	return state;
}

void igtc_group_leave(int state)
{
	if (state & 0x100)
		group_depth--;
	henceforth = state & 0xff;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list ap;

	if (in_subtest && dynamic_executed >= 0)
		api_misuse("describe the subtest, not its dynamic subtests\n");
	if (!describe_subtests)
		return;
	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
}

/* Outcomes */

/* Ends the running dynamic subtest, or else the running subtest. */
static void exit_subtest(const char *result)
{
	bool dynamic = in_dynamic != NULL;
	char **name = dynamic ? &in_dynamic : &in_subtest;

	result_message(dynamic, *name, result,
		       seconds_since(dynamic ? &dynamic_start : &subtest_start));
	kmsg("%s: finished %s %s, %s\n", command_str,
	     dynamic ? "dynamic subtest" : "subtest", *name, result);

	/* a subtest that bailed out may have left children behind */
	kill_and_reap_children();

	if (dynamic)
		log_ring_reset();
	else
		dynamic_executed = -1;
	free(*name);
	*name = NULL;
	siglongjmp(dynamic ? igt_dynamic_jmpbuf : igt_subtest_jmpbuf, 1);
}

void igt_success(void)
{
	if (in_subtest && !in_dynamic && dynamic_executed >= 0) {
		/* leaving a subtest with dynamic subtests */
		if (dynamic_failed)
			igt_fail(IGT_EXIT_FAILURE);
		if (dynamic_executed == 0)
			igt_skip("No dynamic subtest was run.\n");
	}
	if (!in_dynamic)
		succeeded_one = true;
	if (in_subtest)
		exit_subtest("SUCCESS");
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	skipped_one = true;
	if (is_child)
		api_misuse("igt_skip()/igt_require() in an igt_fork() child\n");

	if (!igt_only_list_subtests()) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fflush(stdout);
	}

	if (in_subtest) {
		/* a skipped dynamic subtest does not count for its parent */
		if (in_dynamic)
			dynamic_executed--;
		exit_subtest("SKIP");
	}
	if (with_subtests) {
		if (!in_fixture)
			api_misuse("igt_skip() outside of fixtures and "
				   "subtests\n");
		henceforth = SKIP_REST;
		abandon_fixture();
	}
	exit_code = IGT_EXIT_SKIP;
	igt_exit();
}

void igtc_skip_check(const char *file, int line, const char *func,
		     const char *check, const char *fmt, ...)
{
	char *detail = NULL, *err_str = NULL;
	int err = errno;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&detail, fmt, ap) < 0)
			detail = NULL;
		va_end(ap);
	}
	if (err && asprintf(&err_str, "Last errno: %d, %s\n", err,
			    strerror(err)) < 0)
		err_str = NULL;

	free(skip_msg);	/* igt_skip() does not return: keep it here */
	if (asprintf(&skip_msg, "Requirement not met in %s(), %s:%d:\n"
		     "Requirement: %s\n%s%s", func, file, line, check,
		     detail ? detail : "", err_str ? err_str : "") < 0)
		skip_msg = NULL;
	free(detail);
	free(err_str);
	igt_skip("%s", skip_msg ? skip_msg : "Requirement not met\n");
}

void igt_fail(int code)
{
	if (code == IGT_EXIT_SUCCESS || code == IGT_EXIT_SKIP)
		api_misuse("igt_fail(%d): not a failure exit code\n", code);
	/* an assertion failed in an exit handler */
	if (in_atexit)
		_exit(IGT_EXIT_FAILURE);
	if (is_child) {
		log_ring_dump();
		exit(code);
	}

	if (in_dynamic) {
		dynamic_failed = true;
	} else {
		if (dynamic_executed >= 0 && !dynamic_failed)
			api_misuse("a subtest with dynamic subtests can only "
				   "fail inside igt_dynamic blocks\n");
		if (!failed_one)
			exit_code = code;
		failed_one = true;
	}
	log_ring_dump();

	if (in_subtest)
		exit_subtest("FAIL");
	if (!igt_can_fail())
		api_misuse("failing outside of fixtures and subtests\n");
	if (in_fixture) {
		henceforth = FAIL_REST;
		abandon_fixture();
	}
	igt_exit();
}

void igtc_fail_assert(const char *domain, const char *file, int line,
		      const char *func, const char *expr, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_log(domain, IGT_LOG_CRITICAL,
		"Assertion failed in %s(), %s:%d:\n", func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed: %s\n", expr);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %d, %s\n",
			err, strerror(err));
	if (fmt) {
		va_start(ap, fmt);
		igt_vlog(domain, IGT_LOG_CRITICAL, fmt, ap);
		va_end(ap);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

void igtc_abort(const char *domain, const char *file, int line,
		const char *func, const char *expr, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	kmsg("%s[%d]: Abort in %s(), %s:%d, %s\n", command_str, (int)getpid(),
	     func, file, line, expr);
	igt_log(domain, IGT_LOG_CRITICAL, "Aborting in %s(), %s:%d:\n",
		func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Abort condition: %s\n", expr);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %d, %s\n",
			err, strerror(err));
	if (fmt) {
		va_start(ap, fmt);
		igt_vlog(domain, IGT_LOG_CRITICAL, fmt, ap);
		va_end(ap);
	}
	igt_kill_children(SIGKILL);
	log_ring_dump();
	exit(IGT_EXIT_ABORT);
}

void igt_exit(void)
{
	if (run_pattern && !run_pattern_found) {
		igt_critical("Unknown subtest: %s\n", run_pattern);
		exit(IGT_EXIT_INVALID);
	}
	if (igt_only_list_subtests())
		exit(IGT_EXIT_SUCCESS);

	if (with_subtests && !failed_one) {
		if (succeeded_one)
			exit_code = IGT_EXIT_SUCCESS;
		else if (skipped_one)
			exit_code = IGT_EXIT_SKIP;
		else
			api_misuse("igt_main() ran no subtest\n");
	}

	kill_and_reap_children();
	if (!with_subtests)
		printf("%s (%.3fs)\n",
		       exit_code == IGT_EXIT_SUCCESS ? "SUCCESS" :
		       exit_code == IGT_EXIT_SKIP ? "SKIP" : "FAIL",
		       seconds_since(&test_start));
	kmsg("%s: exiting, ret=%d\n", command_str, exit_code);
	fflush(stdout);
	exit(exit_code);
}

/* igt_fork */

bool igtc_fork(void)
{
	pid_t pid;

	if (with_subtests && !in_subtest)
		api_misuse("igt_fork() is only allowed in subtests or "
			   "igt_simple_main()\n");
	if (is_child)
		api_misuse("igt_fork() cannot be nested\n");

	if (num_children == children_cap) {
		int cap = children_cap ? 2 * children_cap : 4;
		pid_t *p = realloc(children, cap * sizeof(*p));

		if (!p)
			api_misuse("out of memory\n");
		children = p;
		children_cap = cap;
	}

	fflush(NULL);	/* or the children print the parent's buffers */
	pid = fork();
	if (pid < 0)
		igt_assert_f(0, "fork() failed\n");
	if (pid == 0) {
		is_child = true;
		num_children = 0;
		num_exit_handlers = 0;	/* the parent's, not ours */
		return true;
	}
	children[num_children++] = pid;
	return false;
}

void igt_emit_ignore_dmesg_regex(const char *regex)
{
	regex_t re;

	/* The runner compiles it (as a GLib regex); a bad one is a test bug. */
	if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB))
		api_misuse("igt_emit_ignore_dmesg_regex(): bad regex \"%s\"\n", regex);
	regfree(&re);
	/* resultgen.c: fill_from_dmesg looks for this marker. */
	kmsg("add ignored dmesg regex: %s\n", regex);
}

void igt_kill_children(int sig)
{
	for (int i = 0; i < num_children; i++)
		if (children[i] > 0)
			kill(children[i], sig);
}

static void kill_and_reap_children(void)
{
	for (int i = 0; i < num_children; i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	}
	num_children = 0;
}

void igt_waitchildren(void)
{
	int err = 0, done = 0;

	if (is_child)
		api_misuse("igt_waitchildren() in an igt_fork() child\n");

	while (done < num_children) {
		int status, i;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			igt_warn("waiting for %d igt_fork() children: %s\n",
				 num_children - done, strerror(errno));
			err = IGT_EXIT_FAILURE;
			break;
		}
		for (i = 0; i < num_children; i++)
			if (children[i] == pid)
				break;
		if (i == num_children)
			continue;	/* not one of ours */
		children[i] = -1;
		done++;

		if (err || status == 0)
			continue;
		if (WIFEXITED(status)) {
			igt_info("igt_fork() child %d exited with status %d\n",
				 i, WEXITSTATUS(status));
			err = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			igt_info("igt_fork() child %d killed by signal %d (%s)\n",
				 i, WTERMSIG(status), strsignal(WTERMSIG(status)));
			err = 128 + WTERMSIG(status);
		} else {
			err = IGT_EXIT_FAILURE;
		}
		/* the first failure decides: stop the others */
		igt_kill_children(SIGKILL);
	}
	kill_and_reap_children();

	if (err == IGT_EXIT_SKIP)
		err = IGT_EXIT_FAILURE;	/* children may not skip */
	if (err)
		igt_fail(err);
}

/* ioctl */

static int restarting_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

int (*igt_ioctl)(int fd, unsigned long request, void *arg) = restarting_ioctl;
