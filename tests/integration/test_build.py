"""The build itself: out of tree from a clean copy, the image size limit, make install."""

import os
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
