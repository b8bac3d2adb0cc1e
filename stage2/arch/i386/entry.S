/* entry.S: the image's entry points: the PXE NBP entry (loaded at 0:7C00, moves the image up to
 * its link address), the disk entry (stage1 or an El Torito BIOS through the stage2 prefix), the
 * relocator the .lkrn setup stub jumps to, and the common 32-bit start that clears bss and calls
 * main(). */
#include "segments.h"

	.section .text16.entry, "ax"
	.code16
	.globl _start
_start:
	/* PXE ROM: CS:IP = 0:7C00 (or 07C0:0), ES:BX = PXENV+, SS:SP+4 = far pointer to !PXE.
	 * The image is linked at _start_image, above 0x7C00 so that a chained boot sector or NBP
	 * can go there later. Until the far jump below the code runs where the ROM put it, so it
	 * is position independent: relative jumps, no absolute address, and no stack but the
	 * ROM's. The PXE pointers wait in registers: ebp = !PXE, edx = PXENV+. */
	cli
	movw %sp, %bp
	movl %ss:4(%bp), %ebp
	movw %es, %dx
	shll $16, %edx
	movw %bx, %dx
	movw $BOOT_NBP, %di
	jmp move_up

	/* Disk boot: stage1 (at 0:7E00) or an El Torito BIOS (at 0:7C00) loaded stage2, whose
	 * 16-byte prefix (stage2_prefix.S) jumps here with DL = BIOS drive, DH = the partition
	 * stage1 was installed for (FFh: none). Same move as the NBP's; no PXE pointers. */
	.globl disk_entry
disk_entry:
	cli
	xorl %ebp, %ebp
	movzwl %dx, %edx
	movw $BOOT_DISK, %di
move_up:
	pushw %di			/* the copy below uses di */
	call 1f
1:	popw %si
	subw $(1b - _start), %si
	shrw $4, %si
	movw %cs, %ax
	addw %si, %ax			/* ax = segment the image was loaded at (0x7C0) */
	movw $_start_image_seg, %bx	/* bx = segment of the link address */
	cmpw %bx, %ax
	ja 9f				/* loaded above the link address: cannot happen with PXE */
	/* Destination above the source and overlapping: copy backwards, one paragraph at a
	 * time from the end (the image is > 64 KiB, so no single segment covers it). */
	movw $_image_paras, %cx
	addw %cx, %ax
	addw %cx, %bx
	std
2:	decw %ax
	decw %bx
	movw %ax, %ds
	movw %bx, %es
	movw $12, %si
	movw $12, %di
	.rept 4
	movsl
	.endr
	loop 2b
	cld
	ljmp $0, $nbp_moved		/* ax = source segment, bx = link segment again */
9:	hlt
	jmp 9b

	.globl nbp_moved
nbp_moved:
	/* Clear the stale copy the ROM left below the link address: 0x7C00 is for chained code,
	 * and nothing there may look like osprey. */
	subw %ax, %bx
	shlw $3, %bx
	movw %bx, %cx
	movw %ax, %es
	xorw %di, %di
	xorw %ax, %ax
	rep stosw
	xorw %cx, %cx
	movw %cx, %ds
	popw %di			/* BOOT_NBP or BOOT_DISK */
	cmpw $BOOT_DISK, %di
	jne 2f
	movw %dx, disk_boot_dx
	jmp 3f
2:	movl %ebp, nbp_pxe_ptr
	movl %edx, nbp_pxenv_ptr
3:	movw %ss, nbp_saved_ss
	movw %sp, nbp_saved_sp
	movw %cx, %ss
	movw $RM_STACK_TOP, %sp
	call a20_enable_rm
	movzwl %di, %eax
	xorl %esi, %esi
	movl $pm_start, %ebx
	jmp rm_to_pm

	.section .data16, "aw"
	.balign 4
	.globl nbp_pxe_ptr, nbp_pxenv_ptr, nbp_saved_ss, nbp_saved_sp
nbp_pxe_ptr:	.long 0		/* segment:offset of !PXE as the ROM passed it */
nbp_pxenv_ptr:	.long 0		/* segment:offset of PXENV+ */
nbp_saved_ss:	.word 0
nbp_saved_sp:	.word 0
	.globl disk_boot_dx
disk_boot_dx:	.word 0xffff	/* disk boot: DL = BIOS drive, DH = partition (FFh: none) */

	.text
	.code32
/* Entered from the .lkrn setup stub in 32-bit flat mode while the image still sits where the
 * Linux loader put it (usually 1 MiB). %esi: loader's command line (or 0). Copies the command
 * line to just past the image, moves the image to its link address, then starts it. Only
 * position-independent code up to the final jump. */
	.globl lkrn_relocate
lkrn_relocate:
	call 1f
1:	popl %ebx
	movl $1b, %ecx
	subl $_start_image, %ecx
	subl %ecx, %ebx				/* ebx = where the image is now */
	movl $_end_image, %edx
	subl $_start_image, %edx		/* image size */
	/* Command line -> ebx + size (past the image, RAM the loader just used). */
	leal (%ebx,%edx), %edi
	movl %edi, %ebp
	testl %esi, %esi
	jz 3f
	movl $1023, %ecx
2:	lodsb
	testb %al, %al
	jz 3f
	stosb
	loop 2b
3:	movb $0, (%edi)
	/* Move the image down to its link address (dest < src: a forward copy is safe). */
	movl %ebx, %esi
	movl $_start_image, %edi
	movl %edx, %ecx
	cld
	rep movsb
	movl $BOOT_LKRN, %eax
	movl %ebp, %esi
	movl $pm_start, %ebx
	jmp *%ebx

/* Common 32-bit start. %eax: BOOT_NBP, BOOT_DISK or BOOT_LKRN, %esi: command line copy or 0. */
pm_start:
	/* Our own GDT: the .lkrn stub's copy may just have been overwritten by the move. */
	lgdt gdt_desc
	ljmp $SEL_CODE32, $1f
1:	movw $SEL_DATA32, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %ss
	movw %cx, %fs
	movw %cx, %gs
	movl $pm_stack_top, %esp
	movl %eax, %edx
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	cld
	rep stosb
	pushl %esi
	pushl %edx
	call main
	/* main() does not return; if it does, stop here. */
9:	cli
	hlt
	jmp 9b

	.bss
	.balign 16
pm_stack:
	.space 32768
pm_stack_top:

	.section .note.GNU-stack, "", @progbits
