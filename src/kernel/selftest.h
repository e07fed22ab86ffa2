/**
 * @file
 * selftest.h - deliberate host faults, for testing the panic path.
 */
#ifndef SVMLAB_KERNEL_SELFTEST_H
#define SVMLAB_KERNEL_SELFTEST_H

/**
 * Raise the host exception named by @p kind: "de" (divide by zero),
 * "ud" (UD2), "bp" (INT3), "gp" (non-canonical access) or "pf" (a read
 * of an unmapped address).  Returns -1 if @p kind is not one of these.
 * Otherwise the exception handler ends the run with a register dump;
 * a return of 0 means the exception did not happen, which is a bug.
 */
int selftest_fault(const char *kind);

#endif /* SVMLAB_KERNEL_SELFTEST_H */
