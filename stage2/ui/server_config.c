/* server_config.c: load the configuration file the server chooses (dhcp --with-configfile and
 * start-up): ask the DHCP server for options 150/209/210 when the PXE ROM's reply lacks them,
 * then try each name config_names_build() gives and load the first that exists. */
#include "ui/server_config.h"
#include "ui/menu.h"
#include "files/file.h"
#include "lib/errors.h"
#include "services/heap.h"
#include "net/net.h"
#include "net/netstack.h"
#include "drivers/netdev.h"
#include "services/console.h"

#define ASK_TIMEOUT 8          /* seconds for our own DHCP exchange before the search */

/* A PXE ROM's reply rarely carries 150/209/210 (ROMs do not ask for them and servers send
 * such options only when asked): ask with a DHCP exchange of our own, which lists them. */
static void ask_server(void)
{
	int rc;

	if (strcmp(netconf.source, "pxe") || !net_dev ||
	    config_names_in_reply(dhcp_last_reply, dhcp_last_reply_len))
		return;
	printf("Config file: asking the DHCP server for options 150, 209, 210 (the PXE reply has none)\n");
	struct netconf rom = netconf;
	rc = dhcp_configure(false, ASK_TIMEOUT);
	if (rc < 0)
		printf("Config file: DHCP: %s; searching with the PXE ROM's settings\n", errmsg(rc));
	else if (netconf.ip == rom.ip)
		netconf = rom;    /* the same lease: the settings stay the ROM's; the reply has the options */
}

/* Build the names to try into c and try them in order. */
static int search(struct config_names *c, bool ask)
{
	struct file f;
	int rc;

	if (!netconf.configured || !netconf.server) {
		printf("Config file: no network settings; none searched for\n");
		return -E_NOENT;
	}
	if (ask)
		ask_server();
	config_names_build(c, dhcp_last_reply, dhcp_last_reply_len, netconf.bootfile,
			   dhcp_client_uuid_known ? dhcp_client_uuid : NULL, netconf.mac, netconf.ip);
	if (c->bad_options)
		printf("Config file: %d of options 150/209/210 left out (not a usable file name)\n",
		       c->bad_options);
	printf("Config file: tried");
	for (int i = 0; i < c->n; i++) {
		bool short_name = i > 0 && c->from[i] == CONFIG_SEARCH && c->from[i - 1] == CONFIG_SEARCH;

		/* Names in the search directory after the first are shown without it. */
		printf(" %s", short_name ? c->name[i] + strlen(c->dir) : c->name[i]);
		if (console_abort_requested()) {
			printf("\nConfig file: search canceled\n");
			return -E_NOENT;
		}
		rc = file_open(&f, c->name[i]);
		if (rc == 0) {
			file_close(&f);
			printf("\nConfig file: using %s\n", c->name[i]);
			return menu_load(c->name[i]);
		}
		err_detail[0] = 0;
		/* A server that does not answer will not answer the next name either. */
		if (rc != -E_NOENT && rc != -E_ACCESS && rc != -E_INVAL) {
			printf("\nConfig file: %s; search stopped\n", errmsg(rc));
			return -E_NOENT;
		}
	}
	printf("\nConfig file: none found\n");
	return -E_NOENT;
}

int server_config_load(bool ask)
{
	/* 4 KiB of names: from the heap, not in osprey's base-memory image. */
	struct config_names *c = heap_alloc(sizeof(*c), 4);
	int rc;

	if (!c)
		return -E_NOMEM;
	rc = search(c, ask);
	heap_free(c);
	return rc;
}
