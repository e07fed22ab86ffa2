/*
 * guest.c - find a guest image, copy it into its window, and set up its
 * VMCB so that it starts in long mode (APM2 §15.5 "VMRUN Instruction",
 * §14.6 "Long Mode" for the state a 64-bit guest needs).
 */
#include "guest.h"
#include "seg.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "lib/format.h"
#include "lib/string.h"

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_PS  (1ull << 7)
#define LARGE   0x200000ull

/* PAT as after reset: WB, WT, UC-, UC, twice (APM2 §7.8.1). */
#define PAT_RESET 0x0007040600070406ull

const struct guest_image *guest_find(const char *name)
{
	unsigned i;

	for (i = 0; i < guest_image_count; i++)
		if (strcmp(guest_images[i].name, name) == 0)
			return &guest_images[i];
	return 0;
}

uint32_t guest_flags(const struct guest_image *img)
{
	const struct guest_header *h;

	if (!img || (size_t)(img->end - img->start) < sizeof(*h))
		return 0;
	h = (const void *)img->start;
	return memcmp(h->magic, GUEST_MAGIC_STR, 8) ? 0 : h->flags;
}

/* Is [a, a + len) inside [lo, hi)? */
static int inside(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	return a >= lo && a <= hi && len <= hi - a;
}

/* The header of @p img, or NULL with a reason in @p err. */
static const struct guest_header *check_header(const struct guest_image *img,
					       char *err, size_t n)
{
	const struct guest_header *h = (const void *)img->start;
	uint64_t size = (uint64_t)(img->end - img->start);
	uint64_t top = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE -
		       GUEST_PT_BYTES - GUEST_STACK_BYTES;

	if (size < sizeof(*h) || memcmp(h->magic, GUEST_MAGIC_STR, 8)) {
		ksnprintf(err, n, "not a guest image (no %s header)",
			  GUEST_MAGIC_STR);
		return 0;
	}
	if (h->mode != GUEST_MODE_LONG) {
		ksnprintf(err, n, "mode %u cannot be started in this chapter "
			  "(long mode only until nested paging)", h->mode);
		return 0;
	}
	if (h->load != GUEST_WINDOW_BASE ||
	    !inside(h->load, h->mem_end - h->load, h->load, top) ||
	    !inside(h->entry, 1, h->load, h->load + size) ||
	    !inside(h->gdt, h->gdt_limit + 1u, h->load, h->load + size)) {
		ksnprintf(err, n, "image does not fit its window "
			  "(load 0x%llx, end 0x%llx)",
			  (unsigned long long)h->load,
			  (unsigned long long)h->mem_end);
		return 0;
	}
	return h;
}

/*
 * Page tables at the top of the window: one PML4, one PDPT, one PD with
 * 2 MiB pages mapping the window's addresses to its memory at @p hpa
 * (the same addresses, unless the guest is one of several: chapter 12)
 * and nothing else.  Returns CR3, a host-physical address.
 */
static uint64_t map_window(hpa_t hpa)
{
	uint64_t pt = hpa + GUEST_WINDOW_SIZE - GUEST_PT_BYTES;
	uint64_t *pml4 = (uint64_t *)(uintptr_t)pt;
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;
	uint64_t a;

	memset(pml4, 0, GUEST_PT_BYTES);
	pml4[0] = (pt + 0x1000) | PTE_P | PTE_RW;
	pdpt[0] = (pt + 0x2000) | PTE_P | PTE_RW;
	for (a = 0; a < GUEST_WINDOW_SIZE; a += LARGE)
		pd[((GUEST_WINDOW_BASE + a) >> 21) & 511] =
			(hpa + a) | PTE_P | PTE_RW | PTE_PS;
	return pt;
}

/* The guest's own descriptor for selector @p sel, read from @p v. */
static uint64_t guest_desc(struct vcpu *v, const struct guest_header *h,
			   uint16_t sel)
{
	const uint64_t *gdt = vcpu_guest_ptr(v, h->gdt, h->gdt_limit + 1u);

	return gdt && (sel >> 3) * 8u + 8u <= h->gdt_limit + 1u ? gdt[sel >> 3] : 0;
}

/* Save-area state of a 64-bit guest at CPL 0 with paging on. */
static void init_long_state(struct vcpu *v, const struct guest_header *h,
			    uint64_t cr3)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint64_t data = guest_desc(v, h, h->ds);

	vmcb_seg_from_desc(&s->cs, h->cs, guest_desc(v, h, h->cs));
	vmcb_seg_from_desc(&s->ds, h->ds, data);
	vmcb_seg_from_desc(&s->es, h->ds, data);
	vmcb_seg_from_desc(&s->ss, h->ds, data);
	vmcb_seg_from_desc(&s->fs, h->ds, data);
	vmcb_seg_from_desc(&s->gs, h->ds, data);
	s->gdtr.base = h->gdt;
	s->gdtr.limit = h->gdt_limit;
	s->idtr.base = h->idt;
	s->idtr.limit = h->idt_limit;
	/* A busy 64-bit TSS, never used: no IST, no privilege change. */
	s->tr.attrib = SEG_ATTR_P | 0xB;
	s->tr.limit = 0x67;
	s->cpl = 0;                     /* equal to SS.DPL, as QEMU needs */
	s->efer = EFER_LME | EFER_LMA | EFER_SVME;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = cr3;
	s->cr4 = CR4_PAE;
	s->rflags = RFLAGS_FIXED1;
	s->rip = h->entry;
	s->rsp = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE - GUEST_PT_BYTES;
	s->dr6 = DR6_FIXED1;
	s->dr7 = DR7_FIXED1;
	s->g_pat = PAT_RESET;
}

/*
 * A list the header points to (GH_MSRS, GH_IOS): pairs of 32-bit words
 * inside the image, ended by a pair whose second word is 0.  NULL if
 * there is none; @p bad is set if it runs off the image.
 */
static const uint32_t *header_list(struct vcpu *v, uint64_t addr,
				   size_t size, int *bad)
{
	const uint32_t *p = vcpu_guest_ptr(v, addr, 8);
	uint64_t end = GUEST_WINDOW_BASE + size;

	if (!addr)
		return 0;
	for (; p && addr + 8 <= end; addr += 8)
		if (((const uint32_t *)vcpu_guest_ptr(v, addr, 8))[1] == 0)
			return p;
	*bad = 1;
	return 0;
}

/* What the chapter's policy (v->policy) adds to the guest's own wishes. */
static int apply_policy(struct vcpu *v, const struct guest_header *h,
			size_t size, char *err, size_t n)
{
	struct vmcb_control *c = &v->vmcb->control;
	int bad = 0;
	const uint32_t *msrs = header_list(v, h->msrs, size, &bad);
	const uint32_t *ios = header_list(v, h->ios, size, &bad);

	if (bad) {
		ksnprintf(err, n, "an intercept list runs off the image");
		return -1;
	}
	if (v->policy & HV_POLICY_CPUID) {
		c->intercept_misc1 |= SVM_MISC1_CPUID | SVM_MISC1_INVLPGA;
		c->intercept_misc2 |= SVM_MISC2_VMLOAD | SVM_MISC2_VMSAVE |
				      SVM_MISC2_STGI | SVM_MISC2_CLGI |
				      SVM_MISC2_SKINIT;
		c->tsc_offset = HV_TSC_BASE - rdtsc();
	}
	if ((msrs && !(v->policy & HV_POLICY_MSRPM)) ||
	    (ios && !(v->policy & HV_POLICY_IOPM))) {
		ksnprintf(err, n, "the guest lists %s intercepts, which this "
			  "chapter has no permission map for",
			  msrs ? "MSR" : "I/O");
		return -1;
	}
	if ((v->policy & HV_POLICY_MSRPM) &&
	    msr_policy_load(v, msrs, err, n) < 0)
		return -1;
	if ((v->policy & HV_POLICY_IOPM) && io_policy_load(v, ios, err, n) < 0)
		return -1;
	return 0;
}

int guest_load(struct vcpu *v, const struct guest_image *img, char *err,
	       size_t errlen)
{
	const struct guest_header *h = check_header(img, err, errlen);
	struct vmcb_control *c = &v->vmcb->control;
	uint8_t *window;
	size_t size = (size_t)(img->end - img->start);

	if (!h)
		return -1;
	/* Its memory: the window itself, or what the caller gave it. */
	if (!v->mem_hpa)
		v->mem_hpa = GUEST_WINDOW_BASE;
	v->guest_lo = GUEST_WINDOW_BASE;
	v->guest_hi = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE;
	window = (uint8_t *)(uintptr_t)v->mem_hpa;
	memset(window, 0, GUEST_WINDOW_SIZE);
	memcpy(window, img->start, size);
	h = (const struct guest_header *)window;
	c->intercept_misc1 = GUEST_BASE_MISC1 | h->misc1;
	c->intercept_misc2 = GUEST_BASE_MISC2 | h->misc2;
	c->intercept_exceptions = h->exceptions;
	v->own_misc1 = h->misc1;
	v->own_exceptions = h->exceptions;
	c->intercept_cr_read = (uint16_t)h->cr;
	c->intercept_cr_write = (uint16_t)(h->cr >> 16);
	c->intercept_dr_read = (uint16_t)h->dr;
	c->intercept_dr_write = (uint16_t)(h->dr >> 16);
	c->asid = 1;
	/* The guest's IF and CR8 mask only its virtual interrupts (ch. 10). */
	c->int_ctl = INT_CTL_V_INTR_MASKING;
	init_long_state(v, h, map_window(v->mem_hpa));
	v->expect_stop = !!(h->flags & GUEST_FLAG_EXPECT_STOP);
	return apply_policy(v, h, size, err, errlen);
}
