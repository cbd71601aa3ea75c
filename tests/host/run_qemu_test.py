#!/usr/bin/env python3
"""tests/host/run_qemu_test.py - what "make run" does, on a machine without a
desktop.

    run_qemu_test.py KERNEL.elf

Boots scripts/run-qemu.sh (make run's script) on an ISO of KERNEL.elf with no
DISPLAY and no GUI: the serial console must be this process's standard
input and output, so a "version" typed at the prompt is answered there, and
Ctrl-a x ends QEMU. Then GUI values that cannot work must be refused with
their reason before QEMU starts, and on a desktop (DISPLAY set, a stand-in
QEMU that has gtk and sdl) GUI=1 and GUI=sdl must ask for a window and a
VGA, and no GUI for neither. Prints "N passed, N failed" last, as every
step of make test does.
"""
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, '..', '..', 'scripts')
BOOT_TIMEOUT = 60	# seconds, as scripts/run-tests.sh gives a BIOS boot
CTRL_A_X = b'\x01x'	# -serial mon:stdio: quit QEMU


def no_desktop_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ('DISPLAY', 'WAYLAND_DISPLAY', 'GUI')}
    env.update(FIRMWARE='bios', BOOT='cdrom', QEMUFLAGS='', MEMORY='')
    env.update(extra)
    return env


def make_iso(kernel):
    """The default two-entry ISO (as make builds it), under build/test."""
    out_dir = os.path.join(os.environ.get('BUILD', 'build'), 'test')
    os.makedirs(out_dir, exist_ok=True)
    iso = os.path.join(out_dir, 'run-qemu.iso')
    if (not os.path.exists(iso)
            or os.path.getmtime(kernel) > os.path.getmtime(iso)):
        tmp = f'{iso}.{os.getpid()}.tmp.iso'
        subprocess.run([os.path.join(SCRIPTS, 'mkiso.sh'), tmp, kernel],
                       check=True)
        os.replace(tmp, iso)
    return iso


def read_until(proc, seen, text, deadline):
    """Read @proc's output into @seen until it holds @text; False at the
    deadline or when the output ends."""
    fd = proc.stdout.fileno()
    while text not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        data = os.read(fd, 4096)
        if not data:
            return False
        seen += data
    return True


def serial_session(iso):
    """Boot, type "version" at the prompt, quit: None or what went wrong."""
    proc = subprocess.Popen(
        [os.path.join(SCRIPTS, 'run-qemu.sh'), iso], env=no_desktop_env(),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True)
    seen = bytearray()
    deadline = time.monotonic() + BOOT_TIMEOUT
    try:
        for typed, want in ((b'', b'keel> '),
                            (b'version\r', b'), built with ')):
            proc.stdin.write(typed)
            proc.stdin.flush()
            if not read_until(proc, seen, want, deadline):
                return (f'{want.decode()!r} never came; output ends: '
                        f'{bytes(seen[-200:]).decode(errors="replace")!r}')
        proc.stdin.write(CTRL_A_X)
        proc.stdin.flush()
        proc.wait(timeout=10)
        return None
    except subprocess.TimeoutExpired:
        return 'Ctrl-a x did not end QEMU within 10 s'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()


def refused(iso, gui, why, **env):
    """run-qemu.sh with GUI=@gui must exit non-zero saying @why."""
    res = subprocess.run([os.path.join(SCRIPTS, 'run-qemu.sh'), iso],
                         env=no_desktop_env(GUI=gui, **env),
                         stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=30, text=True)
    if res.returncode != 0 and why in res.stderr:
        return None
    return (f'GUI={gui}: status {res.returncode}, stderr '
            f'{res.stderr.strip()!r}, wanted a refusal saying {why!r}')


FAKE_QEMU = """#!/bin/sh
# Stands in for QEMU: lists the displays a desktop build has, or prints
# its arguments one a line.
case "$*" in
*"-display help"*) printf 'Available display backend types:\\nnone\\ngtk\\nsdl\\n' ;;
*) printf '%s\\n' "$@" ;;
esac
"""


def window_args(iso, gui, want, unwanted=()):
    """run-qemu.sh with GUI=@gui on a desktop, a stand-in QEMU on PATH:
    its arguments must hold each pair of @want and none of @unwanted."""
    with tempfile.TemporaryDirectory() as bindir:
        fake = os.path.join(bindir, 'qemu-system-x86_64')
        with open(fake, 'w') as f:
            f.write(FAKE_QEMU)
        os.chmod(fake, 0o755)
        env = no_desktop_env(GUI=gui, DISPLAY=':0',
                             PATH=bindir + os.pathsep + os.environ['PATH'])
        res = subprocess.run([os.path.join(SCRIPTS, 'run-qemu.sh'), iso],
                             env=env, stdin=subprocess.DEVNULL,
                             capture_output=True, timeout=30, text=True)
    args = res.stdout.splitlines()
    pairs = set(zip(args, args[1:]))
    missing = [p for p in want if p not in pairs]
    extra = [a for a in unwanted if a in args]
    if res.returncode == 0 and not missing and not extra:
        return None
    return (f'GUI={gui!r}: status {res.returncode}, missing {missing}, '
            f'unwanted {extra}; stderr {res.stderr.strip()!r}')


def main(argv):
    if len(argv) != 2:
        print('usage: run_qemu_test.py KERNEL.elf', file=sys.stderr)
        return 2
    iso = make_iso(argv[1])
    cases = [
        ('make run without a display: the shell on serial, Ctrl-a x quits',
         lambda: serial_session(iso)),
        ('GUI=1 without a desktop is refused, naming DISPLAY',
         lambda: refused(iso, '1', 'needs a desktop: neither DISPLAY')),
        ('GUI=bogus is refused, naming the values',
         lambda: refused(iso, 'bogus', "GUI must be 0, 1 (gtk) or sdl")),
        ('GUI=1 on a desktop: a window (gtk) with a VGA, serial here too',
         lambda: window_args(iso, '1', [('-vga', 'std'), ('-display', 'gtk'),
                                        ('-serial', 'mon:stdio')])),
        ('GUI=sdl on a desktop: an SDL window with a VGA',
         lambda: window_args(iso, 'sdl', [('-vga', 'std'),
                                          ('-display', 'sdl')])),
        ('no GUI on a desktop: still no display device',
         lambda: window_args(iso, '', [('-display', 'none'),
                                       ('-serial', 'mon:stdio')], ['-vga'])),
    ]
    failed = 0
    for name, case in cases:
        problem = case()
        print(f'{"FAIL" if problem else "PASS"}  {name}'
              + (f': {problem}' if problem else ''))
        failed += bool(problem)
    print(f'{len(cases) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
