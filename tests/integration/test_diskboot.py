"""Disk boot: the floppy (stage1 + stage2 in a FAT12 floppy's reserved sectors) and the El Torito
ISO that make builds boot in QEMU to the prompt, see their boot disk as the root device and load
the Debian kernel over the network; the ISO also boots as a hard disk (hybrid MBR)."""

import os
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
    m.close()
    m = machines(name="iso-cd", tftp_root=tftp_root, boot="d",
                 extra_args=["-drive", f"file={iso},media=cdrom,readonly=on"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive e[0-9a-f]h, root \(cd0\)")
    m.expect(r"Network: 10\.0\.2\.15 from DHCP")
    m.wait_prompt()
    out = m.cmd("root")
    assert "root (cd0)" in out, out
    assert "osprey.test=ABC" in m.boot_linux()
