/* fuzz_iso9660.c: libFuzzer target for the ISO 9660 reader (through the FS_TYPE table): the input is
 * a CD image (2048-byte sectors), walked by fuzz_fs_walk (fs_walk.c). */
#include "fuzz_fs_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fs_walk(data, size, 2048);
	return 0;
}
