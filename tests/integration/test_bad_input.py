"""Bad-input matrix rows on one boot: osprey.lkrn (e1000, native stack) against dnsmasq
(DHCP) and atftpd (files) in a network namespace, and a TFTP server that stops mid-file (a
few lines of Python below). After each bad row: exactly one "Error: " line naming what went wrong, the prompt back, and a good
load byte-exact over the same NIC.

The same rows over the PXE ROM's stack (test_bad_rows_over_the_pxe_stack: osprey.0 on e1000
with QEMU user networking, no root): through the ROM's UNDI driver, then osprey's TFTP over the
ROM's UDP API, and PXELINUX chained at the end over the stack they used.

The lab test needs root (network namespaces, tap devices). Marker: servers.
"""

import hashlib
import os
import re
import sys
import time

import pytest

from conftest import T_LOAD, add_pxelinux, esc_cancels
from test_chain import chain, lkrn_round_trip
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, populate_root

pytestmark = [pytest.mark.servers]

STOP_ADDR = LAB_ADDR[:-2] + ".2"   # a second address on the lab bridge, port 69
SILENT_ADDR = LAB_ADDR[:-2] + ".3"  # a third address: nothing listens on its port 69
HUGE_MIB = 512                # a file larger than the guest's RAM
STOP_AFTER = 20               # blocks the stopping server sends before going silent

# A lock-step RFC 1350 server (no options: 512-byte blocks) that sends STOP_AFTER blocks of
# any file it is asked for, then goes silent for good (the socket stays open).
STOPPING_SERVER = r'''
import socket, struct, sys, threading
addr, stop_after = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 69))
print("listening", flush=True)

def serve(peer):
    t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t.bind((addr, 0))
    t.settimeout(1.0)
    for block in range(1, stop_after + 1):
        pkt = struct.pack("!HH", 3, block) + bytes([block & 0xff]) * 512
        for _ in range(5):
            t.sendto(pkt, peer)
            try:
                ack, _ = t.recvfrom(100)
            except socket.timeout:
                continue
            if len(ack) >= 4 and struct.unpack("!HH", ack[:4]) == (4, block):
                break
    print("stopped after block", stop_after, "for", peer, flush=True)
    threading.Event().wait()           # silent, port kept

while True:
    req, peer = s.recvfrom(600)
    if req[:2] == b"\x00\x01":
        print("RRQ", req[2:].split(b"\0")[0], "from", peer, flush=True)
        threading.Thread(target=serve, args=(peer,), daemon=True).start()
'''


@pytest.fixture
def lab(request, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq", "atftpd")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    with Lab(tmp_path / "logs") as lab:
        yield lab


def one_error(m, command, pattern, timeout=60):
    """command fails with one "Error: " line matching pattern; the prompt comes back."""
    out = m.cmd(command, timeout=timeout)
    errors = [ln for ln in out.split("\n") if ln.startswith("Error: ")]
    assert len(errors) == 1, f"{command!r}: expected one 'Error: ' line, got:\n{out}"
    assert re.search(pattern, errors[0]), f"{command!r}: {errors[0]!r} !~ /{pattern}/"
    assert m.cmd("echo ok") == "ok"
    return errors[0]


def good_load(m, digest):
    out = m.cmd("sha256sum (nd)/good.bin", timeout=T_LOAD)
    assert "Error" not in out, out
    assert f"{digest}  (nd)/good.bin" in out, out


def test_bad_rows_in_a_row(lab, tmp_path, builddir, fixtures_dir):
    with open(os.path.join(fixtures_dir, "vmlinuz"), "rb") as f:
        kernel = f.read()
    with open(os.path.join(fixtures_dir, "big.bin"), "rb") as f:
        good = f.read(256 << 10)
    files = {"good.bin": good, "empty": b"", "trunc": kernel[:1 << 20], "vmlinuz": kernel}
    root = populate_root(str(tmp_path / "tftp"), files)
    # Larger than the guest's RAM (256 MiB): a sparse file, its size all the server announces.
    with open(os.path.join(root, "huge"), "wb") as f:
        f.truncate(HUGE_MIB << 20)
    digest = hashlib.sha256(good).hexdigest()
    # DHCP from dnsmasq, files from atftpd on the lab address only: the stopping server
    # takes port 69 on the second address.
    lab.start_dnsmasq(tftp_root=None, bootfile="good.bin", name="dnsmasq-dhcp")
    lab.start_atftpd(root, addr=LAB_ADDR, verbose=5)
    lab.ip("addr", "add", f"{STOP_ADDR}/24", "dev", lab.bridge)
    script = tmp_path / "stopping_server.py"
    script.write_text(STOPPING_SERVER)
    stopper = lab.spawn("stopper", ["/usr/bin/python3", str(script), STOP_ADDR, str(STOP_AFTER)],
                        ready=lab._udp_listening(69, STOP_ADDR))

    m = NetnsMachine("bad-input", tmp_path / "logs", lab=lab, nic="e1000",
                     kernel=os.path.join(builddir, "stage2", "osprey.lkrn"))
    m.start()
    t0 = time.monotonic()
    m.boot_to_prompt()
    out = m.cmd("dhcp", timeout=120)
    assert "Error" not in out and f"server   {LAB_ADDR}" in out, out
    good_load(m, digest)

    # A missing file: the server's own words.
    one_error(m, "cat (nd)/missing", r"^Error: \(nd\)/missing: file not found \(.+\)$")
    good_load(m, digest)

    # A server that stops mid-file: osprey asks for the file again once (a request that got
    # further than any before is worth another), then the timeout names the server, the
    # block, the tries and the requests.
    t = time.monotonic()
    out = m.cmd(f"sha256sum tftp://{STOP_ADDR}/stop.bin", timeout=90)
    stopped_in = time.monotonic() - t
    errors = [ln for ln in out.split("\n") if ln.startswith("Error: ")]
    assert len(errors) == 1 and re.search(
        rf"timed out \(TFTP server {re.escape(STOP_ADDR)} stopped sending after block "
        rf"{STOP_AFTER}: 12 tries over \d+\.\d s; 2 requests in all\)$", errors[0]), out
    err = errors[0]
    assert (f"TFTP server {STOP_ADDR} stopped sending after block {STOP_AFTER}; asking for "
            "stop.bin again") in out, out
    assert stopper.log().count("RRQ b'stop.bin'") == 2, stopper.log()
    assert stopper.log().count("stopped after block") == 2, stopper.log()
    good_load(m, digest)

    # A server that never answers the request (the host is there, nothing on port 69):
    # ESC cuts the wait short long before its timeout; the next load works.
    lab.ip("addr", "add", f"{SILENT_ADDR}/24", "dev", lab.bridge)
    esc_cancels(m, f"cat tftp://{SILENT_ADDR}/never", after=3)
    good_load(m, digest)

    # A file larger than RAM: refused from the announced size, before any data moves.
    t = time.monotonic()
    one_error(m, "kernel (nd)/huge console=ttyS0",
              rf"^Error: \(nd\)/huge: too large \(huge is {HUGE_MIB}[^;]*MiB; [^)]* free\)$")
    assert time.monotonic() - t < 10
    good_load(m, digest)

    # A truncated kernel (the first MiB of a real one) and an empty file as kernel.
    one_error(m, "kernel (nd)/trunc console=ttyS0",
              r"truncated kernel: its header says \d+ KiB after the setup, the file has \d+ KiB")
    good_load(m, digest)
    one_error(m, "kernel (nd)/empty", r"^Error: \(nd\)/empty: not a bootable image")
    good_load(m, digest)

    # And a real kernel still loads after all of it.
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=T_LOAD)
    assert "Error" not in out and "Linux kernel, boot protocol" in out, out
    print(f"\nbad rows: {time.monotonic() - t0:.1f} s after boot started "
          f"(stopping server: {stopped_in:.1f} s); {err}")


def pxe_active(m):
    out = m.cmd("pxe status")
    assert re.search(r"(?m)^state\s+active", out), out
    return out


def stack_rows(m, digest, missing_re):
    """The rows both PXE-stack paths take (a missing file, a truncated, an empty and a too-large
    kernel, a load cut short with ESC), each followed by a good load; missing_re is the missing
    file's Error line."""
    good_load(m, digest)
    one_error(m, "cat (nd)/missing", missing_re)
    good_load(m, digest)
    one_error(m, "kernel (nd)/trunc console=ttyS0", r"truncated kernel: its header says")
    good_load(m, digest)
    one_error(m, "kernel (nd)/empty", r"^Error: \(nd\)/empty: not a bootable image")
    good_load(m, digest)
    one_error(m, "kernel (nd)/huge", rf"^Error: \(nd\)/huge: too large \(huge is {HUGE_MIB}")
    good_load(m, digest)
    esc_cancels(m, "sha256sum (nd)/big.bin")
    good_load(m, digest)


@pytest.mark.pxelinux
def test_bad_rows_over_the_pxe_stack(osprey, tftp_root, fixtures_dir):
    """The same rows with the PXE ROM's stack carrying them (osprey.0 PXE-booted on e1000, QEMU
    user networking): first osprey's stack over the ROM's UNDI driver (`--driver=undi`), then
    osprey's TFTP over the ROM's UDP API (`--driver=pxe`). After each bad row the prompt is back
    and a good load is byte-exact through the same path; at the end the stack is still active and
    PXELINUX, chained with the stack kept, loads its files and osprey.lkrn over it."""
    with open(os.path.join(fixtures_dir, "vmlinuz"), "rb") as f:
        kernel = f.read()
    with open(os.path.join(fixtures_dir, "big.bin"), "rb") as f:
        good = f.read(128 << 10)
    (tftp_root / "good.bin").write_bytes(good)
    (tftp_root / "empty").write_bytes(b"")
    (tftp_root / "trunc").write_bytes(kernel[:256 << 10])
    with open(tftp_root / "huge", "wb") as f:
        f.truncate(HUGE_MIB << 20)
    add_pxelinux(tftp_root, kernel="osprey.lkrn", append="keeppxe")
    digest = hashlib.sha256(good).hexdigest()

    t0 = time.monotonic()
    m = osprey(nic="e1000", name="bad-input-pxe")
    out = m.cmd("ifconfig --driver=undi")
    assert "NIC: undi (PXE UNDI) at PCI 00:03.0" in out and "Error" not in out, out
    stack_rows(m, digest, r"^Error: \(nd\)/missing: file not found \(.+\)$")
    # A server that never answers the request: QEMU's user network answers ARP for its DNS
    # address 10.0.2.3 but has no TFTP server there (port 69 goes on to the host's resolver).
    esc_cancels(m, "cat tftp://10.0.2.3/never", after=3)
    good_load(m, digest)
    pxe_active(m)
    t_undi = time.monotonic() - t0

    out = m.cmd("ifconfig --driver=pxe")
    assert out == "NIC: none; files go through the PXE ROM's UDP API", out
    # osprey's TFTP over the ROM's UDP API: the server's own words come through, and ESC ends
    # a wait for a silent server at once (the ROM's TFTP API would block for its own timeout).
    stack_rows(m, digest, r"^Error: \(nd\)/missing: file not found \(.+\)$")
    esc_cancels(m, "cat tftp://10.0.2.3/never", after=3)
    good_load(m, digest)
    pxe_active(m)
    t_pxe = time.monotonic() - t0

    # The stack after all of it: PXELINUX (stack kept) loads ldlinux.c32, its config and
    # osprey.lkrn through the ROM's API; osprey.lkrn comes up and loads a file.
    chain(m, "(nd)/pxelinux.0")
    m.expect(r"PXELINUX", 60)
    lkrn_round_trip(m)
    print(f"\nbad rows over the PXE stack: {time.monotonic() - t0:.1f} s after boot started "
          f"(undi rows done at {t_undi:.1f} s, UDP API rows at {t_pxe:.1f} s)")
