/* exceptions.S: entry stubs for CPU exceptions 0-31: each pushes its vector (and a 0 where the
 * CPU pushes no error code), saves the registers and calls exception_report() on a stack of
 * its own, so a report works whatever state the faulting code left its stack in. */
#include "segments.h"

	.text
	.code32
/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.13). */
.macro EXC_NOERR n
exc_\n:
	pushl $0
	pushl $\n
	jmp exc_common
.endm
.macro EXC_ERR n
exc_\n:
	pushl $\n
	jmp exc_common
.endm

EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR 8
EXC_NOERR 9
EXC_ERR 10
EXC_ERR 11
EXC_ERR 12
EXC_ERR 13
EXC_ERR 14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR 17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR 21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR 29
EXC_ERR 30
EXC_NOERR 31

/* Stack here: vector, error code, EIP, CS, EFLAGS (the faulting code's stack). Save the rest
 * into a struct exc_frame (idt.h) there, then move to exc_stack with flat segments. */
exc_common:
	cld
	pushal
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	movl %esp, %eax
	movw $SEL_DATA32, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %ss
	movl $exc_stack_top, %esp
	pushl %eax
	call exception_report
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 4
	.globl exc_stubs
exc_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long exc_\n
	.endr

	.bss
	.balign 16
exc_stack:
	.space 8192
exc_stack_top:

	.section .note.GNU-stack, "", @progbits
