; arch/x86_64/syscall.asm - the ways between ring 3 and the kernel that are
; not interrupts: the SYSCALL entry and its return, and the first entry
; into a process.
;
; Every path keeps the user's registers in a struct trap_frame
; (arch/x86_64/trap.h) on the process's kernel stack, pushed in the same
; order as isr_common in isr.asm, so system calls, interrupts and faults
; from ring 3 all see one frame layout.
;
; SYSCALL (SDM Vol. 2B, SYSCALL; Vol. 3A, 5.8.8) leaves RIP in RCX, RFLAGS
; in R11, masks RFLAGS with IA32_FMASK (IF, DF, TF, AC: interrupts are off
; here) and switches neither stack nor GS, so the entry swaps GS to reach
; struct cpu (kernel/percpu.h) and takes the kernel stack from it.

; struct cpu offsets (kernel/percpu.h, checked there by _Static_assert).
%define CPU_KERNEL_STACK_TOP	8
%define CPU_USER_RSP		16
; Selectors (arch/x86_64/gdt.h, checked in arch/x86_64/syscall.c).
%define USER_DATA_SEL		0x1b
%define USER_CODE_SEL		0x23
; RFLAGS a process starts with: IF, and bit 1, which is always set.
%define USER_RFLAGS		0x202
; The trap frame's vector for a system call: no CPU vector is this big.
%define SYSCALL_FRAME_VECTOR	0x100

extern syscall_dispatch
global syscall_entry
global syscall_iret_insn
global syscall_iret_count
global user_enter
global user_iret_insn

%include "arch/x86_64/trap_frame.inc"

section .text

syscall_entry:
	swapgs
	mov [gs:CPU_USER_RSP], rsp
	mov rsp, [gs:CPU_KERNEL_STACK_TOP]
	; The frame an interrupt from ring 3 would have pushed.
	push USER_DATA_SEL		; SS
	push qword [gs:CPU_USER_RSP]	; RSP
	push r11			; RFLAGS
	push USER_CODE_SEL		; CS
	push rcx			; RIP
	push 0				; error code
	push SYSCALL_FRAME_VECTOR
	push_registers
	cld
	; SysV: arg 1 in RDI. The stack top is 16-byte aligned and the frame
	; is 22 * 8 bytes, so RSP is aligned for the call.
	mov rdi, rsp
	call syscall_dispatch		; returns with interrupts off
	pop_registers
	add rsp, 16			; vector and error code
	; RSP now points at RIP, CS, RFLAGS, RSP, SS.
	;
	; SYSRET loads RIP from RCX; on Intel CPUs a non-canonical RCX makes
	; it raise #GP in ring 0 after the stack is already the user's
	; (CVE-2012-0217). The return address is non-canonical only if the
	; process made the call from the very end of the lower half, or the
	; kernel changed it: then return by IRETQ, whose fault is taken with
	; the kernel's stack and reported against the process.
	mov rcx, [rsp]
	mov r11, rcx
	shl r11, 16
	sar r11, 16
	cmp r11, rcx
	jne .iret
	mov r11, [rsp + 16]		; RFLAGS
	mov rsp, [rsp + 24]		; the user's stack; nothing may fault now
	swapgs
	o64 sysret
.iret:
	lock inc qword [rel syscall_iret_count]
	swapgs
syscall_iret_insn:
	iretq

; uint64_t rip, uint64_t rsp, uint64_t kstack_top (SysV: RDI, RSI, RDX),
; never returns. Enter ring 3 at @rip with stack @rsp, interrupts on and
; every other register zero. What was on the kernel stack below
; @kstack_top is given up: the caller's own frame may lie there, so
; everything needed is in registers before RSP moves.
user_enter:
	mov rsp, rdx
	push USER_DATA_SEL		; SS
	push rsi			; RSP
	push USER_RFLAGS		; RFLAGS
	push USER_CODE_SEL		; CS
	push rdi			; RIP
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	swapgs
user_iret_insn:
	iretq

section .data
align 8
syscall_iret_count:	dq 0	; returns that took the IRETQ path
