/**
 * @file
 * lab.h - the marker that a lab tree leaves where a solution was.
 *
 * In the source, code that a chapter asks students to write sits between
 *
 *     LAB n BEGIN function: what to write        (in a comment)
 *     LAB n END                                  (in a comment)
 *
 * `make lab CHAPTER=n` (tools/mklab.py) copies the tree and replaces every
 * such block of chapter n or later with LAB_TODO(n, "function").  That
 * call fails loudly: it names the chapter and the function to write, and
 * ends the run as failed.  In the full tree LAB_TODO is never reached.
 */
#ifndef SVMLAB_KERNEL_LAB_H
#define SVMLAB_KERNEL_LAB_H

#ifdef __ASSEMBLER__
/*
 * The same call from an assembly file (vmrun.S): lab_todo(chapter,
 * "function", __FILE__), with the strings placed in .rodata.
 */
#define LAB_TODO(chapter, function)                                     \
	mov	$chapter, %edi;                                         \
	lea	9001f(%rip), %rsi;                                      \
	lea	9002f(%rip), %rdx;                                      \
	and	$-16, %rsp;                                             \
	call	lab_todo;                                               \
	.pushsection .rodata;                                           \
9001:	.asciz	function;                                               \
9002:	.asciz	__FILE__;                                               \
	.popsection
#else

/**
 * Report an unwritten lab exercise and end the run as failed.  The kernel
 * implementation is in results.c; the host unit tests provide their own.
 */
void lab_todo(unsigned chapter, const char *function, const char *file)
	__attribute__((noreturn));

/** What a lab tree puts in place of a removed solution. */
#define LAB_TODO(chapter, function) lab_todo((chapter), (function), __FILE__)
#endif /* __ASSEMBLER__ */

#endif /* SVMLAB_KERNEL_LAB_H */
