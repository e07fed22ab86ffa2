/*
 * hostile_flood.S - chapter 17: a guest that asks for 100,000 exits.
 *
 * Each exit costs the host a world switch and a handler; a guest that
 * exits in a tight loop takes the CPU from everyone else while its own
 * time, which the watchdog measures (chapter 10), barely moves: most of
 * the time goes to the hypervisor.  So the watchdog alone does not stop
 * a flood.  The exit loop does: after max_exits exits without
 * finishing, the guest is stopped as a runaway (src/svm/exit.c:
 * vcpu_run_slice; the loader sets the limit, 10000, or 20000 under
 * nested paging, src/svm/guest.c: guest_load).
 *
 * The guest executes CPUID FLOOD_EXITS times, each an exit (72h), and
 * would fail if it ever got to the end.  It is meant to be stopped;
 * the chapter runs it with the exit trace off (20000 trace lines would
 * flood the log as well: the log is the host's too) and reports how
 * many exits it took and how long (flood.exits, flood.us).
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

#define FLOOD_EXITS 100000

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	mov	$FLOOD_EXITS, %r12d
GUEST_LABEL(flood)
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r12d
	jnz	1b
GUEST_LABEL(flood_end)
	FAIL_S	"100000 exits and nobody stopped me"
	pop	%r12
	pop	%rbx
	ret
