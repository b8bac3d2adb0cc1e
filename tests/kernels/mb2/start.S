/* start.S: the Multiboot 2 test kernel's header and entries. The header asks for every
 * information tag osprey gives (required), names a second entry point through the entry
 * address tag (the kernel reports which one ran), says it supports EGA text, asks for a
 * framebuffer only optionally, wants aligned modules and calls itself relocatable. Built as ELF
 * with a Multiboot 1 header as well (-DBOTH: it must come up through Multiboot 2), and with
 * -DAOUT as a flat binary loaded by the address tag. */
#define MB2_MAGIC 0xE85250D6
#define MB1_MAGIC 0x1BADB002

	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	jmp entry
	.balign 8, 0
mb2_header:
	.long MB2_MAGIC, 0, mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* information request (required) */
	.short 1, 0
	.long info_req_end - . + 4
#ifdef AOUT
	.long 1, 2, 3, 4, 6, 8, 16, 21
#else
	.long 1, 2, 3, 4, 6, 8, 9, 16, 21
#endif
info_req_end:
	.balign 8, 0
	.short 3, 0               /* entry address */
	.long 12
	.long entry_tag
	.balign 8, 0
	.short 4, 0               /* console flags: a console required, EGA text supported */
	.long 12
	.long 3
	.balign 8, 0
	.short 5, 1               /* framebuffer, optional: osprey keeps text mode */
	.long 20
	.long 1024, 768, 32
	.balign 8, 0
	.short 6, 0               /* module alignment */
	.long 8
	.balign 8, 0
	.short 10, 0              /* relocatable (osprey loads it where linked when it can) */
	.long 24
	.long 0x100000, 0x10000000, 4096, 1
#ifdef AOUT
	.balign 8, 0
	.short 2, 0               /* address: header_addr, load_addr, load_end_addr, bss_end_addr */
	.long 24
	.long mb2_header, _start, _edata, _end
#endif
	.balign 8, 0
	.short 0, 0               /* end */
	.long 8
mb2_header_end:
#ifdef BOTH
	.balign 4, 0
mb1_header:
	.long MB1_MAGIC, 3, -(MB1_MAGIC + 3)
#endif
entry_tag:
	movl $1, via_entry_tag
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

	.section .data
	.globl via_entry_tag
	.balign 4
via_entry_tag:	.long 0

	.section .bss
	.balign 16
stack:	.space 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
