; boot/multiboot2.asm - the Multiboot2 header that tells GRUB how to load Keel.
; Multiboot2 spec, section 3.1 (OS image format). GRUB finds it by its magic
; in the first 32 KiB of the image, on an 8-byte boundary.

%include "boot/boot.inc"

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386			; 32-bit protected mode entry
	dd mb2_header_end - mb2_header		; header length
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	; Tags are 8-byte aligned. The only one Keel needs is the end tag:
	; GRUB passes the memory map, command line and the rest unasked,
	; and without an "EFI boot services" tag it exits boot services and
	; enters at _start in 32-bit protected mode under UEFI too.
	align 8
	dw 0					; type: end
	dw 0					; flags
	dd 8					; size
mb2_header_end:
