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
#include "kernel/trace.h"

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_PCD (1ull << 4)
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

/* The mode's name, for messages. */
static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case GUEST_MODE_LONG: return "long mode";
	case GUEST_MODE_REAL: return "real mode";
	case GUEST_MODE_PROT32: return "32-bit protected mode";
	case GUEST_MODE_PAGED32: return "32-bit protected mode with paging";
	default: return "unknown";
	}
}

/* Where an image of @p mode is linked, and where its memory ends. */
static uint64_t mode_base(uint32_t mode)
{
	return mode == GUEST_MODE_REAL ? GUEST_REAL_BASE : GUEST_WINDOW_BASE;
}

static uint64_t mode_top(uint32_t mode)
{
	/* Real mode: one 64 KiB segment, its top page the stack. */
	if (mode == GUEST_MODE_REAL)
		return GUEST_REAL_BASE + 0x10000 - PAGE_SIZE;
	return GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE - GUEST_PT_BYTES -
	       GUEST_STACK_BYTES;
}

/* The header of @p img, or NULL with a reason in @p err. */
static const struct guest_header *check_header(const struct vcpu *v,
					       const struct guest_image *img,
					       char *err, size_t n)
{
	const struct guest_header *h = (const void *)img->start;
	uint64_t size = (uint64_t)(img->end - img->start);
	uint64_t base, top;

	if (size < sizeof(*h) || memcmp(h->magic, GUEST_MAGIC_STR, 8)) {
		ksnprintf(err, n, "not a guest image (no %s header)",
			  GUEST_MAGIC_STR);
		return 0;
	}
	if (h->mode != GUEST_MODE_LONG && h->mode != GUEST_MODE_REAL &&
	    h->mode != GUEST_MODE_PROT32 && h->mode != GUEST_MODE_PAGED32) {
		ksnprintf(err, n, "unknown mode %u (the modes are 16 real, "
			  "32 protected, 33 protected with paging, 64 long)",
			  h->mode);
		return 0;
	}
	if (h->mode != GUEST_MODE_LONG && !(v->policy & HV_POLICY_NPT)) {
		ksnprintf(err, n, "mode %u (%s) cannot be started in this "
			  "chapter (long mode only until nested paging, "
			  "chapter 13)", h->mode, mode_name(h->mode));
		return 0;
	}
	base = mode_base(h->mode);
	top = mode_top(h->mode);
	if (h->load != base ||
	    !inside(h->load, h->mem_end - h->load, h->load, top) ||
	    !inside(h->entry, 1, h->load, h->load + size) ||
	    (h->mode != GUEST_MODE_REAL &&
	     !inside(h->gdt, h->gdt_limit + 1u, h->load, h->load + size))) {
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
 * 2 MiB pages mapping the window's addresses to its memory at physical
 * @p mem (the same addresses, unless the guest is one of several:
 * chapter 12), nothing else.  @p pt is where the host writes the tables,
 * @p pt_phys their physical address in the guest's view, which CR3
 * holds: host-physical before nested paging, guest-physical after.
 * With @p mmio, a second PD maps the MMIO device's page (chapter 14) at
 * its own address, uncached; the nested page table never maps it.
 */
static uint64_t map_window(uint64_t *pt, uint64_t pt_phys, uint64_t mem,
			   int mmio)
{
	uint64_t *pml4 = pt, *pdpt = pml4 + 512, *pd = pdpt + 512;
	uint64_t *pd_mmio = pd + 512;
	uint64_t a;

	memset(pml4, 0, GUEST_PT_BYTES);
	pml4[0] = (pt_phys + 0x1000) | PTE_P | PTE_RW;
	pdpt[0] = (pt_phys + 0x2000) | PTE_P | PTE_RW;
	for (a = 0; a < GUEST_WINDOW_SIZE; a += LARGE)
		pd[((GUEST_WINDOW_BASE + a) >> 21) & 511] =
			(mem + a) | PTE_P | PTE_RW | PTE_PS;
	if (mmio) {
		pdpt[(HV_MMIO_BASE >> 30) & 511] = (pt_phys + 0x3000) |
						   PTE_P | PTE_RW;
		pd_mmio[(HV_MMIO_BASE >> 21) & 511] = HV_MMIO_BASE | PTE_P |
			PTE_RW | PTE_PCD | PTE_PS;
	}
	return pt_phys;
}

/*
 * 32-bit paging (CR4.PAE = 0) for a GUEST_MODE_PAGED32 guest: a page
 * directory and one page table of 1024 4 KiB pages, which is exactly
 * the 4 MiB window, mapped to the same guest-physical addresses.
 */
static uint64_t map_window32(uint32_t *pt, uint32_t pt_phys)
{
	uint32_t *pd = pt, *ptab = pt + 1024;
	uint32_t i;

	memset(pd, 0, GUEST_PT_BYTES);
	pd[GUEST_WINDOW_BASE >> 22] = (pt_phys + 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < 1024; i++)
		ptab[i] = (GUEST_WINDOW_BASE + i * PAGE_SIZE) | PTE_P | PTE_RW;
	return pt_phys;
}

/* The guest's own descriptor for selector @p sel, read from @p v. */
static uint64_t guest_desc(struct vcpu *v, const struct guest_header *h,
			   uint16_t sel)
{
	const uint64_t *gdt = vcpu_guest_ptr(v, h->gdt, h->gdt_limit + 1u);

	return gdt && (sel >> 3) * 8u + 8u <= h->gdt_limit + 1u ? gdt[sel >> 3] : 0;
}

/* What every mode starts with: CPL 0, PAT, debug registers, IDTR. */
static void init_common(struct vcpu *v, const struct guest_header *h)
{
	struct vmcb_save *s = &v->vmcb->save;

	s->idtr.base = h->idt;
	s->idtr.limit = h->idt_limit;
	s->cpl = 0;                     /* equal to SS.DPL, as QEMU needs */
	s->efer = EFER_SVME;
	s->rflags = RFLAGS_FIXED1;
	s->rip = h->entry;
	s->dr6 = DR6_FIXED1;
	s->dr7 = DR7_FIXED1;
	s->g_pat = PAT_RESET;
}

/* Code and data segments from the guest's GDT, and the TR to go with. */
static void init_gdt_segments(struct vcpu *v, const struct guest_header *h,
			      uint16_t tss_type)
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
	/* A busy TSS at linear address 0, as TR holds after LTR.  Most
	 * guests never use it (no IST, no privilege change); chapter 17's
	 * fuzz_regress_tss32 writes its TSS there. */
	s->tr.attrib = SEG_ATTR_P | tss_type;
	s->tr.limit = 0x67;
}

/* Save-area state of a 64-bit guest at CPL 0 with paging on. */
static void init_long_state(struct vcpu *v, const struct guest_header *h,
			    uint64_t cr3)
{
	struct vmcb_save *s = &v->vmcb->save;

	init_common(v, h);
	init_gdt_segments(v, h, 0xB);
	s->efer = EFER_LME | EFER_LMA | EFER_SVME;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = cr3;
	s->cr4 = CR4_PAE;
	s->rsp = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE - GUEST_PT_BYTES;
}

/*
 * A 32-bit guest: flat segments from its GDT, CR0.PE, and paging with
 * the loader's 32-bit tables (@p cr3) if it asked for GUEST_MODE_PAGED32.
 */
static void init_prot32_state(struct vcpu *v, const struct guest_header *h,
			      uint64_t cr3)
{
	struct vmcb_save *s = &v->vmcb->save;

	init_common(v, h);
	init_gdt_segments(v, h, 0xB);
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	if (cr3) {
		s->cr0 |= CR0_WP | CR0_PG;
		s->cr3 = cr3;
	}
	s->rsp = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE - GUEST_PT_BYTES;
}

/* One real-mode segment register: selector @p sel, base sel * 16. */
static void real_seg(struct vmcb_seg *seg, uint16_t sel, uint16_t attrib)
{
	seg->selector = sel;
	seg->base = (uint64_t)sel << 4;
	seg->limit = 0xffff;
	seg->attrib = attrib;
}

/*
 * A real-mode guest (CR0.PE = 0, CR0.PG = 0): every segment register at
 * its load address, so its offsets start at 0; IP at its entry, SP at
 * the top of the segment, the interrupt vector table at address 0.
 */
static void init_real_state(struct vcpu *v, const struct guest_header *h)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint16_t seg = (uint16_t)(h->load >> 4);

	init_common(v, h);
	real_seg(&s->cs, seg, SEG_ATTR_P | SEG_ATTR_S | 0xB);
	real_seg(&s->ds, seg, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	real_seg(&s->es, seg, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	real_seg(&s->ss, seg, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	real_seg(&s->fs, seg, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	real_seg(&s->gs, seg, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	s->tr.attrib = SEG_ATTR_P | 0x3;        /* busy 16-bit TSS */
	s->tr.limit = 0xffff;
	s->ldtr.attrib = SEG_ATTR_P | 0x2;
	s->ldtr.limit = 0xffff;
	s->gdtr.limit = 0xffff;
	s->idtr.base = 0;
	s->idtr.limit = 0x3ff;
	s->cr0 = CR0_ET;
	s->rip = h->entry - h->load;
	s->rsp = 0x10000 - 0x10;
}

/*
 * A list the header points to (GH_MSRS, GH_IOS): pairs of 32-bit words
 * inside the image, ended by a pair whose second word is 0.  NULL if
 * there is none; @p bad is set if it runs off the image.
 */
static const uint32_t *header_list(struct vcpu *v, uint64_t addr,
				   uint64_t end, int *bad)
{
	const uint32_t *p = vcpu_guest_ptr(v, addr, 8);

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
	const uint32_t *msrs = header_list(v, h->msrs, h->load + size,
					    &bad);
	const uint32_t *ios = header_list(v, h->ios, h->load + size,
					   &bad);

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

/*
 * Chapter 13: the guest's own guest-physical space.  Its image and the
 * top of its window (stack and the loader's page tables) are backed by
 * new host pages now; the rest of its RAM when it first touches it.
 * Returns the host pointer to the image's first byte.
 */
static uint8_t *load_nested(struct vcpu *v, const struct guest_header *h,
			    const struct guest_image *img, uint64_t *cr3)
{
	uint64_t size = (uint64_t)(img->end - img->start);
	uint64_t image = (h->mem_end - h->load + PAGE_SIZE - 1) & ~0xfffull;
	uint64_t top = h->mode == GUEST_MODE_REAL ?
		       mode_top(h->mode) + PAGE_SIZE :
		       GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE;
	uint64_t low = h->mode == GUEST_MODE_REAL ? PAGE_SIZE :
		       GUEST_PT_BYTES + GUEST_STACK_BYTES;
	uint8_t *mem, *high;

	if (nested_init(v) < 0)
		return 0;
	mem = nested_populate(v, gpa(h->load), image);
	high = nested_populate(v, gpa(top - low), low);
	memcpy(mem, img->start, size);
	*cr3 = 0;
	if (h->mode == GUEST_MODE_LONG)
		*cr3 = map_window((uint64_t *)(high + low - GUEST_PT_BYTES),
				  top - GUEST_PT_BYTES, GUEST_WINDOW_BASE,
				  1);
	else if (h->mode == GUEST_MODE_PAGED32)
		*cr3 = map_window32((uint32_t *)(high + low - GUEST_PT_BYTES),
				    (uint32_t)(top - GUEST_PT_BYTES));
	return mem;
}

int guest_load(struct vcpu *v, const struct guest_image *img, char *err,
	       size_t errlen)
{
	const struct guest_header *h = check_header(v, img, err, errlen);
	struct vmcb_control *c = &v->vmcb->control;
	uint8_t *window;
	size_t size = (size_t)(img->end - img->start);
	uint64_t cr3;

	if (!h)
		return -1;
	if (v->policy & HV_POLICY_NPT) {
		window = load_nested(v, h, img, &cr3);
		if (!window) {
			ksnprintf(err, errlen, "no memory for its nested page "
				  "table");
			return -1;
		}
		v->guest_lo = 0;
		v->guest_hi = GUEST_RAM_SIZE;
		v->max_exits = 20000;
	} else {
		/* Its memory: the window itself, or what the caller gave. */
		if (!v->mem_hpa)
			v->mem_hpa = GUEST_WINDOW_BASE;
		v->guest_lo = GUEST_WINDOW_BASE;
		v->guest_hi = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE;
		window = (uint8_t *)(uintptr_t)v->mem_hpa;
		memset(window, 0, GUEST_WINDOW_SIZE);
		memcpy(window, img->start, size);
		cr3 = map_window((uint64_t *)(uintptr_t)(v->mem_hpa +
				 GUEST_WINDOW_SIZE - GUEST_PT_BYTES),
				 v->mem_hpa + GUEST_WINDOW_SIZE -
				 GUEST_PT_BYTES, v->mem_hpa, 0);
	}
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
	if (h->mode == GUEST_MODE_REAL)
		init_real_state(v, h);
	else if (h->mode == GUEST_MODE_LONG)
		init_long_state(v, h, cr3);
	else
		init_prot32_state(v, h, cr3);
	v->expect_stop = !!(h->flags & GUEST_FLAG_EXPECT_STOP);
	v->sev_es = !!(h->flags & GUEST_FLAG_SEV_ES);
	if (v->sev_es && !(v->policy & HV_POLICY_GHCB)) {
		ksnprintf(err, errlen, "a model SEV-ES guest needs chapter "
			  "15's policy (the GHCB)");
		return -1;
	}
	trace_begin("guest_mode");
	trace_str("guest", v->name);
	trace_u64("mode", h->mode);
	trace_str("name", mode_name(h->mode));
	trace_bool("nested", v->nested);
	trace_u64("cr0", v->vmcb->save.cr0);
	trace_u64("cr3", v->vmcb->save.cr3);
	trace_u64("ncr3", c->nested_cr3);
	trace_end();
	return apply_policy(v, h, size, err, errlen);
}
