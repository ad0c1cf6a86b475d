/*
 * workers_by_memory - -n auto from memory rather than cores: as many
 * workers as /proc/meminfo's MemAvailable holds --memory-per-worker SIZE
 * (herd.ini: memory_per_worker = SIZE; default 1G), at least one. For
 * suites whose tests each need a lot of memory; --maxprocesses still caps it.
 * Shows: auto_num_workers (a firstresult hook: answer 1 to decide), an
 * option with a value, a herd.ini key and a default, and refusing a bad
 * value with herd_plugin_error (exit 3, naming plugin and hook).
 *
 *	herd -p build/plugins/workers_by_memory.so -n auto --memory-per-worker 2G tests
 *
 * SIZE is bytes, or a number with K, M or G (powers of 1024).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd_plugin.h>

static int
addoption(herd_parser *p)
{
	static const struct herd_option o = {
		.name = "--memory-per-worker", .metavar = "SIZE",
		.help = "-n auto: one worker per SIZE of MemAvailable (K, M, G)",
		.ini = "memory_per_worker", .dflt = "1G",
	};

	return herd_addoption(p, &o);
}

/* "512M" in bytes, or 0 when it is not a size. */
static unsigned long long
parse_size(const char *s)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return 0;
	switch (*end) {
	case 'G': case 'g': mul <<= 10; /* fall through */
	case 'M': case 'm': mul <<= 10; /* fall through */
	case 'K': case 'k': mul <<= 10; end++; break;
	case '\0': break;
	default: return 0;
	}
	if (*end || v > ~0ULL / mul)
		return 0;
	return v * mul;
}

/* MemAvailable in bytes, or 0 when the kernel does not say. */
static unsigned long long
mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static int
auto_num_workers(herd_session *s, int *out)
{
	const char *v = herd_getoption(s, "--memory-per-worker");
	unsigned long long per = parse_size(v), avail = mem_available(), n;

	if (!per) {
		herd_plugin_error(s, "--memory-per-worker: '%s' is not a size (512M, 2G)", v);
		return -1;
	}
	if (!avail)
		return 0;	/* no MemAvailable: let herd count cores */
	n = avail / per;
	*out = n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
	return 1;
}

HERD_PLUGIN("workers_by_memory",
	    .addoption = addoption,
	    .auto_num_workers = auto_num_workers);
