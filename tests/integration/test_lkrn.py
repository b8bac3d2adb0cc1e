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
    assert re.search(r"(?m)^\s*address\s+10\.0\.2\.15\s*$", out), out
    assert re.search(r"(?m)^\s*server\s+10\.0\.2\.2\s*$", out), out
    # (a progress line before the content is allowed)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.test=ABC")
    assert "osprey.test=ABC" in cmdline.split(), cmdline
    assert "console=ttyS0" in cmdline.split(), cmdline
