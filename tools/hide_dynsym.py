#!/usr/bin/env python3
"""Hide an exported symbol of an ELF64 shared library by renaming it in .dynstr (same length, last letter replaced
by '_'), so that dlsym on the library finds the definition in one of its dependencies instead. Idempotent."""
import struct, sys
path, name = sys.argv[1], sys.argv[2].encode()
b = bytearray(open(path, 'rb').read())
assert b[:4] == b'\x7fELF' and b[4] == 2, 'ELF64 only'
e_shoff, = struct.unpack_from('<Q', b, 0x28)
e_shentsize, e_shnum = struct.unpack_from('<HH', b, 0x3A)
secs = [struct.unpack_from('<IIQQQQIIQQ', b, e_shoff + i * e_shentsize) for i in range(e_shnum)]
dynsym = next(s for s in secs if s[1] == 11)  # SHT_DYNSYM
strtab = secs[dynsym[6]]                      # its string table (.dynstr)
start, end = strtab[4], strtab[4] + strtab[5]
old, new = b'\0' + name + b'\0', b'\0' + name[:-1] + b'_\0'
i = b.find(old, start - 1, end)
if i < 0:
    hidden = b.find(new, start - 1, end) >= 0
    print(f'{path}: {name.decode()} ' + ('already hidden' if hidden else 'not found'))
    sys.exit(0 if hidden else 1)
b[i:i + len(old)] = new
open(path, 'wb').write(b)
print(f'{path}: hid {name.decode()}')
