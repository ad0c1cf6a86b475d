/* Unit tests of the controller's string and record pool (src/intern.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "intern.h"
#include "util.h"

TEST(intern, equal_strings_share_one_copy)
{
	struct intern t = INTERN_INIT;
	char a[] = "tests/a.c", b[] = "tests/a.c";
	const char *x = intern_str(&t, a), *y = intern_str(&t, b);

	CHECK_PTR_EQ(x, y);
	CHECK_PTR_NE(x, a);
	CHECK_STR_EQ(x, "tests/a.c");
	CHECK_PTR_NE(intern_str(&t, "tests/b.c"), x);
	/* A prefix is another string, not the same one. */
	CHECK_PTR_NE(intern_str(&t, "tests/a"), x);
	CHECK_NULL(intern_str(&t, NULL));
	CHECK_EQ(t.n, (size_t)3);
	intern_clear(&t);
	CHECK_EQ(t.n, (size_t)0);
}

TEST(intern, copies_stay_put_as_the_table_grows)
{
	struct intern t = INTERN_INIT;
	const char *first[5000];
	char s[32];
	size_t i;

	for (i = 0; i < LEN(first); i++) {
		snprintf(s, sizeof(s), "suite%zu", i);
		first[i] = intern_str(&t, s);
	}
	CHECK_EQ(t.n, LEN(first));
	for (i = 0; i < LEN(first); i++) {
		snprintf(s, sizeof(s), "suite%zu", i);
		REQUIRE_PTR_EQ(intern_str(&t, s), first[i], "suite%zu", i);
		REQUIRE_STR_EQ(first[i], s);
	}
	CHECK_EQ(t.n, LEN(first));
	intern_clear(&t);
}

struct rec {
	const char *file, *marks;
	double timeout;
	int line;
};

TEST(intern, records_of_interned_strings)
{
	struct intern t = INTERN_INIT;
	struct rec a, b;
	const struct rec *x, *y;
	char marks[] = "slow";

	memset(&a, 0, sizeof(a));
	a.file = intern_str(&t, "t.c");
	a.marks = intern_str(&t, marks);
	a.timeout = 1.5;
	a.line = 12;
	b = a;
	x = intern(&t, &a, sizeof(a));
	y = intern(&t, &b, sizeof(b));
	CHECK_PTR_EQ(x, y);
	CHECK_EQ((uintptr_t)x % _Alignof(struct rec), 0);
	CHECK_EQ(x->line, 12);
	CHECK_STR_EQ(x->marks, "slow");
	b.line = 13;
	CHECK_PTR_NE(intern(&t, &b, sizeof(b)), x);
	intern_clear(&t);
}

TEST(intern, keep_packs_unshared_copies)
{
	struct intern t = INTERN_INIT;
	char *a = intern_keep(&t, "a.c::s::t[0]xyz", 12);
	char *b = intern_keep(&t, "a.c::s::t[0]", 12);
	char *big;
	static char huge[200000];

	CHECK_STR_EQ(a, "a.c::s::t[0]");
	CHECK_PTR_NE(a, b);
	/* Packed: no malloc header or alignment between them. */
	CHECK_PTR_EQ(b, a + 13);
	memset(huge, 'x', sizeof(huge) - 1);
	big = intern_keep(&t, huge, sizeof(huge) - 1);
	CHECK_EQ(strlen(big), sizeof(huge) - 1);
	CHECK_STR_EQ(intern_keep(&t, "after", 5), "after");
	CHECK_EQ(t.n, (size_t)0);
	intern_clear(&t);
}
