"""Every NIC model QEMU emulates, driven by osprey's native driver under QEMU
user networking (DHCP/TFTP/ICMP from slirp at 10.0.2.2):

  osprey.lkrn with -kernel  the native driver runs DHCP at start; ifconfig
                            names the driver; dhcp, ping 10.0.2.2, a static
                            configuration and sha256sum (nd)/big.bin
  osprey.0 with -boot n     through the NIC's PXE ROM: settings from the ROM's
                            cached DHCP reply (source pxe), files by the native
                            driver
  Linux                     a Debian kernel and initrd fetched over HTTP
                            and booted over every NIC model: nginx on the
                            host's loopback, reached at http://10.0.2.100/
                            through slirp's guestfwd (busybox nc per
                            connection)

Marker: drivers.
"""

import hashlib
import os
import re
import socket
import subprocess

import pytest

from conftest import parse_ifconfig, sha256sum, wait_local_port
from netns import missing_tools
from nginxconf import nginx_conf

pytestmark = [pytest.mark.drivers]

# test id -> (QEMU -device model, regex for the driver name ifconfig prints)
NIC_MODELS = {
    "rtl8139": ("rtl8139", r"rtl8139"),
    "e1000": ("e1000", r"e1000"),
    "virtio-net-pci": ("virtio-net-pci", r"virtio[-_]?net"),
    "virtio-net-pci-modern": ("virtio-net-pci,disable-legacy=on", r"virtio[-_]?net"),
    "ne2k_pci": ("ne2k_pci", r"ne2k[-_]?pci|ns8390|ne2000"),
    "pcnet": ("pcnet", r"pcnet(32)?"),
    "i82557b": ("i82557b", r"eepro100|e100|i8255\w*"),
}
LINUX_NICS = tuple(NIC_MODELS)   # a real kernel over every driver

# QEMU's PXE ROM for each model (-boot n needs it).
ROM_DIR = "/usr/lib/ipxe/qemu"
ROMS = {
    "rtl8139": "rtl8139", "e1000": "e1000", "virtio-net-pci": "virtio",
    "virtio-net-pci-modern": "virtio", "ne2k_pci": "ne2k_pci", "pcnet": "pcnet",
    "i82557b": "eepro100",
}





HTTP_ADDR = "10.0.2.100"     # slirp forwards this guest address's port 80 to nginx


@pytest.fixture
def host_nginx(tmp_path, fixtures_dir):
    """nginx on the host's loopback serving the fixtures; returns the -netdev user option that
    forwards the guest's connections to HTTP_ADDR:80 to it (QEMU runs busybox nc for each)."""
    missing = missing_tools("nginx", "busybox")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    d = tmp_path / "nginx"
    d.mkdir()
    with socket.socket() as s:          # a free port (each pytest worker has its own nginx)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (d / "nginx.conf").write_text(nginx_conf(d, f"127.0.0.1:{port}", fixtures_dir,
                                              connections=16))
    with open(d / "out.log", "w") as out:
        proc = subprocess.Popen(["nginx", "-e", str(d / "error.log"), "-c", str(d / "nginx.conf"),
                                 "-p", str(d)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_local_port(port, proc, "nginx", lambda: f": {(d / 'error.log').read_text()}")
        yield f"guestfwd=tcp:{HTTP_ADDR}:80-cmd:busybox nc 127.0.0.1 {port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def lkrn(machines, builddir, tftp_root):
    """Factory: osprey.lkrn via -kernel on a NIC with user networking, at the prompt."""

    def make(nic_id, **kw):
        kw.setdefault("nic", NIC_MODELS[nic_id][0])   # or (model, "-netdev user options")
        m = machines(name=f"lkrn-{nic_id}", kernel=f"{builddir}/stage2/osprey.lkrn",
                     tftp_root=tftp_root, **kw)
        m.boot_to_prompt(timeout=120)  # includes DHCP at start (30 s limit)
        return m

    return make


def check_driver(m, nic_id):
    _, drv_re = NIC_MODELS[nic_id]
    out = m.cmd("ifconfig")
    conf = parse_ifconfig(out)
    assert re.match(rf"({drv_re})\b.* at PCI [0-9a-f]{{2}}:[0-9a-f]{{2}}\.[0-7]", conf.get("driver", "")), out
    assert re.fullmatch(r"52:54:00(:[0-9a-f]{2}){3}", conf.get("mac", "")), out
    assert conf.get("link") in ("up", "unknown"), out
    listing = m.cmd("ifconfig --list")
    assert re.search(rf"(?m)^[0-9a-f]{{2}}:[0-9a-f]{{2}}\.\d .*({drv_re}).*\(in use\)", listing), listing
    return conf


@pytest.mark.parametrize("nic_id", list(NIC_MODELS))
def test_lkrn_dhcp_ping(lkrn, nic_id):
    m = lkrn(nic_id)
    conf = check_driver(m, nic_id)
    assert conf.get("source") == "dhcp", conf
    assert conf.get("address") == "10.0.2.15", conf
    assert conf.get("gateway") == "10.0.2.2", conf
    assert conf.get("server") == "10.0.2.2", conf
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "Error" not in out, out
    assert re.search(r"10\.0\.2\.15", out), out
    # slirp answers ICMP echo for its own addresses (10.0.2.2 gateway, 10.0.2.3 DNS).
    out = m.cmd("ping --count=3 10.0.2.2", timeout=60)
    assert re.search(r"(?m)^reply from 10\.0\.2\.2: seq=\d+ time=[\d.]+ ms", out), out
    s = re.search(r"(?m)^(\d+) of 3 replies", out)
    assert s and int(s.group(1)) >= 2, out
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]


@pytest.mark.parametrize("nic_id", list(NIC_MODELS))
def test_lkrn_static_sha256(lkrn, nic_id, big_sha256):
    m = lkrn(nic_id)
    out = m.cmd("ifconfig --address=10.0.2.20/24 --gateway=10.0.2.2 --server=10.0.2.2")
    assert "Error" not in out, out
    conf = check_driver(m, nic_id)
    assert conf.get("source") == "static" and conf.get("address") == "10.0.2.20", conf
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


@pytest.mark.parametrize("nic_id", list(NIC_MODELS))
def test_pxe_native(osprey, nic_id):
    """osprey.0 through the NIC's PXE ROM: settings from the ROM, files by the native driver."""
    if not os.path.exists(f"{ROM_DIR}/efi-{ROMS[nic_id]}.rom") and \
            not os.path.exists(f"{ROM_DIR}/pxe-{ROMS[nic_id]}.rom"):
        pytest.skip(f"no PXE ROM for {nic_id}")
    model, _ = NIC_MODELS[nic_id]
    m = osprey(nic=model, name=f"pxe-{nic_id}")
    conf = check_driver(m, nic_id)
    assert conf.get("source") == "pxe", conf
    assert conf.get("address") == "10.0.2.15", conf
    assert conf.get("server") == "10.0.2.2", conf
    out = m.cmd("sha256sum (nd)/hello.txt", timeout=60)
    assert re.search(r"(?m)^[0-9a-f]{64}  \(nd\)/hello\.txt$", out), out
    want = hashlib.sha256(b"hello from tftp\n").hexdigest()
    assert want in out, out
    out = m.cmd("ping --count=2 10.0.2.2", timeout=60)
    assert re.search(r"(?m)^reply from 10\.0\.2\.2: ", out), out


@pytest.mark.linux
@pytest.mark.parametrize("nic_id", LINUX_NICS)
def test_lkrn_boot_linux(lkrn, nic_id, host_nginx):
    """A Debian kernel and initrd loaded over HTTP (osprey's TCP on the native driver) and
    booted."""
    model, _ = NIC_MODELS[nic_id]
    m = lkrn(nic_id, nic=(model, host_nginx))
    check_driver(m, nic_id)
    cmdline = m.boot_linux(nd_kernel=f"http://{HTTP_ADDR}/vmlinuz",
                           nd_initrd=f"http://{HTTP_ADDR}/initrd.img",
                           args=f"console=ttyS0 panic=-1 osprey.nic={nic_id}")
    assert f"osprey.nic={nic_id}" in cmdline.split(), cmdline
    assert m.exitstatus == 0
