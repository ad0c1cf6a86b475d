/*
 * binaries.c - finding the test binaries: the paths given, the folders
 * walked for executables linked with libherd, and where each one's workers
 * start (--chdir).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binaries.h"
#include "ctl.h"
#include "quote.h"

/*
 * Whether the 64-bit ELF file at fd holds marker in a PT_NOTE segment, as a
 * binary linked with libherd does (lib/main.c): a few hundred bytes read
 * instead of the whole file. 0 also when it cannot tell.
 */
static int
marker_in_notes(int fd, const char *marker)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	char note[4096];
	size_t i, nph;
	ssize_t n;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph[0]))
		return 0;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	n = pread(fd, ph, nph * sizeof(ph[0]), (off_t)eh.e_phoff);
	if (n != (ssize_t)(nph * sizeof(ph[0])))
		return 0;
	for (i = 0; i < nph; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz > sizeof(note))
			continue;
		n = pread(fd, note, ph[i].p_filesz, (off_t)ph[i].p_offset);
		if (n > 0 && memmem(note, (size_t)n, marker, strlen(marker)))
			return 1;
	}
	return 0;
}

/* Whether path is an executable linked with libherd (it carries the marker). */
static int
is_herd_binary(const char *path)
{
	char marker[32];
	struct stat st;
	void *p;
	int fd, found;

	/* Built at run time, so the controller itself does not carry it. */
	snprintf(marker, sizeof(marker), "%s-%s-%s", "herd", "test-binary", "v1");
	/* O_NONBLOCK: a FIFO that slipped past the caller's check must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return 0;
	}
	if (marker_in_notes(fd, marker)) {
		close(fd);
		return 1;
	}
	/* Older binaries, ones linked with libherd.so, and any other file. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	found = memmem(p, (size_t)st.st_size, marker, strlen(marker)) != NULL ||
		/* linked with the shared library: its name is in the dynamic section */
		memmem(p, (size_t)st.st_size, "libherd.so.", 11) != NULL;
	munmap(p, (size_t)st.st_size);
	return found;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files and folders already seen, by device and inode: a binary named twice
 * (or through a link) runs once, and a folder reached again through a
 * symlink cycle is not walked again. */
struct seen {
	dev_t dev;
	ino_t ino;
};
static struct seen *seen;
static size_t nseen;

/* Nonzero when st's file was seen before; remembers it otherwise. */
static int
seen_before(const struct stat *st)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return 1;
	seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
	seen[nseen].dev = st->st_dev;
	seen[nseen++].ino = st->st_ino;
	return 0;
}

void
binaries_add(struct ctl *c, const char *path, const struct stat *st)
{
	if (seen_before(st))
		return;	/* named twice: run once */
	c->bins = xreallocarray(c->bins, c->nbins + 1, sizeof(*c->bins));
	memset(&c->bins[c->nbins], 0, sizeof(c->bins[0]));
	c->bins[c->nbins++].path = xstrdup(path);
}

/* Every herd binary under dir, in name order, skipping hidden folders. */
static void
scan_dir(struct ctl *c, const char *dir, int depth)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (depth > 16 || stat(dir, &st) < 0 || seen_before(&st) || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				scan_dir(c, names[i], depth + 1);
			else if (S_ISREG(st.st_mode) && (st.st_mode & 0111) && is_herd_binary(names[i]))
				binaries_add(c, names[i], &st);
		}
		free(names[i]);
	}
	free(names);
}

void
binaries_find(struct ctl *c, char **paths, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = paths[i];
		char q[HD_QUOTE_SIZE];	/* a 5 MB testpaths value is named short */
		char *exec_path;

		if (stat(p, &st) < 0) {
			fprintf(stderr, "herd: %s: %s\n", hd_quote_str(q, p), strerror(errno));
			exit(HD_EXIT_USAGE);
		}
		if (S_ISDIR(st.st_mode)) {
			size_t before = c->nbins;

			scan_dir(c, p, 0);
			if (c->nbins == before)
				fprintf(stderr, "herd: warning: no herd test binaries in %s\n", p);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "herd: %s: not a test binary or a folder (a %s)\n",
				hd_quote_str(q, p),
				S_ISFIFO(st.st_mode) ? "FIFO" : S_ISSOCK(st.st_mode) ? "socket" :
				S_ISCHR(st.st_mode) ? "character device" :
				S_ISBLK(st.st_mode) ? "block device" : "special file");
			exit(HD_EXIT_USAGE);
		}
		if (!(st.st_mode & 0111) || access(p, X_OK) < 0) {
			fprintf(stderr, "herd: %s: not executable\n", hd_quote_str(q, p));
			exit(HD_EXIT_USAGE);
		}
		if (!is_herd_binary(p)) {
			fprintf(stderr, "herd: %s: not a herd test binary (it is not linked with libherd)\n",
				hd_quote_str(q, p));
			exit(HD_EXIT_USAGE);
		}
		/* exec without a slash searches PATH: make it a path. */
		exec_path = strchr(p, '/') ? xstrdup(p) : xasprintf("./%s", p);
		binaries_add(c, exec_path, &st);
		free(exec_path);
	}
}

void
binaries_set_workdirs(struct ctl *c, enum workdir where, const char *rootdir)
{
	char cwd[4096];
	size_t i;

	if (where == WD_INVOCATION)
		return;
	if (!getcwd(cwd, sizeof(cwd)))
		hd_fatal(HD_EXIT_INTERNAL, "cannot read the current folder:");
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		char *abs = b->path[0] == '/' ? xstrdup(b->path) : xasprintf("%s/%s", cwd, b->path);

		free(b->path);
		b->path = abs;
		b->cwd = where == WD_ROOTDIR ? xstrdup(rootdir ? rootdir : cwd) :
			 xstrndup(abs, (size_t)(strrchr(abs, '/') - abs) + (strrchr(abs, '/') == abs));
	}
}
