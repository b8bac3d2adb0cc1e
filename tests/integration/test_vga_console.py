"""The VGA text console and the BIOS keyboard: keys typed on the PS/2 keyboard (QEMU monitor
`sendkey`) reach the prompt, and output shows on the VGA text screen (read from 0xB8000)."""

import re
import socket
import time

from conftest import sock_path


class Monitor:
    """QEMU's human monitor on a unix socket."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        for _ in range(100):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        self.s.settimeout(5)
        self._read_until_prompt()

    def _read_until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            buf += self.s.recv(65536)
        return buf.decode("latin-1")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self._read_until_prompt()

    def screen_text(self):
        """The 80x25 text screen as 25 lines (character bytes of 0xB8000)."""
        out = self.cmd("xp /2000hx 0xb8000")
        words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{4})\b", out.split("\n", 1)[1])]
        chars = "".join(chr(w & 0xff) if 32 <= (w & 0xff) < 127 else " " for w in words[:2000])
        return [chars[i:i + 80].rstrip() for i in range(0, len(chars), 80)]


KEYMAP = {" ": "spc", "-": "minus", "/": "slash", ".": "dot", "(": "shift-9", ")": "shift-0"}


def test_vga_and_keyboard(osprey, tmp_path):
    sock = sock_path("mon.sock")
    m = osprey(extra_args=["-monitor", f"unix:{sock},server=on,wait=off"])
    mon = Monitor(sock)
    for ch in "echo vga works":
        mon.cmd("sendkey " + KEYMAP.get(ch, ch))
    mon.cmd("sendkey ret")
    # The keyboard line reaches the shell (its output also goes to the serial line)...
    m.expect(r"\r\nvga works\r\n", 30)
    m.wait_prompt(30)
    # ...and the VGA screen shows the banner, the command and its output.
    screen = mon.screen_text()
    text = "\n".join(screen)
    assert re.search(r"^osprey \d", text, re.M), text
    assert "osprey> echo vga works" in text, text
    assert any(line == "vga works" for line in screen), text
    # Editing keys from the keyboard: type "echo ac", Left, "b", Enter -> "abc".
    for k in ["e", "c", "h", "o", "spc", "a", "c", "left", "b", "ret"]:
        mon.cmd("sendkey " + k)
    m.expect(r"\r\nabc\r\n", 30)
