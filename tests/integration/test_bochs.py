"""bochs (Debian's package): the floppy image boots, finds bochs's PCI NE2000 or its e1000, gets
an address from bochs's own DHCP (the slirp and vnet modules) and loads files and the Debian
kernel over TFTP from bochs's own TFTP server, whose root is the NIC's `ethdev=` directory
(bochs 2.7 eth_slirp.cc passes ethdev to slirp_init as the TFTP path; eth_vnet.cc serves
ethdev); osprey.0 also PXE-boots through iPXE's ROMs as the NIC's `bootrom=`. The serial port
is a pty (`com1: mode=term`) driven by the Machine harness. The full Linux boot takes minutes
in bochs: scripts/bochs-linux, not a test."""

import os
import pty
import re
import shutil
import signal
import subprocess
import time
import tty

import pexpect
import pexpect.fdpexpect
import pytest

from conftest import T_PROMPT, Machine, scaled, sha256_file

BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"

BOCHSRC = """megs: 256
romimage: file={bios}
vgaromimage: file={vgabios}
display_library: term
floppya: 1_44={d}/osprey.img, status=inserted
boot: {boot}
pci: enabled=1, chipset=i440fx, slot1={nic}
{nic}: enabled=1, mac=52:54:00:12:34:56, ethmod={ethmod}, ethdev={root}, script={d}/{ethmod}.conf{rom}
com1: enabled=1, mode=term, dev={pts}
log: {d}/bochs.log
clock: sync=none
"""


class Bochs(Machine):
    """A bochs machine with the Machine harness's expect/cmd over a pty serial port."""

    def __init__(self, name, logdir, *, root, nic="ne2k", ethmod="slirp", boot="floppy",
                 bootrom=None, bootfile=None):
        super().__init__(name, logdir)
        self.root, self.nic, self.ethmod, self.bootdev = str(root), nic, ethmod, boot
        self.bootrom, self.bootfile = bootrom, bootfile
        self.proc = None

    def start(self):
        bochs = shutil.which("bochs")
        if not bochs or not os.path.exists(BIOS) or not os.path.exists(VGABIOS):
            pytest.fail("bochs missing (scripts/install-deps installs bochs, bochsbios, "
                        "vgabios, bochs-term)", pytrace=False)
        d = os.path.join(self.logdir, self.name)
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(os.path.join(os.environ["OSPREY_BUILDDIR"], "stage2", "osprey.img"),
                        f"{d}/osprey.img")
        # The first line of each is what bochs checks the file format by.
        conf = {"slirp": "# slirp config\nrestricted = 1\n", "vnet": "# vnet config\n"}[self.ethmod]
        if self.bootfile:
            conf += f"bootfile = {self.bootfile}\n"
        with open(f"{d}/{self.ethmod}.conf", "w") as f:
            f.write(conf)
        master, slave = pty.openpty()
        tty.setraw(slave)
        rom = f", bootrom={self.bootrom}" if self.bootrom else ""
        with open(f"{d}/bochsrc", "w") as f:
            f.write(BOCHSRC.format(bios=BIOS, vgabios=VGABIOS, d=d, boot=self.bootdev,
                                   nic=self.nic, ethmod=self.ethmod, root=self.root, rom=rom,
                                   pts=os.ttyname(slave)))
        with open(f"{d}/dbg.rc", "w") as f:
            f.write("c\n")           # Debian's bochs has the debugger: continue at once
        self._log = open(self.log_path, "w", encoding="utf-8", newline="")
        self._send_log = open(self.send_log_path, "w", encoding="utf-8", newline="")
        self._t0 = time.monotonic()
        self.proc = subprocess.Popen([bochs, "-q", "-f", f"{d}/bochsrc", "-rc", f"{d}/dbg.rc"],
                                     stdin=subprocess.DEVNULL, stdout=open(f"{d}/out.txt", "w"),
                                     stderr=subprocess.STDOUT, start_new_session=True, cwd=d)
        self._slave = slave
        self.child = pexpect.fdpexpect.fdspawn(master, encoding="utf-8", codec_errors="replace",
                                               timeout=scaled(30), maxread=65536)
        self.child.logfile_read = self._log
        return self

    def send(self, keys):
        # bochs's UART takes one byte per poll of the pty: type slowly or keys are lost.
        self._note(f"send {keys!r}")
        for ch in keys:
            self.child.send(ch)
            time.sleep(0.02)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)   # bochs-bin ignores SIGTERM
            self.proc.wait()
        if self.child is not None:
            try:
                self.child.close()
                os.close(self._slave)
            except OSError:
                pass
            self.child = None
        for f in (self._log, self._send_log):
            if f is not None and not f.closed:
                f.close()


@pytest.fixture
def bochs(request, tmp_path):
    made = []

    def make(name, **kw):
        m = Bochs(name, tmp_path / "logs", **kw)
        made.append(m)
        return m.start()

    request.node._osprey_machines = made
    yield make
    for m in made:
        m.close()


def test_bochs_ne2k_slirp_tftp_kernel(bochs, tftp_root):
    """NE2000 (PCI) on slirp: osprey.img boots from bochs's floppy, finds the NIC as RTL8029,
    takes 10.0.2.15 from slirp's DHCP, reads files from slirp's TFTP server (ethdev= is its
    root; sha256 checked) and loads the Debian kernel and initrd that way."""
    m = bochs("bochs-ne2k", root=tftp_root)
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive 00h, root \(fd0\)")
    m.expect(r"NIC: ns8390 \(RTL8029\) at PCI 00:02\.0, MAC 52:54:00:12:34:56")
    m.expect(r"Network: 10\.0\.2\.15 from DHCP, server 10\.0\.2\.2")
    m.wait_prompt()
    out = m.cmd("sha256sum (nd)/hello.txt")
    assert sha256_file(os.path.join(tftp_root, "hello.txt")) in out, out
    # The kernel and initrd load over slirp's TFTP in seconds; booting them is left out: Linux
    # runs for minutes in bochs (docs/disks.md), far beyond the test budget.
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0 panic=-1", timeout=180)
    assert re.search(r"Linux.*protocol|protocol.*Linux", out), out
    out = m.cmd("initrd (nd)/initrd.img", timeout=180)
    assert re.search(r"initrd: 1004 KiB at 0x", out), out


def test_bochs_e1000_vnet(bochs, tftp_root):
    """e1000 (82540EM) on the vnet module: osprey's e1000 driver finds bochs's card, takes
    192.168.10.15 from vnet's DHCP and reads files from vnet's TFTP server (sha256 checked)."""
    m = bochs("bochs-e1000", root=tftp_root, nic="e1000", ethmod="vnet")
    m.expect(r"NIC: e1000 \(82540EM\) at PCI 00:02\.0, MAC 52:54:00:12:34:56")
    m.expect(r"Network: 192\.168\.10\.15 from DHCP, server 192\.168\.10\.1")
    m.wait_prompt()
    out = m.cmd("sha256sum (nd)/hello.txt")
    assert sha256_file(os.path.join(tftp_root, "hello.txt")) in out, out
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=180)
    assert re.search(r"Linux.*protocol|protocol.*Linux", out), out



IPXE_ROMS = "/usr/lib/ipxe/qemu"


@pytest.mark.parametrize("nic,ethmod,rom,net", [
    ("ne2k", "slirp", "pxe-ne2k_pci.rom", r"10\.0\.2\.15 from PXE, server 10\.0\.2\.2"),
    ("e1000", "vnet", "pxe-e1000.rom", r"192\.168\.10\.15 from PXE, server 192\.168\.10\.1"),
], ids=["ne2k-slirp", "e1000-vnet"])
def test_bochs_pxe_option_rom(bochs, tftp_root, nic, ethmod, rom, net):
    """osprey.0 PXE-booted in bochs: iPXE's PCI ROM for the NIC from Debian (ipxe-qemu) as its
    `bootrom=`, `boot: network` (bochs's BIOS boots the ROM's BEV); iPXE gets DHCP from slirp or
    vnet (bootfile from the module's config) and TFTPs osprey.0, which finds the !PXE stack,
    releases the NIC to its own driver and reads over TFTP itself."""
    rom = os.path.join(IPXE_ROMS, rom)
    if not os.path.isfile(rom):
        pytest.fail(f"{rom} missing (install ipxe-qemu)", pytrace=False)
    m = bochs(f"bochs-pxe-{nic}", root=tftp_root, nic=nic, ethmod=ethmod, boot="network",
              bootrom=rom, bootfile="osprey.0")
    m.expect(r"osprey \S+ \(PXE NBP\)", T_PROMPT)
    m.expect(r"Network: " + net)
    m.wait_prompt()
    out = m.cmd("pxe status")
    # osprey's own driver took the NIC over from the ROM, which stays in memory.
    assert "NIC released" in out and "!PXE, version 2.1" in out, out
    out = m.cmd("sha256sum (nd)/hello.txt")
    assert sha256_file(os.path.join(tftp_root, "hello.txt")) in out, out
