/*
 * seg.c - from GDT descriptors to VMCB segment registers (chapter 3).
 *
 * VMRUN does not read the guest's GDT: it loads each segment register's
 * hidden part straight from the VMCB (APM2 §15.5.1 "Basic Operation").
 * So whoever builds a VMCB converts descriptors by hand, and the packed
 * 12-bit attribute (see seg.h for the picture) is where it goes wrong.
 */
#include "seg.h"
#include "kernel/lab.h"

uint16_t seg_attr_from_desc(uint64_t desc)
{
	/* LAB 3 BEGIN seg_attr_from_desc: pack descriptor bits 47:40, 55:52 */
	uint16_t access = (uint16_t)((desc >> 40) & 0xff);  /* P DPL S type */
	uint16_t flags = (uint16_t)((desc >> 52) & 0xf);    /* G D/B L AVL */

	/* Bits 51:48 (limit 19:16) sit between the two: skip them. */
	return (uint16_t)(access | (flags << 8));
	/* LAB 3 END */
}

uint64_t seg_desc_from_attr(uint16_t attr, uint32_t base, uint32_t limit20)
{
	uint64_t d = 0;

	d |= (uint64_t)(limit20 & 0xffff);              /* limit 15:0 */
	d |= (uint64_t)(base & 0xffffff) << 16;         /* base 23:0 */
	d |= (uint64_t)(attr & 0xff) << 40;             /* P DPL S type */
	d |= (uint64_t)((limit20 >> 16) & 0xf) << 48;   /* limit 19:16 */
	d |= (uint64_t)((attr >> 8) & 0xf) << 52;       /* G D/B L AVL */
	d |= (uint64_t)(base >> 24) << 56;              /* base 31:24 */
	return d;
}

void vmcb_seg_from_desc(struct vmcb_seg *s, uint16_t selector,
			uint64_t desc)
{
	/* LAB 3 BEGIN vmcb_seg_from_desc: VMCB segment from a GDT descriptor */
	uint32_t limit = (uint32_t)(desc & 0xffff) |
			 (uint32_t)((desc >> 48) & 0xf) << 16;
	uint32_t base = (uint32_t)((desc >> 16) & 0xffffff) |
			(uint32_t)((desc >> 56) & 0xff) << 24;

	s->selector = selector;
	s->attrib = seg_attr_from_desc(desc);
	/*
	 * The VMCB wants the limit the processor checks against, in bytes.
	 * With G=1 the descriptor counts 4 KiB pages, and the last page is
	 * included whole: a limit of 0xFFFFF pages is 0xFFFFFFFF bytes.
	 */
	if (s->attrib & SEG_ATTR_G)
		limit = (limit << 12) | 0xfff;
	s->limit = limit;
	s->base = base;
	/* LAB 3 END */
}

void vmcb_seg_from_sysdesc(struct vmcb_seg *s, uint16_t selector,
			   uint64_t lo, uint64_t hi)
{
	/*
	 * The first quadword has the legacy layout; the second one's low
	 * dword is base 63:32 and the rest is reserved (APM2 §4.8.3 "System
	 * Descriptors").
	 */
	vmcb_seg_from_desc(s, selector, lo);
	s->base |= (hi & 0xffffffffull) << 32;
}
