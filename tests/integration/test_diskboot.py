"""Disk boot: the floppy (stage1 + stage2 in a FAT12 floppy's reserved sectors) and the El Torito
ISO that make builds boot in QEMU to the prompt, see their boot disk as the root device and load
the Debian kernel over the network; the ISO also boots as a hard disk (hybrid MBR)."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import T_PROMPT


def need(tool):
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
    if not path:
        pytest.fail(f"{tool} missing (scripts/install-deps installs it)", pytrace=False)
    return path


def image(builddir, tmp_path, name):
    src = os.path.join(builddir, "stage2", name)
    if not os.path.isfile(src):
        pytest.fail(f"{src} missing (run make)", pytrace=False)
    dst = tmp_path / name
    shutil.copy(src, dst)
    return str(dst)


def test_floppy_boots_kernel_over_network(machines, builddir, tftp_root, tmp_path):
    """osprey.img from drive A: stage1 loads stage2 by CHS, the floppy (fd0) is the root device
    and its /boot/osprey/menu.lst is found; the FAT12 volume around stage2 is readable; DHCP
    comes up by itself and the Debian kernel+initrd load over the network and boot."""
    img = image(builddir, tmp_path, "osprey.img")
    menu = tmp_path / "menu.lst"
    menu.write_text("# a menu for the floppy test\n")
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for args in (["mmd", "-i", img, "::/boot", "::/boot/osprey"],
                 ["mcopy", "-i", img, str(menu), "::/boot/osprey/menu.lst"]):
        subprocess.run([need(args[0])] + args[1:], check=True, capture_output=True, env=env)
    m = machines(name="floppy", tftp_root=tftp_root, boot="a",
                 extra_args=["-drive", f"file={img},if=floppy,format=raw"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive 00h, root \(fd0\)")
    m.expect(r"Network: 10\.0\.2\.15 from DHCP")
    # Without a configfile command osprey says it found the menu; with one, it runs it.
    m.wait_prompt()
    assert "No /boot/osprey/menu.lst" not in m.before, m.before
    out = m.cmd("root")
    assert "root (fd0)" in out, out
    out = m.cmd("ls /boot/osprey")
    assert "menu.lst" in out and " 29" in out, out
    out = m.cmd("cat (fd0)/boot/osprey/menu.lst")
    assert "a menu for the floppy test" in out, out
    assert "osprey.test=ABC" in m.boot_linux()


def test_iso_boots_kernel_over_network(machines, builddir, tftp_root, tmp_path):
    """osprey.iso as a CD (El Torito, no emulation: the BIOS loads all of stage2) is (cd0),
    the root device; the kernel loads over the network and boots. The same file as a hard disk
    (hybrid: stage1 in the system area) boots to the prompt with (hd0) as root."""
    iso = image(builddir, tmp_path, "osprey.iso")
    m = machines(name="iso-hd", nic=None, boot="c",
                 extra_args=["-drive", f"file={iso},if=ide,format=raw"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive 80h, root \(hd0\)")
    m.wait_prompt()
    # The ISO 9660 filesystem read through 512-byte sectors (Rock Ridge names).
    stage2_size = os.path.getsize(os.path.join(builddir, "stage2", "stage2"))
    out = m.cmd("ls (hd0)/boot/osprey")
    assert re.search(rf"stage2\s+{stage2_size}\b", out), out
    m.close()
    m = machines(name="iso-cd", tftp_root=tftp_root, boot="d",
                 extra_args=["-drive", f"file={iso},media=cdrom,readonly=on"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive e[0-9a-f]h, root \(cd0\)")
    m.expect(r"Network: 10\.0\.2\.15 from DHCP")
    m.wait_prompt()
    out = m.cmd("root")
    assert "root (cd0)" in out, out
    # (cd0) reads the CD's own files (2048-byte sectors).
    out = m.cmd("ls (cd0)/")
    assert re.search(r"boot/", out), out
    out = m.cmd("ls /boot/osprey")
    assert re.search(rf"stage2\s+{stage2_size}\b", out), out
    assert "osprey.test=ABC" in m.boot_linux()


def install(builddir, target, *args):
    """Run the built osprey-install on target; returns the CompletedProcess."""
    return subprocess.run([os.path.join(builddir, "stage1", "osprey-install"),
                           f"--stage1={os.path.join(builddir, 'stage1', 'stage1')}",
                           f"--stage2={os.path.join(builddir, 'stage2', 'stage2')}",
                           *args, str(target)], capture_output=True, text=True)


def test_install_refuses_what_it_does_not_own(builddir, tmp_path):
    """No QEMU: a gap too small, a GPT without a BIOS boot partition, another loader's bytes in
    the gap and a filesystem at sector 0 are refused (exit 1, the disk unchanged); a GPT with a
    BIOS boot partition gets stage2 there and keeps its partition table."""
    from test_disks import sfdisk
    cases = {
        "small-gap": ("label: dos\nstart=63, size=8000, type=83\n", None,
                      "the gap after the MBR is 62 sectors"),
        "gpt-no-bios-boot": ("label: gpt\nstart=2048, size=4096, "
                             "type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n", None,
                             "GPT disk without a BIOS boot partition"),
        "foreign-gap": ("label: dos\nstart=2048, size=4096, type=83\n", 4 * 512,
                        "holds data osprey did not write"),
        "ext-fs": (None, None, "an ext2/3/4 filesystem starts at sector 0"),
    }
    for name, (script, dirty, msg) in cases.items():
        img = tmp_path / f"{name}.img"
        with open(img, "wb") as f:
            f.truncate(8 * 1024 * 1024)
        if script:
            sfdisk(str(img), script)
        else:
            subprocess.run([need("mkfs.ext2"), "-q", "-F", str(img)], check=True)
        if dirty:
            with open(img, "r+b") as f:
                f.seek(dirty)
                f.write(b"GRUB core.img stand-in")
        before = img.read_bytes()
        r = install(builddir, img)
        assert r.returncode == 1 and msg in r.stderr, (name, r.stderr)
        assert img.read_bytes() == before, name
    img = tmp_path / "gpt.img"
    with open(img, "wb") as f:
        f.truncate(8 * 1024 * 1024)
    sfdisk(str(img), "label: gpt\nstart=2048, size=1024, "
                     "type=21686148-6469-6E6F-744E-656564454649\n"
                     "start=4096, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n")
    table = img.read_bytes()[0x1B8:0x200]
    r = install(builddir, img)
    assert r.returncode == 0 and "BIOS boot partition at 2048" in r.stdout, r.stderr
    data = img.read_bytes()
    assert data[0x1B8:0x200] == table and data[0x3E:0x42] == b"OSP1"
    stage2 = open(os.path.join(builddir, "stage2", "stage2"), "rb").read()
    assert data[2048 * 512:2048 * 512 + len(stage2)] == stage2


def test_installed_disk_boots_kernel_from_disk(machines, builddir, tmp_path, fixtures_dir):
    """sfdisk + mkfs.vfat disk with the Debian kernel and initrd, osprey-install on it
    (--partition=0): from USB storage it boots to the prompt with root (hd0,0); from IDE it
    loads the kernel and initrd from the disk and boots them."""
    from test_disks import FAT_START, make_fat_partition, sfdisk
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(48 * 1024 * 1024)
    sfdisk(str(disk), f"label: dos\nstart={FAT_START}, size=65536, type=e, bootable\n")
    make_fat_partition(str(disk), tmp_path, fixtures_dir)
    table = disk.read_bytes()[0x1B8:0x200]
    r = install(builddir, disk, "--partition=0")
    assert r.returncode == 0 and "MBR: stage2 in the gap" in r.stdout, r.stderr
    assert disk.read_bytes()[0x1B8:0x200] == table
    m = machines(name="usb", nic=None, boot="c",
                 extra_args=["-device", "qemu-xhci", "-drive",
                             f"file={disk},if=none,id=u,format=raw",
                             "-device", "usb-storage,drive=u,bootindex=1"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive 80h, root \(hd0,0\)")
    m.wait_prompt()
    m.close()
    m = machines(name="ide", nic=None, boot="c",
                 extra_args=["-drive", f"file={disk},if=ide,format=raw"])
    m.expect(r"Disk boot: BIOS drive 80h, root \(hd0,0\)", T_PROMPT)
    m.wait_prompt()
    out = m.cmd("ls /boot")
    assert "vmlinuz" in out and "initrd.img" in out, out
    assert "osprey.test=ABC" in m.boot_linux(nd_kernel="/boot/vmlinuz",
                                             nd_initrd="/boot/initrd.img")
