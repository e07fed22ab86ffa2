/*
 * test_svm.c - host tests of the APM2 §15.4 decision (chapter 2).
 *
 * APM2 §15.4 "Enabling SVM": SVM is usable when CPUID Fn8000_0001_ECX
 * bit 2 is set and VM_CR.SVMDIS is clear.  With SVMDIS set, SVML
 * (Fn8000_000A_EDX bit 2) separates "unlock with a key" from "disabled
 * in the BIOS".  No emulator sets SVMDIS, so these cases live here.
 */
#include "unit.h"
#include "svm/svm.h"

static struct svm_caps caps(uint32_t ecx, uint32_t edx, uint64_t vm_cr)
{
	struct svm_caps c = { 0 };

	c.max_ext_leaf = 0x8000001F;
	c.ext_ecx = ecx;
	c.features = edx;
	c.vm_cr_ok = 1;
	c.vm_cr = vm_cr;
	return c;
}

TEST(svm_bit_clear_means_absent)
{
	struct svm_caps c = caps(0x1, 0, 0);

	EXPECT_EQ(svm_assess(&c), SVM_ABSENT);
}

TEST(no_extended_leaf_means_absent)
{
	struct svm_caps c = caps(CPUID_EXT_ECX_SVM, 0, 0);

	c.max_ext_leaf = 0x80000000;
	EXPECT_EQ(svm_assess(&c), SVM_ABSENT);
}

TEST(svm_bit_set_and_svmdis_clear_is_usable)
{
	struct svm_caps c = caps(CPUID_EXT_ECX_SVM, SVM_FEAT_NP, VM_CR_LOCK);

	EXPECT_EQ(svm_assess(&c), SVM_USABLE);
}

TEST(svmdis_without_svml_is_disabled_in_bios)
{
	struct svm_caps c = caps(CPUID_EXT_ECX_SVM, SVM_FEAT_NP,
				 VM_CR_SVMDIS | VM_CR_LOCK);

	EXPECT_EQ(svm_assess(&c), SVM_DISABLED_BIOS);
}

TEST(svmdis_with_svml_can_be_unlocked_with_key)
{
	struct svm_caps c = caps(CPUID_EXT_ECX_SVM, SVM_FEAT_SVML,
				 VM_CR_SVMDIS | VM_CR_LOCK);

	EXPECT_EQ(svm_assess(&c), SVM_DISABLED_KEY);
}

/* Other VM_CR bits (DPD, R_INIT, DIS_A20M) do not disable SVM. */
TEST(other_vm_cr_bits_do_not_disable)
{
	struct svm_caps c = caps(CPUID_EXT_ECX_SVM, 0,
				 VM_CR_DPD | VM_CR_R_INIT | VM_CR_DIS_A20M);

	EXPECT_EQ(svm_assess(&c), SVM_USABLE);
}
