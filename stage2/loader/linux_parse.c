/* linux_parse.c: checks a bzImage's real-mode header (Linux/x86 boot protocol) and describes the image. */
#include "loader/linux.h"
#include "lib/errors.h"

#define HDRS_MAGIC 0x53726448      /* "HdrS" */
#define BOOT_FLAG 0xaa55

/* Bytes of header a kernel speaking protocol version v has (the last field we read ends there). */
static size_t header_end(uint16_t v)
{
	if (v >= 0x020a)
		return LH_INIT_SIZE + 4;
	if (v >= 0x0206)
		return LH_CMDLINE_SIZE + 4;
	if (v >= 0x0203)
		return LH_INITRD_ADDR_MAX + 4;
	return LH_CMD_LINE_PTR + 4;
}

int linux_parse(const uint8_t *img, size_t len, struct linux_image *li)
{
	if (!img || len < LH_VERSION + 2)
		return -E_NOEXEC;
	if (get_le16(img + LH_BOOT_FLAG) != BOOT_FLAG || get_le32(img + LH_HEADER) != HDRS_MAGIC)
		return -E_NOEXEC;
	uint16_t version = get_le16(img + LH_VERSION);
	if (version < 0x0202) {
		snprintf(err_detail, sizeof(err_detail),
			 "Linux boot protocol %u.%02u is older than 2.02", version >> 8, version & 0xff);
		return -E_NOTSUP;
	}
	if (len < header_end(version))
		return -E_NOEXEC;
	if (!(img[LH_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
		/* A zImage loads at 64 KiB, where osprey lives: refused by name. */
		strlcpy(err_detail, "a Linux zImage (not a bzImage): osprey boots bzImage kernels only",
			sizeof(err_detail));
		return -E_NOTSUP;
	}

	uint32_t sects = img[LH_SETUP_SECTS] ? img[LH_SETUP_SECTS] : 4;
	uint32_t setup_size = (sects + 1) * 512;
	if (setup_size >= len)
		return -E_NOEXEC;     /* no protected-mode part */

	li->version = version;
	li->setup_size = setup_size;
	li->pm_offset = setup_size;
	li->pm_size = (uint32_t)MIN(len - setup_size, (size_t)UINT32_MAX);
	/* syssize: 16-byte paragraphs, a 32-bit field from protocol 2.04 (16-bit before). */
	li->sys_size = (uint64_t)(version >= 0x0204 ? get_le32(img + LH_SYSSIZE)
						    : get_le16(img + LH_SYSSIZE)) * 16;
	li->initrd_addr_max = version >= 0x0203 ? get_le32(img + LH_INITRD_ADDR_MAX) : 0x37ffffff;
	li->cmdline_size = version >= 0x0206 ? get_le32(img + LH_CMDLINE_SIZE) : 255;
	li->init_size = version >= 0x020a ? get_le32(img + LH_INIT_SIZE) : 0;
	return 0;
}
