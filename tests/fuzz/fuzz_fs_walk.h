/* fuzz_fs_walk.h: the walk the filesystem fuzz targets share (list, open and read an image). */
#ifndef FUZZ_FS_WALK_H
#define FUZZ_FS_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Mount DATA as a volume of SECTOR_SIZE-byte sectors through the FS_TYPE table, list
 * directories two levels deep, open and read every entry (its first 8 MiB) and complete
 * names in it at the prompt (disk_complete). Aborts when a name overflows, a completion does
 * not extend its word, or a file that reads to its end does not give exactly its size. */
void fuzz_fs_walk(const uint8_t *data, size_t size, uint32_t sector_size);

#endif
