"""osprey on a bad wire: lossywire.py (seeded loss, duplication, reordering,
corruption) between QEMU and real servers in a network namespace (TFTP servers,
and nginx for HTTP over osprey's TCP). Every load must be byte-exact (sha256sum)
and every lease obtained; each test boots osprey.lkrn once (-kernel, so the PXE
ROM's own recovery is not measured) and checks several things. Rates are only
reported, never asserted (scripts/bench --servers=nginx --loss=... measures them).

Needs root (network namespaces, tap devices). Markers: servers, lossy.
"""

import hashlib
import os
import re
import struct
import sys

import pytest

from conftest import T_LOAD
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, populate_root

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lossywire  # noqa: E402
from test_http import start_nginx  # noqa: E402

pytestmark = [pytest.mark.servers, pytest.mark.lossy]

LEASE_RE = r"192\.168\.77\.(1\d\d)"
BAD_WIRE = "loss=10%,dup=5%,reorder=5%"
SIZE = 2 << 20                 # per load: enough windows to see every kind of fault
HTTP_SIZE = 2 << 20            # per HTTP load: many windows of TCP segments


@pytest.fixture
def lab(request, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq", "atftpd", "tftpd-hpa")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    with Lab(tmp_path / "logs") as lab:
        yield lab


@pytest.fixture
def lossy_root(tmp_path, builddir, fixtures_dir):
    """A TFTP root with files of random bytes (slices of big.bin) and their digests."""
    files = {}
    with open(os.path.join(fixtures_dir, "big.bin"), "rb") as f:
        for name, size in (("a.bin", SIZE), ("b.bin", SIZE // 4), ("c.bin", 32 << 10)):
            files[name] = f.read(size)
    root = populate_root(str(tmp_path / "tftp"), files)
    return root, {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}


def boot(lab, tmp_path, builddir, wire, name):
    m = NetnsMachine(name, tmp_path / "logs", lab=lab, nic="e1000", wire=wire,
                     kernel=os.path.join(builddir, "stage2", "osprey.lkrn"))
    m.start()
    m.boot_to_prompt()
    return m


def dhcp(m):
    out = m.cmd("dhcp", timeout=120)
    assert "Error" not in out, out
    assert re.search(LEASE_RE, out), out


SIZES = {"a.bin": SIZE, "b.bin": SIZE // 4, "c.bin": 32 << 10}
STATS_RE = (r"last transfer: (\d+) blocks, (\d+) gap ACKs \((\d+) repeated at a flight's end\), "
            r"(\d+) ACKs after silence, (\d+) timeouts, (\d+) blocks kept ahead of a gap, (\d+) "
            r"dropped; round trip (\d+) us, "
            r"timeout (\d+) ms")


def load(m, name, digest, blksize, windowsize):
    out = m.cmd(f"tftpopts --blksize={blksize} --windowsize={windowsize}")
    assert f"tftpopts: blksize {blksize} windowsize {windowsize}" in out, out
    out = m.cmd(f"sha256sum (nd)/{name}", timeout=T_LOAD)
    assert "Error" not in out, out
    assert f"{digest}  (nd)/{name}" in out, out
    rate = re.findall(r"(\d+(?:\.\d+)? [KM]iB/s)", out)
    # What osprey says the wire did to the transfer: every block counted once, and losses
    # mended by ACKs (at a gap, after silence) or timeouts.
    stats = m.cmd("tftpopts --stats")
    st = re.search(STATS_RE, stats)
    assert st, stats
    blocks, gaps, _, silences, timeouts, kept = (int(x) for x in st.groups()[:6])
    assert blocks == SIZES[name] // blksize + 1, stats
    if blocks >= 50:        # at 10 % loss both ways some frame of 100 is lost (p > 0.99999)
        assert gaps + silences + timeouts > 0, stats
    if windowsize >= 64:    # blocks after a lost one in a big window are kept, not sent again
        assert kept > 0, stats
    return (rate[-1] if rate else "?") + f" ({stats.splitlines()[-1]})"


def run_loads(lab, m, wire, digests, combos, report):
    dhcp(m)
    for name, bs, ws in combos:
        report.append(f"{name} blksize {bs} windowsize {ws}: {load(m, name, digests[name], bs, ws)}")
    # The wire really was bad: every impairment happened, both ways.
    stats = wire.stats()
    report.append(str(stats))
    for d in ("up", "down"):
        assert stats[d]["frames"] > 0, stats
    return stats


def check_impaired(stats, kinds):
    for kind in kinds:
        assert stats["down"][kind] > 0 and stats["up"][kind] > 0, (kind, stats)


# ------------------------------------------------------------------ the tool itself
def test_lossywire_seeded_rates():
    """Same seed, same decisions; the rates come out near what was asked."""
    spec = lossywire.parse_spec("loss=10%,dup=0.05,reorder=5%,corrupt=1%")
    assert spec["loss"] == pytest.approx(0.10) and spec["dup"] == pytest.approx(0.05)

    def run(seed):
        sent = []
        d = lossywire.Direction("down", spec, seed, sent.append, False)
        timers = []
        for i in range(20000):
            d.frame_in(i.to_bytes(4, "big") * 16, i * 0.001, timers)
            d.tick(i * 0.001, timers)
        d.tick(1e9, timers)
        return sent, d.count

    s1, c1 = run(7)
    s2, c2 = run(7)
    s3, _ = run(8)
    assert s1 == s2 and c1 == c2          # replayable
    assert s1 != s3
    assert 1700 < c1["lost"] < 2300, c1
    assert 800 < c1["dup"] < 1200, c1
    assert 130 < c1["corrupted"] < 280, c1
    assert c1["reordered"] > 600, c1
    # Every frame not lost arrives (plus its duplicate); corrupted ones differ in one byte.
    assert len(s1) == 20000 - c1["lost"] + c1["dup"]
    originals = {i.to_bytes(4, "big") * 16 for i in range(20000)}
    bad = [f for f in s1 if f not in originals]
    assert 0 < len(bad) <= c1["corrupted"] * 2
    assert all(len(f) == 64 for f in bad)
    # Some frames overtook others.
    order = [int.from_bytes(f[:4], "big") for f in s1 if f in originals]
    assert any(b < a for a, b in zip(order, order[1:]))


def test_lossywire_outage():
    """--outage: the first DATA packet of the block named cuts the whole wire, both ways, for
    the time named; other frames (and the block before) pass."""
    def data(block):
        udp = struct.pack("!HHHH", 1234, 49152, 8 + 4 + 8, 0) + struct.pack("!HH", 3, block)
        ip = bytes([0x45, 0, 0, 20 + len(udp) + 8, 0, 0, 0, 0, 64, 17, 0, 0]) + bytes(8)
        return bytes(12) + b"\x08\x00" + ip + udp + bytes(8)

    assert lossywire.tftp_data_block(data(300)) == 300
    assert lossywire.tftp_data_block(b"\x00" * 60) is None
    outage = lossywire.Outage("300:1500")
    clean = lossywire.parse_spec("")
    sent = {"up": [], "down": []}
    dirs = {d: lossywire.Direction(d, clean, 1, sent[d].append, False, outage=outage)
            for d in ("up", "down")}
    timers = []
    dirs["down"].frame_in(data(299), 0.0, timers)
    dirs["up"].frame_in(b"ack299" * 10, 0.1, timers)
    dirs["down"].frame_in(data(300), 1.0, timers)      # starts the cut
    dirs["up"].frame_in(b"ack299" * 10, 1.2, timers)
    dirs["down"].frame_in(data(300), 2.4, timers)
    dirs["up"].frame_in(b"rrq" * 20, 2.6, timers)      # after 1.5 s: through
    dirs["down"].frame_in(data(300), 2.7, timers)      # the cut comes once
    assert [lossywire.tftp_data_block(f) for f in sent["down"]] == [299, 300]
    assert sent["up"] == [b"ack299" * 10, b"rrq" * 20]
    assert dirs["down"].count["cut"] == 2 and dirs["up"].count["cut"] == 1


def test_lossywire_hold():
    """A held wire (--hold) passes every frame untouched until armed; then the faults start,
    from the same random stream as a wire armed from the start."""
    spec = lossywire.parse_spec("loss=50%,corrupt=10%")
    frames = [i.to_bytes(4, "big") * 16 for i in range(2000)]

    def run(held):
        sent, timers = [], []
        d = lossywire.Direction("up", spec, 9, sent.append, False)
        if held:
            d.armed = False
            for f in frames:
                d.frame_in(f, 0.0, timers)
            assert sent == frames and d.count["lost"] == d.count["corrupted"] == 0
            del sent[:]
            d.armed = True
        for f in frames:
            d.frame_in(f, 0.0, timers)
        return sent

    after = run(held=True)
    assert 800 < len(after) < 1200
    assert after == run(held=False)


with_parametrize_servers = pytest.mark.parametrize("server", ["atftpd", "tftpd-hpa", "dnsmasq"])


# ------------------------------------------------------------------ real servers
@with_parametrize_servers
def test_lossy_loads(lab, lossy_root, tmp_path, builddir, server):
    """10 % loss + 5 % duplication + 5 % reordering both ways: a lease, and loads at
    blksize 512 and 1468, windowsize 1 and 16 (and 1024 from atftpd), all byte-exact."""
    root, digests = lossy_root
    if server == "dnsmasq":
        lab.start_dnsmasq(tftp_root=root, bootfile="a.bin")
        # dnsmasq (2.90) takes no windowsize or timeout and ignores a repeated ACK: every
        # loss waits for its own timer (2-3 s). A small file.
        combos = [("c.bin", 1468, 16), ("c.bin", 512, 1)]
    else:
        lab.start_dnsmasq(tftp_root=None, bootfile="a.bin", name="dnsmasq-dhcp")
        if server == "atftpd":
            lab.start_atftpd(root, verbose=5)
            # windowsize 1024: atftpd 0.8 stops pacing its blocks from 1001 on
            # (docs/servers.md); blocks that come ahead of a gap are kept.
            combos = [("a.bin", 1468, 16), ("a.bin", 512, 16), ("b.bin", 1468, 1),
                      ("b.bin", 512, 1), ("a.bin", 1468, 1024)]
        else:
            lab.start_tftpd_hpa(root)
            combos = [("a.bin", 1468, 16), ("a.bin", 512, 1)]
    # tftpd-hpa gives up silently after six sends of a block (63 x utimeout: 630 ms), which
    # 10 % loss both ways can reach now and then: its frames are traced (lossywire's log) so
    # that such a run shows what the last blocks and ACKs met.
    wire = lab.start_lossywire(seed=12, both=BAD_WIRE, trace=server == "tftpd-hpa")
    m = boot(lab, tmp_path, builddir, wire, f"lossy-{server}")
    report = []
    try:
        stats = run_loads(lab, m, wire, digests, combos, report)
    finally:
        print("\n".join(report))
    check_impaired(stats, ("lost", "dup", "reordered"))


def test_server_gives_up_mid_file(lab, lossy_root, tmp_path, builddir):
    """tftpd-hpa ends a transfer for good, silently, after six sends of one block that bring
    no ACK (630 ms at the utimeout osprey asks for). The wire is cut for 1.5 s from block 300
    of a.bin: osprey sees the server gone 2 s after its last block, says so, asks for the file
    again and reads on from where it was, byte-exact; the next load takes one request."""
    root, digests = lossy_root
    lab.start_dnsmasq(tftp_root=None, bootfile="a.bin", name="dnsmasq-dhcp")
    lab.start_tftpd_hpa(root)
    wire = lab.start_lossywire(outage="300:1500")
    m = boot(lab, tmp_path, builddir, wire, "gives-up")
    dhcp(m)
    out = m.cmd("sha256sum (nd)/a.bin", timeout=T_LOAD)
    assert "Error" not in out and f"{digests['a.bin']}  (nd)/a.bin" in out, out
    assert f"TFTP server {LAB_ADDR} stopped sending after block 299; asking for a.bin again" \
        in out, out
    stats = m.cmd("tftpopts --stats")
    assert re.search(STATS_RE, stats) and "; 2 read requests" in stats, stats
    assert f"{SIZE // 1468 + 1} blocks" in stats, stats    # the second request: the whole file
    out = m.cmd("sha256sum (nd)/b.bin", timeout=T_LOAD)
    assert f"{digests['b.bin']}  (nd)/b.bin" in out and "asking" not in out, out
    assert "; 1 read request\n" in m.cmd("tftpopts --stats") + "\n"
    cut = wire.stats()
    # The cut met the block's six sends and osprey's repeated ACKs, and ended.
    assert cut["down"]["cut"] >= 6 and cut["up"]["cut"] >= 1, cut
    assert "outage of 1500 ms from DATA 300" in wire.srv.log()


def test_corrupted_wire(lab, lossy_root, tmp_path, builddir):
    """1 % of frames with a flipped byte, both ways: checksums catch every one; a lease and
    byte-exact loads from atftpd (window 16 and lock-step)."""
    root, digests = lossy_root
    lab.start_dnsmasq(tftp_root=None, bootfile="a.bin", name="dnsmasq-dhcp")
    lab.start_atftpd(root, verbose=5)
    wire = lab.start_lossywire(seed=5, both="corrupt=1%")
    m = boot(lab, tmp_path, builddir, wire, "corrupt")
    # tftpopts refuses what it cannot ask for and keeps the settings.
    assert "tftpopts: blksize 1468 windowsize 16" in m.cmd("tftpopts")
    assert "Error: --blksize=100: a number from 512 to 1468" in m.cmd("tftpopts --blksize=100")
    assert "Error: --windowsize=1025: a number from 1 to 1024" in m.cmd("tftpopts --windowsize=1025")
    assert "tftpopts: blksize 1468 windowsize 16" in m.cmd("tftpopts")
    report = []
    try:
        stats = run_loads(lab, m, wire, digests,
                          [("a.bin", 1468, 16), ("a.bin", 512, 16), ("b.bin", 1468, 1)], report)
    finally:
        print("\n".join(report))
    check_impaired(stats, ("corrupted",))


# ------------------------------------------------------------------ HTTP (TCP) from nginx
@pytest.mark.parametrize("spec,seed", [("loss=5%", 21), (BAD_WIRE, 22)],
                         ids=["loss5", "loss10-dup5-reorder5"])
def test_lossy_http(lab, tmp_path, builddir, fixtures_dir, spec, seed):
    """HTTP from nginx over osprey's TCP through the lossy wire, both ways: a 2 MiB file and
    a small one byte-exact, every load finished."""
    if missing_tools("nginx"):
        pytest.fail("missing: nginx (run scripts/install-deps)", pytrace=False)
    with open(os.path.join(fixtures_dir, "big.bin"), "rb") as f:
        f.seek(3 << 20)                      # other bytes than the TFTP tests' a.bin
        files = {"h.bin": f.read(HTTP_SIZE), "s.bin": f.read(48 << 10)}
    root = populate_root(str(tmp_path / "www"), files)
    # dnsmasq's TFTP answers the start-up config file search at once (file not found).
    lab.start_dnsmasq(tftp_root=root, bootfile="h.bin")
    start_nginx(lab, root)
    wire = lab.start_lossywire(seed=seed, both=spec)
    m = boot(lab, tmp_path, builddir, wire, f"lossy-http-{seed}")
    report = []
    try:
        dhcp(m)
        for name in ("h.bin", "s.bin"):
            url = f"http://{LAB_ADDR}/{name}"
            out = m.cmd(f"sha256sum {url}", timeout=T_LOAD)
            assert "Error" not in out, out
            assert f"{hashlib.sha256(files[name]).hexdigest()}  {url}" in out, out
            rate = re.findall(r"(\d+(?:\.\d+)? [KM]iB/s)", out)
            report.append(f"{spec}: {name} {rate[-1] if rate else '?'}")
        # osprey's TCP saw the losses: segments kept beyond gaps or resent, and its own
        # counters hold at least the data segments a 2 MiB file takes.
        tcp = m.cmd("tcpopts --stats")
        report.append(tcp.strip().split("\n")[-1])
        got = re.search(r"since start: (\d+) segments in, (\d+) out, (\d+) retransmitted "
                        r"\((\d+) fast\), (\d+) kept out of order, (\d+) duplicates dropped", tcp)
        assert got, tcp
        seg_in, seg_out, _, _, ooo, dups = (int(x) for x in got.groups())
        assert seg_in >= HTTP_SIZE // 1460 and seg_out > 0, tcp
        assert ooo > 0, tcp                  # a lost segment leaves the next ones beyond a gap
        if "dup" in spec:
            assert dups > 0, tcp
        stats = wire.stats()
        report.append(str(stats))
    finally:
        print("\n".join(report))
    check_impaired(stats, ("lost", "dup", "reordered") if "dup" in spec else ("lost",))
