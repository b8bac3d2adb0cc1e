"""osprey.0 as a PXE NBP under QEMU user networking: ifconfig, TFTP, Linux boot."""

import re

import pytest

from conftest import NICS


@pytest.mark.parametrize("nic", NICS)
def test_ifconfig(osprey, nic):
    m = osprey(nic=nic)
    out = m.cmd("ifconfig")
    assert re.search(r"(?m)^\s*address\s+10\.0\.2\.15\b", out), out
    assert re.search(r"(?m)^\s*netmask\s+255\.255\.255\.0\b", out), out
    assert re.search(r"(?m)^\s*gateway\s+10\.0\.2\.2\b", out), out
    assert re.search(r"(?m)^\s*server\s+10\.0\.2\.2\b", out), out


@pytest.mark.parametrize("nic", NICS)
def test_cat_hello(osprey, nic):
    m = osprey(nic=nic)
    # (a progress line before the content is allowed)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    # The prompt works after a transfer.
    assert m.cmd("echo ok") == "ok"


def test_kernel_reports_linux(osprey):
    m = osprey()
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 osprey.test=ABC", timeout=180)
    assert "Error" not in out, out
    assert any(re.search(r"Linux.*protocol|protocol.*Linux", ln) for ln in out.split("\n")), out
    out = m.cmd("initrd (nd)/initrd.img", timeout=180)
    assert "Error" not in out, out


@pytest.mark.linux
@pytest.mark.parametrize("nic", NICS)
def test_boot_linux(osprey, nic):
    m = osprey(nic=nic)
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.test=ABC")
    assert "osprey.test=ABC" in cmdline.split(), cmdline
    assert "console=ttyS0" in cmdline.split(), cmdline
    assert m.exitstatus == 0
    # The PXE stack was unloaded (at start for the native driver, or before the kernel) and
    # no step of it failed.
    log = m.transcript()
    assert re.search(r"PXE: stack unloaded; base memory \d+ KiB -> \d+ KiB", log), log[-3000:]
    assert not re.search(r"PXE: (\w+ failed|unload stopped|warning)", log), log[-3000:]
