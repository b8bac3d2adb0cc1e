/* multiboot_boot.c: the last step of a Multiboot boot (spec 3.2, "Machine state"): everything
 * shut down, the segments copied into place, then the jump with EAX/EBX set. */
#include "loader/multiboot.h"
#include "services/shutdown.h"
#include "segments.h"

void multiboot_enter(const struct mb_copy *copy, unsigned n, uint32_t entry, uint32_t magic,
		     uint32_t info)
{
	shutdown_all(0);     /* a kernel wants the PXE stack gone and the NICs quiet */
	__asm__ volatile("cli");
	/* osprey's code, stack (bss) and the copy list lie where no destination goes (the image
	 * type checked and reserved the destinations), so this runs from where it is. */
	for (unsigned i = 0; i < n; i++) {
		uint8_t *dst = (uint8_t *)(uintptr_t)copy[i].addr;
		memmove(dst, copy[i].src, copy[i].filesz);
		memset(dst + copy[i].filesz, 0, copy[i].memsz - copy[i].filesz);
	}
	/* Flat 32-bit segments (osprey's GDT), EFLAGS clear (IF and VM off), then the jump. */
	__asm__ volatile(
		"movw %w3, %%ds\n\t"
		"movw %w3, %%es\n\t"
		"movw %w3, %%fs\n\t"
		"movw %w3, %%gs\n\t"
		"movw %w3, %%ss\n\t"
		"pushl $0\n\t"
		"popfl\n\t"
		"ljmp %4, $1f\n"
		"1:\tjmp *%2"
		: : "a"(magic), "b"(info), "c"(entry), "d"(SEL_DATA32), "i"(SEL_CODE32) : "memory");
	__builtin_unreachable();
}
