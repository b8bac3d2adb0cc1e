/* pxe_status.c: what the PXE API's status words and opcodes mean (PXE 2.1, PXENV_STATUS_xxx),
 * as text for messages and as osprey's -E_* codes. */
#include "lib/errors.h"
#include "pxe/pxe.h"

struct code_name {
	uint16_t code;
	const char *name;
};

/* The statuses a loader meets: generic, TFTP, DHCP, UNDI and protected-mode ones. */
static const struct code_name statuses[] = {
	{ 0x00, "success" },
	{ 0x01, "failure" },
	{ 0x02, "bad function (opcode not implemented)" },
	{ 0x03, "unsupported" },
	{ 0x04, "the UNDI must stay loaded (KEEP_UNDI)" },
	{ 0x05, "the whole stack must stay loaded (KEEP_ALL)" },
	{ 0x06, "out of resources" },
	{ 0x11, "ARP timeout" },
	{ 0x18, "UDP closed" },
	{ 0x19, "UDP open" },
	{ 0x1a, "TFTP closed" },
	{ 0x1b, "TFTP open" },
	{ 0x30, "TFTP cannot ARP the address" },
	{ 0x32, "TFTP open timeout" },
	{ 0x33, "TFTP unknown opcode" },
	{ 0x35, "TFTP read timeout" },
	{ 0x36, "TFTP error opcode" },
	{ 0x38, "TFTP cannot open connection" },
	{ 0x39, "TFTP cannot read from connection" },
	{ 0x3a, "TFTP too many packages" },
	{ 0x3b, "TFTP file not found" },
	{ 0x3c, "TFTP access violation" },
	{ 0x3d, "TFTP no multicast address" },
	{ 0x3e, "TFTP no file size" },
	{ 0x3f, "TFTP invalid packet size" },
	{ 0x51, "DHCP timeout" },
	{ 0x52, "DHCP no IP address" },
	{ 0x53, "DHCP no boot file name" },
	{ 0x54, "DHCP bad IP address" },
	{ 0x60, "UNDI invalid function" },
	{ 0x61, "UNDI media test failed" },
	{ 0x63, "UNDI cannot initialize NIC" },
	{ 0x64, "UNDI cannot initialize PHY" },
	{ 0x6a, "UNDI invalid state" },
	{ 0x6b, "UNDI transmit error" },
	{ 0x6c, "UNDI invalid parameter" },
	{ 0xa2, "not available in protected mode" },
	{ 0xa3, "not available in real mode" },
};

static const struct code_name opcodes[] = {
	{ PXENV_UNDI_CLEANUP, "UNDI_CLEANUP" },
	{ PXENV_UNDI_SHUTDOWN, "UNDI_SHUTDOWN" },
	{ PXENV_UNDI_CLOSE, "UNDI_CLOSE" },
	{ PXENV_UNDI_INITIALIZE, "UNDI_INITIALIZE" },
	{ PXENV_UNDI_OPEN, "UNDI_OPEN" },
	{ PXENV_STOP_UNDI, "STOP_UNDI" },
	{ PXENV_UNDI_TRANSMIT, "UNDI_TRANSMIT" },
	{ PXENV_UNDI_GET_INFORMATION, "UNDI_GET_INFORMATION" },
	{ PXENV_UNDI_ISR, "UNDI_ISR" },
	{ PXENV_UDP_OPEN, "UDP_OPEN" },
	{ PXENV_UDP_CLOSE, "UDP_CLOSE" },
	{ PXENV_TFTP_OPEN, "TFTP_OPEN" },
	{ PXENV_TFTP_CLOSE, "TFTP_CLOSE" },
	{ PXENV_TFTP_READ, "TFTP_READ" },
	{ PXENV_TFTP_GET_FSIZE, "TFTP_GET_FSIZE" },
	{ PXENV_UNLOAD_STACK, "UNLOAD_STACK" },
	{ PXENV_GET_CACHED_INFO, "GET_CACHED_INFO" },
	{ PXENV_STOP_BASE, "STOP_BASE" },
};

static const char *lookup(const struct code_name *t, size_t n, int code, const char *none)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return none;
}

const char *pxe_status_text(int status)
{
	return lookup(statuses, ARRAY_SIZE(statuses), status, "unknown status");
}

const char *pxe_opcode_name(uint16_t opcode)
{
	return lookup(opcodes, ARRAY_SIZE(opcodes), opcode, "?");
}

int pxe_status_rc(int status)
{
	switch (status) {
	case PXENV_STATUS_SUCCESS:
		return 0;
	case PXENV_STATUS_TFTP_FILE_NOT_FOUND:
		return -E_NOENT;
	case PXENV_STATUS_TFTP_ACCESS_VIOLATION:
		return -E_ACCESS;
	case PXENV_STATUS_ARP_TIMEOUT:
	case PXENV_STATUS_TFTP_OPEN_TIMEOUT:
	case PXENV_STATUS_TFTP_READ_TIMEOUT:
	case PXENV_STATUS_DHCP_TIMEOUT:
		return -E_TIMEOUT;
	case PXENV_STATUS_BAD_FUNC:
	case PXENV_STATUS_UNSUPPORTED:
	case PXENV_STATUS_TFTP_NO_FILESIZE:
	case 0xa2:
	case 0xa3:
		return -E_NOTSUP;
	case PXENV_STATUS_OUT_OF_RESOURCES:
		return -E_NOMEM;
	default:
		return -E_IO;
	}
}
