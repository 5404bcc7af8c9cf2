// SPDX-License-Identifier: GPL-2.0
/* A program for USDT tests: fires probe kprom:tick(i) N times (argv[1]) after
 * a line on stdin (so that the test can attach first), then waits for another
 * line before exiting. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (int i = 0; i < n; i++)
		DTRACE_PROBE1(kprom, tick, i);
	printf("%d\n", n);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return 0;
}
