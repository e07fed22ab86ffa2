/*
 * start16.S - the runtime of a real-mode guest (chapter 13:
 * GUEST_MODE_REAL; guests named npt_real* link with it and with
 * guests/guest16.ld at GUEST_REAL_BASE).
 *
 * The loader starts it with CR0.PE = 0 and every segment register at
 * GUEST_REAL_BASE >> 4, so an offset in the segment is the address minus
 * GUEST_REAL_BASE (OFF() below).  It has no IDT of its own: the real-mode
 * vector table at address 0 is whatever the guest puts there.
 */
#define GUEST_BITS 16
#include "guest.h"

	.weak	guest_misc1, guest_misc2, guest_exceptions, guest_flags
	.weak	guest_cr, guest_dr, guest_msrs, guest_ios

	.section .header, "a"
guest_header:
	.ascii	GUEST_MAGIC_STR                 /* GH_MAGIC */
	.long	guest_mode                      /* GH_MODE: GUEST_MODE_REAL */
	.long	guest_flags                     /* GH_FLAGS */
	.quad	__guest_start                   /* GH_LOAD */
	.quad	_start                          /* GH_ENTRY */
	.quad	__guest_end                     /* GH_MEM_END */
	.quad	0                               /* GH_GDT: none */
	.quad	0                               /* GH_IDT: the IVT at 0 */
	.word	0                               /* GH_GDT_LIMIT */
	.word	0x3ff                           /* GH_IDT_LIMIT */
	.word	GUEST_REAL_BASE >> 4            /* GH_CS */
	.word	GUEST_REAL_BASE >> 4            /* GH_DS */
	.long	guest_misc1                     /* GH_MISC1 */
	.long	guest_misc2                     /* GH_MISC2 */
	.long	guest_exceptions                /* GH_EXCEPTIONS */
	.long	guest_cr                        /* GH_CR */
	.long	guest_dr                        /* GH_DR */
	.long	0
	.quad	guest_msrs                      /* GH_MSRS */
	.quad	guest_ios                       /* GH_IOS */
	.if	. - guest_header != GH_SIZE
	.error	"guest_header does not match GH_SIZE"
	.endif

	.text
	.code16
	.globl	_start
_start:
	call	guest_main
	mov	$HC_DONE, %eax
	vmmcall
	ud2
