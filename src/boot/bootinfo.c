/*
 * bootinfo.c - read Multiboot1 and Multiboot2 boot information.
 *
 * Multiboot1 hands over one fixed structure whose flags say which fields
 * are valid.  Multiboot2 hands over a list of tags, each padded to 8
 * bytes, ending with a tag of type 0.  Both yield the same boot_info.
 */
#include <stddef.h>
#include "bootinfo.h"
#include "multiboot.h"
#include "kernel/lab.h"
#include "lib/string.h"

const char *boot_protocol_name(enum boot_protocol p)
{
	switch (p) {
	case BOOT_MULTIBOOT1:
		return "multiboot1";
	case BOOT_MULTIBOOT2:
		return "multiboot2";
	default:
		return "unknown";
	}
}

/* Append one region, counting those that do not fit. */
static void add_region(struct boot_info *bi, uint64_t base, uint64_t len,
		       uint32_t type)
{
	if (bi->mmap_count == BOOTINFO_MMAP_MAX) {
		bi->mmap_dropped++;
		return;
	}
	bi->mmap[bi->mmap_count].base = base;
	bi->mmap[bi->mmap_count].length = len;
	bi->mmap[bi->mmap_count].type = type;
	bi->mmap_count++;
}

static const void *phys(uint64_t pa)
{
	return (const void *)(uintptr_t)pa;
}

static void parse_mb1(const struct mb1_info *mi, struct boot_info *bi)
{
	uint64_t off;

	/* LAB 1 BEGIN parse_mb1: read the fields that the flags validate */
	if (mi->flags & MB1_INFO_CMDLINE)
		strlcpy(bi->cmdline, phys(mi->cmdline), sizeof(bi->cmdline));
	if (mi->flags & MB1_INFO_LOADER_NAME)
		strlcpy(bi->loader, phys(mi->boot_loader_name),
			sizeof(bi->loader));
	if (!(mi->flags & MB1_INFO_MMAP))
		return;
	/* Each entry's size field does not count itself. */
	for (off = 0; off < mi->mmap_length;) {
		const struct mb1_mmap_entry *e = phys(mi->mmap_addr + off);

		add_region(bi, e->base, e->length, e->type);
		off += e->size + sizeof(e->size);
	}
	/* LAB 1 END */
}

static void parse_mb2_mmap(const struct mb2_tag_mmap *t, struct boot_info *bi)
{
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->tag.size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry))
		return;         /* malformed: entries would overlap */
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		add_region(bi, e->base, e->length, e->type);
	}
}

/* Copy a tag's string payload, which need not be NUL-terminated. */
static void copy_tag_string(const struct mb2_tag *t, char *dst, size_t cap)
{
	size_t n = t->size - sizeof(*t);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, t + 1, n);
	dst[n] = 0;
}

static void parse_mb2(const struct mb2_info *info, struct boot_info *bi)
{
	/* LAB 1 BEGIN parse_mb2: walk the Multiboot2 tag list */
	const uint8_t *p = (const uint8_t *)(info + 1);
	const uint8_t *end = (const uint8_t *)info + info->total_size;

	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;

		if (t->type == MB2_TAG_END || t->size < sizeof(*t))
			break;
		if (t->type == MB2_TAG_CMDLINE)
			copy_tag_string(t, bi->cmdline, sizeof(bi->cmdline));
		else if (t->type == MB2_TAG_LOADER_NAME)
			copy_tag_string(t, bi->loader, sizeof(bi->loader));
		else if (t->type == MB2_TAG_MMAP)
			parse_mb2_mmap((const void *)t, bi);
		p += (t->size + 7) & ~7u;       /* tags are 8-byte aligned */
	}
	/* LAB 1 END */
}

int bootinfo_parse(uint32_t magic, const void *info, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->magic = magic;
	if (magic == MB1_BOOT_MAGIC) {
		bi->protocol = BOOT_MULTIBOOT1;
		parse_mb1(info, bi);
	} else if (magic == MB2_BOOT_MAGIC) {
		bi->protocol = BOOT_MULTIBOOT2;
		parse_mb2(info, bi);
	} else {
		bi->protocol = BOOT_UNKNOWN;
		return -1;
	}
	return 0;
}
