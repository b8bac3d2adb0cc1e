"""osprey's HTTP client (TCP, HTTP/1.1) against real servers in a network namespace: nginx
(keep-alive, a 40 MiB file, a Debian kernel and initrd booted over HTTP, 404, host names
resolved by dnsmasq's DNS), busybox httpd
(HTTP/1.0, connection closes), and a server that drops the connection halfway (resumed with
Range, or a clear message where ranges are refused); `chainloader`, `configfile` and `module`
given http:// URLs (a menu from nginx boots a Multiboot kernel whose module comes from the
dropping server). One QEMU boot per test.

Needs root (network namespaces, tap devices). Marker: servers.
"""

import gzip
import os
import re
import sys

import pytest

from conftest import T_LOAD, sha256_file, sha256sum
from mbkernels import build_mb1, read_report
from netns import LAB_ADDR, missing_tools
from nginxconf import nginx_conf
from test_servers import lab, ns_machine, ns_root  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.servers]

HERE = os.path.dirname(os.path.abspath(__file__))


def _tcp_listening(lab, port):
    def check():
        out = lab.sh(["ss", "-Hltn"], check=False).stdout
        return any(f":{port} " in line + " " for line in out.splitlines())
    return check


def start_nginx(lab, root):
    if missing_tools("nginx"):
        pytest.fail("missing: nginx (run scripts/install-deps)", pytrace=False)
    d = os.path.join(lab.logdir, "nginx")
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_conf(d, f"{LAB_ADDR}:80", root,
                           log_format="$connection $connection_requests $request",
                           server_extra=f"""\
        location /chunked/ {{ chunked_transfer_encoding on; gzip off; }}
        location = /moved {{ return 302 http://{LAB_ADDR}/hello.txt; }}"""))
    return lab.spawn("nginx", ["nginx", "-c", conf, "-p", d], ready=_tcp_listening(lab, 80))


def test_http_nginx_busybox_and_kernel(lab, ns_root, ns_machine, big_sha256):
    # dnsmasq's DNS answers for the lab domain: boot.lab (TTL 300) and a CNAME to it;
    # other .lab names do not exist (NXDOMAIN).
    dnsmasq = lab.start_dnsmasq(tftp_root=ns_root, dns=[
        f"--host-record=boot.lab,{LAB_ADDR}", "--cname=www.boot.lab,boot.lab", "--local=/lab/",
        "--local-ttl=300"])
    start_nginx(lab, ns_root)
    lab.spawn("busybox-httpd", ["busybox", "httpd", "-f", "-v", "-p", f"{LAB_ADDR}:8080", "-h",
                                ns_root], ready=_tcp_listening(lab, 8080))
    m = ns_machine(nic="e1000")
    url = f"http://{LAB_ADDR}"
    # A small file, from nginx and from busybox httpd (HTTP/1.0-style close).
    assert m.cmd(f"cat {url}/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    assert m.cmd(f"cat {url}:8080/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    # A redirect, then a 404 with the server's status line.
    assert m.cmd(f"cat {url}/moved", timeout=60).split("\n")[-1] == "hello from tftp"
    out = m.cmd(f"cat {url}/no-such-file", timeout=60)
    assert re.search(r"Error: .*HTTP/1\.1 404 Not Found", out), out
    # 40 MiB, byte-exact; then the (http) device (boot server, port 80).
    assert sha256sum(m, f"{url}/big.bin", timeout=T_LOAD) == big_sha256
    assert m.cmd("cat (http)/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    # Several requests shared one connection (keep-alive): nginx logs the connection serial
    # and the request's number on it.
    access = open(os.path.join(lab.logdir, "nginx", "access.log")).read()
    assert re.search(r"(?m)^\d+ [2-9]\d* GET ", access), access
    # Names through dnsmasq's DNS (the server DHCP handed out): ping, a URL, a CNAME chain,
    # a tftp:// URL, ifconfig --server; a name that does not exist is named in the error.
    out = m.cmd("ping --count=1 boot.lab", timeout=60)
    assert f"boot.lab is {LAB_ADDR}" in out and "1 of 1 replies" in out, out
    assert sha256sum(m, "http://boot.lab/hello.txt", timeout=60) == sha256_file(
        os.path.join(ns_root, "hello.txt"))
    assert m.cmd("cat http://www.boot.lab/hello.txt", timeout=60).split("\n")[-1] == \
        "hello from tftp"
    assert m.cmd("cat tftp://boot.lab/hello.txt", timeout=60).split("\n")[-1] == "hello from tftp"
    out = m.cmd("cat http://nope.lab/hello.txt", timeout=60)
    assert re.search(r"Error: .*host 'nope\.lab' not found \(DNS\)", out), out
    m.cmd("ifconfig --server=0.0.0.0")
    m.cmd("ifconfig --server=www.boot.lab")
    assert f"server   {LAB_ADDR}" in m.cmd("ifconfig")
    # The TTL cache: boot.lab was asked for once although it was used three times.
    log = dnsmasq.log()
    assert len(re.findall(r"query\[A\] boot\.lab from", log)) == 1, log
    assert len(re.findall(r"query\[A\] www\.boot\.lab from", log)) == 1, log
    # A Debian kernel and initrd over HTTP, booted.
    cmdline = m.boot_linux(nd_kernel=f"{url}/vmlinuz", nd_initrd=f"{url}/initrd.img")
    assert "osprey.test=ABC" in cmdline


def test_http_connection_dropped_halfway(lab, ns_root, ns_machine, fixtures_dir):
    from test_multiboot1 import DEBUG_EXIT, MEM_MIB, check_report
    lab.start_dnsmasq(tftp_root=ns_root)
    start_nginx(lab, ns_root)
    build_mb1(ns_root)
    url = f"http://{LAB_ADDR}"
    args = "root=/dev/x console=ttyS0"
    with open(os.path.join(ns_root, "mb.lst"), "w") as f:
        f.write(f"timeout 0\ndefault 0\ntitle Multiboot over HTTP\n  kernel {url}/mb1.elf {args}\n"
                f"  module {url}:8081/initrd.img from-the-dropping-server\n")
    script = os.path.join(HERE, "http_drop_server.py")
    hello = os.path.join(ns_root, "initrd.img")
    drop = lab.spawn("drop-ranges", [sys.executable, script, LAB_ADDR, "8081", hello],
              ready=_tcp_listening(lab, 8081))
    lab.spawn("drop-noranges", [sys.executable, script, LAB_ADDR, "8082", hello, "--no-ranges"],
              ready=_tcp_listening(lab, 8082))
    m = ns_machine(nic="e1000", mem=MEM_MIB, extra_args=DEBUG_EXIT)
    want = sha256_file(hello)
    # tcpopts: bad values refused and nothing changed; then a small window with an ACK for
    # every segment (the resumed load below runs with these settings).
    assert "tcpopts: window 512K ack-every auto" in m.cmd("tcpopts")
    assert "Error: --window=2K: a size from 4K to 1024K" in m.cmd("tcpopts --window=2K")
    assert "Error: --ack-every=65: a number from 0 (automatic) to 64" in \
        m.cmd("tcpopts --window=8K --ack-every=65")
    assert "tcpopts: window 512K ack-every auto" in m.cmd("tcpopts")
    assert "tcpopts: window 32K ack-every 1" in m.cmd("tcpopts --window=40000 --ack-every=1")
    assert sha256sum(m, f"http://{LAB_ADDR}:8081/initrd.img") == want
    out = m.cmd(f"sha256sum http://{LAB_ADDR}:8082/initrd.img", timeout=T_LOAD)
    assert re.search(r"Error: .*closed the connection after \d+ of \d+ bytes.*Range", out), out
    # chainloader takes a URL (loaded and recognised; not started).
    out = m.cmd(f"chainloader {url}/osprey.0", timeout=T_LOAD)
    assert "Error" not in out and re.search(r"PXE NBP, \d+ bytes", out), out
    # configfile takes a URL: its entry loads a Multiboot kernel from nginx and a module from
    # the server that drops the connection halfway (resumed with Range), and boots; the test
    # kernel reports the module's bytes and string.
    m.sendline(f"configfile {url}/mb.lst")
    m.expect("Starting Multiboot kernel", T_LOAD)
    rep = read_report(m)
    assert m.wait_exit() == 33                   # the kernel reached its end (isa-debug-exit)
    mm = re.search(r"Multiboot kernel \(ELF\), 1 segment at 0x100000-0x([0-9a-f]+)", m.transcript())
    assert mm, m.transcript()[-2000:]
    with open(hello, "rb") as f:
        check_report(rep, cmdline=f"{url}/mb1.elf {args}",
                     mods=[(gzip.decompress(f.read()),      # module unpacks the gzip'd initrd
                            f"{url}:8081/initrd.img from-the-dropping-server")],
                     kernel_range=(0x100000, int(mm.group(1), 16) + 1))
    # Both loads from the dropping server (sha256sum, module) were resumed with Range.
    assert len(re.findall(r"'Range: bytes=\d+-'", drop.log())) == 2, drop.log()
