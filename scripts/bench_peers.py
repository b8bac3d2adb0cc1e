"""HTTP peers benchmark (scripts/bench --peers): one file from nginx in the lab, loaded by
osprey, iPXE, lpxelinux.0, GRUB 2 and a Debian Linux guest (busybox wget) on each NIC.

Every rate is measured the same way, by the server: nginx logs each request of bench.bin with
its bytes sent and its request time (first byte of the request to the last byte of the answer
handed to a send buffer held to 256 KiB, so the buffer hides at most a few ms), and the rate is
bytes / time. A loader that has not finished after --cap seconds from power-on is stopped;
nginx then logs what it had sent, which is reported as a hang (or as no request at all).

What each machine does (the lab's dnsmasq gives the boot file by TFTP; nginx serves HTTP):
  osprey     osprey.0 by PXE, `sha256sum http://192.168.77.1/bench.bin` (digest checked)
  iPXE       QEMU's PXE ROM runs an iPXE script: `imgfetch http://${next-server}/bench.bin`
  lpxelinux  Debian's lpxelinux.0 with pxelinux.cfg/default: `KERNEL http://.../vmlinuz`,
             `INITRD http://.../bench.bin` (the initrd load is the one timed)
  grub2      GRUB 2's PXE image (grub-mknetdir, grub-pc-bin) with grub.cfg:
             `linux (http,192.168.77.1)/vmlinuz`, `initrd (http,192.168.77.1)/bench.bin`
  linux      the test fixture kernel (-kernel) with an initramfs made here from the cached
             linux-image .deb's NIC modules and busybox-static: `wget -O /dev/null URL`
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

SRC = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))

import conftest  # noqa: E402
from conftest import MachineError  # noqa: E402
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, populate_root  # noqa: E402
from nginxconf import nginx_conf  # noqa: E402

LOADERS = ("osprey", "ipxe", "lpxelinux", "grub2", "linux")
URL = f"http://{LAB_ADDR}/bench.bin"
LPXELINUX = "/usr/lib/PXELINUX/lpxelinux.0"
LDLINUX = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
GRUB_DIR = "/usr/lib/grub/i386-pc"
BUSYBOX = "/bin/busybox"
BOOTFILE = {"osprey": "osprey.0", "ipxe": "bench-http.ipxe", "lpxelinux": "lpxelinux.0",
            "grub2": "boot/grub/i386-pc/core.0", "linux": "none"}
IPXE_SCRIPT = "#!ipxe\nimgfetch http://${next-server}/bench.bin && echo OSPREY-BENCH-DONE\n"
PXELINUX_CFG = f"""SERIAL 0 115200
PROMPT 0
TIMEOUT 0
DEFAULT bench
LABEL bench
  KERNEL http://{LAB_ADDR}/vmlinuz
  INITRD http://{LAB_ADDR}/bench.bin
  APPEND console=ttyS0 panic=-1
"""
GRUB_CFG = f"""serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
insmod http
linux (http,{LAB_ADDR})/vmlinuz console=ttyS0 panic=-1
initrd (http,{LAB_ADDR})/bench.bin
boot
"""
# NIC modules of the Debian kernel, in load order (dependencies first); the hardware picks.
# QEMU's rtl8139 is a C+ chip (revision 0x20): 8139too leaves it to 8139cp.
MODULES = ("net/core/failover", "drivers/net/net_failover", "drivers/virtio/virtio_ring",
           "drivers/virtio/virtio", "drivers/virtio/virtio_pci_legacy_dev",
           "drivers/virtio/virtio_pci_modern_dev", "drivers/virtio/virtio_pci",
           "drivers/net/virtio_net", "drivers/net/mii",
           "drivers/net/ethernet/realtek/8139cp", "drivers/net/ethernet/realtek/8139too",
           "drivers/net/ethernet/intel/e1000/e1000",
           "drivers/net/ethernet/intel/e100", "drivers/net/ethernet/amd/pcnet32",
           "drivers/net/ethernet/8390/8390", "drivers/net/ethernet/8390/ne2k-pci")
LINUX_INIT = f"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in {' '.join(os.path.basename(m) for m in MODULES)}; do insmod /lib/$m.ko || echo "insmod $m failed"; done
ls /sys/class/net
ip link set eth0 up
ip addr add {LAB_ADDR[:-1]}50/24 dev eth0
sleep 1
echo OSPREY-LINUX-START
wget -q -O /dev/null {URL} && echo OSPREY-LINUX-DONE
poweroff -f
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def linux_initramfs(work, cache):
    """An initramfs (gzip'd newc cpio) with busybox-static, the NIC modules from the cached
    linux-image .deb matching the fixture kernel, and an init that fetches bench.bin."""
    version = open(os.path.join(cache, "vmlinuz.version")).read().strip().replace("vmlinuz-", "")
    debs = [f for f in os.listdir(cache) if f.startswith(f"linux-image-{version}_")
            and f.endswith(".deb")]
    if not debs:
        raise RuntimeError(f"no linux-image-{version} .deb in {cache} (tests/fixtures/make-fixtures)")
    top = os.path.join(work, "initramfs")
    for d in ("bin", "lib", "proc", "sys", "dev"):
        os.makedirs(os.path.join(top, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(top, "bin", "busybox"))
    members = [f"./lib/modules/{version}/kernel/{m}.ko" for m in MODULES]
    ext = os.path.join(work, "deb")
    os.makedirs(ext, exist_ok=True)
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", os.path.join(cache, debs[0])],
                            stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", ext, *members], stdin=fsys.stdout, check=True)
    fsys.wait()
    for m in members:
        shutil.copy(os.path.join(ext, m), os.path.join(top, "lib"))
    with open(os.path.join(top, "init"), "w") as f:
        f.write(LINUX_INIT)
    os.chmod(os.path.join(top, "init"), 0o755)
    out = os.path.join(work, "linux-bench.img")
    subprocess.run(f"find . | cpio -o -H newc --quiet | gzip -1 > {out}", shell=True, cwd=top,
                   check=True)
    return out


def make_root(work, builddir, cache, data, loaders):
    root = os.path.join(work, "www")
    files = {"osprey.0": os.path.join(builddir, "stage2", "osprey.0"), "bench.bin": data,
             "vmlinuz": os.path.join(cache, "vmlinuz"),
             "bench-http.ipxe": IPXE_SCRIPT.encode()}
    if "lpxelinux" in loaders:
        files.update({"lpxelinux.0": LPXELINUX, "ldlinux.c32": LDLINUX,
                      "pxelinux.cfg/default": PXELINUX_CFG.encode()})
        os.makedirs(os.path.join(root, "pxelinux.cfg"), exist_ok=True)
    populate_root(root, files)
    if "grub2" in loaders:
        subprocess.run(["grub-mknetdir", f"--net-directory={root}", "--subdir=boot/grub",
                        "-d", GRUB_DIR], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(GRUB_CFG)
    return root


def bench_lines(path):
    """(bytes, seconds, status) of each logged request for bench.bin."""
    try:
        text = open(path).read()
    except OSError:
        return []
    return [(int(b), float(t), s) for s, b, t in
            re.findall(r"(?m)^GET /bench\.bin HTTP/1\.[01] (\d+) (\d+) ([\d.]+)$", text)]


def run_one(lab, logdir, loader, nic, size, digest, cap, initramfs, cache):
    """Power on one machine and wait for nginx to log bench.bin complete (or cap seconds).
    Returns (MiB/s or None, note)."""
    access = os.path.join(logdir, "nginx", "access.log")
    kw = {"mem": 512, "extra_args": ["-machine", "graphics=off"]}
    if loader == "linux":
        kw.update(kernel=os.path.join(cache, "vmlinuz"), initrd=initramfs,
                  append="console=ttyS0 panic=-1 quiet")
    m = NetnsMachine(f"{loader}-{nic}", logdir, lab=lab, nic=nic, **kw)
    t0 = time.monotonic()
    note = ""
    try:
        m.start()
        if loader == "osprey":
            try:
                m.boot_to_prompt()
                out = m.cmd(f"sha256sum {URL}", timeout=cap / conftest.TIMEOUT_SCALE)
                if digest not in out:
                    note = "osprey: digest wrong or error: " + out.strip().split("\n")[-1][:60]
            except MachineError as e:
                note = "osprey: " + str(e).split("\n")[0][:60]
        while time.monotonic() - t0 < cap:
            if sum(b for b, _, _ in bench_lines(access)) >= size:
                break
            try:                    # keep reading the console (a full pty would stall QEMU)
                m.child.read_nonblocking(65536, timeout=0.5)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                time.sleep(0.5)
    finally:
        m.close()
    time.sleep(1)                   # nginx logs the request the machine's end cut short
    lines = bench_lines(access)
    sent = sum(b for b, _, _ in lines)
    secs = sum(t for _, t, _ in lines)
    if not lines:
        return None, f"hang: no request for bench.bin in {cap:.0f}s"
    if sent < size:
        return None, f"hang: {sent / (1 << 20):.1f} MiB in {cap:.0f}s"
    if len(lines) > 1:
        note = (note + "; " if note else "") + f"{len(lines)} requests"
    return (sent / (1 << 20)) / secs if secs else None, note


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="scripts/bench --peers", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--builddir", default=os.environ.get("OSPREY_BUILDDIR") or
                    os.path.join(SRC, "build"))
    ap.add_argument("--size", type=int, default=64, help="file size in MiB (default 64)")
    ap.add_argument("--drivers", default="e1000,rtl8139")
    ap.add_argument("--loaders", default=",".join(LOADERS))
    ap.add_argument("--cap", type=float, default=240,
                    help="seconds from power-on before a loader counts as hung (default 240)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = ap.parse_args(argv)
    drivers = [d for d in args.drivers.split(",") if d]
    loaders = [x for x in args.loaders.split(",") if x]
    for x in loaders:
        if x not in LOADERS:
            ap.error(f"unknown loader {x} (known: {', '.join(LOADERS)})")
    if os.geteuid() != 0:
        ap.error("needs root (network namespace)")
    missing = missing_tools("ip", "dnsmasq", "nginx", "grub-mknetdir", "cpio", "dpkg-deb")
    if missing:
        ap.error(f"missing {', '.join(missing)}: run scripts/install-deps")
    cache = os.environ.get("OSPREY_CACHE", "/var/cache/osprey-test")
    work = tempfile.mkdtemp(prefix="osprey-peers-")
    log(f"bench --peers: work directory {work}")
    data = os.urandom(args.size << 20)
    digest = hashlib.sha256(data).hexdigest()
    root = make_root(work, args.builddir, cache, data, loaders)
    initramfs = linux_initramfs(work, cache) if "linux" in loaders else None
    size = len(data)
    del data
    from test_drivers import NIC_MODELS
    results = {}
    t_start = time.monotonic()
    try:
        for nic in drivers:
            model = NIC_MODELS.get(nic, (nic,))[0]
            for loader in loaders:
                logdir = os.path.join(work, "logs", f"{loader}-{nic}")
                os.makedirs(os.path.join(logdir, "nginx"), exist_ok=True)
                with Lab(logdir) as lab:
                    lab.start_dnsmasq(tftp_root=root, bootfile=BOOTFILE[loader])
                    d = os.path.join(logdir, "nginx")
                    conf = os.path.join(d, "nginx.conf")
                    with open(conf, "w") as f:
                        f.write(nginx_conf(d, f"{LAB_ADDR}:80 sndbuf=256k", root,
                                           log_format="$request $status $body_bytes_sent $request_time"))
                    lab.spawn("nginx", ["nginx", "-e", os.path.join(d, "error.log"), "-c", conf,
                                        "-p", d], ready=lambda: os.path.exists(
                                            os.path.join(d, "nginx.pid")))
                    log(f"bench --peers: {loader:9} {nic:16} ...")
                    t0 = time.monotonic()
                    rate, note = run_one(lab, logdir, loader, model, size, digest, args.cap,
                                         initramfs, cache)
                    results[(nic, loader)] = (rate, note)
                    log(f"bench --peers: {loader:9} {nic:16} {time.monotonic() - t0:.0f}s "
                        f"{rate and f'{rate:.2f} MiB/s' or '-'} {note}")
    except KeyboardInterrupt:
        log("bench --peers: interrupted; partial results")
    print()
    print(f"HTTP from nginx, {args.size} MiB file, QEMU TCG, {time.monotonic() - t_start:.0f}s "
          f"total; MiB/s = bytes / nginx's request time; cap {args.cap:.0f}s from power-on")
    hdr = f"{'driver':16} " + " ".join(f"{x:>10}" for x in loaders) + "  osprey/best peer"
    print(hdr)
    print("-" * len(hdr))
    notes = []
    for nic in drivers:
        row = []
        for x in loaders:
            rate, note = results.get((nic, x), (None, "not run"))
            row.append(f"{rate:10.2f}" if rate else f"{'hang' if note.startswith('hang') else '-':>10}")
            if note:
                notes.append(f"{nic} {x}: {note}")
        own = results.get((nic, "osprey"), (None, ""))[0]
        peers = [results.get((nic, x), (None, ""))[0] for x in loaders if x not in ("osprey", "linux")]
        peers = [p for p in peers if p]
        ratio = f"{own / max(peers):.2f}" if own and peers else "-"
        print(f"{nic:16} " + " ".join(row) + f"  {ratio:>16}")
    for n in notes:
        print(f"  {n}")
    if args.keep:
        print(f"logs: {work}/logs")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0
