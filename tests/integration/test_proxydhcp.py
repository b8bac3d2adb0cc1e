"""ProxyDHCP (PXE 2.1): ISC dhcpd gives addresses only, dnsmasq in proxy mode
(`--dhcp-range=NET,proxy`, `--pxe-service=x86PC,osprey,osprey`) names the boot server and file.
The PXE ROM boots osprey.0 through the proxy; osprey takes the server and file from the ROM's
cached ProxyDHCP/boot server reply, and its own `dhcp` understands the proxy's answers too
(the address from dhcpd, the file from the boot server on port 4011). Needs root. Marker: servers."""

import os

import pytest

from conftest import LDLINUX_C32, PXELINUX_0, T_CMD
from netns import LAB_ADDR, LAB_NET, parse_ifconfig, populate_root
from test_servers import lab, ns_machine, ns_root  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.servers]


def test_proxydhcp_rom_and_osprey(lab, ns_root, ns_machine):
    lab.start_dhcpd(bootfile=None)
    proxy = lab.start_dnsmasq(tftp_root=ns_root, dhcp=False, extra=[
        f"--dhcp-range={LAB_NET}.0,proxy", "--pxe-service=x86PC,osprey,osprey"])
    m = ns_machine()                       # osprey.0 came through the proxy
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "pxe" and conf.get("bootfile") == "osprey.0", conf
    assert conf.get("server") == LAB_ADDR, conf
    assert conf.get("address", "").startswith(f"{LAB_NET}.1"), conf   # dhcpd's range

    # The proxy's answers have no address: dhcpd's lease, the proxy's file.
    out = m.cmd("dhcp", timeout=T_CMD)
    assert "Error" not in out and "no answer" not in out, out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "dhcp" and conf.get("bootfile") == "osprey.0", conf
    assert conf.get("server") == LAB_ADDR, conf
    assert conf.get("address", "").startswith(f"{LAB_NET}.1"), conf
    out = m.cmd("cat (nd)/hello.txt", timeout=T_CMD)
    assert out.split("\n")[-1] == "hello from tftp", out
    # dnsmasq answered two boot server requests on port 4011 with osprey.0 (its "PXE(...) IP
    # MAC osprey.0" log lines): the ROM's and osprey's.
    served = [ln for ln in proxy.log().splitlines() if "PXE(" in ln and ln.endswith(" osprey.0")]
    assert len(served) >= 2, proxy.log()[-3000:]


@pytest.mark.pxelinux
def test_proxydhcp_chain_options(lab, ns_root, ns_machine):
    """chainloader --option behind ProxyDHCP: the ROM cached dhcpd's DHCPACK and the proxy's
    boot server reply; PXELINUX finds 209/210 (its ldlinux.c32 and only config exist under
    /pxe/ alone) and starts /pxe/osprey.lkrn, which reads the same options. On e1000e (the
    ROM's UNDI; chaining after osprey's rtl8139 driver is a known limit)."""
    os.makedirs(os.path.join(ns_root, "pxe", "pxelinux.cfg"))
    populate_root(ns_root, {"pxelinux.0": PXELINUX_0, "pxe/ldlinux.c32": LDLINUX_C32,
                            "pxe/osprey.lkrn": os.path.join(ns_root, "osprey.lkrn"),
                            "pxe/pxelinux.cfg/boot": b"default osprey.lkrn keeppxe\n"})
    lab.start_dhcpd(bootfile=None)
    lab.start_dnsmasq(tftp_root=ns_root, dhcp=False, extra=[
        f"--dhcp-range={LAB_NET}.0,proxy", "--pxe-service=x86PC,osprey,osprey"])
    m = ns_machine(nic="e1000e")
    out = m.cmd("chainloader --option=209:pxelinux.cfg/boot --option=210:/pxe/ (nd)/pxelinux.0",
                timeout=T_CMD)
    assert "Error" not in out and "PXE NBP" in out, out
    m.sendline("boot")
    m.expect(r"DHCP options set for the NBP in the cached DHCPACK and reply; PXE API front")
    m.expect(r"osprey \S+ \(Linux boot image\)", 120)
    m.expect(r"Config file: using /pxe/pxelinux\.cfg/boot", 120)
    m.wait_prompt(120)
