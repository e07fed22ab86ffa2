/*
 * test_vectors.c - host tests of which exceptions push an error code
 * (exitinfo.c's exception_has_error; no lab).
 *
 * When an exception intercept fires, EXITINFO1 holds the error code the
 * exception would have pushed, and only the vectors that push one have
 * it (APM2 §8.2 "Vectors", §15.12 "Exception Intercepts"): #DF 8,
 * #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29 and
 * #SX 30.  Reflecting the exception into the guest must push the same.
 */
#include "unit.h"
#include "svm/decode.h"

/*
 * The vectors that push an error code (APM2 §8.2 "Vectors"): 8 (#DF),
 * 10 (#TS), 11 (#NP), 12 (#SS), 13 (#GP), 14 (#PF), 17 (#AC),
 * 21 (#CP), 29 (#VC), 30 (#SX).  All other vectors 0-31 do not.
 */
TEST(exception_has_error_for_vectors_0_to_31)
{
	static const int pushes[32] = {
		[8] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1,
		[17] = 1, [21] = 1, [29] = 1, [30] = 1,
	};
	int v;

	for (v = 0; v < 32; v++) {
		if (!!exception_has_error(v) != pushes[v])
			unit_fail(__FILE__, __LINE__,
				  "vector %d: has_error %d, want %d", v,
				  exception_has_error(v), pushes[v]);
	}
}

/* The classic ones by name: #DE 0, #DB 1, #BP 3, #UD 6, #MC 18 push none. */
TEST(faults_without_error_codes)
{
	EXPECT_TRUE(!exception_has_error(0));
	EXPECT_TRUE(!exception_has_error(1));
	EXPECT_TRUE(!exception_has_error(3));
	EXPECT_TRUE(!exception_has_error(6));
	EXPECT_TRUE(!exception_has_error(18));
	EXPECT_TRUE(exception_has_error(13));
	EXPECT_TRUE(exception_has_error(14));
}
