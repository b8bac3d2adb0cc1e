"""Disks: BIOS disks through INT 13h, MBR (extended, logical) and GPT tables made by sfdisk,
block lists read as files, and the filesystems on disk images made by real tools."""

import hashlib
import os
import random
import shutil
import subprocess

import pytest

from conftest import T_LOAD, sha256sum

MiB = 1024 * 1024


def need(tool):
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
    if not path:
        pytest.fail(f"{tool} missing (scripts/install-deps installs it)", pytrace=False)
    return path


def sfdisk(image, script):
    subprocess.run([need("sfdisk"), "--no-reread", "--no-tell-kernel", "-q", image],
                   input=script, text=True, check=True, capture_output=True)


def write_at(image, offset, data):
    with open(image, "r+b") as f:
        f.seek(offset)
        f.write(data)


def sector_sha(data):
    return hashlib.sha256(data).hexdigest()


FAT_START, FAT_SECTORS = 18432, 65536


def make_fat_partition(path, tmp_path, fixtures_dir):
    """mkfs.vfat (FAT16) in (hd0,1) of the disk at path, filled by mtools with the Debian
    kernel and initrd under /boot, a long name and a nested directory."""
    part = str(tmp_path / "fat.img")
    with open(part, "wb") as f:
        f.truncate(FAT_SECTORS * 512)
    subprocess.run([need("mkfs.vfat"), "-F", "16", "-n", "OSPREY", part], check=True,
                   capture_output=True)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    hello = tmp_path / "hello.txt"
    hello.write_bytes(b"hello from a FAT partition\n")
    for args in (["mmd", "-i", part, "::/boot", "::/boot/osprey", "::/Some Directory"],
                 ["mcopy", "-i", part, os.path.join(fixtures_dir, "vmlinuz"), "::/boot/vmlinuz"],
                 ["mcopy", "-i", part, os.path.join(fixtures_dir, "initrd.img"),
                  "::/boot/initrd.img"],
                 ["mcopy", "-i", part, str(hello), "::/Some Directory/A long file name.txt"]):
        subprocess.run([need(args[0])] + args[1:], check=True, capture_output=True, env=env)
    with open(part, "rb") as src, open(path, "r+b") as dst:
        dst.seek(FAT_START * 512)
        shutil.copyfileobj(src, dst)


def make_mbr_disk(path, rng):
    """A 96 MiB MBR disk: 2 primaries, an extended one with 2 logical partitions; the
    first sectors of the non-FAT ones hold random data. Returns {block list name: bytes}."""
    with open(path, "wb") as f:
        f.truncate(96 * MiB)
    sfdisk(path, "label: dos\n"
                 "start=2048, size=16384, type=83, bootable\n"
                 f"start={FAT_START}, size={FAT_SECTORS}, type=e\n"
                 "start=83968, size=40960, type=5\n"
                 "start=86016, size=8192, type=83\n"
                 "start=96256, size=8192, type=83\n")
    want = {}
    for name, lba, n in (("(hd0,0)0+1", 2048, 1), ("(hd0,4)0+1", 86016, 1),
                         ("(hd0,5)3+2,0+1", 96256, 5)):
        data = rng.randbytes(n * 512)
        write_at(path, lba * 512, data)
        want[name] = data
    # (hd0,5)3+2,0+1 reads sectors 3-4 then 0 of the second logical partition.
    d = want.pop("(hd0,5)3+2,0+1")
    want["(hd0,5)3+2,0+1"] = d[3 * 512:5 * 512] + d[:512]
    with open(path, "rb") as f:
        want["(hd0)+1"] = f.read(512)
    return want


def make_gpt_disk(path, rng):
    with open(path, "wb") as f:
        f.truncate(32 * MiB)
    sfdisk(path, "label: gpt\n"
                 "start=2048, size=2048, type=21686148-6469-6E6F-744E-656564454649\n"
                 "start=4096, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n")
    data = rng.randbytes(1024)
    write_at(path, 4096 * 512, data)
    return {"(hd1,1)0+2": data}


def test_disk_blocklists_mbr_gpt_fat(machines, builddir, tmp_path, fixtures_dir):
    """One boot, two IDE disks (MBR with logical partitions and a FAT16 partition, GPT):
    geometry lists both tables as sfdisk wrote them, block lists on disks and partitions read
    the right bytes, bad names get a clear error and the prompt back, ls lists the FAT
    partition, and the Debian kernel and initrd load from it and boot."""
    rng = random.Random(11)
    mbr, gpt = str(tmp_path / "mbr.img"), str(tmp_path / "gpt.img")
    want = make_mbr_disk(mbr, rng)
    make_fat_partition(mbr, tmp_path, fixtures_dir)
    with open(mbr, "rb") as f:
        f.seek(FAT_START * 512)
        want["(hd0,1)0+2"] = f.read(1024)
    want.update(make_gpt_disk(gpt, rng))
    m = machines(name="disks", kernel=os.path.join(builddir, "stage2", "osprey.lkrn"),
                 extra_args=["-drive", f"file={mbr},format=raw,if=ide,index=0",
                             "-drive", f"file={gpt},format=raw,if=ide,index=1"])
    m.boot_to_prompt()
    out = m.cmd("geometry")
    assert "(hd0) BIOS drive 80h" in out and "196608 sectors of 512 bytes, LBA" in out, out
    assert "(hd1) BIOS drive 81h" in out and "65536 sectors" in out, out
    for line in ("(hd0,0) type 83h (active), start 2048, 16384 sectors",
                 "(hd0,1) type 0eh, start 18432, 65536 sectors",
                 "(hd0,2) type 05h, start 83968, 40960 sectors",
                 "(hd0,4) type 83h, start 86016, 8192 sectors",
                 "(hd0,5) type 83h, start 96256, 8192 sectors",
                 "GPT", "(hd1,0) type eeh, start 2048, 2048 sectors",
                 "(hd1,1) type eeh, start 4096, 8192 sectors"):
        assert line in out, f"{line!r} missing:\n{out}"
    for name, data in want.items():
        assert sha256sum(m, name, timeout=T_LOAD) == sector_sha(data), name
    out = m.cmd("sha256sum (hd0,7)+1")
    assert "Error" in out and "(hd0,7)" in out, out
    out = m.cmd("sha256sum (hd2)+1")
    assert "Error" in out, out
    out = m.cmd("sha256sum (hd0,4)8190+5")
    assert "Error" in out and "run past the end of (hd0,4)" in out, out
    out = m.cmd("ls (hd0,0)")
    assert "Error" in out and "holds no filesystem osprey can read" in out, out
    out = m.cmd("ls (hd0,1)/")
    assert "boot/" in out and "Some Directory/" in out and "OSPREY" not in out, out
    out = m.cmd('ls "(hd0,1)/Some Directory"')
    assert "A long file name.txt" in out and " 27" in out, out
    out = m.cmd("cat \"(hd0,1)/Some Directory/a LONG file name.txt\"")
    assert "hello from a FAT partition" in out, out
    # find: every partition that holds the file, "file not found" when none does.
    out = m.cmd("find /boot/vmlinuz", timeout=T_LOAD)
    assert [l.strip() for l in out.splitlines() if l.strip().startswith("(")] == ["(hd0,1)"], out
    out = m.cmd("find /no/such/file", timeout=T_LOAD)
    assert "Error" in out and "file not found" in out, out
    # makeactive refuses what is not an MBR primary partition, then moves the boot flag.
    for root, msg in (("rootnoverify (nd)", "is not a hard disk partition"),
                      ("root (hd0,4)", "(hd0,4) is a logical partition"),
                      ("root (hd1,1)", "(hd1) has a GPT"),
                      ("root (hd0,2)", "has no partition 2 that can boot")):
        m.cmd(root)
        out = m.cmd("makeactive")
        assert "Error" in out and msg in out, out
    out = m.cmd("root (hd0,1)")
    assert "Error" not in out, out
    out = m.cmd("makeactive")
    assert "Error" not in out and "(hd0,1) is now the active partition" in out, out
    out = m.cmd("geometry (hd0)")
    assert "(hd0,1) type 0eh (active)" in out and "(hd0,0) type 83h, start" in out, out
    assert sha256sum(m, "/boot/initrd.img") == \
        hashlib.sha256(open(os.path.join(fixtures_dir, "initrd.img"), "rb").read()).hexdigest()
    cmdline = m.boot_linux(nd_kernel="/boot/vmlinuz", nd_initrd="(hd0,1)/boot/initrd.img")
    assert "osprey.test=ABC" in cmdline
    # The MBR on the image after QEMU is gone: only the boot flags changed (INT 13h write).
    m.close()
    with open(mbr, "rb") as f:
        after = f.read(512)
    flags = [after[446 + 16 * i] for i in range(4)]
    assert flags == [0, 0x80, 0, 0], flags
    before = bytearray(want["(hd0)+1"])
    before[446], before[446 + 16] = 0, 0x80
    assert after == bytes(before)


def make_ext_partition(path, tmp_path, start, sectors, mkfs, files, extra=()):
    """mkfs (mkfs.ext2 / mkfs.ext4, default features plus extra) of a partition image filled
    with mke2fs -d from files {path in the fs: bytes or a host file name}, copied to sector
    start of the disk at path."""
    part, root = str(tmp_path / f"ext{start}.img"), tmp_path / f"root{start}"
    for name, data in files.items():
        dst = root / name.lstrip("/")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            dst.write_bytes(data)
        else:
            shutil.copyfile(data, dst)
    with open(part, "wb") as f:
        f.truncate(sectors * 512)
    subprocess.run([need(mkfs), "-q", *extra, "-d", str(root), part], check=True,
                   capture_output=True)
    with open(part, "rb") as src, open(path, "r+b") as dst:
        dst.seek(start * 512)
        shutil.copyfileobj(src, dst)


def test_disk_ext_iso(machines, builddir, tmp_path, fixtures_dir):
    """One boot, two IDE disks: (hd0) with ext4 (default features: extents, 64bit, flex_bg,
    metadata_csum) holding the Debian kernel and initrd, ext2, ext4 with inline_data and an
    ext2 with a corrupt superblock; (hd1) is osprey.iso (ISO 9660 with Rock Ridge). ls and cat
    read ext2 and the ISO; the refused feature and the bad superblock give their message and
    the prompt; the kernel and initrd load from ext4 and boot."""
    disk, iso = str(tmp_path / "ext.img"), str(tmp_path / "osprey.iso")
    shutil.copyfile(os.path.join(builddir, "stage2", "osprey.iso"), iso)
    with open(disk, "wb") as f:
        f.truncate(48 * MiB)
    sfdisk(disk, "label: dos\n"
                 "start=2048, size=65536, type=83\n"
                 "start=67584, size=8192, type=83\n"
                 "start=75776, size=8192, type=83\n"
                 "start=83968, size=8192, type=83\n")
    make_ext_partition(disk, tmp_path, 2048, 65536, "mkfs.ext4",
                       {"boot/vmlinuz": os.path.join(fixtures_dir, "vmlinuz"),
                        "boot/initrd.img": os.path.join(fixtures_dir, "initrd.img")})
    make_ext_partition(disk, tmp_path, 67584, 8192, "mkfs.ext2",
                       {"etc/motd": b"hello from ext2\n", "a/b/c/d/e/f/deep": b"deep\n"})
    make_ext_partition(disk, tmp_path, 75776, 8192, "mkfs.ext4", {"x": b"inline\n"},
                       extra=("-O", "inline_data"))
    make_ext_partition(disk, tmp_path, 83968, 8192, "mkfs.ext2", {"x": b"x\n"})
    write_at(disk, 83968 * 512 + 1024 + 0x18, b"\x28")   # s_log_block_size 40
    m = machines(name="disks-ext", kernel=os.path.join(builddir, "stage2", "osprey.lkrn"),
                 extra_args=["-drive", f"file={disk},format=raw,if=ide,index=0",
                             "-drive", f"file={iso},format=raw,if=ide,index=1"])
    m.boot_to_prompt()
    out = m.cmd("ls (hd0,1)/")
    assert "etc/" in out and "a/" in out and "lost+found/" in out, out
    out = m.cmd("cat (hd0,1)/etc/motd")
    assert "hello from ext2" in out, out
    out = m.cmd("cat (hd0,1)/a/b/c/d/e/f/deep")
    assert "deep" in out and "Error" not in out, out
    out = m.cmd("cat (hd0,2)/x")
    assert "Error" in out and "ext4 feature 'inline_data' not supported" in out, out
    out = m.cmd("ls (hd0,3)/")
    assert "Error" in out and "superblock is corrupt" in out, out
    stage2_size = os.path.getsize(os.path.join(builddir, "stage2", "stage2"))
    out = m.cmd("ls (hd1)/boot/osprey")
    assert "stage2" in out and str(stage2_size) in out, out
    out = m.cmd("ls (hd0,0)/boot")
    assert "vmlinuz" in out and str(os.path.getsize(os.path.join(fixtures_dir, "vmlinuz"))) \
        in out, out
    out = m.cmd("root (hd0,0)")
    assert "Error" not in out, out
    cmdline = m.boot_linux(nd_kernel="/boot/vmlinuz", nd_initrd="(hd0,0)/boot/initrd.img")
    assert "osprey.test=ABC" in cmdline
