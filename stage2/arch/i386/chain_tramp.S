/* chain_tramp.S: the last code osprey runs before a chained program: copied below 0x7C00
 * because it overwrites osprey itself (the image at 0x8000 lies where the program goes), it
 * copies the program to 0:7C00, leaves protected mode and jumps there with the registers and
 * stack its caller chose: for a PXE NBP what a PXE ROM gives (PXE 2.1: CS:IP 0:7C00, ES:BX
 * PXENV+, SS:SP with the !PXE far pointer at SS:SP+4), for a boot sector what a BIOS or an MBR
 * gives (DL the drive, DS:SI a partition table entry); interrupts on. It carries its own GDT,
 * since osprey's is overwritten. */
#include "segments.h"

/* An address inside the trampoline once it sits at CHAIN_TRAMP_ADDR. */
#define T(x) (CHAIN_TRAMP_ADDR + ((x) - chain_tramp))
#define CMOS_NMI_OFF 0x8d
#define CMOS_NMI_ON 0x0d

	.text
	.code32
	.globl chain_tramp, chain_tramp_end, chain_tramp_params, chain_tramp_return
/* Entered by a near jump to CHAIN_TRAMP_ADDR, interrupts off, with the parameters filled in. */
chain_tramp:
	cli
	movb $CMOS_NMI_OFF, %al
	outb %al, $0x70
	lgdt T(tr_gdt_desc)
	ljmp $SEL_CODE32, $T(1f)
1:	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl T(tp_src), %esi
	movl $PXE_LOAD_ADDR_C, %edi
	movl T(tp_len), %ecx
	cld
	rep movsb
	ljmp $SEL_CODE16, $T(2f)
	.code16
2:	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0, $T(3f)
3:	xorw %ax, %ax
	movw %ax, %ds
	lidt T(tr_idt_desc)
	movw T(tp_ss), %ss
	movw T(tp_sp), %sp
	xorl %ebx, %ebx
	lesw T(tp_pxenv), %bx
	movb $CMOS_NMI_ON, %al
	outb %al, $0x70
	xorl %eax, %eax
	xorl %ecx, %ecx
	movl T(tp_edx), %edx
	movl T(tp_esi), %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	movw %ax, %ds
	movw %ax, %fs
	movw %ax, %gs
	sti
	ljmp $0, $PXE_LOAD_ADDR_C

/* Where a program returns to when osprey built its stack (no ROM stack to return to): what a
 * BIOS does when a boot device gives up (INT 18h, BIOS Boot Specification), then halt. */
chain_tramp_return:
	int $0x18
4:	cli
	hlt
	jmp 4b

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x10: 32-bit data, flat */
	.quad 0x00009a000000ffff	/* 0x18: 16-bit code, base 0, 64 KiB */
	.quad 0x000092000000ffff	/* 0x20: 16-bit data, base 0, 64 KiB */
tr_gdt_end:
tr_gdt_desc:
	.word tr_gdt_end - tr_gdt - 1
	.long T(tr_gdt)
tr_idt_desc:
	.word 0x3ff
	.long 0
	.balign 4
chain_tramp_params:			/* struct chain_params (chain.h) */
tp_src:		.long 0
tp_len:		.long 0
tp_pxenv:	.long 0			/* offset, segment: what LES takes */
tp_ss:		.word 0
tp_sp:		.word 0
tp_edx:		.long 0			/* DL: a boot sector's BIOS drive */
tp_esi:		.long 0			/* SI: its partition table entry (DS = 0) */
chain_tramp_end:
/* It must end below 0:07BE, where a chained partition boot sector's table entry is put
 * (bootsect_boot.c checks; gas cannot, the size is known only after relaxation). */

	.section .note.GNU-stack, "", @progbits
