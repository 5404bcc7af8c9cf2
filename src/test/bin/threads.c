// A process of N threads (argv[1], default 1) for the iterator tests: the extra
// threads sleep; once all exist it prints "ready" and exits when stdin closes.
// With argv[1] "vfork", the process waits in vfork() (uninterruptible sleep,
// state D) while its child prints "ready" and waits for stdin to close.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	char buf[64];

	if (argc > 1 && strcmp(argv[1], "vfork") == 0) {
		if (vfork() == 0) { /* only syscalls here: the parent's memory is shared */
			if (write(1, "ready\n", 6) != 6)
				_exit(1);
			while (read(0, buf, sizeof(buf)) > 0)
				;
			_exit(0);
		}
		return 0;
	}

	for (int i = 1; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, sleeper, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
