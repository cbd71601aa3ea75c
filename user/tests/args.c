/*
 * user/tests/args.c - the initial stack as the kernel built it (SysV x86_64
 * ABI 3.4.1): argv and envp end in NULL, and the auxiliary vector holds
 * AT_PAGESZ 4096, AT_PHDR and AT_PHNUM pointing at this program's own
 * program headers (a PT_LOAD among them), AT_ENTRY at _start, and AT_RANDOM
 * at 16 readable bytes. Exits 0 when all of that holds, else prints what
 * did not and exits 1.
 */
#include <elf.h>
#include <stdio.h>
#include <sys/auxv.h>

extern char **environ;
extern char _start[];

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("args: %s\n", what);
		failures++;
	}
}

static int has_load(const Elf64_Phdr *ph, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int n = 0;

	expect(argc >= 1 && argv[0] && argv[0][0], "argv[0] is missing");
	expect(argv[argc] == NULL, "argv[argc] is not NULL");
	for (char **e = environ; e && *e; e++)
		n++;
	expect(environ && environ[n] == NULL, "envp does not end in NULL");
	expect(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ is not 4096");
	expect(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT is wrong");
	expect(ph && has_load(ph, getauxval(AT_PHNUM)),
	       "AT_PHDR/AT_PHNUM show no PT_LOAD");
	expect(getauxval(AT_ENTRY) == (unsigned long)_start,
	       "AT_ENTRY is not _start");
	expect(rnd != NULL, "AT_RANDOM is missing");
	if (rnd) {
		unsigned int sum = 0;

		for (int i = 0; i < 16; i++)
			sum |= rnd[i];
		expect(sum != 0, "AT_RANDOM's 16 bytes are all zero");
	}
	printf("args: argc %d, %d environment strings: %s\n", argc, n,
	       failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
