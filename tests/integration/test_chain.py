"""chainloader: osprey.0 hands the machine to another PXE NBP with the PXE ROM's stack kept (and
its NIC given back open after osprey's native driver used it). Each chained program must come up
and load its own files over the ROM's API; they end by starting osprey.lkrn, whose second banner
and working network prove the round trip."""

import re
import shutil
import subprocess

import pytest

from conftest import add_pxelinux

UNDIONLY = "/usr/lib/ipxe/undionly.kpxe"
BANNER_NBP = r"osprey \S+ \(PXE NBP\)"
BANNER_LKRN = r"osprey \S+ \(Linux boot image\)"


def chain(m, nbp, timeout=60):
    out = m.cmd(f"chainloader {nbp}", timeout=timeout)
    assert "Error" not in out, out
    assert re.search(r"PXE NBP, \d+ bytes", out), out
    m.sendline("boot")
    m.expect(r"Starting PXE NBP \(\d+ bytes\) at 0:7C00, PXE stack kept")


def lkrn_round_trip(m, files=True, driver=None):
    """osprey.lkrn started by the chained NBP: its prompt and, when files, (nd) through the PXE
    stack the NBP left; driver: the NIC driver its ifconfig must show."""
    m.expect(BANNER_LKRN, 180)
    m.wait_prompt(120)
    assert m.cmd("echo back in osprey") == "back in osprey"
    if driver:
        out = m.cmd("ifconfig")
        assert re.search(rf"(?m)^driver\s+{driver}", out), out
    if files:
        assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)


@pytest.mark.pxelinux
def test_chain_pxelinux_and_errors(machines, tftp_root):
    """e1000e has no native osprey driver, so osprey.0 runs it through the ROM's UNDI; boot
    closes the UNDI, and PXELINUX loads ldlinux.c32, its config and osprey.lkrn over the ROM's
    API; osprey.lkrn finds the stack PXELINUX kept (keeppxe) and drives the NIC through its UNDI
    (docs/servers.md), moving a file with its own TFTP; the host name chainloader --option
    set in the cached DHCPACK shows in its ifconfig."""
    add_pxelinux(tftp_root, kernel="osprey.lkrn", append="keeppxe")
    (tftp_root / "toolarge.0").write_bytes(b"\x90" * (640 * 1024))
    (tftp_root / "empty.0").write_bytes(b"")
    m = machines(name="chain-pxelinux", tftp_root=tftp_root, bootfile="osprey.0", nic="e1000e")
    m.boot_to_prompt()
    out = m.cmd("chainloader (nd)/nosuch.0").split("\n")[-1]
    assert re.match(r"Error: \(nd\)/nosuch\.0: .*not found", out), out
    out = m.cmd("chainloader (nd)/toolarge.0", timeout=60).split("\n")[-1]
    assert re.match(r"Error: \(nd\)/toolarge\.0: too large \(a PXE NBP of 655360 bytes at "
                    r"0x7c00 would end at 0xa7c00, base memory ends at 0x[0-9a-f]+ \(\d+ KiB\)\)$",
                    out), out
    out = m.cmd("chainloader (nd)/empty.0").split("\n")[-1]
    assert re.match(r"Error: \(nd\)/empty\.0: .*the file is empty", out), out
    out = m.cmd("boot")
    assert out.startswith("Error: no kernel loaded"), out
    out = m.cmd("chainloader")
    assert out == "Error: usage: chainloader [--force] [--type=bootsector|pxe] [--option=CODE:TEXT]... FILE", out
    # The network still works after the failures.
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)
    # The identity the ROM's cached DHCPDISCOVER carried (osprey's own DHCP keeps it).
    out = m.cmd("pxe status")
    assert re.search(r"(?m)^discover client id 01:52:54:00:12:34:56\b", out), out
    assert re.search(r"(?m)^discover vendor class PXEClient:Arch:00000:UNDI:\d{6}$", out), out
    # Option 12 (host name) set for the NBP: osprey.lkrn, started by PXELINUX, finds the PXE
    # API front through INT 1Ah and reads it from the DHCPACK the front returns by pointer.
    chain(m, "--option=12:set-by-chainloader (nd)/pxelinux.0")
    m.expect(r"PXELINUX", 60)
    lkrn_round_trip(m, driver=r"undi \(PXE UNDI, PXE ROM's driver\) at PCI 00:03\.0")
    assert re.search(r"(?m)^hostname\s+set-by-chainloader", m.cmd("ifconfig")), "option 12"
    # UNLOAD_STACK through the front gives back its KiB and INT 1Ah first: the whole stack's
    # memory comes back.
    out = m.cmd("pxe unload")
    assert re.search(r"PXE: stack unloaded; base memory \d+ KiB -> 639 KiB", out), out


def test_chain_grub2_core0(machines, tftp_root):
    """GRUB 2's netboot core.0 (grub-mknetdir) loads its modules, grub.cfg and osprey.lkrn over
    the ROM's API (GRUB's pxe driver: UNDI transmit/ISR)."""
    subprocess.run(["grub-mknetdir", f"--net-directory={tftp_root}", "--subdir=boot/grub",
                    "-d", "/usr/lib/grub/i386-pc"], check=True, capture_output=True)
    (tftp_root / "boot/grub/grub.cfg").write_text(
        "serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n"
        "echo grub-chained-by-osprey\n"
        "echo grub-host-$net_pxe_hostname\n"
        "set timeout=0\nmenuentry osprey {\n  linux16 (tftp)/osprey.lkrn\n  boot\n}\n")
    m = machines(name="chain-grub2", tftp_root=tftp_root, bootfile="osprey.0", nic="e1000e")
    m.boot_to_prompt()
    # GRUB finds the PXE API through INT 1Ah and reads the cached DHCPACK by pointer: the host
    # name chainloader --option set comes through the front.
    chain(m, "--option=12:set-by-osprey (nd)/boot/grub/i386-pc/core.0")
    m.expect(r"grub-chained-by-osprey", 120)
    m.expect(r"grub-host-set-by-osprey", 30)
    # GRUB leaves the ROM's UNDI open for its own frames (QEMU's iPXE ROM then keeps received
    # frames for the UNDI API, so its TFTP API would get none); osprey.lkrn drives the NIC
    # through that UNDI, so its own TFTP gets them.
    lkrn_round_trip(m, driver=r"undi \(PXE UNDI, PXE ROM's driver\) at PCI 00:03\.0")


def native_then_chain_ready(m, nic="e1000"):
    """osprey's own driver for nic has the boot NIC (the ROM's was shut down) and moves a file
    over native TFTP before the chain, so boot must hand the NIC back to the ROM."""
    m.boot_to_prompt()
    out = m.cmd("ifconfig")
    assert re.search(rf"(?m)^driver\s+{nic}\b", out), "native driver expected: " + out
    assert "hello from tftp" in m.cmd("cat tftp://10.0.2.2/hello.txt", timeout=60)


@pytest.mark.pxelinux
@pytest.mark.parametrize("nic", ["e1000", "rtl8139"])
def test_chain_pxelinux_after_native_driver(machines, tftp_root, nic):
    """After osprey's native driver used the NIC, PXELINUX loads its files with the ROM's UDP
    API: boot's UNDI_INITIALIZE/OPEN/CLOSE left the ROM's net device closed and not reserved
    for the UNDI API, so the ROM's implicit open on UDP_OPEN receives again. On rtl8139 the
    native driver's close puts back the C+ mode the ROM's driver set at its probe (the ROM
    does not set it again); without that PXELINUX hung before its first file, and the ROM's
    TFTP API timed out. The same hand back serves `ifconfig --driver=pxe` (the ROM's UDP
    API), and the native driver takes the NIC again after it. chainloader
    --option sets DHCP options 209 (config file) and 210 (path prefix) in the cached reply
    PXELINUX reads through osprey's PXE API front: ldlinux.c32 and the only config exist under
    /pxe/ alone, and that config starts /pxe/osprey.lkrn, which (keeppxe) reads the same
    options through the front and loads the same file as its own configuration."""
    add_pxelinux(tftp_root)
    pxe = tftp_root / "pxe"
    (pxe / "pxelinux.cfg").mkdir(parents=True)
    (tftp_root / "ldlinux.c32").rename(pxe / "ldlinux.c32")
    (tftp_root / "pxelinux.cfg" / "default").unlink()
    shutil.copy(tftp_root / "osprey.lkrn", pxe / "osprey.lkrn")
    # One line both read: PXELINUX boots it; osprey's menu parser reports it and has no entries.
    (pxe / "pxelinux.cfg" / "boot").write_text("default osprey.lkrn keeppxe\n")
    m = machines(name=f"chain-pxelinux-native-{nic}", tftp_root=tftp_root, bootfile="osprey.0",
                 nic=nic)
    native_then_chain_ready(m, nic)
    rom_api_and_back(m, nic)
    out = m.cmd("chainloader --option=300:x (nd)/pxelinux.0")
    assert out.startswith("Error: --option=300:x: expected --option=CODE:TEXT"), out
    chain(m, "--option=209:x --option=209:pxelinux.cfg/boot --option=210:/pxe/ (nd)/pxelinux.0")
    m.expect(r"DHCP options set for the NBP in the cached DHCPACK[^;]*; PXE API front at "
             r"[0-9a-f]{4}:0000 \(base memory \d+ -> \d+ KiB\)")
    m.expect(BANNER_LKRN, 120)
    m.expect(r"Config file: using /pxe/pxelinux\.cfg/boot", 120)
    m.wait_prompt(120)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)


def rom_api_and_back(m, nic):
    """From osprey's native driver to the ROM's UDP API and back: a file each way."""
    out = m.cmd("ifconfig --driver=pxe")
    assert out == "NIC: none; files go through the PXE ROM's UDP API", out
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    out = m.cmd(f"ifconfig --driver={nic}")
    assert re.match(rf"NIC: {nic} \(.*\) at PCI 00:03\.0", out) and "Error" not in out, out
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]


def test_chain_ipxe_undionly(machines, tftp_root):
    """iPXE's undionly.kpxe drives the NIC through the ROM's UNDI (its own UNDI_OPEN), runs DHCP
    and fetches the boot file it is given (osprey.0 again under QEMU's DHCP): osprey's second
    start as an NBP shows undionly came up and moved frames over the ROM's API. On e1000 after
    osprey's native driver had the NIC (the e1000e tests cover a NIC the ROM kept)."""
    shutil.copy(UNDIONLY, tftp_root / "undionly.kpxe")
    m = machines(name="chain-undionly", tftp_root=tftp_root, bootfile="osprey.0", nic="e1000")
    native_then_chain_ready(m)
    chain(m, "(nd)/undionly.kpxe")
    m.expect(BANNER_NBP, 180)
    m.wait_prompt(120)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)
