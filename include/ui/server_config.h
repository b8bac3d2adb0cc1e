/* server_config.h: the configuration file the server chooses: the names to try (options 150,
 * 209/210, then a PXELINUX-style search under osprey.cfg/; host-tested) and loading the first
 * one found (loader only). */
#ifndef OSPREY_SERVER_CONFIG_H
#define OSPREY_SERVER_CONFIG_H

#include "lib/lib.h"

#define CONFIG_DIR "osprey.cfg/"
#define CONFIG_NAMES_MAX 14
#define CONFIG_NAME_LEN 256

enum config_from { CONFIG_OPT150, CONFIG_OPT209, CONFIG_SEARCH };

struct config_names {
	char name[CONFIG_NAMES_MAX][CONFIG_NAME_LEN];
	enum config_from from[CONFIG_NAMES_MAX];
	int n;
	char dir[CONFIG_NAME_LEN];   /* the search directory ("/osprey.cfg/"), for short messages */
	int bad_options;             /* options 150/209/210 left out (not printable text, too long) */
};

/* The names to try, in order, from a DHCP reply (len bytes, untrusted; NULL/0 for none), the
 * boot file name, the client UUID (16 bytes as sent in option 97; NULL when unknown), the MAC
 * and the IPv4 address (host order; 0: no per-IP names). Names are
 * file names for file_open: a value without "(dev)", "/" or "scheme://" gets a leading "/". */
void config_names_build(struct config_names *c, const uint8_t *reply, size_t len,
			const char *bootfile, const uint8_t *uuid, const uint8_t mac[6], uint32_t ip);
/* Do options 150, 209 or 210 appear in the reply? */
bool config_names_in_reply(const uint8_t *reply, size_t len);

/* Try the names for the current network settings (asking the DHCP server for options 150/209/
 * 210 first when ask and the settings came from a PXE ROM's reply without them), print what
 * was tried and used, and load the first found as a menu. Returns -E_NOENT when none was
 * found, or what menu_load returned. */
int server_config_load(bool ask);

#endif
