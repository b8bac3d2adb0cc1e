/* complete.h: tab completion of disk device names and of file names on disks (the prompt's
 * completer for words after the command, see ui/lineedit.h complete_fn). */
#ifndef OSPREY_DISK_COMPLETE_H
#define OSPREY_DISK_COMPLETE_H

#include "lib/lib.h"

/* word (len bytes, as typed: backslash escapes kept) is "(hd0" (offers every disk and
 * partition), or "(hd0,0)/dir/na" or "/dir/na" on a disk root device (offers the entries of
 * dir that start with "na", directories with a '/' after them, escaped as typed). Anything
 * else (no '/', the network) offers nothing. Errors are not reported. */
void disk_complete(const char *word, size_t len, void (*add)(void *ctx, const char *name),
		   void *ctx);

#endif
