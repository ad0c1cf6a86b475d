/*
 * looponfail.h - -f/--looponfail, as pytest-xdist's.
 */
#ifndef HERD_LOOPONFAIL_H
#define HERD_LOOPONFAIL_H

struct ctl;

/*
 * Runs herd again and again, without -f (argv is the command line): after a
 * failing run, waits for one of c's binaries to change and reruns the
 * failures (--lf); once they pass, runs everything once more, then waits
 * again. The watch is armed before each run, so a rebuild finishing during
 * the run is not missed. Returns the exit status: 2 when a signal (Ctrl-C)
 * ends the loop, a run's own status when it is 3 or more.
 */
int looponfail(struct ctl *c, int argc, char **argv);

#endif
