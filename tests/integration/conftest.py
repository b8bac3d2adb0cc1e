"""pytest fixtures and the QEMU `Machine` harness for osprey's integration tests.

Environment:
  OSPREY_BUILDDIR       build directory holding stage2/osprey.0 and stage2/osprey.lkrn (required)
  OSPREY_CACHE          fixture cache from tests/fixtures/make-fixtures (default /var/cache/osprey-test)
  OSPREY_QEMU           QEMU binary (default qemu-system-x86_64)
  OSPREY_TIMEOUT_SCALE  multiply every timeout (default 1; raise it on a slow machine)

Every QEMU runs with `-accel tcg`. The serial port is QEMU's stdio, driven
through a pty by pexpect; the whole serial transcript of each machine is
written to <pytest tmp dir>/<machine>.serial.log and attached to the report of
a failing test.
"""

import atexit
import hashlib
import itertools
import os
import re
import shutil
import signal
import tempfile
import termios
import time

import pexpect
import pytest

PROMPT = "osprey> "
# The prompt at the start of a line (or at the very start of the output).
PROMPT_RE = r"(?:\r?\n|^)osprey> "
BANNER_RE = r"(?m)^osprey [^\r\n]*\r?\n"
ANSI_RE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")

ESC = "\x1b"
UP = "\x1b[A"
DOWN = "\x1b[B"
RIGHT = "\x1b[C"
LEFT = "\x1b[D"
CTRL_A = "\x01"
CTRL_E = "\x05"
BACKSPACE = "\x7f"
TAB = "\t"
ENTER = "\r"

TIMEOUT_SCALE = float(os.environ.get("OSPREY_TIMEOUT_SCALE", "1") or "1")

# Default timeouts in seconds (before scaling). TCG is slow and two QEMUs share two cores.
T_PROMPT = 60  # power-on (BIOS, PXE ROM DHCP/TFTP) to the osprey prompt
T_CMD = 30  # an ordinary command
T_LOAD = 180  # a TFTP transfer of a kernel or initrd
T_LINUX = 240  # `boot` to the initramfs marker
T_EXIT = 30  # poweroff/halt/reboot to QEMU exiting

NICS = ("rtl8139", "e1000")


_SOCK_DIR = None
_SOCK_SEQ = itertools.count()


def sock_path(name):
    """A path for a unix socket (QEMU monitor, -netdev dgram): under a short directory in /tmp,
    since a socket path must fit in 108 bytes and pytest's tmp_path under a deep checkout does
    not. The directory goes when this process ends."""
    global _SOCK_DIR
    if _SOCK_DIR is None:
        _SOCK_DIR = tempfile.mkdtemp(prefix="osp-", dir="/tmp")
        atexit.register(shutil.rmtree, _SOCK_DIR, True)
    return os.path.join(_SOCK_DIR, f"{next(_SOCK_SEQ)}-{name}")


def scaled(t):
    return None if t is None else t * TIMEOUT_SCALE


def parse_ifconfig(out):
    """ifconfig output -> dict of first word -> rest of the line."""
    d = {}
    for line in out.split("\n"):
        m = re.match(r"\s*(\w+)\s+(.*\S)", line)
        if m and m.group(1) not in d:
            d[m.group(1)] = m.group(2)
    return d


def strip_ansi(text):
    return ANSI_RE.sub("", text)


def output_lines(text):
    """Split serial output into lines: ANSI sequences removed, CR/LF endings
    removed, and for a line rewritten with bare CRs (progress) only the last
    rewrite kept. Empty lines are dropped."""
    lines = []
    for raw in strip_ansi(text).split("\n"):
        raw = raw.rstrip("\r")
        if "\r" in raw:
            parts = [p for p in raw.split("\r") if p.strip()]
            raw = parts[-1] if parts else ""
        if raw.strip():
            lines.append(raw.rstrip())
    return lines


def esc_cancels(m, command, after=None, limit=15):
    """command is cut short by ESC sent after `after` seconds (None: as soon as its progress line
    shows data moving): one "Error: ... canceled" line, within `limit` seconds, and the prompt
    back."""
    t = time.monotonic()
    m.sendline(command)
    if after is None:
        m.expect(r"\d (?:[KMG]i)?B/s", 60)
    else:
        time.sleep(after)
    m.send(ESC)
    out = "\n".join(output_lines(strip_ansi(m.read_until_prompt(30)).partition("\n")[2]))
    took = time.monotonic() - t
    errors = [ln for ln in out.split("\n") if ln.startswith("Error: ")]
    assert len(errors) == 1 and "canceled" in errors[0], f"{command!r}:\n{out}"
    assert took < limit, f"{command!r}: ESC took {took:.1f} s to end it"
    assert m.cmd("echo ok") == "ok"


def raw_lines(text):
    """Like output_lines but keeps every CR-separated rewrite (for progress lines)."""
    out = []
    for raw in strip_ansi(text).replace("\r\n", "\n").split("\n"):
        for part in raw.split("\r"):
            if part.strip():
                out.append(part.rstrip())
    return out


class MachineError(AssertionError):
    pass


class Machine:
    """One QEMU guest whose first serial port is driven by pexpect.

    Boot modes:
      Machine(..., tftp_root=DIR, bootfile="osprey.0", nic="rtl8139")   PXE boot (-boot n)
      Machine(..., kernel=PATH [, append=..., initrd=...])              -kernel boot
      Machine(..., boot="a" | "c" | "d", extra_args=[drives])            disk boot (-boot X)
    A NIC with QEMU user networking (DHCP/TFTP on 10.0.2.2) is attached whenever
    tftp_root is given; nic=None gives a machine with no network at all.
    nics=["rtl8139", "e1000,mac=...,bootindex=1"] instead attaches several NICs (-device
    strings, in PCI order), each on its own user network serving the same tftp_root; an
    entry (device, "net=10.0.3.0/24") adds options to that NIC's -netdev user.
    """

    def __init__(self, name, logdir, *, tftp_root=None, bootfile=None, nic="rtl8139",
                 mem=256, kernel=None, append=None, initrd=None, extra_args=(),
                 qemu=None, nics=None, boot=None):
        self.name = name
        self.boot = boot
        self.logdir = str(logdir)
        self.tftp_root = None if tftp_root is None else str(tftp_root)
        self.bootfile = bootfile
        self.nic = nic
        self.nics = list(nics or ())
        self.mem = mem
        self.kernel = None if kernel is None else str(kernel)
        self.append = append
        self.initrd = None if initrd is None else str(initrd)
        self.extra_args = list(extra_args)
        self.qemu = qemu or os.environ.get("OSPREY_QEMU", "qemu-system-x86_64")
        self.child = None
        self.log_path = os.path.join(self.logdir, f"{name}.serial.log")
        self.send_log_path = os.path.join(self.logdir, f"{name}.sent.log")
        self._log = None
        self._send_log = None
        self._t0 = None
        self.exitstatus = None

    # ------------------------------------------------------------ lifecycle
    def argv(self):
        a = [self.qemu, "-accel", "tcg", "-m", str(self.mem),
             "-display", "none",
             # stdio serial without signal handling: a ^C is a key for the guest.
             "-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0",
             "-no-reboot"]
        if not any(x == "-monitor" for x in self.extra_args):
            a += ["-monitor", "none"]
        if self.tftp_root is not None and (self.nics or self.nic):
            for i, dev in enumerate(self.nics or [self.nic]):
                dev, opts = dev if isinstance(dev, tuple) else (dev, "")
                netdev = f"user,id=n{i},tftp={self.tftp_root}" + (f",{opts}" if opts else "")
                if self.bootfile:
                    netdev += f",bootfile={self.bootfile}"
                a += ["-netdev", netdev, "-device", f"{dev},netdev=n{i}"]
        else:
            a += ["-nic", "none"]
        if self.kernel:
            a += ["-kernel", self.kernel]
            if self.append is not None:
                a += ["-append", self.append]
            if self.initrd:
                a += ["-initrd", self.initrd]
        else:
            a += ["-boot", self.boot or "n"]
        a += self.extra_args
        return a

    @staticmethod
    def _raw_pty():
        # Runs in the child before exec: stdin is the pty slave. Turn off output
        # post-processing (ONLCR) so the transcript holds exactly the guest's
        # bytes ("\r\n", not "\r\r\n"); QEMU itself sets the input side raw.
        try:
            attrs = termios.tcgetattr(0)
            attrs[1] &= ~(termios.ONLCR | termios.OCRNL)
            termios.tcsetattr(0, termios.TCSANOW, attrs)
        except termios.error:
            pass

    def start(self):
        os.makedirs(self.logdir, exist_ok=True)
        argv = self.argv()
        self._log = open(self.log_path, "w", encoding="utf-8", newline="")
        self._send_log = open(self.send_log_path, "w", encoding="utf-8", newline="")
        self._send_log.write("argv: " + " ".join(argv) + "\n")
        self._send_log.flush()
        self._t0 = time.monotonic()
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=scaled(T_CMD),
                                   maxread=65536, searchwindowsize=None,
                                   dimensions=(50, 200), echo=False,
                                   preexec_fn=self._raw_pty, env=dict(os.environ, TERM="dumb"))
        self.child.logfile_read = self._log
        return self

    def close(self):
        """Kill QEMU (if still running) and close the logs. Always safe to call."""
        if self.child is not None:
            try:
                if self.child.isalive():
                    self.child.kill(signal.SIGTERM)
                    deadline = time.monotonic() + 5
                    while self.child.isalive() and time.monotonic() < deadline:
                        time.sleep(0.1)
                    if self.child.isalive():
                        self.child.kill(signal.SIGKILL)
                self.child.close(force=True)
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        for f in (self._log, self._send_log):
            if f is not None and not f.closed:
                f.close()

    def transcript(self):
        if self._log is not None and not self._log.closed:
            self._log.flush()
        try:
            with open(self.log_path, encoding="utf-8", errors="replace", newline="") as f:
                return f.read()
        except OSError:
            return ""

    # ------------------------------------------------------------ primitives
    def _note(self, what):
        if self._send_log is not None and not self._send_log.closed:
            self._send_log.write(f"[{time.monotonic() - self._t0:8.2f}] {what}\n")
            self._send_log.flush()

    def _fail(self, msg):
        tail = strip_ansi(self.transcript())[-3000:]
        raise MachineError(f"{self.name}: {msg}\n--- last serial output ---\n{tail}")

    def expect(self, pattern, timeout=T_CMD):
        """Wait for a regex (str or list) in the serial output; returns the match
        object (the index for a list). Fails with the transcript tail on
        timeout or if QEMU exits."""
        self._note(f"expect {pattern!r}")
        try:
            i = self.child.expect(pattern, timeout=scaled(timeout))
        except pexpect.TIMEOUT:
            self._fail(f"timeout ({scaled(timeout):.0f}s) waiting for {pattern!r}")
        except pexpect.EOF:
            self._fail(f"QEMU exited while waiting for {pattern!r}")
        return i if isinstance(pattern, list) else self.child.match

    @property
    def before(self):
        return self.child.before

    def send(self, keys):
        """Send raw bytes/keys to the serial port (no newline added)."""
        self._note(f"send {keys!r}")
        self.child.send(keys)

    def type(self, text, delay=0.0):
        """Send text one character at a time (delay seconds between characters)."""
        for ch in text:
            self.send(ch)
            if delay:
                time.sleep(delay)

    def sendline(self, text):
        self.send(text + ENTER)

    def wait_banner(self, timeout=T_PROMPT):
        return self.expect(BANNER_RE, timeout)

    def wait_prompt(self, timeout=T_PROMPT):
        self.expect(PROMPT_RE, timeout)

    def read_until_prompt(self, timeout=T_CMD):
        """Return everything up to the next prompt (exclusive)."""
        self.expect(PROMPT_RE, timeout)
        return self.child.before

    def cmd(self, text, timeout=T_CMD):
        """Type a command line and press Enter; return the command's output
        (the text between the echoed command line and the next prompt) with
        line endings normalised to "\\n" and ANSI sequences removed."""
        self.sendline(text)
        raw = self.read_until_prompt(timeout)
        echo, sep, rest = raw.partition("\n")
        if text.strip() and text.strip() not in strip_ansi(echo).replace("\r", ""):
            self._fail(f"command {text!r} was not echoed as typed; got {echo!r}")
        return "\n".join(output_lines(rest))

    def keys_cmd(self, keys, timeout=T_CMD):
        """Send raw keys that end with Enter (line editing tests); return the
        output lines after the edited line (as a list)."""
        if not keys.endswith(ENTER):
            keys += ENTER
        self.send(keys)
        raw = self.read_until_prompt(timeout)
        _, _, rest = raw.partition("\n")
        return output_lines(rest)

    def wait_exit(self, timeout=T_EXIT):
        """Wait for QEMU to end by itself; return its exit status."""
        self._note("wait_exit")
        try:
            self.child.expect(pexpect.EOF, timeout=scaled(timeout))
        except pexpect.TIMEOUT:
            self._fail(f"QEMU still running {scaled(timeout):.0f}s later (expected it to exit)")
        deadline = time.monotonic() + 10
        while self.child.isalive() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.child.isalive():
            self._fail("QEMU closed its output but did not exit")
        self.child.close()
        self.exitstatus = self.child.exitstatus
        self._note(f"exited status={self.exitstatus} signal={self.child.signalstatus}")
        return self.exitstatus

    # ------------------------------------------------------------ higher level
    def boot_to_prompt(self, timeout=T_PROMPT):
        """Start (if needed), wait for the banner and the first prompt."""
        if self.child is None:
            self.start()
        self.wait_banner(timeout)
        self.wait_prompt(timeout)
        return self

    def boot_linux(self, nd_kernel="(nd)/vmlinuz", nd_initrd="(nd)/initrd.img",
                   args="console=ttyS0 panic=-1 osprey.test=ABC"):
        """kernel + initrd + boot; wait for the initramfs marker and return
        the command line Linux reports. QEMU must then power off by itself."""
        out = self.cmd(f"kernel {nd_kernel} {args}", timeout=T_LOAD)
        assert "Error" not in out, out
        assert any(re.search(r"Linux.*protocol|protocol.*Linux", ln) for ln in out.split("\n")), \
            f"no 'Linux ... protocol' line after kernel:\n{out}"
        out = self.cmd(f"initrd {nd_initrd}", timeout=T_LOAD)
        assert "Error" not in out, out
        self.sendline("boot")
        self.expect(r"OSPREY-MARKER: booted", T_LINUX)
        m = self.expect(r"OSPREY-CMDLINE: ([^\r\n]*)\r*\n", T_CMD)
        cmdline = m.group(1)
        self.wait_exit(T_EXIT * 2)
        return cmdline


# ---------------------------------------------------------------- fixtures
def _files(path, names):
    missing = [n for n in names if not os.path.isfile(os.path.join(path, n))]
    return missing


@pytest.fixture(scope="session")
def builddir():
    d = os.environ.get("OSPREY_BUILDDIR")
    if not d:
        pytest.fail("OSPREY_BUILDDIR is not set (run the tests through tests/run --builddir=DIR)",
                    pytrace=False)
    d = os.path.abspath(d)
    missing = _files(d, ["stage2/osprey.0", "stage2/osprey.lkrn"])
    if missing:
        pytest.fail(f"missing in OSPREY_BUILDDIR={d}: {', '.join(missing)} (run make)", pytrace=False)
    return d


@pytest.fixture(scope="session")
def fixtures_dir():
    d = os.environ.get("OSPREY_CACHE", "/var/cache/osprey-test")
    missing = _files(d, ["vmlinuz", "initrd.img", "big.bin", "hello.txt"])
    if missing:
        pytest.fail(f"missing fixtures in {d}: {', '.join(missing)} "
                    "(run tests/fixtures/make-fixtures)", pytrace=False)
    return d


SHA_RE = re.compile(r"(?m)^([0-9a-f]{64})  (\S+)\s*$")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@pytest.fixture(scope="session")
def big_sha256(fixtures_dir):
    return sha256_file(os.path.join(fixtures_dir, "big.bin"))


def sha256sum(m, nd, timeout=T_LOAD):
    """Run `sha256sum nd` on machine m; the digest it printed for nd."""
    out = m.cmd(f"sha256sum {nd}", timeout=timeout)
    assert "Error" not in out, out
    found = SHA_RE.findall(out)
    assert found, f"no '<sha256>  FILE' line:\n{out}"
    digest, name = found[-1]
    assert name == nd, out
    return digest


PXELINUX_0 = "/usr/lib/PXELINUX/pxelinux.0"
LDLINUX_C32 = "/usr/lib/syslinux/modules/bios/ldlinux.c32"


@pytest.fixture
def tftp_root(tmp_path, builddir, fixtures_dir):
    """A per-test TFTP root: osprey.0, osprey.lkrn, vmlinuz, initrd.img,
    hello.txt, big.bin and notakernel.bin (the large files are symlinks)."""
    root = tmp_path / "tftp"
    root.mkdir()
    for n in ("osprey.0", "osprey.lkrn"):
        shutil.copy(os.path.join(builddir, "stage2", n), root / n)
    for n in ("vmlinuz", "initrd.img", "big.bin", "hello.txt"):
        os.symlink(os.path.join(fixtures_dir, n), root / n)
    # 64 KiB that is neither a bzImage nor anything else bootable.
    (root / "notakernel.bin").write_bytes(b"this is not a kernel\n" * 3120)
    return root


def add_pxelinux(root, default_label="osprey", kernel="osprey.lkrn", append="keeppxe"):
    """Install Debian's PXELINUX into a TFTP root with a one-entry config."""
    for src in (PXELINUX_0, LDLINUX_C32):
        if not os.path.isfile(src):
            pytest.fail(f"{src} missing (install pxelinux and syslinux-common)", pytrace=False)
        shutil.copy(src, os.path.join(root, os.path.basename(src)))
    os.makedirs(os.path.join(root, "pxelinux.cfg"), exist_ok=True)
    with open(os.path.join(root, "pxelinux.cfg", "default"), "w") as f:
        f.write(f"SERIAL 0 115200\nPROMPT 0\nTIMEOUT 0\nDEFAULT {default_label}\n"
                f"LABEL {default_label}\n  KERNEL {kernel}\n  APPEND {append}\n")


@pytest.fixture
def machines(request, tmp_path):
    """Factory: machines(**Machine kwargs) -> a started Machine. Every machine
    is killed when the test ends; transcripts are attached to failing reports."""
    made = []
    logdir = tmp_path / "logs"

    def make(name=None, **kw):
        name = name or f"m{len(made)}"
        m = Machine(name, logdir, **kw)
        made.append(m)
        m.start()
        return m

    request.node._osprey_machines = made
    yield make
    for m in made:
        m.close()


@pytest.fixture
def osprey(machines, tftp_root):
    """Factory for the usual case: osprey.0 PXE-booted on a NIC, at the prompt."""

    def make(nic="rtl8139", mem=256, name=None, **kw):
        m = machines(name=name or f"osprey0-{nic}", tftp_root=tftp_root, bootfile="osprey.0",
                     nic=nic, mem=mem, **kw)
        m.boot_to_prompt()
        return m

    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for m in getattr(item, "_osprey_machines", []):
            text = m.transcript()
            if len(text) > 20000:
                text = "[... earlier output cut ...]\n" + text[-20000:]
            rep.sections.append((f"serial transcript {m.name} ({m.log_path})", text))
            try:
                with open(m.send_log_path, encoding="utf-8", errors="replace") as f:
                    rep.sections.append((f"keys sent to {m.name}", f.read()[-5000:]))
            except OSError:
                pass


def wait_local_port(port, proc, what, why=lambda: "", timeout=10):
    """Wait until something accepts TCP connections on 127.0.0.1:port; fail the test with what
    and why() when proc (the server started for it) exits or timeout seconds pass."""
    import socket
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start{why()}", pytrace=False)
            time.sleep(0.05)
