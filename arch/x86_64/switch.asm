; arch/x86_64/switch.asm - switching between two threads' kernel stacks.
;
; A thread that is not running is its stack: switch_stacks pushes the
; registers the SysV ABI makes callee-saved (RBX, RBP, R12-R15; the caller of
; a C function already saved the others), stores RSP in the old thread's
; record and loads the new one's, pops its registers and returns into it.
; The frame is struct switch_frame in arch/x86_64/thread.c; keep them in
; sync. RFLAGS is not switched: the scheduler switches with interrupts off
; and each thread puts back its own interrupt flag after it resumes.

extern sched_thread_start
global switch_stacks
global thread_trampoline

section .text

; struct thread *switch_stacks(uint64_t *save_sp (rdi), uint64_t sp (rsi),
;                              struct thread *prev (rdx))
; Returns prev in RAX, in the thread switched to.
switch_stacks:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	mov rax, rdx
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

; Where a new thread's first switch returns to (arch_thread_prepare put its
; address in the frame). RAX holds the thread that ran before, the value
; switch_stacks returns. RSP is 16-byte aligned here, as the call needs; RBP
; is zero, so a backtrace stops at this frame.
thread_trampoline:
	mov rdi, rax
	xor ebp, ebp
	call sched_thread_start
	ud2				; sched_thread_start does not return
