; boot/boot.asm - Keel's 32-bit entry: check what the loader handed over,
; build the first page tables, enter long mode and call kmain().
;
; GRUB enters here in 32-bit protected mode with paging off, EAX holding the
; Multiboot2 magic and EBX the physical address of the boot information
; (Multiboot2 spec, section 3.2). Everything here runs at its load address;
; symbols in the higher half are used as (symbol - KERNEL_VMA).

%include "boot/boot.inc"

extern higher_half_entry
global _start
global boot_magic
global boot_info
global boot_pml4
global boot_stack_bottom
global boot_stack_top

section .boot.text progbits alloc exec nowrite align=16
bits 32

_start:
	cli
	cld
	mov [boot_magic], eax
	mov [boot_info], ebx
	mov esp, boot_stack_top - KERNEL_VMA
	call check_multiboot
	call check_cpuid
	call check_pae
	call check_long_mode
	call setup_boot_tables
	call enable_long_mode
	lgdt [boot_gdt_ptr]
	; A far jump loads CS with a 64-bit code segment: from here on the CPU
	; executes 64-bit code.
	jmp BOOT_GDT_CODE:long_mode_entry

; The loader must say it is Multiboot2 compliant; otherwise EBX means nothing.
check_multiboot:
	cmp dword [boot_magic], MB2_BOOTLOADER_MAGIC
	jne .fail
	ret
.fail:
	mov esi, msg_no_multiboot
	jmp boot_fail

; CPUID exists when EFLAGS.ID (bit 21) can be toggled (SDM Vol. 1, 20.1.1).
check_cpuid:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	cmp eax, ecx
	je .fail
	ret
.fail:
	mov esi, msg_no_cpuid
	jmp boot_fail

; 4-level paging is an extension of PAE paging: CR4.PAE must be set before
; long mode is enabled (SDM Vol. 3A, 4.1.1 and 10.8.5), and a CPU without
; PAE (CPUID.01h:EDX bit 6) cannot do that, whatever its LM bit says.
check_pae:
	mov eax, 1
	cpuid
	test edx, CPUID_1_PAE
	jz .fail
	ret
.fail:
	mov esi, msg_no_pae
	jmp boot_fail

; Long mode is CPUID.80000001h:EDX.LM; first check that leaf exists.
check_long_mode:
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .fail
	mov eax, 0x80000001
	cpuid
	test edx, CPUID_EXT_LM
	jz .fail
	ret
.fail:
	mov esi, msg_no_long_mode
	jmp boot_fail

; Map the first BOOT_MAP_GIB GiB with 2 MiB pages three times: at 0 (so this
; code survives turning paging on), at PHYS_OFFSET (the start of the direct
; map the kernel keeps) and, the first 2 GiB only, at KERNEL_VMA. The tables
; live in the kernel's .bss, which the loader has zeroed.
; arch/x86_64/vm.c replaces them with the real address space.
setup_boot_tables:
	; PML4[0] and PML4[256] -> low PDPT, PML4[511] -> high PDPT.
	mov eax, boot_pdpt_low - KERNEL_VMA
	or eax, PTE_PRESENT | PTE_WRITABLE
	mov [boot_pml4 - KERNEL_VMA], eax
	mov [boot_pml4 - KERNEL_VMA + PHYS_OFFSET_PML4_INDEX * 8], eax
	mov eax, boot_pdpt_high - KERNEL_VMA
	or eax, PTE_PRESENT | PTE_WRITABLE
	mov [boot_pml4 - KERNEL_VMA + 511 * 8], eax

	; Low PDPT[i] -> PD i; high PDPT[510, 511] -> PD 0, 1 (-2 GiB).
	xor ecx, ecx
.pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd - KERNEL_VMA
	or eax, PTE_PRESENT | PTE_WRITABLE
	mov [boot_pdpt_low - KERNEL_VMA + ecx * 8], eax
	cmp ecx, 2
	jae .next_pdpt
	mov [boot_pdpt_high - KERNEL_VMA + 510 * 8 + ecx * 8], eax
.next_pdpt:
	inc ecx
	cmp ecx, BOOT_MAP_GIB
	jb .pdpt

	; Every PD entry i maps the 2 MiB page at i * 2 MiB. Bits 32 and up
	; of the address go in the entry's high dword.
	xor ecx, ecx
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_PRESENT | PTE_WRITABLE | PTE_HUGE
	mov [boot_pd - KERNEL_VMA + ecx * 8], eax
	mov eax, ecx
	shr eax, 11
	mov [boot_pd - KERNEL_VMA + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, BOOT_MAP_GIB * 512
	jb .pd
	ret

; PAE, then CR3, then EFER.LME (and NXE when the CPU has NX), then paging.
; CR0.WP makes the kernel honour read-only pages too (GRUB leaves it off).
; SDM Vol. 3A, 10.8.5 (initializing IA-32e mode).
enable_long_mode:
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax

	mov eax, boot_pml4 - KERNEL_VMA
	mov cr3, eax

	mov eax, 0x80000001
	cpuid
	mov ebx, EFER_LME
	test edx, CPUID_EXT_NX
	jz .no_nx
	or ebx, EFER_NXE
.no_nx:
	mov ecx, MSR_EFER
	rdmsr
	or eax, ebx
	wrmsr

	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	ret

; Print the NUL-terminated message at ESI on COM1, the debug port and the VGA
; text screen, then halt for good. Used before any other console exists.
boot_fail:
	call com1_init
	mov edi, 0xb8000
.next:
	lodsb
	test al, al
	jz .halt
	call com1_putc
	out DEBUGCON_PORT, al
	mov ah, 0x4f			; white on red
	stosw
	jmp .next
.halt:
	cli
	hlt
	jmp .halt

; 115200 baud, 8N1, FIFOs on. drivers/uart16550.c documents the registers.
; The C driver cannot serve here: it is 64-bit code linked in the higher
; half, and this runs in 32-bit mode before paging, when the CPU checks fail.
; So this is a second, minimal set-up that only ever transmits.
com1_init:
	push eax
	push edx
	mov dx, UART_COM1 + 1
	xor al, al
	out dx, al			; no interrupts
	mov dx, UART_COM1 + 3
	mov al, 0x80
	out dx, al			; DLAB on
	mov dx, UART_COM1
	mov al, 1
	out dx, al			; divisor 1 = 115200 baud
	mov dx, UART_COM1 + 1
	xor al, al
	out dx, al
	mov dx, UART_COM1 + 3
	mov al, 0x03
	out dx, al			; 8N1, DLAB off
	mov dx, UART_COM1 + 2
	mov al, 0xc7
	out dx, al			; FIFOs on and cleared
	pop edx
	pop eax
	ret

; Send AL on COM1, waiting a bounded time for the transmitter: on a machine
; without COM1 the status reads 0xff or never changes, and must not hang us.
com1_putc:
	push ecx
	push edx
	push eax
	mov ecx, 100000
	mov dx, UART_COM1 + 5
.wait:
	in al, dx
	test al, 0x20			; LSR: transmit holding register empty
	jnz .send
	loop .wait
.send:
	pop eax
	mov dx, UART_COM1
	out dx, al
	pop edx
	pop ecx
	ret

bits 64
; Still at the load address, now in 64-bit mode. Jump to the higher half.
long_mode_entry:
	mov ax, BOOT_GDT_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_entry
	jmp rax

section .boot.data progbits alloc noexec write align=16
boot_magic:	dd 0
boot_info:	dd 0

; A minimal GDT for the switch: null, 64-bit code, data. The kernel loads its
; own (with a TSS) in arch/x86_64/gdt.c. SDM Vol. 3A, 3.4.5.
align 16
boot_gdt:
	dq 0
.code:	dq 0x00af9a000000ffff		; present, ring 0, code, L=1
.data:	dq 0x00cf92000000ffff		; present, ring 0, data, writable
boot_gdt_end:
BOOT_GDT_CODE equ boot_gdt.code - boot_gdt
BOOT_GDT_DATA equ boot_gdt.data - boot_gdt
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

msg_no_multiboot:
	db "Keel: boot failed: not started by a Multiboot2 boot loader (bad magic in EAX)", 13, 10, 0
msg_no_cpuid:
	db "Keel: boot failed: this CPU has no CPUID instruction", 13, 10, 0
msg_no_pae:
	db "Keel: boot failed: this CPU does not support PAE, which 64-bit paging needs", 13, 10, 0
msg_no_long_mode:
	db "Keel: boot failed: this CPU does not support long mode (x86_64); Keel needs a 64-bit CPU", 13, 10, 0

section .bss nobits alloc noexec write align=4096
boot_pml4:	resb 4096
boot_pdpt_low:	resb 4096
boot_pdpt_high:	resb 4096
boot_pd:	resb 4096 * BOOT_MAP_GIB

; The kernel stack, with a page below it that the kernel's page tables leave
; unmapped: running off the stack's end then faults instead of overwriting.
global boot_stack_guard
boot_stack_guard:
	resb 4096
boot_stack_bottom:
	resb KERNEL_STACK_SIZE
boot_stack_top:
