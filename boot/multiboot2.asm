; boot/multiboot2.asm - the Multiboot2 header that tells GRUB how to load Keel.
; Multiboot2 spec, section 3.1 (OS image format). GRUB finds it by its magic
; in the first 32 KiB of the image, on an 8-byte boundary.

%include "boot/boot.inc"

MB2_TAG_OPTIONAL	equ 1		; flags bit 0: the loader may ignore it
MB2_CONSOLE_EGA_TEXT	equ 2		; console_flags bit 1

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386			; 32-bit protected mode entry
	dd mb2_header_end - mb2_header		; header length
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	; Tags are 8-byte aligned (3.1.3). GRUB passes the memory map, command
	; line and the rest unasked, and without an "EFI boot services" tag it
	; exits boot services and enters at _start in 32-bit protected mode
	; under UEFI too.

	; Console flags (3.1.6): EGA text is supported, no console required.
	; Marked optional, so a loader that does not know it boots Keel anyway.
	align 8
	dw 4					; type: console flags
	dw MB2_TAG_OPTIONAL
	dd 12					; size
	dd MB2_CONSOLE_EGA_TEXT

	; Framebuffer (3.1.10): ask for 1024x768 at 32 bits per pixel. Optional:
	; a machine that cannot set the mode still boots (in EGA text, or with
	; no screen). GRUB turns this tag into its gfxpayload variable when the
	; multiboot2 command runs, so grub.cfg can override it after that line.
	align 8
	dw 5					; type: framebuffer
	dw MB2_TAG_OPTIONAL
	dd 20					; size (the padding below is not counted)
	dd 1024					; width
	dd 768					; height
	dd 32					; depth

	align 8
	dw 0					; type: end
	dw 0					; flags
	dd 8					; size
mb2_header_end:
