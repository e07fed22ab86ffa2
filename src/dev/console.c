/*
 * console.c - a polled 16550 UART on COM1 plus the 0xE9 debug port.
 */
#include "console.h"
#include "arch/x86.h"
#include "lib/format.h"

#define COM1            0x3F8
#define UART_DATA       0       /* transmit holding / divisor low (DLAB) */
#define UART_IER        1       /* interrupt enable / divisor high (DLAB) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */
#define LCR_DLAB        0x80
#define LCR_8N1         0x03
#define LSR_THRE        0x20    /* transmit holding register empty */
#define LSR_TEMT        0x40    /* transmitter completely empty */
#define DEBUGCON_PORT   0xE9
#define THRE_SPIN_LIMIT 100000  /* never hang on a missing UART */

void console_init(void)
{
	outb(COM1 + UART_IER, 0x00);            /* no UART interrupts */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1);              /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07);            /* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03);            /* DTR and RTS */
}

static void uart_putc(char c)
{
	int spin = THRE_SPIN_LIMIT;

	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && --spin)
		cpu_relax();
	outb(COM1 + UART_DATA, (unsigned char)c);
}

void console_flush(void)
{
	int spin = THRE_SPIN_LIMIT;

	while (!(inb(COM1 + UART_LSR) & LSR_TEMT) && --spin)
		cpu_relax();
}

void console_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
	outb(DEBUGCON_PORT, (unsigned char)c);
}

static void console_sink(char c, void *arg)
{
	(void)arg;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return vformat(console_sink, 0, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
