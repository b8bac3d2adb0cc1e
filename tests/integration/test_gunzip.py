"""gzip unpacking in the loader (`sha256sum --gunzip`, `kernel`, the path `module` will take):
files the host's gzip made unpack to the right bytes, bad ones give one clear error and the
prompt. One boot."""

import gzip as pygzip
import hashlib
import os
import re
import subprocess

from conftest import T_LOAD, sha256sum


def host_gzip(data, *args):
    return subprocess.run(["gzip", "-c", *args], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def test_gunzip_files(osprey, tftp_root):
    text = b"".join(b"osprey %d kernel module inflate\n" % i for i in range(120000))
    rnd = os.urandom(300000)
    files = {
        "text.gz": host_gzip(text, "-9"),          # dynamic Huffman blocks, ~4 MiB unpacked
        "rnd.gz": host_gzip(rnd, "-1"),            # stored blocks
        "tiny.gz": host_gzip(b"hi\n"),             # fixed Huffman
    }
    bad = bytearray(files["text.gz"])
    bad[len(bad) // 2] ^= 0x5A
    files["corrupt.gz"] = bytes(bad)
    files["cut.gz"] = files["text.gz"][: len(files["text.gz"]) // 3]
    files["two.gz"] = files["tiny.gz"] + files["tiny.gz"]
    huge = bytearray(files["tiny.gz"])
    huge[-4:] = (0x7FFFFFF0).to_bytes(4, "little")   # ISIZE 2 GiB in a 256 MiB machine
    files["huge.gz"] = bytes(huge)
    files["osprey.lkrn.gz"] = host_gzip((tftp_root / "osprey.lkrn").read_bytes(), "-9")
    for name, data in files.items():
        (tftp_root / name).write_bytes(data)
    assert pygzip.decompress(files["text.gz"]) == text

    m = osprey()
    assert sha256sum(m, "(nd)/text.gz") == \
        hashlib.sha256(files["text.gz"]).hexdigest()     # without the option: as it is
    for name, plain in (("text.gz", text), ("rnd.gz", rnd), ("tiny.gz", b"hi\n")):
        out = m.cmd(f"sha256sum --gunzip (nd)/{name}", timeout=T_LOAD)
        assert f"{hashlib.sha256(plain).hexdigest()}  (nd)/{name}" in out, out
        assert f"gunzip (nd)/{name}:" in out and "(100%)" in out, out
    # A plain file with --gunzip: taken as it is.
    out = m.cmd("sha256sum --gunzip (nd)/hello.txt", timeout=T_LOAD)
    assert hashlib.sha256((tftp_root / "hello.txt").read_bytes()).hexdigest() in out, out
    for name, msg in (("corrupt.gz", r"corrupt data \((corrupt gzip stream|gzip stream longer "
                                     f"than the {len(text)} bytes its trailer says)\\)"),
                      # cut short, its last 4 bytes (taken as ISIZE) are deflate data:
                      ("cut.gz", r"(corrupt data|too large \(unpacked size)"),
                      ("two.gz", r"not supported \(gzip file with more than one member\)"),
                      ("huge.gz", r"too large \(unpacked size 2147483632 bytes does not fit")):
        out = m.cmd(f"sha256sum --gunzip (nd)/{name}", timeout=T_LOAD)
        lines = [ln for ln in out.split("\n") if ln.startswith("Error:")]
        assert len(lines) == 1, out
        assert re.search(f"Error: \\(nd\\)/{name}: {msg}", lines[0]), out
    # `kernel` unpacks a gzip image before probing it: a Linux image inside.
    out = m.cmd("kernel (nd)/osprey.lkrn.gz", timeout=T_LOAD)
    assert "gunzip (nd)/osprey.lkrn.gz:" in out and "Linux kernel, boot protocol" in out, out
    out = m.cmd("kernel (nd)/corrupt.gz", timeout=T_LOAD)
    assert "Error: (nd)/corrupt.gz: corrupt data" in out, out
    # Memory came back after every failure: the large file still unpacks.
    out = m.cmd("sha256sum --gunzip (nd)/text.gz", timeout=T_LOAD)
    assert hashlib.sha256(text).hexdigest() in out, out
