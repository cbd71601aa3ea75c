; arch/x86_64/uaccess.asm - the only code that touches user memory. Each
; access that may fault has an entry in the exception table
; (arch/x86_64/extable.h), so a bad user address ends the copy early
; instead of taking the kernel down. The C side (arch/x86_64/uaccess.c)
; checks the range first and opens SMAP's window (STAC/CLAC) around these.

global uaccess_copy
global uaccess_strncpy

section .text

; uint64_t uaccess_copy(void *dst, const void *src, uint64_t n)
; (SysV: RDI, RSI, RDX). Returns the number of bytes not copied: 0, or
; what was left when an access faulted. REP MOVSB updates RCX as it goes,
; so after a fault RCX is what remains (SDM Vol. 2B, REP).
uaccess_copy:
	mov rcx, rdx
.copy:
	rep movsb
	xor eax, eax
	ret
.fault:
	mov rax, rcx
	ret

; int64_t uaccess_strncpy(char *dst, const char *src, uint64_t n)
; Copy bytes up to and including a NUL, at most n. Returns the string's
; length (< n) when the NUL was copied, n when none came in n bytes, or -1
; when an access faulted.
uaccess_strncpy:
	xor eax, eax
.next:
	cmp rax, rdx
	jae .done
.load:
	movzx ecx, byte [rsi + rax]
	mov [rdi + rax], cl
	test cl, cl
	jz .done
	inc rax
	jmp .next
.done:
	ret
.fault:
	mov rax, -1
	ret

section .ex_table progbits alloc noexec nowrite align=8
	dq uaccess_copy.copy, uaccess_copy.fault
	dq uaccess_strncpy.load, uaccess_strncpy.fault
