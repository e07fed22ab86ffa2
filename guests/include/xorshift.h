/*
 * xorshift.h - chapter 12: one step of the xorshift64 generator the
 * rr_* guests use to fill memory with values the tests can recompute
 * (x ^= x << 13; x ^= x >> 7; x ^= x << 17, mod 2^64).
 */
#ifndef SVMLAB_XORSHIFT_H
#define SVMLAB_XORSHIFT_H

/* \x = the next xorshift64 value after \x; clobbers \tmp. */
.macro XORSHIFT x, tmp
	mov	\x, \tmp
	shl	$13, \tmp
	xor	\tmp, \x
	mov	\x, \tmp
	shr	$7, \tmp
	xor	\tmp, \x
	mov	\x, \tmp
	shl	$17, \tmp
	xor	\tmp, \x
.endm

#endif /* SVMLAB_XORSHIFT_H */
