"""osprey against real servers in a network namespace (see netns.py):
dnsmasq (DHCP + TFTP, PXE boot), atftpd (windowsize), tftpd-hpa (blksize 512,
more than 65535 blocks), ISC dhcpd, a TFTP server on another subnet behind a
router, and a Debian kernel booted through dnsmasq.

Needs root (network namespaces, tap devices). Marker: servers.
"""

import hashlib
import os
import re

import pytest

from conftest import T_CMD, T_LOAD, sha256_file, sha256sum
from netns import (LAB_ADDR, REMOTE_ADDR, Lab, NetnsMachine, missing_tools, parse_ifconfig,
                   populate_root)

pytestmark = [pytest.mark.servers]

NIC = "rtl8139"
LEASE_RE = r"192\.168\.77\.(1\d\d)"


@pytest.fixture
def lab(request, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    with Lab(tmp_path / "logs") as lab:
        request.node.__dict__.setdefault("_osprey_machines", []).append(_ServerLogs(lab))
        yield lab


@pytest.fixture
def ns_root(tmp_path, builddir, fixtures_dir):
    """TFTP root with hard links (chroot-safe) to the images and fixtures."""
    files = {n: os.path.join(builddir, "stage2", n) for n in ("osprey.0", "osprey.lkrn")}
    files.update({n: os.path.join(fixtures_dir, n)
                  for n in ("vmlinuz", "initrd.img", "big.bin", "hello.txt")})
    return populate_root(str(tmp_path / "tftp"), files)


@pytest.fixture
def ns_machine(request, tmp_path, lab):
    """Factory: ns_machine(**NetnsMachine kwargs) -> a machine on the lab's
    tap, booted (PXE) to the prompt. Killed at the end of the test; the
    transcript is attached to a failing report."""
    made = []
    listed = request.node.__dict__.setdefault("_osprey_machines", [])

    def make(name=None, nic=NIC, boot=True, **kw):
        m = NetnsMachine(name or f"ns{len(made)}-{nic}", tmp_path / "logs", lab=lab, nic=nic, **kw)
        made.append(m)
        listed.append(m)
        m.start()
        if boot:
            m.boot_to_prompt()
        return m

    yield make
    for m in made:
        m.close()


class _ServerLogs:
    """Looks like a Machine to conftest's report hook: attaches the lab's
    server logs to a failing test's report."""

    def __init__(self, lab):
        self.lab = lab
        self.name = "servers"
        self.log_path = lab.logdir
        self.send_log_path = os.path.join(lab.logdir, "-no-such-file-")

    def transcript(self):
        return "\n".join(f"===== {s.name} ({s.log_path})\n{s.log()[-6000:]}"
                         for s in self.lab.servers)


def need(*tools):
    missing = missing_tools(*tools)
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)


def start_servers(lab, kind, root, bootfile="osprey.0"):
    """DHCP from dnsmasq plus a TFTP server of the given kind on 192.168.77.1."""
    if kind == "dnsmasq":
        return lab.start_dnsmasq(tftp_root=root, bootfile=bootfile)
    lab.start_dnsmasq(tftp_root=None, bootfile=bootfile, name="dnsmasq-dhcp")
    if kind == "atftpd":
        need("atftpd")
        return lab.start_atftpd(root)
    if kind == "tftpd-hpa":
        need("tftpd-hpa")
        return lab.start_tftpd_hpa(root)
    raise ValueError(kind)


# ---------------------------------------------------------------- dnsmasq
def test_dnsmasq_pxe_ifconfig(lab, ns_root, ns_machine):
    lab.start_dnsmasq(tftp_root=ns_root)
    m = ns_machine()
    out = m.cmd("ifconfig")
    conf = parse_ifconfig(out)
    assert conf.get("source") == "pxe", out
    assert re.fullmatch(LEASE_RE, conf.get("address", "")), out
    assert conf.get("netmask") == "255.255.255.0", out
    assert conf.get("gateway") == LAB_ADDR, out
    assert conf.get("server") == LAB_ADDR, out
    # osprey.0 itself was fetched by the ROM; a file through osprey's TFTP client:
    assert m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"


def test_dnsmasq_dhcp_bootp(lab, ns_root, ns_machine):
    lab.start_dnsmasq(tftp_root=ns_root, extra=["--bootp-dynamic"])
    m = ns_machine()
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "Error" not in out, out
    assert re.search(LEASE_RE, out), out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "dhcp", conf
    assert re.fullmatch(LEASE_RE, conf.get("address", "")), conf
    assert conf.get("gateway") == LAB_ADDR, conf
    assert conf.get("server") == LAB_ADDR, conf
    assert conf.get("bootfile") == "osprey.0", conf
    out = m.cmd("bootp", timeout=60)
    assert "Error" not in out, out
    assert re.search(LEASE_RE, out), out
    assert parse_ifconfig(m.cmd("ifconfig")).get("source") == "bootp"
    # The configuration works for a transfer.
    assert m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    leases = lab.servers[0].log()
    assert "DHCPACK" in leases and "BOOTP" in leases, leases[-3000:]


def test_dnsmasq_ping(lab, ns_root, ns_machine):
    lab.start_dnsmasq(tftp_root=ns_root)
    m = ns_machine()
    out = m.cmd(f"ping --count=3 {LAB_ADDR}", timeout=60)
    replies = re.findall(rf"(?m)^reply from {re.escape(LAB_ADDR)}: seq=(\d+) time=[\d.]+ ms", out)
    assert replies, out
    summary = re.search(r"(?m)^(\d+) of (\d+) replies", out)
    assert summary and int(summary.group(2)) == 3 and int(summary.group(1)) >= 2, out
    # Nobody at .250: no replies, and still a clean summary (or an Error line).
    out = m.cmd("ping --count=1 192.168.77.250", timeout=60)
    assert not re.search(r"(?m)^reply from", out), out
    assert re.search(r"(?m)^0 of 1 replies|^Error: ", out), out


def test_dnsmasq_sha256_big(lab, ns_root, ns_machine, big_sha256):
    lab.start_dnsmasq(tftp_root=ns_root)
    m = ns_machine()
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


# ---------------------------------------------------------------- atftpd / tftpd-hpa
# Every driver against real servers on a tap: frames then arrive from QEMU's I/O thread while
# the guest runs, unlike user-mode networking where replies are delivered inside the guest's
# own transmit. (This found pcnet and eepro100 reading half-written receive descriptors.)
TAP_NICS = ("e1000", "virtio-net-pci", "ne2k_pci", "pcnet", "i82557b")


@pytest.mark.parametrize("nic", TAP_NICS)
def test_each_driver_windowed_tftp(lab, ns_root, ns_machine, big_sha256, nic):
    start_servers(lab, "atftpd", ns_root)
    m = ns_machine(nic=nic)
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


@pytest.mark.parametrize("nic", ("pcnet", "i82557b"))
def test_lockstep_tftp_dnsmasq(lab, ns_root, ns_machine, big_sha256, nic):
    start_servers(lab, "dnsmasq", ns_root)
    m = ns_machine(nic=nic)
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


def test_atftpd_windowsize(lab, ns_root, ns_machine, big_sha256):
    srv = start_servers(lab, "atftpd", ns_root)
    m = ns_machine()
    assert sha256sum(m, "(nd)/big.bin") == big_sha256
    # atftpd --verbose=7 logs each transfer ("Serving big.bin to IP:PORT") and
    # the options it accepted for it ("windowsize option -> N").
    log = srv.log()
    transfers = re.split(r"(?m)^.*Serving ", log)
    big = [t for t in transfers if t.startswith("big.bin ")]
    assert big, f"atftpd never served big.bin:\n{log[-3000:]}"
    opts = dict(re.findall(r"(\w+) option -> (\d+)", big[-1]))
    assert int(opts.get("windowsize", "1")) > 1, \
        f"atftpd did not negotiate windowsize > 1 for big.bin: {opts}\n{big[-1][-2000:]}"
    assert int(opts.get("blksize", "512")) > 512, f"no blksize > 512 for big.bin: {opts}"


def test_tftpd_hpa_load(lab, ns_root, ns_machine, big_sha256):
    start_servers(lab, "tftpd-hpa", ns_root)
    m = ns_machine()
    assert sha256sum(m, "(nd)/big.bin") == big_sha256


def test_tftpd_hpa_blksize512_over_65535_blocks(lab, ns_root, ns_machine, tmp_path):
    """tftpd-hpa --blocksize 512 caps blksize: a 34 MiB file is 69633 blocks,
    so the 16-bit block number wraps around."""
    need("tftpd-hpa")
    data = os.urandom(34 * 1024 * 1024 + 123)
    (tmp_path / "tftp" / "wrap.bin").write_bytes(data)
    assert len(data) // 512 > 65535
    lab.start_dnsmasq(tftp_root=None, bootfile="osprey.0", name="dnsmasq-dhcp")
    lab.start_tftpd_hpa(ns_root, blocksize=512)
    m = ns_machine()
    assert sha256sum(m, "(nd)/wrap.bin", timeout=T_LOAD * 2) == hashlib.sha256(data).hexdigest()


@pytest.mark.linux
def test_tftpd_hpa_refuse_tsize_boot_linux(lab, ns_root, ns_machine):
    """A server that will not say a file's size (tftpd-hpa --refuse tsize): kernel and initrd
    still load, land as high as loads of known size do, and the kernel boots. On a 1 GiB
    machine this once failed with "too large" for a 1 MiB initrd."""
    need("tftpd-hpa")
    lab.start_dnsmasq(tftp_root=None, bootfile="osprey.0", name="dnsmasq-dhcp")
    lab.start_tftpd_hpa(ns_root, extra=["--refuse", "tsize"])
    m = ns_machine(mem=1024)
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 panic=-1 osprey.test=NOTSIZE", timeout=T_LOAD)
    assert "Error" not in out and "Linux kernel, boot protocol" in out, out
    # The server really kept the size back: the progress line has no percentage.
    assert "%)" not in out, out
    out = m.cmd("initrd (nd)/initrd.img", timeout=T_LOAD)
    assert "%)" not in out, out
    match = re.search(r"initrd: (\d+) KiB at 0x([0-9a-f]+)", out)
    assert match and "Error" not in out, out
    end = int(match.group(2), 16) + int(match.group(1)) * 1024
    # Highest first, like a load of known size: its end is near the top of the 1 GiB of RAM.
    assert end > 1000 * 1024 * 1024, out
    m.sendline("boot")
    m.expect(r"OSPREY-MARKER: booted", T_LOAD)
    cmdline = m.expect(r"OSPREY-CMDLINE: ([^\r\n]*)\r*\n", T_CMD).group(1)
    assert "osprey.test=NOTSIZE" in cmdline.split(), cmdline
    m.wait_exit(T_CMD * 2)


@pytest.mark.parametrize("kind", ["dnsmasq", "atftpd", "tftpd-hpa"])
def test_missing_file(lab, ns_root, ns_machine, kind):
    """The server's own error message reaches the Error: line."""
    start_servers(lab, kind, ns_root)
    m = ns_machine()
    out = m.cmd("cat (nd)/no-such-file.bin", timeout=60)
    errors = [ln for ln in out.split("\n") if ln.startswith("Error: ")]
    assert len(errors) == 1, out
    err = errors[0]
    if kind == "dnsmasq":
        # dnsmasq: "file /full/path/no-such-file.bin not found for 192.168.77.1xx"
        assert re.search(r"no-such-file\.bin not found for 192\.168\.77\.", err), err
    else:
        # atftpd and tftpd-hpa both send "File not found" (capital F).
        assert "File not found" in err, err
    assert m.cmd("echo ok") == "ok"


# ---------------------------------------------------------------- ISC dhcpd
def test_isc_dhcpd(lab, ns_root, ns_machine):
    need("dhcpd", "atftpd")
    lab.start_dhcpd(bootfile="osprey.0")
    lab.start_atftpd(ns_root)
    m = ns_machine()
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "pxe" and re.fullmatch(LEASE_RE, conf.get("address", "")), conf
    out = m.cmd("dhcp --timeout=20", timeout=60)
    assert "Error" not in out, out
    assert re.search(LEASE_RE, out), out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "dhcp" and conf.get("server") == LAB_ADDR, conf
    assert m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"


# ---------------------------------------------------------------- routing
def test_static_routed_server(lab, ns_root, ns_machine, fixtures_dir):
    """Static configuration; the TFTP server is on 192.168.78.0/24, reached
    through the gateway 192.168.77.1."""
    need("atftpd")
    lab.start_dnsmasq(tftp_root=ns_root)
    rns = lab.add_remote()
    remote_root = populate_root(os.path.join(lab.logdir, "remote-tftp"), {
        "hello.txt": os.path.join(fixtures_dir, "hello.txt"),
        "remote.bin": os.urandom(300 * 1024 + 7),
    })
    lab.start_atftpd(remote_root, ns=rns, name="atftpd-remote")
    m = ns_machine()
    out = m.cmd(f"ifconfig --address=192.168.77.50/24 --gateway={LAB_ADDR} --server={REMOTE_ADDR}")
    assert "Error" not in out, out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("source") == "static", conf
    assert conf.get("address") == "192.168.77.50", conf
    assert conf.get("netmask") == "255.255.255.0", conf
    assert conf.get("gateway") == LAB_ADDR, conf
    assert conf.get("server") == REMOTE_ADDR, conf
    want = sha256_file(os.path.join(remote_root, "remote.bin"))
    assert sha256sum(m, "(nd)/remote.bin", timeout=T_CMD * 4) == want
    assert m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    # the transfer really came from the remote namespace
    assert "Serving remote.bin to 192.168.77.50" in lab.servers[-1].log()


# ---------------------------------------------------------------- Linux
@pytest.mark.linux
def test_boot_linux_dnsmasq(lab, ns_root, ns_machine):
    lab.start_dnsmasq(tftp_root=ns_root)
    m = ns_machine()
    # with the native driver (not the PXE ROM's TFTP API)
    driver = parse_ifconfig(m.cmd("ifconfig")).get("driver", "")
    assert driver.startswith(NIC), driver
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.test=NS")
    assert "osprey.test=NS" in cmdline.split(), cmdline
    assert m.exitstatus == 0
