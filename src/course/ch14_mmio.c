/*
 * ch14_mmio.c - chapter 14: MMIO emulation and isolation (APM2 §15.25.6
 * for the #NPF that starts it).  The device and the emulation are in
 * src/svm/mmio_dev.c, the decoder in src/svm/insn.c and src/svm/mmio.c,
 * the guest page-table walk in src/svm/gwalk.c.
 *
 * After the device guests, the isolation test: a hostile guest hunts for
 * a secret the hypervisor keeps in its own memory, and two guests run
 * side by side, each looking for the other's data.  The hypervisor
 * checksums its code, read-only data and the secret before and after.
 */
#include "chapters.h"
#include "dev/console.h"
#include "kernel/trace.h"
#include "svm/vcpu.h"

const char *const ch14_guests[] = {
	"mmio_dev", "mmio_bad", "iso_scan", "iso_a", "iso_b", 0
};

static const char *const pair[] = { "iso_a", "iso_b", 0 };

int nested_paging_available(void);

static void checksum(const char *when)
{
	uint64_t sum = hv_checksum();

	kprintf("  hypervisor checksum %s: 0x%llx, secret %s\n", when,
		(unsigned long long)sum,
		hv_secret_intact() ? "intact" : "CHANGED");
	trace_begin("hv_checksum");
	trace_str("when", when);
	trace_u64("value", sum);
	trace_bool("secret_intact", hv_secret_intact());
	trace_end();
}

void ch14_mmio_run(void)
{
	if (!nested_paging_available())
		return;
	hv_secret_init();
	course_run_guest("mmio_dev");
	course_run_guest("mmio_bad");
	checksum("before");
	course_run_guest("iso_scan");
	course_run_together(pair);
	checksum("after");
}
