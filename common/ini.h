/*
 * ini.h - herd.ini, read as pytest reads pytest.ini, and the shell-like
 * splitting of addopts and HERD_ADDOPTS.
 */
#ifndef HERD_INI_H
#define HERD_INI_H

#include <stddef.h>

/* One "key = value" line, with its section and the line it started on. */
struct hd_ini_entry {
	char *section;
	char *key;
	char *value;	/* trimmed; continuation lines joined with '\n' */
	int line;
};

/* Keys and section names are at most this long. */
#define HD_INI_MAX_NAME 256

/*
 * Parses len bytes of text, named path in messages, in time linear in len. Sections are "[name]";
 * entries "key = value" or "key: value", values kept verbatim but for the
 * surrounding whitespace (an inline '#' is part of the value, as in pytest);
 * an indented line continues the previous value; blank lines and lines
 * starting with '#' or ';' are skipped. On success *out holds *n entries in
 * file order, which the caller frees with hd_ini_free, and 0 is returned. On
 * error -1 is returned, *out is NULL, *n is 0 and err holds one line
 * "path:line: problem", quoting at most HD_QUOTE_MAX characters of the line.
 */
int hd_ini_parse(const char *text, size_t len, const char *path,
		 struct hd_ini_entry **out, size_t *n, char *err, size_t errlen);

/* Frees the n entries of e and e itself; e may be NULL. */
void hd_ini_free(struct hd_ini_entry *e, size_t n);

/* The value of key in section (the last one when repeated), or NULL. */
const char *hd_ini_get(const struct hd_ini_entry *e, size_t n, const char *section,
		       const char *key);

/*
 * Splits s into words as Python's shlex.split does, as pytest does for
 * addopts: words are separated by whitespace; single quotes keep everything
 * literally; inside double quotes a backslash escapes only '"' and '\';
 * outside quotes a backslash escapes any character. On success *argv is a
 * NULL-terminated array of *argc strings, freed with hd_args_free, and 0 is
 * returned. An unterminated quote or a trailing backslash returns -1 with
 * *argv NULL, *argc 0 and the problem in err (no position prefix).
 */
int hd_split_args(const char *s, char ***argv, size_t *argc, char *err, size_t errlen);

/* Frees a NULL-terminated array from hd_split_args; argv may be NULL. */
void hd_args_free(char **argv);

#endif
