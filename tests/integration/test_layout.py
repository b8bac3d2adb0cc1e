"""Where osprey lives in memory: the image runs at its link address (0x8000), and 0x7C00-0x7DFF,
where a chained boot sector or NBP must go, holds nothing of osprey after either kind of start.
Shown with the `dump` command, which is also checked here."""

import re

from test_errors import check_error

DUMP_LINE = re.compile(r"^([0-9a-f]{8})  ((?:[0-9a-f]{2} ?){1,16})\s*\|(.*)\|$")


def dump(m, addr, length):
    """Run `dump` and return the bytes it printed (checking each line's address)."""
    out = m.cmd(f"dump {addr:#x} {length}")
    data = b""
    for ln in out.split("\n"):
        mo = DUMP_LINE.match(ln)
        assert mo, f"not a dump line: {ln!r}\n{out}"
        assert int(mo.group(1), 16) == addr + len(data), out
        data += bytes.fromhex(mo.group(2))
    assert len(data) == length, out
    return data


def check_layout(m, image, chain_area_zero):
    # The image runs from 0x8000: its first bytes are there, as in the file.
    assert dump(m, 0x8000, 64) == image[:64]
    # 0x7C00-0x7DFF: not osprey's code (not even a stale copy of its start).
    low = dump(m, 0x7C00, 512)
    assert low[:16] != image[:16], low[:16].hex()
    assert image[:16] not in low
    if chain_area_zero:
        # After a PXE start the entry cleared the ROM's copy, and the gateway's real-mode
        # stack (below 0x7C00) did not grow into the area while DHCP and TFTP ran.
        assert low == bytes(512), low.hex()


def test_nbp_image_at_link_address(osprey, builddir):
    image = open(f"{builddir}/stage2/osprey.0", "rb").read()
    m = osprey()
    # Some real-mode traffic first (PXE/BIOS calls through the gateway).
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60)
    check_layout(m, image, chain_area_zero=True)


def test_lkrn_image_at_link_address(machines, builddir):
    image = open(f"{builddir}/stage2/osprey.0", "rb").read()   # the .lkrn's payload
    m = machines(name="lkrn-layout", kernel=f"{builddir}/stage2/osprey.lkrn", nic=None)
    m.boot_to_prompt()
    check_layout(m, image, chain_area_zero=False)


def test_dump_format_and_errors(machines, builddir):
    image = open(f"{builddir}/stage2/osprey.0", "rb").read()
    m = machines(name="dump", kernel=f"{builddir}/stage2/osprey.lkrn", nic=None)
    m.boot_to_prompt()
    # Default length 64; a partial last line; the ASCII column.
    assert len(m.cmd("dump 0x8000").split("\n")) == 4
    out = m.cmd("dump 0x8001 3").split("\n")
    assert len(out) == 1 and out[0].startswith("00008001  " + image[1:4].hex(" ")), out
    # The version string sits in the image: the ASCII column shows it.
    off = image.index(b"osprey 0.")
    out = m.cmd(f"dump {0x8000 + off:#x} 9")
    assert out.endswith("|osprey 0.|"), out
    check_error(m, "dump", r"usage: dump ADDR")
    check_error(m, "dump 0x8000 1 2", r"usage: dump ADDR")
    check_error(m, "dump zz", r"zz")
    check_error(m, "dump 0x8000 0x10001", r"at most 65536")
    check_error(m, "dump 0xfffffff0 32", r"past 4 GiB")
    # The last 16 bytes below 4 GiB are fine (the reset vector's ROM).
    assert len(dump(m, 0xFFFFFFF0, 16)) == 16
