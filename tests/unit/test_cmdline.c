/*
 * test_cmdline.c - host tests of src/kernel/cmdline.c (chapter 1).
 */
#include "unit.h"
#include "kernel/cmdline.h"

TEST(options_are_recognised)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse("  chapter=2\tfault=pf ", &o, err,
				sizeof(err)), 0);
	EXPECT_STREQ(o.chapter, "2");
	EXPECT_STREQ(o.fault, "pf");
	EXPECT_STREQ(o.guest, "");

	/* A later word overrides, an empty line resets to the defaults. */
	EXPECT_EQ(cmdline_parse("chapter=1 chapter=boot", &o, err,
				sizeof(err)), 0);
	EXPECT_STREQ(o.chapter, "boot");
	EXPECT_EQ(cmdline_parse("", &o, err, sizeof(err)), 0);
	EXPECT_STREQ(o.chapter, "");
}

/* Multiboot1 loaders put the image name first, with or without a '/'. */
TEST(image_name_is_skipped_for_multiboot1)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse(cmdline_args("build/kernel.elf chapter=detect",
					     1), &o, err, sizeof(err)), 0);
	EXPECT_STREQ(o.chapter, "detect");
	EXPECT_EQ(cmdline_parse(cmdline_args("kernel.elf", 1), &o, err,
				sizeof(err)), 0);
	EXPECT_STREQ(o.chapter, "");
	/* Multiboot2 passes only the arguments: nothing is skipped. */
	EXPECT_STREQ(cmdline_args("chapter=1", 0), "chapter=1");
	EXPECT_EQ(cmdline_parse(cmdline_args("kernel.elf", 0), &o, err,
				sizeof(err)), -1);
}

/* A path is not an option. */
TEST(path_is_an_error)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse("chapter=1 /boot/x", &o, err, sizeof(err)),
		  -1);
}

TEST(unknown_option_names_the_word_and_lists_options)
{
	struct options o;
	char err[256];

	EXPECT_EQ(cmdline_parse("chapter=1 frobnicate=3", &o, err,
				sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "'frobnicate=3'") != 0);
	EXPECT_TRUE(strstr(err, "chapter=") != 0);
	EXPECT_TRUE(strstr(err, "guest=") != 0);
}

TEST(option_without_value_is_an_error)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse("chapter=", &o, err, sizeof(err)),
		  -1);
	EXPECT_TRUE(strstr(err, "needs a value") != 0);
	EXPECT_EQ(cmdline_parse("guest", &o, err, sizeof(err)), -1);
}

TEST(overlong_value_is_an_error)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse("guest=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				&o, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "too long") != 0);
}

/* A name that merely starts like an option is not that option. */
TEST(prefix_of_option_is_not_the_option)
{
	struct options o;
	char err[128];

	EXPECT_EQ(cmdline_parse("chap=1", &o, err, sizeof(err)), -1);
	EXPECT_EQ(cmdline_parse("chapters=1", &o, err, sizeof(err)),
		  -1);
}
