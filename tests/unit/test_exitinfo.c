/*
 * test_exitinfo.c - host tests of the IOIO exit decode (chapter 7).
 *
 * An intercepted IN, OUT, INS or OUTS exits with code 7Bh and describes
 * itself in EXITINFO1 (APM2 §15.10.2, Figure 15-2):
 *
 *     bit 0      TYPE: 1 = IN/INS, 0 = OUT/OUTS
 *     bit 2      STR: INS or OUTS
 *     bit 3      REP: a REP prefix
 *     bits 6:4   SZ8, SZ16, SZ32: the operand size, one bit
 *     bits 9:7   A16, A32, A64: the address size, one bit
 *     bits 12:10 SEG: the effective segment (0 ES ... 5 GS)
 *     bits 31:16 PORT
 *
 * The values below are assembled by hand from that figure.  Bochs fills
 * the address-size bits; QEMU's TCG leaves them zero, so "out %al,$0x80"
 * reads 0x00800210 on Bochs and 0x00800010 on QEMU.  (Which exceptions
 * push an error code, the other pure function of exitinfo.c, is pinned
 * in test_vectors.c: it is no lab.)
 */
#include "unit.h"
#include "svm/decode.h"

#define IO_IN   (1u << 0)
#define IO_STR  (1u << 2)
#define IO_REP  (1u << 3)
#define IO_SZ8  (1u << 4)
#define IO_SZ16 (1u << 5)
#define IO_SZ32 (1u << 6)
#define IO_A16  (1u << 7)
#define IO_A32  (1u << 8)
#define IO_A64  (1u << 9)
#define IO_SEG(s)  ((uint32_t)(s) << 10)
#define IO_PORT(p) ((uint32_t)(p) << 16)

/* Decode @info1, expecting success; the struct starts as garbage. */
static struct ioio decode(uint64_t info1)
{
	struct ioio io;

	memset(&io, 0xcc, sizeof(io));
	EXPECT_EQ(ioio_decode(info1, &io), 0);
	return io;
}

/*
 * "out %al,$0x80" on Bochs: port 80h (bits 31:16), SZ8 (bit 4), A64
 * (bit 9), OUT (bit 0 clear), no string, no REP: 0x00800210.
 */
TEST(out_al_80_as_bochs_reports_it)
{
	struct ioio io = decode(0x00800210);

	EXPECT_EQ(0x00800210, IO_PORT(0x80) | IO_A64 | IO_SZ8);
	EXPECT_EQ(io.port, 0x80);
	EXPECT_EQ(io.in, 0);
	EXPECT_EQ(io.str, 0);
	EXPECT_EQ(io.rep, 0);
	EXPECT_EQ(io.size, 1);
	EXPECT_EQ(io.asize, 64);
	EXPECT_EQ(io.seg, 0);
}

/* The same OUT on QEMU's TCG: no address-size bit, so asize is 0. */
TEST(out_al_80_as_qemu_reports_it)
{
	struct ioio io = decode(0x00800010);

	EXPECT_EQ(io.port, 0x80);
	EXPECT_EQ(io.in, 0);
	EXPECT_EQ(io.str, 0);
	EXPECT_EQ(io.rep, 0);
	EXPECT_EQ(io.size, 1);
	EXPECT_EQ(io.asize, 0);
}

/* Bit 0 (TYPE) set: "in $0x71,%al" reads 0x00710211. */
TEST(in_sets_bit_0)
{
	struct ioio io = decode(IO_PORT(0x71) | IO_A64 | IO_SZ8 | IO_IN);

	EXPECT_EQ(IO_PORT(0x71) | IO_A64 | IO_SZ8 | IO_IN, 0x00710211);
	EXPECT_EQ(io.in, 1);
	EXPECT_EQ(io.port, 0x71);
	EXPECT_EQ(io.str, 0);
}

/*
 * Bit 2 (STR): "outsb" to DX=3F8h from DS:RSI with 64-bit addressing,
 * SEG = 3 (DS): 3F8h << 16 | 3 << 10 | A64 | SZ8 | STR = 0x03F80E14.
 */
TEST(outsb_sets_str_and_names_ds)
{
	struct ioio io = decode(0x03f80e14);

	EXPECT_EQ(IO_PORT(0x3f8) | IO_SEG(3) | IO_A64 | IO_SZ8 | IO_STR,
		  0x03f80e14);
	EXPECT_EQ(io.str, 1);
	EXPECT_EQ(io.in, 0);
	EXPECT_EQ(io.rep, 0);
	EXPECT_EQ(io.seg, 3);
	EXPECT_EQ(io.port, 0x3f8);
	EXPECT_EQ(io.size, 1);
	EXPECT_EQ(io.asize, 64);
}

/* Bit 3 (REP): "rep insw" at DX=1F0h, 32-bit addressing: 0x01F0012D. */
TEST(rep_insw_sets_rep_str_and_in)
{
	struct ioio io = decode(0x01f0012d);

	EXPECT_EQ(IO_PORT(0x1f0) | IO_A32 | IO_SZ16 | IO_REP | IO_STR | IO_IN,
		  0x01f0012d);
	EXPECT_EQ(io.rep, 1);
	EXPECT_EQ(io.str, 1);
	EXPECT_EQ(io.in, 1);
	EXPECT_EQ(io.size, 2);
	EXPECT_EQ(io.asize, 32);
	EXPECT_EQ(io.port, 0x1f0);
}

/* The size field: bit 4 = 1 byte, bit 5 = 2 bytes, bit 6 = 4 bytes. */
TEST(size_bits_4_5_6_are_8_16_32_bits)
{
	EXPECT_EQ(decode(IO_PORT(0x60) | IO_SZ8).size, 1);
	EXPECT_EQ(decode(IO_PORT(0x60) | IO_SZ16).size, 2);
	EXPECT_EQ(decode(IO_PORT(0x60) | IO_SZ32).size, 4);
}

/* The address-size field: bit 7 = 16, bit 8 = 32, bit 9 = 64. */
TEST(address_size_bits_7_8_9_are_16_32_64)
{
	EXPECT_EQ(decode(IO_SZ8 | IO_A16).asize, 16);
	EXPECT_EQ(decode(IO_SZ8 | IO_A32).asize, 32);
	EXPECT_EQ(decode(IO_SZ8 | IO_A64).asize, 64);
	EXPECT_EQ(decode(IO_SZ8).asize, 0);
}

/* The segment field, bits 12:10: every value 0-7 comes back as is. */
TEST(segment_field_is_bits_12_to_10)
{
	unsigned s;

	for (s = 0; s < 8; s++) {
		struct ioio io = decode(IO_SZ8 | IO_STR | IO_SEG(s));

		EXPECT_EQ(io.seg, s);
		EXPECT_EQ(io.size, 1);  /* no bleed into neighbours */
		EXPECT_EQ(io.asize, 0);
		EXPECT_EQ(io.port, 0);
	}
	EXPECT_EQ(decode(IO_SZ8 | IO_SEG(5)).seg, 5);   /* GS */
}

/* The port, bits 31:16: FFFFh and 0 are both possible. */
TEST(port_is_bits_31_to_16)
{
	struct ioio io = decode(0xffff0010);

	EXPECT_EQ(io.port, 0xffff);
	EXPECT_EQ(io.size, 1);
	EXPECT_EQ(io.seg, 0);
	EXPECT_EQ(decode(0x00000010).port, 0);
	EXPECT_EQ(decode(IO_PORT(0xcfc) | IO_SZ32 | IO_IN).port, 0xcfc);
}

/* Every field at once, each at a distinct value. */
TEST(all_fields_together)
{
	uint32_t v = IO_PORT(0xabcd) | IO_SEG(4) | IO_A16 | IO_SZ32 |
		     IO_REP | IO_STR | IO_IN;
	struct ioio io = decode(v);

	EXPECT_EQ(v, 0xabcd10cd);
	EXPECT_EQ(io.port, 0xabcd);
	EXPECT_EQ(io.seg, 4);
	EXPECT_EQ(io.asize, 16);
	EXPECT_EQ(io.size, 4);
	EXPECT_EQ(io.rep, 1);
	EXPECT_EQ(io.str, 1);
	EXPECT_EQ(io.in, 1);
}

/* No size bit: not an operand size at all, refused. */
TEST(no_size_bit_is_refused)
{
	struct ioio io;

	EXPECT_EQ(ioio_decode(IO_PORT(0x80) | IO_A64, &io), -1);
	EXPECT_EQ(ioio_decode(0, &io), -1);
}

/* Two or three size bits: no single size, refused. */
TEST(several_size_bits_are_refused)
{
	struct ioio io;

	EXPECT_EQ(ioio_decode(IO_PORT(0x80) | IO_SZ8 | IO_SZ16, &io), -1);
	EXPECT_EQ(ioio_decode(IO_PORT(0x80) | IO_SZ8 | IO_SZ32, &io), -1);
	EXPECT_EQ(ioio_decode(IO_PORT(0x80) | IO_SZ16 | IO_SZ32, &io), -1);
	EXPECT_EQ(ioio_decode(IO_PORT(0x80) | IO_SZ8 | IO_SZ16 | IO_SZ32,
			      &io), -1);
}
