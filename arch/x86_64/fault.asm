; arch/x86_64/fault.asm - the setjmp half of arch/x86_64/fault.h. The
; longjmp half is C: fault_catch_take() rewrites the trap frame so that iretq
; lands at the saved return address with the saved callee-saved registers.

extern fault_catch_arm
global fault_catch

section .text
; int fault_catch(struct fault_catch *fc)    (SysV: fc in RDI)
fault_catch:
	mov [rdi + 0 * 8], rbx
	mov [rdi + 1 * 8], rbp
	mov [rdi + 2 * 8], r12
	mov [rdi + 3 * 8], r13
	mov [rdi + 4 * 8], r14
	mov [rdi + 5 * 8], r15
	lea rax, [rsp + 8]		; the caller's RSP after this returns
	mov [rdi + 6 * 8], rax
	mov rax, [rsp]			; the return address
	mov [rdi + 7 * 8], rax
	; fault_catch_arm(fc) marks it armed; a tail call returns 0 for us.
	jmp fault_catch_arm
