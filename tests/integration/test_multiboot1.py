"""Multiboot 1: osprey boots the test kernel (tests/kernels/mb1) over the network, as ELF
(gzipped) and through the a.out kludge, with modules; the kernel prints every field it received
and the tests check each against what was loaded. The second boot first tries bad images and
modules in a row: each gives one clear error and the prompt."""

import gzip
import os
import re
import zlib

import pytest

from conftest import T_LOAD
from mbkernels import build_mb1, elf32, mb1_header, read_report

DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
MEM_MIB = 256


@pytest.fixture
def mb1_kernels(tftp_root):
    elf, aout = build_mb1(tftp_root)
    return open(elf, "rb").read(), open(aout, "rb").read()


def one_error(out):
    lines = [ln for ln in out.split("\n") if ln.startswith("Error:")]
    assert len(lines) == 1, out
    return lines[0]


def check_report(rep, *, cmdline, mods, kernel_range):
    """Every field the test kernel printed, against what osprey was given."""
    first = {w: kv for w, kv, _ in rep if w in ("start", "flags", "mem", "mods", "mmap", "vbe")}
    st = first["start"]
    assert st["magic"] == 0x2BADB002, st
    assert st["cr0"] & 1 and not st["cr0"] & 0x80000000, st          # PE on, paging off
    assert not st["eflags"] & 0x200 and not st["eflags"] & 0x20000, st  # IF and VM clear
    assert st["ds"] == st["es"] == st["ss"] and st["cs"] != st["ds"], st
    flags = first["flags"]["flags"]
    # mem, cmdline, mmap, loader name; mods when given; no boot device (network), no VBE/fb.
    want = 0x1 | 0x4 | 0x40 | 0x200 | (0x8 if mods else 0)
    assert flags == want, hex(flags)
    assert first["vbe"] == {"control": 0, "mode_info": 0, "fb_addr": 0}, first["vbe"]
    strings = {w: v for w, _, v in rep if w in ("cmdline", "loader")}
    assert strings["cmdline"] == cmdline, strings
    assert strings["loader"] == "osprey", strings
    info = st["info"]
    lo_k, hi_k = kernel_range
    assert not lo_k <= info < hi_k, hex(info)
    # Memory map: 20-byte entries, sorted, no overlaps, RAM about the machine's size; mem_* agree.
    regions = [kv for w, kv, _ in rep if w == "region"]
    assert first["mmap"]["length"] == 24 * len(regions) and len(regions) >= 3, first["mmap"]
    assert all(r["size"] == 20 for r in regions), regions
    for a, b in zip(regions, regions[1:]):
        assert a["base"] + a["len"] <= b["base"], regions
    ram = sum(r["len"] for r in regions if r["type"] == 1)
    assert (MEM_MIB - 2) << 20 <= ram <= MEM_MIB << 20, hex(ram)
    low = next(r for r in regions if r["base"] == 0)
    assert low["type"] == 1 and first["mem"]["lower"] == min(low["len"], 0xA0000) >> 10, (low, first["mem"])
    assert 600 <= first["mem"]["lower"] <= 640, first["mem"]
    up = next(r for r in regions if r["type"] == 1 and r["base"] <= 0x100000 < r["base"] + r["len"])
    assert first["mem"]["upper"] == (up["base"] + up["len"] - 0x100000) >> 10, (up, first["mem"])
    # Modules: count, page aligned, sizes, contents (CRC-32 computed by the kernel), strings,
    # each in RAM, clear of the kernel, the info block and each other.
    got = [(kv, s) for w, kv, s in rep if w == "mod"]
    assert len(got) == len(mods), got
    if mods:
        assert first["mods"]["count"] == len(mods), first["mods"]
    spans = [kernel_range]
    for (kv, s), (data, string) in zip(got, mods):
        assert kv["start"] % 4096 == 0, hex(kv["start"])
        assert kv["end"] - kv["start"] == len(data), (kv, len(data))
        assert kv["crc"] == zlib.crc32(data), (kv, hex(zlib.crc32(data)))
        assert s == string, (s, string)
        assert any(r["type"] == 1 and r["base"] <= kv["start"] and kv["end"] <= r["base"] + r["len"]
                   for r in regions), kv
        assert not kv["start"] <= info < kv["end"], kv
        for a, b in spans:
            assert kv["end"] <= a or b <= kv["start"], (kv, spans)
        spans.append((kv["start"], kv["end"]))


def test_multiboot1_elf_gzip_modules(osprey, tftp_root, mb1_kernels):
    elf, _ = mb1_kernels
    mod1 = os.urandom(100000)
    mod2 = b"".join(b"module line %d\n" % i for i in range(20000))
    (tftp_root / "mb1.elf.gz").write_bytes(gzip.compress(elf))
    (tftp_root / "mod1.bin").write_bytes(mod1)
    (tftp_root / "mod2.gz").write_bytes(gzip.compress(mod2))
    mod2gz = (tftp_root / "mod2.gz").read_bytes()

    m = osprey(mem=MEM_MIB, extra_args=DEBUG_EXIT)
    out = m.cmd("kernel (nd)/mb1.elf.gz root=/dev/x console=ttyS0", timeout=T_LOAD)
    mm = re.search(r"Multiboot kernel \(ELF\), 1 segment at 0x100000-0x([0-9a-f]+), entry 0x", out)
    assert mm, out
    kernel_end = int(mm.group(1), 16) + 1
    assert "Error" not in m.cmd("module (nd)/mod1.bin one two", timeout=T_LOAD)
    assert "Error" not in m.cmd("module (nd)/mod2.gz", timeout=T_LOAD)         # unpacked
    assert "Error" not in m.cmd("modulenounzip (nd)/mod2.gz kept", timeout=T_LOAD)  # as it is
    m.sendline("boot")
    m.expect("Starting Multiboot kernel")
    rep = read_report(m)
    assert m.wait_exit() == 33                   # the kernel reached its end (isa-debug-exit)
    check_report(rep, cmdline="(nd)/mb1.elf.gz root=/dev/x console=ttyS0",
                 mods=[(mod1, "(nd)/mod1.bin one two"), (mod2, "(nd)/mod2.gz"),
                       (mod2gz, "(nd)/mod2.gz kept")],
                 kernel_range=(0x100000, kernel_end))


def test_multiboot1_bad_images_then_aout(osprey, tftp_root, mb1_kernels):
    elf, aout = mb1_kernels
    good = mb1_header(0x3)
    bad = {
        "trunc.elf": (elf[:0x1100], r"ELF segment past the end of the file \(truncated\?\)"),
        "overlap.elf": (elf32([(0x100000, 0x1000, 0x1000), (0x100800, 0x100, 0x1000)], 0x100010, good),
                        r"overlapping segments 0x100000-0x100fff and 0x100800-0x1017ff"),
        "highmem.elf": (elf32([(0xF0000000, 0x100, 0x1000)], 0xF0000010, good),
                        r"segment 0xf0000000-0xf0000fff is not in RAM"),
        "hole.elf": (elf32([(0xA0000, 0x100, 0x1000)], 0xA0010, good),
                     r"segment 0xa0000-0xa0fff is not in RAM"),
        "osprey.elf": (elf32([(0x9000, 0x100, 0x1000)], 0x9010, good),
                       r"segment 0x9000-0x9fff lies over osprey itself \(0x8000-0x"),
        "checksum.elf": (elf32([(0x100000, 0x100, 0x1000)], 0x100010, mb1_header(0x3, 1)),
                         r"header checksum wrong"),
        "video.elf": (elf32([(0x100000, 0x100, 0x1000)], 0x100010, mb1_header(0x7)),
                      r"requires a video mode \(flag 2\)"),
        "flag5.elf": (elf32([(0x100000, 0x100, 0x1000)], 0x100010, mb1_header(0x23)),
                      r"requires flag 5, unknown to osprey"),
    }
    for name, (data, _) in bad.items():
        (tftp_root / name).write_bytes(data)
    text = gzip.compress(b"".join(b"line %d\n" % i for i in range(50000)))
    corrupt = bytearray(text)
    corrupt[len(corrupt) // 2] ^= 0x5A
    (tftp_root / "corrupt.gz").write_bytes(bytes(corrupt))
    huge = bytearray(gzip.compress(b"x"))
    huge[-4:] = (0x7FFFFFF0).to_bytes(4, "little")      # unpacks to 2 GiB: cannot fit
    (tftp_root / "huge.gz").write_bytes(bytes(huge))
    (tftp_root / "mb1_aout.bin").write_bytes(aout)
    mod = os.urandom(5000)
    (tftp_root / "m.bin").write_bytes(mod)

    m = osprey(mem=MEM_MIB, extra_args=DEBUG_EXIT)
    for name, (_, msg) in bad.items():
        line = one_error(m.cmd(f"kernel (nd)/{name}", timeout=T_LOAD))
        assert re.search(rf"Error: \(nd\)/{re.escape(name)}: .*Multiboot: (the kernel )?{msg}", line), line
    line = one_error(m.cmd("kernel (nd)/corrupt.gz", timeout=T_LOAD))
    assert "Error: (nd)/corrupt.gz: corrupt data" in line, line
    line = one_error(m.cmd("module (nd)/m.bin"))
    assert "no kernel loaded" in line, line

    out = m.cmd("kernel (nd)/mb1_aout.bin a.out", timeout=T_LOAD)
    mm = re.search(r"Multiboot kernel \(a\.out kludge\), 1 segment at 0x100000-0x([0-9a-f]+)", out)
    assert mm, out
    kernel_end = int(mm.group(1), 16) + 1
    line = one_error(m.cmd("module (nd)/corrupt.gz", timeout=T_LOAD))
    assert "Error: (nd)/corrupt.gz: corrupt data" in line, line
    line = one_error(m.cmd("module (nd)/huge.gz", timeout=T_LOAD))
    assert re.search(r"Error: \(nd\)/huge.gz: too large", line), line
    assert "Error" not in m.cmd("module (nd)/m.bin x=1", timeout=T_LOAD)
    m.sendline("boot")
    rep = read_report(m)
    assert m.wait_exit() == 33
    check_report(rep, cmdline="(nd)/mb1_aout.bin a.out", mods=[(mod, "(nd)/m.bin x=1")],
                 kernel_range=(0x100000, kernel_end))
