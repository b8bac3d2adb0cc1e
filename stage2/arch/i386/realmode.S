/* realmode.S: the one gateway between 32-bit protected mode and real mode (BIOS interrupts, far
 * calls into the PXE API, idling until an interrupt, the final jump into a Linux kernel's
 * real-mode setup), the GDT, and A20. */
#include "segments.h"
#include "a20_codes.h"

/* CMOS index port: bit 7 set masks NMI. Index 0x0D (status D) is harmless to leave selected. */
#define CMOS_NMI_OFF 0x8d
#define CMOS_NMI_ON 0x0d

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
	.globl rm_call_mode, a20_status, rm_idle_irq, rm_idle_port
rm_call_mode:	.byte 0		/* RM_INT, RM_FAR_CALL, RM_LINUX, RM_IDLE or RM_A20 (bios.h) */
a20_status:	.byte A20_NOT_RUN	/* what the last a20_enable_rm did (a20_codes.h) */
rm_idle_irq:	.byte 0xff	/* RM_IDLE: the serial port's IRQ (3 or 4) to wake on, 0xff: none */
	.balign 2
rm_idle_port:	.word 0		/* RM_IDLE: that port's base */
	.balign 4
	.globl rm_far_ptr, rm_far_args, rm_linux_seg, rm_linux_sp
rm_far_ptr:	.long 0		/* segment:offset of the far call target */
rm_far_args:	.word 0, 0, 0	/* opcode, offset, segment: pushed for the PXE API */
rm_linux_seg:	.word 0
rm_linux_sp:	.word 0

	.section .text16, "ax"
	.code32
/* int realmode_call(struct bios_regs *regs): runs the operation chosen by rm_call_mode in real
 * mode with *regs loaded, and stores the registers as they came back into *regs. The caller's
 * EFLAGS (interrupts off) come back as they were; NMI is masked across both mode switches; the
 * real-mode IVT is loaded going down and osprey's IDT (pm_idt_desc, idt.c) coming back. */
	.globl realmode_call
realmode_call:
	pushfl
	cli
	pushal
	movl %esp, pm_saved_esp
	/* Copy the register block onto the real-mode stack, where popal can take it. */
	movl 40(%esp), %esi
	movl $(RM_STACK_TOP - 44), %edi
	movl $11, %ecx
	cld
	rep movsl
	movb $CMOS_NMI_OFF, %al
	outb %al, $0x70
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
	movb $CMOS_NMI_ON, %al
	outb %al, $0x70
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
3:	cmpb $3, %cs:rm_call_mode
	jne 6f
	call rm_idle
	jmp 4f
6:	cmpb $4, %cs:rm_call_mode
	jne 7f
	call a20_enable_rm
	jmp 4f
7:	pushw %cs:rm_far_args+4
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
	movb $CMOS_NMI_OFF, %al
	outb %al, $0x70
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
	lidt pm_idt_desc
	movl 40(%esp), %edi
	movl $(RM_STACK_TOP - 44), %esi
	movl $11, %ecx
	cld
	rep movsl
	movb $CMOS_NMI_ON, %al
	outb %al, $0x70
	popal
	popfl
	ret

	.code16
/* RM_IDLE: halt until an interrupt: the BIOS timer tick (18.2 Hz), the keyboard, or, when the
 * serial console's IRQ is free (masked at the PIC: no BIOS code uses it), the UART's receive
 * interrupt, borrowed for the halt alone: our own vector, IER = received data, MCR OUT2 (which
 * gates the IRQ line on a PC), unmasked; all put back afterwards. Clobbers AX, BX, CX, DX, SI. */
rm_idle:
	xorw %ax, %ax
	movw %ax, %ds
	movb rm_idle_irq, %cl
	cmpb $8, %cl
	jae 8f
	inb $0x21, %al
	movb %al, %ch			/* PIC1 mask as we found it */
	movb $1, %bl
	shlb %cl, %bl
	testb %bl, %al
	jz 8f				/* unmasked: the IRQ is someone else's */
	movzbw %cl, %si
	addw $8, %si
	shlw $2, %si			/* IVT slot of IRQ cl (vectors 8-15) */
	pushl (%si)
	movw $rm_uart_isr, (%si)
	movw $0, 2(%si)
	movw rm_idle_port, %dx
	addw $4, %dx			/* MCR */
	inb %dx, %al
	pushw %ax
	orb $0x08, %al
	outb %al, %dx
	subw $3, %dx			/* IER */
	movb $0x01, %al
	outb %al, %dx
	movb %bl, %al
	notb %al
	andb %ch, %al
	outb %al, $0x21
	sti
	hlt
	cli
	movb %ch, %al
	outb %al, $0x21
	xorb %al, %al
	outb %al, %dx			/* IER = 0 */
	addw $3, %dx
	popw %ax
	outb %al, %dx			/* MCR back */
	popl (%si)
	ret
8:	sti
	hlt
	cli
	ret

/* The UART's interrupt while idle: only wakes the halt; the data is read by the polling code. */
rm_uart_isr:
	pushw %ax
	movb $0x20, %al
	outb %al, $0x20			/* EOI to PIC1 */
	popw %ax
	iret

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
 * Called (jumped to) by the entry stubs with interrupts off and DS = 0; keeps %eax and %esi.
 * NMI stays masked until idt_init() has an IDT to take it. */
	.globl rm_to_pm
rm_to_pm:
	movw %ax, %cx
	movb $CMOS_NMI_OFF, %al
	outb %al, $0x70
	movw %cx, %ax
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
/* Enable A20 (a20_rm.inc) and record how in a20_status for the C side (a20.c) to check and
 * report. Real mode, interrupts off. Clobbers AX. */
	.globl a20_enable_rm
a20_enable_rm:
	call rm_a20_enable
	movb %al, %cs:a20_status
	ret

#define A20_FN(name) rm_a20_##name
#include "a20_rm.inc"

	.section .note.GNU-stack, "", @progbits
