/* test_path.c: unit tests of "(dev)/path" name splitting, including hostile names. */
#include "test.h"
#include "files/file.h"
#include "lib/errors.h"

static char dev[16], path[PATH_MAX_LEN];

TEST(path_with_device)
{
	CHECK_EQ(path_parse("(nd)/boot/vmlinuz", "", dev, path), 0);
	CHECK_STR(dev, "nd");
	CHECK_STR(path, "/boot/vmlinuz");
	CHECK_EQ(path_parse("(hd0,1)/menu.lst", "nd", dev, path), 0);
	CHECK_STR(dev, "hd0,1");
	CHECK_STR(path, "/menu.lst");
	CHECK_EQ(path_parse("(nd)/", NULL, dev, path), 0);
	CHECK_STR(dev, "nd");
	CHECK_STR(path, "/");
	CHECK_EQ(path_parse("(ABCDEFGHIJKLMNO)/x", NULL, dev, path), 0);   /* 15 chars */
	CHECK_STR(dev, "ABCDEFGHIJKLMNO");
	CHECK_EQ(path_parse("(nd)/a b//c", NULL, dev, path), 0);
	CHECK_STR(path, "/a b//c");
}

TEST(path_root_relative)
{
	CHECK_EQ(path_parse("/boot/x", "nd", dev, path), 0);
	CHECK_STR(dev, "nd");
	CHECK_STR(path, "/boot/x");
	CHECK_EQ(path_parse("/", "nd", dev, path), 0);
	CHECK_STR(path, "/");
	CHECK_EQ(path_parse("/boot/x", "", dev, path), -E_NODEV);
	CHECK_EQ(path_parse("/boot/x", NULL, dev, path), -E_NODEV);
	CHECK_EQ(path_parse("/x", "ABCDEFGHIJKLMNOP", dev, path), -E_TOOBIG);
	CHECK_EQ(path_parse("/x", "n d", dev, path), -E_INVAL);
}

TEST(path_rejects)
{
	static const char *bad[] = {
		"", "vmlinuz", "boot/vmlinuz", "(nd)", "(nd)vmlinuz", "(nd", "(", "()", "()/x",
		"(n d)/x", "(nd/x)/y", "((nd))/x", "(nd)(nd)/x", " (nd)/x", "(nd)./x", "(n\377d)/x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		strcpy(dev, "junk");
		strcpy(path, "junk");
		int rc = path_parse(bad[i], "nd", dev, path);
		if (rc != -E_INVAL)
			printf("    name \"%s\" gave %d\n", bad[i], rc);
		CHECK_EQ(rc, -E_INVAL);
		CHECK_STR(dev, "");
		CHECK_STR(path, "");
	}
	CHECK_EQ(path_parse(NULL, "nd", dev, path), -E_INVAL);
	CHECK_EQ(path_parse("(ABCDEFGHIJKLMNOP)/x", NULL, dev, path), -E_TOOBIG);
	CHECK_EQ(path_parse("relative", "", dev, path), -E_INVAL);
}

TEST(path_lengths)
{
	char name[PATH_MAX_LEN + 16];
	/* "(nd)" + a path of 255 characters fits; 256 does not */
	strcpy(name, "(nd)/");
	memset(name + 5, 'a', PATH_MAX_LEN - 2);
	name[5 + PATH_MAX_LEN - 2] = '\0';
	CHECK_EQ(path_parse(name, NULL, dev, path), 0);
	CHECK_EQ(strlen(path), PATH_MAX_LEN - 1);
	strcat(name, "b");
	CHECK_EQ(path_parse(name, NULL, dev, path), -E_TOOBIG);
	CHECK_EQ(path_parse(name + 4, "nd", dev, path), -E_TOOBIG);
	name[5 + PATH_MAX_LEN - 2] = '\0';
	CHECK_EQ(path_parse(name + 4, "nd", dev, path), 0);
	/* a very long device name */
	char longdev[1000];
	longdev[0] = '(';
	memset(longdev + 1, 'd', 990);
	strcpy(longdev + 991, ")/x");
	CHECK_EQ(path_parse(longdev, NULL, dev, path), -E_TOOBIG);
	longdev[991] = '\0';   /* and unterminated */
	CHECK_EQ(path_parse(longdev, NULL, dev, path), -E_INVAL);
}
