/* main.c: runs every registered unit test and prints one result line per test and a summary. */
#include "test.h"

extern const struct test_case __start_osprey_tests[], __stop_osprey_tests[];
int test_failed_checks;

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (const struct test_case *t = __start_osprey_tests; t < __stop_osprey_tests; t++) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		int before = test_failed_checks;
		t->fn();
		if (test_failed_checks == before) {
			printf("ok   unit/%s\n", t->name);
			passed++;
		} else {
			printf("FAIL unit/%s\n", t->name);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
