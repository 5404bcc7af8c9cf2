// SPDX-License-Identifier: GPL-2.0
/* A program for uprobe tests: calls kprom_target(i) N times (argv[1]), each
 * returning i * 2, after waiting for a line on stdin (so that the test can
 * attach first), then waits for another line before exiting. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int kprom_target(int i)
{
	__asm__ volatile("" ::: "memory"); /* keep the call and the function */
	return i * 2;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	long sum = 0;
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (int i = 0; i < n; i++)
		sum += kprom_target(i);
	printf("%ld\n", sum);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return 0;
}
