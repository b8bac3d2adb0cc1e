/* fuzz_ext2.c: libFuzzer target for the ext2/3/4 reader (through the FS_TYPE table): the input is
 * a volume image (512-byte sectors), walked by fuzz_fs_walk (fs_walk.c). */
#include "fuzz_fs_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fs_walk(data, size, 512);
	return 0;
}
