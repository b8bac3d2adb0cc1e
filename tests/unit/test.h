/* test.h: a tiny unit-test framework: TEST() registers a case in a linker section, CHECK() records failures. */
#ifndef OSPREY_TEST_H
#define OSPREY_TEST_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

extern int test_failed_checks;

#define TEST(tname)                                                                  \
	static void test_##tname(void);                                              \
	static const struct test_case __test_##tname                                 \
	__attribute__((used, section("osprey_tests"), aligned(sizeof(void *)))) = {  \
		#tname, test_##tname };                                              \
	static void test_##tname(void)

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			test_failed_checks++;                                        \
		}                                                                    \
	} while (0)

#define CHECK_EQ(a, b)                                                               \
	do {                                                                         \
		long long _a = (long long)(a), _b = (long long)(b);                  \
		if (_a != _b) {                                                      \
			printf("    %s:%d: %s == %s failed: %lld != %lld\n", __FILE__,   \
			       __LINE__, #a, #b, _a, _b);                            \
			test_failed_checks++;                                        \
		}                                                                    \
	} while (0)

#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *_a = (a), *_b = (b);                                     \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                             \
			printf("    %s:%d: %s == %s failed: \"%s\" != \"%s\"\n",         \
			       __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",       \
			       _b ? _b : "(null)");                                  \
			test_failed_checks++;                                        \
		}                                                                    \
	} while (0)

#endif
