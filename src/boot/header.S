/*
 * header.S - the two boot headers at the very start of the image.
 *
 * One kernel image boots two ways:
 *  - GRUB reads the Multiboot2 header and loads the ELF64 file by its
 *    program headers (Multiboot2 spec §3.1.1);
 *  - QEMU's -kernel speaks only Multiboot1 and refuses ELF64 files, unless
 *    the Multiboot1 header sets the "a.out kludge" flag (bit 16).  Then
 *    QEMU loads the file by the addresses in the header instead.
 * The linker script puts this section first, so both headers sit where
 * the specifications look for them: the Multiboot1 header within the
 * first 8 KiB of the file, the Multiboot2 header within the first 32 KiB.
 */
#include "multiboot.h"

	.section .multiboot, "a"

/* ---- Multiboot 1: magic, flags, checksum, then the a.out addresses ---- */
#define MB1_FLAGS (MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMINFO | \
		   MB1_HEADER_AOUT_KLUDGE)
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header        /* header_addr: where this header is loaded */
	.long __kernel_start    /* load_addr: first byte to load */
	.long __data_end        /* load_end_addr: end of the file's bytes */
	.long __kernel_end      /* bss_end_addr: end of zeroed memory */
	.long _start32          /* entry_addr */

/* ---- Multiboot 2: magic, architecture, length, checksum, tags --------- */
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* the end tag: type 0, flags 0, size 8 */
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:
