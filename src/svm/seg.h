/**
 * @file
 * seg.h - segment descriptors and the VMCB's packed segment attributes.
 *
 * The VMCB keeps every segment register in a struct vmcb_seg: selector,
 * a 12-bit "attrib", a limit in bytes and a 64-bit base (APM2 Appendix B,
 * Table B-2 "VMCB Layout, State Save Area", and APM2 §15.5.1 "Basic
 * Operation").  The attribute is NOT a slice of the descriptor: it packs
 * two separate pieces of it and drops the limit nibble in between.
 *
 *   8-byte descriptor (APM2 §4.7.1 "Descriptor Format"), high dword:
 *
 *    31      24 23 22  21 20  19    16 15 14  13 12 11   8 7        0
 *   +----------+--+---+--+---+--------+--+-----+--+------+----------+
 *   |base 31:24|G |D/B|L |AVL|lim19:16|P | DPL |S | type |base 23:16|
 *   +----------+--+---+--+---+--------+--+-----+--+------+----------+
 *    descriptor bits 55:52 ^^^^^^^^^^^  bits 47:40 ^^^^^^^^^^^^^^^^
 *
 *   (the low dword holds base 15:0 in 31:16 and limit 15:0 in 15:0)
 *
 *   VMCB attrib:   11  10  9  8     7  6  5  4  3    0
 *                 +--+---+--+---+ +--+-----+--+------+
 *                 |G |D/B|L |AVL| |P | DPL |S | type |   (15:12 zero)
 *                 +--+---+--+---+ +--+-----+--+------+
 *
 * In long mode the TSS and LDT descriptors are 16 bytes: the second
 * quadword holds base 63:32 (APM2 §4.8.3 "System Descriptors").
 */
#ifndef SVMLAB_SVM_SEG_H
#define SVMLAB_SVM_SEG_H

#include <stdint.h>
#include "vmcb.h"

/**
 * The packed VMCB attribute of descriptor @p desc: bits 7:0 are
 * descriptor bits 47:40 (type, S, DPL, P) and bits 11:8 are descriptor
 * bits 55:52 (AVL, L, D/B, G).
 */
uint16_t seg_attr_from_desc(uint64_t desc);

/**
 * The inverse of seg_attr_from_desc: an 8-byte descriptor with attribute
 * @p attr (12-bit VMCB form), base @p base and the raw 20-bit limit
 * @p limit20 (in bytes or in 4 KiB units, as attr's G bit says).
 */
uint64_t seg_desc_from_attr(uint16_t attr, uint32_t base, uint32_t limit20);

/**
 * Fill @p s as VMRUN expects a segment loaded from descriptor @p desc:
 * @p selector, the packed attribute, the 32-bit base, and the limit in
 * bytes (when G=1 the 20-bit limit counts 4 KiB pages:
 * (limit << 12) | 0xFFF).
 */
void vmcb_seg_from_desc(struct vmcb_seg *s, uint16_t selector,
			uint64_t desc);

/**
 * Like vmcb_seg_from_desc, for a 16-byte long-mode system descriptor
 * (TSS or LDT): @p lo is the first quadword, @p hi the second, whose
 * bits 31:0 are base 63:32.
 */
void vmcb_seg_from_sysdesc(struct vmcb_seg *s, uint16_t selector,
			   uint64_t lo, uint64_t hi);

#endif /* SVMLAB_SVM_SEG_H */
