; boot/higher_half.asm - the boot stub's last step, in the higher half.
;
; boot/boot.asm jumps here in 64-bit mode once paging maps the kernel at
; KERNEL_VMA. This code lives in a file of its own because NASM describes
; only one code section per file to a debugger: with it in boot.asm, gdb
; found the return address into here in the line table but not in the
; symbol table, and warned on every backtrace through kmain.

%include "boot/boot.inc"

extern kmain
extern boot_magic
extern boot_info
extern boot_stack_top
global higher_half_entry

section .text
; Now in the higher half: switch to the kernel stack and call
; kmain(magic, info_phys), SysV ABI: RDI, RSI; RSP 16-byte aligned at the call.
higher_half_entry:
	mov rsp, boot_stack_top
	xor ebp, ebp			; ends the frame-pointer chain for backtraces
	mov edi, [boot_magic]
	mov esi, [boot_info]
	call kmain
.halt:
	cli
	hlt
	jmp .halt

