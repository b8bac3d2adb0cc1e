"""Multiboot 2: osprey boots the test kernel (tests/kernels/mb2) over the network: as ELF carrying
both a Multiboot 2 and a Multiboot 1 header (it must come up through Multiboot 2), with modules,
and as a flat binary through the address tag after a row of bad images. The kernel prints every
tag it received; the tests check each against what was loaded."""

import gzip
import ipaddress
import os
import re
import struct
import zlib

import pytest

from conftest import T_LOAD
from mbkernels import MB2_MAGIC, build_mb2, elf32, mb2_header, mb2_tag, read_report

DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
MEM_MIB = 256
MB2_INFO_MAGIC = 0x36D76289


@pytest.fixture
def mb2_kernels(tftp_root):
    elf, aout = build_mb2(tftp_root)
    return open(elf, "rb").read(), open(aout, "rb").read()


def one_error(out):
    lines = [ln for ln in out.split("\n") if ln.startswith("Error:")]
    assert len(lines) == 1, out
    return lines[0]


def elf_sections(data):
    """(type, flags, addr, offset, size) of each section header of an ELF32 file."""
    shoff, = struct.unpack_from("<I", data, 32)
    entsize, num, strndx = struct.unpack_from("<HHH", data, 46)
    secs = []
    for i in range(num):
        _, typ, flags, addr, off, size = struct.unpack_from("<IIIIII", data, shoff + i * entsize)
        secs.append((typ, flags, addr, off, size))
    return secs, entsize, strndx


def dhcp_options(pkt):
    opts, at = {}, 240
    while at < len(pkt) and pkt[at] != 255:
        if pkt[at] == 0:
            at += 1
            continue
        opts[pkt[at]] = pkt[at + 2:at + 2 + pkt[at + 1]]
        at += 2 + pkt[at + 1]
    return opts


def check_report(rep, *, cmdline, mods, kernel_range, elf=None):
    """Every tag the test kernel printed, against what osprey was given."""
    first = {}
    for w, kv, _ in rep:
        first.setdefault(w, kv)
    st = first["start"]
    assert st["magic"] == MB2_INFO_MAGIC, st
    assert st["entry_tag"] == 1, st                 # entered through the entry address tag
    assert st["cr0"] & 1 and not st["cr0"] & 0x80000000, st
    assert not st["eflags"] & 0x200 and not st["eflags"] & 0x20000, st
    assert st["ds"] == st["es"] == st["ss"] and st["cs"] != st["ds"], st
    info = st["info"]
    assert info % 8 == 0, hex(info)
    lo_k, hi_k = kernel_range
    total = first["total"]["size"]
    assert first["total"]["reserved"] == 0
    assert not (lo_k < info + total and info < hi_k), (hex(info), total)
    # Tags: 8-aligned, each right after the previous, the end tag last at the total's end.
    tags = [kv for w, kv, _ in rep if w == "tag"]
    at = info + 8
    for t in tags:
        assert t["at"] == at, (t, hex(at))
        at = (at + t["size"] + 7) & ~7
    assert tags[-1]["type"] == 0 and tags[-1]["size"] == 8, tags[-1]
    assert tags[-1]["at"] + 8 == info + total, (tags[-1], total)
    types = [t["type"] for t in tags]
    want = {1, 2, 4, 6, 8, 16, 21, 0} | ({3} if mods else set()) | ({9} if elf else set())
    assert set(types) == want, types
    assert types.count(3) == len(mods), types
    strings = {w: v for w, _, v in rep if w in ("cmdline", "loader", "nethex")}
    assert strings["cmdline"] == cmdline, strings
    assert strings["loader"] == "osprey", strings
    # Memory: 24-byte entries, sorted, no overlaps, RAM about the machine's size; basic meminfo.
    assert first["mmap"] == {"entry_size": 24, "version": 0}, first["mmap"]
    regions = [kv for w, kv, _ in rep if w == "region"]
    assert len(regions) >= 3 and all(r["reserved"] == 0 for r in regions), regions
    for a, b in zip(regions, regions[1:]):
        assert a["base"] + a["len"] <= b["base"], regions
    ram = sum(r["len"] for r in regions if r["type"] == 1)
    assert (MEM_MIB - 2) << 20 <= ram <= MEM_MIB << 20, hex(ram)
    low = next(r for r in regions if r["base"] == 0)
    assert first["mem"]["lower"] == min(low["len"], 0xA0000) >> 10, (low, first["mem"])
    up = next(r for r in regions if r["type"] == 1 and r["base"] <= 0x100000 < r["base"] + r["len"])
    assert first["mem"]["upper"] == (up["base"] + up["len"] - 0x100000) >> 10, (up, first["mem"])
    # The EGA text screen (asked for through the information request).
    assert first["fb"] == {"addr": 0xB8000, "pitch": 160, "width": 80, "height": 25,
                           "bpp": 16, "fbtype": 2}, first["fb"]
    assert first["loadbase"]["addr"] == lo_k, first["loadbase"]
    # The DHCP ACK QEMU's server sent the PXE ROM, whole.
    pkt = bytes.fromhex(strings["nethex"])
    assert len(pkt) == first["net"]["len"] >= 240, len(pkt)
    assert pkt[0] == 2 and pkt[236:240] == b"\x63\x82\x53\x63", pkt[:8].hex()
    assert ipaddress.IPv4Address(pkt[16:20]) == ipaddress.IPv4Address("10.0.2.15"), pkt[16:20]
    assert dhcp_options(pkt).get(53) == b"\x05", dhcp_options(pkt)
    # Modules: page aligned, sizes, contents, strings, clear of the kernel, info and each other.
    got = [(kv, s) for w, kv, s in rep if w == "mod"]
    spans = [kernel_range, (info, info + total)]
    for (kv, s), (data, string) in zip(got, mods):
        assert kv["start"] % 4096 == 0, hex(kv["start"])
        assert kv["end"] - kv["start"] == len(data), (kv, len(data))
        assert kv["crc"] == zlib.crc32(data), kv
        assert s == string, (s, string)
        for a, b in spans:
            assert kv["end"] <= a or b <= kv["start"], (kv, spans)
        spans.append((kv["start"], kv["end"]))
    # ELF sections: the file's table; loaded ones where linked, the others copied whole.
    if elf:
        secs, entsize, strndx = elf_sections(elf)
        assert first["elf"] == {"num": len(secs), "entsize": entsize, "shndx": strndx}, first["elf"]
        got = [kv for w, kv, _ in rep if w == "sec"]
        assert len(got) == len(secs)
        copied = 0
        for kv, (typ, flags, addr, off, size) in zip(got, secs):
            assert (kv["type"], kv["flags"], kv["size"]) == (typ, flags, size), (kv, typ)
            if flags & 2 or typ in (0, 8) or not size:
                assert kv["addr"] == addr, kv
                continue
            copied += 1
            assert kv["crc"] == zlib.crc32(elf[off:off + size]), kv
            assert info + total <= kv["addr"] and kv["addr"] + size <= up["base"] + up["len"], kv
            for a, b in spans:
                assert kv["addr"] + size <= a or b <= kv["addr"], (kv, spans)
        assert copied >= 3, got                      # .symtab, .strtab, .shstrtab


def test_multiboot2_both_headers_modules(osprey, tftp_root, mb2_kernels):
    elf, _ = mb2_kernels
    mod1 = os.urandom(70000)
    mod2 = b"".join(b"mb2 module line %d\n" % i for i in range(10000))
    (tftp_root / "mod1.bin").write_bytes(mod1)
    (tftp_root / "mod2.gz").write_bytes(gzip.compress(mod2))

    m = osprey(mem=MEM_MIB, extra_args=DEBUG_EXIT)
    out = m.cmd("kernel (nd)/mb2.elf console=ttyS0 x=1", timeout=T_LOAD)
    mm = re.search(r"Multiboot 2 kernel \(ELF\), 1 segment at 0x100000-0x([0-9a-f]+), "
                   r"entry 0x([0-9a-f]+)", out)
    assert mm and "relocated" not in out, out
    kernel_end = int(mm.group(1), 16) + 1
    assert "Error" not in m.cmd("module (nd)/mod1.bin one two", timeout=T_LOAD)
    assert "Error" not in m.cmd("module (nd)/mod2.gz", timeout=T_LOAD)
    m.sendline("boot")
    m.expect("Starting Multiboot 2 kernel")
    rep = read_report(m, prefix="MB2")
    assert m.wait_exit() == 33
    check_report(rep, cmdline="(nd)/mb2.elf console=ttyS0 x=1",
                 mods=[(mod1, "(nd)/mod1.bin one two"), (mod2, "(nd)/mod2.gz")],
                 kernel_range=(0x100000, kernel_end), elf=elf)


def test_multiboot2_bad_images_then_address_tag(osprey, tftp_root, mb2_kernels):
    elf, aout = mb2_kernels
    seg = [(0x100000, 0x100, 0x1000)]

    def img(tags, delta=0, segs=seg, entry=0x100080):
        return elf32(segs, entry, mb2_header(tags, delta))

    # header_length stops after the module alignment tag: no end tag.
    noend = struct.pack("<IIII", MB2_MAGIC, 0, 24, -(MB2_MAGIC + 24) & 0xFFFFFFFF) + mb2_tag(6)
    bad = {
        "checksum.elf": (img([], 1), r"header checksum wrong"),
        "bootdev.elf": (img([mb2_tag(1, [1, 5])]),
                        r"the kernel requires information osprey cannot give: BIOS boot device \(tag 5\)"),
        "fb.elf": (img([mb2_tag(5, [1024, 768, 32])]),
                   r"requires a graphics framebuffer \(osprey keeps text mode\) \(header tag 5\)"),
        "efi.elf": (img([mb2_tag(7)]), r"requires EFI boot services"),
        "tag42.elf": (img([mb2_tag(42)]), r"requires header tag 42, unknown to osprey"),
        "noend.elf": (elf32(seg, 0x100080, noend), r"header without an end tag"),
        "osprey.elf": (img([], segs=[(0x9000, 0x100, 0x1000)], entry=0x9080),
                       r"segment 0x9000-0x9fff lies over osprey itself"),
    }
    for name, (data, _) in bad.items():
        (tftp_root / name).write_bytes(data)
    # Linked over osprey but relocatable: moved into free RAM within its range.
    (tftp_root / "reloc.elf").write_bytes(
        img([mb2_tag(10, [0x200000, 0x8000000, 0x1000, 0])], segs=[(0x9000, 0x100, 0x1000)],
            entry=0x9080))
    (tftp_root / "mb2.elf").write_bytes(elf)
    (tftp_root / "mb2_aout.bin").write_bytes(aout)
    mod = os.urandom(3000)
    (tftp_root / "m.bin").write_bytes(mod)

    m = osprey(mem=MEM_MIB, extra_args=DEBUG_EXIT)
    for name, (_, msg) in bad.items():
        line = one_error(m.cmd(f"kernel (nd)/{name}", timeout=T_LOAD))
        assert re.search(rf"Error: \(nd\)/{re.escape(name)}: .*Multiboot.*{msg}", line), line
    out = m.cmd("kernel (nd)/reloc.elf", timeout=T_LOAD)
    mm = re.search(r"Multiboot 2 kernel \(ELF\), 1 segment at 0x([0-9a-f]+)-0x([0-9a-f]+), "
                   r"entry 0x([0-9a-f]+) \(relocated\)", out)
    assert mm, out
    base, end, entry = (int(g, 16) for g in mm.groups())
    assert base % 0x1000 == 0 and 0x200000 <= base and end < 0x8000000, out
    assert end - base == 0xFFF and entry == base + 0x80, out
    # Both headers: --type=multiboot takes the Multiboot 1 one.
    out = m.cmd("kernel --type=multiboot (nd)/mb2.elf", timeout=T_LOAD)
    assert re.search(r"Multiboot kernel \(ELF\), 1 segment at 0x100000-", out), out

    out = m.cmd("kernel (nd)/mb2_aout.bin via address tag", timeout=T_LOAD)
    mm = re.search(r"Multiboot 2 kernel \(address tag\), 1 segment at 0x100000-0x([0-9a-f]+)", out)
    assert mm, out
    kernel_end = int(mm.group(1), 16) + 1
    assert "Error" not in m.cmd("modulenounzip (nd)/m.bin y=2", timeout=T_LOAD)
    m.sendline("boot")
    rep = read_report(m, prefix="MB2")
    assert m.wait_exit() == 33
    check_report(rep, cmdline="(nd)/mb2_aout.bin via address tag", mods=[(mod, "(nd)/m.bin y=2")],
                 kernel_range=(0x100000, kernel_end))
