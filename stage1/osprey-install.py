#!/usr/bin/python3
"""osprey-install: write osprey's stage1 boot sector and stage2 to a disk, floppy or ISO image
(a device or an image file), refusing whatever would overwrite data osprey does not own.

Where stage2 goes (docs/disks.md):
  - a disk with an MBR partition table: the gap between the MBR and the first partition;
  - a GPT disk: its BIOS boot partition;
  - a FAT12/16 volume filling the device (a floppy): its reserved sectors after the boot sector;
  - an ISO 9660 image: stage2 must already be in it as /boot/osprey/stage2 (El Torito), stage1
    goes into the system area so that the image also boots from a USB stick.
stage1 gets a block list of where stage2 lies; the disk's signature and partition table (and a
FAT volume's BPB) are kept."""

import argparse
import os
import struct
import sys

IMAGEDIR = "@IMAGEDIR@"
SECTOR = 512
PARAMS = 0x3E                   # stage1's parameter block: "OSP1", drive, partition, 2 runs
BPB_END = 0x3E                  # FAT12/16 BPB: 03h-3Dh
MBR_KEEP = 0x1B8                # disk signature, partition table, 55AAh: the disk's
BIOS_BOOT_GUID = "21686148-6469-6e6f-744e-656564454649"
PREFIX = bytes([0xB6, 0xFF])    # stage2 starts with "mov $0xff,%dh" (stage2_prefix.S)


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
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    part = 0xFF if a.partition is None else a.partition
    if not 0 <= part <= 0xFF:
        ap.error("--partition must be 0-254")
    try:
        stage1 = open(a.stage1, "rb").read()
        stage2 = b"" if not os.path.exists(a.stage2) else open(a.stage2, "rb").read()
        with open(a.device, "r+b") as f:
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
