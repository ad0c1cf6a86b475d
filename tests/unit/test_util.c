/* Unit tests of common/util.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <herd.h>

#include "proto.h"
#include "report.h"
#include "scratch.h"
#include "util.h"

TEST(buf, grows_and_terminates)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 10000; i++)
		buf_addc(&b, 'a' + (int)(i % 26));
	REQUIRE_EQ(b.len, 10000);
	CHECK_EQ(b.data[b.len], '\0');
	buf_printf(&b, "%s-%d", "x", 42);
	CHECK_STR_EQ(b.data + 10000, "x-42");
	buf_clear(&b);
	CHECK_NULL(b.data);
}

TEST(buf, printf_long)
{
	struct buf b = BUF_INIT;
	char big[5000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "<%s>", big);
	CHECK_EQ(b.len, sizeof(big) + 1);
	CHECK_EQ(b.data[0], '<');
	CHECK_EQ(b.data[b.len - 1], '>');
	buf_clear(&b);
}

TEST(buf, detach_empty)
{
	struct buf b = BUF_INIT;
	size_t n = 99;
	char *s = buf_detach(&b, &n);

	CHECK_STR_EQ(s, "");
	CHECK_EQ(n, 0);
	free(s);
}

TEST(util, parse_seconds)
{
	CHECK_NEAR(hd_parse_seconds("2"), 2.0, 1e-12);
	CHECK_NEAR(hd_parse_seconds("0.25"), 0.25, 1e-12);
	CHECK_NEAR(hd_parse_seconds("0"), 0.0, 1e-12);
	CHECK_DOUBLE_LT(hd_parse_seconds("-1"), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds("abc"), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds("1s"), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds(""), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds("nan"), 0);
	/* Results' form (digits, point, decimals) and what only strtod reads. */
	CHECK_NEAR(hd_parse_seconds("0.000123"), 0.000123, 1e-15);
	CHECK_NEAR(hd_parse_seconds("12.5"), 12.5, 1e-12);
	CHECK_NEAR(hd_parse_seconds("5."), 5.0, 1e-12);
	CHECK_NEAR(hd_parse_seconds(".5"), 0.5, 1e-12);
	CHECK_NEAR(hd_parse_seconds("1e3"), 1000.0, 1e-9);
	CHECK_NEAR(hd_parse_seconds("1000000000"), 1e9, 1e-3);
	CHECK_DOUBLE_LT(hd_parse_seconds("1000000001"), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds("0.5x"), 0);
	CHECK_DOUBLE_LT(hd_parse_seconds("1.2.3"), 0);
}

/* What the encoder wrote for one message of type "t" built by fill. */
static const char *
encoded(void (*fill)(struct buf *))
{
	static char out[256];
	struct buf b = BUF_INIT;

	hd_enc_begin(&b, "t");
	fill(&b);
	hd_enc_end(&b);
	snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data);
	buf_clear(&b);
	return out;
}

static void
fill_numbers(struct buf *b)
{
	hd_enc_uint(b, NULL, 0);
	hd_enc_uint(b, "line", 18446744073709551615ull);
	hd_enc_seconds(b, 0.0004999);
	hd_enc_seconds(b, 12.0000006);
	hd_enc_seconds(b, 3.25);
}

static void
fill_kv(struct buf *b)
{
	hd_enc_kv(b, "name", "a\tb%c");
	hd_enc_kv(b, "skip", NULL);
	hd_enc_kv(b, NULL, "x\n");
}

TEST(proto, encodes_numbers_and_keys_without_printf)
{
	CHECK_STR_EQ(encoded(fill_numbers),
		     "t\t0\tline=18446744073709551615\t0.000500\t12.000001\t3.250000\n");
	CHECK_STR_EQ(encoded(fill_kv), "t\tname=a%09b%25c\tskip=\tx%0A\n");
}

TEST(util, signame)
{
	char tmp[32];

	CHECK_STR_EQ(hd_signame(SIGSEGV, tmp, sizeof(tmp)), "SIGSEGV");
	CHECK_STR_EQ(hd_signame(SIGKILL, tmp, sizeof(tmp)), "SIGKILL");
	CHECK_STR_EQ(hd_signame(1000, tmp, sizeof(tmp)), "signal 1000");
}

TEST(report, counts_text)
{
	struct hd_counts c;
	char text[256];

	memset(&c, 0, sizeof(c));
	hd_counts_text(&c, text, sizeof(text));
	CHECK_STR_EQ(text, "no tests ran");
	c.n[HD_PASSED] = 10;
	c.n[HD_FAILED] = 1;
	c.n[HD_ERROR] = 2;
	c.n[HD_SKIPPED] = 1;
	c.deselected = 3;
	hd_counts_text(&c, text, sizeof(text));
	CHECK_STR_EQ(text, "1 failed, 2 errors, 10 passed, 1 skipped, 3 deselected");
	CHECK_EQ(hd_exit_status(&c, 0), 1);
	CHECK_EQ(hd_exit_status(&c, 1), 2);
	c.n[HD_FAILED] = c.n[HD_ERROR] = 0;
	CHECK_EQ(hd_exit_status(&c, 0), 0);
	memset(c.n, 0, sizeof(c.n));
	c.n[HD_NOTRUN] = 4;
	CHECK_EQ(hd_exit_status(&c, 0), 5);
}

TEST(report, outcome_names_round_trip)
{
	int o;

	for (o = HD_PASSED; o < HD_NOUTCOMES; o++)
		CHECK_EQ(hd_outcome_parse(hd_outcome_name((enum hd_outcome)o)), o);
	CHECK_EQ(hd_outcome_parse("bogus"), HD_NONE);
}

/* Reports and caches never replace what stands at their path. */
TEST(util, write_file_atomic_keeps_links_fifos_and_modes)
{
	char *dir = scratch_dir("util");
	char *target = xasprintf("%s/target", dir), *link = xasprintf("%s/link", dir);
	char *chain = xasprintf("%s/chain", dir), *fifo = xasprintf("%s/fifo", dir);
	char *loop = xasprintf("%s/loop", dir), *text;
	struct stat st;
	pid_t pid;
	int status;

	REQUIRE_EQ(symlink("target", link), 0);
	REQUIRE_EQ(symlink(link, chain), 0);
	/* A dangling link: its target is created. */
	REQUIRE_EQ(hd_write_file_atomic(chain, "one", 3), 0);
	REQUIRE_EQ(lstat(link, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	REQUIRE_EQ(lstat(chain, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	text = hd_read_file(target, NULL);
	CHECK_STR_EQ(text, "one");
	free(text);
	/* A file rewritten keeps its mode. */
	REQUIRE_EQ(chmod(target, 0600), 0);
	REQUIRE_EQ(hd_write_file_atomic(link, "two", 3), 0);
	REQUIRE_EQ(stat(target, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	/* A link cycle is ELOOP, not a hang. */
	REQUIRE_EQ(symlink("loop", loop), 0);
	CHECK_EQ(hd_write_file_atomic(loop, "x", 1), -1);
	CHECK_EQ(errno, ELOOP);
	/* A FIFO is written in place: its reader gets the bytes. */
	REQUIRE_EQ(mkfifo(fifo, 0600), 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		char got[8] = { 0 };
		int fd = open(fifo, O_RDONLY);

		_exit(fd >= 0 && hd_read_full(fd, got, 5) == 5 && !memcmp(got, "fifo!", 5) ? 0 : 1);
	}
	CHECK_EQ(hd_write_file_atomic(fifo, "fifo!", 5), 0);
	REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got the bytes");
	REQUIRE_EQ(lstat(fifo, &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	/* A folder is an error. */
	CHECK_EQ(hd_write_file_atomic(dir, "x", 1), -1);
	CHECK_EQ(errno, EISDIR);
	free(target);
	free(link);
	free(chain);
	free(fifo);
	free(loop);
	scratch_remove(dir);
}
