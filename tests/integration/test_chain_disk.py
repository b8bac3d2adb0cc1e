"""chainloader from disks (GRUB legacy's semantics): boot sectors nobody here wrote - syslinux's
MBR (Debian's syslinux-common) chaining to the boot sector mkfs.vfat writes, GRUB 2's boot.img
loading its core.img from the second disk - run after `chainloader (hd0)+1` / `(hd1)+1` and
`boot`, shown by their messages on the VGA screen; a
sector without the 55AAh signature is refused and `--force` boots it, and the test boot sector
(tests/kernels/bootsect) reports the registers it got: DL the BIOS drive, DS:SI its partition
entry."""

import hashlib
import os
import random
import re
import struct
import subprocess
import time

from conftest import sock_path
from test_disks import MiB, need, sfdisk, write_at
from test_vga_console import Monitor

KERNELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernels")
SYSLINUX_MBR = "/usr/lib/syslinux/mbr/mbr.bin"
GRUB_DIR = "/usr/lib/grub/i386-pc"
FAT_START, FAT_SECTORS = 2048, 16384
RAW_START = 18432            # (hd0,1): random bytes, no signature
LOGICAL_START = 22528        # (hd0,4): the register-reporting sector


def make_chain_disk(path, tmp_path):
    """A 16 MiB MBR disk: syslinux's MBR code; (hd0,0) FAT16 by mkfs.vfat, active; (hd0,1)
    random bytes; (hd0,4) a logical partition whose first sector is regs.bin. Returns the
    register sector's bytes."""
    with open(path, "wb") as f:
        f.truncate(16 * MiB)
    sfdisk(path, "label: dos\n"
                 f"start={FAT_START}, size={FAT_SECTORS}, type=6, bootable\n"
                 f"start={RAW_START}, size=2048, type=83\n"
                 "start=20480, size=8192, type=5\n"
                 f"start={LOGICAL_START}, size=2048, type=83\n")
    mbr = open(SYSLINUX_MBR, "rb").read()
    assert len(mbr) <= 440, len(mbr)
    write_at(path, 0, mbr)
    subprocess.run([need("mkfs.vfat"), "-F", "16", "-s", "1", f"--offset={FAT_START}", path,
                    str(FAT_SECTORS // 2)], check=True, capture_output=True)
    raw = bytearray(random.Random(4).randbytes(512))
    raw[510:512] = b"\x12\x34"
    write_at(path, RAW_START * 512, bytes(raw))
    subprocess.run([os.path.join(KERNELS, "bootsect", "build.sh"), str(tmp_path)], check=True)
    regs = open(tmp_path / "regs.bin", "rb").read()
    write_at(path, LOGICAL_START * 512, regs)
    subprocess.run([need("mcopy"), "-i", f"{path}@@{FAT_START * 512}", str(tmp_path / "regs.bin"),
                    "::/regs.bin"], check=True, capture_output=True,
                   env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    return regs


def last(m, line):
    """The last line a command printed (after the progress line of its load)."""
    return m.cmd(line).split("\n")[-1]


def screen_wait(mon, text, timeout=60):
    deadline = time.time() + timeout
    while True:
        screen = "\n".join(mon.screen_text())
        if text in screen or time.time() > deadline:
            return screen
        time.sleep(1)


def test_chain_syslinux_mbr_to_fat(osprey, tftp_root, tmp_path):
    """osprey.0, PXE-booted, with an IDE disk: (hd0)+1 is syslinux's MBR: it loads the active partition's boot sector (mkfs.vfat's),
    whose message reaches the VGA screen. Before that: errors for a missing disk, partition, a
    sector without signature, and what chainloader says of a partition and a file."""
    disk = str(tmp_path / "chain.img")
    make_chain_disk(disk, tmp_path)
    mbr = open(disk, "rb").read(512)
    assert b"not a bootable disk" not in mbr   # the message comes from the FAT boot sector
    (tftp_root / "mbr.bin").write_bytes(mbr)
    sock = sock_path("chain-mon.sock")
    m = osprey(name="chain-disk", extra_args=["-drive", f"file={disk},format=raw,if=ide,index=0",
                                              "-monitor", f"unix:{sock},server=on,wait=off"])
    mon = Monitor(sock)
    out = last(m, "chainloader (hd0,1)+1")
    assert out == ("Error: (hd0,1)+1: not a bootable image (no boot signature 55AAh at the end "
                   "of the sector (it ends 1234h); chainloader --force boots it anyway)"), out
    out = last(m, "chainloader (hd3)+1")
    assert out.startswith("Error: (hd3)+1: no such device"), out
    out = last(m, "chainloader (hd0,7)+1")
    assert out.startswith("Error: (hd0,7)+1:") and "has no partition 7" in out, out
    out = m.cmd("boot")
    assert out.startswith("Error: no kernel loaded"), out   # a refused sector stays unloaded
    out = last(m, "chainloader --type=floppy (hd0)+1")
    assert out == "Error: --type=floppy: chainloader boots a bootsector or a pxe NBP", out
    # A boot sector from the network: DL 80h (the root device is (nd), no disk).
    out = last(m, "chainloader --type=bootsector (nd)/mbr.bin")
    assert out == "Boot sector from (nd), BIOS drive 80h", out
    out = last(m, "chainloader --force (hd0,0)/regs.bin")
    assert out == "Boot sector from (hd0,0), BIOS drive 80h, partition entry at DS:SI", out
    out = last(m, "chainloader (hd0,0)+1")
    assert out == "Boot sector from (hd0,0), BIOS drive 80h, partition entry at DS:SI", out
    out = last(m, "chainloader (hd0)+1")
    assert out == "Boot sector from (hd0), BIOS drive 80h", out
    m.sendline("boot")
    m.expect(r"Starting boot sector of \(hd0\) at 0:7C00, BIOS drive 80h")
    m.expect(r"PXE: stack unloaded")
    screen = screen_wait(mon, "This is not a bootable disk")
    assert "This is not a bootable disk." in screen, screen


def test_chain_force_registers(machines, builddir, tmp_path):
    """A BIOS read error gives its message. Tab completes devices and a file name on (hd1,0).
    A sector without signature on the
    second disk's logical partition: refused, then booted
    with --force; it reports DL 81h and DS:SI at 0:07BE holding a made-up entry for (hd1,4)
    (boot flag, type 83h, its absolute start and size), a stack below 0:7C00, CS:IP 0:7C00."""
    disk, blank = str(tmp_path / "chain.img"), str(tmp_path / "blank.img")
    regs = make_chain_disk(disk, tmp_path)
    with open(blank, "wb") as f:
        f.truncate(MiB)
    # (hd2) fails every read of its sector 1 (QEMU's blkdebug error injection: EIO).
    bad, cfg = str(tmp_path / "bad.img"), tmp_path / "blkdebug.cfg"
    with open(bad, "wb") as f:
        f.truncate(MiB)
    cfg.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "1"\n')
    m = machines(name="chain-force", kernel=os.path.join(builddir, "stage2", "osprey.lkrn"),
                 extra_args=["-drive", f"file={blank},format=raw,if=ide,index=0",
                             "-drive", f"file={disk},format=raw,if=ide,index=1",
                             "-drive", f"file=blkdebug:{cfg}:{bad},format=raw,if=ide,index=2"])
    m.boot_to_prompt()
    out = last(m, "chainloader (hd2)1+1")
    assert re.match(r"Error: \(hd2\)1\+1: I/O error \(BIOS disk 82h \(hd2\): reading sector 1 "
                    r"failed: .* \(status [0-9a-f]{2}h\)\)$", out), out
    # Tab completion of devices and file names on disks (GRUB legacy's).
    m.send("ls (hd1,\t")
    m.expect(r"\r?\n\(hd1,0\)  \(hd1,1\)  \(hd1,2\)  \(hd1,4\)\r?\nosprey> ls \(hd1,")
    m.send("\x03")
    m.wait_prompt()
    m.send("sha256sum (hd1,0)/re\t")
    m.expect(r"sha256sum \(hd1,0\)/regs\.bin ")
    m.sendline("")
    m.expect(hashlib.sha256(regs).hexdigest())
    m.wait_prompt()
    out = last(m, "chainloader (hd1,4)+1")
    assert "Error: (hd1,4)+1: not a bootable image (no boot signature" in out, out
    out = last(m, "chainloader --force (hd1,4)+1")
    assert out == "Boot sector from (hd1,4), BIOS drive 81h, partition entry at DS:SI", out
    m.sendline("boot")
    m.expect(r"Starting boot sector of \(hd1,4\) at 0:7C00, BIOS drive 81h")
    mt = m.expect(r"BOOTSECT DL=(\w+) DS:SI=(\w+):(\w+) SS:SP=(\w+):(\w+) CS:IP=(\w+):(\w+) "
             r"ENTRY=(\w+) END", 60)
    g = [x.decode() if isinstance(x, bytes) else x for x in mt.groups()]
    assert g[0] == "81", g
    assert (g[1], g[2]) == ("0000", "07BE"), g
    assert g[3] == "0000" and 0x7000 <= int(g[4], 16) <= 0x7C00, g
    assert (g[5], g[6]) == ("0000", "7C00"), g
    entry = bytes.fromhex(g[7])
    assert entry[0] == 0x80 and entry[4] == 0x83, entry.hex()
    assert struct.unpack("<II", entry[8:16]) == (LOGICAL_START, 2048), entry.hex()


def make_grub2_disk(path, tmp_path):
    """A 16 MiB MBR disk with GRUB 2 (Debian's grub-pc-bin) set up as grub-install would: its
    boot.img in the MBR (partition table kept; boot.img's kernel sector is 1 already), core.img
    made by grub-mkimage in the gap from sector 1 (grub-mkimage fills in diskboot's block list),
    with an early config that prints the root GRUB derived from the BIOS drive it was given."""
    cfg = tmp_path / "early.cfg"
    cfg.write_text('echo "GRUB 2 chained by osprey: root=$root"\n')
    core = tmp_path / "core.img"
    subprocess.run(["grub-mkimage", "-O", "i386-pc", "-d", GRUB_DIR, "-o", str(core), "-c",
                    str(cfg), "-p", "(,msdos1)/boot/grub", "biosdisk", "part_msdos", "fat",
                    "echo"], check=True, capture_output=True)
    with open(path, "wb") as f:
        f.truncate(16 * MiB)
    sfdisk(path, "label: dos\nstart=2048, size=30720, type=c\n")
    boot = open(os.path.join(GRUB_DIR, "boot.img"), "rb").read()
    assert boot[0x5c:0x64] == struct.pack("<Q", 1)   # GRUB_BOOT_MACHINE_KERNEL_SECTOR
    write_at(path, 0, boot[:0x1b8])
    write_at(path, 512, core.read_bytes())


def test_chain_grub2_second_disk(machines, builddir, tmp_path):
    """GRUB 2's boot.img on the second disk, chained with `chainloader (hd1)+1`: it loads its
    core.img from BIOS drive 81h (the DL osprey gave it) and GRUB names its root hd1."""
    disk, blank = str(tmp_path / "grub.img"), str(tmp_path / "blank.img")
    make_grub2_disk(disk, tmp_path)
    with open(blank, "wb") as f:
        f.truncate(MiB)
    sock = sock_path("grub-mon.sock")
    m = machines(name="chain-grub2", kernel=os.path.join(builddir, "stage2", "osprey.lkrn"),
                 extra_args=["-drive", f"file={blank},format=raw,if=ide,index=0",
                             "-drive", f"file={disk},format=raw,if=ide,index=1",
                             "-monitor", f"unix:{sock},server=on,wait=off"])
    mon = Monitor(sock)
    m.boot_to_prompt()
    out = last(m, "chainloader (hd1)+1")
    assert out == "Boot sector from (hd1), BIOS drive 81h", out
    m.sendline("boot")
    m.expect(r"Starting boot sector of \(hd1\) at 0:7C00, BIOS drive 81h")
    screen = screen_wait(mon, "GRUB 2 chained by osprey")
    assert "GRUB 2 chained by osprey: root=hd1,msdos1" in screen, screen
