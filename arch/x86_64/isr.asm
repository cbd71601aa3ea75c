; arch/x86_64/isr.asm - the 256 interrupt entry stubs and the common path.
;
; The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some exceptions, an error
; code (SDM Vol. 3A, 6.14.1). Each stub makes the frame uniform by pushing a
; zero where the CPU pushed no error code, then the vector number, and jumps
; to isr_common, which saves the general registers in the reverse order of
; struct trap_frame (arch/x86_64/trap.h) and calls trap_dispatch(frame).

extern trap_dispatch
extern syscall_iret_insn
extern user_iret_insn
global isr_stub_table

; Where the stub's and the CPU's frame sit above the saved registers.
%define REGS_SIZE	(15 * 8)
%define FRAME_VECTOR	0
%define FRAME_RIP	16
%define FRAME_CS	24
; Vectors on IST stacks (arch/x86_64/idt.c) and the GS base MSR
; (arch/x86_64/msr.h).
%define VEC_NMI		2
%define VEC_DF		8
%define VEC_MC		18
%define MSR_GS_BASE	0xc0000101
%define RFLAGS_AC	(1 << 18)

%include "arch/x86_64/trap_frame.inc"

section .text

; Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC,
; #CP, #VC, #SX (SDM Vol. 3A, table 6-1; AMD APM Vol. 2, 8.2).
%macro isr_stub 1
isr_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	; the CPU pushed an error code
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 256
	isr_stub v
%assign v v + 1
%endrep

isr_common:
	push_registers
	; Which GS base is loaded decides whether to swapgs to reach the
	; kernel's struct cpu (kernel/percpu.h). R12 (callee-saved, its value
	; already in the frame) remembers the swap, so that the exit puts
	; back exactly the GS base the interrupted code had.
	xor r12d, r12d
	mov rax, [rsp + REGS_SIZE + FRAME_VECTOR]
	cmp rax, VEC_NMI
	je .ask_gs_base
	cmp rax, VEC_DF
	je .ask_gs_base
	cmp rax, VEC_MC
	je .ask_gs_base
	; Anything else arrives from ring 3 with the user's GS base, from
	; ring 0 with the kernel's; except that an IRETQ back to ring 3 that
	; faults (a bad user frame) arrives from ring 0 with the user's GS
	; base already loaded, so those two instructions count as ring 3 too
	; (Linux does the same).
	test qword [rsp + REGS_SIZE + FRAME_CS], 3
	jnz .swap_in
	mov rax, [rsp + REGS_SIZE + FRAME_RIP]
	cmp rax, syscall_iret_insn
	je .swap_in
	cmp rax, user_iret_insn
	je .swap_in
	jmp .kernel_gs
.ask_gs_base:
	; NMI, #DF and #MC (on IST stacks) may interrupt ring 0 while the
	; user's GS base is loaded: after SYSCALL before its swapgs, between
	; the swapgs and SYSRET or IRETQ, or in an entry stub before the swap
	; above. CS cannot tell; the base can: the kernel's is a higher-half
	; address, a process's never is (it can load only GDT bases, 0, and
	; ARCH_SET_GS does not exist). SDM Vol. 3A, 5.8.8 on SWAPGS.
	mov ecx, MSR_GS_BASE
	rdmsr
	test edx, edx
	js .kernel_gs
.swap_in:
	swapgs
	mov r12d, 1
.kernel_gs:
	cld				; the SysV ABI expects DF clear
	; An interrupt may come in the middle of a user copy, with RFLAGS.AC
	; set to lift SMAP (arch/x86_64/uaccess.c); the gate does not clear
	; it (SDM Vol. 3A, 6.12.1.3). The handler, and any thread preemption
	; switches to, run with it clear; IRETQ gives the copy its AC back.
	; Not CLAC: that is an invalid opcode on a CPU without SMAP.
	pushfq
	and dword [rsp], ~RFLAGS_AC
	popfq
	mov rdi, rsp			; arg 1: struct trap_frame *
	; In 64-bit mode the CPU aligns RSP to 16 bytes before pushing its
	; frame (SDM Vol. 3A, 6.14.2) and the frame is 22 * 8 bytes, so RSP is
	; aligned here already; the AND only guards the SysV rule against a
	; future change of the frame. RBX (saved above, callee-saved in C)
	; keeps the old value; RBP is left alone so backtraces can walk through
	; the frame.
	mov rbx, rsp
	and rsp, ~0xf
	call trap_dispatch
	mov rsp, rbx
	test r12d, r12d
	jz .gs_restored
	swapgs
.gs_restored:
	pop_registers
	add rsp, 16			; vector and error code
	iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_ %+ v
%assign v v + 1
%endrep
