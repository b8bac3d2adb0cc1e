"""CPU exceptions in protected mode are reported on every console and the machine then stays
halted (no triple fault, no reboot); the gateway turns A20 back on when a BIOS call turned it
off. Faults are made on purpose with the diagnostic `crash` command."""

import os
import re
import subprocess

import pytest

from conftest import BANNER_RE, MachineError, sock_path
from test_vga_console import Monitor

REGS_RE = (r"EAX [0-9a-f]{8}  EBX [0-9a-f]{8}  ECX [0-9a-f]{8}  EDX [0-9a-f]{8}\r\n"
           r"  ESI [0-9a-f]{8}  EDI [0-9a-f]{8}  EBP [0-9a-f]{8}  ESP [0-9a-f]{8}\r\n")


def symbols(builddir):
    """name -> (address, size) of osprey.elf's symbols (nm -S)."""
    out = subprocess.run(["nm", "-S", os.path.join(builddir, "stage2", "osprey.elf")],
                         check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = (int(f[0], 16), int(f[1], 16))
        elif len(f) == 3:
            syms[f[2]] = (int(f[0], 16), 0)
    return syms


def expect_report(m, vector, name):
    """Wait for the report's header; return the report text up to the 'stopped' line."""
    m.expect(rf"\*\*\* CPU exception {vector}: {re.escape(name)} \*\*\*\r\n", 30)
    m.expect(r"osprey stopped: the machine is halted[^\r\n]*\r\n", 10)
    return m.before


def assert_stays_halted(m, seconds=5):
    """No reboot (a second banner) and no triple fault (QEMU runs with -no-reboot: it would exit)."""
    with pytest.raises(MachineError):
        m.expect(BANNER_RE, seconds)
    assert m.child.isalive(), "QEMU exited: the guest reset (triple fault?)"


def test_invalid_opcode_report_and_halt(osprey, builddir):
    m = osprey()
    m.sendline("crash ud")
    report = expect_report(m, 6, "#UD invalid opcode")
    eip = re.search(r"EIP ([0-9a-f]{8})  CS 0008  EFLAGS ([0-9a-f]{8})", report)
    assert eip, report
    eip = int(eip.group(1), 16)
    syms = symbols(builddir)
    start, end = syms["_start_image"][0], syms["_end_image"][0]
    assert start <= eip < end, f"EIP {eip:#x} outside the image {start:#x}-{end:#x}"
    # Exactly the ud2 in crash_ud (the fault points at the faulting instruction).
    ud, size = syms["crash_ud"]
    assert ud <= eip < ud + size, f"EIP {eip:#x} not in crash_ud at {ud:#x}+{size}"
    assert re.search(REGS_RE, report), report
    assert "error code" not in report  # #UD pushes none
    assert_stays_halted(m)
    # Halted for good: typing gets no answer.
    m.sendline("echo still alive")
    with pytest.raises(MachineError):
        m.expect(r"still alive\r\n", 3)


def test_gp_report_on_vga_too(osprey, tmp_path):
    sock = sock_path("mon.sock")
    m = osprey(extra_args=["-monitor", f"unix:{sock},server=on,wait=off"])
    mon = Monitor(sock)
    # Output to the VGA console is off; the report must show there all the same.
    m.cmd("terminal serial")
    m.sendline("crash gp")
    report = expect_report(m, 13, "#GP general protection")
    # DS loaded with selector 0x1230, beyond the GDT: the error code is that selector.
    assert re.search(r"error code 00001230 \(selector 1230: GDT entry 582\)", report), report
    assert re.search(REGS_RE, report), report
    screen = "\n".join(mon.screen_text())
    assert "*** CPU exception 13: #GP general protection ***" in screen, screen
    assert "error code 00001230" in screen, screen
    assert re.search(r"EAX [0-9a-f]{8}  EBX", screen), screen
    assert "osprey stopped: the machine is halted" in screen, screen
    assert_stays_halted(m, 3)


@pytest.mark.parametrize("kind,vector,name,extra", [
    ("de", 0, "#DE divide error", None),
    ("pf", 14, "#PF page fault", r"error code 00000002 \(not present, write, supervisor\)\r\n"
                                 r"  CR2 c0000000 "),
    ("int3", 3, "#BP breakpoint", None),
])
def test_other_faults(machines, builddir, kind, vector, name, extra):
    m = machines(name=f"lkrn-{kind}", kernel=f"{builddir}/stage2/osprey.lkrn", nic=None)
    m.boot_to_prompt()
    m.sendline(f"crash {kind}")
    report = expect_report(m, vector, name)
    assert re.search(REGS_RE, report), report
    if extra:
        assert re.search(extra, report), report
    assert_stays_halted(m, 3)


def test_a20_turned_off_by_bios_call_is_restored(machines, builddir):
    m = machines(name="lkrn-a20", kernel=f"{builddir}/stage2/osprey.lkrn", nic=None)
    m.boot_to_prompt()
    out = m.cmd("crash a20")
    assert "A20 turned off: yes" in out, out
    assert re.search(r"Note: a BIOS call turned A20 off; turned it back on \(.+\)\.", out), out
    assert "A20 after a BIOS call: on" in out, out
    # Still working, and it says so only once.
    out = m.cmd("crash a20")
    assert "A20 after a BIOS call: on" in out and "Note:" not in out, out
    assert m.cmd("echo fine") == "fine"
