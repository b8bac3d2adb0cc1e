#!/bin/sh
# build.sh OUTDIR: builds the register-reporting test boot sector as OUTDIR/regs.bin: 512 bytes
# linked at 0x7C00, without the 55AAh signature (only `chainloader --force` takes it).
set -e
src=$(cd "$(dirname "$0")" && pwd)
out=$1
gcc -m32 -c "$src/regs.S" -o "$out/bs_regs.o"
ld -m elf_i386 -nostdlib -Ttext=0x7c00 -e _start --oformat binary -o "$out/regs.raw" "$out/bs_regs.o"
size=$(stat -c %s "$out/regs.raw")
test "$size" -le 510 || { echo "regs.S is $size bytes, more than 510" >&2; exit 1; }
cp "$out/regs.raw" "$out/regs.bin"
truncate -s 512 "$out/regs.bin"
rm -f "$out/bs_regs.o" "$out/regs.raw"
