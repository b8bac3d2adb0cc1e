/* stage1.S: osprey's 512-byte boot sector: loads stage2 from the block list osprey-install writes
 * into it (INT 13h extensions, CHS when the BIOS has none), to 0:7E00, and enters it at 0:7E02
 * with DL = BIOS drive, DH = partition. Facts: IBM PC BIOS INT 13h AH=00h/02h/08h, Phoenix EDD
 * 3.0 AH=41h/42h; the MBR layout (disk signature at 1B8h, partition table at 1BEh, 55AAh). */

#define LOAD_SEG	0x7e0		/* stage2 goes to 0:7E00, right after this sector */
#define STAGE2_ENTRY	0x7e02		/* its prefix's disk entry (stage2_prefix.S) */
#define TRIES		3

	.code16
	.text
	.globl _start
_start:
	jmp start			/* EB xx 90: what a FAT boot sector starts with */
	nop

	/* 03h-3Dh: the BPB of a FAT12/16 volume (a floppy); the installer keeps it. */
	.org 0x3e
params:					/* written by osprey-install; layout in docs/disks.md */
	.ascii "OSP1"			/* 3Eh: magic and version of this block */
p_drive:	.byte 0xff		/* 42h: BIOS drive to read, FFh: the one in DL */
p_part:		.byte 0xff		/* 43h: partition passed to stage2 in DH, FFh: none */
blocklist:				/* 44h: 2 runs of { u32 LBA, u16 count }, count 0 ends */
	.fill 2 * 6, 1, 0
blocklist_end:

start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7c00, %sp
	sti
	cld				/* only relative jumps and calls: CS may be 07C0h */
	movw $vars, %bp			/* the variables, addressed as d(%bp) (shorter) */
	movb p_drive, %al
	cmpb $0xff, %al
	je 2f
	movb %al, %dl
2:	movb %dl, drive-vars(%bp)
	cmpw $0, blocklist + 4
	movw $msg_nolist, %si
	je fail
	/* LBA when the BIOS has the extensions' fixed-disk subset (AH=41h, CX bit 0). */
	movb $0x41, %ah
	movw $0x55aa, %bx
	int $0x13
	jc chs
	cmpw $0xaa55, %bx
	jne chs
	testb $1, %cl
	jz chs
	incb use_lba-vars(%bp)
	jmp load
chs:	movb $0x08, %ah
	movb drive-vars(%bp), %dl
	int $0x13
	movb %ah, status-vars(%bp)
	jc disk_error
	andw $0x3f, %cx
	movw %cx, spt-vars(%bp)
	movzbw %dh, %ax
	incw %ax
	movw %ax, heads-vars(%bp)		/* the high words of spt and heads stay 0 */

load:	movw $blocklist, %si
run:	movw 4(%si), %cx
	jcxz done
	movl (%si), %eax
1:	call read_sector
	incl %eax
	addw $0x20, seg-vars(%bp)
	loop 1b
	addw $6, %si
	cmpw $blocklist_end, %si
	jb run
done:	movb drive-vars(%bp), %dl
	movb p_part, %dh
	ljmp $0, $STAGE2_ENTRY

/* Read sector EAX (LBA) to seg:0, TRIES times with a drive reset between; all registers kept. */
read_sector:
	movb $TRIES, tries-vars(%bp)
rs_try:
	pushal
	cmpb $0, use_lba-vars(%bp)
	je 1f
	movl %eax, dap_lba-vars(%bp)
	movw seg-vars(%bp), %ax
	movw %ax, dap_seg-vars(%bp)
	movw $dap, %si
	movb $0x42, %ah
	jmp 2f
1:	xorl %edx, %edx
	divl spt-vars(%bp)			/* eax = track, dx = sector - 1 */
	movw %dx, %cx
	incw %cx
	xorl %edx, %edx
	divl heads-vars(%bp)			/* eax = cylinder, dx = head; cylinder bits above 9
					 * are dropped: nothing checks stage2 lies below
					 * cylinder 1024 (docs/images.md "CHS reach") */
	movb %al, %ch
	shlb $6, %ah
	orb %ah, %cl
	movb %dl, %dh
	movw seg-vars(%bp), %es
	xorw %bx, %bx
	movw $0x0201, %ax
2:	movb drive-vars(%bp), %dl
	int $0x13
	movb %ah, status-vars(%bp)
	popal				/* keeps CF */
	jnc 3f
	decb tries-vars(%bp)
	jz disk_error
	pushal
	xorw %ax, %ax
	movb drive-vars(%bp), %dl
	int $0x13
	popal
	jmp rs_try
3:	ret
/* "disk error NN": the BIOS status of the geometry query or the last read, in hex. */
disk_error:
	movw $msg_disk, %si
	call print
	movb status-vars(%bp), %al
	aam $16				/* ah = high digit, al = low digit */
	pushw %ax
	movb %ah, %al
	call hexdigit
	popw %ax
	call hexdigit
	jmp 9f
fail:	call print
9:	hlt
	jmp 9b

hexdigit:			/* AL (0-15) as a hex digit */
	cmpb $10, %al
	sbbb $0x69, %al
	das
/* One character on the screen (INT 10h AH=0Eh); no room for the serial port too. */
putc:	pusha
	movw $0x0007, %bx
	movb $0x0e, %ah
	int $0x10
	popa
	ret
/* The NUL-terminated string at SI. */
print:	lodsb
	testb %al, %al
	jz 1f
	call putc
	jmp print
1:	ret

msg_nolist:	.asciz "no stage2"
msg_disk:	.asciz "disk error "

vars:
dap:		.byte 16, 0
		.word 1, 0			/* one sector to seg:0 */
dap_seg:	.word 0
dap_lba:	.long 0, 0
seg:		.word LOAD_SEG
spt:		.long 0
heads:		.long 0
drive:		.byte 0
use_lba:	.byte 0
tries:		.byte 0
status:		.byte 0

	/* The disk signature (1B8h) and partition table (1BEh-1FDh) belong to the disk: the code
	 * must end before them (.org fails the build otherwise), and the installer keeps them. */
	.org 0x1b8
	.fill 0x1fe - 0x1b8, 1, 0
	.byte 0x55, 0xaa
