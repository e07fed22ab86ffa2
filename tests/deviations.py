"""The deviation table: where QEMU or Bochs differs from the APM.

One entry per difference: which emulator, what the APM requires, what the
emulator does, and the test that pins it.  Tests look expectations up
here (``expect``) instead of scattering ifs; docs/emulators.md is written
from this table by tools/gen_emulators_md.py, and a test keeps the two in
step.  An assertion is never loosened to hide a deviation: the test asserts
the emulator's actual behaviour as recorded here, so if an emulator is fixed
the pinning test fails and the entry must be revisited.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Deviation:
    id: str             # stable identifier, used by tests
    emu: str            # "qemu" or "bochs"
    topic: str          # short name of the behaviour
    apm: str            # what the APM requires, with its section
    actual: str         # what the emulator does
    pinned_by: str      # the test that checks the emulator's behaviour
    value: object = None  # the emulator's observable value, for tests


DEVIATIONS = [
    Deviation(
        id="qemu-eventinj-error-code-by-vector",
        emu="qemu",
        topic="EVENTINJ error code of #VC (vector 29)",
        apm="APM2 §15.20: with EV = 1 the processor pushes ERRORCODE as "
            "it delivers the injected exception; #VC (vector 29) has an "
            "error code, the exit code (APM2 §15.35.5)",
        actual="TCG pushes an error code only for the vectors it knows "
               "to have one (8, 10-14, 17), whatever EV says: #VC injected "
               "with EV = 1 arrives with a 40-byte frame and no error "
               "code, so svmlab writes the #VC frame itself there",
        pinned_by="tests/test_ch15_ghcb.py::"
                  "test_vc_probe_measures_how_eventinj_delivers_vc",
        value=40,
    ),
    Deviation(
        id="qemu-npf-rsv-without-p",
        emu="qemu",
        topic="#NPF for a reserved bit in a nested entry",
        apm="APM2 §15.25.6: the #NPF error code is a page-fault error "
            "code; a reserved-bit fault is on a present entry, so P=1 "
            "with RSV=1 (EXITINFO1 0x1_0000_000D for a user read)",
        actual="TCG reports RSV=1 with P=0 (EXITINFO1 0x1_0000_000C), as "
               "kvm-unit-tests' npt_rsv tests also found",
        pinned_by="tests/test_ch13_npt.py::test_qemu_rsv_fault_clears_p",
        value=0x10000000C,
    ),
    Deviation(
        id="bochs-generic-svm-cpuid",
        emu="bochs",
        topic="CPUID SVM bit of the generic model",
        apm="APM2 §15.4: a processor that implements SVM reports "
            "CPUID Fn8000_0001_ECX[SVM]=1",
        actual="`cpu: model=bx_generic` with `cpuid: svm=1` enables SVM "
               "(its log says \"SVM support: yes\") but leaves CPUID "
               "8000_0001h ECX[2] clear, so software following the APM "
               "refuses it",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_bochs_generic_svm_hides_the_cpuid_bit",
        value=False,
    ),
    Deviation(
        id="bochs-unknown-msr-reads-zero",
        emu="bochs",
        topic="RDMSR of an unimplemented MSR",
        apm="APM3 RDMSR: reading an unimplemented MSR raises #GP(0)",
        actual="with the default `ignore_bad_msrs`, RDMSR of an unknown "
               "MSR returns 0 and only logs \"RDMSR: Unknown register\" "
               "(MSRs 1FFFh and 802h on every model, VM_CR on bx_generic)",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=True,
    ),
    Deviation(
        id="qemu-unknown-msr-reads-zero",
        emu="qemu",
        topic="RDMSR of an unimplemented MSR",
        apm="APM3 RDMSR: reading an unimplemented MSR raises #GP(0)",
        actual="TCG returns 0 for MSRs it does not know (1FFFh), and for "
               "x2APIC MSR 802h while x2APIC is off",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=True,
    ),
    Deviation(
        id="bochs-hsave-pa-unchecked",
        emu="bochs",
        topic="WRMSR VM_HSAVE_PA with a misaligned address",
        apm="APM2 §15.30.4: VM_HSAVE_PA must be 4 KiB aligned; writing "
            "other bits raises #GP",
        actual="Bochs stores the misaligned value without #GP (QEMU "
               "raises #GP as required)",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=False,
    ),
    Deviation(
        id="qemu-tr-attrib-not-busy",
        emu="qemu",
        topic="TR attribute stored by VMSAVE after LTR",
        apm="APM2 §12.2.5 and §15.5.2: LTR marks the TSS busy (type Bh), "
            "and VMSAVE stores TR's hidden attributes, so a busy 64-bit "
            "TSS reads back as 08Bh",
        actual="VMSAVE stores 089h: TCG's hidden TR keeps the available "
               "type (9h) it read before LTR set the busy bit in the GDT",
        pinned_by="tests/test_ch03_vmcb.py::"
                  "test_vmsave_stores_tr_in_the_packed_attribute_form",
        value=0x089,
    ),
    Deviation(
        id="qemu-invalid-exitcode-32bit",
        emu="qemu",
        topic="EXITCODE of VMEXIT_INVALID",
        apm="APM2 Appendix C: VMEXIT_INVALID is -1, and EXITCODE (VMCB "
            "070h) is a 64-bit field: FFFF_FFFF_FFFF_FFFFh",
        actual="TCG writes 0000_0000_FFFF_FFFFh: only the low 32 bits "
               "are -1",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value=0xFFFFFFFF,
    ),
    Deviation(
        id="qemu-vmrun-accepts-gpat",
        emu="qemu",
        topic="VMRUN with nested paging and a reserved G_PAT type",
        apm="APM2 §15.25.4: with NP_ENABLE set, VMRUN checks G_PAT like "
            "WRMSR PAT and fails with VMEXIT_INVALID on a reserved type",
        actual="TCG does not check G_PAT; the guest runs (here into #NPF, "
               "exit 400h, as its nested page table is empty)",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="NPF",
    ),
    Deviation(
        id="bochs-vmrun-accepts-cr3_mbz",
        emu="bochs",
        topic="VMRUN with a must-be-zero bit of CR3 set",
        apm="APM2 §15.5.1: any MBZ bit of CR3 set gives VMEXIT_INVALID "
            "(here bit 52, reserved in long mode)",
        actual="Bochs does not check the guest's CR3; the guest runs "
               "(its first exit is its first HLT)",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-msrpm_base",
        emu="bochs",
        topic="VMRUN with an MSR permission map that ends past MAXPHYADDR",
        apm="APM2 §15.5.1: the MSR permission map (8 KiB) must not extend "
            "to or beyond the maximum physical address",
        actual="Bochs checks only that the base is below 2^MAXPHYADDR, "
               "not where the map ends; the guest runs",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-iopm_base",
        emu="bochs",
        topic="VMRUN with an I/O permission map that ends past MAXPHYADDR",
        apm="APM2 §15.5.1: the I/O permission map (12 KiB) must not "
            "extend to or beyond the maximum physical address",
        actual="Bochs checks only that the base is below 2^MAXPHYADDR, "
               "not where the map ends; the guest runs",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-lme_pg_no_pe",
        emu="bochs",
        topic="VMRUN with EFER.LME and CR0.PG set, CR0.PE clear",
        apm="APM2 §15.5.1: EFER.LME and CR0.PG set with CR0.PE clear "
            "gives VMEXIT_INVALID",
        actual="Bochs loads the state and then stops the whole simulation "
               "with \"PANIC: change_cpu_mode: EFER.LMA is set when "
               "CR0.PE=0\"; the run has no summary.  svmlab runs this case "
               "only when guest=invalid.lme_pg_no_pe asks for it",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_long_mode_without_protection_only_on_request",
        value="panic",
    ),
    Deviation(
        id="qemu-ioio-no-address-size",
        emu="qemu",
        topic="IOIO EXITINFO1 address-size bits",
        apm="APM2 §15.10.2, Figure 15-2: EXITINFO1 bits 9:7 (A16, A32, "
            "A64) give the address size of the intercepted IN/OUT/INS/"
            "OUTS, one-hot: A64 (bit 9) for 64-bit code without a 67h "
            "prefix",
        actual="TCG leaves bits 9:7 clear on every IOIO exit (`out "
               "%al,%dx` to 3F8h gives 03F8_0010h; Bochs gives "
               "03F8_0210h)",
        pinned_by="tests/test_ch07_iopm.py::"
                  "test_qemu_leaves_the_address_size_bits_clear",
        value=0,
    ),
    Deviation(
        id="qemu-icebp-ud",
        emu="qemu",
        topic="ICEBP (F1) in a guest with the ICEBP intercept",
        apm="APM2 §15.9 and Appendix C: ICEBP is intercepted by vector 4 "
            "bit 8 (exit 88h); without the intercept it raises #DB as a "
            "trap (return RIP after the F1)",
        actual="TCG 7.2 decodes F1 as an invalid opcode: #UD at the F1 "
               "itself, no exit, whatever the intercept bits",
        pinned_by="tests/test_ch05_instructions.py::"
                  "test_icebp_exits_and_gets_db_after_the_f1",
        value=6,
    ),
    Deviation(
        id="qemu-invd-checks-wbinvd-intercept",
        emu="qemu",
        topic="INVD intercept",
        apm="APM2 Appendix C: INVD is intercepted by vector 3 bit 22 and "
            "exits with 76h (INVD); WBINVD is vector 4 bit 9, exit 89h",
        actual="TCG checks the WBINVD intercept for INVD: with both bits "
               "set INVD exits with 89h (WBINVD); with only the INVD bit "
               "set INVD runs without an exit",
        pinned_by="tests/test_ch05_instructions.py::"
                  "test_invd_has_its_own_intercept",
        value="WBINVD",
    ),
    Deviation(
        id="qemu-rdtscp-not-intercepted",
        emu="qemu",
        topic="RDTSCP intercept",
        apm="APM2 §15.9 and Appendix C: RDTSCP is intercepted by vector 4 "
            "bit 7 and exits with 87h (RDTSCP)",
        actual="TCG (with +rdtscp) never checks the RDTSCP bit: RDTSCP runs "
               "natively (TSC_OFFSET applied, ECX = the real TSC_AUX, 0); "
               "it checks the RDTSC bit instead and exits with 6Eh (RDTSC) "
               "if that one is set",
        pinned_by="tests/test_ch05_instructions.py::"
                  "test_rdtscp_returns_the_hypervisors_tsc_aux",
        value=0,
    ),
    Deviation(
        id="qemu-osxsave-reserved-without-xsaveopt",
        emu="qemu",
        topic="CR4.OSXSAVE with -cpu ...,+xsave",
        apm="APM2 §3.1.3: CR4.OSXSAVE may be set when CPUID 1 ECX[26] "
            "(XSAVE) is 1, and a write of a reserved CR4 bit raises #GP; "
            "VMEXIT_INVALID (§15.5.1) is VMRUN's answer to a bad VMCB, "
            "never the result of a guest instruction",
        actual="TCG treats CR4.OSXSAVE as reserved unless CPUID 0Dh.1 EAX "
               "has a feature (+xsaveopt), and a guest's MOV to CR4 with a "
               "reserved bit ends in #VMEXIT with code -1 (VMEXIT_INVALID) "
               "at the MOV instead of #GP",
        pinned_by="tests/test_ch05_instructions.py::"
                  "test_qemu_xsave_models_pin_their_deviations",
        value="INVALID",
    ),
    Deviation(
        id="qemu-xsetbv-not-intercepted",
        emu="qemu",
        topic="XSETBV intercept",
        apm="APM2 §15.9 and Appendix C: XSETBV is intercepted by vector 4 "
            "bit 13 and exits with 8Dh (XSETBV)",
        actual="TCG (with +xsave,+xsaveopt) never checks the XSETBV bit: the "
               "guest's XSETBV writes the emulated XCR0 directly, and an "
               "invalid value gets TCG's own #GP",
        pinned_by="tests/test_ch05_instructions.py::"
                  "test_qemu_xsave_models_pin_their_deviations",
        value=0,
    ),
    Deviation(
        id="qemu-int3-not-bp-intercept",
        emu="qemu",
        topic="INT3 and the #BP exception intercept",
        apm="APM2 §15.12: INT3 raises #BP, and with bit 3 of the exception "
            "intercepts set it exits with code 43h (RIP = the INT3) before "
            "the guest's IDT is used",
        actual="TCG raises INT3 as a software interrupt, which checks only "
               "the INTn intercept (75h): exit 43h never happens and the "
               "guest's IDT receives #BP directly (return RIP after the "
               "INT3, as on bare metal)",
        pinned_by="tests/test_ch08_crdr.py::"
                  "test_int3_bp_is_reflected_with_rip_past_the_int3",
        value=False,
    ),
    Deviation(
        id="qemu-no-alignment-check",
        emu="qemu",
        topic="#AC for a misaligned access at CPL 3",
        apm="APM2 §8.2.17: with CR0.AM = 1, RFLAGS.AC = 1 and CPL = 3 a "
            "misaligned data access raises #AC(0); with the #AC intercept "
            "set it exits with code 51h (APM2 §15.12)",
        actual="TCG does not implement alignment checking: the misaligned "
               "4-byte load at CPL 3 completes (no exception, no exit)",
        pinned_by="tests/test_ch08_crdr.py::test_ac_at_cpl3_is_reflected",
        value=False,
    ),
    Deviation(
        id="bochs-cr4-reserved-bit-gp-first",
        emu="bochs",
        topic="MOV to CR4 with a reserved bit and the CR4 write intercept",
        apm="APM2 §15.9: instruction intercepts are checked before the "
            "exceptions that depend on the operand's value, so MOV CR4 with "
            "a reserved bit exits with code 14h and the hypervisor decides",
        actual="Bochs checks the value first: MOV CR4 with bit 15 set raises "
               "#GP(0) in the guest without an exit (the valid MOV CR4s do "
               "exit)",
        pinned_by="tests/test_ch08_crdr.py::"
                  "test_cr4_write_is_checked_by_the_hypervisor",
        value=False,
    ),
    Deviation(
        id="bochs-db-intercept-dr6-not-updated",
        emu="bochs",
        topic="DR6 after an intercepted single-step #DB",
        apm="APM2 §15.12 with §13.1.1.3: an intercepted exception exits "
            "when it would be delivered, after its side effects; for a "
            "single-step #DB DR6.BS (bit 14) is set in the VMCB's DR6 (only "
            "#PF leaves its register, CR2, to the hypervisor). QEMU sets "
            "BS; KVM reflects #DB with the VMCB's DR6",
        actual="Bochs exits with code 41h before it writes DR6: the guest's "
               "DR6 stays FFFF_0FF0h after the reflected #DB",
        pinned_by="tests/test_ch08_crdr.py::"
                  "test_single_step_db_is_reflected_after_the_instruction",
        value=False,
    ),
    Deviation(
        id="bochs-vmrun-ignores-cr2",
        emu="bochs",
        topic="VMRUN and the guest's CR2",
        apm="APM2 §15.5.1: VMRUN loads the guest's CR2 from the VMCB save "
            "area (640h); a hypervisor reflecting an intercepted #PF puts "
            "the address there (APM2 §15.12)",
        actual="Bochs reads the VMCB's CR2 but never loads it: the guest "
               "keeps whatever CR2 the processor had, so a reflected #PF "
               "reaches the guest with a stale CR2",
        pinned_by="tests/test_ch08_crdr.py::"
                  "test_pf_is_reflected_with_its_error_code_and_cr2",
        value=False,
    ),
    Deviation(
        id="bochs-triple-fault-panics",
        emu="bochs",
        topic="Triple fault in a guest with the SHUTDOWN intercept",
        apm="APM2 §15.14: with the SHUTDOWN intercept set, a guest that "
            "enters the shutdown state (a triple fault) exits with code "
            "7Fh; the host goes on",
        actual="Bochs 2.7 checks the SHUTDOWN intercept only in its "
               "shutdown() path, not on a triple fault: it stops the whole "
               "simulation with \"PANIC: exception(): 3rd (13) exception "
               "with no resolution\" (reset_on_triple_fault=0), so a run "
               "ends at the triple_fault guest without a summary",
        pinned_by="tests/test_ch08_crdr.py::"
                  "test_triple_fault_is_contained_by_the_shutdown_intercept",
        value="panic",
    ),
    Deviation(
        id="qemu-idt-np-error-code",
        emu="qemu",
        topic="#NP error code for a not-present IDT gate in long mode",
        apm="APM2 §8.4.1 \"Selector-Error Code\": a fault on an IDT entry "
            "has IDT = 1 (bit 1) and the entry's index in bits 15:3, and "
            "EXT = 1 (bit 0) when it happens while an earlier event is "
            "delivered: gate 13 not present while #GP is delivered gives "
            "#NP(13 * 8 + 2 + 1 = 6Bh), as Bochs reports",
        actual="QEMU 7.2 computes the error code as vector * 16 + 2 in "
               "64-bit mode (the gate's byte offset, not its index) and "
               "never sets EXT: #NP(D2h), in EXITINFO1 of the #NP "
               "intercept (do_interrupt64 in target/i386/tcg/seg_helper.c)",
        pinned_by="tests/test_ch11_exitintinfo.py::"
                  "test_fault_while_delivering_gp_becomes_double_fault",
        value=0xD2,
    ),
    Deviation(
        id="qemu-exitintinfo-not-cleared",
        emu="qemu",
        topic="EXITINTINFO at an exit that is not during delivery",
        apm="APM2 §15.7.2: EXITINTINFO describes an event only when the "
            "exit happened while the processor delivered it through the "
            "IDT (V = 1); at any other exit there is no event in it "
            "(Bochs writes 0)",
        actual="#VMEXIT copies the VMCB's EVENTINJ into EXITINTINFO; after "
               "an injected event was delivered, EVENTINJ still holds it "
               "with V cleared, so the next exit reports that event with "
               "V = 0 (e.g. 306h after an injected #UD, B08h after #DF). "
               "V is right; a hypervisor that tested the whole field "
               "instead of V would inject the event again",
        pinned_by="tests/test_ch11_exitintinfo.py::"
                  "test_exitintinfo_is_valid_only_for_exits_during_delivery",
        value="event-without-v",
    ),
    Deviation(
        id="bochs-exitintinfo-softint-stale",
        emu="bochs",
        topic="EXITINTINFO of an exit during INTn delivery",
        apm="APM2 §15.7.2: an intercept during the delivery of a software "
            "interrupt reports it in EXITINTINFO: V = 1, TYPE 4, VECTOR = "
            "n (INT 41h: 8000_0441h)",
        actual="Bochs 2.7 records EXITINTINFO's vector and type only for "
               "hardware exceptions (SvmInterceptException in "
               "cpu/svm.cc); INT n sets V but leaves vector, type and EV "
               "of the last exception it recorded. In the chapter=11 run "
               "that is eii_stack_exception's #UD (8000_0306h), so the "
               "hypervisor re-injects #UD at the INT and the INT 41h is "
               "lost",
        pinned_by="tests/test_ch11_exitintinfo.py::"
                  "test_pf_while_delivering_int_n_reinjects_it_after_the_int",
        value="stale",
    ),
    Deviation(
        id="bochs-exception-exit-nrip",
        emu="bochs",
        topic="NRIP on an exception intercept",
        apm="APM2 §15.7.1: with NRIPS, #VMEXIT stores nRIP for "
            "instruction, MSR and IOIO intercepts and for exceptions "
            "raised by INT3, INTO and BOUND; for every other intercept "
            "nRIP is 0",
        actual="Bochs 2.7 stores the address of the next instruction on "
               "exception intercepts too (the #UD of a UD2: UD2 + 2; also "
               "#DE, #GP, #PF, #AC in chapter 8's guests), so a "
               "hypervisor that stepped over a fault with NRIP would skip "
               "the faulting instruction",
        pinned_by="tests/test_ch09_inject.py::"
                  "test_fault_returns_to_itself_software_interrupt_after_"
                  "itself",
        value=True,
    ),
    Deviation(
        id="qemu-virq-prio-equal-tpr-taken",
        emu="qemu",
        topic="Virtual interrupt with V_INTR_PRIO equal to V_TPR",
        apm="APM2 §15.21.4: a virtual interrupt is taken only if its "
            "priority V_INTR_PRIO is higher than V_TPR (unless V_IGN_TPR "
            "is set); with both 6 it is held",
        actual="TCG compares V_INTR_PRIO >= V_TPR (ctl_has_irq), so the "
               "interrupt with priority 6 is taken while V_TPR is 6",
        pinned_by="tests/test_ch10_interrupts.py::"
                  "test_v_tpr_holds_virtual_interrupts_of_lower_priority",
        value=1,
    ),
    Deviation(
        id="bochs-vintr-masking-guest-if-holds-intr",
        emu="bochs",
        topic="Physical interrupts while the guest's RFLAGS.IF is 0",
        apm="APM2 §15.21.1: with V_INTR_MASKING = 1 the guest's RFLAGS.IF "
            "masks only virtual interrupts; physical ones are masked by the "
            "host's IF, so the INTR intercept exits (60h) whatever the "
            "guest's IF",
        actual="Bochs 2.7 waits for the guest's IF before it takes the "
               "LAPIC timer's interrupt: a guest spinning with IF = 0 never "
               "exits, the watchdog never fires and the run hangs until the "
               "harness kills it",
        pinned_by="tests/test_ch10_interrupts.py::"
                  "test_spin_cli_is_stopped_by_the_watchdog",
        value="hang",
    ),
    # ---- found by fuzz=vmcb (src/course/fuzz_vmcb.c); each is pinned by
    # ---- a named corpus case, and explains the random cases like it
    Deviation(
        id="qemu-vmrun-refuses-msrpm-at-top",
        emu="qemu",
        topic="VMRUN with an MSR permission map that ends at the top",
        apm="APM2 §15.5.1 and §15.11: the 8 KiB MSR permission map is "
            "illegal only if it reaches 2^MAXPHYADDR; at base "
            "2^MAXPHYADDR - 8 KiB its last byte is 2^MAXPHYADDR - 1, legal",
        actual="TCG refuses a base at or above 2^MAXPHYADDR - 8 KiB (it "
               "compares the base, not the last byte, with >=): the map "
               "that ends exactly at the top gives VMEXIT_INVALID",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="qemu-vmrun-refuses-efer-lmsle",
        emu="qemu",
        topic="VMRUN with EFER.LMSLE set",
        apm="APM2 §3.1.7 and §15.5.1: EFER.LMSLE (bit 13) is defined unless "
            "CPUID 8000_0008h EBX[20] (EferLmsleUnsupported) is 1; then it "
            "is no MBZ bit, and a VMCB with it set is legal",
        actual="TCG's EFER mask allows only SCE, LME, LMA, NXE, SVME and "
               "FFXSR, so VMRUN refuses LMSLE although the CPUID of qemu64 "
               "does not say it is unsupported: VMEXIT_INVALID",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="qemu-vmrun-refuses-inject-vector-31",
        emu="qemu",
        topic="EVENTINJ of exception vector 31",
        apm="APM2 §15.20: TYPE 3 (exception) is illegal with vector 2 and "
            "with a vector that is no exception vector; 0-31 are the "
            "exception vectors (APM2 §8.2), so vector 31 may be injected",
        actual="TCG refuses exception vectors 31 and above (vector >= 31): "
               "VMEXIT_INVALID for vector 31; 0-30 are injected",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="qemu-vmrun-accepts-cr4-pcide",
        emu="qemu",
        topic="VMRUN with CR4.PCIDE on a CPU without PCID",
        apm="APM2 §3.1.3 and §15.5.1: CR4.PCIDE (bit 17) exists only when "
            "CPUID 0000_0001h ECX[17] (PCID) is 1; otherwise it is MBZ and "
            "VMRUN fails with VMEXIT_INVALID",
        actual="qemu64 does not report PCID, yet VMRUN accepts CR4.PCIDE: "
               "the guest runs (its first exit is its HLT)",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="HLT",
    ),
    Deviation(
        id="qemu-vmrun-accepts-efer-ffxsr",
        emu="qemu",
        topic="VMRUN with EFER.FFXSR on a CPU without FFXSR",
        apm="APM2 §3.1.7 and §15.5.1: EFER.FFXSR (bit 14) exists only when "
            "CPUID 8000_0001h EDX[25] (FFXSR) is 1; otherwise it is MBZ and "
            "VMRUN fails with VMEXIT_INVALID",
        actual="qemu64 does not report FFXSR, but TCG's fixed EFER mask "
               "allows the bit: the guest runs (its first exit is its HLT)",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="HLT",
    ),
    Deviation(
        id="qemu-vmrun-accepts-legacy-cr3-high",
        emu="qemu",
        topic="VMRUN with CR3[63:32] set outside long mode",
        apm="APM2 §3.1.2 draws CR3 outside long mode as a 32-bit register "
            "(Figures 3-4, 3-5) and §15.5.1 refuses any MBZ bit of CR3; "
            "svmlab's checker therefore treats CR3[63:32] as MBZ unless "
            "EFER.LME and CR0.PG are set",
        actual="TCG checks CR3 only against MAXPHYADDR, whatever the "
               "guest's mode: a legacy PAE guest with CR3 bit 32 runs, "
               "and its first fetch faults (#PF, exit 4Eh)",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="EXCP14",
    ),
    Deviation(
        id="bochs-vmrun-refuses-efer-lmsle",
        emu="bochs",
        topic="VMRUN with EFER.LMSLE set",
        apm="APM2 §3.1.7 and §15.5.1: EFER.LMSLE (bit 13) is defined unless "
            "CPUID 8000_0008h EBX[20] (EferLmsleUnsupported) is 1; then a "
            "VMCB with it set is legal",
        actual="the ryzen model does not report EferLmsleUnsupported, yet "
               "VMRUN treats LMSLE as reserved (\"VMRUN: Guest EFER reserved "
               "bits set\"): VMEXIT_INVALID",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="bochs-vmrun-refuses-efer-tce",
        emu="bochs",
        topic="VMRUN with EFER.TCE set",
        apm="APM2 §3.1.7 and §15.5.1: EFER.TCE (bit 15) is defined when "
            "CPUID 8000_0001h ECX[17] (TCE) is 1; then a VMCB with it set "
            "is legal",
        actual="the ryzen model reports TCE, yet VMRUN treats the bit as "
               "reserved (\"VMRUN: Guest EFER reserved bits set\"): "
               "VMEXIT_INVALID",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="bochs-vmrun-checks-legacy-pdptes",
        emu="bochs",
        topic="VMRUN into legacy PAE paging with a reserved bit in a PDPTE",
        apm="APM2 §15.5.1 lists no check of the guest's page-directory-"
            "pointer entries: a guest in legacy PAE paging (CR0.PG, CR4.PAE, "
            "EFER.LME clear) passes VMRUN, and a bad entry faults when it "
            "is used",
        actual="Bochs loads and checks the four PDPTEs at VMRUN, as MOV CR3 "
               "does (\"SVM: VMRUN PDPTR check failed\"), and refuses: the "
               "hlt guest's PML4 entry, read as a PDPTE, has R/W set, "
               "reserved there. It also takes EFER.LMA as LME AND PG, so "
               "LME clear with LMA set is legacy mode too. QEMU runs the "
               "guest into #PF",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="bochs-vmrun-refuses-cs-l-d-outside-long-mode",
        emu="bochs",
        topic="VMRUN with CS.L and CS.D set outside long mode",
        apm="APM2 §15.5.1: CS.L and CS.D both set is illegal only together "
            "with EFER.LME, CR0.PG and CR4.PAE; outside long mode CS.L is "
            "ignored",
        actual="Bochs refuses CS.L with CS.D in every mode (\"VMRUN: VMCB "
               "CS.D_B/L mismatch\"): with CR0.PG clear, VMEXIT_INVALID",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_each_corpus_case_pins_its_deviation",
        value="INVALID",
    ),
    Deviation(
        id="bochs-cr3-above-maxphyaddr-crashes",
        emu="bochs",
        topic="A guest page walk from a CR3 above MAXPHYADDR",
        apm="APM2 §15.5.1: in long mode CR3 bits at or above MAXPHYADDR "
            "are MBZ, so VMRUN fails with VMEXIT_INVALID and no walk "
            "happens",
        actual="Bochs does not check CR3 (bochs-vmrun-accepts-cr3_mbz), and "
               "the guest's first page walk from that address kills the "
               "emulator process with SIGSEGV and no message (MAXPHYADDR 40: "
               "CR3 bits 45 to 51, or 37 and 40 together; bits 40 to 44 "
               "alone gave #PF). fuzz=vmcb sets such bits only under nested "
               "paging, and runs its corpus case only with ondemand=on",
        pinned_by="tests/test_fuzz_vmcb.py::"
                  "test_a_far_cr3_walk_runs_only_on_request",
        value="crash",
    ),
    Deviation(
        id="qemu-int3-exits-as-intn",
        emu="qemu",
        topic="INT3 with both the INTn and the #BP intercept",
        apm="APM2 §15.9 and §15.12: the INTn intercept (exit 75h) is for "
            "INT n (CDh); INT3 (CCh) raises #BP, an exception, so with "
            "the #BP intercept it exits with 43h",
        actual="TCG takes INT3 for a software interrupt: with the INTn "
               "intercept set it exits with 75h at the CCh; svmlab's INTn "
               "handler delivers #BP for it (found by fuzz=insn)",
        pinned_by="tests/test_ch17_hardening.py::"
                  "test_int3_is_a_breakpoint_even_where_it_exits_as_intn",
        value=0x75,
    ),
    Deviation(
        id="qemu-ltr-null-selector",
        emu="qemu",
        topic="LTR of a null selector",
        apm="APM3 \"LTR\": a null source selector raises #GP(0) and TR "
            "is unchanged",
        actual="TCG loads the null selector: TR becomes not present, and "
               "the next event that needs the TSS (an IST stack, a "
               "privilege change) aborts QEMU itself with \"qemu: fatal: "
               "invalid tss\" (found by fuzz=insn, which therefore "
               "intercepts LTR; guests/fuzz_regress_ltr.S runs only on "
               "request)",
        pinned_by="tests/test_ch17_hardening.py::"
                  "test_on_request_guests_are_contained_on_qemu",
        value="abort",
    ),
    Deviation(
        id="qemu-tss32-busy-tr-aborts",
        emu="qemu",
        topic="32-bit stack switch with a busy TSS in TR",
        apm="APM2 §8.7 and §12.2: an interrupt from CPL 3 to a CPL-0 "
            "handler takes SS0:ESP0 from the TSS at TR's base; TR holds "
            "a busy TSS (type Bh) after LTR, and VMLOAD loads TR's hidden "
            "type from the VMCB as it is (§15.5.2)",
        actual="TCG accepts only an available type (9h) in TR: the first "
               "stack switch through a busy 32-bit TSS, an interrupt from "
               "CPL 3 or from virtual-8086 mode, aborts QEMU itself with "
               "\"qemu: fatal: invalid tss type\" (found by fuzz=insn, "
               "whose 32-bit TR therefore says available; "
               "guests/fuzz_regress_tss32.S runs only on request)",
        pinned_by="tests/test_ch17_hardening.py::"
                  "test_a_busy_32bit_tss_ends_qemu_itself",
        value="abort",
    ),
    Deviation(
        id="bochs-v86-vmexit-panics",
        emu="bochs",
        topic="#VMEXIT from virtual-8086 mode",
        apm="APM2 §15.6: #VMEXIT saves the guest's RFLAGS, VM included, "
            "and its segments and CPL in the VMCB, then loads the host's "
            "state; a guest in virtual-8086 mode exits like any other",
        actual="Bochs 2.7 loads the host's EFER (LMA set) while the "
               "guest's RFLAGS.VM is still set, and stops the whole "
               "simulation with \">>PANIC<< VM is set in long mode !\" at "
               "the first exit from virtual-8086 mode (found by fuzz=insn, "
               "whose 32-bit cases therefore have no IRET; "
               "guests/fuzz_regress_v86.S runs only on request)",
        pinned_by="tests/test_ch17_hardening.py::"
                  "test_a_vmexit_from_virtual_8086_mode_ends_bochs_itself",
        value="panic",
    ),
]

BY_ID = {d.id: d for d in DEVIATIONS}


def deviation(dev_id: str) -> Deviation:
    """The entry ``dev_id``; a KeyError names the missing entry."""
    return BY_ID[dev_id]


def expect(emu: str, dev_id: str, apm_value):
    """The value a test should expect on ``emu``.

    The APM's value, unless the table has entry ``dev_id`` for ``emu``;
    then the emulator's recorded value.
    """
    d = BY_ID.get(dev_id)
    return d.value if d and d.emu == emu else apm_value
