/* lkrn_setup.S: the Linux boot-protocol header and real-mode setup stub that make osprey.lkrn
 * loadable by any Linux loader (qemu -kernel, PXELINUX, GRUB 2 linux16, iPXE). The loader puts
 * this setup at X:0 and the stage2 image (the protected-mode part) at code32_start (1 MiB); the
 * stub switches to protected mode and jumps to the image's relocator. Field offsets from
 * Documentation/arch/x86/boot.rst. */
#include "segments.h"
#include "a20_codes.h"

	.section .lkrn.setup, "ax"
	.code16
	.globl lkrn_bootsect
lkrn_bootsect:
	/* Started from a floppy by mistake: say so and stop. */
	ljmp $0x07c0, $1f
1:	movw %cs, %ax
	movw %ax, %ds
	movw $nofloppy_msg, %si
2:	lodsb
	testb %al, %al
	jz 3f
	movb $0x0e, %ah
	movw $7, %bx
	int $0x10
	jmp 2b
3:	hlt
	jmp 3b
nofloppy_msg:
	.asciz "osprey.lkrn is a Linux-boot-protocol image: load it with a Linux loader.\r\n"

	.org 0x1f1
setup_sects:	.byte lkrn_setup_sects
root_flags:	.word 0
syssize:	.long lkrn_syssize
ram_size:	.word 0
vid_mode:	.word 0xffff
root_dev:	.word 0
boot_flag:	.word 0xaa55
	/* 0x200: the loader jumps here (X+0x20:0). */
	jmp setup_start
	.ascii "HdrS"
version:	.word 0x0206
realmode_swtch:	.long 0
start_sys_seg:	.word 0x1000
kernel_version:	.word kversion - 0x200
type_of_loader:	.byte 0
loadflags:	.byte 0x01		/* LOADED_HIGH: the image goes to 1 MiB */
setup_move_size: .word 0x8000
code32_start:	.long 0x100000
ramdisk_image:	.long 0
ramdisk_size:	.long 0
bootsect_kludge: .long 0
heap_end_ptr:	.word 0
ext_loader_ver:	.byte 0
ext_loader_type: .byte 0
cmd_line_ptr:	.long 0
initrd_addr_max: .long 0x7fffffff
kernel_alignment: .long 0
relocatable_kernel: .byte 0
min_alignment:	.byte 0
xloadflags:	.word 0
cmdline_size:	.long 1023

kversion:
	.asciz "osprey 0.1"

/* Real mode, CS = X+0x20, DS = ES = SS = X. Load a flat GDT built at run time (its base
 * depends on X), enter protected mode, and jump to the image's relocator. */
setup_start:
	cli
	movw %cs, %ax
	subw $0x20, %ax
	movw %ax, %ds
	movzwl %ax, %ebp
	shll $4, %ebp				/* ebp = X linear */
	call lkrn_a20
	leal lkrn_gdt(%ebp), %eax
	movl %eax, lkrn_gdt_desc+2
	lgdtl lkrn_gdt_desc
	movl cmd_line_ptr, %esi
	movl code32_start, %ebx
	addl $_lkrn_relocate_offset, %ebx		/* where the relocator is now */
	leal 1f(%ebp), %eax
	movl %cr0, %ecx
	orl $1, %ecx
	movl %ecx, %cr0
	pushl $SEL_CODE32
	pushl %eax
	lretl
	.code32
1:	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	jmp *%ebx

	.code16
/* A20 for the stub (a20_rm.inc: BIOS, 8042, port 0x92, verified, retried). When it stays off
 * nothing at 1 MiB (where the image is) can work: say so on screen and serial line, stop. */
lkrn_a20:
	call lkrn_a20_enable
	cmpb $A20_FAILED, %al
	jne 9f
	movw $a20_fail_msg, %si
1:	lodsb
	testb %al, %al
	jz 2f
	pushw %ax
	movb $0x0e, %ah
	movw $7, %bx
	int $0x10
	popw %ax
	movb $0x01, %ah
	xorw %dx, %dx
	int $0x14
	jmp 1b
2:	cli
	hlt
	jmp 2b
9:	ret
a20_fail_msg:
	.asciz "osprey: A20 could not be enabled (BIOS INT 15h, keyboard controller, port 0x92); stopped.\r\n"
#define A20_FN(name) lkrn_a20_##name
#include "a20_rm.inc"

	.balign 8
lkrn_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
lkrn_gdt_desc:
	.word 3 * 8 - 1
	.long 0

	.section .note.GNU-stack, "", @progbits
