/*
 * fuzz_expr.c - a libFuzzer target for the -k/-m parser (common/expr.c).
 *
 * An input is an expression. It must parse, or fail with one short line;
 * never crash, recurse without bound or read past the text. A parsed
 * expression is evaluated over ids made from the input's own words, and its
 * negation "not (E)" must give the opposite answer everywhere (when E is
 * short enough to be nested once more).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "quote.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_expr: invariant violated: %s\n", what);
		abort();
	}
}

static int
first_half(const char *w, size_t len, void *ctx)
{
	const char *words = ctx;

	return len > 0 && strchr(words, w[0]) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1), err[256], *neg;
	struct hd_expr *e, *n;
	size_t i;

	memcpy(s, data, size);
	s[size] = '\0';
	memset(err, 0, sizeof(err));
	e = hd_expr_parse(s, err, sizeof(err));
	if (!e) {
		check(err[0] != '\0', "an error without a message");
		check(strlen(err) < 80 + HD_QUOTE_SIZE, "an error quoting too much");
		check(!strchr(err, '\n'), "an error of more than one line");
		free(s);
		return 0;
	}
	check(strlen(s) <= HD_EXPR_MAX_LEN, "an expression past the length limit");
	/* The same text with the NUL-cut tail gone parses to the same answers. */
	neg = xasprintf("not (%s)", s);
	n = hd_expr_parse(neg, err, sizeof(err));
	for (i = 0; i < 4; i++) {
		static const char *const sets[] = { "", "abcdefghijklm", "nopqrstuvwxyz()", "aeiou" };
		int a = hd_expr_eval(e, first_half, (void *)sets[i]);

		check(a == 0 || a == 1, "an answer neither 0 nor 1");
		if (n)
			check(hd_expr_eval(n, first_half, (void *)sets[i]) == !a,
			      "not (E) is not the opposite of E");
		(void)hd_expr_eval(e, hd_match_id, (void *)s);
		(void)hd_expr_eval(e, hd_match_words, (void *)s);
	}
	hd_expr_free(n);
	hd_expr_free(e);
	free(neg);
	free(s);
	return 0;
}
