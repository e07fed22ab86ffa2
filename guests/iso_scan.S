/*
 * iso_scan.S - chapter 14: a hostile guest hunts for the hypervisor's
 * secret (APM2 §15.25 "Nested Paging", §15.25.5 for the two-level
 * translation).
 *
 * The hypervisor keeps one page filled with a secret qword.  This guest
 * knows the secret's value (it computes it at run time from two masked
 * halves, so that its own image never holds it, and keeps it in R15
 * only) and is even told the page's host-physical address H
 * (HC_HV_ADDRESS).  It then tries everything a guest kernel can do:
 *
 *   b. compare every qword of its RAM, guest-physical 0-8 MiB, with
 *      the secret.  It finds nothing: its RAM is pages the hypervisor
 *      gave it, zeroed, and the secret was never copied there.  To show
 *      that the search would see a value that is there, it stores the
 *      secret's complement once, at 64 KiB, and the same search finds
 *      it exactly there.  The search is REPNE SCASQ: all of it is RAM,
 *      and on Bochs (4 million instructions a simulated second) a loop
 *      of several instructions a qword would not cover 8 MiB within the
 *      watchdog's 500 ms, while a string instruction counts one a qword.
 *   c. build its own page tables and point a 2 MiB page at "H".  This is
 *      the heart of the matter: every physical address the guest can
 *      name is guest-physical, and the nested page table, which only the
 *      hypervisor writes, decides what stands behind it.  A number below
 *      8 MiB is a page of the guest's own RAM (the kernel sits at 1 MiB,
 *      so this is the usual case: the guest reads back its own zeroed
 *      page); a number above it is mapped to nothing, and the hypervisor
 *      answers a plain MOV there like an empty bus: all ones.
 *   d. probe every 2 MiB frame from 8 MiB to 4 GiB at H's offset: all
 *      nothing (all ones), as the nested table maps no memory there.
 *   e. write through two virtual aliases of "H", and store zeros over
 *      the secret page's range: the writes land in its own RAM or go
 *      nowhere; the chapter checksums the hypervisor before and after.
 *      An alias of its own RAM (0x200000 at two addresses) does work,
 *      as on hardware: aliasing is not the problem, reach is.
 *   f. hand H to the devices, as a guest would program a DMA engine:
 *      the MMIO device's ADDR register and the I/O device's data port
 *      just store the number and read it back; neither dereferences it.
 *
 * Every access to an address that may be outside its RAM is a plain MOV
 * to or from a register (the hypervisor emulates only MOV there, one
 * #NPF exit each); comparisons are register to register.  The guest
 * counts the accesses it expects to hit no memory and checks the
 * hypervisor's count (HC_NPF_INFO, HC_NPF_VOID) against it.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define LARGE      0x200000             /* a 2 MiB page */
#define PDE_2M     0x83                 /* P, RW, PS */
#define PDE_2M_UC  0x9b                 /* P, RW, PWT, PCD, PS: the device */
#define PROBE      0x40000000           /* virtual: probe PD entry 0 */
#define ALIAS2     0x40200000           /* virtual: probe PD entry 1 */
#define DEVWIN     0x40400000           /* virtual: PD entry 2, the device */
#define MARKER     0x15015ca9d00df00d   /* written through the H alias */
#define MARKER2    0x2a1a5beef0000002   /* written through the RAM alias */
#define RAM_ALIAS  0x200000             /* guest-physical frame aliased */
#define RAM_OFF    0x1238               /* where in it the marker goes */
#define TOP        0x100000000          /* probe up to 4 GiB */
#define CANARY_AT  0x10000              /* ~secret, once: the control */

	.section .rodata
k_scan_bytes:	.asciz	"scan_bytes"
k_scan_match:	.asciz	"scan_matches"
k_scan_canary:	.asciz	"scan_canary_at"
k_hv_address:	.asciz	"hv_address"
k_hv_in_ram:	.asciz	"hv_address_in_ram"
k_hv_matches:	.asciz	"hv_page_matches"
k_hv_first:	.asciz	"hv_page_first"
k_probes:	.asciz	"probes"
k_probe_match:	.asciz	"probe_matches"
k_probe_ones:	.asciz	"probe_all_ones"
k_alias_hv:	.asciz	"alias_readback"
k_zero_stores:	.asciz	"zero_stores"
k_hv_after:	.asciz	"hv_page_after"
k_alias_ram:	.asciz	"alias_ram_readback"
k_mmio_id:	.asciz	"mmio_id"
k_mmio_addr:	.asciz	"mmio_addr"
k_mmio_data:	.asciz	"mmio_data"
k_io_data:	.asciz	"io_data"
k_void:		.asciz	"void_accesses"
k_void_exp:	.asciz	"void_expected"

m_scan:		.asciz	"my RAM does not hold the secret"
m_scan_bad:	.asciz	"the secret is in my RAM"
m_canary:	.asciz	"the same search finds a planted value"
m_canary_bad:	.asciz	"the scan does not see what is in my RAM"
m_hv:		.asciz	"the secret's address gives me no secret"
m_hv_bad:	.asciz	"the secret's address reached the secret"
m_hv_first:	.asciz	"at that address I read what my own view holds"
m_hv_first_bad:	.asciz	"at that address I read something not mine"
m_probes:	.asciz	"no 2 MiB frame from 8 MiB to 4 GiB holds it"
m_probes_bad:	.asciz	"a frame above my RAM holds the secret"
m_ones:		.asciz	"every probe of no memory read all ones"
m_ones_bad:	.asciz	"a probe above my RAM read something"
m_alias_hv:	.asciz	"one alias of that address reads what the other wrote"
m_alias_hv_bad:	.asciz	"the aliases of that address disagree"
m_after:	.asciz	"stores over the secret's range changed only my view"
m_after_bad:	.asciz	"stores over the secret's range went somewhere else"
m_alias_ram:	.asciz	"two aliases of my own RAM see the same memory"
m_alias_ram_bad: .asciz	"two aliases of my own RAM disagree"
m_mmio_id:	.asciz	"the MMIO device answers at 0xC0000000"
m_mmio_id_bad:	.asciz	"the MMIO device does not answer"
m_mmio_addr:	.asciz	"MMIO ADDR keeps the address as a number"
m_mmio_addr_bad: .asciz	"MMIO ADDR did not keep the address"
m_mmio_data:	.asciz	"MMIO DATA did not change"
m_mmio_data_bad: .asciz	"MMIO DATA changed"
m_io:		.asciz	"the I/O data port keeps it as a number"
m_io_bad:	.asciz	"the I/O data port did not keep the address"
m_void:		.asciz	"the hypervisor counted my accesses to no memory"
m_void_bad:	.asciz	"the hypervisor's count of no-memory accesses differs"

	.data
	.balign	8
void_expected:	.quad	0               /* my accesses to no memory */
probe_void:	.quad	0               /* of them, the probes of (d) */

	.bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd0:	.skip	4096                    /* 0-1 GiB: RAM, identity */
pd1:	.skip	4096                    /* 1-2 GiB: probes and the device */

	.text
/*
 * map_frame(RDI = probe entry 0 or 1, RSI = guest-physical address):
 * point that entry at the 2 MiB frame holding RSI, then reload CR3 so
 * that no stale translation of the old frame survives.  Clobbers RAX
 * and RSI only.
 */
map_frame:
	and	$~(LARGE - 1), %rsi
	or	$PDE_2M, %rsi
	lea	pd1(%rip), %rax
	mov	%rsi, (%rax,%rdi,8)
	mov	%cr3, %rax
	mov	%rax, %cr3
	ret

/*
 * is_void(RDI = guest-physical address): RAX = 1 if nothing is there
 * (not RAM, not the device's page), else 0.  Clobbers RAX only.
 */
is_void:
	push	%rdx
	xor	%eax, %eax
	cmp	$GUEST_RAM_SIZE, %rdi
	jb	1f
	mov	$HV_MMIO_BASE, %edx             /* zero-extended */
	mov	%rdi, %rax
	sub	%rdx, %rax
	cmp	$4096, %rax
	setae	%al
	movzbl	%al, %eax
1:	pop	%rdx
	ret

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* The secret, in R15 only: never stored anywhere. */
	movabs	$HV_SECRET_MASKED, %r15
	movabs	$HV_SECRET_KEY, %rax
	xor	%rax, %r15

	/* a. Page tables of my own: RAM at 0-8 MiB, probes at 1 GiB. */
	lea	pml4(%rip), %rdi
	lea	pdpt(%rip), %rax
	or	$3, %rax                        /* P, RW */
	mov	%rax, (%rdi)                    /* PML4[0] */
	lea	pd0(%rip), %rax
	or	$3, %rax
	mov	%rax, pdpt(%rip)                /* PDPT[0]: 0-1 GiB */
	lea	pd1(%rip), %rax
	or	$3, %rax
	mov	%rax, pdpt+8(%rip)              /* PDPT[1]: 1-2 GiB */
	lea	pd0(%rip), %rdx
	xor	%ecx, %ecx
1:	mov	%rcx, %rax
	shl	$21, %rax
	or	$PDE_2M, %rax
	mov	%rax, (%rdx,%rcx,8)             /* PD0[i]: i * 2 MiB */
	inc	%ecx
	cmp	$GUEST_RAM_SIZE / LARGE, %ecx
	jb	1b
	mov	$HV_MMIO_BASE | PDE_2M_UC, %eax
	mov	%rax, pd1+16(%rip)              /* PD1[2]: the device */
	mov	%rdi, %cr3
	mov	%r15, %rax
	not	%rax
	mov	%rax, CANARY_AT                 /* my RAM page at 64 KiB */

	/*
	 * b. Every qword of my RAM, with REPNE SCASQ: it compares RAX with
	 * the qword at RDI and steps on, RCX times or until one is equal.
	 * All of it is RAM, so a string instruction is safe here.  R12
	 * counts matches; RDI ends at the end of what was compared.
	 */
	cld
	xor	%r12d, %r12d
	xor	%edi, %edi
	mov	$GUEST_RAM_SIZE / 8, %ecx
2:	mov	%r15, %rax
	repne scasq
	jne	3f                              /* ran out, no match */
	inc	%r12
	test	%rcx, %rcx
	jnz	2b
3:	mov	%rdi, %rbx                      /* bytes compared */
	REPORT	k_scan_bytes, %rbx
	REPORT	k_scan_match, %r12
	test	%r12, %r12
	VERDICT_IF z, m_scan, m_scan_bad
	/* The control: the same search finds the canary where it is. */
	mov	%r15, %rax
	not	%rax
	xor	%edi, %edi
	mov	$GUEST_RAM_SIZE / 8, %ecx
	repne scasq
	mov	$-1, %r13
	jne	4f
	lea	-8(%rdi), %r13                  /* where it stopped */
4:	REPORT	k_scan_canary, %r13
	cmp	$CANARY_AT, %r13
	VERDICT_IF e, m_canary, m_canary_bad

	/* c. The secret's page at "H", through probe entry 0. */
	HYPERCALL HC_HV_ADDRESS
	mov	%rax, %rbx                      /* RBX = H from here on */
	REPORT	k_hv_address, %rbx
	xor	%eax, %eax
	cmp	$GUEST_RAM_SIZE, %rbx
	setb	%al
	REPORT	k_hv_in_ram, %rax
	xor	%edi, %edi
	mov	%rbx, %rsi
	call	map_frame
	mov	%rbx, %rbp
	and	$(LARGE - 1) & ~0xfff, %rbp
	add	$PROBE, %rbp                    /* RBP: virtual, H's page */
	mov	%rbx, %rdi
	and	$~0xfff, %rdi
	call	is_void
	shl	$9, %rax                        /* 512 reads, if void */
	add	%rax, void_expected(%rip)
	xor	%r12d, %r12d
	xor	%ecx, %ecx
5:	mov	(%rbp,%rcx,8), %rdx
	test	%rcx, %rcx
	jnz	6f
	mov	%rdx, %r13                      /* the first qword */
6:	cmp	%r15, %rdx
	jne	7f
	inc	%r12
7:	inc	%ecx
	cmp	$512, %ecx
	jb	5b
	/* What my own view holds there: my RAM page, or all ones. */
	mov	$-1, %r14
	cmp	$GUEST_RAM_SIZE, %rbx
	jae	8f
	mov	%rbx, %rax
	and	$~0xfff, %rax
	mov	(%rax), %r14                    /* via the identity map */
8:	REPORT	k_hv_matches, %r12
	REPORT	k_hv_first, %r13
	test	%r12, %r12
	VERDICT_IF z, m_hv, m_hv_bad
	cmp	%r14, %r13
	VERDICT_IF e, m_hv_first, m_hv_first_bad

	/* d. Every 2 MiB frame from 8 MiB to 4 GiB, at H's offset. */
	mov	%rbx, %rbp
	and	$(LARGE - 1) & ~7, %rbp         /* RBP: offset in a frame */
	xor	%r12d, %r12d                    /* matches */
	xor	%r13d, %r13d                    /* probes */
	xor	%r14d, %r14d                    /* void reads of all ones */
	mov	$GUEST_RAM_SIZE, %r8d
9:	xor	%edi, %edi
	mov	%r8, %rsi
	call	map_frame
	lea	(%r8,%rbp), %rdi
	call	is_void
	add	%rax, void_expected(%rip)
	add	%rax, probe_void(%rip)
	mov	%rax, %r9                       /* 1: nothing is there */
	mov	PROBE(%rbp), %rdx
	inc	%r13
	cmp	%r15, %rdx
	jne	10f
	inc	%r12
10:	test	%r9, %r9
	jz	11f
	cmp	$-1, %rdx
	jne	11f
	inc	%r14
11:	add	$LARGE, %r8
	movabs	$TOP, %rax
	cmp	%rax, %r8
	jb	9b
	REPORT	k_probes, %r13
	REPORT	k_probe_match, %r12
	REPORT	k_probe_ones, %r14
	test	%r12, %r12
	VERDICT_IF z, m_probes, m_probes_bad
	cmp	probe_void(%rip), %r14
	VERDICT_IF e, m_ones, m_ones_bad

	/* e. Two aliases of "H": write through one, read the other. */
	xor	%edi, %edi
	mov	%rbx, %rsi
	call	map_frame
	mov	$1, %edi
	mov	%rbx, %rsi
	call	map_frame
	mov	%rbx, %rbp
	and	$(LARGE - 1) & ~7, %rbp
	/*
	 * If "H" were inside my own window, a store there could hit my
	 * code or stack: then only read, and expect what my RAM holds.
	 */
	movabs	$MARKER, %r13                   /* expected, if written */
	cmp	$GUEST_WINDOW_BASE, %rbx
	jb	12f
	cmp	$GUEST_RAM_SIZE, %rbx
	jae	12f
	mov	%rbx, %rax
	and	$~7, %rax
	mov	(%rax), %r13                    /* via the identity map */
	jmp	13f
12:	movabs	$MARKER, %rdx
	mov	%rdx, PROBE(%rbp)
	mov	%rbx, %rdi
	call	is_void
	add	%rax, void_expected(%rip)
13:	mov	ALIAS2(%rbp), %r12
	mov	%rbx, %rdi
	call	is_void
	add	%rax, void_expected(%rip)
	/* From nothing, whatever was written: all ones. */
	mov	$-1, %r14
	cmp	$GUEST_RAM_SIZE, %rbx
	cmovae	%r14, %r13
	REPORT	k_alias_hv, %r12
	cmp	%r13, %r12
	VERDICT_IF e, m_alias_hv, m_alias_hv_bad
	/*
	 * 64 zero stores spread over the secret page's range.  If "H" were
	 * inside my own window they would hit my code: then skip them.
	 */
	xor	%r12d, %r12d                    /* stores done */
	cmp	$GUEST_WINDOW_BASE, %rbx
	jb	14f
	cmp	$GUEST_RAM_SIZE, %rbx
	jb	16f
14:	and	$~0xfff, %rbp                   /* H's page */
	xor	%eax, %eax
	xor	%ecx, %ecx
15:	mov	%rax, PROBE(%rbp,%rcx)
	inc	%r12
	add	$64, %ecx
	cmp	$4096, %ecx
	jb	15b
	mov	%rbx, %rdi
	call	is_void
	shl	$6, %rax
	add	%rax, void_expected(%rip)
16:	REPORT	k_zero_stores, %r12
	/* Read the page's first qword back through the other alias. */
	mov	%rbx, %rbp
	and	$(LARGE - 1) & ~0xfff, %rbp
	mov	ALIAS2(%rbp), %r12
	mov	%rbx, %rdi
	call	is_void
	add	%rax, void_expected(%rip)
	mov	$-1, %r14                       /* from nothing: all ones */
	cmp	$GUEST_RAM_SIZE, %rbx
	jae	17f
	mov	%rbx, %rax
	and	$~0xfff, %rax
	mov	(%rax), %r14                    /* my RAM, as I left it */
17:	REPORT	k_hv_after, %r12
	cmp	%r14, %r12
	VERDICT_IF e, m_after, m_after_bad
	/* An alias inside my RAM: 0x200000 twice, plus the identity map. */
	xor	%edi, %edi
	mov	$RAM_ALIAS, %esi
	call	map_frame
	mov	$1, %edi
	mov	$RAM_ALIAS, %esi
	call	map_frame
	movabs	$MARKER2, %rdx
	mov	%rdx, PROBE + RAM_OFF
	mov	ALIAS2 + RAM_OFF, %r12
	mov	RAM_ALIAS + RAM_OFF, %r13
	REPORT	k_alias_ram, %r12
	movabs	$MARKER2, %rdx
	xor	%eax, %eax
	cmp	%rdx, %r12
	jne	18f
	cmp	%rdx, %r13
	jne	18f
	inc	%eax
18:	VERDICT	m_alias_ram, m_alias_ram_bad

	/* f. The devices, given H as an address they might use. */
	mov	$DEVWIN, %ecx
	mov	HV_MMIO_ID(%rcx), %r12
	REPORT	k_mmio_id, %r12
	movabs	$HV_MMIO_ID_VALUE, %rax
	cmp	%rax, %r12
	VERDICT_IF e, m_mmio_id, m_mmio_id_bad
	mov	$DEVWIN, %ecx
	mov	HV_MMIO_DATA(%rcx), %r13        /* DATA before */
	mov	%rbx, HV_MMIO_ADDR(%rcx)
	mov	HV_MMIO_ADDR(%rcx), %r12
	mov	HV_MMIO_DATA(%rcx), %r14        /* DATA after */
	REPORT	k_mmio_addr, %r12
	cmp	%rbx, %r12
	VERDICT_IF e, m_mmio_addr, m_mmio_addr_bad
	REPORT	k_mmio_data, %r14
	cmp	%r13, %r14
	VERDICT_IF e, m_mmio_data, m_mmio_data_bad
	mov	$HV_DEV_DATA, %edx
	mov	%ebx, %eax
	out	%eax, %dx
	in	%dx, %eax
	mov	%eax, %r12d
	REPORT	k_io_data, %r12
	cmp	%ebx, %r12d
	VERDICT_IF e, m_io, m_io_bad

	/* g. The hypervisor's count of my accesses to no memory. */
	mov	$HC_NPF_VOID, %edi
	HYPERCALL HC_NPF_INFO
	mov	%rax, %r12
	mov	void_expected(%rip), %r13
	REPORT	k_void, %r12
	REPORT	k_void_exp, %r13
	cmp	%r13, %r12
	VERDICT_IF e, m_void, m_void_bad

	xor	%r15d, %r15d                    /* forget the secret */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
