"""The build itself: out of tree from a clean copy, the image size limit, make install, and the
link address (above the 0x7C00 area chained code needs; link.ld refuses anything lower)."""

import os
import re
import subprocess

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd, cwd, ok=True):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if ok:
        assert p.returncode == 0, f"{cmd} failed:\n{p.stdout[-4000:]}"
    return p


def test_out_of_tree_build_limit_and_install(tmp_path):
    if not os.path.exists(os.path.join(SRC, "configure")):
        run(["./bootstrap"], SRC)
    b = tmp_path / "b"
    b.mkdir()
    run([os.path.join(SRC, "configure"), "--enable-diskless", f"--prefix={tmp_path}/prefix"], b)
    # An image over its limit fails the build, says so, and leaves no image behind.
    p = run(["make", "-j2", "NBP_LIMIT=4096"], b, ok=False)
    assert p.returncode != 0
    assert "osprey.0 is larger than 4096 bytes" in p.stdout, p.stdout[-2000:]
    assert not (b / "stage2/osprey.0").exists()
    # Within the limit it builds and prints each image's size.
    p = run(["make", "-j2"], b)
    assert "osprey.0" in p.stdout and "bytes" in p.stdout
    run(["make", "install"], b)
    for img in ("osprey.0", "osprey.lkrn"):
        inst = tmp_path / "prefix/lib/osprey" / img
        assert inst.is_file(), f"{inst} not installed"
        assert inst.read_bytes() == (b / "stage2" / img).read_bytes()
    lkrn = (b / "stage2/osprey.lkrn").read_bytes()
    assert lkrn[0x202:0x206] == b"HdrS" and lkrn[0x1fe:0x200] == b"\x55\xaa"
    # link.ld refuses an image that starts in 0x7C00-0x7DFF, where chained code must go.
    bad = tmp_path / "low.ld"
    ld = open(os.path.join(SRC, "stage2/arch/i386/link.ld")).read()
    assert ". = 0x8000;" in ld
    bad.write_text(ld.replace(". = 0x8000;", ". = 0x7c00;"))
    (b / "stage2/osprey.elf").unlink()
    p = run(["make", "-C", "stage2", "osprey.elf",
             f"osprey_elf_LDFLAGS=$(TARGET_LDFLAGS) -Wl,-T,{bad}"], b, ok=False)
    assert p.returncode != 0
    assert "must start at or above 0x7E00" in p.stdout, p.stdout[-2000:]


def symbols(elf):
    """nm's symbol table of an ELF file as {name: address}."""
    out = subprocess.run(["nm", elf], stdout=subprocess.PIPE, text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in (ln.split() for ln in out.splitlines()) if len(f) == 3}


def test_image_linked_above_chain_area(builddir):
    syms = symbols(os.path.join(builddir, "stage2/osprey.elf"))
    # Linked at 0x8000 (as GRUB legacy's stage2): 0x7C00-0x7DFF stays free for a chained boot
    # sector or NBP, and the gateway's real-mode stack below 0x7C00 does not meet the image.
    assert syms["_start_image"] == 0x8000
    assert syms["_start"] == syms["_start_image"]          # the NBP entry is the first byte
    assert syms["_end_text16"] <= 0x10000                  # real-mode code reachable with CS = 0
    assert syms["_end"] <= 0x60000                         # image + bss + stacks
    # The .lkrn stub reaches the relocator through this offset from code32_start.
    assert syms["_lkrn_relocate_offset"] == syms["lkrn_relocate"] - syms["_start_image"]
    # The NBP entry's move code runs at 0x7C00 and must end before the copy reaches it.
    assert syms["nbp_moved"] - syms["_start_image"] <= syms["_start_image"] - 0x7C00
    # The chain trampoline runs at 0x600 and must end below 0x7BE, where a chained partition
    # boot sector's table entry goes (DS:SI).
    assert syms["chain_tramp_end"] - syms["chain_tramp"] <= 0x7BE - 0x600
    # The link map says the same.
    mapfile = open(os.path.join(builddir, "stage2/osprey.map")).read()
    assert re.search(r"(?m)^\s+0x0*8000\s+_start_image = \.", mapfile), "no _start_image in map"

