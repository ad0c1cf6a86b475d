/*
 * expr.h - pytest's -k and -m expressions: words combined with and, or, not and
 * parentheses. What a word means (a substring of the id, a mark) is the
 * caller's: it passes a match callback.
 */
#ifndef HERD_EXPR_H
#define HERD_EXPR_H

#include <stddef.h>

struct hd_expr;

/* Limits, so that no input can exhaust the stack or memory. */
#define HD_EXPR_MAX_LEN (64u << 10)	/* bytes of text */
#define HD_EXPR_MAX_DEPTH 256		/* '(' and 'not' nested */

/*
 * Compiles s. An empty or blank s matches everything. On a syntax error, or
 * past a limit above, returns NULL and writes one line naming the problem
 * (and its column, quoting at most HD_QUOTE_MAX characters) into err.
 */
struct hd_expr *hd_expr_parse(const char *s, char *err, size_t errlen);
/* Evaluates e; match(word, len, ctx) says whether one word holds. */
int hd_expr_eval(const struct hd_expr *e,
		 int (*match)(const char *word, size_t len, void *ctx), void *ctx);
void hd_expr_free(struct hd_expr *e);

/* -k's match: the word is a substring of the node id ctx, ignoring case. */
int hd_match_id(const char *word, size_t len, void *id);
/* -m's match: the word is one of the space-separated words in ctx. */
int hd_match_words(const char *word, size_t len, void *list);

#endif
