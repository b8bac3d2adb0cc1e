"""Start-up as GRUB legacy's diskless images: the preset menu compiled in (a variant build
configured --enable-preset-menu=FILE) and the configuration file the server chooses: option
150 from ISC dhcpd, 209/210 from dnsmasq (210 an http:// URL: the menu and the kernel it
boots come from nginx), the osprey.cfg/ search by MAC and by IP, and a DHCP boot file that
is an http:// URL (the search runs over HTTP beside it), each booting its entry with no key
pressed. Every boot also checks the messages that say which
names were tried and which was used.

Marker: servers (the netns tests need root).
"""

import os
import re
import subprocess

import pytest

from conftest import T_EXIT, T_LINUX, T_LOAD, T_PROMPT, scaled
from netns import LAB_ADDR, Lab, NetnsMachine, missing_tools, populate_root
from test_http import start_nginx

pytestmark = [pytest.mark.servers]

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAC = "52:54:00:aa:bb:01"
MAC_NAME = "01-52-54-00-aa-bb-01"

PRESET = """# preset for the test: a global line, then entries used only without a config file
echo PRESET-GLOBAL-RAN
timeout 1
title preset Debian
  kernel (nd)/vmlinuz console=ttyS0 panic=-1 osprey.test=PRESET
  initrd (nd)/initrd.img
"""


def linux_menu(marker, extra="", dev="(nd)"):
    return (f"{extra}timeout 1\ntitle {marker}\n"
            f"  kernel {dev}/vmlinuz console=ttyS0 panic=-1 osprey.test={marker}\n"
            f"  initrd {dev}/initrd.img\n")


def halt_menu(marker, extra=""):
    return f"{extra}timeout 0\ntitle {marker}\n  echo {marker}-ENTRY-RAN\n  halt\n"


def expect_linux(m, marker, title=None):
    m.expect(rf"Booting '{title or marker}'", T_LOAD)
    m.expect(r"OSPREY-MARKER: booted", T_LINUX)
    c = m.expect(r"OSPREY-CMDLINE: ([^\r\n]*)\r*\n")
    assert f"osprey.test={marker}" in c.group(1).split(), c.group(1)
    m.wait_exit(scaled(T_EXIT) * 2)
    assert m.exitstatus == 0


@pytest.fixture(scope="module")
def preset_build(tmp_path_factory):
    """osprey.0 built with a preset menu (rtl8139 driver only, to build fast)."""
    b = tmp_path_factory.mktemp("preset-build")
    (b / "preset.lst").write_text(PRESET)

    def run(*cmd):
        p = subprocess.run(cmd, cwd=b, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode == 0, f"{cmd} failed:\n{p.stdout[-4000:]}"
        return p.stdout

    out = run(os.path.join(SRC, "configure"), "--enable-diskless", "--enable-rtl8139",
              "--enable-preset-menu=preset.lst")
    assert re.search(r"preset menu:\s+\S*/preset.lst", out), out[-1000:]
    run("make", "-j2", "-C", "netboot")
    run("make", "-j2", "-C", "stage2")
    return b / "stage2"


def test_preset_menu_without_config(machines, preset_build, tftp_root):
    """No configuration file on the server (QEMU's TFTP): the preset's entry boots Linux."""
    (tftp_root / "osprey.0").write_bytes((preset_build / "osprey.0").read_bytes())
    m = machines(name="preset", tftp_root=tftp_root, bootfile="osprey.0", nic="rtl8139")
    m.expect(r"PRESET-GLOBAL-RAN", T_PROMPT)          # the preset runs first...
    m.expect(r"Config file: tried /osprey.cfg/01-52-54-00-12-34-56 0A00020F 0A00020 0A0002 "
             r"0A000 0A00 0A0 0A 0 default\r\nConfig file: none found")   # ...then the search
    m.expect(r"No configuration file loaded: the preset menu's entries")
    expect_linux(m, "PRESET", "preset Debian")


# ---------------------------------------------------------------- the lab
@pytest.fixture
def lab(request, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")
    missing = missing_tools("ip", "dnsmasq", "dhcpd", "atftpd")
    if missing:
        pytest.fail(f"missing: {', '.join(missing)} (run scripts/install-deps)", pytrace=False)
    with Lab(tmp_path / "logs") as lab:
        yield lab


@pytest.fixture
def ns_root(tmp_path, builddir, fixtures_dir):
    files = {n: os.path.join(builddir, "stage2", n) for n in ("osprey.0",)}
    files.update({n: os.path.join(fixtures_dir, n) for n in ("vmlinuz", "initrd.img")})
    root = populate_root(str(tmp_path / "tftp"), files)
    os.makedirs(os.path.join(root, "osprey.cfg"))
    os.makedirs(os.path.join(root, "menus"))
    # A default everyone would get: the tests below must find their own file first.
    with open(os.path.join(root, "osprey.cfg", "default"), "w") as f:
        f.write(halt_menu("WRONG-DEFAULT"))
    return root


def write(root, name, text):
    with open(os.path.join(root, name), "w") as f:
        f.write(text)


def start(request, lab, tmp_path, name):
    m = NetnsMachine(name, tmp_path / "logs", lab=lab, nic="rtl8139", mac=MAC)
    request.node.__dict__.setdefault("_osprey_machines", []).append(m)
    m.start()
    return m


# docs/servers.md's ISC dhcpd recipe telling osprey (user class 77 "osprey") from the PXE ROM.
ISC_IDENTITY_RECIPE = f"""  next-server {LAB_ADDR};
  if exists user-class and option user-class = "osprey" {{
    filename "vmlinuz";
    option grub-config "(nd)/menus/lab150.lst";
  }} else {{
    filename "osprey.0";
  }}
"""


@pytest.mark.linux
def test_option150_isc_dhcpd(request, lab, ns_root, tmp_path):
    """Option 150 from ISC dhcpd, given by the docs' identity recipe only to osprey's own
    requests (user class "osprey"): the PXE ROM got osprey.0 (else it would have started
    vmlinuz as its NBP and osprey would not run), osprey got the menu (else the search would
    find WRONG-DEFAULT), and the menu boots the kernel: no boot loop."""
    write(ns_root, "menus/lab150.lst", linux_menu("OPT150"))
    lab.start_atftpd(ns_root)
    lab.start_dhcpd(bootfile=None, extra='option grub-config code 150 = text;',
                    subnet_extra=ISC_IDENTITY_RECIPE)
    m = start(request, lab, tmp_path, "opt150")
    m.expect(r"osprey \S+ \(PXE NBP\)", T_PROMPT)
    # The PXE ROM did not ask for 150: osprey asks dhcpd itself, then uses it first.
    m.expect(r"Config file: asking the DHCP server for options 150, 209, 210", T_PROMPT)
    m.expect(r"Config file: tried \(nd\)/menus/lab150.lst\r\nConfig file: using \(nd\)/menus/lab150.lst")
    expect_linux(m, "OPT150")


@pytest.mark.linux
def test_option209_210_dnsmasq(request, lab, ns_root, tmp_path):
    """209 a file name, 210 an http:// prefix: the menu comes from nginx and its entry boots a
    kernel and initrd from nginx too."""
    url = f"http://{LAB_ADDR}"
    write(ns_root, "menus/lab209.lst", linux_menu("OPT209", dev=url))
    start_nginx(lab, ns_root)
    lab.start_dnsmasq(tftp_root=ns_root, extra=["--dhcp-option=209,lab209.lst",
                                                f"--dhcp-option=210,{url}/menus/"])
    m = start(request, lab, tmp_path, "opt209")
    m.expect(rf"Config file: tried {url}/menus/lab209.lst\r\n"
             rf"Config file: using {url}/menus/lab209.lst", T_PROMPT)
    expect_linux(m, "OPT209")
    access = open(os.path.join(lab.logdir, "nginx", "access.log")).read()
    for path in ("/menus/lab209.lst", "/vmlinuz", "/initrd.img"):
        assert f" GET {path} " in access, access


def test_bootfile_url(request, lab, ns_root, tmp_path, builddir):
    """The DHCP boot file is an http:// URL (osprey.lkrn, no PXE ROM): the osprey.cfg/ search
    runs over HTTP in its directory and the menu found there runs."""
    url = f"http://{LAB_ADDR}/site"
    os.makedirs(os.path.join(ns_root, "site", "osprey.cfg"))
    write(ns_root, f"site/osprey.cfg/{MAC_NAME}", halt_menu("BOOTFILE-URL"))
    start_nginx(lab, ns_root)
    lab.start_dnsmasq(tftp_root=ns_root, bootfile=f"{url}/osprey.0")
    m = NetnsMachine("bootfile-url", tmp_path / "logs", lab=lab, nic="e1000", mac=MAC,
                     kernel=os.path.join(builddir, "stage2", "osprey.lkrn"))
    request.node.__dict__.setdefault("_osprey_machines", []).append(m)
    m.start()
    m.expect(rf"Config file: tried {url}/osprey.cfg/{MAC_NAME}\r\n"
             rf"Config file: using {url}/osprey.cfg/{MAC_NAME}", T_PROMPT)
    m.expect(r"BOOTFILE-URL-ENTRY-RAN")
    m.wait_exit()
    assert "WRONG-DEFAULT" not in m.transcript()


def test_search_by_mac_and_ip(request, lab, ns_root, tmp_path):
    """No options: the search finds the per-MAC file; with it gone, the per-IP (/24) file,
    which names itself through configfile (stopped with a message, the menu still works)."""
    write(ns_root, f"osprey.cfg/{MAC_NAME}", halt_menu("PER-MAC"))
    lab.start_dnsmasq(tftp_root=ns_root)
    m = start(request, lab, tmp_path, "mac")
    m.expect(rf"Config file: tried /osprey.cfg/{MAC_NAME}\r\n"
             rf"Config file: using /osprey.cfg/{MAC_NAME}", T_PROMPT)
    m.expect(r"PER-MAC-ENTRY-RAN")
    m.wait_exit()

    os.unlink(os.path.join(ns_root, "osprey.cfg", MAC_NAME))
    write(ns_root, "osprey.cfg/C0A84D",
          halt_menu("PER-IP", extra="configfile /osprey.cfg/C0A84D\n"))
    m = start(request, lab, tmp_path, "ip")
    m.expect(rf"Config file: tried /osprey.cfg/{MAC_NAME} C0A84D[0-9A-F]{{2}} C0A84D[0-9A-F] "
             r"C0A84D\r\nConfig file: using /osprey.cfg/C0A84D", T_PROMPT)
    m.expect(r"configfile /osprey.cfg/C0A84D: loads itself \(through configfile\); stopped")
    m.expect(r"PER-IP-ENTRY-RAN")
    m.wait_exit()
    assert "WRONG-DEFAULT" not in m.transcript()
