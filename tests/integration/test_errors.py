"""Every failure prints exactly one line starting with "Error: ", then the prompt
comes back and the next command works."""

import re

import pytest

from conftest import ESC, T_LOAD, output_lines


def check_error(m, command, pattern, timeout=60):
    out = m.cmd(command, timeout=timeout)
    errors = [ln for ln in out.split("\n") if ln.startswith("Error: ")]
    assert len(errors) == 1, f"{command!r}: expected one 'Error: ' line, got:\n{out}"
    assert re.search(pattern, errors[0], re.I), f"{command!r}: {errors[0]!r} !~ /{pattern}/"
    assert m.cmd("echo ok") == "ok"
    return errors[0]


CASES = [
    ("kernel (nd)/missing", r"not found"),
    ("kernel (nd)/hello.txt", r"not a .*kernel|not a bootable"),
    ("kernel (nd)/notakernel.bin", r"not a .*kernel|not a bootable"),
    ("boot", r"no kernel"),
    ("frobnicate", r"unknown command"),
    ("serial --speed=abc", r""),
    ("cat (nd)/missing", r"not found"),
]


@pytest.mark.parametrize("command,pattern", CASES, ids=[c[0] for c in CASES])
def test_error(osprey, command, pattern):
    m = osprey()
    check_error(m, command, pattern)


def test_errors_in_a_row(osprey):
    # Several failures on one machine leave it usable.
    m = osprey()
    check_error(m, "frobnicate", r"unknown command")
    check_error(m, "boot", r"no kernel")
    check_error(m, "kernel (nd)/missing", r"not found")


def test_initrd_too_large(osprey):
    m = osprey(mem=48)
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=T_LOAD)
    assert "Error" not in out, out
    check_error(m, "initrd (nd)/big.bin", r"too large|out of memory", timeout=T_LOAD)


def test_initrd_cancel_with_esc(osprey):
    m = osprey(mem=256)
    out = m.cmd("kernel (nd)/vmlinuz console=ttyS0", timeout=T_LOAD)
    assert "Error" not in out, out
    m.sendline("initrd (nd)/big.bin")
    # ESC as soon as the transfer shows its first progress line: native TFTP moves the
    # 40 MiB in about a second, so waiting longer would find it finished.
    m.expect(r"big\.bin: ", 30)
    m.send(ESC)
    raw = m.read_until_prompt(timeout=60)
    _, _, rest = raw.partition("\n")
    errors = [ln for ln in output_lines(rest) if "Error: " in ln]
    assert len(errors) == 1 and errors[0].startswith("Error: "), repr(raw)
    assert re.search(r"cancel", errors[0], re.I), errors[0]
    # The transfer was really interrupted (it had not already finished).
    assert "100%" not in rest, "ESC arrived after the transfer finished; use a bigger file"
    assert m.cmd("echo ok") == "ok"
