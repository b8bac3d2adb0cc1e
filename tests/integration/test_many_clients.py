"""Many clients at once: four QEMU machines PXE-boot at the same moment from one
dnsmasq (DHCP) + atftpd (TFTP) in a network namespace; each must get its own
lease, load a file byte-exact over TFTP, then (all four together again) an 8 MiB
file over HTTP from one nginx, and boot a real Debian kernel.

Needs root (network namespaces, tap devices). Markers: servers, linux.
"""

import hashlib
import os
import re
import threading

import pytest

from conftest import T_LOAD, sha256sum
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, parse_ifconfig, populate_root
from test_http import start_nginx

pytestmark = [pytest.mark.servers, pytest.mark.linux]

CLIENTS = 4
LEASE_RE = r"192\.168\.77\.(1\d\d)"


@pytest.fixture
def lab(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq", "atftpd", "nginx")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    with Lab(tmp_path / "logs") as lab:
        yield lab


def test_four_clients_at_once(lab, tmp_path, builddir, fixtures_dir):
    with open(os.path.join(fixtures_dir, "big.bin"), "rb") as f:
        data = f.read(2 << 20)
        http_data = f.read(8 << 20)
    digest = hashlib.sha256(data).hexdigest()
    http_digest = hashlib.sha256(http_data).hexdigest()
    root = populate_root(str(tmp_path / "tftp"), {
        "osprey.0": os.path.join(builddir, "stage2", "osprey.0"),
        "vmlinuz": os.path.join(fixtures_dir, "vmlinuz"),
        "initrd.img": os.path.join(fixtures_dir, "initrd.img"),
        "a.bin": data, "h.bin": http_data})
    lab.start_dnsmasq(tftp_root=None, bootfile="osprey.0", name="dnsmasq-dhcp")
    lab.start_atftpd(root, verbose=5)
    start_nginx(lab, root)
    taps = [lab.tap] + [lab.add_tap() for _ in range(CLIENTS - 1)]
    machines = [NetnsMachine(f"client{i}", tmp_path / "logs", lab=lab, tap=taps[i], nic="e1000",
                             mac=f"52:54:00:12:34:{0x60 + i:02x}") for i in range(CLIENTS)]
    results, errors = {}, {}
    go = threading.Barrier(CLIENTS)
    http_go = threading.Barrier(CLIENTS, timeout=T_LOAD)   # the HTTP loads start together

    def client(i, m):
        try:
            go.wait()                       # all power on at the same moment
            m.start()
            m.boot_to_prompt()
            conf = parse_ifconfig(m.cmd("ifconfig"))
            got = sha256sum(m, "(nd)/a.bin")
            http_go.wait()
            http_got = sha256sum(m, f"http://{LAB_ADDR}/h.bin")
            cmdline = m.boot_linux(args=f"console=ttyS0 panic=-1 osprey.test=C{i}")
            results[i] = (conf.get("address", ""), got, cmdline, http_got)
        except Exception as e:  # noqa: BLE001 - reported below, per client
            errors[i] = e
            http_go.abort()                 # the others stop waiting for this one

    threads = [threading.Thread(target=client, args=(i, m)) for i, m in enumerate(machines)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for m in machines:
            m.close()
    assert not errors, "\n\n".join(f"client{i}: {e}" for i, e in sorted(errors.items()))
    addresses = [results[i][0] for i in range(CLIENTS)]
    for a in addresses:
        assert re.fullmatch(LEASE_RE, a), addresses
    assert len(set(addresses)) == CLIENTS, addresses          # a lease each
    for i in range(CLIENTS):
        assert results[i][1] == digest, (i, results[i][1])    # byte-exact
        assert results[i][3] == http_digest, (i, results[i][3])
        assert f"osprey.test=C{i}" in results[i][2], results[i][2]
    # nginx served h.bin to four clients.
    access = open(os.path.join(lab.logdir, "nginx", "access.log")).read()
    assert len(re.findall(r" GET /h\.bin ", access)) == CLIENTS, access
