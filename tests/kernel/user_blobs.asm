; tests/kernel/user_blobs.asm - small ring-3 programs for the user-mode
; tests (tests/kernel/user_test.c), position-independent, each between
; user_blob_NAME and user_blob_NAME_end. A test copies one to a page of a
; process at USER_CODE_BASE and runs it. Arguments come on the initial stack:
; [rsp] is the first, [rsp + 8] the next. System calls use Linux's numbers.

%define SYS_WRITE	1
%define SYS_GETPID	39
%define SYS_EXIT	60

%macro blob 1
global user_blob_%1
global user_blob_%1_end
user_blob_%1:
%endmacro

%macro blob_end 1
user_blob_%1_end:
%endmacro

section .rodata		; copied, never run in place

; exit(42)
blob exit42
	mov edi, 42
	mov eax, SYS_EXIT
	syscall
blob_end exit42

; write(1, "hello from ring 3\n", 18), then exit(the result)
blob hello
	mov edi, 1
	lea rsi, [rel .msg]
	mov edx, .len
	mov eax, SYS_WRITE
	syscall
	mov edi, eax
	mov eax, SYS_EXIT
	syscall
.msg:	db "hello from ring 3", 10
.len	equ $ - .msg
blob_end hello

; syscall(nr, a0..a5) from the stack, then exit(result & 0xff)
blob syscall6
	mov rax, [rsp]
	mov rdi, [rsp + 8]
	mov rsi, [rsp + 16]
	mov rdx, [rsp + 24]
	mov r10, [rsp + 32]
	mov r8, [rsp + 40]
	mov r9, [rsp + 48]
	syscall
	mov edi, eax
	mov eax, SYS_EXIT
	syscall
blob_end syscall6

; read the byte at [rsp], then exit(that byte)
blob load
	mov rax, [rsp]
	movzx edi, byte [rax]
	mov eax, SYS_EXIT
	syscall
blob_end load

; write 0x5a at the address [rsp], then exit(0)
blob store
	mov rax, [rsp]
	mov byte [rax], 0x5a
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end store

; write over its own first instruction
blob write_text
	lea rax, [rel user_blob_write_text]
	mov byte [rax], 0x90
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end write_text

; put a ret on the stack and jump to it
blob exec_stack
	push 0xc3
	jmp rsp
blob_end exec_stack

; Each privileged or faulting instruction, then exit(0) if it ever returns.
%macro fault_blob 2
blob %1
	%2
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end %1
%endmacro

fault_blob cli, cli
fault_blob hlt, hlt
fault_blob in, {in al, 0x60}
fault_blob mov_cr3, {mov cr3, rax}
fault_blob ud2, ud2
fault_blob int3, int3
blob div0
	xor ecx, ecx
	div ecx
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end div0

; getpid() [rsp] times, then exit(0): the system call round trip
blob getpid_loop
	mov rbx, [rsp]
.again:
	test rbx, rbx
	jz .done
	mov eax, SYS_GETPID
	syscall
	dec rbx
	jmp .again
.done:
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end getpid_loop

; getpid() and exit(pid == [rsp] ? 0 : 1), with r12..r15 and rbp checked
; to survive the call
blob getpid_check
	mov r12, 0x1111
	mov r13, 0x2222
	mov r14, 0x3333
	mov r15, 0x4444
	mov rbp, 0x5555
	mov eax, SYS_GETPID
	syscall
	mov edi, 1
	cmp rax, [rsp]
	jne .out
	cmp r12, 0x1111
	jne .out
	cmp r13, 0x2222
	jne .out
	cmp r14, 0x3333
	jne .out
	cmp r15, 0x4444
	jne .out
	cmp rbp, 0x5555
	jne .out
	xor edi, edi
.out:
	mov eax, SYS_EXIT
	syscall
blob_end getpid_check

; spin forever
blob spin
	jmp $
blob_end spin

%define SYS_MMAP	9
%define SYS_MUNMAP	11
%define SYS_BRK		12
%define PROT_RW		3
%define MAP_PRIVATE_ANON 0x22

; brk and mmap grow, are used and are given back. Exit status: 0, or the
; step that failed. With [rsp] = 1 it touches the unmapped mmap() area at
; the end, with [rsp] = 2 the released break: that must kill it.
blob memory
	mov r15, [rsp]
	mov eax, SYS_BRK		; brk(0): the break now
	xor edi, edi
	syscall
	mov rbx, rax
	lea rdi, [rbx + 0x10000]	; grow by 64 KiB
	mov eax, SYS_BRK
	syscall
	mov edi, 1
	lea rcx, [rbx + 0x10000]
	cmp rax, rcx
	jne .out
	mov byte [rbx], 0x66		; both ends are usable
	mov byte [rbx + 0xffff], 0x77
	mov rdi, rbx			; give it back
	mov eax, SYS_BRK
	syscall
	mov edi, 2
	cmp rax, rbx
	jne .out
	xor edi, edi			; mmap(0, 1 MiB, RW, PRIVATE|ANON, -1, 0)
	mov esi, 0x100000
	mov edx, PROT_RW
	mov r10d, MAP_PRIVATE_ANON
	mov r8, -1
	xor r9d, r9d
	mov eax, SYS_MMAP
	syscall
	mov edi, 3
	test rax, rax
	js .out
	mov r12, rax
	mov edi, 4			; fresh memory is zero
	cmp byte [r12 + 0x1000], 0
	jne .out
	mov byte [r12], 1
	mov byte [r12 + 0xfffff], 2
	mov rdi, r12			; munmap it all
	mov esi, 0x100000
	mov eax, SYS_MUNMAP
	syscall
	mov edi, 5
	test rax, rax
	jnz .out
	cmp r15, 1
	jne .not1
	mov byte [r12], 1		; must fault
.not1:
	cmp r15, 2
	jne .not2
	mov byte [rbx], 1		; must fault
.not2:
	xor edi, edi
.out:
	mov eax, SYS_EXIT
	syscall
blob_end memory

; mmap 1 MiB at a time, touching each page, until mmap fails; exit(0) if
; it failed with -ENOMEM, else 1.
blob eat_memory
.more:
	xor edi, edi
	mov esi, 0x100000
	mov edx, PROT_RW
	mov r10d, MAP_PRIVATE_ANON
	mov r8, -1
	xor r9d, r9d
	mov eax, SYS_MMAP
	syscall
	test rax, rax
	js .failed
	mov rcx, 256
.touch:
	mov byte [rax], 1
	add rax, 0x1000
	dec rcx
	jnz .touch
	jmp .more
.failed:
	xor edi, edi
	cmp rax, -12
	je .out
	mov edi, 1
.out:
	mov eax, SYS_EXIT
	syscall
blob_end eat_memory

; an unknown system call twice, then exit(its result & 0xff)
blob unknown_twice
	mov eax, 200
	syscall
	mov eax, 200
	syscall
	mov edi, eax
	mov eax, SYS_EXIT
	syscall
blob_end unknown_twice

%define SYS_SCHED_YIELD	24
%define SYS_NANOSLEEP	35

; [rsp] times: write the byte [rsp + 8] to the console and sched_yield();
; then exit(0)
blob ping
	mov rbx, [rsp]
	lea r12, [rsp + 8]
.again:
	test rbx, rbx
	jz .done
	mov edi, 1
	mov rsi, r12
	mov edx, 1
	mov eax, SYS_WRITE
	syscall
	mov eax, SYS_SCHED_YIELD
	syscall
	dec rbx
	jmp .again
.done:
	xor edi, edi
	mov eax, SYS_EXIT
	syscall
blob_end ping

; nanosleep([rsp] ns, below a second), then exit(0)
blob nap
	push qword [rsp]		; tv_nsec
	push 0				; tv_sec
	mov rdi, rsp
	xor esi, esi
	mov eax, SYS_NANOSLEEP
	syscall
	mov edi, eax
	mov eax, SYS_EXIT
	syscall
blob_end nap

; SSE registers kept across switches: put [rsp] in XMM0 and XMM7, then
; [rsp + 8] times yield, spin a while (for the tick to preempt too) and
; check both still hold it; exit(0), or exit(1) at the first change.
blob sse_keep
	mov rbx, [rsp + 8]
	movq xmm0, [rsp]
	movq xmm7, [rsp]
.again:
	mov eax, SYS_SCHED_YIELD
	syscall
	mov ecx, 20000
.spin:
	dec ecx
	jnz .spin
	movq rdx, xmm0
	cmp rdx, [rsp]
	jne .bad
	movq rdx, xmm7
	cmp rdx, [rsp]
	jne .bad
	dec rbx
	jnz .again
	xor edi, edi
	jmp .exit
.bad:
	mov edi, 1
.exit:
	mov eax, SYS_EXIT
	syscall
blob_end sse_keep
