/*
 * test_exits.c - host tests of the exit-code table (the VMCB reference; no lab).
 *
 * APM2 Appendix C "SVM Intercept Exit Codes" numbers every reason for a
 * #VMEXIT: CRn and DRn accesses from 0h, exceptions from 40h, the
 * intercept_misc1/2/3 bits from 60h, A0h-A6h, nested paging and AVIC
 * from 400h, and four negative codes for a VMRUN that failed.  The trace
 * prints exits by these names, so each range is pinned here, together
 * with the 32-bit -1 that QEMU's TCG stores for VMEXIT_INVALID.
 */
#include "unit.h"
#include "svm/exits.h"
#include "svm/vmcb.h"

TEST(cr_and_dr_accesses_have_their_register_in_the_name)
{
	EXPECT_STREQ(svm_exit_name(0x000), "CR0_READ");
	EXPECT_STREQ(svm_exit_name(0x003), "CR3_READ");
	EXPECT_STREQ(svm_exit_name(0x00f), "CR15_READ");
	EXPECT_STREQ(svm_exit_name(0x010), "CR0_WRITE");
	EXPECT_STREQ(svm_exit_name(0x018), "CR8_WRITE");
	EXPECT_STREQ(svm_exit_name(0x01f), "CR15_WRITE");
	EXPECT_STREQ(svm_exit_name(0x020), "DR0_READ");
	EXPECT_STREQ(svm_exit_name(0x027), "DR7_READ");
	EXPECT_STREQ(svm_exit_name(0x036), "DR6_WRITE");
	EXPECT_STREQ(svm_exit_name(0x03f), "DR15_WRITE");
}

TEST(exceptions_are_excp_n_and_name_their_mnemonic)
{
	EXPECT_STREQ(svm_exit_name(0x040), "EXCP0");
	EXPECT_STREQ(svm_exit_name(0x04e), "EXCP14");
	EXPECT_STREQ(svm_exit_name(0x05f), "EXCP31");
	EXPECT_TRUE(strstr(svm_exit_meaning(0x040), "#DE") != NULL);
	EXPECT_TRUE(strstr(svm_exit_meaning(0x046), "#UD") != NULL);
	EXPECT_TRUE(strstr(svm_exit_meaning(0x04d), "#GP") != NULL);
	EXPECT_TRUE(strstr(svm_exit_meaning(0x04e), "#PF") != NULL);
	EXPECT_TRUE(strstr(svm_exit_meaning(0x05d), "#VC") != NULL);
}

TEST(misc1_and_misc2_exits_follow_their_intercept_bits)
{
	EXPECT_STREQ(svm_exit_name(0x060), "INTR");
	EXPECT_STREQ(svm_exit_name(0x065), "CR0_SEL_WRITE");
	EXPECT_STREQ(svm_exit_name(0x075), "SWINT");
	EXPECT_STREQ(svm_exit_name(0x078), "HLT");
	EXPECT_STREQ(svm_exit_name(0x07b), "IOIO");
	EXPECT_STREQ(svm_exit_name(0x07c), "MSR");
	EXPECT_STREQ(svm_exit_name(0x07f), "SHUTDOWN");
	EXPECT_STREQ(svm_exit_name(0x080), "VMRUN");
	EXPECT_STREQ(svm_exit_name(0x081), "VMMCALL");
	EXPECT_STREQ(svm_exit_name(0x08c), "MWAIT_CONDITIONAL");
	EXPECT_STREQ(svm_exit_name(0x08f), "EFER_WRITE_TRAP");
}

TEST(cr_write_traps_cover_90h_to_9fh)
{
	EXPECT_STREQ(svm_exit_name(0x090), "CR0_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(0x094), "CR4_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(0x09f), "CR15_WRITE_TRAP");
}

TEST(misc3_exits_cover_a0h_to_a6h)
{
	EXPECT_STREQ(svm_exit_name(0x0a0), "INVLPGB");
	EXPECT_STREQ(svm_exit_name(0x0a1), "INVLPGB_ILLEGAL");
	EXPECT_STREQ(svm_exit_name(0x0a2), "INVPCID");
	EXPECT_STREQ(svm_exit_name(0x0a3), "MCOMMIT");
	EXPECT_STREQ(svm_exit_name(0x0a4), "TLBSYNC");
	EXPECT_STREQ(svm_exit_name(0x0a5), "BUSLOCK");
	EXPECT_STREQ(svm_exit_name(0x0a6), "IDLE_HLT");
}

TEST(npf_avic_and_vmgexit_are_at_400h)
{
	EXPECT_STREQ(svm_exit_name(0x400), "NPF");
	EXPECT_STREQ(svm_exit_name(0x401), "AVIC_INCOMPLETE_IPI");
	EXPECT_STREQ(svm_exit_name(0x402), "AVIC_NOACCEL");
	EXPECT_STREQ(svm_exit_name(0x403), "VMGEXIT");
}

TEST(negative_codes_report_a_failed_vmrun)
{
	EXPECT_STREQ(svm_exit_name((uint64_t)-1), "INVALID");
	EXPECT_STREQ(svm_exit_name((uint64_t)-2), "BUSY");
	EXPECT_STREQ(svm_exit_name((uint64_t)-3), "IDLE_REQUIRED");
	EXPECT_STREQ(svm_exit_name((uint64_t)-4), "INVALID_PMC");
}

/* vmcb.h's SVM_EXIT_* constants and the table must agree. */
TEST(vmcb_h_constants_name_the_same_exits)
{
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_WRITE_CR0 + 3), "CR3_WRITE");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_READ_DR0 + 7), "DR7_READ");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_EXCP_BASE + 6), "EXCP6");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CPUID), "CPUID");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_MWAIT_COND), "MWAIT_CONDITIONAL");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_CR0_WRITE_TRAP + 8),
		     "CR8_WRITE_TRAP");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_AVIC_UNACCELERATED),
		     "AVIC_NOACCEL");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INVALID), "INVALID");
	EXPECT_STREQ(svm_exit_name(SVM_EXIT_INVALID_PMC), "INVALID_PMC");
}

TEST(codes_outside_appendix_c_are_unknown)
{
	static const uint64_t unknown[] = {
		0x0a7, 0x0ff, 0x3ff, 0x404, 0x1000,
		0xffffffffull,          /* -1 in 32 bits, not normalized */
		(uint64_t)-5, 0x8000000000000000ull,
	};
	unsigned i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		EXPECT_STREQ(svm_exit_name(unknown[i]), "UNKNOWN");
		EXPECT_STREQ(svm_exit_meaning(unknown[i]), "");
	}
}

/* QEMU's TCG stores VMEXIT_INVALID as 0000_0000_FFFF_FFFFh. */
TEST(normalize_sign_extends_qemus_32_bit_negative_codes)
{
	EXPECT_EQ(svm_exit_code_normalize(0xffffffffull), SVM_EXIT_INVALID);
	EXPECT_EQ(svm_exit_code_normalize(0xfffffffeull), SVM_EXIT_BUSY);
	EXPECT_EQ(svm_exit_code_normalize(0xfffffffdull),
		  SVM_EXIT_IDLE_REQUIRED);
	EXPECT_EQ(svm_exit_code_normalize(0xfffffffcull),
		  SVM_EXIT_INVALID_PMC);
	EXPECT_STREQ(svm_exit_name(svm_exit_code_normalize(0xffffffffull)),
		     "INVALID");
}

TEST(normalize_leaves_every_other_code_alone)
{
	static const uint64_t same[] = {
		0x000, 0x078, 0x0a6, 0x400, 0x403,
		0xfffffffbull,          /* -5 in 32 bits: not a code */
		0x1ffffffffull, (uint64_t)-1, (uint64_t)-4, (uint64_t)-5,
	};
	unsigned i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		EXPECT_EQ(svm_exit_code_normalize(same[i]), same[i]);
}

TEST(table_is_sorted_without_duplicates)
{
	unsigned i;

	EXPECT_TRUE(svm_exit_table_count > 0);
	for (i = 1; i < svm_exit_table_count; i++)
		if (svm_exit_table[i - 1].code >= svm_exit_table[i].code)
			unit_fail(__FILE__, __LINE__,
				  "entry %u (%s) not above entry %u (%s)", i,
				  svm_exit_table[i].name, i - 1,
				  svm_exit_table[i - 1].name);
}

TEST(every_entry_has_an_apm_name_and_a_meaning)
{
	unsigned i;

	for (i = 0; i < svm_exit_table_count; i++) {
		const struct svm_exit_info *e = &svm_exit_table[i];

		EXPECT_TRUE(e->name[0] != '\0');
		EXPECT_TRUE(strncmp(e->name, "VMEXIT_", 7) != 0);
		EXPECT_TRUE(e->meaning[0] != '\0');
		EXPECT_STREQ(svm_exit_name(e->code), e->name);
	}
}

/*
 * Every code of every Appendix C range is present: 0h-A6h, 400h-403h
 * and -4 to -1, 175 codes in all.
 */
TEST(table_covers_every_range_of_appendix_c)
{
	uint64_t c;

	for (c = 0x000; c <= 0x0a6; c++)
		if (!strcmp(svm_exit_name(c), "UNKNOWN"))
			unit_fail(__FILE__, __LINE__, "code %llxh missing",
				  (unsigned long long)c);
	for (c = 0x400; c <= 0x403; c++)
		EXPECT_TRUE(strcmp(svm_exit_name(c), "UNKNOWN") != 0);
	EXPECT_EQ(svm_exit_table_count, 0xa7 + 4 + 4);
}
