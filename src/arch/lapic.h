/**
 * @file
 * lapic.h - the host's one timer: the local APIC timer, one-shot.
 *
 * The hypervisor needs a clock that fires while a guest runs, so that a
 * guest spinning with interrupts off cannot hang the run (chapter 10,
 * the watchdog).  The local APIC timer is per-CPU and needs no PIC; its
 * rate differs between machines (QEMU counts nanoseconds, Bochs counts
 * instructions), so it is calibrated once at boot against channel 2 of
 * the 8254 PIT, whose input clock is 1.193182 MHz everywhere.  The 8259
 * PICs are masked: the BIOS leaves the PIT's IRQ 0 running, and it must
 * not reach the host while a guest runs with the host's RFLAGS.IF set.
 *
 * References: Intel SDM Vol. 3 §11.5.4 "APIC Timer" (the AMD local APIC
 * is the same, APM2 §16.4.1 "Timer Interrupt"); the 8254 datasheet.
 */
#ifndef SVMLAB_ARCH_LAPIC_H
#define SVMLAB_ARCH_LAPIC_H

#include <stdint.h>

/** The IDT vector of the LAPIC timer interrupt. */
#define LAPIC_TIMER_VECTOR      0xEF
/** The IDT vector of the LAPIC's spurious interrupt (no EOI). */
#define LAPIC_SPURIOUS_VECTOR   0xFF

/** Longest one-shot the timer is asked for, in milliseconds. */
#define LAPIC_TIMER_MAX_MS      60000u

/**
 * Mask both PICs, enable the LAPIC and calibrate its timer.  Returns 0,
 * or -1 with @p why set if there is no usable LAPIC or PIT.
 */
int lapic_init(const char **why);

/** Timer counts per millisecond, from the calibration (0 before it). */
uint32_t lapic_counts_per_ms(void);

/** @p ms milliseconds in timer counts (at least 1, at most 32 bits). */
uint32_t lapic_ms_to_counts(uint32_t ms);

/**
 * Start the timer one-shot: LAPIC_TIMER_VECTOR fires once, after
 * @p counts (at least 1), and lapic_timer_shots counts it.
 */
void lapic_timer_start(uint32_t counts);

/** Stop the timer; a shot already fired stays counted, none is due. */
void lapic_timer_stop(void);

/** Shots fired since boot (incremented by the interrupt handler). */
extern volatile uint64_t lapic_timer_shots;

/** The timer counts still to go (0 once it has fired or is stopped). */
uint32_t lapic_timer_remaining(void);

/**
 * Stop the timer and return the counts it had left.  A count of 0 means
 * it fired: the shot is counted in lapic_timer_shots now if its
 * interrupt has not been taken yet (each start gives exactly one shot).
 */
uint32_t lapic_timer_pause(void);

/**
 * Called by trap_dispatch for vectors at and above 32: the timer and the
 * spurious vector are handled (returns 1), anything else is not (0).
 */
int lapic_irq(unsigned vector);

#endif /* SVMLAB_ARCH_LAPIC_H */
