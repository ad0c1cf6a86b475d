/*
 * plugins_badabi.c - a plugin built for another ABI, for tests/e2e/plugins.sh:
 * herd must refuse it without calling anything. Were its configure hook
 * called, it would leave $E2E_DIR/badabi_called behind.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <herd_plugin.h>

static int
configure(herd_session *s)
{
	char path[4096];
	int fd;

	(void)s;
	snprintf(path, sizeof(path), "%s/badabi_called", getenv("E2E_DIR"));
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	return 0;
}

const struct herd_plugin herd_plugin = {
	.abi = HERD_PLUGIN_ABI + 1, .name = "badabi", .configure = configure,
};
