"""The prompt over the serial console: banner, help, echo, line editing,
history, completion, halt/reboot, terminal/serial."""

import re
import time

from conftest import BACKSPACE, CTRL_A, CTRL_E, ENTER, LEFT, RIGHT, TAB, UP


def test_banner_and_prompt(machines, tftp_root):
    m = machines(name="banner", tftp_root=tftp_root, bootfile="osprey.0", nic="rtl8139")
    banner = m.wait_banner()
    assert banner.group(0).startswith("osprey ")
    m.wait_prompt()
    # The prompt has a trailing space and is the last thing printed.
    assert m.child.after.endswith("osprey> ")


def test_lines_end_in_crlf(osprey):
    m = osprey()
    m.sendline("echo crlf")
    raw = m.read_until_prompt()
    assert "crlf\r\n" in raw, repr(raw)
    assert "\r\r\n" not in raw, repr(raw)


def test_echo(osprey):
    m = osprey()
    assert m.cmd("echo hello world") == "hello world"


def test_empty_line(osprey):
    m = osprey()
    assert m.cmd("") == ""
    assert m.cmd("echo ok") == "ok"


def test_help_lists_commands(osprey):
    m = osprey()
    out = m.cmd("help")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", out))
    for name in ("help", "echo", "kernel", "initrd", "boot", "ifconfig", "cat",
                 "displaymem", "halt", "reboot", "serial", "terminal"):
        assert name in words, f"help does not list {name!r}:\n{out}"


def test_help_kernel_usage(osprey):
    m = osprey()
    out = m.cmd("help kernel")
    assert any(ln.lstrip().startswith("kernel ") for ln in out.split("\n")), out
    assert "Error" not in out


def test_displaymem(osprey):
    m = osprey(mem=256)
    out = m.cmd("displaymem")
    usable = [ln for ln in out.split("\n") if re.search(r"usable", ln, re.I)]
    assert usable, out
    # Some usable range reaches above 1 MiB (extended memory of the 256 MiB guest).
    nums = [int(h, 16) for ln in usable for h in re.findall(r"(?:0x)?([0-9a-fA-F]{5,16})\b", ln)]
    assert any(n >= 0x100000 for n in nums), out


def test_tab_completion(osprey):
    m = osprey()
    assert m.keys_cmd("ech" + TAB + "hi" + ENTER) == ["hi"]


def test_history_up_arrow(osprey):
    m = osprey()
    assert m.cmd("echo first") == "first"
    assert m.keys_cmd(UP + ENTER) == ["first"]


def test_history_two_back(osprey):
    m = osprey()
    assert m.cmd("echo first") == "first"
    assert m.cmd("echo second") == "second"
    assert m.keys_cmd(UP + UP + ENTER) == ["first"]


def test_left_arrow_insert(osprey):
    m = osprey()
    assert m.keys_cmd("echo ac" + LEFT + "b" + ENTER) == ["abc"]


def test_right_arrow(osprey):
    m = osprey()
    assert m.keys_cmd("echo ac" + LEFT + LEFT + RIGHT + "b" + ENTER) == ["abc"]


def test_backspace(osprey):
    m = osprey()
    assert m.keys_cmd("echo abx" + BACKSPACE + "c" + ENTER) == ["abc"]
    # Backspace in the middle of the line deletes the character before the cursor.
    assert m.keys_cmd("echo axbc" + LEFT + LEFT + BACKSPACE + ENTER) == ["abc"]


def test_ctrl_a_ctrl_e(osprey):
    m = osprey()
    assert m.keys_cmd("cho hi" + CTRL_A + "e" + CTRL_E + "!" + ENTER) == ["hi!"]


def test_halt(osprey):
    m = osprey()
    m.sendline("halt")
    m.wait_exit(timeout=20)


def test_reboot_exits_with_no_reboot(osprey):
    m = osprey()
    m.sendline("reboot")
    m.wait_exit(timeout=20)


def test_terminal_serial(osprey):
    m = osprey()
    out = m.cmd("terminal serial")
    assert "Error" not in out, out
    assert m.cmd("echo still here") == "still here"


def test_serial_then_terminal(osprey):
    m = osprey()
    out = m.cmd("serial --unit=0 --speed=115200")
    assert "Error" not in out, out
    out = m.cmd("terminal serial")
    assert "Error" not in out, out
    assert m.cmd("echo ok") == "ok"


def test_terminal_timeout_picks_where_a_key_was_pressed(osprey):
    """terminal --timeout: a key on one terminal picks it; no key picks the first named."""
    m = osprey()
    t0 = time.monotonic()
    out = m.cmd("terminal --timeout=3 serial console", timeout=30)
    waited = time.monotonic() - t0
    assert "Press any key to continue." in out and "Error" not in out, out
    assert waited >= 2.5, f"terminal returned after {waited:.1f}s without a key"
    assert m.cmd("terminal") == "serial"
    # A key typed on the serial line, with console named first, picks serial at once.
    m.sendline("terminal --timeout=30 console serial")
    m.expect(r"Press any key to continue\.", 30)
    t0 = time.monotonic()
    m.send("x")
    m.wait_prompt(30)
    assert time.monotonic() - t0 < 20, "the key on serial did not end the wait"
    assert m.cmd("terminal") == "serial"
