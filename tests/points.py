"""How many points each graded test is worth (read by tools/grade.py).

This is the one place that says what a test counts for.  The policy:

- A graded item is one test instance: one test on one emulator
  (``test_x[qemu]`` and ``test_x[bochs]`` are two items), one parameter
  set of a parametrized test, or one host unit test
  (``test_unit.py::test_host_unit[msrpm/...]``).
- A host unit test is worth UNIT points: one.  There are many of them
  (one per TEST in tests/unit), each checks one pure function, and
  together they must not outweigh what the chapter does on a CPU.
- A test that boots the kernel in an emulator is worth DEFAULT points:
  two.  The central test of a chapter, the one that shows its mechanism
  working end to end (the first VMRUN and exit, the MSRPM and IOPM bit
  semantics, an injection's round trip, a nested page fault handled, the
  GHCB protocol served), is worth 6; a few other tests that carry a
  chapter's main idea are worth 4.  Everything else, including the
  refusals of bad input and the tests that pin an emulator's deviation,
  is worth DEFAULT.
- A failed or errored item scores 0; a skipped item (a test for the
  other emulator, say) counts neither for the score nor for the maximum.

Which tests are graded, and their chapter, is decided by tests/conftest.py
(``--graded``): the tests with a chapter, except the project's own checks.
POINTS only sets weights; a key must name an existing test function
(tests/test_grade.py checks that), written as ``file.py::function``
without the directory and without the ``[parameters]``.
"""

UNIT = 1
DEFAULT = 2
UNIT_TESTS = "test_unit.py"

POINTS = {
    # Chapter 1: the kernel boots as a student would boot it.
    "test_ch01_boot.py::test_grub_iso_boots_through_multiboot2": 4,
    # Chapter 2: SVM found and switched on.
    "test_ch02_detect.py::test_svm_is_enabled_and_the_host_save_area_set": 4,
    # Chapter 3: the VMCB's save area matches the APM's layout.
    "test_ch03_vmcb.py::test_vmsave_stores_each_msr_at_its_apm_offset": 4,
    # Chapter 4: the first VMRUN, and the exit that comes back (the HLT
    # test runs once per CPU model, so it is worth 4 each).
    "test_ch04_vmrun.py::test_hlt_guest_exits_at_each_hlt_then_says_done": 4,
    "test_ch04_vmrun.py::test_hypercalls_carry_values_both_ways": 6,
    # Chapter 5: instruction intercepts.
    "test_ch05_instructions.py::test_cpuid_tells_the_guest_it_is_a_guest": 4,
    # Chapter 6: the MSR permission map's read and write bits.
    "test_ch06_msrpm.py::test_the_read_bit_intercepts_rdmsr_only": 6,
    "test_ch06_msrpm.py::test_the_write_bit_intercepts_wrmsr_only": 6,
    "test_ch06_msrpm.py::test_an_msr_with_both_bits_clear_never_exits": 4,
    "test_ch06_msrpm.py::test_msrs_outside_the_three_ranges_always_exit": 4,
    # Chapter 7: the I/O permission map and the IOIO decode.
    "test_ch07_iopm.py::test_in_and_out_of_each_size_exit_with_their_decode":
        6,
    "test_ch07_iopm.py::test_an_access_past_port_ffff_checks_the_extra_bits":
        4,
    # Chapter 8: control-register intercepts and reflected exceptions.
    "test_ch08_crdr.py::test_cr0_mov_is_decoded_from_the_instruction": 4,
    "test_ch08_crdr.py::test_pf_is_reflected_with_its_error_code_and_cr2": 4,
    # Chapter 9: event injection, there and back.
    "test_ch09_inject.py::"
    "test_fault_returns_to_itself_software_interrupt_after_itself": 6,
    "test_ch09_inject.py::test_gp_carries_the_error_code_from_eventinj": 4,
    # Chapter 10: virtual interrupts and the interrupt window.
    "test_ch10_interrupts.py::test_interrupt_window_exit_then_injection": 6,
    "test_ch10_interrupts.py::test_virtual_interrupt_waits_for_rflags_if": 4,
    # Chapter 11: an exit during delivery, and the event delivered again.
    "test_ch11_exitintinfo.py::test_pf_while_delivering_ud_reinjects_the_ud":
        6,
    "test_ch11_exitintinfo.py::"
    "test_fault_while_delivering_gp_becomes_double_fault": 4,
    # Chapter 12: several guests, each with its own memory and ASID.
    "test_ch12_asid.py::test_every_guest_keeps_its_own_memory": 4,
    "test_ch12_asid.py::test_each_exit_ran_with_its_guests_asid": 4,
    # Chapter 13: nested paging and #NPF handling.
    "test_ch13_npt.py::test_demand_paging_maps_each_page_on_first_touch": 6,
    "test_ch13_npt.py::test_dirty_tracking_logs_exactly_the_written_pages": 4,
    # Chapter 14: MMIO emulated from nested page faults.
    "test_ch14_mmio.py::test_mmio_moves_of_every_size_are_emulated": 6,
    "test_ch14_mmio.py::test_hostile_guest_never_reaches_the_hypervisor": 4,
    # Chapter 15: the GHCB protocol.
    "test_ch15_ghcb.py::test_every_vmgexit_request_kind_is_served": 6,
    "test_ch15_ghcb.py::test_msr_protocol_ghcb_gpa_registration": 4,
}


def key(nodeid: str) -> str:
    """``tests/test_x.py::test_f[qemu]`` -> ``test_x.py::test_f``.

    The parameters go first: they may hold "/" or "::" themselves.
    """
    base = nodeid.split("[", 1)[0]
    path, _, function = base.partition("::")
    return f"{path.rsplit('/', 1)[-1]}::{function}"


def points(nodeid: str) -> int:
    """The points of one graded item, given its pytest node id."""
    k = key(nodeid)
    if k.startswith(UNIT_TESTS + "::"):
        return POINTS.get(k, UNIT)
    return POINTS.get(k, DEFAULT)
