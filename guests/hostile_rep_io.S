/*
 * hostile_rep_io.S - chapter 17: one instruction that asks the
 * hypervisor for a trillion I/O operations.
 *
 * REP INSB with RCX = 2^40 reads 2^40 bytes from a port into memory at
 * RDI: one IOIO exit (7Bh) with the REP bit set, and a hypervisor that
 * emulates the whole string in one go, as chapter 7's did, works on it
 * in the host, where neither the watchdog (it counts guest time only,
 * chapter 10) nor the runaway limit (it counts exits) can see it.  The
 * guest never exits again and the run hangs.
 *
 * The hardened hypervisor moves at most a burst of elements per exit
 * and leaves RIP at the instruction with RCX and RDI advanced, as a
 * processor may (a REP string instruction is restartable after any
 * iteration: APM3 "REP"); the next VMRUN executes it again and it exits
 * again (src/svm/io.c: string_io).  The work per exit is bounded, and
 * the exits are counted: the guest is stopped as a runaway, long before
 * its 2 MiB buffer is full.  It is meant
 * to be stopped; the chapter runs it with the exit trace off.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

#define HUGE (1 << 40)

GUEST_FUNC(guest_main)
	push	%rdi
	cld
	lea	buffer(%rip), %rdi
	movabs	$HUGE, %rcx
	mov	$0x21, %edx                     /* the PIC's mask: nothing */
GUEST_LABEL(rep_ins)
	rep insb
GUEST_LABEL(rep_ins_end)
	FAIL_S	"REP INSB of 2^40 bytes ended and I am still running"
	pop	%rdi
	ret

	/*
	 * 2 MiB of RAM to read into, all of it mapped when the guest is
	 * loaded (the loader maps the image with its .bss): more than the
	 * runaway limit's exits can fill at a burst of 32 bytes each.
	 */
	.bss
	.balign	4096
buffer:	.skip	0x200000
