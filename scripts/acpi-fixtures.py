#!/usr/bin/env python3
"""scripts/acpi-fixtures.py - turn a serial log of an `acpi=dump` boot into
fixture files for the host tests (tests/host/lib/acpi_test.c):

    scripts/acpi-fixtures.py LOG DIR

writes DIR/RSDP (the RSDP's bytes) and DIR/PHYS-SIG.bin for the root table
and every table, PHYS its physical address in hex. Each table's length and
checksum are checked against the dump's header line; a short or garbled
dump is an error, never a silently wrong fixture.
"""
import os
import re
import sys

HEADER = re.compile(r"acpi-dump: (\w{4}) (0x[0-9a-f]+|0) (\d+)$")
DATA = re.compile(r"acpi-dump: ([0-9a-f]+)$")


def read_dump(path):
    tables, cur = [], None
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("ascii", "replace").strip()
            m = HEADER.search(line)
            if m:
                cur = [m.group(1), int(m.group(2), 16), int(m.group(3)), bytearray()]
                tables.append(cur)
                continue
            m = DATA.search(line)
            if m and cur:
                cur[3] += bytes.fromhex(m.group(1))
            if line.endswith("acpi-dump: end"):
                return tables
    sys.exit(f"{path}: no 'acpi-dump: end' line: the dump is incomplete")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    log, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for sig, phys, length, data in read_dump(log):
        if len(data) != length:
            sys.exit(f"{sig} at {phys:#x}: {len(data)} bytes dumped, header says {length}")
        if sig == "RSDP":
            name = "RSDP"
        else:
            if sum(data) % 256:
                sys.exit(f"{sig} at {phys:#x}: bad checksum in the dump")
            name = f"{phys:08x}-{sig}.bin"
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{out}/{name}: {length} bytes")


main()
