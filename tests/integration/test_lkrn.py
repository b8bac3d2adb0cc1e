"""osprey.lkrn: started by QEMU's -kernel (no PXE stack), and chained from PXELINUX."""

import re

import pytest

from conftest import add_pxelinux


def test_lkrn_prompt_not_configured(machines, builddir):
    m = machines(name="lkrn", kernel=f"{builddir}/stage2/osprey.lkrn", nic=None)
    m.boot_to_prompt()
    assert m.cmd("echo hello lkrn") == "hello lkrn"
    out = m.cmd("ifconfig")
    assert re.search(r"not configured", out, re.I), out


def test_lkrn_accepts_command_line(machines, builddir):
    # A boot loader hands osprey.lkrn a command line; it must not stop osprey reaching the prompt.
    m = machines(name="lkrn-append", kernel=f"{builddir}/stage2/osprey.lkrn",
                 append="keeppxe", nic=None)
    m.boot_to_prompt()
    assert m.cmd("echo ok") == "ok"


@pytest.mark.linux
@pytest.mark.pxelinux
def test_pxelinux_chain_boot_linux(machines, tftp_root):
    add_pxelinux(tftp_root, kernel="osprey.lkrn", append="keeppxe")
    m = machines(name="pxelinux-lkrn", tftp_root=tftp_root, bootfile="pxelinux.0", nic="rtl8139")
    m.boot_to_prompt(timeout=120)
    out = m.cmd("ifconfig")
    assert re.search(r"(?m)^\s*address\s+10\.0\.2\.15\b", out), out
    assert re.search(r"(?m)^\s*server\s+10\.0\.2\.2\b", out), out
    # (a progress line before the content is allowed)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.test=ABC")
    assert "osprey.test=ABC" in cmdline.split(), cmdline
    assert "console=ttyS0" in cmdline.split(), cmdline


def test_grub2_linux16_chain(machines, tftp_root):
    """GRUB 2 netbooted (grub-mknetdir) starts osprey.lkrn with linux16. GRUB leaves the PXE
    stack in memory with its UNDI open; osprey takes the cached settings, unloads the stack and
    drives the NIC itself."""
    import subprocess
    subprocess.run(["grub-mknetdir", f"--net-directory={tftp_root}", "--subdir=boot/grub",
                    "-d", "/usr/lib/grub/i386-pc"], check=True, capture_output=True)
    (tftp_root / "boot/grub/grub.cfg").write_text(
        "serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n"
        "set timeout=0\nmenuentry osprey {\n  linux16 (tftp)/osprey.lkrn\n  boot\n}\n")
    m = machines(name="grub2-lkrn", tftp_root=tftp_root,
                 bootfile="boot/grub/i386-pc/core.0", nic="rtl8139")
    m.boot_to_prompt(timeout=120)
    assert m.cmd("echo via grub") == "via grub"
    out = m.cmd("ifconfig")
    assert re.search(r"(?m)^driver\s+rtl8139", out), out
    assert re.search(r"(?m)^address\s+10\.0\.2\.15$", out), out
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)


def test_ipxe_kernel_chain(machines, tftp_root):
    """QEMU's own iPXE ROM runs a script that starts osprey.lkrn as a kernel."""
    (tftp_root / "boot.ipxe").write_text("#!ipxe\nkernel osprey.lkrn\nboot\n")
    m = machines(name="ipxe-lkrn", tftp_root=tftp_root, bootfile="boot.ipxe", nic="rtl8139")
    m.boot_to_prompt(timeout=120)
    assert m.cmd("echo via ipxe") == "via ipxe"
