/*
 * tx.h - where workers run: the --tx specs (docs/remote.md), and the
 * command that reaches a host's relay. No I/O: the unit tests drive it.
 */
#ifndef HERD_TX_H
#define HERD_TX_H

#include <stddef.h>

#include "util.h"

#define TX_MAX_COUNT 1024	/* workers one spec may ask for */

enum tx_kind { TX_POPEN, TX_SSH, TX_CMD };

struct tx_spec {
	enum tx_kind kind;
	int count;		/* N of N*, 1 without */
	char *user, *host;	/* ssh: user may be NULL */
	int port;		/* ssh: 0 for ssh's own default */
	char *command;		/* cmd: as written */
	char *chdir;		/* //chdir=; NULL: none */
	char *herd;		/* //herd=; NULL: "herd" on the far side's PATH */
	char *label;		/* how messages and the header name the host */
};

/* Parses one --tx value into t (freed with tx_spec_free): 0, or -1 with
 * the problem in err, e.g. "no host". */
int tx_parse(const char *s, struct tx_spec *t, char *err, size_t errlen);
void tx_spec_free(struct tx_spec *t);

/* Appends word to b in single quotes, for a POSIX shell ('\'' for a quote). */
void sh_quote(struct buf *b, const char *word);

/* The shell command line the far side runs: cd to chdir, exec the relay. */
char *tx_script(const struct tx_spec *t);

/*
 * The transport's argv (NULL-terminated, freed with hd_args_free): ssh's
 * (from ssh_cmd, e.g. "ssh" or HERD_SSH's value) or the cmd's words, with
 * the script as the last argument. NULL with the problem in err.
 */
char **tx_argv(const struct tx_spec *t, const char *ssh_cmd, char *err, size_t errlen);

#endif
