/* start.S: the Multiboot 1 test kernel's header and entry: a stack, then report(magic, info).
 * Built twice: as ELF (flags: page-aligned modules, memory info) and, with -DAOUT, as a flat
 * binary carrying the a.out kludge's address fields (flag 16). */
#define MB1_MAGIC 0x1BADB002
#ifdef AOUT
#define MB1_FLAGS 0x00010003
#else
#define MB1_FLAGS 0x00000003
#endif

	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	jmp entry
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
#ifdef AOUT
	.long mb1_header      /* header_addr */
	.long _start          /* load_addr */
	.long _edata          /* load_end_addr */
	.long _end            /* bss_end_addr */
	.long entry           /* entry_addr */
#endif
entry:
	movl $stack_top, %esp
	pushl $0
	popfl
	pushl %ebx
	pushl %eax
	call report
1:	cli
	hlt
	jmp 1b

	.section .bss
	.balign 16
stack:	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
