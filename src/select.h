/*
 * select.h - the run's selection: -k and -m, then what the selected items
 * must satisfy before they run.
 */
#ifndef HERD_SELECT_H
#define HERD_SELECT_H

#include <stddef.h>

struct ctl;

/*
 * Selects the items of c's binaries that -k and -m match, among the tasks
 * when tasks (a verb: herd build, ...) or else the tests (docs/tasks.md).
 * *collected counts the tests, or the tasks, before -k and -m.
 */
void select_items(struct ctl *c, int tasks, size_t *collected);
/*
 * Two selected items with one node id would share a cache entry, a line of
 * every report and a --lf mark, and herd merge would refuse their reports:
 * refuse the run instead, naming the id and where both come from (two
 * binaries built from one source, or a TEST_P whose param ids repeat).
 * Returns 0 or -1 (one line printed).
 */
int select_check_ids(const struct ctl *c);
/* --dist each: one copy of every selected item per worker, pinned to it. */
void select_expand_each(struct ctl *c);
/* An item asking more of a resource than its capacity could never run: say
 * so (one line) and return -1 before starting; else 0. */
int select_check_demands(struct ctl *c);
/* Counts, for each global fixture, the selected items that use it. */
void select_count_gfix_users(struct ctl *c);

#endif
