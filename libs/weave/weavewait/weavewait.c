/*
 * weavewait: the program the proxy bind-mounts at /w/w and puts in front of a
 * container's entrypoint. It blocks until the container is attached to the
 * weave network, then execs the real command so the application becomes
 * PID 1. "Attached" is one signal the proxy gives last: ethwe gets carrier
 * (the proxy brings the host end of the veth pair up only once addresses,
 * routes, /etc/hosts and the weaveDNS name are all in place). ethwe must
 * also be up and hold an IPv4 address. Nothing here depends on how the proxy
 * is configured, so a proxy restarted with other options between a
 * container's create and start still opens the same gate.
 *
 * SIGUSR2 releases the wait: the proxy sends it to a container it will not
 * attach (e.g. its network mode changed at start), which then runs without
 * the weave network instead of waiting forever.
 *
 *   w [-s] CMD [ARGS...]     (-s is accepted and ignored: older proxies
 *                             passed it for --no-multicast-route)
 *
 * It runs inside arbitrary images, so it is linked statically and reads
 * nothing from the image: no shell, no libc, no /etc. It allocates nothing
 * on the heap; every buffer is fixed and every copy is bounded.
 *
 * Error texts and exit codes follow the original Go weavewait (os/exec
 * messages; 126 cannot execute, 127 not found) because users and scripts
 * match on them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IFACE "ethwe"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The first 200 ms poll fast: attach normally finishes within a few ms of
 * start, and every ms here is added to the container's start latency. */
#define FAST_POLL_NS (2 * 1000 * 1000L)
#define SLOW_POLL_NS (20 * 1000 * 1000L)
#define FAST_PHASE_NS (200 * 1000 * 1000LL)
#define NOTICE_AFTER_NS (10 * 1000 * 1000 * 1000LL)

extern char **environ;

/* ---- stderr without stdio: output is assembled here and written once, so
 * a message is never truncated and never interleaved with the app's. ---- */

struct out {
	char buf[512];
	size_t n;
};

static void out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->n) {
		ssize_t w = write(STDERR_FILENO, o->buf + off, o->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	o->n = 0;
}

static void out_char(struct out *o, char c)
{
	if (o->n == sizeof(o->buf))
		out_flush(o);
	o->buf[o->n++] = c;
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

/* Like Go's strconv.Quote for the bytes that matter: the command name comes
 * from the user and may hold quotes or control characters. */
static void out_quoted(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	out_char(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out_char(o, '\\');
			out_char(o, (char)c);
		} else if (c == '\n') {
			out_str(o, "\\n");
		} else if (c == '\t') {
			out_str(o, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			out_str(o, "\\x");
			out_char(o, hex[c >> 4]);
			out_char(o, hex[c & 0xf]);
		} else {
			out_char(o, (char)c);
		}
	}
	out_char(o, '"');
}

/* Go's syscall errors are glibc's texts with a lower-case first letter. */
static void out_errno(struct out *o, int err)
{
	const char *msg = strerror(err);

	if (*msg >= 'A' && *msg <= 'Z') {
		out_char(o, (char)(*msg - 'A' + 'a'));
		msg++;
	}
	out_str(o, msg);
}

/* Prints `exec: "CMD": <detail>` and exits; detail is text, an errno, or
 * both as `<text> CMD: <errno>` (Go's *PathError shape). A command that is
 * not there exits 127, one that is there but cannot run 126, as in sh. */
__attribute__((noreturn))
static void die_exec(const char *cmd, const char *text, int err)
{
	struct out o = { .n = 0 };

	out_str(&o, "exec: ");
	out_quoted(&o, cmd);
	out_str(&o, ": ");
	if (text) {
		out_str(&o, text);
		if (err) {
			out_char(&o, ' ');
			out_str(&o, cmd);
			out_str(&o, ": ");
		}
	}
	if (err)
		out_errno(&o, err);
	out_char(&o, '\n');
	out_flush(&o);
	_exit(err == 0 || err == ENOENT ? 127 : 126);
}

static void say(const char *line)
{
	struct out o = { .n = 0 };

	out_str(&o, line);
	out_char(&o, '\n');
	out_flush(&o);
}

/* ---- command lookup, done before waiting so a typo fails at once instead
 * of after the network arrives (or never, if it does not). ---- */

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

/* Returns the path to exec: cmd itself when it names a path, else the first
 * match on $PATH copied into buf. Exits with the os/exec message otherwise. */
static const char *resolve(const char *cmd, char *buf, size_t bufsize)
{
	const char *path, *dir, *end;
	size_t cmdlen = strlen(cmd);
	struct stat st;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) != 0)
			die_exec(cmd, "stat", errno);
		/* runc (what dockerd runs) says "permission denied" for a
		 * directory too: execve's EACCES. */
		if (S_ISDIR(st.st_mode))
			die_exec(cmd, NULL, EACCES);
		if (faccessat(AT_FDCWD, cmd, X_OK, AT_EACCESS) != 0)
			die_exec(cmd, NULL, EACCES);
		return cmd;
	}

	path = getenv("PATH");
	if (!path)
		path = DEFAULT_PATH;
	/* An empty PATH has no entries (Go's filepath.SplitList), but an empty
	 * entry inside a non-empty PATH means the current directory. */
	for (dir = path; *path != '\0'; dir = end + 1) {
		size_t dirlen;

		end = strchr(dir, ':');
		if (!end)
			end = dir + strlen(dir);
		dirlen = (size_t)(end - dir);
		if (dirlen == 0) {
			dir = ".";
			dirlen = 1;
		}
		/* Entries that cannot fit could not be exec'd anyway (ENAMETOOLONG). */
		if (dirlen + 1 + cmdlen + 1 <= bufsize) {
			memcpy(buf, dir, dirlen);
			buf[dirlen] = '/';
			memcpy(buf + dirlen + 1, cmd, cmdlen + 1);
			if (is_executable_file(buf))
				return buf;
		}
		if (*end == '\0')
			break;
	}
	die_exec(cmd, "executable file not found in $PATH", 0);
}

/* ---- readiness checks, each answering for this process's own network
 * namespace. ---- */

/* 1 carrier up, 0 down or not there, -1 when sysfs does not show this
 * interface although the kernel has it: /sys then belongs to another
 * namespace (or is not mounted) and IFF_RUNNING is the best we have. */
static int read_carrier(void)
{
	char c = 0;
	ssize_t n;
	int fd = open("/sys/class/net/" IFACE "/carrier", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -1 : 0;
	/* The read fails with EINVAL while the link is administratively down. */
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 1 && c == '1';
}

static int link_ready(int sock)
{
	struct ifreq ifr;
	int carrier;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, IFACE, sizeof(IFACE));
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0 || !(ifr.ifr_flags & IFF_UP))
		return 0;
	carrier = read_carrier();
	if (carrier < 0)
		return (ifr.ifr_flags & IFF_RUNNING) != 0;
	return carrier;
}

static int has_ipv4(int sock)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, IFACE, sizeof(IFACE));
	ifr.ifr_addr.sa_family = AF_INET;
	return ioctl(sock, SIOCGIFADDR, &ifr) == 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pause_ns(long ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ns };

	/* An early wake-up only means polling a little sooner. */
	nanosleep(&ts, NULL);
}

static volatile sig_atomic_t released;

static void on_release(int sig)
{
	(void)sig;
	released = 1;
}

/* No deadline of its own: a container that Docker restarts on its own is
 * attached again by the proxy whenever it notices (or released, SIGUSR2),
 * and must not run its app unnetworked in the meantime. */
static void wait_for_network(void)
{
	long long start = now_ns();
	int noticed = 0;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	for (;;) {
		long long elapsed;

		if (released) {
			say("weavewait: released by the weave proxy: running without the weave network");
			break;
		}
		if (sock >= 0 && link_ready(sock) && has_ipv4(sock))
			break;
		elapsed = now_ns() - start;
		if (!noticed && elapsed >= NOTICE_AFTER_NS) {
			say("weavewait: waiting for interface " IFACE);
			noticed = 1;
		}
		if (sock < 0)
			sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		pause_ns(elapsed < FAST_PHASE_NS ? FAST_POLL_NS : SLOW_POLL_NS);
	}
	close(sock);
}

/* As PID 1 of a container, signals without a handler are dropped by the
 * kernel, so `docker stop` would wait out its timeout while we poll. A
 * handler makes them end the wait; execve resets it to the default for the
 * app. Dispositions inherited as ignored are left alone, since execve would
 * pass them on to the app. */
static void on_stop_signal(int sig)
{
	_exit(128 + sig);
}

static void handle_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR2 };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old, sa;

		if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL)
			continue;
		/* No SA_RESTART: a signal cuts the poll's sleep short. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = sigs[i] == SIGUSR2 ? on_release : on_stop_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

int main(int argc, char **argv)
{
	static char found[PATH_MAX];
	int first = 1;
	const char *exe;

	if (argc > 1 && strcmp(argv[1], "-s") == 0)
		first = 2;
	if (first >= argc) {
		say("No command specified");
		return 1;
	}

	exe = resolve(argv[first], found, sizeof(found));
	handle_signals();
	wait_for_network();

	execve(exe, argv + first, environ);
	die_exec(argv[first], NULL, errno);
}
