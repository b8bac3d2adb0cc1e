"""The RTL8139 driver's two modes. QEMU's rtl8139 is an RTL8139C+, so the default build runs
it in descriptor (C+) mode, which every other rtl8139 test exercises; the original
receive-ring mode (every plain 8139) is tested here with a second build configured
--enable-rtl8139 --disable-rtl8139-cplus: under QEMU user networking (lock-step TFTP) and
against atftpd with windowsize on a tap, where frames arrive in bursts from QEMU's I/O thread.

That build has no other driver and no undi (what `./configure --enable-rtl8139` makes), so on
an e1000 it leaves the NIC to the PXE ROM: the same atftpd lab checks that osprey's own TFTP
client then runs over the ROM's UDP API (a window asked for, the server's error text, ESC
ending the wait for a silent server, a kernel loaded).

Marker: drivers.
"""

import os
import re
import subprocess

import pytest

from conftest import T_LOAD, esc_cancels, parse_ifconfig, sha256sum, strip_ansi
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, populate_root

pytestmark = [pytest.mark.drivers]

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def ring_build(tmp_path_factory):
    """osprey.0 and osprey.lkrn built with only the rtl8139 driver, C+ mode off."""
    b = tmp_path_factory.mktemp("ring-build")

    def run(*cmd):
        p = subprocess.run(cmd, cwd=b, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode == 0, f"{cmd} failed:\n{p.stdout[-4000:]}"
        return p.stdout

    out = run(os.path.join(SRC, "configure"), "--enable-diskless", "--enable-rtl8139",
              "--disable-rtl8139-cplus")
    assert re.search(r"RTL8139C\+ mode:\s+no", out), out[-1000:]
    run("make", "-j2", "-C", "netboot")
    run("make", "-j2", "-C", "stage2")
    return b / "stage2"


def test_default_build_uses_cplus_mode(osprey):
    m = osprey(nic="rtl8139")
    driver = parse_ifconfig(m.cmd("ifconfig")).get("driver", "")
    assert re.match(r"rtl8139 \(RTL8139, C\+ descriptors\) at PCI ", driver), driver


def test_ring_mode_user_network(machines, ring_build, tftp_root, big_sha256):
    m = machines(name="ring-lkrn", kernel=ring_build / "osprey.lkrn", tftp_root=tftp_root,
                 nic="rtl8139")
    m.boot_to_prompt(timeout=120)           # DHCP at start, through the ring
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert re.match(r"rtl8139 \(RTL8139, ring buffer\) at PCI ", conf.get("driver", "")), conf
    assert conf.get("address") == "10.0.2.15", conf
    out = m.cmd("ping --count=3 10.0.2.2", timeout=60)
    s = re.search(r"(?m)^(\d+) of 3 replies", out)
    assert s and int(s.group(1)) >= 2, out
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


def test_ring_mode_windowed_atftpd(tmp_path, ring_build, fixtures_dir, big_sha256):
    """Against atftpd in the lab: ring mode on the rtl8139, then the same osprey.0 on an e1000
    (no driver in this build) over the PXE ROM's UDP API."""
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq", "atftpd")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    root = populate_root(str(tmp_path / "tftp"), {
        "osprey.0": str(ring_build / "osprey.0"),
        "big.bin": os.path.join(fixtures_dir, "big.bin"),
        "vmlinuz": os.path.join(fixtures_dir, "vmlinuz"),
        "hello.txt": os.path.join(fixtures_dir, "hello.txt"),
    })
    with Lab(tmp_path / "logs") as lab:
        lab.start_dnsmasq(tftp_root=None, bootfile="osprey.0", name="dnsmasq-dhcp")
        atftpd = lab.start_atftpd(root)
        m = NetnsMachine("ring-atftpd", tmp_path / "logs", lab=lab, nic="rtl8139")
        try:
            m.start()
            m.boot_to_prompt()
            driver = parse_ifconfig(m.cmd("ifconfig")).get("driver", "")
            assert "ring buffer" in driver, driver
            assert sha256sum(m, "(nd)/big.bin") == big_sha256
        finally:
            m.close()
        # The window really was used (atftpd logs "windowsize option -> N" per transfer).
        big = [t for t in re.split(r"(?m)^.*Serving ", atftpd.log()) if t.startswith("big.bin ")]
        assert big, atftpd.log()[-3000:]
        opts = dict(re.findall(r"(\w+) option -> (\d+)", big[-1]))
        assert int(opts.get("windowsize", "1")) > 1, opts
        rom_udp_api(lab, tmp_path, atftpd)


def rom_udp_api(lab, tmp_path, atftpd):
    """The rtl8139-only osprey.0 on an e1000: the ROM keeps the NIC and osprey's TFTP runs over
    its UDP API. atftpd's log shows the window osprey asks for there (8; the ROM's own TFTP
    asks for none); a missing file brings atftpd's text; ESC ends the wait for an address
    where nothing answers within seconds; a kernel loads after it all."""
    silent = LAB_ADDR[:-2] + ".3"
    lab.ip("addr", "add", f"{silent}/24", "dev", lab.bridge)
    m = NetnsMachine("rom-udp-e1000", tmp_path / "logs", lab=lab, nic="e1000")
    try:
        m.start()
        m.boot_to_prompt()
        boot = strip_ansi(m.transcript())
        assert re.search(r"NIC: the PXE boot NIC at PCI 00:03\.0 \(8086:100e\) has no driver "
                         r"compiled in; files go through the PXE ROM", boot), boot[-2000:]
        conf = parse_ifconfig(m.cmd("ifconfig"))
        assert conf.get("driver", "").startswith("none (files through the PXE ROM)"), conf
        assert m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
        out = m.cmd("cat (nd)/missing")
        assert re.fullmatch(r"Error: \(nd\)/missing: file not found \(.+\)", out), out
        esc_cancels(m, f"cat tftp://{silent}/never", after=3, limit=10)
        out = m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=T_LOAD)
        assert "Error" not in out and "Linux kernel, boot protocol" in out, out
        out = m.cmd("tftpopts --stats")
        assert re.search(r"; blocks of 1468 bytes, window 8; 1 read request$", out), out
    finally:
        m.close()
    hello = [t for t in re.split(r"(?m)^.*Serving ", atftpd.log()) if t.startswith("hello.txt ")]
    assert hello, atftpd.log()[-3000:]
    opts = dict(re.findall(r"(\w+) option -> (\d+)", hello[-1]))
    assert opts.get("windowsize") == "8", opts
