/*
 * Unit tests of the looponfail watcher (src/watch.c). Every change is made by
 * the test itself after the watch is armed; where a test must show that
 * nothing was reported, a timerfd stands in for the caller's interrupt, so
 * no test sleeps to wait for anything.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <herd.h>

#include "scratch.h"
#include "util.h"
#include "watch.h"

#ifdef __linux__

#include <sys/timerfd.h>
#include <sys/wait.h>

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	REQUIRE_NOT_NULL(f, "%s", path);
	fputs(text, f);
	REQUIRE_EQ(fclose(f), 0);
}

/* What a linker does: a new file under a temporary name, renamed over. */
static void
replace_file(const char *path)
{
	char *tmp = xasprintf("%s.new", path);

	write_file(tmp, "new build");
	REQUIRE_EQ(rename(tmp, path), 0);
	free(tmp);
}

/* A descriptor that becomes readable after ms milliseconds. */
static int
timer_after(int ms)
{
	struct itimerspec its;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	REQUIRE_GE(fd, 0);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000;
	REQUIRE_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
	return fd;
}

/* Opens a watch on dir/name. */
static struct hd_watch *
watch_one(const char *dir, const char *name, char **path)
{
	struct hd_watch *w;

	*path = xasprintf("%s/%s", dir, name);
	w = hd_watch_open((const char *const *)path, 1);
	REQUIRE_NOT_NULL(w, "%s: %s", *path, strerror(errno));
	return w;
}

TEST(watch, rename_into_place)
{
	char *dir = scratch_dir("watch"), *path;
	struct hd_watch *w;
	double t0;

	w = watch_one(dir, "test_bin", &path);
	write_file(path, "old build");
	/* The first write counts too: consume it. */
	CHECK_EQ(hd_watch_next(w, -1), 1);
	replace_file(path);
	t0 = hd_now();
	CHECK_EQ(hd_watch_next(w, -1), 1);
	/* A change is reported only after the quiet period. */
	CHECK_DOUBLE_GE(hd_now() - t0, HD_WATCH_QUIET_MS / 1000.0 - 0.005);
	hd_watch_close(w);
	free(path);
	scratch_remove(dir);
}

TEST(watch, each_kind_of_change)
{
	char *dir = scratch_dir("watch"), *path, *first = xasprintf("%s/bin", dir);
	struct hd_watch *w;

	write_file(first, "v1");
	free(first);
	w = watch_one(dir, "bin", &path);
	write_file(path, "v2");			/* written in place */
	CHECK_EQ(hd_watch_next(w, -1), 1, "IN_CLOSE_WRITE");
	REQUIRE_EQ(chmod(path, 0755), 0);	/* made executable */
	CHECK_EQ(hd_watch_next(w, -1), 1, "IN_ATTRIB");
	REQUIRE_EQ(unlink(path), 0);		/* deleted, then made anew */
	REQUIRE_EQ(mkfifo(path, 0600), 0);
	CHECK_EQ(hd_watch_next(w, -1), 1, "IN_CREATE");
	hd_watch_close(w);
	free(path);
	scratch_remove(dir);
}

TEST(watch, other_files_do_not_count)
{
	char *dir = scratch_dir("watch"), *path, *other, *other2;
	struct hd_watch *w;
	int tfd;

	w = watch_one(dir, "bin", &path);
	other = xasprintf("%s/bin.o", dir);
	other2 = xasprintf("%s/xbin", dir);
	write_file(other, "object");
	replace_file(other2);
	/* Only the timer can end this wait. */
	tfd = timer_after(HD_WATCH_QUIET_MS + 100);
	CHECK_EQ(hd_watch_next(w, tfd), 0);
	close(tfd);
	hd_watch_close(w);
	free(other);
	free(other2);
	free(path);
	scratch_remove(dir);
}

TEST(watch, interrupt_wins)
{
	char *dir = scratch_dir("watch"), *path;
	struct hd_watch *w;
	int p[2];
	char c;

	w = watch_one(dir, "bin", &path);
	REQUIRE_EQ(pipe(p), 0);
	replace_file(path);
	REQUIRE_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(hd_watch_next(w, p[0]), 0);
	/* The interrupt is the caller's to read; the change is still there. */
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(hd_watch_next(w, p[0]), 1);
	close(p[0]);
	close(p[1]);
	hd_watch_close(w);
	free(path);
	scratch_remove(dir);
}

TEST(watch, a_burst_is_one_change)
{
	char *dir = scratch_dir("watch"), *path;
	struct hd_watch *w;
	pid_t pid;
	int status, i, tfd;

	w = watch_one(dir, "bin", &path);
	/* A child rebuilds five times over; the watch was armed before. */
	pid = fork();
	REQUIRE_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < 5; i++)
			replace_file(path);
		_exit(0);
	}
	REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(hd_watch_next(w, -1), 1);
	/* All five were consumed by that one change. */
	tfd = timer_after(HD_WATCH_QUIET_MS + 100);
	CHECK_EQ(hd_watch_next(w, tfd), 0);
	close(tfd);
	hd_watch_close(w);
	free(path);
	scratch_remove(dir);
}

TEST(watch, change_while_waiting)
{
	char *dir = scratch_dir("watch"), *path;
	struct hd_watch *w;
	pid_t pid;
	int status;

	w = watch_one(dir, "bin", &path);
	/* The child's change may land before or during the wait: either way
	 * it is seen, because the watch was armed first. */
	pid = fork();
	REQUIRE_GE(pid, 0);
	if (pid == 0) {
		replace_file(path);
		_exit(0);
	}
	CHECK_EQ(hd_watch_next(w, -1), 1);
	REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	hd_watch_close(w);
	free(path);
	scratch_remove(dir);
}

TEST(watch, several_files_in_several_folders)
{
	char *dir = scratch_dir("watch"), *sub = xasprintf("%s/sub", dir);
	const char *paths[3];
	struct hd_watch *w;
	char *a, *b, *c;

	REQUIRE_EQ(mkdir(sub, 0777), 0);
	paths[0] = a = xasprintf("%s/a", dir);
	paths[1] = b = xasprintf("%s/b", dir);
	paths[2] = c = xasprintf("%s/c", sub);
	w = hd_watch_open(paths, 3);
	REQUIRE_NOT_NULL(w);
	replace_file(c);
	CHECK_EQ(hd_watch_next(w, -1), 1);
	replace_file(b);
	CHECK_EQ(hd_watch_next(w, -1), 1);
	hd_watch_close(w);
	free(a);
	free(b);
	free(c);
	free(sub);
	scratch_remove(dir);
}

TEST(watch, folder_removed_is_an_error)
{
	char *dir = scratch_dir("watch"), *sub = xasprintf("%s/build", dir), *path;
	struct hd_watch *w;

	REQUIRE_EQ(mkdir(sub, 0777), 0);
	w = watch_one(sub, "bin", &path);
	REQUIRE_EQ(rmdir(sub), 0);
	errno = 0;
	CHECK_EQ(hd_watch_next(w, -1), -1);
	CHECK_EQ(errno, ENOENT);
	hd_watch_close(w);
	free(path);
	free(sub);
	scratch_remove(dir);
}

TEST(watch, open_errors)
{
	char *dir = scratch_dir("watch"), *p;
	const char *paths[1];

	paths[0] = p = xasprintf("%s/missing/bin", dir);
	errno = 0;
	CHECK_NULL(hd_watch_open(paths, 1));
	CHECK_EQ(errno, ENOENT);
	free(p);
	paths[0] = p = xasprintf("%s/", dir);
	errno = 0;
	CHECK_NULL(hd_watch_open(paths, 1));
	CHECK_EQ(errno, EINVAL, "a folder is not a file");
	free(p);
	write_file((p = xasprintf("%s/file", dir)), "x");
	free(p);
	paths[0] = p = xasprintf("%s/file/bin", dir);
	errno = 0;
	CHECK_NULL(hd_watch_open(paths, 1));
	CHECK_EQ(errno, ENOTDIR);
	free(p);
	hd_watch_close(NULL);
	scratch_remove(dir);
}

TEST(watch, relative_path)
{
	char *dir = scratch_dir("watch"), *old = getcwd(NULL, 0);
	const char *paths[1] = { "bin" };
	struct hd_watch *w;

	REQUIRE_EQ(chdir(dir), 0);
	w = hd_watch_open(paths, 1);
	REQUIRE_NOT_NULL(w);
	replace_file("bin");
	CHECK_EQ(hd_watch_next(w, -1), 1);
	hd_watch_close(w);
	REQUIRE_EQ(chdir(old), 0);
	free(old);
	scratch_remove(dir);
}

#else

TEST(watch, unsupported, .skip = "inotify is Linux only")
{
}

#endif
