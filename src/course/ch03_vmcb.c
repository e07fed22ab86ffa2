/*
 * ch03_vmcb.c - chapter 3: the VMCB as the processor reads and writes it
 * (APM2 Appendix B "Layout of VMCB", §15.5.2 "VMSAVE and VMLOAD").
 *
 * The layout in src/svm/vmcb.h is asserted at compile time.  This
 * chapter checks it against the processor at run time: VMSAVE stores
 * the host's FS, GS, TR, LDTR and syscall MSRs into a VMCB, and the
 * fields must hold the values the host wrote to those MSRs; VMLOAD must
 * load changed fields back.  TR comes out in the packed 12-bit
 * attribute form, which must match what seg.c computes from the host's
 * own GDT descriptor.
 */
#include <stddef.h>
#include "chapters.h"
#include "arch/gdt.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/palloc.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "svm/guest.h"
#include "svm/seg.h"
#include "svm/vmcb.h"

/* One MSR that VMSAVE stores and VMLOAD loads, with its VMCB field. */
struct msr_field {
	uint32_t msr;
	size_t offset;
	const char *name;
	uint64_t value;                 /* distinctive, canonical */
};

#define SAVE(f) offsetof(struct vmcb, save.f)

static const struct msr_field fields[] = {
	{ MSR_STAR, SAVE(star), "star", 0x0023001000000000ull },
	{ MSR_LSTAR, SAVE(lstar), "lstar", 0xFFFF80000000C0DEull },
	{ MSR_CSTAR, SAVE(cstar), "cstar", 0xFFFF80000000BEEFull },
	{ MSR_SFMASK, SAVE(sfmask), "sfmask", 0x0000000000047700ull },
	{ MSR_KERNEL_GS_BASE, SAVE(kernel_gs_base), "kernel_gs_base",
	  0x00007F0012345000ull },
	{ MSR_FS_BASE, SAVE(fs.base), "fs.base", 0x0000000012340000ull },
	{ MSR_GS_BASE, SAVE(gs.base), "gs.base", 0x0000000056780000ull },
	{ MSR_SYSENTER_CS, SAVE(sysenter_cs), "sysenter_cs", 0x10 },
	{ MSR_SYSENTER_ESP, SAVE(sysenter_esp), "sysenter_esp", 0x7000 },
	{ MSR_SYSENTER_EIP, SAVE(sysenter_eip), "sysenter_eip", 0x8000 },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t *field_at(struct vmcb *v, size_t offset)
{
	return (uint64_t *)((uint8_t *)v + offset);
}

/* The field names, offsets and values VMSAVE left, as one report. */
static void report_vmsave(struct vmcb *v)
{
	unsigned i;

	trace_begin("report");
	trace_u64("ch", 3);
	trace_str("key", "vmcb.vmsave");
	trace_obj_begin("value");
	for (i = 0; i < NFIELDS; i++) {
		trace_obj_begin(fields[i].name);
		trace_u64("offset", fields[i].offset);
		trace_u64("wrote", fields[i].value);
		trace_u64("vmcb", *field_at(v, fields[i].offset));
		trace_obj_end();
	}
	trace_obj_end();
	trace_end();
}

/* VMSAVE must store every MSR value into its field. */
static void check_vmsave(struct vmcb *v)
{
	unsigned i, bad = 0;

	for (i = 0; i < NFIELDS; i++) {
		uint64_t got = *field_at(v, fields[i].offset);

		if (got != fields[i].value) {
			kprintf("    %s at %03xh: 0x%llx, wrote 0x%llx\n",
				fields[i].name, (unsigned)fields[i].offset,
				(unsigned long long)got,
				(unsigned long long)fields[i].value);
			bad++;
		}
	}
	check(!bad, "vmcb.vmsave", "%u of %u MSR fields hold the value "
	      "written to their MSR", (unsigned)(NFIELDS - bad),
	      (unsigned)NFIELDS);
}

/*
 * TR as VMSAVE stored it, next to seg.c's conversion of the host's TSS
 * descriptor.  Reported, not judged here: LTR marked the descriptor
 * busy, and whether the processor's hidden TR says so too is where an
 * emulator may differ (the tests hold the deviation table).
 */
void course_host_tr(struct vmcb_seg *s)
{
	struct desc_ptr gdtr = sgdt();
	const uint64_t *gdt = (const uint64_t *)(uintptr_t)gdtr.base;

	vmcb_seg_from_sysdesc(s, SEL_TSS, gdt[SEL_TSS / 8],
			      gdt[SEL_TSS / 8 + 1]);
}

static void report_tr(struct vmcb *v)
{
	struct vmcb_seg want = { 0 };
	const struct vmcb_seg *got = &v->save.tr;

	course_host_tr(&want);
	kprintf("TR: VMSAVE sel=0x%x attrib=0x%03x limit=0x%x base=0x%llx\n"
		"    seg.c from the GDT: sel=0x%x attrib=0x%03x limit=0x%x "
		"base=0x%llx\n", got->selector, got->attrib, got->limit,
		(unsigned long long)got->base, want.selector, want.attrib,
		want.limit, (unsigned long long)want.base);
	trace_begin("report");
	trace_u64("ch", 3);
	trace_str("key", "vmcb.tr");
	trace_obj_begin("value");
	trace_obj_begin("vmsave");
	trace_u64("selector", got->selector);
	trace_u64("attrib", got->attrib);
	trace_u64("limit", got->limit);
	trace_u64("base", got->base);
	trace_obj_end();
	trace_obj_begin("seg_c");
	trace_u64("selector", want.selector);
	trace_u64("attrib", want.attrib);
	trace_u64("limit", want.limit);
	trace_u64("base", want.base);
	trace_obj_end();
	trace_obj_end();
	trace_end();
}

/* Change every field, VMLOAD, and read the MSRs back. */
static void check_vmload(struct vmcb *v)
{
	unsigned i, bad = 0;

	for (i = 0; i < NFIELDS; i++)
		*field_at(v, fields[i].offset) = fields[i].value ^ 0x1000;
	vmload(hpa_of(v));
	for (i = 0; i < NFIELDS; i++)
		if (rdmsr(fields[i].msr) != (fields[i].value ^ 0x1000))
			bad++;
	check(!bad, "vmcb.vmload", "%u of %u MSRs read back the value "
	      "VMLOAD took from their field", (unsigned)(NFIELDS - bad),
	      (unsigned)NFIELDS);
}

/* The packed attributes of the guest runtime's GDT (guests/rt). */
static void report_guest_attrs(void)
{
	const struct guest_image *img = guest_find("hlt");
	const struct guest_header *h;
	const uint64_t *gdt;

	if (!img)
		return;
	h = (const void *)img->start;
	gdt = (const uint64_t *)(img->start + (h->gdt - h->load));
	kprintf("guest GDT: code 0x%016llx -> attrib 0x%03x, data "
		"0x%016llx -> attrib 0x%03x\n",
		(unsigned long long)gdt[h->cs / 8],
		seg_attr_from_desc(gdt[h->cs / 8]),
		(unsigned long long)gdt[h->ds / 8],
		seg_attr_from_desc(gdt[h->ds / 8]));
	trace_begin("report");
	trace_u64("ch", 3);
	trace_str("key", "seg.guest_gdt");
	trace_obj_begin("value");
	trace_u64("code_desc", gdt[h->cs / 8]);
	trace_u64("code_attrib", seg_attr_from_desc(gdt[h->cs / 8]));
	trace_u64("data_desc", gdt[h->ds / 8]);
	trace_u64("data_attrib", seg_attr_from_desc(gdt[h->ds / 8]));
	trace_obj_end();
	trace_end();
}

void ch03_vmcb_run(void)
{
	struct vmcb *v = page_alloc();
	uint64_t saved[NFIELDS];
	unsigned i;

	kprintf("VMCB: control area %u bytes at 000h, save area %u bytes "
		"at 400h\n", (unsigned)sizeof(struct vmcb_control),
		(unsigned)sizeof(struct vmcb_save));
	report_guest_attrs();
	for (i = 0; i < NFIELDS; i++) {
		saved[i] = rdmsr(fields[i].msr);
		wrmsr(fields[i].msr, fields[i].value);
	}
	vmsave(hpa_of(v));
	report_vmsave(v);
	check_vmsave(v);
	report_tr(v);
	check_vmload(v);
	for (i = 0; i < NFIELDS; i++)
		wrmsr(fields[i].msr, saved[i]);
}
