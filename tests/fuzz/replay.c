/*
 * replay.c - runs the fuzz target over files, without libFuzzer, so the
 * corpus is replayed by any compiler under ASan in `make check`. Each
 * argument is a file or a folder whose files are all replayed (one level).
 * Exits 0 when every input passed; a violated invariant aborts, as it does
 * under the fuzzer. The compile line is in tests/fuzz/run.sh.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	size_t len;
	char *data = hd_read_file(path, &len);

	if (!data) {
		hd_warn("%s:", path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

/* Replays the regular files in dir, in no particular order; -1 on an error. */
static int
replay_dir(const char *dir, size_t *count)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int status = 0;

	if (!dp) {
		hd_warn("%s:", dir);
		return -1;
	}
	while ((e = readdir(dp))) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				status = -1;
			else
				++*count;
		}
		free(path);
	}
	closedir(dp);
	return status;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i, status = 0;

	hd_progname = "replay";
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			hd_warn("%s:", argv[i]);
			status = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				status = 1;
		} else if (replay_file(argv[i]) < 0) {
			status = 1;
		} else {
			count++;
		}
	}
	printf("replay: %zu inputs, %s\n", count, status ? "with errors" : "all passed");
	return status;
}
