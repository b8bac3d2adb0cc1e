"""osprey.0 on a NIC with no native driver (e1000e): osprey runs it through the ROM's UNDI by
default; `ifconfig --driver=pxe` leaves it to the ROM, whose UDP API then carries the files
(`--driver=pxe-tftp`: its TFTP API); the
`pxe` command shows the stack; unloading it (by hand or before a kernel) reports each step and
gives the stack's base memory back (40:13, seen through INT 12h)."""

import re

import pytest

from conftest import parse_ifconfig

NIC = "e1000e"   # QEMU has an iPXE ROM for it; osprey has no driver for it


def status(m):
    out = m.cmd("pxe status")
    fields = dict(re.findall(r"(?m)^(\w+)\s+(.*)$", out))
    return out, fields


def use_rom_api(m):
    """From the default (undi) to no osprey driver: files through the ROM's UDP API."""
    assert parse_ifconfig(m.cmd("ifconfig")).get("driver", "").startswith("undi ("), "undi expected"
    out = m.cmd("ifconfig --driver=pxe")
    assert out == "NIC: none; files go through the PXE ROM's UDP API", out


def test_pxe_api_files_and_status(osprey):
    m = osprey(nic=NIC, name="pxe-api")
    use_rom_api(m)
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("driver", "").startswith("none (files through the PXE ROM)"), conf
    assert conf.get("source") == "pxe", conf
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    out = m.cmd("cat (nd)/no-such-file")
    assert "Error" in out and "file not found" in out, out
    listing = m.cmd("ifconfig --list")
    # No osprey driver for the NIC now, and none in use.
    assert re.search(r"(?m)^00:03\.0\s+8086:10d3\s+-\s+no driver\s+52:54:00:12:34:56\s+0  "
                     r"\(PXE boot\)$", listing), listing
    # And back to undi and to the ROM again: each way moves a file, the lease stays.
    out = m.cmd("ifconfig --driver=undi")
    assert "NIC: undi (PXE UNDI) at PCI 00:03.0" in out and "Error" not in out, out
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    use_rom_api(m)
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    assert parse_ifconfig(m.cmd("ifconfig")).get("source") == "pxe"
    # The ROM's own TFTP API by choice: files come, a missing file is named without the
    # server's text (the ROM does not pass it on); then back to osprey's TFTP over UDP.
    out = m.cmd("ifconfig --driver=pxe-tftp")
    assert out == "NIC: none; files go through the PXE ROM's TFTP API", out
    conf = parse_ifconfig(m.cmd("ifconfig"))
    assert conf.get("driver") == "none (files through the PXE ROM's TFTP API)", conf
    assert "hello from tftp" in m.cmd("cat (nd)/hello.txt", timeout=60).split("\n")[-1:]
    out = m.cmd("cat (nd)/no-such-file")
    assert out == "Error: (nd)/no-such-file: file not found", out
    out = m.cmd("ifconfig --driver=pxe")
    assert out == "NIC: none; files go through the PXE ROM's UDP API", out
    out = m.cmd("cat (nd)/no-such-file")
    assert re.fullmatch(r"Error: \(nd\)/no-such-file: file not found \(.+\)", out), out
    out, st = status(m)
    assert st.get("state", "").startswith("active"), out
    assert re.match(r"!PXE, version 2\.1, entry [0-9a-f]{4}:[0-9a-f]{4}", st.get("api", "")), out
    assert re.search(r"(?m)^segment\s+0x[0-9a-f]{5}-0x[0-9a-f]{5}", out), out
    base_before = int(re.match(r"(\d+) KiB", st["basemem"]).group(1))

    out = m.cmd("pxe unload")
    assert "failed" not in out and "Error" not in out, out
    r = re.search(r"PXE: stack unloaded; base memory (\d+) KiB -> (\d+) KiB", out)
    assert r, out
    assert int(r.group(1)) == base_before and int(r.group(2)) > base_before, out

    out, st = status(m)
    assert st.get("state") == "unloaded", out
    # INT 12h (the BIOS's own answer) agrees with what was written to 40:13.
    assert st.get("basemem") == f"{r.group(2)} KiB", out
    assert st.get("reclaim") == f"{r.group(1)} KiB -> {r.group(2)} KiB", out
    # Idempotent; and with the API gone the ROM's TFTP is no longer used.
    assert m.cmd("pxe unload") == ""
    out = m.cmd("cat (nd)/hello.txt")
    assert "Error" in out, out
    out = m.cmd("ifconfig --driver=pxe")
    assert out == "Error: no PXE stack in memory to carry the files", out


@pytest.mark.linux
def test_pxe_api_boot_linux_unloads(osprey):
    """A kernel loaded through the PXE API: the unload before it starts reports no failure."""
    m = osprey(nic=NIC, name="pxe-api-linux")
    use_rom_api(m)
    cmdline = m.boot_linux(args="console=ttyS0 panic=-1 osprey.test=PXEAPI")
    assert "osprey.test=PXEAPI" in cmdline.split(), cmdline
    log = m.transcript()
    start = log.rindex("Starting Linux...")
    tail = log[start:]
    assert re.search(r"PXE: stack unloaded; base memory \d+ KiB -> \d+ KiB", tail), tail[:2000]
    assert "PXE: warning" not in tail and "failed" not in tail.split("Linux version")[0], tail[:2000]
    assert m.exitstatus == 0
