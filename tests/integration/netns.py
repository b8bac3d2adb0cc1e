"""A network-namespace lab with real DHCP/TFTP servers for osprey's tests.

    with Lab(logdir) as lab:                     # as root
        lab.start_dnsmasq(tftp_root=root, bootfile="osprey.0")
        m = NetnsMachine("m0", logdir, lab=lab, nic="rtl8139").start()
        m.boot_to_prompt()

Topology (every address lives inside namespaces that the lab creates and
deletes; nothing on the host is touched):

    QEMU --tap0--+
                 br0 192.168.77.1/24     lab namespace  osp-<pid>-<n>
                 |                          (ip_forward=1)
                 veth 192.168.78.1/24  ---  veth 192.168.78.2/24   remote namespace
                                                                   osp-<pid>-<n>r
                                                                   (created by add_remote())

Servers run inside a namespace through `ip netns exec`, each logging to a
file in the lab's log directory; on exit (also after a failure) every process
the lab started and every process left in its namespaces is killed, and the
namespaces are deleted.
"""

import itertools
import os
import re
import shutil
import signal
import subprocess
import time

from conftest import Machine, parse_ifconfig, sock_path  # noqa: F401 (re-exported for the tests)

LAB_NET = "192.168.77"
LAB_ADDR = f"{LAB_NET}.1"
REMOTE_NET = "192.168.78"
ROUTER_REMOTE_ADDR = f"{REMOTE_NET}.1"
REMOTE_ADDR = f"{REMOTE_NET}.2"
DHCP_RANGE = (f"{LAB_NET}.100", f"{LAB_NET}.199")

# tftpd-hpa conflicts with atftpd in Debian; scripts/install-deps unpacks its
# in.tftpd here when the package itself is not installed.
TFTPD_HPA_CANDIDATES = ("/opt/osprey-test/tftpd-hpa/usr/sbin/in.tftpd", "/usr/sbin/in.tftpd")

_counter = itertools.count()
LOSSYWIRE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lossywire.py")


class LabError(RuntimeError):
    pass


def run(argv, check=True, **kw):
    """Run a command; on failure raise LabError with its output."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if check and p.returncode != 0:
        raise LabError(f"{' '.join(argv)}: exit {p.returncode}\n{p.stdout}")
    return p


def find_tftpd_hpa():
    for path in TFTPD_HPA_CANDIDATES:
        if os.access(path, os.X_OK):
            p = subprocess.run([path, "-V"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            if "tftp-hpa" in p.stdout:
                return path
    return None


def missing_tools(*names):
    """Names from ("ip", "dnsmasq", "atftpd", "tftpd-hpa", "dhcpd", "tcpdump") not available."""
    out = []
    for n in names:
        if n == "tftpd-hpa":
            ok = find_tftpd_hpa() is not None
        else:
            ok = shutil.which(n) or os.access(f"/usr/sbin/{n}", os.X_OK)
        if not ok:
            out.append(n)
    return out


def populate_root(root, files):
    """Put files (dest name -> source path, or -> bytes) into a TFTP root.
    Sources are hard-linked where possible (a chroot'ed server cannot follow
    a symlink out of its root), else copied."""
    os.makedirs(root, exist_ok=True)
    for name, src in files.items():
        dst = os.path.join(root, name)
        if os.path.lexists(dst):
            os.unlink(dst)
        if isinstance(src, (bytes, bytearray)):
            with open(dst, "wb") as f:
                f.write(src)
            continue
        src = os.path.realpath(src)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy(src, dst)
    return root


class Server:
    """One server process started by the lab."""

    def __init__(self, name, argv, ns, log_path, proc):
        self.name = name
        self.argv = argv
        self.ns = ns
        self.log_path = log_path
        self.proc = proc

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass


class Wire:
    """A running lossywire: its server entry, tap, sockets and summary counters."""

    def __init__(self, srv, tap, sock, peer, seed):
        self.srv, self.tap, self.sock, self.peer, self.seed = srv, tap, sock, peer, seed

    def netdev(self, netid):
        return (f"dgram,id={netid},local.type=unix,local.path={self.peer},"
                f"remote.type=unix,remote.path={self.sock}")

    def arm(self):
        """Start the impairments of a wire started with hold=True."""
        self.srv.proc.send_signal(signal.SIGUSR1)

    def stats(self):
        """Stop the wire and return {"up": {...}, "down": {...}} from its final summary."""
        self.srv.stop()
        out = {}
        for m in re.finditer(r"(?m)^lossywire: (up|down) (.*)$", self.srv.log()):
            out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
        return out


class Lab:
    """A namespace with a bridge (192.168.77.1/24), taps for QEMU and servers."""

    def __init__(self, logdir, name=None):
        if os.geteuid() != 0:
            raise LabError("the namespace lab needs root")
        self.logdir = str(logdir)
        self.ns = name or f"osp-{os.getpid()}-{next(_counter)}"
        self.remote_ns = None
        self.bridge = "br0"
        self.addr = LAB_ADDR
        self.servers = []
        self.taps = []
        self._created = []

    # ------------------------------------------------------------ setup
    def ip(self, *args, ns=None, check=True):
        return run(["ip", "-n", ns or self.ns, *args], check=check)

    def exec_argv(self, argv, ns=None):
        return ["ip", "netns", "exec", ns or self.ns, *argv]

    def sh(self, argv, ns=None, check=True, **kw):
        return run(self.exec_argv(argv, ns), check=check, **kw)

    def __enter__(self):
        try:
            self.setup()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @staticmethod
    def remove_stale():
        """Delete lab namespaces (osp-PID-N[r]) left by a test run that was
        killed: PID no longer exists and nothing runs inside."""
        out = run(["ip", "netns", "list"], check=False).stdout
        for line in out.splitlines():
            m = re.match(r"(osp-(\d+)-\d+r?)\b", line)
            if not m or os.path.exists(f"/proc/{m.group(2)}"):
                continue
            pids = run(["ip", "netns", "pids", m.group(1)], check=False).stdout.split()
            if not pids:
                run(["ip", "netns", "del", m.group(1)], check=False)

    def setup(self):
        os.makedirs(self.logdir, exist_ok=True)
        self.remove_stale()
        run(["ip", "netns", "add", self.ns])
        self._created.append(self.ns)
        self.ip("link", "set", "lo", "up")
        self.ip("link", "add", self.bridge, "type", "bridge", "forward_delay", "0", "stp_state", "0")
        self.ip("addr", "add", f"{LAB_ADDR}/24", "dev", self.bridge)
        self.ip("link", "set", self.bridge, "up")
        self.sh(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        self.add_tap()

    def add_tap(self):
        """A new tap device on the bridge (tap0 is made by setup)."""
        tap = f"tap{len(self.taps)}"
        self.ip("tuntap", "add", "dev", tap, "mode", "tap")
        self.ip("link", "set", tap, "master", self.bridge)
        self.ip("link", "set", tap, "up")
        self.taps.append(tap)
        return tap

    @property
    def tap(self):
        return self.taps[0]

    def add_remote(self):
        """A second namespace on 192.168.78.0/24, reached through the lab
        namespace as router (192.168.77.1 <-> 192.168.78.1). Returns its name;
        start servers in it with ns=lab.remote_ns, bound to REMOTE_ADDR."""
        if self.remote_ns:
            return self.remote_ns
        rns = self.ns + "r"
        run(["ip", "netns", "add", rns])
        self._created.append(rns)
        self.remote_ns = rns
        self.ip("link", "set", "lo", "up", ns=rns)
        self.ip("link", "add", "vr0", "type", "veth", "peer", "name", "vr1")
        self.ip("link", "set", "vr1", "netns", rns)
        self.ip("addr", "add", f"{ROUTER_REMOTE_ADDR}/24", "dev", "vr0")
        self.ip("link", "set", "vr0", "up")
        self.ip("addr", "add", f"{REMOTE_ADDR}/24", "dev", "vr1", ns=rns)
        self.ip("link", "set", "vr1", "up", ns=rns)
        self.ip("route", "add", "default", "via", ROUTER_REMOTE_ADDR, ns=rns)
        return rns

    # ------------------------------------------------------------ servers
    def spawn(self, name, argv, ns=None, ready=None, timeout=10):
        """Start argv inside a namespace with stdout+stderr to <logdir>/<name>.log.
        ready: a callable returning True once the server is up (polled)."""
        log_path = os.path.join(self.logdir, f"{name}.log")
        full = self.exec_argv(argv, ns)
        logf = open(log_path, "ab")
        logf.write(("argv: " + " ".join(full) + "\n").encode())
        logf.flush()
        proc = subprocess.Popen(full, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        srv = Server(name, full, ns or self.ns, log_path, proc)
        self.servers.append(srv)
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise LabError(f"{name} exited with {proc.returncode}:\n{srv.log()[-3000:]}")
            if ready is None or ready():
                break
            if time.monotonic() > deadline:
                raise LabError(f"{name} not ready after {timeout}s:\n{srv.log()[-3000:]}")
            time.sleep(0.1)
        if ready is None:
            time.sleep(0.3)
            if proc.poll() is not None:
                raise LabError(f"{name} exited with {proc.returncode}:\n{srv.log()[-3000:]}")
        return srv

    def _udp_listening(self, port, addr=None, ns=None):
        def check():
            out = self.sh(["ss", "-Hlun"], ns=ns, check=False).stdout
            for line in out.splitlines():
                f = line.split()
                if len(f) >= 4 and f[3].endswith(f":{port}") and (addr is None or addr in f[3]
                                                                  or f[3].startswith("0.0.0.0")
                                                                  or f[3].startswith("*")):
                    return True
            return False
        return check

    def start_dnsmasq(self, *, tftp_root=None, bootfile="osprey.0", dhcp=True,
                      next_server=None, extra=(), name="dnsmasq", dns=()):
        """dnsmasq on the bridge: DHCP (range .100-.199, router .1) handing out
        `bootfile`, plus its TFTP server on tftp_root if given. DNS is off unless `dns`
        lists records (dnsmasq options such as --host-record=NAME,IP): then it answers on
        port 53 of the bridge address, which DHCP hands out as the DNS server."""
        leases = os.path.join(self.logdir, f"{name}.leases")
        argv = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--port=53" if dns else "--port=0",
                "--no-resolv", "--no-hosts", "--user=root", "--group=root",
                f"--interface={self.bridge}", "--bind-interfaces", "--except-interface=lo",
                f"--pid-file={os.path.join(self.logdir, name + '.pid')}",
                "--log-facility=-", "--log-dhcp", "--log-queries"]
        if dhcp:
            argv += [f"--dhcp-range={DHCP_RANGE[0]},{DHCP_RANGE[1]},255.255.255.0,1h",
                     f"--dhcp-option=option:router,{LAB_ADDR}",
                     f"--dhcp-leasefile={leases}", "--dhcp-authoritative"]
            if bootfile:
                argv.append(f"--dhcp-boot={bootfile},,{next_server or LAB_ADDR}")
        if tftp_root is not None:
            argv += ["--enable-tftp", f"--tftp-root={tftp_root}"]
        if dns:
            argv += [f"--dhcp-option=option:dns-server,{LAB_ADDR}"] + list(dns)
        argv += list(extra)
        ready = self._udp_listening(69, LAB_ADDR) if tftp_root is not None else \
            (self._udp_listening(67) if dhcp else None)
        return self.spawn(name, argv, ready=ready)

    def start_atftpd(self, root, *, ns=None, addr=None, verbose=7, extra=(), name="atftpd"):
        """atftpd (RFC 7440 windowsize, blksize, tsize) on addr:69."""
        addr = addr or (REMOTE_ADDR if ns and ns == self.remote_ns else LAB_ADDR)
        argv = ["atftpd", "--daemon", "--no-fork", "--port", "69", "--bind-address", addr,
                "--user", "root", "--group", "root", f"--verbose={verbose}",
                "--logfile", "-", *extra, str(root)]
        return self.spawn(name, argv, ns=ns, ready=self._udp_listening(69, addr, ns))

    def start_tftpd_hpa(self, root, *, ns=None, addr=None, blocksize=None, extra=(),
                        name="tftpd-hpa"):
        """tftpd-hpa (in.tftpd --secure, chroot to root) on addr:69;
        blocksize=512 caps the negotiated block size."""
        exe = find_tftpd_hpa()
        if not exe:
            raise LabError("tftpd-hpa's in.tftpd not found (run scripts/install-deps)")
        addr = addr or (REMOTE_ADDR if ns and ns == self.remote_ns else LAB_ADDR)
        argv = [exe, "--foreground", "--listen", "--address", f"{addr}:69", "--secure",
                "--user", "root", "--verbose", "--verbose", "--verbose"]
        if blocksize:
            argv += ["--blocksize", str(blocksize)]
        argv += [*extra, str(root)]
        # in.tftpd logs through syslog only; its stderr still lands in the log file.
        return self.spawn(name, argv, ns=ns, ready=self._udp_listening(69, addr, ns))

    def start_dhcpd(self, *, bootfile="osprey.0", next_server=None, name="dhcpd", extra="",
                    subnet_extra=""):
        """ISC dhcpd on the bridge (same range/router as dnsmasq); extra is more
        dhcpd.conf text at the top level (option definitions and values), subnet_extra
        inside the subnet block (conditionals, as docs/servers.md's recipes); bootfile=None:
        addresses only (no next-server, no filename), as beside a ProxyDHCP server."""
        conf = os.path.join(self.logdir, f"{name}.conf")
        leases = os.path.join(self.logdir, f"{name}.leases")
        boot = "" if bootfile is None else \
            f'  next-server {next_server or LAB_ADDR};\n  filename "{bootfile}";\n'
        with open(conf, "w") as f:
            f.write(f"""{extra}
default-lease-time 3600;
max-lease-time 7200;
authoritative;
subnet {LAB_NET}.0 netmask 255.255.255.0 {{
  range {DHCP_RANGE[0]} {DHCP_RANGE[1]};
  option routers {LAB_ADDR};
{boot}{subnet_extra}}}
""")
        open(leases, "a").close()
        argv = ["dhcpd", "-4", "-f", "-d", "-cf", conf, "-lf", leases,
                "-pf", os.path.join(self.logdir, f"{name}.pid"), self.bridge]
        return self.spawn(name, argv, ready=self._udp_listening(67))

    def start_lossywire(self, *, seed=1, both="", up="", down="", log=False, name=None,
                        hold=False, trace=False, outage=None):
        """A lossy wire (tests/integration/lossywire.py) from a new tap on the bridge to a
        unix datagram socket for QEMU's -netdev dgram; give the result to
        NetnsMachine(wire=...). both/up/down: impairment specs ("loss=10%,dup=5%");
        hold: clean until Wire.arm(); trace: a line per frame in its log; outage: "BLOCK:MS",
        the whole wire cut for MS ms from the first TFTP DATA BLOCK toward the guest."""
        tap = self.add_tap()
        name = name or f"lossywire-{tap}"
        sock = sock_path(f"{name}.wire.sock")      # short paths: unix sockets take 108 bytes
        peer = sock_path(f"{name}.qemu.sock")
        argv = ["/usr/bin/python3", "-u", LOSSYWIRE, "--tap", tap, "--sock", sock,
                "--peer", peer, "--seed", str(seed), "--both", both, "--up", up, "--down", down]
        if log:
            argv.append("--log")
        if trace:
            argv.append("--trace")
        if hold:
            argv.append("--hold")
        if outage:
            argv += ["--outage", outage]
        srv = self.spawn(name, argv, ready=lambda: os.path.exists(sock))
        return Wire(srv, tap, sock, peer, seed)

    # ------------------------------------------------------------ teardown
    def _ns_pids(self, ns):
        p = run(["ip", "netns", "pids", ns], check=False)
        return [int(x) for x in p.stdout.split() if x.isdigit()]

    def close(self):
        for srv in reversed(self.servers):
            try:
                srv.stop()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        # Anything still inside our namespaces was started by us (QEMU, servers'
        # children): end it by pid, then delete the namespaces.
        for ns in reversed(self._created):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                pids = self._ns_pids(ns)
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 3
                while self._ns_pids(ns) and time.monotonic() < deadline:
                    time.sleep(0.1)
            run(["ip", "netns", "del", ns], check=False)
        self._created = []
        self.servers = []


class NetnsMachine(Machine):
    """conftest.Machine with its NIC on a lab tap: QEMU runs inside the lab
    namespace. Same keyword arguments as Machine, plus lab= and tap=;
    tftp_root/bootfile are not used (the lab's servers provide them).
    Boots -boot n (PXE through the NIC's option ROM) unless kernel= is given.
    wire=lab.start_lossywire(...) puts the NIC on a lossy wire instead of the tap."""

    def __init__(self, name, logdir, *, lab, tap=None, nic="rtl8139", mac=None, wire=None,
                 **kw):
        kw.pop("tftp_root", None)
        kw.pop("bootfile", None)
        super().__init__(name, logdir, nic=nic, **kw)
        self.lab = lab
        self.tap = tap or lab.tap
        self.mac = mac
        self.wire = wire              # a Lab.start_lossywire() result: NIC on the lossy wire

    def argv(self):
        a = super().argv()  # tftp_root is None: it holds "-nic none"
        i = next(i for i in range(len(a) - 1) if a[i] == "-nic" and a[i + 1] == "none")
        dev = f"{self.nic},netdev=n0"
        if self.mac:
            dev += f",mac={self.mac}"
        netdev = self.wire.netdev("n0") if self.wire else \
            f"tap,id=n0,ifname={self.tap},script=no,downscript=no"
        a[i:i + 2] = ["-netdev", netdev, "-device", dev]
        return self.lab.exec_argv(a)


def nic_device(model):
    """QEMU -device spec for a NIC name used in tests: 'virtio-net-pci-modern'
    is virtio-net-pci with disable-legacy=on."""
    if model == "virtio-net-pci-modern":
        return "virtio-net-pci,disable-legacy=on"
    return model


