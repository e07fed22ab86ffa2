/*
 * test_bootinfo.c - host tests of src/boot/bootinfo.c (chapter 1).
 *
 * Boot information is built by hand in the layouts the two Multiboot
 * specifications define, then parsed.  Multiboot1 stores 32-bit
 * physical addresses, so its buffers are mapped below 4 GiB (MAP_32BIT).
 */
#include <sys/mman.h>
#include "unit.h"
#include "boot/bootinfo.h"
#include "boot/multiboot.h"

/* A Multiboot2 information block under construction. */
struct mb2_builder {
	uint8_t buf[1024] __attribute__((aligned(8)));
	size_t len;
};

static void mb2_start(struct mb2_builder *b)
{
	memset(b, 0, sizeof(*b));
	b->len = sizeof(struct mb2_info);
}

static void *mb2_tag(struct mb2_builder *b, uint32_t type, uint32_t size)
{
	struct mb2_tag *t = (void *)(b->buf + b->len);

	t->type = type;
	t->size = size;
	b->len += (size + 7) & ~7u;
	return t;
}

static void mb2_string(struct mb2_builder *b, uint32_t type, const char *s)
{
	struct mb2_tag *t = mb2_tag(b, type, sizeof(*t) + strlen(s) + 1);

	memcpy(t + 1, s, strlen(s) + 1);
}

static void mb2_finish(struct mb2_builder *b)
{
	mb2_tag(b, MB2_TAG_END, 8);
	((struct mb2_info *)b->buf)->total_size = (uint32_t)b->len;
}

static void mb2_mmap(struct mb2_builder *b, const struct mb2_mmap_entry *e,
		     unsigned n)
{
	struct mb2_tag_mmap *t = mb2_tag(b, MB2_TAG_MMAP,
					 sizeof(*t) + n * sizeof(*e));

	t->entry_size = sizeof(*e);
	t->entry_version = 0;
	memcpy(t + 1, e, n * sizeof(*e));
}

TEST(mb2_cmdline_loader_and_mmap)
{
	static const struct mb2_mmap_entry map[] = {
		{ 0x0, 0x9fc00, 1, 0 },
		{ 0x9fc00, 0x400, 2, 0 },
		{ 0x100000, 0x7ee0000, 1, 0 },
	};
	struct mb2_builder b;
	struct boot_info bi;

	mb2_start(&b);
	mb2_string(&b, MB2_TAG_CMDLINE, "chapter=2");
	mb2_string(&b, MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb2_mmap(&b, map, 3);
	mb2_finish(&b);
	EXPECT_EQ(bootinfo_parse(MB2_BOOT_MAGIC, b.buf, &bi), 0);
	EXPECT_EQ(bi.protocol, BOOT_MULTIBOOT2);
	EXPECT_STREQ(bi.cmdline, "chapter=2");
	EXPECT_STREQ(bi.loader, "GRUB 2.06");
	EXPECT_EQ(bi.mmap_count, 3);
	EXPECT_EQ(bi.mmap[2].base, 0x100000);
	EXPECT_EQ(bi.mmap[2].length, 0x7ee0000);
	EXPECT_EQ(bi.mmap[1].type, 2);

	/* Neither magic: nothing is read from the (same) information. */
	EXPECT_EQ(bootinfo_parse(0x12345678, b.buf, &bi), -1);
	EXPECT_EQ(bi.protocol, BOOT_UNKNOWN);
	EXPECT_STREQ(bi.cmdline, "");
	EXPECT_STREQ(boot_protocol_name(bi.protocol), "unknown");
}

/* Tags are padded to 8 bytes: a 13-byte string tag must not shift the next. */
TEST(mb2_tags_are_8_byte_aligned)
{
	static const struct mb2_mmap_entry map[] = { { 0x100000, 0x1000, 1, 0 } };
	struct mb2_builder b;
	struct boot_info bi;

	mb2_start(&b);
	mb2_string(&b, MB2_TAG_CMDLINE, "abc");         /* size 12 -> 16 */
	mb2_mmap(&b, map, 1);
	mb2_finish(&b);
	bootinfo_parse(MB2_BOOT_MAGIC, b.buf, &bi);
	EXPECT_STREQ(bi.cmdline, "abc");
	EXPECT_EQ(bi.mmap_count, 1);
	EXPECT_EQ(bi.mmap[0].base, 0x100000);
}

/* Unknown tags are skipped; the end tag stops the walk. */
TEST(mb2_unknown_tags_skipped_and_end_tag_stops)
{
	struct mb2_builder b;
	struct boot_info bi;

	mb2_start(&b);
	mb2_tag(&b, 21, 12);                            /* load base addr */
	mb2_string(&b, MB2_TAG_CMDLINE, "guest=hlt");
	mb2_finish(&b);
	mb2_string(&b, MB2_TAG_LOADER_NAME, "after the end");
	bootinfo_parse(MB2_BOOT_MAGIC, b.buf, &bi);
	EXPECT_STREQ(bi.cmdline, "guest=hlt");
	EXPECT_STREQ(bi.loader, "");
}

/* A memory map longer than the table is counted, not overflowed. */
TEST(mb2_mmap_overflow_counted)
{
	struct mb2_mmap_entry map[BOOTINFO_MMAP_MAX + 3];
	struct mb2_builder b;
	struct boot_info bi;
	unsigned i;

	for (i = 0; i < BOOTINFO_MMAP_MAX + 3; i++)
		map[i] = (struct mb2_mmap_entry){ i * 0x1000ull, 0x1000, 1, 0 };
	mb2_start(&b);
	mb2_mmap(&b, map, BOOTINFO_MMAP_MAX + 3);
	mb2_finish(&b);
	bootinfo_parse(MB2_BOOT_MAGIC, b.buf, &bi);
	EXPECT_EQ(bi.mmap_count, BOOTINFO_MMAP_MAX);
	EXPECT_EQ(bi.mmap_dropped, 3);
}

/* An over-long command line is truncated and still terminated. */
TEST(mb2_long_cmdline_truncated)
{
	char line[BOOTINFO_CMDLINE_MAX + 50];
	struct mb2_builder b;
	struct boot_info bi;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	mb2_start(&b);
	mb2_string(&b, MB2_TAG_CMDLINE, line);
	mb2_finish(&b);
	bootinfo_parse(MB2_BOOT_MAGIC, b.buf, &bi);
	EXPECT_EQ(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
}

/* Memory below 4 GiB, because Multiboot1 fields are 32-bit addresses. */
static uint8_t *low_buffer(void)
{
	void *p = mmap(0, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	return p == MAP_FAILED ? 0 : p;
}

TEST(mb1_flags_select_fields)
{
	uint8_t *mem = low_buffer();
	struct mb1_info *mi = (void *)mem;
	struct mb1_mmap_entry *e = (void *)(mem + 512);
	char *cmd = (char *)mem + 256, *name = (char *)mem + 384;
	struct boot_info bi;

	EXPECT_TRUE(mem != 0);
	if (!mem)
		return;
	strcpy(cmd, "/boot/kernel.elf chapter=1");
	strcpy(name, "qemu");
	e[0] = (struct mb1_mmap_entry){ 20, 0, 0x9fc00, 1 };
	e[1] = (struct mb1_mmap_entry){ 20, 0x100000, 0x7ee0000, 1 };
	mi->flags = MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER_NAME;
	mi->cmdline = (uint32_t)(uintptr_t)cmd;
	mi->boot_loader_name = (uint32_t)(uintptr_t)name;
	mi->mmap_addr = (uint32_t)(uintptr_t)e;
	mi->mmap_length = 2 * sizeof(*e);
	EXPECT_EQ(bootinfo_parse(MB1_BOOT_MAGIC, mi, &bi), 0);
	EXPECT_EQ(bi.protocol, BOOT_MULTIBOOT1);
	EXPECT_STREQ(bi.cmdline, "/boot/kernel.elf chapter=1");
	EXPECT_STREQ(bi.loader, "qemu");
	EXPECT_EQ(bi.mmap_count, 2);
	EXPECT_EQ(bi.mmap[1].base, 0x100000);

	/* Without the flags, the same pointers must be ignored. */
	mi->flags = 0;
	bootinfo_parse(MB1_BOOT_MAGIC, mi, &bi);
	EXPECT_STREQ(bi.cmdline, "");
	EXPECT_EQ(bi.mmap_count, 0);
	munmap(mem, 4096);
}

/* Multiboot1 entries step by size + 4, whatever the size says. */
TEST(mb1_mmap_entry_size_respected)
{
	uint8_t *mem = low_buffer();
	struct mb1_info *mi = (void *)mem;
	uint8_t *map = mem + 512;
	struct mb1_mmap_entry e = { 24, 0x100000, 0x1000, 1 };
	struct boot_info bi;

	if (!mem)
		return;
	memcpy(map, &e, sizeof(e));             /* 4 extra bytes follow */
	e.base = 0x200000;
	memcpy(map + 28, &e, sizeof(e));
	mi->flags = MB1_INFO_MMAP;
	mi->mmap_addr = (uint32_t)(uintptr_t)map;
	mi->mmap_length = 56;
	bootinfo_parse(MB1_BOOT_MAGIC, mi, &bi);
	EXPECT_EQ(bi.mmap_count, 2);
	EXPECT_EQ(bi.mmap[1].base, 0x200000);
	munmap(mem, 4096);
}
