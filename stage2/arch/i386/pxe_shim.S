/* pxe_shim.S: the real-mode PXE API front a chained NBP calls (pxe_shim.h): GET_CACHED_INFO for
 * the DHCPACK (type 2) and the cached reply (3) is answered from osprey's patched packets, every
 * other call far-jumps to the ROM's entry with the registers and stack as the caller left them;
 * INT 1Ah AX=5650h returns the shim's PXENV+. Copied to a block of its own in base memory and run
 * with CS at its start (offset 0), so it addresses everything through CS. PXE 2.1: !PXE callers
 * push the parameter block's segment:offset and the opcode and make a far call; PXENV+ callers
 * pass BX = opcode and ES:DI = the parameter block; both get the result in AX. */

/* An offset inside the block. */
#define S(x) ((x) - pxe_shim)
#define GET_CACHED_INFO 0x0071
#define UNLOAD_STACK 0x0070
#define IVT_INT1A 0x68
#define BDA_BASE_KIB 0x413

	.text
	.code16
	.globl pxe_shim, pxe_shim_end, pxe_shim_bang, pxe_shim_pxenv, pxe_shim_int1a
pxe_shim:				/* struct pxe_shim_vars */
sv_bang_entry:	.long 0
sv_pxenv_entry:	.long 0
sv_int1a:	.long 0
sv_pxenv_off:	.word 0
sv_pkt_off:	.word 0, 0
sv_pkt_len:	.word 0, 0
sv_int1a_ours:	.long 0
sv_kib_ours:	.word 0
sv_kib_rom:	.word 0
sv_end:
	.if sv_end - pxe_shim != 0x1e	/* sizeof(struct pxe_shim_vars) */
	.error "pxe_shim.S: the variables differ from struct pxe_shim_vars"
	.endif

/* !PXE entry: [SP] return IP, CS, then the opcode, then the parameter block offset, segment. */
pxe_shim_bang:
	pushw %bp
	movw %sp, %bp
	pushw %es
	pushw %di
	pushw %bx
	movw 6(%bp), %bx
	lesw 8(%bp), %di
	call answer
	popw %bx
	popw %di
	popw %es
	popw %bp
	jc 1f
	lret
1:	ljmpw *%cs:S(sv_bang_entry)

/* PXENV+ entry: BX = opcode, ES:DI = the parameter block. */
pxe_shim_pxenv:
	call answer
	jc 1f
	lret
1:	ljmpw *%cs:S(sv_pxenv_entry)

/* INT 1Ah: AX=5650h is the PXE installation check (AX=564Eh, ES:BX = PXENV+, CF clear); the
 * rest goes to the handler that was there before. */
pxe_shim_int1a:
	cmpw $0x5650, %ax
	je 1f
	ljmpw *%cs:S(sv_int1a)
1:	movw $0x564e, %ax
	pushw %cs
	popw %es
	movw %cs:S(sv_pxenv_off), %bx
	pushw %bp
	movw %sp, %bp
	andw $0xfffe, 6(%bp)		/* CF of the FLAGS iret restores ([bp+2] IP, +4 CS, +6 FLAGS) */
	popw %bp
	iret

/* BX = opcode, ES:DI = parameter block (struct pxenv_get_cached_info: Status 0, PacketType 2,
 * BufferSize 4, Buffer 6 (offset, segment), BufferLimit 10). Answers a GET_CACHED_INFO for a
 * packet the shim holds: CF clear, AX = 0. Otherwise CF set and nothing changed. With a Buffer
 * and a BufferSize the packet is copied there (cut to BufferSize); without, Buffer gets the
 * shim's copy and BufferLimit its size. */
answer:
	cmpw $UNLOAD_STACK, %bx
	je give_back
	cmpw $GET_CACHED_INFO, %bx
	jne 9f
	pushw %si
	pushw %cx
	pushw %dx
	pushw %ds
	movw %es:2(%di), %si
	subw $2, %si
	cmpw $1, %si
	ja 8f
	shlw $1, %si
	movw %cs:S(sv_pkt_len)(%si), %cx
	jcxz 8f
	movw %cs:S(sv_pkt_off)(%si), %si
	movw $0, %es:(%di)
	movw %es:4(%di), %dx
	testw %dx, %dx
	jz 2f
	cmpl $0, %es:6(%di)
	je 2f
	cmpw %dx, %cx
	jbe 1f
	movw %dx, %cx
1:	movw %cx, %es:4(%di)
	pushw %es
	pushw %di
	lesw %es:6(%di), %di
	pushw %cs
	popw %ds
	cld
	rep movsb
	popw %di
	popw %es
	jmp 3f
2:	movw %cx, %es:4(%di)
	movw %si, %es:6(%di)
	movw %cs, %es:8(%di)
	movw %cx, %es:10(%di)
3:	popw %ds
	popw %dx
	popw %cx
	popw %si
	xorw %ax, %ax
	clc
	ret
8:	popw %ds
	popw %dx
	popw %cx
	popw %si
9:	stc
	ret

/* Before PXENV_UNLOAD_STACK goes to the ROM: INT 1Ah back to the handler before ours and 40:13
 * back to the ROM's value, each only when it is still what the shim set, so the ROM can unhook
 * INT 1Ah and the caller can free the stack's memory (the shim is not needed after an unload).
 * Then CF set: the call goes on to the ROM. */
give_back:
	pushw %ds
	pushw %ax
	xorw %ax, %ax
	movw %ax, %ds
	movw %cs:S(sv_int1a_ours), %ax
	cmpw %ax, IVT_INT1A
	jne 1f
	movw %cs:S(sv_int1a_ours) + 2, %ax
	cmpw %ax, IVT_INT1A + 2
	jne 1f
	movw %cs:S(sv_int1a), %ax
	movw %ax, IVT_INT1A
	movw %cs:S(sv_int1a) + 2, %ax
	movw %ax, IVT_INT1A + 2
1:	movw %cs:S(sv_kib_ours), %ax
	cmpw %ax, BDA_BASE_KIB
	jne 2f
	movw %cs:S(sv_kib_rom), %ax
	movw %ax, BDA_BASE_KIB
2:	popw %ax
	popw %ds
	stc
	ret
pxe_shim_end:

	.section .note.GNU-stack, "", @progbits
