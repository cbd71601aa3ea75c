/*
 * user/hello.c - the first program: printf through musl's stdio, and the
 * arguments the kernel put on the initial stack (SysV x86_64 ABI 3.4.1).
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world from %s\n", argc > 0 ? argv[0] : "(no argv[0])");
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	return 0;
}
