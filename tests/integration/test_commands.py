"""Commands beyond the basics: pause, root, tftpserver, static ifconfig, help errors, and the
loader-side options on a kernel command line (mem= keeps the initrd low, a bad vga= is refused).
File names: tftp:// and http:// (python's http.server on the host through QEMU's user network)."""

import hashlib
import os
import re
import socket
import subprocess
import sys
import time

import pytest

from conftest import T_LOAD, sha256_file, sha256sum, wait_local_port
from test_errors import check_error


def test_pause_waits_for_a_key(osprey):
    m = osprey()
    m.sendline("pause waiting here")
    m.expect(r"waiting here", 30)
    m.expect(r"Press any key", 30)
    # No prompt may come back before a key is pressed.
    idx = m.child.expect([r"osprey> ", __import__("pexpect").TIMEOUT], timeout=3)
    assert idx == 1, "pause returned without a key"
    m.send("x")
    m.wait_prompt(30)
    assert m.cmd("echo after pause") == "after pause"


def test_root_and_tftpserver(osprey):
    m = osprey()
    assert m.cmd("root") == "root (nd)"
    assert m.cmd("root (nd)") == ""
    check_error(m, "root (hd9)", r"hd9|device")
    check_error(m, "tftpserver 300.1.2.3", r"usage|invalid")
    assert m.cmd("tftpserver 10.0.2.2") == ""
    assert "hello from tftp" in m.cmd("cat /hello.txt", timeout=60)


@pytest.fixture
def host_http(tftp_root):
    """python3 -m http.server serving tftp_root on 127.0.0.1; the guest reaches it through
    QEMU's user network (slirp) as 10.0.2.2:port. Yields the port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                            "-d", str(tftp_root), str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_local_port(port, srv, "http.server")
        yield port
    finally:
        srv.kill()
        srv.wait()


def test_file_names_sources_and_image_types(osprey, fixtures_dir, tftp_root, host_http):
    """One boot: every name form reaches the right source (or a clear refusal), and
    `kernel` probes image types, or insists on one with --type. HTTP over QEMU's user
    network moves 4 MiB byte-exact in well under 10 s (a window update osprey once held back
    left slirp's sender in its 5 s persist timer: 40 KiB/s)."""
    data = os.urandom(4 << 20)
    (tftp_root / "rand4m.bin").write_bytes(data)
    m = osprey()
    url = f"http://10.0.2.2:{host_http}/rand4m.bin"
    t0 = time.monotonic()
    assert sha256sum(m, url, timeout=60) == hashlib.sha256(data).hexdigest()
    took = time.monotonic() - t0
    assert took < 10, f"4 MiB over slirp HTTP took {took:.1f} s"
    hello = m.cmd("cat tftp://10.0.2.2/hello.txt", timeout=60)
    assert hello.split("\n")[-1] == "hello from tftp", hello
    assert sha256sum(m, "tftp://10.0.2.2/hello.txt") == sha256_file(f"{fixtures_dir}/hello.txt")
    check_error(m, "cat (hd0,0)/x", r"no such device")
    check_error(m, "cat http://10.0.2.2/x", r"connection refused")   # nothing on the host at :80
    check_error(m, "cat tftp://boot.example/x", r"boot.example. not found \(DNS\)")
    check_error(m, "cat (nd)", r"invalid")
    check_error(m, "cat tftp://10.0.2.2:70000/x", r"range")
    check_error(m, "kernel --type=elf (nd)/vmlinuz", r"unknown image type.*linux")
    check_error(m, "kernel --type=linux (nd)/hello.txt", r"not a bootable image")
    out = m.cmd("kernel --type=linux tftp://10.0.2.2/vmlinuz quiet", timeout=T_LOAD)
    assert "Error" not in out and "Linux kernel, boot protocol" in out, out
    out = m.cmd("initrd /initrd.img", timeout=T_LOAD)
    assert re.search(r"initrd: \d+ KiB at 0x", out) and "Error" not in out, out
    check_error(m, "kernel (nd)/notakernel.bin", r"not a bootable image \(this build recognises: [^)]*linux")
    check_error(m, "initrd /initrd.img", r"no kernel")     # the failed load dropped the kernel


def test_ifconfig_static_fields(osprey):
    m = osprey()
    assert m.cmd("ifconfig --address=10.0.2.99/24 --gateway=10.0.2.1 --server=10.0.2.2") == ""
    out = m.cmd("ifconfig")
    assert re.search(r"(?m)^source\s+static$", out), out
    assert re.search(r"(?m)^address\s+10\.0\.2\.99$", out), out
    assert re.search(r"(?m)^netmask\s+255\.255\.255\.0$", out), out
    assert re.search(r"(?m)^gateway\s+10\.0\.2\.1$", out), out
    check_error(m, "ifconfig --address=10.0.2", r"invalid")
    check_error(m, "ifconfig --bogus=1", r"unknown option")
    check_error(m, "help nosuchcommand", r"nosuchcommand")


def test_mem_limits_initrd_placement(osprey):
    m = osprey(mem=256)
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 mem=64M", timeout=T_LOAD)
    assert "Error" not in out, out
    out = m.cmd("initrd (nd)/initrd.img", timeout=T_LOAD)
    match = re.search(r"initrd: (\d+) KiB at 0x([0-9a-f]+)", out)
    assert match, out
    kib, addr = int(match.group(1)), int(match.group(2), 16)
    assert addr + kib * 1024 <= 64 << 20, f"initrd at {addr:#x} ends above mem=64M"
    assert addr >= 1 << 20


def test_initrd_without_mem_goes_high(osprey):
    m = osprey(mem=256)
    assert "Error" not in m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=T_LOAD)
    out = m.cmd("initrd (nd)/initrd.img", timeout=T_LOAD)
    match = re.search(r"initrd: (\d+) KiB at 0x([0-9a-f]+)", out)
    assert match, out
    assert int(match.group(2), 16) > 128 << 20, "initrd should be placed as high as it fits"


def test_bad_vga_value_refused(osprey):
    m = osprey()
    check_error(m, "kernel (nd)/vmlinuz console=ttyS0 vga=bogus", r"vga=", timeout=T_LOAD)
    check_error(m, "initrd (nd)/initrd.img", r"no kernel")
