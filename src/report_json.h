/*
 * report_json.h - the --json report: the run's summary and every item in one
 * JSON document, for scripts and CI dashboards.
 */
#ifndef HERD_REPORT_JSON_H
#define HERD_REPORT_JSON_H

#include <stddef.h>

#include "report.h"

struct buf;

/*
 * Writes the report to path through a temporary name. counts may be NULL:
 * they are then counted from items. meta_json, when not NULL, is valid JSON
 * that becomes the value of "meta" verbatim. Returns 0, or -1 with errno set.
 */
int hd_json_write(const char *path, const struct hd_ritem *items, size_t n,
		  double elapsed, const struct hd_counts *counts, const char *meta_json);

/* Appends the n bytes at s as a quoted JSON string (null when s is NULL);
 * each byte of invalid UTF-8 becomes U+FFFD. */
void hd_json_string(struct buf *b, const char *s, size_t n);

#endif
