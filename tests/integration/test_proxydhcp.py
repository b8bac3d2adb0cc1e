"""ProxyDHCP (PXE 2.1): ISC dhcpd gives addresses only, dnsmasq in proxy mode
(`--dhcp-range=NET,proxy`, `--pxe-service=x86PC,osprey,osprey`) names the boot server and file.
The PXE ROM boots osprey.0 through the proxy; osprey takes the server and file from the ROM's
cached ProxyDHCP/boot server reply, and its own `dhcp` understands the proxy's answers too
(the address from dhcpd, the file from the boot server on port 4011). Needs root. Marker: servers."""

import pytest

from conftest import T_CMD
from netns import LAB_ADDR, LAB_NET, parse_ifconfig
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
