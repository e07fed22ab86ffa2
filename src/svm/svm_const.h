/**
 * @file
 * svm_const.h - unsigned constants that assembly can read too.
 *
 * The guests (guests/, assembly) include vmcb.h for the intercept bits.
 * The assembler knows no integer suffix, so vmcb.h writes 1u as
 * SVM_U(1): C gets the suffix, the assembler gets the bare number.
 */
#ifndef SVMLAB_SVM_SVM_CONST_H
#define SVMLAB_SVM_SVM_CONST_H

#ifdef __ASSEMBLER__
#define SVM_U(x)        x       /**< an unsigned int constant */
#define SVM_ULL(x)      x       /**< an unsigned long long constant */
#else
#define SVM_U(x)        x##u    /**< an unsigned int constant */
#define SVM_ULL(x)      x##ull  /**< an unsigned long long constant */
#endif

#endif /* SVMLAB_SVM_SVM_CONST_H */
