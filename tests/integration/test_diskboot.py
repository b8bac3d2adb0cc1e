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


MBR_BIN = "/usr/lib/syslinux/mbr/mbr.bin"      # syslinux-common: boots the active partition
EXT_START, EXT_SECTORS = 2048, 16384


def partition_disk(builddir, tmp_path, fixtures_dir):
    """A disk with syslinux's MBR code, (hd0,0) ext4 (mkfs.ext4 -d with default features) and
    (hd0,1) FAT16 (mkfs.vfat, mtools), stage2 copied into /boot/osprey/stage2 on both."""
    from test_disks import FAT_START, FAT_SECTORS, make_fat_partition, sfdisk
    if not os.path.isfile(MBR_BIN):
        pytest.fail(f"{MBR_BIN} missing (install syslinux-common)", pytrace=False)
    stage2 = os.path.join(builddir, "stage2", "stage2")
    disk = str(tmp_path / "parts.img")
    with open(disk, "wb") as f:
        f.truncate((FAT_START + FAT_SECTORS) * 512)
    sfdisk(disk, f"label: dos\nstart={EXT_START}, size={EXT_SECTORS}, type=83\n"
                 f"start={FAT_START}, size={FAT_SECTORS}, type=e, bootable\n")
    make_fat_partition(disk, tmp_path, fixtures_dir)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    subprocess.run([need("mcopy"), "-i", f"{disk}@@{FAT_START * 512}", stage2,
                    "::/boot/osprey/stage2"], check=True, capture_output=True, env=env)
    root = tmp_path / "extroot"
    (root / "boot" / "osprey").mkdir(parents=True)
    shutil.copy(stage2, root / "boot" / "osprey" / "stage2")
    (root / "boot" / "osprey" / "menu.lst").write_text("# menu on ext4\n")
    part = str(tmp_path / "ext.img")
    with open(part, "wb") as f:
        f.truncate(EXT_SECTORS * 512)
    subprocess.run([need("mkfs.ext4"), "-q", "-F", "-d", str(root), part], check=True)
    with open(disk, "r+b") as dst, open(part, "rb") as src, open(MBR_BIN, "rb") as mbr:
        dst.write(mbr.read()[:440])
        dst.seek(EXT_START * 512)
        shutil.copyfileobj(src, dst)
    return disk


def set_active(disk, slot):
    """Move the MBR boot flag to slot (as makeactive would)."""
    with open(disk, "r+b") as f:
        for i in range(4):
            f.seek(0x1BE + 16 * i)
            f.write(b"\x80" if i == slot else b"\x00")


def test_install_partition_boot_sector(machines, builddir, tmp_path, fixtures_dir):
    """osprey-install --boot-sector=partition: stage1 into a FAT16 and an ext4 partition's first
    sector, stage2 a file there (mshowfat / debugfs give its sectors). The MBR, the FAT BPB and
    both filesystems (fsck) are untouched; syslinux's MBR boots each partition when it is the
    active one, and stage2 comes up with that partition as root, reads its own file and the
    Debian kernel from the FAT partition."""
    from test_disks import FAT_START
    disk = partition_disk(builddir, tmp_path, fixtures_dir)
    before = open(disk, "rb").read(FAT_START * 512 + 512)
    for n in (1, 0):
        r = install(builddir, disk, "--boot-sector=partition", f"--partition={n}")
        assert r.returncode == 0, r.stderr
    assert "partition 0 (ext2/3/4, sector 2048): stage1 in its boot sector" in r.stdout, r.stdout
    after = open(disk, "rb").read(FAT_START * 512 + 512)
    assert after[:512] == before[:512]                              # the MBR
    fat_bs = after[FAT_START * 512:]
    assert fat_bs[3:0x3E] == before[FAT_START * 512 + 3:FAT_START * 512 + 0x3E]   # BPB kept
    assert fat_bs[0x3E:0x42] == b"OSP1" and fat_bs[0x43] == 1, fat_bs[0x3E:0x50].hex()
    assert after[EXT_START * 512 + 0x3E:EXT_START * 512 + 0x42] == b"OSP1"
    # Only the two boot sectors changed; the filesystems check clean.
    changed = [i // 512 for i in range(0, len(after), 512) if after[i:i + 512] != before[i:i + 512]]
    assert changed == [EXT_START, FAT_START], changed
    for argv in ([need("fsck.vfat"), "-n", f"{tmp_path}/fat-check.img"],
                 [need("e2fsck"), "-fn", f"{tmp_path}/ext-check.img"]):
        src_start, size = ((FAT_START, 65536) if "vfat" in argv[0] else (EXT_START, EXT_SECTORS))
        with open(disk, "rb") as s, open(argv[-1], "wb") as d:
            s.seek(src_start * 512)
            d.write(s.read(size * 512))
        r = subprocess.run(argv, capture_output=True, text=True)
        assert r.returncode == 0, (argv, r.stdout, r.stderr)
    stage2_sha = sha256_of(os.path.join(builddir, "stage2", "stage2"))
    m = machines(name="part-fat", nic=None, boot="c",
                 extra_args=["-drive", f"file={disk},if=ide,format=raw"])
    m.expect(r"osprey \S+ \(disk boot\)", T_PROMPT)
    m.expect(r"Disk boot: BIOS drive 80h, root \(hd0,1\)")
    m.wait_prompt()
    assert "No /boot/osprey/menu.lst" in m.before, m.before
    out = m.cmd("sha256sum /boot/osprey/stage2")
    assert stage2_sha in out, out
    out = m.cmd("kernel /boot/vmlinuz console=ttyS0", timeout=120)
    assert re.search(r"Linux.*protocol|protocol.*Linux", out), out
    m.close()
    set_active(disk, 0)
    m = machines(name="part-ext4", nic=None, boot="c",
                 extra_args=["-drive", f"file={disk},if=ide,format=raw"])
    m.expect(r"Disk boot: BIOS drive 80h, root \(hd0,0\)", T_PROMPT)
    m.wait_prompt()
    assert "No /boot/osprey/menu.lst" not in m.before, m.before
    out = m.cmd("sha256sum /boot/osprey/stage2")
    assert stage2_sha in out, out
    out = m.cmd("cat \"(hd0,1)/Some Directory/A long file name.txt\"")
    assert "hello from a FAT partition" in out, out


def sha256_of(path):
    import hashlib
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_install_partition_refuses(builddir, tmp_path, fixtures_dir):
    """No QEMU: --boot-sector=partition refuses a FAT32 partition, a partition with no
    filesystem it knows, a missing or different stage2 file, an empty slot and another boot
    loader's code in a FAT boot sector or an ext boot block, leaving the disk as it was."""
    from test_disks import FAT_START, sfdisk
    disk = partition_disk(builddir, tmp_path, fixtures_dir)
    other = tmp_path / "other-stage2"
    data = bytearray(open(os.path.join(builddir, "stage2", "stage2"), "rb").read())
    data[-1] ^= 0xFF
    other.write_bytes(bytes(data))
    with open(disk, "r+b") as f:
        f.seek(EXT_START * 512)
        f.write(b"\xebLILO stand-in boot code")
    fatcopy = tmp_path / "fat-loader.img"
    shutil.copy(disk, fatcopy)
    with open(fatcopy, "r+b") as f:
        f.seek(FAT_START * 512 + 0x3E)
        f.write(b"SYSLINUX stand-in boot code".ljust(0x1B8 - 0x3E, b"\x90"))
    r = install(builddir, fatcopy, "--boot-sector=partition", "--partition=1")
    assert r.returncode == 1 and "boot code osprey did not write" in r.stderr, r.stderr
    cases = [
        (["--partition=1", "--stage2-file=/boot/nothere"], "/boot/nothere on the FAT volume"),
        (["--partition=1", f"--stage2={other}"], "is not this stage2"),
        (["--partition=0"], "holds data osprey did not write"),
        (["--partition=2"], "there is no partition 2"),
    ]
    before = open(disk, "rb").read()
    for args, msg in cases:
        r = install(builddir, disk, "--boot-sector=partition", *args)  # a later --stage2 wins
        assert r.returncode == 1 and msg in r.stderr, (args, r.stderr)
        assert open(disk, "rb").read() == before, args
    for name, mkfs, msg in (("fat32", ["mkfs.vfat", "-F", "32"], "holds FAT32"),
                            ("raw", None, "holds neither FAT12/16 nor ext2/3/4")):
        img = tmp_path / f"{name}.img"
        with open(img, "wb") as f:
            f.truncate((FAT_START + 70000) * 512)
        sfdisk(str(img), f"label: dos\nstart={FAT_START}, size=70000, type=c\n")
        part = tmp_path / f"{name}-part.img"
        with open(part, "wb") as f:
            f.truncate(70000 * 512)
        if mkfs:
            subprocess.run([need(mkfs[0])] + mkfs[1:] + [str(part)], check=True,
                           capture_output=True)
        else:
            part.write_bytes(b"not a filesystem" * 64)
        with open(img, "r+b") as dst:
            dst.seek(FAT_START * 512)
            dst.write(part.read_bytes())
        before = img.read_bytes()
        r = install(builddir, img, "--boot-sector=partition", "--partition=0")
        assert r.returncode == 1 and msg in r.stderr, (name, r.stderr)
        assert img.read_bytes() == before, name


def test_install_partition_gpt(builddir, tmp_path):
    """No QEMU: on a GPT disk --boot-sector=partition --partition=1 finds the second GPT entry,
    reads stage2's sectors on its ext4 (debugfs) and writes stage1 with that block list (the
    installer compares those sectors with stage2 before writing) into its boot block only."""
    from test_disks import sfdisk
    stage2 = os.path.join(builddir, "stage2", "stage2")
    root = tmp_path / "root"
    (root / "boot" / "osprey").mkdir(parents=True)
    shutil.copy(stage2, root / "boot" / "osprey" / "stage2")
    part = tmp_path / "ext.img"
    with open(part, "wb") as f:
        f.truncate(8192 * 512)
    subprocess.run([need("mkfs.ext4"), "-q", "-F", "-d", str(root), str(part)], check=True)
    disk = tmp_path / "gpt.img"
    with open(disk, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    sfdisk(str(disk), "label: gpt\nstart=2048, size=1024, type=21686148-6469-6E6F-744E-656564454649\n"
                      "start=4096, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n")
    with open(disk, "r+b") as f:
        f.seek(4096 * 512)
        f.write(part.read_bytes())
    before = disk.read_bytes()
    r = install(builddir, disk, "--boot-sector=partition", "--partition=1")
    assert r.returncode == 0 and "partition 1 (ext2/3/4, sector 4096)" in r.stdout, r.stderr
    after = disk.read_bytes()
    changed = [i // 512 for i in range(0, len(after), 512) if after[i:i + 512] != before[i:i + 512]]
    assert changed == [4096], changed
    s1 = after[4096 * 512:4097 * 512]
    assert s1[0x3E:0x42] == b"OSP1" and s1[0x43] == 1 and s1[510:] == b"\x55\xaa"
    lba, count = int.from_bytes(s1[0x44:0x48], "little"), int.from_bytes(s1[0x48:0x4A], "little")
    assert lba > 4096 and count >= 1
    want = open(stage2, "rb").read()[:count * 512]
    assert after[lba * 512:lba * 512 + len(want)] == want
