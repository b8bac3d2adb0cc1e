"""Linux completions: a Debian kernel boots with three initrds joined 4-byte aligned (the busybox
initramfs, an uncompressed cpio of odd length, a gzip cpio that replaces /init); a zImage is
refused by name; a file larger than RAM is refused, as kernel and as initrd, before it is
transferred (its size from TFTP's tsize); a command line longer than the kernel's cmdline_size
is refused. One boot."""

import gzip
import os
import re
import struct
import time

import pytest

from conftest import T_CMD, T_EXIT, T_LINUX, T_LOAD


def newc(files):
    """A cpio newc archive of {path: (mode, bytes)}, its end NOT padded to 4 bytes."""
    out = b""
    for ino, (path, (mode, data)) in enumerate(list(files.items()) + [("TRAILER!!!", (0, b""))]):
        name = path.encode() + b"\0"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (
            ino + 1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0))
        out += hdr + name
        out += b"\0" * (-len(out) % 4) + data
        if path != "TRAILER!!!":
            out += b"\0" * (-len(out) % 4)
    return out + b"\0\0"            # length 2 mod 4: the next file must be aligned by osprey


NEW_INIT = b"""#!/bin/sh
/bin/busybox mkdir -p /proc /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "OSPREY-EXTRA: $(/bin/busybox cat /etc/extra1) third" >/dev/ttyS0
echo "OSPREY-MARKER: booted" >/dev/ttyS0
echo "OSPREY-CMDLINE: $(/bin/busybox cat /proc/cmdline)" >/dev/ttyS0
/bin/busybox poweroff -f
"""


@pytest.mark.linux
def test_three_initrds_and_zimage(osprey, tftp_root):
    second = newc({"etc": (0o40755, b""), "etc/extra1": (0o100644, b"second-archive")})
    assert len(second) % 4 == 2
    (tftp_root / "second.cpio").write_bytes(second)
    (tftp_root / "third.cpio.gz").write_bytes(gzip.compress(newc({"init": (0o100755, NEW_INIT)})))
    kernel = bytearray((tftp_root / "vmlinuz").read_bytes())
    kernel[0x211] &= ~0x01                       # loadflags: not LOADED_HIGH, a zImage
    (tftp_root / "zimage").write_bytes(bytes(kernel[:64 * 1024]))
    # The Debian kernel says cmdline_size 2047, more than the prompt's 1023-character line can
    # carry: this copy says 255 (the value before protocol 2.06), everything else unchanged.
    assert struct.unpack_from("<I", kernel, 0x238)[0] == 2047
    kernel[0x211] |= 0x01
    struct.pack_into("<I", kernel, 0x238, 255)
    (tftp_root / "vmlinuz-255").write_bytes(bytes(kernel))
    # 1 GiB, sparse, in a 256 MiB machine: QEMU's TFTP announces its size (tsize), so osprey
    # can refuse it before the first data block. Sent whole it would take 15 s or more.
    huge = tftp_root / "huge.img"
    with open(huge, "wb"):
        pass
    os.truncate(huge, 1 << 30)

    m = osprey()

    def refused_fast(line, what):
        start = time.monotonic()
        out = m.cmd(line, timeout=T_LOAD)
        took = time.monotonic() - start
        got = re.search(r"Error: \(nd\)/huge.img: too large \(huge.img is 1.00 GiB; "
                        r"(\d+)\.\d\d MiB free( below 0x[0-9a-f]+)?\)", out)
        assert got, out
        assert 100 < int(got.group(1)) < 256, out               # the free RAM, not a made-up figure
        assert "huge.img: " not in out.replace("Error: (nd)/huge.img: ", ""), out   # no progress line
        assert took < 2, f"{what}: refused after {took:.1f} s"
        return out, got

    out, got = refused_fast("kernel (nd)/huge.img", "kernel")
    assert got.group(2) is None, out                            # a kernel has no address limit
    out = m.cmd("kernel (nd)/zimage", timeout=T_LOAD)
    assert "Error: (nd)/zimage: not supported (a Linux zImage (not a bzImage): " \
           "osprey boots bzImage kernels only)" in out, out
    # cmdline_size 255: 256 bytes refused with the limit named, 255 bytes taken.
    long_args = "console=ttyS0 osprey.pad=" + "x" * (256 - len("console=ttyS0 osprey.pad="))
    assert len(long_args) == 256
    out = m.cmd("kernel (nd)/vmlinuz-255 " + long_args, timeout=T_LOAD)
    assert [l for l in out.splitlines() if l.startswith("Error:")] == [
        "Error: (nd)/vmlinuz-255: too large (command line longer than the 255 bytes this kernel "
        "accepts)"], out
    out = m.cmd("kernel (nd)/vmlinuz-255 " + long_args[:255], timeout=T_LOAD)
    assert "Linux kernel, boot protocol" in out and "Error" not in out, out
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 panic=-1 osprey.test=three", timeout=T_LOAD)
    assert "Linux kernel, boot protocol" in out, out
    # As an initrd: the free RAM below the kernel's initrd_addr_max; alone and after another file.
    out, got = refused_fast("initrd (nd)/huge.img", "initrd")
    assert got.group(2) == " below 0x80000000", out             # Debian: initrd_addr_max 0x7fffffff
    out, got = refused_fast("initrd (nd)/initrd.img (nd)/huge.img", "initrd, second file")
    out = m.cmd("initrd (nd)/initrd.img (nd)/missing.cpio", timeout=T_LOAD)
    assert re.search(r"Error: \(nd\)/missing.cpio: ", out), out
    out = m.cmd("initrd (nd)/initrd.img (nd)/second.cpio (nd)/third.cpio.gz", timeout=T_LOAD)
    first = (tftp_root / "initrd.img").stat().st_size
    total = ((first + 3) & ~3) + len(second)
    total = ((total + 3) & ~3) + (tftp_root / "third.cpio.gz").stat().st_size
    assert f"initrd: {total >> 10} KiB at 0x" in out, out
    m.sendline("boot")
    extra = m.expect(r"OSPREY-EXTRA: ([^\r\n]*)\r?\n", T_LINUX).group(1)
    assert extra == "second-archive third", extra
    m.expect(r"OSPREY-MARKER: booted", T_CMD)
    assert "osprey.test=three" in m.expect(r"OSPREY-CMDLINE: ([^\r\n]*)\r?\n").group(1)
    m.wait_exit(T_EXIT * 2)


BIG_INIT = b"""#!/bin/sh
/bin/busybox mkdir -p /proc /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "OSPREY-BIG: $(/bin/busybox stat -c %s /big) $(/bin/busybox tail -c 16 /big)" >/dev/ttyS0
echo "OSPREY-MARKER: booted" >/dev/ttyS0
/bin/busybox poweroff -f
"""


def big_cpio(path, size, tail):
    """A newc archive holding /big: size bytes, zeros (a hole on the host) then tail."""
    name = b"big\0"
    hdr = b"070701" + b"".join(b"%08X" % v for v in (
        1, 0o100644, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name), 0)) + name
    hdr += b"\0" * (-len(hdr) % 4)
    with open(path, "wb") as f:
        f.write(hdr)
        f.seek(len(hdr) + size - len(tail))
        f.write(tail)
        f.write(b"\0" * (-(len(hdr) + size) % 4))
        f.write(newc({})[:-2])          # the trailer record alone


@pytest.mark.linux
def test_initrd_of_512_mib(osprey, tftp_root):
    """A 512 MiB initrd (as RAM allows: a 2 GiB machine) loads, is joined with two more and
    reaches the kernel whole: its last bytes are seen by the initramfs."""
    big_cpio(tftp_root / "big.cpio", 512 << 20, b"OSPREY-TAIL-0123")
    (tftp_root / "init.cpio.gz").write_bytes(gzip.compress(newc({"init": (0o100755, BIG_INIT)})))
    m = osprey(mem=2048)
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 panic=-1", timeout=T_LOAD)
    assert "Linux kernel, boot protocol" in out and "Error" not in out, out
    out = m.cmd("initrd (nd)/initrd.img (nd)/big.cpio (nd)/init.cpio.gz", timeout=T_LOAD * 2)
    size = re.search(r"initrd: (\d+) KiB at 0x([0-9a-f]+)", out)
    assert size and "Error" not in out, out
    assert int(size.group(1)) > 512 * 1024, out
    assert int(size.group(2), 16) + int(size.group(1)) * 1024 <= 0x80000000, out
    m.sendline("boot")
    got = m.expect(r"OSPREY-BIG: ([^\r\n]*)\r?\n", T_LINUX * 2).group(1)
    assert got == f"{512 << 20} OSPREY-TAIL-0123", got
    m.expect(r"OSPREY-MARKER: booted", T_CMD)
    m.wait_exit(T_EXIT * 2)
