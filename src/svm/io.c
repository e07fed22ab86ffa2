/*
 * io.c - chapter 7: IN, OUT, INS and OUTS exits (APM2 §15.10 "I/O
 * Intercepts") and what sits behind the intercepted ports.
 *
 * The policy is deny by default: every port exits, except port 80h,
 * which passes through by choice (it is the POST-code port, write-only
 * and harmless, and a real guest writes it as an I/O delay, so exiting
 * on it would only cost time).  Behind the exits:
 *   - the svmlab device (guest_abi.h: HV_DEV_DATA, HV_DEV_ID, HV_DEV_FIFO);
 *   - COM1 (3F8h-3FFh) as the guest's console: the host's serial port
 *     carries the trace, so a guest may never touch it; its bytes are
 *     collected into lines and printed under the guest's name;
 *   - every other port reads as all ones and ignores writes, like an
 *     empty bus.
 * RIP moves to EXITINFO2, the next RIP the processor reports for IOIO
 * even without NRIPS.
 */
#include "vcpu.h"
#include "guest.h"
#include "guest_abi.h"
#include "iopm.h"
#include "dev/console.h"
#include "kernel/trace.h"
#include "arch/cr.h"
#include "lib/format.h"
#include "lib/string.h"

#define COM1            0x3f8
#define COM1_LSR        (COM1 + 5)
#define LSR_THR_EMPTY   0x60    /* THRE and TEMT: ready for a byte */
#define PORT_POST       0x80

/*
 * One byte written to the guest's console.  Its lines go to the serial
 * line that carries the trace, where "@svmlab " anywhere in a line
 * starts an event (docs/trace-format.md): bytes outside printable ASCII
 * are dropped, and '@' is shown as '?', so that no guest can write a
 * trace event (chapter 17, guests/hostile_io.S).
 */
static void console_byte(struct vcpu *v, uint8_t c)
{
	if (c != '\n' && v->console_len == VCPU_CONSOLE_MAX - 1)
		console_byte(v, '\n');         /* a full line: print it first */
	if (c != '\n') {
		if (c >= 0x20 && c < 0x7f)
			v->console[v->console_len++] = c == '@' ? '?' :
						       (char)c;
		return;
	}
	v->console[v->console_len] = 0;
	kprintf("  guest %s console: %s\n", v->name, v->console);
	trace_begin("guest_console");
	trace_str("guest", v->name);
	trace_str("text", v->console);
	trace_end();
	v->console_len = 0;
}

/* One byte at @p port: the device model.  Returns the byte read. */
static uint8_t port_byte(struct vcpu *v, uint16_t port, int in, uint8_t b)
{
	struct hv_device *d = &v->dev;

	if (port >= HV_DEV_DATA && port < HV_DEV_DATA + 4) {
		if (in)
			return d->data[port - HV_DEV_DATA];
		d->data[port - HV_DEV_DATA] = b;
		return 0;
	}
	if (port >= HV_DEV_ID && port < HV_DEV_ID + 4)
		return in ? (uint8_t)(HV_DEV_ID_VALUE >>
				      (8 * (port - HV_DEV_ID))) : 0;
	if (port == COM1) {
		if (!in)
			console_byte(v, b);
		return 0;
	}
	if (port == COM1_LSR)
		return in ? LSR_THR_EMPTY : 0;
	if (port > COM1 && port < COM1 + 8)
		return 0;
	return 0xff;    /* nothing there */
}

/*
 * One access of @p size bytes.  The FIFO takes the whole access at its
 * one port, a byte at a time; elsewhere byte k of the access goes to
 * port + k, as on a bus that splits wide accesses.
 */
uint32_t io_port_access(struct vcpu *v, uint16_t port, unsigned size,
			int in, uint32_t value)
{
	struct hv_device *d = &v->dev;
	uint32_t r = 0;
	unsigned k;

	for (k = 0; k < size; k++) {
		uint8_t b = (uint8_t)(value >> (8 * k)), got;

		if (port == HV_DEV_FIFO) {
			got = 0xff;
			if (in && d->fifo_len) {
				got = d->fifo[d->fifo_head];
				d->fifo_head = (d->fifo_head + 1) % HV_DEV_FIFO_SIZE;
				d->fifo_len--;
			} else if (!in && d->fifo_len < HV_DEV_FIFO_SIZE) {
				d->fifo[(d->fifo_head + d->fifo_len) %
					HV_DEV_FIFO_SIZE] = b;
				d->fifo_len++;
			}
		} else {
			got = port_byte(v, (uint16_t)(port + k), in, b);
		}
		r |= (uint32_t)got << (8 * k);
	}
	return r;
}

/* The address size of a string instruction: EXITINFO1, else decoded. */
static unsigned string_asize(const struct vcpu *v)
{
	if (v->x.ioio.io.asize)
		return v->x.ioio.io.asize / 8;
	/* QEMU leaves bits 9:7 clear: read the 67h prefix ourselves. */
	return v->x.have_insn ? v->x.insn.adsize : 8;
}

/*
 * The most elements one exit moves.  REP INS or REP OUTS may ask for up
 * to 2^64 - 1 of them; emulated in one go, that is work in the host
 * which neither the watchdog (it counts the guest's own time) nor the
 * runaway limit (it counts exits) can see, and the run hangs (chapter
 * 17, guests/hostile_rep_io.S).  A REP string instruction may stop
 * after any iteration with RCX, RSI and RDI advanced (APM3 "REP"): the
 * hypervisor leaves RIP at it, the next VMRUN executes it again, and it
 * exits again.  Chapter 7's strings are shorter than a burst: one exit.
 */
#define STRING_IO_BURST 32

/* The guest page a string instruction is in, translated once. */
struct string_page {
	uint64_t gva;                   /* its first byte */
	uint8_t *host;                  /* where the host sees it, or NULL */
};

/*
 * A host pointer to @p size bytes at guest-virtual @p a.  The walk
 * through the guest's page tables and the nested page table is done
 * once per page, not once per element: a burst stays mostly in a page.
 */
static uint8_t *string_ptr(struct vcpu *v, struct string_page *c,
			   uint64_t a, unsigned size)
{
	uint64_t off = a & (PAGE_SIZE - 1);

	if (off + size > PAGE_SIZE)
		return vcpu_guest_ptr(v, a, size);      /* straddles two */
	if (!c->host || c->gva != a - off) {
		c->gva = a - off;
		c->host = vcpu_guest_ptr(v, c->gva, PAGE_SIZE);
		if (!c->host)
			return vcpu_guest_ptr(v, a, size);
	}
	return c->host + off;
}

/*
 * INS or OUTS, with or without REP: through guest memory at RDI/RSI, at
 * most STRING_IO_BURST elements.  Returns 1 if a REP has more to do.
 */
static int string_io(struct vcpu *v)
{
	const struct ioio *io = &v->x.ioio.io;
	unsigned asize = string_asize(v);
	uint64_t amask = asize == 8 ? ~0ull : (1ull << (8 * asize)) - 1;
	uint64_t *ptr = vcpu_gpr(v, io->in ? 7 : 6);    /* RDI or RSI */
	uint64_t *count = vcpu_gpr(v, 1);               /* RCX */
	uint64_t n = io->rep ? (*count & amask) : 1;
	int64_t step = v->vmcb->save.rflags & RFLAGS_DF ? -(int64_t)io->size
							 : io->size;
	struct string_page page = { 0, 0 };
	uint32_t val;
	uint8_t *mem;

	if (n > STRING_IO_BURST)
		n = STRING_IO_BURST;
	/* A flat 64-bit guest: DS/ES bases are 0 (segment in io->seg). */
	for (; n; n--) {
		mem = string_ptr(v, &page, *ptr & amask, io->size);
		if (!mem) {
			vcpu_stop(v, "%s: address 0x%llx is outside the guest",
				  io->in ? "INS" : "OUTS",
				  (unsigned long long)(*ptr & amask));
			return 0;
		}
		val = 0;
		if (!io->in)
			memcpy(&val, mem, io->size);
		val = io_port_access(v, io->port, io->size, io->in, val);
		if (io->in)
			memcpy(mem, &val, io->size);
		*ptr = (*ptr & ~amask) | ((*ptr + (uint64_t)step) & amask);
		if (io->rep)
			*count = (*count & ~amask) | ((*count - 1) & amask);
	}
	return io->rep && (*count & amask);
}

void handle_ioio(struct vcpu *v)
{
	const struct ioio *io = &v->x.ioio.io;
	uint64_t *rax = vcpu_gpr(v, 0);
	uint32_t mask, val;

	if (v->x.kind != DEC_IOIO) {
		vcpu_stop(v, "IOIO exit with a bad EXITINFO1 0x%llx",
			  (unsigned long long)v->vmcb->control.exit_info_1);
		return;
	}
	if (io->str) {
		if (string_io(v))
			return;         /* RIP stays: the REP goes on */
	} else {
		/* IN writes only AL, AX or EAX (EAX zero-extends to RAX). */
		mask = io->size == 4 ? 0xffffffffu : (1u << (8 * io->size)) - 1;
		val = io_port_access(v, io->port, io->size, io->in,
				  (uint32_t)*rax & mask);
		if (io->in && io->size == 4)
			*rax = val;
		else if (io->in)
			*rax = (*rax & ~(uint64_t)mask) | (val & mask);
	}
	if (v->state == VCPU_RUNNING)
		v->vmcb->save.rip = v->x.ioio.next_rip;
}

int io_policy_load(struct vcpu *v, const uint32_t *list, char *err,
		   size_t n)
{
	v->iopm = pages_alloc(IOPM_BYTES / PAGE_SIZE);
	iopm_set(v->iopm, 0, IOPM_LAST_BIT, 1);
	iopm_set(v->iopm, PORT_POST, 1, 0);
	for (; list && list[1]; list += 2) {
		uint32_t count = list[1] & ~(uint32_t)GUEST_IO_PASS;

		if (iopm_set(v->iopm, list[0], count,
			     !(list[1] & GUEST_IO_PASS)) < 0) {
			ksnprintf(err, n, "I/O ports 0x%x+%u reach past the "
				  "map's last bit 0x%x", list[0], count,
				  IOPM_LAST_BIT - 1);
			return -1;
		}
	}
	v->vmcb->control.iopm_base_pa = hpa_of(v->iopm);
	v->vmcb->control.intercept_misc1 |= SVM_MISC1_IOIO_PROT;
	return 0;
}
