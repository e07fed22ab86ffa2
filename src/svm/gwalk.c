/*
 * gwalk.c - the guest page-table walker of gwalk.h (APM2 §5.2
 * "Legacy-Mode Page Translation", §5.3 "Long-Mode Page Translation",
 * §5.4 "Page-Translation-Table Entry Fields").
 *
 * The three formats, in short:
 *
 *   32-bit paging (CR0.PG, no CR4.PAE): 4-byte entries.  CR3[31:12]
 *   locates the page directory, indexed by address bits 31:22; a PDE
 *   locates a page table, indexed by bits 21:12; the PTE gives the
 *   4 KiB frame.  With CR4.PSE a PDE with PS (bit 7) set maps a 4 MiB
 *   page itself: bits 31:22 of the frame from PDE[31:22], bits 39:32
 *   from PDE[20:13], and PDE bit 21 must be zero.
 *
 *   PAE paging (CR4.PAE, no EFER.LMA): 8-byte entries, 52-bit frame
 *   addresses in bits 51:12.  CR3[31:5] locates four PDPTEs, indexed
 *   by bits 31:30; a PDPTE has must-be-zero bits 63:52, 8:5 and 2:1
 *   (so no PS).  Its page directory is indexed by bits 29:21, and a
 *   PDE with PS maps a 2 MiB page; otherwise a page table, bits 20:12.
 *
 *   Long mode (EFER.LMA): four levels of 512 8-byte entries, indexed
 *   by bits 47:39, 38:30, 29:21, 20:12, starting at CR3[51:12].  PS
 *   must be zero in a PML4E; in a PDPTE it maps a 1 GiB page, in a PDE
 *   a 2 MiB page.  The address must be canonical (bits 63:47 equal).
 *
 * In both 8-byte formats a large page's frame must be aligned, so the
 * bits between the PAT bit (12) and the page size are must-be-zero, and
 * bit 63 (NX) is must-be-zero unless EFER.NXE is set.  In a PTE, and in
 * a PDE of 32-bit paging without CR4.PSE, bit 7 is not PS.
 */
#include "gwalk.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "kernel/lab.h"

#define PG_P            (1ull << 0)     /* present */
#define PG_PS           (1ull << 7)     /* page size: a large page */
#define PG_NX           (1ull << 63)    /* no-execute, with EFER.NXE */
#define ADDR_51_12      0x000ffffffffff000ull
#define ADDR_31_12      0xfffff000ull
#define ADDR_31_5       0xffffffe0ull
#define PDPTE_PAE_MBZ   0xfff00000000001e6ull   /* 63:52, 8:5, 2:1 */
#define PDE_4M_MBZ      (1ull << 21)

int gwalk_translate(const struct gwalk_cpu *c, uint64_t gva,
		    gwalk_read_fn *read, void *ctx, struct gwalk_result *out)
{
	/* LAB 13 BEGIN gwalk_translate: walk the guest's own page tables */
	enum { LEGACY, PAE, LONG } mode;
	uint64_t table, ent = 0, rsvd, size, frame;
	unsigned level, bits, shift, esize;
	int large;

	out->gpa = 0;
	out->page_size = 0;
	out->level_failed = 0;
	out->pte_gpa = 0;
	if (!(c->cr0 & CR0_PG)) {
		/* Real mode or protected mode without paging. */
		out->gpa = gva & 0xffffffffu;
		out->page_size = 4096;
		return 0;
	}
	if (c->efer & EFER_LMA) {
		if (c->cr4 & CR4_LA57)
			return GWALK_RESERVED;
		if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
			return GWALK_NONCANONICAL;
		mode = LONG;
		level = 4;
		esize = 8;
		table = c->cr3 & ADDR_51_12;
	} else {
		gva &= 0xffffffffu;     /* legacy modes: 32-bit addresses */
		mode = c->cr4 & CR4_PAE ? PAE : LEGACY;
		level = mode == PAE ? 3 : 2;
		esize = mode == PAE ? 8 : 4;
		table = c->cr3 & (mode == PAE ? ADDR_31_5 : ADDR_31_12);
	}
	for (;; level--) {
		/* 9 index bits per level (10 in 32-bit paging) above 12. */
		bits = mode == LEGACY ? 10 : 9;
		shift = 12 + bits * (level - 1);
		if (mode == PAE && level == 3)
			bits = 2;       /* only four PDPTEs */
		size = 1ull << shift;
		out->level_failed = (int)level;
		out->pte_gpa = table + ((gva >> shift) & ((1u << bits) - 1)) *
				       esize;
		ent = 0;
		if (read(ctx, out->pte_gpa, &ent, esize) < 0)
			return GWALK_NO_MEMORY;
		if (esize == 4)
			ent &= 0xffffffffu;
		if (!(ent & PG_P))
			return GWALK_NOT_PRESENT;
		if (mode == LEGACY) {
			large = level == 2 && (ent & PG_PS) &&
				(c->cr4 & CR4_PSE);
			rsvd = large ? PDE_4M_MBZ : 0;
		} else if (mode == PAE && level == 3) {
			large = 0;
			rsvd = PDPTE_PAE_MBZ;
		} else {
			large = (ent & PG_PS) &&
				(level == 2 || (mode == LONG && level == 3));
			rsvd = c->efer & EFER_NXE ? 0 : PG_NX;
			if (level == 4)
				rsvd |= PG_PS;
			if (large)      /* alignment: bits 12 (PAT) up excluded */
				rsvd |= (size - 1) & ~0x1fffull;
		}
		if (ent & rsvd)
			return GWALK_RESERVED;
		if (level == 1 || large)
			break;
		table = ent & (mode == LEGACY ? ADDR_31_12 : ADDR_51_12);
	}
	if (mode == LEGACY && level == 2)
		frame = (ent & 0xffc00000u) | ((ent >> 13) & 0xff) << 32;
	else
		frame = ent & (mode == LEGACY ? ADDR_31_12 : ADDR_51_12) &
			~(size - 1);
	out->gpa = frame | (gva & (size - 1));
	out->page_size = size;
	out->level_failed = 0;
	return 0;
	/* LAB 13 END */
}
