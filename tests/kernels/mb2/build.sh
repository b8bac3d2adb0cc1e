#!/bin/sh
# build.sh OUTDIR: builds the Multiboot 2 test kernel as OUTDIR/mb2.elf (ELF32 carrying both a
# Multiboot 2 and a Multiboot 1 header) and OUTDIR/mb2_aout.bin (flat binary loaded through the
# Multiboot 2 address tag). Linked at 1 MiB with the Multiboot 1 kernel's script.
set -e
src=$(cd "$(dirname "$0")" && pwd)
out=$1
cflags="-m32 -march=i386 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -O2 -Wall"
ldflags="-m elf_i386 -nostdlib --no-warn-rwx-segments -T $src/../mb1/link.ld"
gcc $cflags -c "$src/report.c" -o "$out/mb2_report.o"
gcc $cflags -DBOTH -c "$src/start.S" -o "$out/mb2_start.o"
gcc $cflags -DAOUT -c "$src/start.S" -o "$out/mb2_start_aout.o"
ld $ldflags -o "$out/mb2.elf" "$out/mb2_start.o" "$out/mb2_report.o"
ld $ldflags -o "$out/mb2_aout.elf" "$out/mb2_start_aout.o" "$out/mb2_report.o"
objcopy -O binary "$out/mb2_aout.elf" "$out/mb2_aout.bin"
rm -f "$out"/mb2_*.o "$out/mb2_aout.elf"
