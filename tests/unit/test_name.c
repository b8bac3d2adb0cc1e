/* test_name.c: unit tests of the file-name parser: every name form, and hostile names. */
#include "test.h"
#include "files/file.h"
#include "lib/errors.h"

static struct file_name n;

TEST(name_device_path)
{
	CHECK_EQ(file_name_parse("(nd)/boot/vmlinuz", "", &n), 0);
	CHECK_STR(n.source, "nd");
	CHECK_STR(n.device, "nd");
	CHECK_STR(n.path, "/boot/vmlinuz");
	CHECK(!n.url && !n.blocklist);
	CHECK_EQ(file_name_parse("(hd0,1)/menu.lst", "nd", &n), 0);
	CHECK_STR(n.source, "hd");
	CHECK_STR(n.device, "hd0,1");
	CHECK_STR(n.path, "/menu.lst");
	CHECK_EQ(file_name_parse("(preset)/menu.lst", NULL, &n), 0);
	CHECK_STR(n.source, "preset");
	CHECK_EQ(file_name_parse("(nd)/", NULL, &n), 0);
	CHECK_STR(n.path, "/");
	CHECK_EQ(file_name_parse("(ABCDEFGHIJKLMNO)/x", NULL, &n), 0);   /* 15 characters */
	CHECK_STR(n.device, "ABCDEFGHIJKLMNO");
	CHECK_EQ(file_name_parse("(nd)/a b//c", NULL, &n), 0);
	CHECK_STR(n.path, "/a b//c");
}

TEST(name_root_relative)
{
	CHECK_EQ(file_name_parse("/boot/x", "nd", &n), 0);
	CHECK_STR(n.source, "nd");
	CHECK_STR(n.path, "/boot/x");
	CHECK_EQ(file_name_parse("/x", "hd0,2", &n), 0);
	CHECK_STR(n.source, "hd");
	CHECK_STR(n.device, "hd0,2");
	CHECK_EQ(file_name_parse("/boot/x", "", &n), -E_NODEV);
	CHECK_EQ(file_name_parse("/boot/x", NULL, &n), -E_NODEV);
	CHECK_EQ(file_name_parse("/x", "ABCDEFGHIJKLMNOP", &n), -E_TOOBIG);
	CHECK_EQ(file_name_parse("/x", "n d", &n), -E_INVAL);
}

TEST(name_blocklist)
{
	CHECK_EQ(file_name_parse("(hd0,0)+1", NULL, &n), 0);
	CHECK(n.blocklist);
	CHECK_STR(n.device, "hd0,0");
	CHECK_STR(n.path, "+1");
	CHECK_EQ(file_name_parse("(fd0)0+4,8+2", NULL, &n), 0);
	CHECK_STR(n.path, "0+4,8+2");
	CHECK_STR(n.source, "fd");
	static const char *bad[] = { "(hd0)+", "(hd0)1", "(hd0)+1,", "(hd0)+1,+", "(hd0)1++2", "(hd0)+x",
				     "(hd0)+1 ", "(hd0)+1,2" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(file_name_parse(bad[i], NULL, &n), -E_INVAL);
}

TEST(name_urls)
{
	CHECK_EQ(file_name_parse("tftp://10.0.2.2/boot/vmlinuz", "nd", &n), 0);
	CHECK(n.url);
	CHECK_STR(n.source, "tftp");
	CHECK_STR(n.host, "10.0.2.2");
	CHECK_EQ(n.port, 0);
	CHECK_STR(n.path, "/boot/vmlinuz");
	CHECK_EQ(file_name_parse("http://boot.example:8080/a/b?c=d", NULL, &n), 0);
	CHECK_STR(n.source, "http");
	CHECK_STR(n.host, "boot.example");
	CHECK_EQ(n.port, 8080);
	CHECK_STR(n.path, "/a/b?c=d");
	CHECK_EQ(file_name_parse("http://host", NULL, &n), 0);
	CHECK_STR(n.path, "/");
	CHECK_EQ(file_name_parse("http://host:65535/", NULL, &n), 0);
	CHECK_EQ(n.port, 65535);
	CHECK_EQ(file_name_parse("http://host:65536/", NULL, &n), -E_RANGE);
	CHECK_EQ(file_name_parse("http://host:99999999999999999999/", NULL, &n), -E_RANGE);
	static const char *bad[] = { "http://", "http:///x", "http://host:/x", "http://host:0/x",
				     "http://ho st/x", "http://host:80x/", "http//host/x", "://host/x",
				     "1http://host/", "http:/host/x", "http://h@st/" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(file_name_parse(bad[i], NULL, &n), -E_INVAL);
		CHECK(n.source[0] == 0 && n.path[0] == 0 && n.host[0] == 0);
	}
	char longhost[100];
	memset(longhost, 'a', sizeof(longhost));
	memcpy(longhost, "http://", 7);
	longhost[sizeof(longhost) - 1] = 0;
	CHECK_EQ(file_name_parse(longhost, NULL, &n), -E_TOOBIG);
}

TEST(name_rejects)
{
	static const char *bad[] = { "", "(", "()", "()/x", "(nd", "(nd)", "(nd)x", "nd/x", "relative",
				     "(n d)/x", "(nd))/x", "((nd)/x", "(hd0a)/x", "(0hd)/x" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(file_name_parse(bad[i], "nd", &n), -E_INVAL);
	}
	CHECK_EQ(file_name_parse(NULL, "nd", &n), -E_INVAL);
	CHECK_EQ(file_name_parse("(ABCDEFGHIJKLMNOP)/x", NULL, &n), -E_TOOBIG);
	CHECK(n.device[0] == 0);
}

TEST(name_long_paths)
{
	char name[PATH_MAX_LEN + 8];

	memcpy(name, "(nd)", 4);
	memset(name + 4, 'a', sizeof(name) - 5);
	name[4] = '/';
	name[4 + PATH_MAX_LEN] = 0;                  /* path of PATH_MAX_LEN characters: too long */
	CHECK_EQ(file_name_parse(name, NULL, &n), -E_TOOBIG);
	name[4 + PATH_MAX_LEN - 1] = 0;              /* one less: fits with its NUL */
	CHECK_EQ(file_name_parse(name, NULL, &n), 0);
	CHECK_EQ(strlen(n.path), PATH_MAX_LEN - 1);
}

TEST(name_device_alone)
{
	CHECK_EQ(file_device_parse("(nd)", &n), 0);
	CHECK_STR(n.source, "nd");
	CHECK_EQ(file_device_parse("(hd0,1)", &n), 0);
	CHECK_STR(n.device, "hd0,1");
	CHECK_STR(n.source, "hd");
	static const char *bad[] = { "nd", "(nd)/", "()", "(", ")", "(nd", "(n d)", "" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(file_device_parse(bad[i], &n), -E_INVAL);
	CHECK_EQ(file_device_parse(NULL, &n), -E_INVAL);
}
