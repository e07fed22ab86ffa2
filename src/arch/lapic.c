/*
 * lapic.c - the local APIC timer, calibrated against the 8254 PIT.
 */
#include "lapic.h"
#include "msr.h"
#include "x86.h"

#define MSR_APIC_BASE           0x1Bu
#define APIC_BASE_ENABLE        (1ull << 11)    /* global enable */
#define APIC_BASE_ADDR_MASK     0x000FFFFFFFFFF000ull
#define CPUID1_EDX_APIC         (1u << 9)

/* Register offsets in the APIC page (SDM Vol. 3 Table 11-1). */
#define APIC_EOI                0x0B0
#define APIC_SVR                0x0F0
#define APIC_LVT_TIMER          0x320
#define APIC_TIMER_INIT         0x380
#define APIC_TIMER_CURRENT      0x390
#define APIC_TIMER_DIVIDE       0x3E0

#define SVR_ENABLE              (1u << 8)       /* APIC software enable */
#define LVT_MASKED              (1u << 16)
#define DIVIDE_BY_16            0x3u

/* 8254 PIT channel 2 and the system control port (port 61h). */
#define PIT_CH2                 0x42
#define PIT_MODE                0x43
#define PIT_MODE_CH2_ONESHOT    0xB0    /* ch 2, lo/hi byte, mode 0, binary */
#define PORT_61                 0x61
#define PORT_61_GATE2           0x01    /* channel 2 gate */
#define PORT_61_SPEAKER         0x02    /* speaker data: keep off */
#define PORT_61_OUT2            0x20    /* channel 2 output */
#define PIT_HZ                  1193182u
#define CALIBRATE_MS            10u
#define CALIBRATE_POLLS         200000000u

/* The two 8259s' data ports: writing FFh masks all eight lines. */
#define PIC1_DATA               0x21
#define PIC2_DATA               0xA1

volatile uint64_t lapic_timer_shots;
/* A shot is due from the running one-shot and has not been counted. */
static volatile int armed;
static volatile uint32_t *apic;
static uint32_t counts_per_ms;

static uint32_t apic_read(unsigned reg)
{
	return apic[reg / 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
	apic[reg / 4] = v;
}

/* LAPIC counts in CALIBRATE_MS of PIT time, or 0 if OUT2 never rose. */
static uint32_t calibrate(void)
{
	uint16_t latch = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t p61 = inb(PORT_61);
	uint32_t polls;

	outb(PORT_61, (uint8_t)((p61 & ~PORT_61_SPEAKER) | PORT_61_GATE2));
	outb(PIT_MODE, PIT_MODE_CH2_ONESHOT);
	apic_write(APIC_TIMER_INIT, 0xFFFFFFFFu);
	outb(PIT_CH2, (uint8_t)latch);
	outb(PIT_CH2, (uint8_t)(latch >> 8));   /* counting starts here */
	for (polls = 0; polls < CALIBRATE_POLLS; polls++)
		if (inb(PORT_61) & PORT_61_OUT2)
			break;
	outb(PORT_61, p61);
	if (polls == CALIBRATE_POLLS)
		return 0;
	return 0xFFFFFFFFu - apic_read(APIC_TIMER_CURRENT);
}

int lapic_init(const char **why)
{
	uint64_t base;
	uint32_t counts;

	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	if (!(cpuid(1, 0).edx & CPUID1_EDX_APIC)) {
		*why = "the CPU has no local APIC (CPUID 1 EDX[9])";
		return -1;
	}
	base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	/* The boot page tables identity-map the first 4 GiB: FEE0_0000h too. */
	apic = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
	apic_write(APIC_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
	apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
	counts = calibrate();
	apic_write(APIC_TIMER_INIT, 0);
	if (counts < CALIBRATE_MS) {
		*why = "the LAPIC timer did not count against PIT channel 2";
		return -1;
	}
	counts_per_ms = counts / CALIBRATE_MS;
	apic_write(APIC_LVT_TIMER, LAPIC_TIMER_VECTOR);  /* one-shot, unmasked */
	return 0;
}

uint32_t lapic_counts_per_ms(void)
{
	return counts_per_ms;
}

uint32_t lapic_ms_to_counts(uint32_t ms)
{
	uint64_t counts;

	if (ms > LAPIC_TIMER_MAX_MS)
		ms = LAPIC_TIMER_MAX_MS;
	counts = (uint64_t)ms * counts_per_ms;
	if (counts > 0xFFFFFFFFu)
		counts = 0xFFFFFFFFu;
	return counts ? (uint32_t)counts : 1;
}

void lapic_timer_start(uint32_t counts)
{
	armed = 1;
	apic_write(APIC_TIMER_INIT, counts ? counts : 1);
}

void lapic_timer_stop(void)
{
	armed = 0;
	if (apic)
		apic_write(APIC_TIMER_INIT, 0);
}

uint32_t lapic_timer_remaining(void)
{
	return apic ? apic_read(APIC_TIMER_CURRENT) : 0;
}

uint32_t lapic_timer_pause(void)
{
	uint32_t left = lapic_timer_remaining();

	if (apic)
		apic_write(APIC_TIMER_INIT, 0);
	/*
	 * A count of 0 is a shot even if its interrupt has not arrived:
	 * QEMU raises it from a timer callback of its own, which the stop
	 * above cancels.  Count it here; the interrupt, if it still comes,
	 * finds the shot counted (armed clear) and only takes its EOI.
	 */
	if (!left && armed) {
		armed = 0;
		lapic_timer_shots++;
	}
	return left;
}

int lapic_irq(unsigned vector)
{
	if (vector == LAPIC_SPURIOUS_VECTOR)
		return 1;               /* a spurious interrupt takes no EOI */
	if (vector != LAPIC_TIMER_VECTOR || !apic)
		return 0;
	if (armed) {
		armed = 0;
		lapic_timer_shots++;
	}
	apic_write(APIC_EOI, 0);
	return 1;
}
