#!/bin/sh
# deps.sh WHAT - make sure the Debian packages for WHAT are installed.
#
#   WHAT: build | run | run-bochs | test | docs | debug
#
# As root, missing packages are installed with apt-get.  Otherwise the
# script prints the exact apt-get line to run and fails.
set -eu
what=${1:-test}

# program:package pairs, per purpose
build="gcc:gcc make:make ld:binutils"
iso="grub-mkrescue:grub-common /usr/lib/grub/i386-pc/modinfo.sh:grub-pc-bin xorriso:xorriso mformat:mtools"
qemu="qemu-system-x86_64:qemu-system-x86"
bochs="bochs:bochs /usr/share/bochs/BIOS-bochs-latest:bochsbios /usr/share/vgabios/vgabios.bin:vgabios /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so.0.0.0:bochs-term"
python="/usr/bin/python3:python3"
pytest="/usr/lib/python3/dist-packages/pytest/__init__.py:python3-pytest /usr/lib/python3/dist-packages/xdist/__init__.py:python3-pytest-xdist"
plot="/usr/lib/python3/dist-packages/matplotlib/__init__.py:python3-matplotlib"
docs="doxygen:doxygen $plot"
gdb="gdb:gdb"

case $what in
build) need="$build" ;;
run) need="$build $iso $qemu $python" ;;
run-bochs) need="$build $iso $bochs $python" ;;
test) need="$build $iso $qemu $bochs $python $pytest $docs $gdb" ;;
docs) need="$docs $build $iso $qemu $bochs $python $pytest" ;;  # + the catalog's test record
debug) need="$build $qemu $python $gdb" ;;
*) echo "deps.sh: unknown purpose '$what'" >&2; exit 2 ;;
esac

missing=
for pair in $need; do
	prog=${pair%%:*} pkg=${pair#*:}
	case $prog in
	/*) [ -e "$prog" ] && continue ;;
	*) command -v "$prog" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
else
	echo "deps.sh: missing Debian packages. Install them with:" >&2
	echo "    sudo apt-get install$missing" >&2
	exit 1
fi
