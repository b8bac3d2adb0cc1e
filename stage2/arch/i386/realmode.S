/* realmode.S: the one gateway between 32-bit protected mode and real mode (BIOS interrupts, far
 * calls into the PXE API, the final jump into a Linux kernel's real-mode setup), the GDT, and A20. */
#include "segments.h"

	.section .data16, "aw"
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat 4 GiB */
	.quad 0x00cf92000000ffff	/* 0x10: 32-bit data, flat 4 GiB */
	.quad 0x00009a000000ffff	/* 0x18: 16-bit code, base 0, 64 KiB */
	.quad 0x000092000000ffff	/* 0x20: 16-bit data, base 0, 64 KiB */
gdt_end:
	.globl gdt_desc
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
rm_idt_desc:
	.word 0x3ff
	.long 0

pm_saved_esp:	.long 0
	.globl rm_call_mode
rm_call_mode:	.byte 0		/* 0: int N, 1: far call with 3 words pushed, 2: jump to Linux */
	.balign 4
	.globl rm_far_ptr, rm_far_args, rm_linux_seg, rm_linux_sp
rm_far_ptr:	.long 0		/* segment:offset of the far call target */
rm_far_args:	.word 0, 0, 0	/* opcode, offset, segment: pushed for the PXE API */
rm_linux_seg:	.word 0
rm_linux_sp:	.word 0

	.section .text16, "ax"
	.code32
/* int realmode_call(struct bios_regs *regs): runs the operation chosen by rm_call_mode in real
 * mode with *regs loaded, and stores the registers as they came back into *regs. */
	.globl realmode_call
realmode_call:
	pushal
	movl %esp, pm_saved_esp
	/* Copy the register block onto the real-mode stack, where popal can take it. */
	movl 36(%esp), %esi
	movl $(RM_STACK_TOP - 44), %edi
	movl $11, %ecx
	cld
	rep movsl
	ljmp $SEL_CODE16, $1f
	.code16
1:	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0, $2f
2:	xorw %ax, %ax
	movw %ax, %ss
	movw $(RM_STACK_TOP - 44), %sp
	movw %ax, %ds
	lidt rm_idt_desc
	cmpb $2, rm_call_mode
	je rm_linux_jump
	popal
	popw %es
	popw %ds
	popw %fs
	popw %gs
	addw $4, %sp
	cmpb $0, %cs:rm_call_mode
	jne 3f
	sti
	.byte 0xcd			/* int imm8, patched by bios_int() */
	.globl rm_int_nr
rm_int_nr:
	.byte 0
	cli
	jmp 4f
3:	pushw %cs:rm_far_args+4
	pushw %cs:rm_far_args+2
	pushw %cs:rm_far_args
	sti
	lcall *%cs:rm_far_ptr
	cli
	addw $6, %sp
4:	pushfl
	pushw %gs
	pushw %fs
	pushw %ds
	pushw %es
	pushal
	xorw %ax, %ax
	movw %ax, %ds
	lgdt gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE32, $5f
	.code32
5:	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl pm_saved_esp, %esp
	movl 36(%esp), %edi
	movl $(RM_STACK_TOP - 44), %esi
	movl $11, %ecx
	cld
	rep movsl
	popal
	ret

	.code16
/* Enter a Linux kernel's real-mode setup at rm_linux_seg (boot protocol: segments = base,
 * stack at base:rm_linux_sp, jump to base+0x20:0). Never returns. */
rm_linux_jump:
	movw rm_linux_sp, %sp
	movw rm_linux_seg, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	addw $0x20, %ax
	pushw %ax
	pushw $0
	lret

/* Switch from real mode to protected mode and jump to the 32-bit address in %ebx.
 * Called (jumped to) by the entry stubs with interrupts off and DS = 0; keeps %eax and %esi. */
	.globl rm_to_pm
rm_to_pm:
	lgdt gdt_desc
	movl %cr0, %ecx
	orl $1, %ecx
	movl %ecx, %cr0
	ljmp $SEL_CODE32, $1f
	.code32
1:	movw $SEL_DATA32, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %ss
	movw %cx, %fs
	movw %cx, %gs
	jmp *%ebx

	.code16
/* Enable the A20 line: BIOS first (INT 15h AX=2401), then the fast A20 port 0x92.
 * Real mode, DS = 0. Clobbers AX. */
	.globl a20_enable_rm
a20_enable_rm:
	call a20_check
	jnz 9f
	movw $0x2401, %ax
	sti
	int $0x15
	cli
	call a20_check
	jnz 9f
	inb $0x92, %al
	orb $0x02, %al
	andb $0xfe, %al
	outb %al, $0x92
	call a20_check
9:	ret

/* ZF clear when A20 is on: writes 0:0x500 and its 1 MiB alias 0xFFFF:0x510 and sees whether
 * they are the same byte. Both bytes are restored (the lkrn payload may live at 1 MiB). */
a20_check:
	pushw %ds
	pushw %es
	pushw %bx
	pushw %cx
	xorw %ax, %ax
	movw %ax, %ds
	notw %ax
	movw %ax, %es
	movb 0x500, %bl
	movb %es:0x510, %bh
	movb $0x5a, 0x500
	movb $0xa5, %es:0x510
	movb 0x500, %cl
	movb %bh, %es:0x510
	movb %bl, 0x500
	cmpb $0xa5, %cl
	popw %cx
	popw %bx
	popw %es
	popw %ds
	ret

	.section .note.GNU-stack, "", @progbits
