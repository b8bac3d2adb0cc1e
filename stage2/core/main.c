/* main.c: brings the loader up (consoles, timer, memory, network) and runs the prompt. */
#include "arch/boot.h"
#include "arch/basemem.h"
#include "ui/command.h"
#include "services/console.h"
#include "files/file.h"
#include "arch/biosdisk.h"
#include "disk/complete.h"
#include "disk/diskboot.h"
#include "services/heap.h"
#include "ui/lineedit.h"
#include "ui/menu.h"
#include "services/memmap.h"
#include "net/net.h"
#include "services/timer.h"
#include "lib/version.h"
#include "arch/cpu.h"

extern void serial_init(void);
extern void vga_init(void);
extern void e820_read(void);
extern void network_init(bool dhcp_at_start);
extern uint16_t disk_boot_dx;

int boot_source;
char boot_cmdline[1024];

/* Give every RAM region above 1 MiB (and below 4 GiB) to the heap. */
static void heap_init(void)
{
	for (int i = 0; i < memmap.n; i++) {
		const struct memmap_entry *e = &memmap.e[i];
		uint64_t start = e->base, end = e->base + e->length;

		if (e->type != E820_RAM)
			continue;
		if (start < 0x100000)
			start = 0x100000;
		if (end > 0xfffff000ull)
			end = 0xfffff000ull;
		if (start < end)
			heap_add_region((uintptr_t)start, (uintptr_t)end);
	}
}

/* 16 KiB: from the heap at first use, not bss (base memory is scarce below the PXE stack). */
static struct history *history;

static void le_put(void *ctx, const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
}

static void complete_commands(const char *prefix, size_t len,
			      void (*add)(void *ctx, const char *name), void *ctx)
{
	for_each_command(c)
		if (!strncmp(c->name, prefix, len))
			add(ctx, c->name);
}

/* The prompt: read a line with editing and history, run it, forever. */
static void __attribute__((noreturn)) prompt_loop(void)
{
	static struct lineedit le;

	for (;;) {
		int r;

		console_puts("osprey> ");
		if (!history)
			history = zalloc(sizeof(*history));   /* NULL: no history, still a prompt */
		lineedit_start(&le, history, complete_commands, le_put, NULL);
		le.prompt = "osprey> ";
		le.complete_arg = disk_complete;
		while ((r = lineedit_key(&le, console_getkey())) == 0)
			;
		if (r > 0)
			shell_execute(le.buf);
	}
}

void __attribute__((noreturn)) main(int source, const char *cmdline)
{
	unsigned mhz;

	/* First: from here on any CPU exception is reported instead of resetting the machine. */
	idt_init();
	boot_source = source;
	if (cmdline)
		strlcpy(boot_cmdline, cmdline, sizeof(boot_cmdline));
	vga_init();
	serial_init();
	printf("\nosprey " OSPREY_VERSION " (%s)\n", source == BOOT_NBP ? "PXE NBP" :
	       source == BOOT_DISK ? "disk boot" : "Linux boot image");
	basemem_check_loader();
	a20_check_at_start();
	timer_init();
	if (timer_calibration_failed(&mhz))
		printf("Timer: PIT calibration failed, assuming %u MHz TSC\n", mhz);
	e820_read();
	heap_init();
	if (source == BOOT_DISK)
		biosdisk_boot_drive = (uint8_t)disk_boot_dx;
	biosdisk_init();
	if (source == BOOT_DISK)
		diskboot_find_root((uint8_t)(disk_boot_dx >> 8));
	/* A .lkrn or a disk boot has no PXE ROM reply to inherit: ask DHCP, as GRUB legacy did. */
	network_init(source != BOOT_NBP);
	/* The preset menu, then the configuration file: on a disk boot the disk's own first. */
	menu_startup(source == BOOT_DISK ? diskboot_menu() : NULL);
	prompt_loop();
}
