#!/bin/sh
# mkiso.sh KERNEL GRUBCFG OUT.iso [KERNEL-ARGS...]
#
# Build a BIOS-bootable GRUB ISO that loads KERNEL with multiboot2.
# @ARGS@ in GRUBCFG becomes the kernel command line.  grub-mkrescue is
# the supported path (packages grub-pc-bin, grub-common, xorriso, mtools).
set -eu
kernel=$1 cfg=$2 out=$3
shift 3
args="$*"
stage=$(mktemp -d "${TMPDIR:-/tmp}/svmlab-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/kernel.elf"
sed "s|@ARGS@|$args|" "$cfg" > "$stage/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$stage" >"$stage.log" 2>&1 || {
	cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
