/* regs.S: a test boot sector for `chainloader --force`: it reports on COM1 what it was started
 * with (DL, DS:SI and the 16 bytes there, SS:SP, CS:IP) as one "BOOTSECT ..." line, then halts.
 * It carries no 55AAh signature on purpose (build.sh pads it to 512 bytes with zeros). */
	.code16
	.text
	.globl _start
_start:
	mov %sp, %cs:sp0
	mov %ss, %cs:ss0
	mov %ds, %cs:ds0
	mov %si, %cs:si0
	mov %dl, %cs:dl0
	call 1f
1:	pop %ax                 /* where it runs: 0x7C00 + (1b - _start) at CS 0 */
	sub $(1b - _start), %ax
	mov %ax, %cs:ip0
	mov %cs, %cs:cs0
	xor %ax, %ax
	mov %ax, %es
	mov $entry, %di
	mov $16, %cx
	cld
	rep movsb               /* DS:SI (the partition entry) to entry */
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7000, %sp
	mov $m_dl, %si
	call puts
	mov dl0, %al
	call hex8
	mov $m_ds, %si
	call puts
	mov ds0, %ax
	call hex16
	mov $':', %al
	call putc
	mov si0, %ax
	call hex16
	mov $m_ss, %si
	call puts
	mov ss0, %ax
	call hex16
	mov $':', %al
	call putc
	mov sp0, %ax
	call hex16
	mov $m_cs, %si
	call puts
	mov cs0, %ax
	call hex16
	mov $':', %al
	call putc
	mov ip0, %ax
	call hex16
	mov $m_entry, %si
	call puts
	mov $entry, %bx
2:	mov (%bx), %al
	call hex8
	inc %bx
	cmp $entry + 16, %bx
	jne 2b
	mov $m_end, %si
	call puts
3:	cli
	hlt
	jmp 3b

/* The NUL-terminated string at DS:SI to COM1. */
puts:	lodsb
	test %al, %al
	jz 4f
	call putc
	jmp puts
4:	ret

hex16:	push %ax
	mov %ah, %al
	call hex8
	pop %ax
hex8:	push %ax
	shr $4, %al
	call hex4
	pop %ax
hex4:	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe putc
	add $('A' - '9' - 1), %al
/* AL to COM1 once its transmitter is empty. */
putc:	push %dx
	push %ax
5:	mov $0x3fd, %dx
	in %dx, %al
	test $0x20, %al
	jz 5b
	pop %ax
	mov $0x3f8, %dx
	out %al, %dx
	pop %dx
	ret

m_dl:	.asciz "\r\nBOOTSECT DL="
m_ds:	.asciz " DS:SI="
m_ss:	.asciz " SS:SP="
m_cs:	.asciz " CS:IP="
m_entry: .asciz " ENTRY="
m_end:	.asciz " END\r\n"
dl0:	.byte 0
	.balign 2
sp0:	.word 0
ss0:	.word 0
ds0:	.word 0
si0:	.word 0
cs0:	.word 0
ip0:	.word 0
entry:	.fill 16, 1, 0
