"""The undi driver: osprey's own stack (DHCP, TFTP) over the PXE ROM's UNDI API, for a boot NIC
osprey has no driver for (QEMU's e1000e and vmxnet3, with their iPXE ROMs) and, in a build configured with
only --enable-undi, for rtl8139 and e1000. Every boot loads a 64 MiB file and checks its sha256sum,
then boots Linux: the UNDI is closed and the stack unloaded, and the kernel's E820 map shows the
base memory the stack held given back.

Marker: drivers.
"""

import hashlib
import os
import random
import re
import shutil
import subprocess

import pytest

from conftest import parse_ifconfig, sha256sum, strip_ansi

pytestmark = [pytest.mark.drivers]

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
E820_LOW = re.compile(r"BIOS-e820: \[mem 0x0+-0x0*([0-9a-f]+)\] usable")
BIG64_SIZE = 64 << 20


@pytest.fixture(scope="session")
def big64(tmp_path_factory):
    """64 MiB of seeded pseudo-random bytes (the load size the UNDI tests promise), written once
    per session (about 0.5 s): (path, sha256). Random, so nothing on the way can shortcut it."""
    data = random.Random(64).randbytes(BIG64_SIZE)
    path = tmp_path_factory.mktemp("big64") / "big64.bin"
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def undi_build(tmp_path_factory):
    """osprey.0 built with the undi driver alone (no native driver)."""
    b = tmp_path_factory.mktemp("undi-build")

    def run(*cmd):
        p = subprocess.run(cmd, cwd=b, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode == 0, f"{cmd} failed:\n{p.stdout[-4000:]}"
        return p.stdout

    out = run(os.path.join(SRC, "configure"), "--enable-diskless", "--enable-undi")
    assert re.search(r"NIC drivers:\s+undi\s*$", out, re.M), out[-1000:]
    run("make", "-j2", "-C", "netboot")
    run("make", "-j2", "-C", "stage2")
    return b / "stage2"


def check_undi(m):
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert re.match(r"undi \(PXE UNDI.*\) at PCI 00:03\.0", conf.get("driver", "")), conf
    assert conf.get("mac") == "52:54:00:12:34:56", conf
    listing = m.cmd("ifconfig --list")
    assert re.search(r"(?m)^00:03\.0 .* undi .*\(in use\)\s+\(PXE boot\)", listing), listing
    out = m.cmd("dhcp", timeout=60)
    assert "DHCP on undi" in out and "Error" not in out, out
    assert parse_ifconfig(m.cmd("ifconfig")).get("address") == "10.0.2.15"


def check_big64(m, tftp_root, big64):
    """TFTP-load the 64 MiB file through the undi driver; its sha256 must match."""
    path, digest = big64
    link = tftp_root / "big64.bin"
    if not link.exists():
        os.symlink(path, link)
    assert sha256sum(m, "(nd)/big64.bin", timeout=300) == digest


def boot_and_check_e820(m):
    """Boot the Debian kernel; the PXE stack's base memory must be back (first E820 region
    ending at 0x9fbff/0x9ffff, as without a PXE ROM) after osprey said it reclaimed it."""
    assert m.boot_linux().endswith("osprey.test=ABC")
    text = strip_ansi(m.transcript())
    rec = re.search(r"PXE: stack unloaded; base memory (\d+) KiB -> (\d+) KiB", text)
    assert rec and int(rec.group(2)) > int(rec.group(1)), text[-3000:]
    low = E820_LOW.search(text)
    assert low, text[-3000:]
    end = int(low.group(1), 16) + 1
    assert end == int(rec.group(2)) * 1024 and end >= 0x9f000, (hex(end), rec.group(0))


def test_undi_e1000e(osprey, tftp_root, big64):
    m = osprey(nic="e1000e")
    check_undi(m)
    check_big64(m, tftp_root, big64)
    boot_and_check_e820(m)


def test_undi_vmxnet3(osprey, tftp_root, big64):
    """VMware's vmxnet3: no osprey driver, and QEMU boots it with its iPXE ROM
    (pxe-vmxnet3.rom in efi-vmxnet3.rom, Debian's ipxe-qemu), so the undi driver runs it."""
    m = osprey(nic="vmxnet3")
    assert "15ad:07b0" in m.cmd("ifconfig --list")
    check_undi(m)
    check_big64(m, tftp_root, big64)
    boot_and_check_e820(m)


def test_undi_only_build(machines, undi_build, tftp_root, big64):
    """The undi-only build on the two NICs osprey also has native drivers for. Both boots are
    in one test, one after the other, so that pytest -n 2 cannot give them to two workers
    and build osprey twice."""
    shutil.copy(undi_build / "osprey.0", tftp_root / "osprey.0")
    for nic in ("rtl8139", "e1000"):
        m = machines(name=f"undi-{nic}", tftp_root=tftp_root, bootfile="osprey.0", nic=nic)
        m.boot_to_prompt()
        check_undi(m)
        check_big64(m, tftp_root, big64)
        boot_and_check_e820(m)
        m.close()
