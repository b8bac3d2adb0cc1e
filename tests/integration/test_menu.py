"""The menu over the serial console: menu.lst files served by TFTP, loaded with configfile.
One boot walks through a malformed menu, fallback after failing entries, moving, a locked
entry (wrong then right password), the command line and back, a 40-entry menu, editing, the
dumb terminal, a configfile loop, an interrupted countdown, a hidden menu's countdown (run out,
then stopped by a key) and finally a countdown that runs out and boots the Debian kernel
unattended. `color` is checked on both terminals: SGR sequences on serial, attributes on the
VGA screen (read through QEMU's monitor)."""

import re
import time

import pexpect

from conftest import DOWN, ESC, T_LINUX, T_EXIT, strip_ansi, sock_path
from test_vga_console import Monitor

CTRL_E = "\x05"

BAD = """# a malformed menu: reported per line, the rest works
default 0
fallback 1 2
frobnicate now
timeout = abc
splashimage=(hd0,0)/grub/splash.xpm.gz
password --md5 $1$abc$BXBqpb9BZcZhXLgbee.0s/
title fails (not a kernel)
  kernel (nd)/notakernel.bin
  boot
title fallback one
  echo FALLBACK-ONE-RAN
title moved here
  echo MOVED-TO-TWO
  impsprobe
title locked entry
  lock
  echo LOCKED-ENTRY-RAN
"""

# openssl passwd -1 -salt abc password  ->  $1$abc$BXBqpb9BZcZhXLgbee.0s/

LONG = "timeout 30\n" + "".join(f"title entry number {i}{' with a title far too long for one line of the screen' * 2 * (i == 5)}\n  echo LONG-ENTRY-{i}\n"
                                for i in range(40))

EDIT = ("color cyan/blue white/blue\n"
        "title edit me\n  echo EDIT-ORIGINAL\ntitle second\n  echo SECOND\n")
DUMB = "title first\n  echo DUMB-ZERO\ntitle second\n  echo DUMB-ONE\n"
LOOP = "configfile (nd)/loop2.lst\ntitle never\n  echo never\n"
LOOP2 = "configfile (nd)/loop.lst\n"
COUNT = "timeout 3\ntitle counted\n  echo COUNTDOWN-BOOTED\n"
HIDDEN = "hiddenmenu\ntimeout 2\ntitle hidden one\n  echo HIDDEN-BOOTED\n  kernel (nd)/nope\n"
LINUX = """timeout 1
default 1
title not this one
  echo WRONG
title Debian kernel
  kernel (nd)/vmlinuz console=ttyS0 panic=-1 osprey.test=MENU
  initrd (nd)/initrd.img
"""


def menu_screen(m, pattern, timeout=60):
    return m.expect(pattern, timeout)


def vga_row_attrs(mon, text):
    """The attribute bytes of the VGA screen row holding text, for the cells of text. The menu
    redraws while its countdown runs, so a read may catch a row half drawn: read again, for up
    to 5 s, until the row is whole."""
    deadline = time.monotonic() + 5
    while True:
        out = mon.cmd("xp /2000hx 0xb8000")
        words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{4})\b", out.split("\n", 1)[1])][:2000]
        chars = "".join(chr(w & 0xff) if 32 <= (w & 0xff) < 127 else " " for w in words)
        at = chars.find(text)
        if at >= 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert at >= 0, "not on the VGA screen: " + text
    return {w >> 8 for w in words[at:at + len(text)]}


def test_menu_interactive(osprey, tftp_root, tmp_path):
    for name, text in (("bad.lst", BAD), ("long.lst", LONG), ("edit.lst", EDIT),
                       ("dumb.lst", DUMB), ("loop.lst", LOOP), ("loop2.lst", LOOP2),
                       ("count.lst", COUNT), ("hidden.lst", HIDDEN), ("linux.lst", LINUX)):
        (tftp_root / name).write_text(text)
    sock = sock_path("mon.sock")
    m = osprey(extra_args=["-monitor", f"unix:{sock},server=on,wait=off"])
    mon = Monitor(sock)

    # A malformed menu: each problem names the file and line; the menu still shows.
    m.sendline("configfile (nd)/bad.lst")
    m.expect(r"\(nd\)/bad.lst:4: unknown command 'frobnicate' \(line left out\)")
    m.expect(r"\(nd\)/bad.lst:5: timeout: expected a number of seconds")
    m.expect(r"\(nd\)/bad.lst:6: splashimage: not supported")
    m.expect(r"\(nd\)/bad.lst:15: unknown command 'impsprobe'")
    m.expect(r"osprey \S+ menu: \(nd\)/bad.lst")
    m.expect(r"'p' password")

    # Enter boots entry 0: it fails, fallback 1 runs (and fails to boot: no kernel), then 2.
    m.send("\r")
    m.expect(r"Booting 'fails \(not a kernel\)'")
    m.expect(r"Error: \(nd\)/bad.lst:9: \(nd\)/notakernel.bin: not a bootable image")
    m.expect(r"Falling back to entry 1 \('fallback one'\)")
    m.expect(r"FALLBACK-ONE-RAN")
    m.expect(r"Error: \(nd\)/bad.lst:12: no kernel loaded")   # the implicit boot: the last line
    m.expect(r"Falling back to entry 2")
    m.expect(r"MOVED-TO-TWO")
    m.expect(r"Booting entry 0 failed \(and its fallbacks\)")
    m.send("x")
    m.expect(r"Booting entry 0 failed \(and its fallbacks\)")   # the menu shows the message

    # Move down twice (arrow, then Ctrl-N) and boot: only that entry runs.
    m.send(DOWN)
    m.send("\x0e")
    m.expect(r"\x1b\[7m moved here")
    m.send("\r")
    m.expect(r"Booting 'moved here'")
    m.expect(r"MOVED-TO-TWO")
    m.expect(r"Falling back to entry 1")      # entry 2 is the second fallback: not again
    m.expect(r"FALLBACK-ONE-RAN")
    m.expect(r"Booting entry 2 failed \(and its fallbacks\): no kernel")
    m.send("x")

    # 'c' is refused while the menu is locked; the locked entry wants the password.
    m.send("c")
    m.expect(r"The menu is locked")
    m.send(DOWN)
    m.send("\r")
    m.expect(r"Entry 3 is locked")
    m.expect(r"Password: ")
    m.send("wrong\r")
    m.expect(r"Wrong password")
    m.send("\r")
    m.expect(r"Password: ")
    m.send("password\r")
    m.expect(r"LOCKED-ENTRY-RAN")
    assert "password" not in strip_ansi(m.before), "the password was echoed"
    m.expect(r"Press any key for the menu")
    m.send("x")

    # Now unlocked: the command line, and ESC back to the menu.
    m.send("c")
    m.expect(r"Command line: ESC returns to the menu")
    m.sendline("echo IN-THE-COMMAND-LINE")
    m.expect(r"IN-THE-COMMAND-LINE")
    m.send(ESC)
    m.expect(r"menu: \(nd\)/bad.lst")

    # A 40-entry menu scrolls; a long title is cut with '>'; End reaches the last one.
    m.send("c")
    m.sendline("configfile (nd)/long.lst")
    m.expect(r"The highlighted entry will be booted automatically in 30 s")
    m.send(DOWN)                          # stops the countdown (the key is not used)
    for _ in range(14):
        m.send(DOWN)
    m.expect(r"\^ entry number 3 .*v\x1b\[7m entry number 14 ")   # scrolled: marks above and below
    m.send("\x1b[F")                      # End
    m.expect(r"\x1b\[7m entry number 39 ")
    m.send("\x1b[H")                      # Home
    m.expect(r"\x1b\[7m entry number 0 ")
    for _ in range(5):
        m.send(DOWN)
    m.expect(r"entry number 5 with a title far too long[^\r\n\x1b]*>")
    m.send("\r")
    m.expect(r"LONG-ENTRY-5\r?\n")
    m.send("x")

    # Edit: change the line, add one with 'o', delete nothing; 'b' boots the edited copy.
    m.send("c")
    m.sendline("configfile (nd)/edit.lst")
    # `color cyan/blue white/blue`: the highlight and the other entries in those colours, as
    # SGR on serial and as attributes (0x1F, 0x13) on the VGA screen.
    m.expect(r"menu: \(nd\)/edit.lst")
    m.expect(r"\x1b\[0;1;37;44m edit me ")
    m.expect(r"\x1b\[0;36;44m second ")
    m.expect(r"booted automatically|'c' command line")
    assert vga_row_attrs(mon, " edit me   ") == {0x1f}
    assert vga_row_attrs(mon, " second   ") == {0x13}
    m.send("e")
    m.expect(r"Editing 'edit me'")
    m.send("e")
    m.send(CTRL_E + "-CHANGED\r")
    m.expect(r"EDIT-ORIGINAL-CHANGED")
    m.send("o")
    m.send("echo ADDED-LINE\r")
    m.send("b")
    m.expect(r"Booting the edited 'edit me'")
    m.expect(r"EDIT-ORIGINAL-CHANGED\r?\n")
    m.expect(r"ADDED-LINE\r?\n")
    m.send("x")
    m.send(ESC)
    m.expect(r"menu: \(nd\)/edit.lst")

    # Edit again (a fresh copy): 'O' opens a line above, 'd' deletes the original one.
    m.send("e")
    m.expect(r"Editing 'edit me'")
    m.send("O")
    m.send("echo ABOVE-LINE\r")
    m.expect(r"> echo ABOVE-LINE\x1b\[0m\r?\n")
    m.send(DOWN)
    m.send("d")
    m.send("b")
    m.expect(r"Booting the edited 'edit me'")
    m.expect(r"ABOVE-LINE\r?\n")
    m.expect(r"Error: \(nd\)/edit.lst \(edited entry\): no kernel loaded")
    m.expect(r"Booting the edited entry failed: no kernel")
    assert "EDIT-ORIGINAL" not in m.before and "ADDED-LINE" not in m.before, \
        "the deleted line ran (or the last edit was kept)"
    m.send("x")
    m.send(ESC)
    m.expect(r"menu: \(nd\)/edit.lst")

    # A configfile loop stops with a message.
    m.send("c")
    m.sendline("configfile (nd)/loop.lst")
    m.expect(r"configfile \(nd\)/loop.lst: loads itself \(through configfile\); stopped")
    m.expect(r"menu: \(nd\)/loop.lst")     # the first file's own entries are what is left
    m.send("c")
    m.expect(r"Command line")

    # The dumb terminal: a numbered list, a number chooses.
    m.sendline("terminal --dumb serial")
    m.sendline("configfile (nd)/dumb.lst")
    m.expect(r" \* 0: first\r?\n")
    m.expect(r"   1: second\r?\n")
    m.expect(r"menu> ")
    m.sendline("1")
    m.expect(r"DUMB-ONE")
    m.expect(r"Press any key for the menu")
    m.send("x")
    m.expect(r"Booting entry 1 failed: no kernel loaded\r?\n")
    m.expect(r"menu> ")
    m.sendline("c")
    m.expect(r"Command line")
    m.sendline("terminal serial console")

    # A countdown that a key stops: nothing boots.
    m.sendline("configfile (nd)/count.lst")
    m.expect(r"booted automatically in 3 s")
    m.send(" ")
    assert m.child.expect([r"COUNTDOWN-BOOTED", pexpect.TIMEOUT], timeout=5) == 1, \
        "the countdown booted after a key"
    m.send("c")
    m.expect(r"Command line")

    # hiddenmenu: no menu during the countdown; it runs out and boots the default...
    m.sendline("configfile (nd)/hidden.lst")
    m.expect(r"Press any key to see the menu; booting in 2 s")
    m.expect(r"Booting 'hidden one'")
    m.expect(r"HIDDEN-BOOTED\r?\n")
    m.expect(r"Error: \(nd\)/hidden.lst:5: \(nd\)/nope: file not found")
    assert "menu: (nd)/hidden.lst" not in m.before, "the hidden menu was drawn"
    m.expect(r"Press any key for the menu")
    m.send("x")
    m.expect(r"menu: \(nd\)/hidden.lst")
    m.send("c")
    m.expect(r"Command line")
    # ...and a key during it shows the menu instead.
    m.sendline("configfile (nd)/hidden.lst")
    m.expect(r"Press any key to see the menu; booting in 2 s")
    m.send(" ")
    m.expect(r"menu: \(nd\)/hidden.lst")
    assert m.child.expect([r"HIDDEN-BOOTED", pexpect.TIMEOUT], timeout=4) == 1, \
        "the hidden countdown booted after a key"
    m.send("c")
    m.expect(r"Command line")

    # A countdown that runs out boots the default entry: the Debian kernel, unattended.
    m.sendline("configfile (nd)/linux.lst")
    m.expect(r"booted automatically in 1 s")
    m.expect(r"Booting 'Debian kernel'")
    m.expect(r"OSPREY-MARKER: booted", T_LINUX)
    cmdline = m.expect(r"OSPREY-CMDLINE: ([^\r\n]*)\r*\n").group(1)
    assert "osprey.test=MENU" in cmdline
    assert "WRONG" not in strip_ansi(m.before)
    m.wait_exit(T_EXIT * 2)
