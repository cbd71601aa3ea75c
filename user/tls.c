/*
 * user/tls.c - thread-local storage: musl's startup copies the PT_TLS
 * template (found through AT_PHDR) and sets FS with arch_prctl. An
 * initialized __thread variable must hold its value, an uninitialized one
 * zero, and both must be writable. Exits 0 when they are.
 */
#include <stdio.h>
#include <string.h>

static __thread int counter = 42;	/* .tdata: from the template */
static __thread char scratch[64];	/* .tbss: zeroed */

int main(void)
{
	static const char zero[sizeof(scratch)];
	int ok = 1;

	if (counter != 42) {
		printf("tls: counter is %d, not 42\n", counter);
		ok = 0;
	}
	if (memcmp(scratch, zero, sizeof(scratch))) {
		printf("tls: the .tbss variable is not zero\n");
		ok = 0;
	}
	for (int i = 0; i < 1000; i++)
		counter++;
	snprintf(scratch, sizeof(scratch), "counter=%d", counter);
	if (counter != 1042 || strcmp(scratch, "counter=1042")) {
		printf("tls: writes did not stick (%s)\n", scratch);
		ok = 0;
	}
	printf("tls: %s at %p: %s\n", scratch, (void *)&counter,
	       ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
