"""Real images nobody here wrote, from Debian's packages, booted by osprey over the network to
their own banner on the serial port: Xen (an ELF carrying Multiboot 2 and Multiboot 1 headers)
through each header, and memtest86+ (Linux boot protocol). The packages are fetched once with
`apt-get download` into the fixture cache, never installed."""

import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import T_LOAD

CACHE = os.environ.get("OSPREY_CACHE", "/var/cache/osprey-test")


def debian_file(pkg, pattern):
    """The file matching pattern inside Debian package pkg (downloaded and unpacked once)."""
    root = os.path.join(CACHE, "debs", pkg)
    hits = glob.glob(os.path.join(root, pattern))
    if not hits:
        work = os.path.join(CACHE, "debs")
        os.makedirs(work, exist_ok=True)
        os.chmod(work, 0o755)                   # apt-get download runs sandboxed as _apt
        for old in glob.glob(os.path.join(work, f"{pkg}_*.deb")):
            os.unlink(old)
        r = subprocess.run(["apt-get", "download", pkg], cwd=work, capture_output=True, text=True)
        debs = glob.glob(os.path.join(work, f"{pkg}_*.deb"))
        if r.returncode != 0 or not debs:
            pytest.fail(f"apt-get download {pkg} failed: {r.stderr.strip()}", pytrace=False)
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", debs[0], root], check=True)
        hits = glob.glob(os.path.join(root, pattern))
    assert len(hits) == 1, (pkg, pattern, hits)
    return hits[0]


def test_xen_multiboot2_and_multiboot1(osprey, tftp_root):
    """Debian's Xen 4.17 (xen-hypervisor-4.17-amd64), gzipped ELF with both headers: through
    Multiboot 2 by default, then (a second machine) through Multiboot 1. Its banner and the
    loader it names come out on COM1; it then stops for want of a dom0 kernel."""
    xen = debian_file("xen-hypervisor-4.17-amd64", "boot/xen-4.17-amd64.gz")
    shutil.copy(xen, tftp_root / "xen.gz")
    args = "com1=115200,8n1 console=com1 dom0_mem=64M noreboot"
    for kind, want in (("", r"Multiboot 2 kernel \(ELF\)"), ("--type=multiboot ", r"Multiboot kernel \(ELF\)")):
        m = osprey(mem=256, name=f"xen{kind.strip() or '-mb2'}")
        out = m.cmd(f"kernel {kind}(nd)/xen.gz {args}", timeout=T_LOAD)
        assert re.search(want, out), out
        m.sendline("boot")
        m.expect(r"Xen version 4\.17", 60)
        m.expect(r"Bootloader: osprey", 30)
        m.expect(r"Command line: " + re.escape(args), 30)
        m.expect(r"[Nn]o [Dd]om0 kernel|dom0 kernel not specified", 60)
        m.close()


def test_memtest86plus_linux_format(osprey, tftp_root):
    """Debian's memtest86+ 6 (memtest86+x64.bin: a Linux boot protocol image) prints its
    banner on the serial port it is told to use."""
    mt = debian_file("memtest86+", "boot/memtest86+x64.bin")
    shutil.copy(mt, tftp_root / "memtest.bin")
    m = osprey(mem=64)
    out = m.cmd("kernel (nd)/memtest.bin console=ttyS0,115200", timeout=T_LOAD)
    assert "Linux" in out and "Error" not in out, out
    m.sendline("boot")
    m.expect(r"Memtest86\+ v6", 60)


def test_ipxe_lkrn_linux_format(osprey, tftp_root):
    """Debian's ipxe.lkrn (package ipxe; Linux boot protocol 2.07) loads with `kernel` and
    starts. Debian builds it without a serial console, so its proof of life is what it does:
    its own DHCP and TFTP, then the PXE boot of the bootfile, osprey.0, whose banner comes
    out a second time."""
    lkrn = "/usr/lib/ipxe/ipxe.lkrn"
    if not os.path.exists(lkrn):
        lkrn = debian_file("ipxe", "boot/ipxe.lkrn")
    shutil.copy(lkrn, tftp_root / "ipxe.lkrn")
    m = osprey(mem=128)
    out = m.cmd("kernel (nd)/ipxe.lkrn", timeout=T_LOAD)
    assert re.search(r"Linux kernel, boot protocol 2\.07", out), out
    m.sendline("boot")
    m.expect("Starting Linux")
    m.expect(r"osprey 0\.1 \(PXE NBP\)", 60)
    m.expect(r"Network: 10\.0\.2\.15 from PXE", 30)
