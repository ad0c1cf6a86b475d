/*
 * merge.h - `herd merge OUT IN...`: combines the reports of the shards of one
 * run (--shard K/N on N machines) into the report of the whole run.
 *
 * OUT and every IN are all herd JUnit files (.xml) or all herd JSON reports
 * (.json). Items are copied as they are, in shard order when the inputs carry
 * shard metadata and in argument order otherwise; the counts are recomputed.
 * The merged duration is the longest input's, not the sum: shards run side by
 * side, so the run took as long as its slowest shard.
 *
 * Shard metadata, written by the controller under --shard K/N:
 *   JSON:  "meta": {"shard": K, "shards": N, "selected": S, "collection": "HEX"}
 *   JUnit: <properties> first in <testsuite>, with <property name="herd.shard"
 *          value="K"/> and likewise herd.shards, herd.selected, herd.collection.
 * S is the number of items selected in the whole run, HEX its
 * hd_collection_hash. In JSON, each shard's summary "deselected" counts the
 * other shards' items too, as pytest-split does, so deselected + items is
 * what every shard collected; the merged "deselected" is that less S. Without
 * metadata the inputs are separate runs and their counts are summed.
 *
 * With metadata the inputs must agree on N, S and HEX, hold each shard 1..N
 * exactly once, share no id and hold S items in all. Without it, the only
 * check is that no id is in two inputs (an id repeated inside one input, as
 * with --dist each, is that run's own business). The merged report carries no
 * shard metadata.
 */
#ifndef HERD_MERGE_H
#define HERD_MERGE_H

#include <stddef.h>

struct buf;

/*
 * Merges the n reports ins into out, which is written through a temporary
 * name (it may be one of the inputs). Returns 0; 1 when the inputs are not
 * herd reports or are not the shards of one run, or out cannot be written;
 * 4 when the arguments are wrong (suffixes, an input that cannot be read) or
 * an input is not well-formed XML or JSON ("IN:LINE:COLUMN: reason"). On
 * failure, one line saying why (no newline) is appended to err (may be NULL).
 * JUnit is read with expat; each <testcase> is copied byte for byte, so the
 * output is well-formed; a DOCTYPE, or a namespace prefix declared outside
 * the testcases, is refused, as the copies would not stand on their own.
 */
int hd_merge(const char *out, const char *const *ins, size_t n, struct buf *err);

/* The command: argv[0] is "merge", then [-h|--help] [--] OUT IN... Prints
 * "herd: merge: reason" on failure. Returns the exit status: 0, 1 or 4. */
int hd_merge_main(int argc, char **argv);

#endif
