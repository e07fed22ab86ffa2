/*
 * ch07_iopm.c - chapter 7: the I/O permission map (APM2 §15.10).  The
 * map is built by src/svm/iopm.c, the exits handled by src/svm/io.c,
 * which also holds the emulated device and the guest console.
 */
#include "chapters.h"

const char *const ch07_guests[] = {
	"io_sizes", "io_string", "io_rep", "io_top", "io_top_pass",
	"io_port80", 0
};

void ch07_iopm_run(void)
{
	course_run_guests(ch07_guests);
}
