; arch/x86_64/trampoline.asm - where an application processor starts: real
; mode, then protected mode, then long mode, then the kernel's C code.
;
; arch/x86_64/smp.c copies trampoline_start..trampoline_end into a page
; below 1 MiB and fills the parameter block at its end. A STARTUP IPI with
; vector V starts the AP in real mode at V000:0000 (Intel SDM Vol. 3A,
; 9.4.4 and 9.9 mode switching; 10.8.5 initializing IA-32e mode). Every AP
; runs this copy at once: each finds its own stack by its APIC id.
;
; The parameter block's layout is struct trampoline_params in
; arch/x86_64/smp.c; keep them in sync (smp.c checks the size).

%define CR4_PAE			(1 << 5)
%define MSR_EFER		0xc0000080
%define CPU_ENTRY_SIZE		24	; struct trampoline_cpu
%define TRAMPOLINE_CPUS		64	; MAX_CPUS of kernel/percpu.h
; The block's own GDT: 8 is 32-bit code, 16 data, 24 64-bit code.
%define SEL_DATA		0x10

; Offsets inside the page: the code runs at a different address than it is
; linked at, so every reference is relative to trampoline_start.
%define OFF(label)		((label) - trampoline_start)

global trampoline_start
global trampoline_params
global trampoline_end
global trampoline_pm_entry
global trampoline_lm_entry

section .rodata
align 16
bits 16
trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	movzx ebx, ax
	shl ebx, 4			; EBX = physical address of this page
	o32 lgdt [OFF(params.gdt_limit)]
	mov eax, cr0
	or eax, 1			; CR0.PE
	mov cr0, eax
	o32 jmp far [OFF(params.pm_entry)]

bits 32
; Protected mode, paging off: PAE, the start-up tables, EFER.LME (and NXE,
; which the kernel's tables need), then paging: long mode, compatibility
; submode, until the far jump to the 64-bit code segment.
trampoline_pm_entry:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [ebx + OFF(params.cr3)]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, [ebx + OFF(params.efer)]
	wrmsr
	mov eax, [ebx + OFF(params.cr0)]
	mov cr0, eax
	jmp far [ebx + OFF(params.lm_entry)]

bits 64
; 64-bit mode, still at the page's identity mapping. The upper halves of
; the registers are undefined after the switch: only their low halves are
; used, and writing a 32-bit register clears the upper half.
trampoline_lm_entry:
	mov r15d, ebx
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	; ESI = this CPU's APIC id: CPUID leaf 0Bh's x2APIC id where the
	; leaf exists, else the 8-bit initial id of leaf 1 (SDM Vol. 3A,
	; 11.4.6). Inline: there is no stack yet.
	xor eax, eax
	cpuid
	cmp eax, 0xb
	jb .legacy_id
	mov eax, 0xb
	xor ecx, ecx
	cpuid
	mov esi, edx
	test ebx, ebx			; leaf 0Bh not implemented: EBX = 0
	jnz .have_id
.legacy_id:
	mov eax, 1
	cpuid
	shr ebx, 24
	mov esi, ebx
.have_id:
	lea rdi, [r15 + OFF(params.cpus)]
	mov ecx, [r15 + OFF(params.ncpus)]
.next:
	test ecx, ecx
	jz .unknown
	cmp [rdi], esi
	je .found
	add rdi, CPU_ENTRY_SIZE
	dec ecx
	jmp .next
; Not a CPU the kernel asked for: stay halted. The boot CPU reports the
; ones that never arrive.
.unknown:
	cli
	hlt
	jmp .unknown
; Say so, take the stack, and enter ap_entry(struct cpu *) as if called:
; a zero return address ends backtraces, and RSP is 8 off 16-alignment.
.found:
	mov dword [rdi + 4], 1
	mov rsp, [rdi + 8]
	mov rax, [r15 + OFF(params.entry)]
	mov rdi, [rdi + 16]
	xor ebp, ebp
	push 0
	jmp rax

align 8
trampoline_params:
params:
.gdt_limit:	dw 0
.gdt_base:	dd 0
		dw 0
.pm_entry:	dd 0
.pm_sel:	dw 0
		dw 0
.lm_entry:	dd 0
.lm_sel:	dw 0
		dw 0
.cr3:		dd 0
.cr0:		dd 0
.efer:		dd 0
.ncpus:		dd 0
.entry:		dq 0
.gdt:		times 4 dq 0
.cpus:		times TRAMPOLINE_CPUS * CPU_ENTRY_SIZE db 0
trampoline_end:
