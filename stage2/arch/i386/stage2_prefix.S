/* stage2_prefix.S: the 16 bytes in front of the image in stage2/stage2: an El Torito BIOS enters at
 * offset 0 (no partition: DH = FFh), stage1 at offset 2 with DH set; both reach disk_entry in
 * entry.S, which moves the image that follows to its link address. Linked 16 bytes below it. */
	.code16
	.text
	.globl _prefix
_prefix:
	movb $0xff, %dh
	jmp disk_entry
	.org 16, 0
	.section .note.GNU-stack, "", @progbits
