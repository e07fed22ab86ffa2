/**
 * @file
 * multiboot.h - the Multiboot 1 and Multiboot 2 boot protocols.
 *
 * Declared here from the two specifications ("The Multiboot
 * Specification" version 0.6.96, and "Multiboot2 Specification"
 * version 2.0).  Only the parts svmlab uses are declared: the header
 * magics and flags, the Multiboot1 information structure up to the
 * memory map, and the Multiboot2 tags for the command line, the boot
 * loader name and the memory map.
 *
 * This header is shared by C and assembly: the constants are plain
 * #defines, the structures are hidden from the assembler.
 */
#ifndef SVMLAB_BOOT_MULTIBOOT_H
#define SVMLAB_BOOT_MULTIBOOT_H

/* ---- Multiboot 1 (spec 0.6.96 §3.1 "OS image format") ---------------- */

/** Magic in the Multiboot1 header that the loader searches for. */
#define MB1_HEADER_MAGIC        0x1BADB002
/** Flag: align boot modules on 4 KiB boundaries. */
#define MB1_HEADER_PAGE_ALIGN   (1u << 0)
/** Flag: the loader must pass the memory fields and the memory map. */
#define MB1_HEADER_MEMINFO      (1u << 1)
/**
 * Flag: the address fields of the header are valid (the "a.out kludge").
 * QEMU's -kernel refuses ELF64 images unless this flag is set, and then
 * loads the file by these addresses instead of its ELF program headers.
 */
#define MB1_HEADER_AOUT_KLUDGE  (1u << 16)
/** Value in EAX when a Multiboot1 loader enters the kernel. */
#define MB1_BOOT_MAGIC          0x2BADB002

/** Boot-information flag: cmdline is valid. */
#define MB1_INFO_CMDLINE        (1u << 2)
/** Boot-information flag: mmap_length and mmap_addr are valid. */
#define MB1_INFO_MMAP           (1u << 6)
/** Boot-information flag: boot_loader_name is valid. */
#define MB1_INFO_LOADER_NAME    (1u << 9)

/* ---- Multiboot 2 (spec 2.0 §3.1 "OS image format") -------------------- */

/** Magic at the start of the Multiboot2 header. */
#define MB2_HEADER_MAGIC        0xE85250D6
/** Architecture field of the header: 32-bit protected-mode i386. */
#define MB2_ARCH_I386           0
/** Header tag type that ends the list of header tags. */
#define MB2_HEADER_TAG_END      0
/** Value in EAX when a Multiboot2 loader enters the kernel. */
#define MB2_BOOT_MAGIC          0x36D76289

/** Boot-information tag: end of the tag list. */
#define MB2_TAG_END             0
/** Boot-information tag: the kernel command line. */
#define MB2_TAG_CMDLINE         1
/** Boot-information tag: the boot loader's name. */
#define MB2_TAG_LOADER_NAME     2
/** Boot-information tag: the BIOS memory map. */
#define MB2_TAG_MMAP            6

/** Memory-map entry type that both protocols use for usable RAM. */
#define MB_MEMORY_AVAILABLE     1

#ifndef __ASSEMBLER__
#include <stdint.h>

/** Multiboot1 boot information (spec §3.3); the fields svmlab reads. */
struct mb1_info {
	uint32_t flags;             /**< which of the fields below are valid */
	uint32_t mem_lower;         /**< KiB of low memory (flag bit 0) */
	uint32_t mem_upper;         /**< KiB above 1 MiB (flag bit 0) */
	uint32_t boot_device;       /**< BIOS boot device (flag bit 1) */
	uint32_t cmdline;           /**< address of a C string (bit 2) */
	uint32_t mods_count;        /**< boot modules (bit 3) */
	uint32_t mods_addr;         /**< address of module list (bit 3) */
	uint32_t syms[4];           /**< a.out or ELF symbols (bits 4-5) */
	uint32_t mmap_length;       /**< bytes of memory map (bit 6) */
	uint32_t mmap_addr;         /**< address of the memory map (bit 6) */
	uint32_t drives_length;     /**< drive list (bit 7) */
	uint32_t drives_addr;       /**< drive list (bit 7) */
	uint32_t config_table;      /**< ROM configuration (bit 8) */
	uint32_t boot_loader_name;  /**< address of a C string (bit 9) */
} __attribute__((packed));

/**
 * Multiboot1 memory-map entry (spec §3.3).  @c size counts the bytes
 * that follow it, so the next entry is at (this + size + 4).
 */
struct mb1_mmap_entry {
	uint32_t size;              /**< size of the rest of the entry */
	uint64_t base;              /**< first byte of the region */
	uint64_t length;            /**< bytes in the region */
	uint32_t type;              /**< 1 = available RAM */
} __attribute__((packed));

/** Multiboot2 boot information starts with this fixed part (§3.6). */
struct mb2_info {
	uint32_t total_size;        /**< bytes, including this header */
	uint32_t reserved;          /**< always 0 */
} __attribute__((packed));

/** Every Multiboot2 tag starts with a type and a size (§3.6). */
struct mb2_tag {
	uint32_t type;              /**< MB2_TAG_* */
	uint32_t size;              /**< bytes, without padding to 8 */
} __attribute__((packed));

/** Multiboot2 memory-map tag (§3.6.8); entries follow it. */
struct mb2_tag_mmap {
	struct mb2_tag tag;         /**< type MB2_TAG_MMAP */
	uint32_t entry_size;        /**< bytes per entry (a multiple of 8) */
	uint32_t entry_version;     /**< 0 */
} __attribute__((packed));

/** One Multiboot2 memory-map entry (§3.6.8). */
struct mb2_mmap_entry {
	uint64_t base;              /**< first byte of the region */
	uint64_t length;            /**< bytes in the region */
	uint32_t type;              /**< 1 = available RAM */
	uint32_t reserved;          /**< 0 */
} __attribute__((packed));

#endif /* !__ASSEMBLER__ */
#endif /* SVMLAB_BOOT_MULTIBOOT_H */
