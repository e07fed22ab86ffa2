/*
 * ud_clgi.S - chapter 5: a guest's CLGI exits (85h) and gets #UD.
 *
 * APM2 §15.9 "Instruction Intercepts": the SVM instructions are
 * interceptable (vector 4 bits 0 and 2-6; INVLPGA, vector 3 bit 26), and
 * the chapter-5 hypervisor always intercepts them: it does not offer
 * nested virtualisation (CPUID 8000_0001h ECX[SVM] is hidden from the
 * guest), so it answers CLGI with #UD, the exception a processor without
 * SVM raises, and leaves RIP at the instruction: #UD is a fault. CLGI
 * has no operands; executed, it would block the guest's interrupts.
 *
 * The guest executes CLGI at ud_clgi_insn under CATCH and checks that
 * its IDT handler received #UD (vector 6) with the RIP of the
 * instruction.
 */
#include "guest.h"
#include "ud_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

UD_GUEST clgi, CLGI, clgi
