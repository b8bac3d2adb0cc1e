"""A machine with two NICs, each on its own QEMU user network serving the same TFTP root:

  00:03.0  rtl8139  MAC 52:54:00:aa:00:01  net 10.0.3.0/24 (server 10.0.3.2)
  00:04.0  e1000    MAC 52:54:00:bb:00:02  net 10.0.2.0/24 (server 10.0.2.2), bootindex=1

The PXE ROM boots osprey.0 from the e1000 (the second NIC): osprey must drive the e1000 (the
ROM names it by PCI location), take the ROM's lease for it, list both NICs with the right
markers, load Linux over it, and switch to the rtl8139 with `ifconfig --nic` (settings cleared,
`dhcp` gives a lease on the rtl8139's own network, files load) and back. The .lkrn on the same
machine has no PXE ROM to ask: it takes the first NIC with a driver and says so.
The two networks have different subnets, so every address shows which NIC carried the traffic.
"""

import hashlib
import re

import pytest

from conftest import T_LOAD, parse_ifconfig, sha256sum

RTL_MAC = "52:54:00:aa:00:01"
E1000_MAC = "52:54:00:bb:00:02"
NICS = [(f"rtl8139,mac={RTL_MAC}", "net=10.0.3.0/24"),
        f"e1000,mac={E1000_MAC},bootindex=1"]
HELLO_SHA = hashlib.sha256(b"hello from tftp\n").hexdigest()
LIST_RE = r"(?m)^{pci}\s+{ids}\s+{drv}\s+\S.*?\s+{mac}\s+{idx}(?P<marks>.*)$"


def listing_marks(listing, pci, ids, drv, mac, idx):
    """The markers after the --list line of one NIC (fails when the line is missing)."""
    m = re.search(LIST_RE.format(pci=re.escape(pci), ids=ids, drv=drv, mac=re.escape(mac),
                                 idx=idx), listing)
    assert m, f"no line for {pci} {drv} {mac} #{idx}:\n{listing}"
    return m.group("marks")


@pytest.fixture
def two_nic_pxe(machines, tftp_root):
    m = machines(name="pxe-2nics", tftp_root=tftp_root, bootfile="osprey.0", nics=NICS)
    m.boot_to_prompt()
    return m


def check_on_e1000(m, source):
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("driver", "").startswith("e1000 (82540EM") and "00:04.0" in conf["driver"], conf
    assert conf.get("mac") == E1000_MAC, conf
    assert conf.get("source") == source, conf
    assert conf.get("address") == "10.0.2.15" and conf.get("server") == "10.0.2.2", conf


def test_pxe_boot_nic_chosen(two_nic_pxe):
    """osprey drives the NIC the ROM booted from and takes the ROM's lease for it."""
    m = two_nic_pxe
    start = m.transcript()
    assert re.search(rf"NIC: e1000 \(82540EM\) at PCI 00:04\.0, MAC {E1000_MAC} "
                     r"\(the PXE boot NIC\)", start), start[-2000:]
    assert "Network: 10.0.2.15 from PXE, server 10.0.2.2" in start, start[-2000:]
    check_on_e1000(m, "pxe")
    listing = m.cmd("ifconfig --list")
    # The rtl8139 was never probed (never touched): no MAC yet.
    assert listing_marks(listing, "00:03.0", "10ec:8139", "rtl8139", "-", 0).strip() == "", listing
    marks = listing_marks(listing, "00:04.0", "8086:100e", "e1000", E1000_MAC, 1)
    assert "(in use)" in marks and "(PXE boot)" in marks, listing
    assert sha256sum(m, "(nd)/hello.txt") == HELLO_SHA


@pytest.mark.linux
def test_linux_over_boot_nic(two_nic_pxe):
    """A kernel and initrd load over the e1000 (the boot NIC) and Linux starts."""
    m = two_nic_pxe
    check_on_e1000(m, "pxe")
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.nic=e1000-of-two")
    assert "osprey.nic=e1000-of-two" in cmdline.split(), cmdline
    assert m.exitstatus == 0


def test_switch_nic(two_nic_pxe):
    """ifconfig --nic moves the stack to the other NIC: settings cleared, dhcp leases there."""
    m = two_nic_pxe
    for bad, why in (("7", "no NIC '7'"), ("00:09.0", "no NIC '00:09.0'"),
                     ("0:3", "no NIC '0:3'")):
        out = m.cmd(f"ifconfig --nic={bad}")
        assert f"Error: {why}" in out, out
    check_on_e1000(m, "pxe")   # a failed switch changes nothing

    out = m.cmd("ifconfig --nic=00:03.0")
    assert "Error" not in out, out
    assert f"NIC: rtl8139 (RTL8139) at PCI 00:03.0, MAC {RTL_MAC}" in out, out
    out = m.cmd("ifconfig")
    conf = parse_ifconfig(out)
    assert conf.get("driver", "").startswith("rtl8139") and conf.get("mac") == RTL_MAC, out
    assert "Network not configured" in out, out
    out = m.cmd("sha256sum (nd)/hello.txt", timeout=60)
    assert "Error" in out, out            # no lease on this NIC yet
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "DHCP on rtl8139" in out and "Error" not in out, out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "dhcp", conf
    assert conf.get("address") == "10.0.3.15" and conf.get("server") == "10.0.3.2", conf
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA
    listing = m.cmd("ifconfig --list")
    assert "(in use)" in listing_marks(listing, "00:03.0", "10ec:8139", "rtl8139", RTL_MAC, 0)
    marks = listing_marks(listing, "00:04.0", "8086:100e", "e1000", E1000_MAC, 1)
    assert "(in use)" not in marks and "(PXE boot)" in marks, listing

    # And back by index: the e1000 is probed again and leases on its own network.
    out = m.cmd("ifconfig --nic=1")
    assert f"NIC: e1000 (82540EM) at PCI 00:04.0, MAC {E1000_MAC}" in out, out
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "DHCP on e1000" in out and "Error" not in out, out
    check_on_e1000(m, "dhcp")
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA
    out = m.cmd("ifconfig --nic=1")
    assert "already in use" in out, out


def test_lkrn_takes_first_nic(machines, builddir, tftp_root):
    """No PXE ROM to ask: the first NIC with a driver, named at start; DHCP runs on it."""
    m = machines(name="lkrn-2nics", kernel=f"{builddir}/stage2/osprey.lkrn",
                 tftp_root=tftp_root, nics=NICS)
    m.boot_to_prompt(timeout=120)
    start = m.transcript()
    assert re.search(rf"NIC: rtl8139 \(RTL8139\) at PCI 00:03\.0, MAC {RTL_MAC} "
                     r"\(first NIC with a driver; see ifconfig --list\)", start), start[-2000:]
    assert "Network: 10.0.3.15 from DHCP, server 10.0.3.2" in start, start[-2000:]
    listing = m.cmd("ifconfig --list")
    marks = listing_marks(listing, "00:03.0", "10ec:8139", "rtl8139", RTL_MAC, 0)
    assert "(in use)" in marks and "(PXE boot)" not in marks, listing
    assert "(PXE boot)" not in listing, listing
    # No PXE stack here: undi and a chained NBP are refused, and the network stays up.
    out = m.cmd("ifconfig --driver=undi")
    assert out == "Error: no PXE stack in memory for the undi driver", out
    out = m.cmd("chainloader (nd)/hello.txt", timeout=60)
    assert re.search(r"PXE NBP, 16 bytes", out) and "Error" not in out, out
    out = m.cmd("boot")
    assert out == "Error: boot: no such device (no PXE stack: a PXE NBP needs the PXE ROM's API)", out
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA


def test_boot_nic_without_driver(machines, tftp_root):
    """The ROM booted from a NIC osprey has no native driver for (QEMU's e1000e, 82574L):
    osprey runs it through the ROM's UNDI with the ROM's lease, rather than drive the other NIC
    with that NIC's lease; `ifconfig --driver=pxe` leaves it to the ROM (files through its UDP
    API); --nic then moves to the rtl8139, which needs its own lease."""
    e1000e_mac = "52:54:00:cc:00:03"
    m = machines(name="pxe-e1000e", tftp_root=tftp_root, bootfile="osprey.0",
                 nics=[NICS[0], f"e1000e,mac={e1000e_mac},bootindex=1"])
    m.boot_to_prompt()
    start = m.transcript()
    assert re.search(rf"NIC: undi \(PXE UNDI\) at PCI 00:04\.0, MAC {e1000e_mac} "
                     r"\(the PXE boot NIC\)", start), start[-2000:]
    assert "Network: 10.0.2.15 from PXE, server 10.0.2.2" in start, start[-2000:]
    out = m.cmd("ifconfig")
    conf = parse_ifconfig(out)
    assert conf.get("driver") == "undi (PXE UNDI, PXE ROM's driver) at PCI 00:04.0", out
    assert conf.get("source") == "pxe" and conf.get("address") == "10.0.2.15", out
    listing = m.cmd("ifconfig --list")
    assert listing_marks(listing, "00:03.0", "10ec:8139", "rtl8139", "-", 0).strip() == "", listing
    marks = listing_marks(listing, "00:04.0", "8086:10d3", "undi", e1000e_mac, 1)
    assert "(PXE boot)" in marks and "(in use)" in marks, listing
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA   # osprey's TFTP on UNDI

    out = m.cmd("ifconfig --driver=pxe")
    assert out == "NIC: none; files go through the PXE ROM's UDP API", out
    out = m.cmd("ifconfig")
    conf = parse_ifconfig(out)
    assert conf.get("driver") == "none (files through the PXE ROM)", out
    assert conf.get("source") == "pxe" and conf.get("address") == "10.0.2.15", out
    listing = m.cmd("ifconfig --list")
    marks = listing_marks(listing, "00:04.0", "8086:10d3", "-", e1000e_mac, 1)
    assert "(PXE boot)" in marks and "(in use)" not in marks, listing
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA   # the ROM's TFTP
    out = m.cmd("ifconfig --nic=1")
    assert "Error: no driver compiled in for the NIC at PCI 00:04.0 (8086:10d3)" in out, out

    out = m.cmd("ifconfig --nic=0")
    assert f"NIC: rtl8139 (RTL8139) at PCI 00:03.0, MAC {RTL_MAC}" in out, out
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "DHCP on rtl8139" in out and "Error" not in out, out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("address") == "10.0.3.15" and conf.get("source") == "dhcp", conf
    assert sha256sum(m, "(nd)/hello.txt", timeout=T_LOAD) == HELLO_SHA
    # The ROM's API drives only its boot NIC; this lease is the rtl8139's.
    out = m.cmd("ifconfig --driver=pxe")
    assert out == ("Error: the PXE ROM's stack runs only the PXE boot NIC, and another NIC "
                   "is in use (see ifconfig --list)"), out
