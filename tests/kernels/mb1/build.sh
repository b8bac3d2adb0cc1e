#!/bin/sh
# build.sh OUTDIR: builds the Multiboot 1 test kernel as OUTDIR/mb1.elf (ELF32) and
# OUTDIR/mb1_aout.bin (flat binary loaded through the a.out kludge's address fields).
set -e
src=$(cd "$(dirname "$0")" && pwd)
out=$1
cflags="-m32 -march=i386 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -O2 -Wall"
ldflags="-m elf_i386 -nostdlib --no-warn-rwx-segments -T $src/link.ld"
gcc $cflags -c "$src/report.c" -o "$out/mb1_report.o"
gcc $cflags -c "$src/start.S" -o "$out/mb1_start.o"
gcc $cflags -DAOUT -c "$src/start.S" -o "$out/mb1_start_aout.o"
ld $ldflags -o "$out/mb1.elf" "$out/mb1_start.o" "$out/mb1_report.o"
ld $ldflags -o "$out/mb1_aout.elf" "$out/mb1_start_aout.o" "$out/mb1_report.o"
objcopy -O binary "$out/mb1_aout.elf" "$out/mb1_aout.bin"
rm -f "$out"/mb1_*.o "$out/mb1_aout.elf"
