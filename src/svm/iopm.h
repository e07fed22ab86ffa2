/**
 * @file
 * iopm.h - the I/O permission map (APM2 §15.10 "I/O Intercepts").
 *
 * With intercept_misc1.IOIO_PROT set, IN, OUT, INS and OUTS consult a
 * 12 KiB map at IOPM_BASE_PA: one bit per port, bit p for port p.  An
 * access of n bytes at port p checks the bits of ports p to p + n - 1
 * and exits if any of them is set.  An access at the top of the port
 * space reaches past port FFFFh: a 4-byte access at FFFFh checks bits
 * 10000h-10002h, which lie in the map's third 4 KiB page (a map of
 * 64K bits would need only 8 KiB; the extra page holds those bits).
 */
#ifndef SVMLAB_SVM_IOPM_H
#define SVMLAB_SVM_IOPM_H

#include <stdint.h>

/** Size of the map: 12 KiB, three pages, 4 KiB aligned. */
#define IOPM_BYTES      0x3000

/** One past the last bit the processor can consult: FFFFh + 4 bytes. */
#define IOPM_LAST_BIT   0x10003

/**
 * Set (@p on = 1) or clear (@p on = 0) the bits of ports @p first to
 * @p first + @p count - 1.  Returns 0, or -1 if the range is empty or
 * reaches past IOPM_LAST_BIT.
 */
int iopm_set(uint8_t *map, uint32_t first, uint32_t count, int on);

/**
 * Would the processor intercept an access of @p size bytes (1, 2 or 4)
 * at @p port with this map?  True if any bit it covers is set.
 */
int iopm_intercepted(const uint8_t *map, uint16_t port, unsigned size);

#endif /* SVMLAB_SVM_IOPM_H */
