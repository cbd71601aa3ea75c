#!/usr/bin/env python3
"""scripts/qemu-monitor.py - send commands to QEMU's human monitor.

    qemu-monitor.py SOCKET COMMAND...

Connects to the monitor's Unix socket (-monitor unix:SOCKET,server,nowait),
sends each COMMAND in turn and waits for the "(qemu) " prompt after each: the
monitor answers a command with its next prompt, once the command is done (a
screendump's file is written, a sendkey's key released). Exits non-zero with
a message when the monitor closes or does not answer within 10 s.
"""
import socket
import sys


def until_prompt(mon):
    seen = b''
    while not seen.endswith(b'(qemu) '):
        data = mon.recv(4096)
        if not data:
            sys.exit('qemu-monitor.py: the monitor closed')
        seen += data


def main(argv):
    if len(argv) < 3:
        print('usage: qemu-monitor.py SOCKET COMMAND...', file=sys.stderr)
        return 2
    mon = socket.socket(socket.AF_UNIX)
    mon.settimeout(10)
    try:
        mon.connect(argv[1])
        until_prompt(mon)
        for command in argv[2:]:
            mon.sendall(command.encode() + b'\n')
            until_prompt(mon)
    except OSError as e:
        sys.exit(f'qemu-monitor.py: {e}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
