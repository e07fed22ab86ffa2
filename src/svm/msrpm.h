/**
 * @file
 * msrpm.h - the MSR permission map (APM2 §15.11 "MSR Intercepts").
 *
 * With intercept_misc1.MSR_PROT set, RDMSR and WRMSR consult an 8 KiB
 * map at MSRPM_BASE_PA.  Three ranges of 8K MSRs each have 2 KiB of it,
 * two bits per MSR: the even bit intercepts RDMSR, the odd bit WRMSR.
 *
 *     byte 000h-7FFh    MSRs 0000_0000h-0000_1FFFh
 *     byte 800h-FFFh    MSRs C000_0000h-C000_1FFFh
 *     byte 1000h-17FFh  MSRs C001_0000h-C001_1FFFh
 *     byte 1800h-1FFFh  reserved
 *
 * An MSR outside the three ranges always exits (#VMEXIT with code 7Ch),
 * whatever the map says.  This file is the one place that knows the
 * layout: every map in svmlab is built through msrpm_set.
 */
#ifndef SVMLAB_SVM_MSRPM_H
#define SVMLAB_SVM_MSRPM_H

#include <stdint.h>

/** Size of the map: 8 KiB, two pages, 4 KiB aligned. */
#define MSRPM_BYTES     0x2000

/** MSRs in each of the three ranges. */
#define MSRPM_RANGE_MSRS 0x2000u

/** Intercept RDMSR (the range's even bit). */
#define MSRPM_READ      1
/** Intercept WRMSR (the range's odd bit). */
#define MSRPM_WRITE     2

/**
 * Where the bit for (@p msr, @p write) lives: its byte offset in the map
 * and its bit number (0-7) in that byte.  Returns 0, or -1 if the MSR
 * lies outside the three ranges (such an access always exits).
 */
int msrpm_index(uint32_t msr, int write, unsigned *byte, unsigned *bit);

/**
 * Set (@p on = 1) or clear (@p on = 0) the intercepts @p access (a mask of
 * MSRPM_READ and MSRPM_WRITE) of @p msr in @p map.  Returns 0, or -1 if
 * the MSR is outside the ranges (the map cannot pass it through).
 */
int msrpm_set(uint8_t *map, uint32_t msr, unsigned access, int on);

/**
 * Would the processor intercept this access with this map?  Outside the
 * ranges: always.
 */
int msrpm_intercepted(const uint8_t *map, uint32_t msr, int write);

#endif /* SVMLAB_SVM_MSRPM_H */
