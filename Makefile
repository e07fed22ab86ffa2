# svmlab - a teaching hypervisor for AMD-V (SVM).
#
#   make            build build/kernel.elf
#   make run        build the GRUB ISO and boot the course in QEMU
#   make run EMU=bochs            ... in Bochs
#   make test       the whole suite, both emulators (pytest)
#   make iso        build/svmlab.iso (GRUB, Multiboot2)
#   make docs       the Doxygen site in build/docs (warnings are errors)
#   make lab CHAPTER=N DEST=dir   a student tree for chapter N
#   make unit       build the host unit-test programs
#   make deps       check (and, as root, install) the Debian packages
#
# Variables a student may set on the command line:
#   EMU=qemu|bochs  CPU=<model>  ARGS="<kernel command line>"
#   QEMU_CPU, BOCHS_MODEL, MEM (MiB), PYTEST_ARGS, JOBS

EMU         ?= qemu
ARGS        ?=
MEM         ?= 128
QEMU_CPU    ?= qemu64,+svm,+npt
BOCHS_MODEL ?= ryzen
CPU         ?= $(if $(filter bochs,$(EMU)),$(BOCHS_MODEL),$(QEMU_CPU))
JOBS        ?= auto
PYTEST_ARGS ?=
PYTHON      ?= /usr/bin/python3

BUILD   := build
CC      := gcc
LD      := ld

# The kernel: freestanding, 64-bit, no red zone (interrupts would clobber
# it), no SSE (the host never saves FPU state), linked at 1 MiB.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector \
	   -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	   -mcmodel=small -fno-asynchronous-unwind-tables \
	   -fno-omit-frame-pointer -Wall -Wextra -Werror -MMD -MP -Isrc
KASFLAGS := -Isrc -Isrc/boot -MMD -MP -fno-pic -fno-pie
KLDFLAGS := -nostdlib -n -T src/linker.ld -z max-page-size=0x1000 \
	    --no-warn-rwx-segments -z noexecstack

# A lab tree (tools/mklab.py) relaxes "unused" warnings for the stubs.
-include lab.mk
KCFLAGS += $(LAB_CFLAGS)

KSRCS := $(shell find src -name '*.c' -o -name '*.S' | LC_ALL=C sort)
KOBJS := $(patsubst src/%,$(BUILD)/obj/%.o,$(KSRCS))

.PHONY: all kernel run test iso docs lab unit deps clean emulators-md $(BUILD)/svmlab.iso
all: kernel
kernel: $(BUILD)/kernel.elf

$(BUILD)/obj/%.c.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: src/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(KOBJS) src/linker.ld Makefile
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS)
	@if command -v grub-file >/dev/null; then \
	    grub-file --is-x86-multiboot2 $@ || \
	    { echo "$@: not a Multiboot2 image" >&2; exit 1; }; fi

-include $(KOBJS:.o=.d)

# ---- host unit tests (tests/unit): plain C, run by tests/test_unit.py ----
HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Isrc -Itests/unit \
	   -fsanitize=address,undefined -fno-sanitize-recover=all $(LAB_CFLAGS)
UNIT_LIB := src/boot/bootinfo.c src/kernel/cmdline.c src/lib/format.c src/lib/strlcpy.c \
	    src/svm/assess.c src/svm/features.c
UNIT_TESTS := $(patsubst tests/unit/test_%.c,$(BUILD)/unit/test_%,\
		$(wildcard tests/unit/test_*.c))

unit: $(UNIT_TESTS)
$(BUILD)/unit/test_%: tests/unit/test_%.c tests/unit/unit.c \
		      tests/unit/unit.h $(UNIT_LIB) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) -o $@ $< tests/unit/unit.c $(UNIT_LIB)

# ---- images and runs ----
iso: $(BUILD)/svmlab.iso
$(BUILD)/svmlab.iso: $(BUILD)/kernel.elf grub.cfg tools/mkiso.sh
	tools/mkiso.sh $(BUILD)/kernel.elf grub.cfg $@ $(ARGS)

deps:
	@tools/deps.sh $(if $(filter bochs,$(EMU)),run-bochs,run)

run: deps kernel
	$(PYTHON) tools/run.py --emu $(EMU) --cpu '$(CPU)' --mem $(MEM) \
		$(if $(ARGS),--args '$(ARGS)')

test:
	@tools/deps.sh test
	$(MAKE) --no-print-directory kernel unit
	$(PYTHON) -m pytest -n $(JOBS) tests $(PYTEST_ARGS)

docs:
	@tools/deps.sh docs
	@mkdir -p $(BUILD)/docs
	doxygen docs/Doxyfile

lab:
	@test -n "$(CHAPTER)" -a -n "$(DEST)" || \
	    { echo "usage: make lab CHAPTER=N DEST=dir" >&2; exit 2; }
	$(PYTHON) tools/mklab.py --chapter $(CHAPTER) --dest $(DEST)

emulators-md:
	$(PYTHON) tools/gen_emulators_md.py

clean:
	rm -rf $(BUILD)
