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


def make_mbr_disk(path, rng):
    """A 64 MiB MBR disk: 2 primaries, an extended one with 2 logical partitions; the
    first sectors of each hold random data. Returns {block list name: bytes}."""
    with open(path, "wb") as f:
        f.truncate(64 * MiB)
    sfdisk(path, "label: dos\n"
                 "start=2048, size=16384, type=83, bootable\n"
                 "start=18432, size=16384, type=c\n"
                 "start=34816, size=40960, type=5\n"
                 "start=36864, size=8192, type=83\n"
                 "start=47104, size=8192, type=83\n")
    want = {}
    for name, lba, n in (("(hd0,0)0+1", 2048, 1), ("(hd0,1)0+2", 18432, 2),
                         ("(hd0,4)0+1", 36864, 1), ("(hd0,5)3+2,0+1", 47104, 5)):
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


def test_disk_blocklists_mbr_gpt(machines, builddir, tmp_path):
    """One boot, two IDE disks (MBR with logical partitions, GPT): geometry lists both tables
    as sfdisk wrote them, block lists on disks and partitions read the right bytes, and bad
    names get a clear error and the prompt back."""
    rng = random.Random(11)
    mbr, gpt = str(tmp_path / "mbr.img"), str(tmp_path / "gpt.img")
    want = make_mbr_disk(mbr, rng)
    want.update(make_gpt_disk(gpt, rng))
    m = machines(name="disks", kernel=os.path.join(builddir, "stage2", "osprey.lkrn"),
                 extra_args=["-drive", f"file={mbr},format=raw,if=ide,index=0",
                             "-drive", f"file={gpt},format=raw,if=ide,index=1"])
    m.boot_to_prompt()
    out = m.cmd("geometry")
    assert "(hd0) BIOS drive 80h" in out and "131072 sectors of 512 bytes, LBA" in out, out
    assert "(hd1) BIOS drive 81h" in out and "65536 sectors" in out, out
    for line in ("(hd0,0) type 83h (active), start 2048, 16384 sectors",
                 "(hd0,1) type 0ch, start 18432, 16384 sectors",
                 "(hd0,2) type 05h, start 34816, 40960 sectors",
                 "(hd0,4) type 83h, start 36864, 8192 sectors",
                 "(hd0,5) type 83h, start 47104, 8192 sectors",
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
