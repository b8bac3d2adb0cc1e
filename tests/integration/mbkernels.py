"""Builders for the Multiboot test kernels (tests/kernels/) and hand-made ELF32 images, and a
reader for the "MB1 ..." lines the test kernels print."""

import os
import re
import struct
import subprocess

KERNELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernels")
MB1_MAGIC = 0x1BADB002
MB2_MAGIC = 0xE85250D6


def build_mb1(outdir):
    """mb1.elf and mb1_aout.bin in outdir (gcc -m32 + ld, as the kernel's build.sh does)."""
    subprocess.run([os.path.join(KERNELS, "mb1", "build.sh"), str(outdir)], check=True)
    return os.path.join(outdir, "mb1.elf"), os.path.join(outdir, "mb1_aout.bin")


def build_mb2(outdir):
    """mb2.elf (Multiboot 2 and 1 headers) and mb2_aout.bin (address tag) in outdir."""
    subprocess.run([os.path.join(KERNELS, "mb2", "build.sh"), str(outdir)], check=True)
    return os.path.join(outdir, "mb2.elf"), os.path.join(outdir, "mb2_aout.bin")


def mb2_tag(type_, fields=(), optional=False):
    """One Multiboot 2 header tag: type, flags, size, u32 fields, padded to 8 bytes."""
    body = struct.pack("<HHI", type_, 1 if optional else 0, 8 + 4 * len(fields))
    body += b"".join(struct.pack("<I", f) for f in fields)
    return body.ljust((len(body) + 7) & ~7, b"\0")


def mb2_header(tags, checksum_delta=0):
    """A Multiboot 2 header (i386) with tags (mb2_tag bytes) and the end tag."""
    body = b"".join(tags) + mb2_tag(0)
    length = 16 + len(body)
    return struct.pack("<IIII", MB2_MAGIC, 0, length,
                       (-(MB2_MAGIC + length) + checksum_delta) & 0xFFFFFFFF) + body


def mb1_header(flags, checksum_delta=0):
    return struct.pack("<III", MB1_MAGIC, flags, (-(MB1_MAGIC + flags) + checksum_delta) & 0xFFFFFFFF)


def elf32(segments, entry, header):
    """An ELF32 i386 file with one PT_LOAD per (paddr, filesz, memsz) in segments; the Multiboot
    header is the first thing of the first segment's bytes (file offset 0x1000)."""
    phnum = len(segments)
    eh = b"\x7fELF\x01\x01\x01" + b"\0" * 9
    eh += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, 52, 0, 0, 52, 32, phnum, 40, 0, 0)
    ph = b""
    body = b""
    off = 0x1000
    for paddr, filesz, memsz in segments:
        ph += struct.pack("<IIIIIIII", 1, off, paddr, paddr, filesz, memsz, 7, 0x1000)
        data = (header if not body else b"") + b"\xf4" * filesz
        body += data[:filesz]
        off += filesz
    head = (eh + ph).ljust(0x1000, b"\0")
    return head + body


def read_report(m, timeout=60, prefix="MB1"):
    """The test kernel's lines up to "MB1 done" (or prefix's) as a list of
    (what, {key: value}, text)."""
    m.expect(rf"{prefix} done", timeout)
    text = m.transcript()
    text = text[text.index(f"{prefix} start"):]
    out = []
    for ln in text.replace("\r", "").split("\n"):
        if not ln.startswith(prefix + " "):
            continue
        body = ln[len(prefix) + 1:]
        if body.startswith(("cmdline=", "loader=", "nethex=")):
            name, val = body.split("=", 1)
            out.append((name, {}, val))
            continue
        what, _, rest = body.partition(" ")
        kv = {k: int(v, 16) for k, v in re.findall(r"(\w+)=(0x[0-9a-f]+)", rest.split(" string=")[0])}
        s = re.search(r" string=(.*)$", rest)
        out.append((what, kv, s.group(1) if s else ""))
    return out
