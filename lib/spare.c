/*
 * spare.c - the spare: the next item's child, forked ahead, for fork
 * isolation (run.c forks the items' children and waits for them).
 *
 * A fork, the child's preparation and the last child's exit cost a
 * millisecond or more each on a virtual machine (page faults, TLB
 * shootdowns), which the runner paid between one item's end and the next
 * one's start: for 50 ms tasks on 4 workers, a tenth of the makespan. So
 * once a forked item has run SPARE_AFTER and another is queued (prefork),
 * the runner, idle meanwhile, forks the next child ahead: the spare prepares
 * itself, then waits on its line, a socket pair, for its order: its item's
 * address (the same in every fork of this process: the collection never
 * moves) and its ticket. Shorter items leave the runner no idle time to
 * hide a fork in: for them it forks as it always did.
 *
 * On its line, the spare also says it is done, its output flushed, before it
 * exits: the runner then reports the item and starts the next one at once,
 * the exit's teardown overlapping it, and reaps the child later (exiting).
 *
 * Even so, the runner stood between two items: woken by the child's word,
 * it reported the item, then woke the spare, two hand-overs of the CPU that
 * cost more than the fork did on a loaded machine. So, where it can (next,
 * futexes), the runner hands the spare its item ahead, while the running one
 * still runs; the spare then waits for its turn, which the running child
 * gives as it ends (or the runner, once it is over however it ended), and
 * starts at once, on the record and capture file of its own slot, while the
 * runner reports the one before. Its requests (locks, board) wait in the
 * channel until then, so that the controller hears of them after that
 * result. An item is handed ahead only when nothing has to happen in this
 * process before it: no fixture of wider scope to set up or tear down, no
 * global teardown due (the worker's next() decides). Until its turn has come
 * and the spare has claimed it, the runner may take it back (a steal, a
 * stop): whichever of the two clears the order in the spare's record first
 * has it.
 *
 * The spare is a copy of this process as it was when forked, which is what
 * the next item must inherit as long as nothing changes here in between:
 * hd_spare_drop kills it first whenever something does (a fixture of wider
 * scope set up or torn down, the controller's config).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#define HAND_AHEAD 1	/* futexes: a spare may wait for its turn */
#endif

#include "internal.h"
#define WARM_STACK (32 * 1024)	/* bytes of stack and heap a spare touches */
#define WARM_HEAP (32 * 1024)

/* A spare's order: its item, and the ticket of its turn. */
struct spare_order {
	const struct hd_item *it;
	uint32_t ticket;
};

/* Whether the turn has come to ticket: the item child that holds it is over. */
int
hd_turn_reached(const struct hd_shared *sh, uint32_t ticket)
{
	return (int32_t)(__atomic_load_n(&sh->turn, __ATOMIC_ACQUIRE) - ticket) >= 0;
}

/*
 * The turn comes to ticket, unless it has (the child and the runner both pass
 * it; a compare-and-swap: it only moves forward), and whoever waits for it is
 * woken, even when it had come. The runner kills a child's group as soon as
 * it sees the child's turn passed, which can be between the child's store and
 * its wake: the runner's own pass, before it takes the handed child, is then
 * the only wake that child gets.
 */
void
hd_turn_pass(struct hd_shared *sh, uint32_t ticket)
{
	uint32_t now = __atomic_load_n(&sh->turn, __ATOMIC_ACQUIRE);

	while ((int32_t)(now - ticket) < 0 &&
	       !__atomic_compare_exchange_n(&sh->turn, &now, ticket, 0, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE))
		;
#ifdef HAND_AHEAD
	syscall(SYS_futex, &sh->turn, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
#endif
}

void
hd_turn_wait(struct hd_shared *sh, uint32_t ticket)
{
	uint32_t now;

	while ((int32_t)((now = __atomic_load_n(&sh->turn, __ATOMIC_ACQUIRE)) - ticket) < 0) {
#ifdef HAND_AHEAD
		syscall(SYS_futex, &sh->turn, FUTEX_WAIT, now, NULL, NULL, 0);
#else
		sched_yield();	/* not reached: without futexes nothing is handed ahead */
#endif
	}
}

/* Clears the order of ticket from rec: nonzero if it was still there. */
static int
order_clear(struct hd_record *rec, uint32_t ticket)
{
	return __atomic_compare_exchange_n(&rec->order, &ticket, 0, 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/*
 * The child's end: output flushed, its turn over (for the runner too: see
 * wait_child), the runner woken, gone. When the next item waits handed
 * ahead, the turn goes first: that child then takes the idle CPU, and the
 * runner, which only reports, waits for one. But that child may kill the
 * runner (a test can) before it has reported this one, which would then be
 * blamed: this one's result is kept first. Else the runner passes the turn
 * once it has reported this one, and nothing is kept: an item handed ahead
 * just now waits for that. A failure under hold (-x) keeps the turn too,
 * until the controller has said the run goes on.
 */
NORETURN void
hd_child_done(struct hd_runner *r, const struct hd_item *it, int line, uint32_t ticket,
	      double t0)
{
	int handed = __atomic_load_n(&r->rec->handed, __ATOMIC_ACQUIRE) == ticket + 1;
	int failed = 0;

	fflush(NULL);
	if ((handed && r->keep) || r->hold) {
		struct hd_result res;

		memset(&res, 0, sizeof(res));
		hd_child_result(r, it, t0, &res);
		if (handed && r->keep)
			r->keep(r->worker, it, ticket, &res);
		failed = hd_outcome_fails(res.outcome);
	}
	if (handed && !(failed && r->hold))
		hd_turn_pass(r->shared, ticket);
	__atomic_store_n(&r->rec->finished, ticket, __ATOMIC_RELEASE);
	/* Should the write fail, the runner learns of the end from the exit. */
	while (line >= 0 && write(line, "d", 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/*
 * Idle, the spare takes the page faults an item's first steps would take
 * once its turn has come (a copy-on-write fault costs 50 to 100 us on a
 * virtual machine, and a task that writes a file took about 20): the stack
 * below here, the top of the heap, the libc state stdio writes.
 */
static void
spare_warm(void)
{
	volatile char stack[WARM_STACK];
	char *heap = malloc(WARM_HEAP);
	FILE *f;
	size_t i;

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
	for (i = 0; heap && i < WARM_HEAP; i += 4096)
		heap[i] = 0;
	free(heap);
	(void)hd_now();	/* its clock's pages: the item's start is timed */
	if ((f = fopen("/dev/null", "w")) != NULL)
		fclose(f);
}

/* The spare, in the child: waits for its order, then for its turn; runs it. */
static NORETURN void
spare_child(struct hd_runner *r, int line)
{
	struct spare_order o;
	double t0;
	ssize_t n;

	spare_warm();
	while ((n = read(line, &o, sizeof(o))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(o))
		_exit(0);	/* dismissed: the runner closed its end, or is gone */
	hd_record_reset(r->rec);
	/* Handed ahead, it has time to spare: a task's paths now. */
	if (!hd_turn_reached(r->shared, o.ticket - 1))
		hd_task_resolve(o.it);
	hd_turn_wait(r->shared, o.ticket - 1);
	if (!order_clear(r->rec, o.ticket))
		_exit(0);	/* taken back */
	t0 = hd_now();
	hd_run_body(r, o.it);
	hd_child_done(r, o.it, line, o.ticket, t0);
}

/* The spare's slot and the runner's trade places. */
static void
slot_swap(struct hd_runner *r)
{
	struct hd_record *rec = r->rec;
	struct hd_fileid id;
	int fd = r->capfd;

	r->rec = r->spare_rec;
	r->spare_rec = rec;
	r->capfd = r->spare_capfd;
	r->spare_capfd = fd;
	id = r->capid;
	r->capid = r->spare_capid;
	r->spare_capid = id;
}

void
hd_spare_fork(struct hd_runner *r)
{
	int sv[2];
	pid_t pid;

	if (r->spare_capfd < 0 && (r->spare_capfd = hd_make_capture_fd()) < 0)
		return;	/* no spare: the next item forks as it comes */
	if (!r->spare_capid.ino)
		hd_file_id(r->spare_capfd, &r->spare_capid);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	/* The child is prepared on the spare's slot, which stays the spare's. */
	slot_swap(r);
	pid = hd_fork_child(r, sv);
	if (pid == 0)
		spare_child(r, sv[1]);
	slot_swap(r);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	r->spare = pid;
	r->spare_line = sv[0];
}

/* Sends the spare its order; 0, or -1 (then the spare is dropped). */
static int
spare_order(struct hd_runner *r, const struct hd_item *it, uint32_t ticket)
{
	struct spare_order o;

	memset(&o, 0, sizeof(o));
	o.it = it;
	o.ticket = ticket;
	__atomic_store_n(&r->spare_rec->order, ticket, __ATOMIC_RELEASE);
	/* A dead spare's socket has no reader: EPIPE (SIGPIPE is ignored). */
	if (write(r->spare_line, &o, sizeof(o)) == (ssize_t)sizeof(o))
		return 0;
	hd_spare_drop(r);
	return -1;
}

/*
 * While a child runs: the spare, if there is one and nothing is handed to
 * it yet, takes the item next() gives, to start when the running one ends.
 */
void
hd_spare_arm(struct hd_runner *r)
{
#ifdef HAND_AHEAD
	const struct hd_item *it;

	if (!r->spare || r->armed || !r->next || !(it = r->next(r->worker, r->running)))
		return;
	r->armed = it;
	r->armed_ticket = ++r->tickets;
	/* Should the spare be gone, the item forks as it comes, ticket and all. */
	if (spare_order(r, it, r->armed_ticket) == 0)
		__atomic_store_n(&r->rec->handed, r->armed_ticket, __ATOMIC_RELEASE);
#else
	(void)r;
#endif
}

/*
 * The spare, given it to run with ticket (unless handed it already): its
 * pid, its line in *line, its slot now the runner's; -1 when there is none,
 * or it is gone.
 */
pid_t
hd_spare_take(struct hd_runner *r, const struct hd_item *it, uint32_t ticket, int handed,
	   int *line)
{
	pid_t pid = r->spare;

	if (!pid || (!handed && spare_order(r, it, ticket) < 0))
		return -1;
	*line = r->spare_line;
	r->spare = 0;
	r->spare_line = -1;
	slot_swap(r);
	return pid;
}

const struct hd_item *
hd_spare_unhand(struct hd_runner *r)
{
	const struct hd_item *it = r->armed;

	if (!it || (r->spare && !order_clear(r->spare_rec, r->armed_ticket)))
		return NULL;	/* none, or it has started */
	hd_spare_drop(r);
	r->armed = NULL;
	return it;
}

void
hd_spare_drop(struct hd_runner *r)
{
	/* An item handed to it stays handed: it forks when it is run. */
	if (!r->spare)
		return;
	kill(r->spare, SIGKILL);
	while (waitpid(r->spare, NULL, 0) < 0 && errno == EINTR)
		;
	close(r->spare_line);
	r->spare = 0;
	r->spare_line = -1;
}

