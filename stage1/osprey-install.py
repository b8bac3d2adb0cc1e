#!/usr/bin/python3
"""osprey-install: write osprey's stage1 boot sector and stage2 to a disk, floppy or ISO image
(a device or an image file), refusing whatever would overwrite data osprey does not own.

Where stage2 goes (docs/disks.md):
  - a disk with an MBR partition table: the gap between the MBR and the first partition;
  - a GPT disk: its BIOS boot partition;
  - a FAT12/16 volume filling the device (a floppy): its reserved sectors after the boot sector;
  - an ISO 9660 image: stage2 must already be in it as /boot/osprey/stage2 (El Torito), stage1
    goes into the system area so that the image also boots from a USB stick;
  - with --boot-sector=partition: stage1 into partition N's first sector (a FAT12/16 volume's
    BPB kept, an ext2/3/4 boot block) and stage2 stays a file on that partition, whose sectors
    mtools (mshowfat) or e2fsprogs (debugfs) report.
stage1 gets a block list of where stage2 lies; the disk's signature and partition table (and a
FAT volume's BPB) are kept."""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys

IMAGEDIR = "@IMAGEDIR@"
SECTOR = 512
PARAMS = 0x3E                   # stage1's parameter block: "OSP1", drive, partition, 2 runs
BPB_END = 0x3E                  # FAT12/16 BPB: 03h-3Dh
MBR_KEEP = 0x1B8                # disk signature, partition table, 55AAh: the disk's
BIOS_BOOT_GUID = "21686148-6469-6e6f-744e-656564454649"
PREFIX = bytes([0xB6, 0xFF])
MKFS_FAT_STUB = b"This is not a bootable disk"   # mkfs.fat's boot code only prints this    # stage2 starts with "mov $0xff,%dh" (stage2_prefix.S)


class Refused(Exception):
    pass


def guid_str(b):
    d1, d2, d3 = struct.unpack_from("<IHH", b)
    return f"{d1:08x}-{d2:04x}-{d3:04x}-{b[8:10].hex()}-{b[10:16].hex()}"


def read_at(f, lba, count=1):
    f.seek(lba * SECTOR)
    return f.read(count * SECTOR)


def fat_bpb(s0):
    """The FAT BPB in sector s0 as (fat bits, reserved sectors, total sectors), or None."""
    if s0[510:512] != b"\x55\xaa" and s0[0] not in (0xEB, 0xE9):
        return None
    bps, spc, reserved, nfats, root_ents, tot16, media, fatsz16 = \
        struct.unpack_from("<HBHBHHBH", s0, 11)
    if bps != 512 or spc == 0 or spc & (spc - 1) or nfats not in (1, 2) or media < 0xF0:
        return None
    total = tot16 or struct.unpack_from("<I", s0, 32)[0]
    return (32 if fatsz16 == 0 else 16), reserved, total


def mbr_partitions(s0):
    """The MBR's used slots as (type, start, count), or None when s0 has no partition table."""
    if s0[510:512] != b"\x55\xaa":
        return None
    parts = []
    for i in range(4):
        boot, ptype, start, count = struct.unpack_from("<B3xB3xII", s0, 0x1BE + 16 * i)
        if boot not in (0, 0x80):
            return None
        if ptype and count:
            parts.append((ptype, start, count))
    return parts


def gpt_bios_boot(f):
    """(start, count) of the GPT's BIOS boot partition, or None."""
    hdr = read_at(f, 1)
    if hdr[:8] != b"EFI PART":
        raise Refused("the protective MBR has no GPT behind it")
    entries_lba, n, size = struct.unpack_from("<QII", hdr, 72)
    data = read_at(f, entries_lba, (n * size + SECTOR - 1) // SECTOR)
    for i in range(n):
        e = data[i * size:(i + 1) * size]
        if guid_str(e[:16]) == BIOS_BOOT_GUID:
            first, last = struct.unpack_from("<QQ", e, 32)
            return first, last - first + 1
    return None


def iso_file_extent(f, path):
    """(LBA in 2048-byte blocks, size) of path in an ISO 9660 image (primary volume)."""
    pvd = read_at(f, 16 * 4, 4)
    if pvd[1:6] != b"CD001" or pvd[0] != 1:
        raise Refused("not an ISO 9660 primary volume descriptor at sector 16")
    lba, size = struct.unpack_from("<I4xI", pvd, 156 + 2)
    for comp in path.strip("/").split("/"):
        f.seek(lba * 2048)
        data, off, found = f.read(size), 0, None
        while off < len(data):
            rl = data[off]
            if rl == 0:                 # records do not cross a block: skip to the next one
                off = (off // 2048 + 1) * 2048
                continue
            nl = data[off + 32]
            name = data[off + 33:off + 33 + nl].decode("ascii", "replace").split(";")[0]
            if name.rstrip(".").lower() == comp.lower():
                found = struct.unpack_from("<I4xI", data, off + 2)
                break
            off += rl
        if not found:
            raise Refused(f"{path} is not in the ISO image (build it with stage2 there)")
        lba, size = found
    return lba, size


def stage1_with(stage1, old, keep_bpb, runs, partition):
    """stage1 with its parameter block filled in, the old sector's BPB (if keep_bpb) and
    disk signature/partition table kept."""
    if len(stage1) != SECTOR or stage1[PARAMS:PARAMS + 4] != b"OSP1":
        raise Refused("the stage1 file is not osprey's stage1 (no OSP1 parameter block)")
    if len(runs) > 2 or any(c > 0xFFFF or lba > 0xFFFFFFFF for lba, c in runs):
        raise Refused("stage2 does not fit stage1's block list (2 runs below 2 TiB)")
    s = bytearray(stage1)
    if keep_bpb:
        s[3:BPB_END] = old[3:BPB_END]
    params = b"OSP1" + bytes([0xFF, partition])
    for lba, count in runs + [(0, 0)] * (2 - len(runs)):
        params += struct.pack("<IH", lba, count)
    s[PARAMS:PARAMS + len(params)] = params
    s[MBR_KEEP:510] = old[MBR_KEEP:510]
    s[510:512] = b"\x55\xaa"
    return bytes(s)


def must_be_free(f, lba, count, what, force):
    """Refuse to write over non-zero sectors that are not an earlier osprey stage2."""
    data = read_at(f, lba, count)
    if data.startswith(PREFIX) or not data.strip(b"\0") or force:
        return
    raise Refused(f"{what} (sectors {lba}-{lba + count - 1}) holds data osprey did not write "
                  "(another boot loader?); --force overwrites it")


def partition_slot(f, s0, n):
    """(start, count) of partition n: an MBR primary slot (0-3) or a GPT entry (from 0)."""
    if s0[510:512] != b"\x55\xaa":
        raise Refused("the disk has no partition table")
    slots = [struct.unpack_from("<B3xB3xII", s0, 0x1BE + 16 * i) for i in range(4)]
    if any(t == 0xEE for _, t, _, _ in slots):
        hdr = read_at(f, 1)
        if hdr[:8] != b"EFI PART":
            raise Refused("the protective MBR has no GPT behind it")
        entries_lba, count, size = struct.unpack_from("<QII", hdr, 72)
        if n < count:
            e = read_at(f, entries_lba + n * size // SECTOR)[n * size % SECTOR:][:size]
            first, last = struct.unpack_from("<QQ", e, 32)
            if e[:16].strip(b"\0"):
                return first, last - first + 1
    elif n < 4 and slots[n][1] and slots[n][3]:
        return slots[n][2], slots[n][3]
    raise Refused(f"there is no partition {n} (counted from 0 as in (hd0,{n}); logical "
                  "partitions are not supported here)")


def tool(name):
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not path:
        raise Refused(f"{name} is needed to find the stage2 file's sectors (install "
                      f"{'mtools' if name.startswith('m') else 'e2fsprogs'})")
    return path


def run_tool(argv, what):
    r = subprocess.run(argv, capture_output=True, text=True,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    if r.returncode != 0:
        msg = (r.stderr.strip().splitlines() or ["failed"])[-1]
        raise Refused(f"{what}: {msg}")
    return r.stdout


def fat_file_sectors(dev, start, s0, path):
    """Sectors (relative to the partition) of path on the FAT volume, cluster by cluster, in
    file order, as mshowfat (mtools) lists the file's clusters."""
    out = run_tool([tool("mshowfat"), "-i", f"{dev}@@{start * SECTOR}", "::" + path],
                   f"{path} on the FAT volume (copy stage2 there first)")
    spc, reserved, nfats, root_ents = s0[13], *struct.unpack_from("<HBH", s0, 14)
    fatsz = struct.unpack_from("<H", s0, 22)[0]
    first_data = reserved + nfats * fatsz + (root_ents * 32 + SECTOR - 1) // SECTOR
    sectors = []
    for a, b in re.findall(r"<(\d+)(?:-(\d+))?>", out):
        for cl in range(int(a), int(b or a) + 1):
            base = first_data + (cl - 2) * spc
            sectors.extend(range(base, base + spc))
    return sectors


def ext_file_sectors(dev, start, path):
    """Sectors (relative to the partition) of path on an ext2/3/4 filesystem, as debugfs's
    `blocks` lists the file's data blocks (e2fsprogs: image?offset=BYTES reaches a partition)."""
    sb = read_at(dev, start + 2, 2)
    bsize = 1024 << struct.unpack_from("<I", sb, 24)[0]
    out = run_tool([tool("debugfs"), "-R", f"blocks {path}", f"{dev.name}?offset={start * SECTOR}"],
                   f"{path} on the ext2/3/4 filesystem (copy stage2 there first)")
    blocks = [int(x) for x in out.split()]
    if not blocks:
        raise Refused(f"{path} is not on the ext2/3/4 filesystem (copy stage2 there first)")
    per = bsize // SECTOR
    return [b * per + i for b in blocks for i in range(per)]


def sector_runs(sectors):
    """[(first, count)] for a list of sector numbers, consecutive ones merged."""
    runs = []
    for s in sectors:
        if runs and runs[-1][0] + runs[-1][1] == s:
            runs[-1][1] += 1
        else:
            runs.append([s, 1])
    return [tuple(r) for r in runs]


def plan_partition(f, stage1, stage2, n, path, force):
    """stage1 into partition n's boot sector, stage2 read from the file path on it."""
    s0 = read_at(f, 0)
    start, count = partition_slot(f, s0, n)
    boot = read_at(f, start)
    n2 = (len(stage2) + SECTOR - 1) // SECTOR
    bpb = fat_bpb(boot)
    ours = boot[PARAMS:PARAMS + 4] == b"OSP1"
    if bpb:
        if bpb[0] == 32:
            raise Refused(f"partition {n} holds FAT32, whose BPB overlaps stage1's code: "
                          "use FAT16 or ext2/3/4 there, or install into the MBR")
        code = boot[BPB_END:MBR_KEEP]
        if not (ours or not code.strip(b"\0") or MKFS_FAT_STUB in code or force):
            raise Refused(f"the FAT boot sector of partition {n} holds boot code osprey did not "
                          "write (another boot loader?); --force overwrites it")
        sectors = fat_file_sectors(f.name, start, boot, path)
        kind = f"FAT{bpb[0]}"
    elif read_at(f, start + 2)[56:58] == b"\x53\xef":
        if boot.strip(b"\0") and not ours and not force:
            raise Refused(f"the ext2/3/4 boot block of partition {n} holds data osprey did not "
                          "write (another boot loader?); --force overwrites it")
        sectors = ext_file_sectors(f, start, path)
        kind = "ext2/3/4"
    else:
        raise Refused(f"partition {n} holds neither FAT12/16 nor ext2/3/4 (stage1 would "
                      "overwrite a filesystem's first sector)")
    if len(sectors) < n2:
        raise Refused(f"{path} is {len(sectors)} sectors, stage2 is {n2}: copy stage2 there")
    runs = sector_runs(sectors[:n2])
    if any(s + c > count for s, c in runs):
        raise Refused(f"{path} lies outside partition {n}")
    runs = [(start + s, c) for s, c in runs]
    if len(runs) > 2:
        raise Refused(f"{path} is in {len(runs)} pieces on the disk, stage1 reads at most 2: "
                      "copy it again (cp) so that the filesystem writes it in one piece")
    data = b"".join(read_at(f, s, c) for s, c in runs)
    if data[:len(stage2)] != stage2:
        raise Refused(f"{path} on partition {n} is not this stage2 (copy it again)")
    return [(start, stage1_with(stage1, boot, bool(bpb), runs, n))], \
        f"partition {n} ({kind}, sector {start}): stage1 in its boot sector, stage2 is {path} " \
        f"({', '.join(f'{s}+{c}' for s, c in runs)})"


def plan(f, stage1, stage2, partition, force):
    """Decide where everything goes: [(lba, bytes)] to write, and a one-line summary."""
    s0 = read_at(f, 0)
    n2 = (len(stage2) + SECTOR - 1) // SECTOR
    stage2 = stage2.ljust(n2 * SECTOR, b"\0")
    f.seek(0x8001)
    if f.read(5) == b"CD001":
        lba, size = iso_file_extent(f, "/boot/osprey/stage2")
        if read_at(f, lba * 4, 1)[:2] != PREFIX:
            raise Refused("/boot/osprey/stage2 in the ISO image is not osprey's stage2")
        runs = [(lba * 4, (size + SECTOR - 1) // SECTOR)]
        return [(0, stage1_with(stage1, s0, False, runs, 0xFF))], \
            f"ISO image: stage1 in the system area, stage2 at ISO block {lba}"
    bpb = fat_bpb(s0)
    parts = None if bpb else mbr_partitions(s0)
    if bpb:
        bits, reserved, total = bpb
        if bits == 32:
            raise Refused("a FAT32 volume fills the device: its BPB overlaps stage1's code "
                          "and its reserved sectors hold FSInfo; partition the disk instead")
        if reserved < 1 + n2:
            raise Refused(f"the FAT volume has {reserved} reserved sectors, stage2 needs "
                          f"{1 + n2} (make it with mkfs.fat -R {1 + n2})")
        must_be_free(f, 1, n2, "the FAT volume's reserved sectors", force)
        return [(0, stage1_with(stage1, s0, True, [(1, n2)], 0xFF)), (1, stage2)], \
            f"FAT{bits} volume: stage2 in reserved sectors 1-{n2}"
    if parts is None:
        if read_at(f, 2)[56:58] == b"\x53\xef":
            raise Refused("an ext2/3/4 filesystem starts at sector 0 (a filesystem in the way): "
                          "partition the disk instead")
        if s0.strip(b"\0") and not force:
            raise Refused("sector 0 holds neither a partition table nor a FAT volume "
                          "(a filesystem in the way?); --force overwrites it")
        raise Refused("the disk has no partition table: partition it first (sfdisk)")
    if any(t == 0xEE for t, _, _ in parts):
        bb = gpt_bios_boot(f)
        if not bb:
            raise Refused("GPT disk without a BIOS boot partition (type "
                          f"{BIOS_BOOT_GUID}) to hold stage2")
        start, count = bb
        if count < n2:
            raise Refused(f"the BIOS boot partition has {count} sectors, stage2 needs {n2}")
        must_be_free(f, start, n2, "the BIOS boot partition", force)
        return [(0, stage1_with(stage1, s0, False, [(start, n2)], partition)),
                (start, stage2)], f"GPT: stage2 in the BIOS boot partition at {start}"
    first = min(start for _, start, _ in parts) if parts else 1 << 32
    if first < 1 + n2:
        raise Refused(f"the gap after the MBR is {first - 1} sectors, stage2 needs {n2} "
                      "(the first partition should start at 1 MiB, sector 2048)")
    must_be_free(f, 1, n2, "the gap after the MBR", force)
    return [(0, stage1_with(stage1, s0, False, [(1, n2)], partition)), (1, stage2)], \
        f"MBR: stage2 in the gap, sectors 1-{n2}"


def main():
    ap = argparse.ArgumentParser(description="Install osprey's stage1 and stage2 on a disk, "
                                 "floppy or ISO image (device or file).")
    ap.add_argument("device", help="disk device or image file, e.g. /dev/sdb or disk.img")
    ap.add_argument("--stage1", default=os.path.join(IMAGEDIR, "stage1"))
    ap.add_argument("--stage2", default=os.path.join(IMAGEDIR, "stage2"))
    ap.add_argument("--partition", type=int, default=None, metavar="N",
                    help="root partition for stage2, counted from 0 as in (hd0,N) "
                         "(default: the one holding /boot/osprey/menu.lst)")
    ap.add_argument("--force", action="store_true",
                    help="overwrite sectors that hold data osprey did not write")
    ap.add_argument("--boot-sector", choices=("mbr", "partition"), default="mbr",
                    help="where stage1 goes: the MBR (default) or the first sector of "
                         "partition --partition=N, with stage2 a file on that partition")
    ap.add_argument("--stage2-file", default="/boot/osprey/stage2", metavar="PATH",
                    help="with --boot-sector=partition: stage2's file on the partition")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    part = 0xFF if a.partition is None else a.partition
    if not 0 <= part <= 0xFF:
        ap.error("--partition must be 0-254")
    if a.boot_sector == "partition" and a.partition is None:
        ap.error("--boot-sector=partition needs --partition=N")
    try:
        stage1 = open(a.stage1, "rb").read()
        stage2 = b"" if not os.path.exists(a.stage2) else open(a.stage2, "rb").read()
        with open(a.device, "r+b") as f:
            if a.boot_sector == "partition":
                if not stage2.startswith(PREFIX):
                    raise Refused(f"{a.stage2} is not osprey's stage2")
                writes, summary = plan_partition(f, stage1, stage2, part, a.stage2_file,
                                                 a.force)
            else:
                writes, summary = plan(f, stage1, stage2, part, a.force)
            if len(writes) > 1 and not stage2.startswith(PREFIX):
                raise Refused(f"{a.stage2} is not osprey's stage2")
            for lba, data in writes:
                f.seek(lba * SECTOR)
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except (Refused, OSError) as e:
        print(f"osprey-install: {a.device}: {e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"osprey-install: {a.device}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
