/*
 * held.c - eight quick items for held.sh, run in one worker: each logs, as
 * it starts, how many bytes of results its worker holds back in the results
 * file (docs/protocol.md, section 5, Batched results: bytes 0-7 of the file
 * are that length), found as the worker's mapping of the file herd made
 * (herd-capture); "none" when there is no such mapping. One line an item,
 * in the order they ran.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <herd.h>

#include "e2e.h"

static const int eight[8];

/* The length at the head of the results file, or -1. */
static long long
held_bytes(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo;
	long long n = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "herd-capture") && sscanf(line, "%lx-", &lo) == 1) {
			n = (long long)*(volatile const uint64_t *)lo;
			break;
		}
	if (f)
		fclose(f);
	return n;
}

TEST_P(held, item, eight)
{
	long long n = held_bytes();

	if (n < 0)
		e2e_log("held.log", "none\n");
	else
		e2e_log("held.log", "%lld\n", n);
}
