"""DHCP identity: the docs/servers.md dnsmasq recipe answers the PXE ROM with osprey.0 and
osprey's own `dhcp` (user class 77 "osprey") with another file, so there is no boot loop.
Needs root (network namespaces). Marker: servers."""

import os

import pytest

from conftest import T_CMD
from netns import LAB_ADDR, parse_ifconfig
from test_servers import lab, ns_machine, ns_root  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.servers]


def test_dnsmasq_userclass_recipe_no_loop(lab, ns_root, ns_machine):
    srv = lab.start_dnsmasq(tftp_root=ns_root, bootfile=None, extra=[
        "--dhcp-userclass=set:osprey,osprey",
        f"--dhcp-boot=tag:!osprey,osprey.0,,{LAB_ADDR}",
        f"--dhcp-boot=tag:osprey,vmlinuz,,{LAB_ADDR}"])
    m = ns_machine()                       # the ROM was answered with osprey.0: osprey runs
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "pxe" and conf.get("bootfile") == "osprey.0", conf
    out = m.cmd("dhcp", timeout=T_CMD)
    assert "Error" not in out, out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "dhcp" and conf.get("bootfile") == "vmlinuz", conf
    # dnsmasq saw the user class in osprey's requests (its --log-dhcp lines).
    assert "user class: osprey" in srv.log(), srv.log()[-2000:]
