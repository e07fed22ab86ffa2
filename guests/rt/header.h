/*
 * header.h - the image header every guest runtime emits (start.S,
 * start32.S, start16.S): struct guest_header of src/svm/guest_abi.h, with
 * the mode, flags and intercepts taken from the guest's own symbols
 * (guest.h: GUEST_MODE, GUEST_MISC1, ...; weak, so 0 if not given).
 *
 *     GUEST_HEADER gdt, idt, gdt_limit, idt_limit, cs, ds
 */
	.weak	guest_misc1, guest_misc2, guest_exceptions, guest_flags
	.weak	guest_cr, guest_dr, guest_msrs, guest_ios

.macro GUEST_HEADER gdt, idt, gdt_limit, idt_limit, cs, ds
	.section .header, "a"
	.globl	guest_header
guest_header:
	.ascii	GUEST_MAGIC_STR                 /* GH_MAGIC */
	.long	guest_mode                      /* GH_MODE: from the guest */
	.long	guest_flags                     /* GH_FLAGS */
	.quad	__guest_start                   /* GH_LOAD */
	.quad	_start                          /* GH_ENTRY */
	.quad	__guest_end                     /* GH_MEM_END */
	.quad	\gdt                            /* GH_GDT */
	.quad	\idt                            /* GH_IDT */
	.word	\gdt_limit                      /* GH_GDT_LIMIT */
	.word	\idt_limit                      /* GH_IDT_LIMIT */
	.word	\cs                             /* GH_CS */
	.word	\ds                             /* GH_DS */
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
	.previous
.endm
