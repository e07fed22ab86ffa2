/**
 * @file
 * bootinfo.h - what the kernel keeps from the boot loader.
 *
 * The boot information of either protocol is copied into one
 * struct boot_info as the first thing after entry, before any memory is
 * allocated, so that nothing the loader left behind is overwritten
 * before it is read.  The parser is plain C with no kernel dependencies:
 * tests/unit/test_bootinfo.c runs it on the host.
 */
#ifndef SVMLAB_BOOT_BOOTINFO_H
#define SVMLAB_BOOT_BOOTINFO_H

#include <stdint.h>

/** Capacity of boot_info.cmdline, including the terminating NUL. */
#define BOOTINFO_CMDLINE_MAX    256
/** Capacity of boot_info.loader, including the terminating NUL. */
#define BOOTINFO_LOADER_MAX     64
/** Most memory-map entries kept; later ones are counted, not stored. */
#define BOOTINFO_MMAP_MAX       32

/** Which boot protocol started the kernel. */
enum boot_protocol {
	BOOT_UNKNOWN = 0,       /**< EAX held neither magic */
	BOOT_MULTIBOOT1,        /**< EAX = 0x2BADB002 (QEMU -kernel) */
	BOOT_MULTIBOOT2,        /**< EAX = 0x36D76289 (GRUB multiboot2) */
};

/** One region of the physical memory map. */
struct mem_region {
	uint64_t base;          /**< first byte */
	uint64_t length;        /**< bytes */
	uint32_t type;          /**< 1 = available RAM, as both specs define */
};

/** The boot loader's information, independent of the protocol. */
struct boot_info {
	enum boot_protocol protocol;            /**< how we were booted */
	uint32_t magic;                         /**< EAX at entry */
	char cmdline[BOOTINFO_CMDLINE_MAX];     /**< command line, or "" */
	char loader[BOOTINFO_LOADER_MAX];       /**< boot loader name, or "" */
	struct mem_region mmap[BOOTINFO_MMAP_MAX]; /**< the memory map */
	unsigned mmap_count;                    /**< entries stored in mmap */
	unsigned mmap_dropped;                  /**< entries beyond the array */
};

/**
 * Fill @p bi from the loader's @p magic and the boot information at
 * @p info (a physical address, identity-mapped).  Returns 0 on success,
 * or -1 if the magic is unknown (then only protocol and magic are set).
 */
int bootinfo_parse(uint32_t magic, const void *info, struct boot_info *bi);

/** "multiboot1", "multiboot2" or "unknown". */
const char *boot_protocol_name(enum boot_protocol p);

#endif /* SVMLAB_BOOT_BOOTINFO_H */
