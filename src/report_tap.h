/*
 * report_tap.h - the --tap report: TAP version 13 on a stream, for prove and
 * the CI plugins that read TAP.
 */
#ifndef HERD_REPORT_TAP_H
#define HERD_REPORT_TAP_H

#include <stdio.h>
#include <stddef.h>

#include "report.h"

/*
 * Writes the whole TAP stream for n items to out: the version line, the plan,
 * one test line per item and a YAML block under each failure. An item
 * without an outcome is reported as not run. Does not flush out.
 */
void hd_tap_write(FILE *out, const struct hd_ritem *items, size_t n);

#endif
