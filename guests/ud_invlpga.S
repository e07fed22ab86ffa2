/*
 * ud_invlpga.S - chapter 5: a guest's INVLPGA exits (7Ah) and gets #UD.
 *
 * APM2 §15.9 "Instruction Intercepts": the SVM instructions are
 * interceptable (vector 4 bits 0 and 2-6; INVLPGA, vector 3 bit 26), and
 * the chapter-5 hypervisor always intercepts them: it does not offer
 * nested virtualisation (CPUID 8000_0001h ECX[SVM] is hidden from the
 * guest), so it answers INVLPGA with #UD, the exception a processor
 * without SVM raises, and leaves RIP at the instruction: #UD is a fault.
 * RAX is a valid address and ECX an ASID, as INVLPGA expects.
 *
 * The guest executes INVLPGA at ud_invlpga_insn under CATCH and checks
 * that its IDT handler received #UD (vector 6) with the RIP of the
 * instruction.
 */
#include "guest.h"
#include "ud_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

UD_GUEST invlpga, INVLPGA, invlpga
