/**
 * @file
 * console.h - the kernel's text output: COM1, mirrored on port 0xE9.
 *
 * Everything the kernel prints, readable text and trace lines alike,
 * goes through console_putc.  COM1 is what the test harness reads (QEMU
 * -serial, Bochs com1 to a file); port 0xE9 is the emulators' debug
 * console (QEMU -debugcon, Bochs port_e9_hack) for a second view.
 */
#ifndef SVMLAB_DEV_CONSOLE_H
#define SVMLAB_DEV_CONSOLE_H

#include <stdarg.h>

/** Program COM1 for 115200 baud, 8 data bits, no parity, 1 stop bit. */
void console_init(void);

/** Write one character; "\n" becomes "\r\n" on the serial line. */
void console_putc(char c);

/**
 * Wait until the UART has sent its last bit (LSR.TEMT).  Call before
 * stopping the emulator: Bochs drops bytes still in the transmitter.
 */
void console_flush(void);

/** printf to the console. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** vprintf to the console. */
int kvprintf(const char *fmt, va_list ap);

#endif /* SVMLAB_DEV_CONSOLE_H */
