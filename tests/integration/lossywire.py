#!/usr/bin/python3
"""lossywire: a lossy Ethernet wire between QEMU's `-netdev dgram` and a tap device.

    lossywire.py --tap tap1 --sock /run/x/wire.sock --peer /run/x/qemu.sock \
                 --seed 7 --both loss=10%,dup=5%,reorder=5% --down corrupt=1%

QEMU side: QEMU is started with
    -netdev dgram,id=n0,local.type=unix,local.path=PEER,remote.type=unix,remote.path=SOCK
so every frame it sends arrives here as one datagram on SOCK, and frames sent
to PEER reach the guest. Tap side: the tap (an existing, persistent tap in the
current network namespace, e.g. made by netns.Lab.add_tap) is opened with
IFF_TAP|IFF_NO_PI, so each read/write is one Ethernet frame.

Impairments, per direction ("up": guest -> tap, "down": tap -> guest; --both
sets both, then --up/--down override), each a probability per frame:
  loss=P      drop the frame
  dup=P       send it twice
  reorder=P   hold it back and send it after the next frame of the same
              direction (or after 20 ms when no frame follows)
  corrupt=P   flip bits in one random byte (never the whole frame intact)
  delay=MS    hold every frame MS milliseconds (FIFO, keeps order)
Percentages ("5%") or fractions ("0.05"). The random streams are seeded
(--seed; each direction has its own stream), so with the same traffic a run
can be replayed; --log prints one line per impaired frame, --trace one per
frame (passed ones too), each with the time since start and, for UDP, the ports
and the TFTP opcode and block ("DATA 881 49152->1234"), to see afterwards what
a failing transfer's last frames met.

--outage BLOCK:MS cuts the wire for MS milliseconds, both ways, from the first
TFTP DATA packet numbered BLOCK that comes from the tap side (that packet is
the first one dropped): a deterministic way to make a server give up mid-file
(tftpd-hpa ends a transfer after six unanswered sends of one block, 630 ms
at the 10 ms utimeout osprey asks for). Once per run; counted as "cut".

--hold starts the wire clean: the impairments begin with the first SIGUSR1
("lossywire: armed"), so a benchmark can boot its guest over a clean wire and
impair only the transfer it times.

On SIGTERM/SIGINT (and every --report seconds when given) it prints a summary
line per direction:
  lossywire: up frames=N bytes=N lost=N dup=N reordered=N corrupted=N delayed=N
A summary line "lossywire: exit" follows the final report.
"""

import argparse
import collections
import fcntl
import heapq
import itertools
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
REORDER_HOLD_S = 0.020
MAX_FRAME = 65536
BACKLOG_MAX = 4096                # frames queued for a slow receiver before the wire drops
_order = itertools.count()
KINDS = ("loss", "dup", "reorder", "corrupt", "delay")
TFTP_OPS = {1: "RRQ", 2: "WRQ", 3: "DATA", 4: "ACK", 5: "ERROR", 6: "OACK"}
T0 = time.monotonic()


def describe(frame):
    """A short summary of an IPv4/UDP frame (TFTP opcode and block when it looks like one);
    '' for anything else."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return ""
    u = 14 + (frame[14] & 0x0F) * 4
    if len(frame) < u + 8:
        return ""
    sport, dport = struct.unpack("!HH", frame[u:u + 4])
    p = frame[u + 8:]
    op = int.from_bytes(p[:2], "big") if len(p) >= 4 else 0
    if op in TFTP_OPS:
        arg = f" {int.from_bytes(p[2:4], 'big')}" if op in (3, 4, 5) else ""
        return f"{TFTP_OPS[op]}{arg} {sport}->{dport}"
    return f"UDP {sport}->{dport}"


def tftp_data_block(frame):
    """The block number of a TFTP DATA packet in an IPv4/UDP frame, else None (a guess by
    shape: opcode 3 and 4 bytes of header at least, on any ports)."""
    if len(frame) < 46 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    u = 14 + (frame[14] & 0x0F) * 4
    p = frame[u + 8:]
    if len(p) < 4 or p[:2] != b"\x00\x03":
        return None
    return int.from_bytes(p[2:4], "big")


class Outage:
    """--outage: a cut of the whole wire for ms milliseconds, started by the first DATA
    packet numbered block from the tap side; shared by both directions."""

    def __init__(self, text=None):
        self.block, self.ms, self.until = None, 0, None
        if text:
            b, _, ms = text.partition(":")
            self.block, self.ms = int(b), float(ms)

    def cuts(self, name, frame, now):
        """True when frame falls in the cut (which it may start)."""
        if self.until is None and self.block is not None and name == "down" \
                and tftp_data_block(frame) == self.block:
            self.until = now + self.ms / 1000.0
            print(f"lossywire: {now - T0:9.3f} outage of {self.ms:.0f} ms from DATA "
                  f"{self.block}", flush=True)
        return self.until is not None and now < self.until


def parse_spec(text, base=None):
    """'loss=5%,dup=0.01,delay=3' -> dict (starting from a copy of base)."""
    spec = dict(base or {k: 0.0 for k in KINDS})
    for item in filter(None, (text or "").split(",")):
        key, _, val = item.partition("=")
        key = key.strip()
        if key not in KINDS or not val:
            raise argparse.ArgumentTypeError(f"bad impairment {item!r} (one of {', '.join(KINDS)})")
        val = val.strip()
        if key == "delay":
            spec[key] = float(val.rstrip("ms") or 0) / 1000.0
        else:
            p = float(val[:-1]) / 100.0 if val.endswith("%") else float(val)
            if not 0.0 <= p <= 1.0:
                raise argparse.ArgumentTypeError(f"{key}: probability {val} out of range")
            spec[key] = p
    return spec


class Direction:
    """One direction of the wire: its impairments, random stream, queue and counters."""

    def __init__(self, name, spec, seed, send, log, trace=False, outage=None):
        self.name = name
        self.outage = outage or Outage()
        self.spec = spec
        self.rng = random.Random(f"{seed}:{name}")
        self.send = send
        self.log = log or trace
        self.trace = trace
        self.held = None            # (deadline, frame) held back for reordering
        self.count = {k: 0 for k in ("frames", "bytes", "lost", "dup", "reordered",
                                     "corrupted", "delayed", "send_errors", "overflow", "cut")}
        self.seq = 0
        self.backlog = collections.deque()
        self.clean = not any(spec[k] for k in KINDS)
        self.armed = True           # False: pass every frame through (--hold until SIGUSR1)

    def note(self, what, frame):
        if self.log:
            print(f"lossywire: {time.monotonic() - T0:9.3f} {self.name} #{self.seq} "
                  f"len={len(frame)} {what} {describe(frame)}", flush=True)

    def frame_in(self, frame, now, timers):
        """Decide the fate of one frame; returns nothing (sends or schedules)."""
        self.seq += 1
        self.count["frames"] += 1
        self.count["bytes"] += len(frame)
        if self.outage.cuts(self.name, frame, now):
            self.count["cut"] += 1
            self.note("cut (outage)", frame)
            return
        if self.clean or not self.armed:    # a clean direction costs one send per frame
            self.transmit(frame)
            return
        s, r = self.spec, self.rng
        # Draw every decision for every frame, so one impairment's setting does not shift
        # another's random stream.
        d_loss, d_dup, d_reo, d_cor = r.random(), r.random(), r.random(), r.random()
        pos, bits = r.randrange(MAX_FRAME), r.randrange(1, 256)
        if d_loss < s["loss"]:
            self.count["lost"] += 1
            self.note("lost", frame)
            return
        if d_cor < s["corrupt"]:
            b = bytearray(frame)
            b[pos % len(b)] ^= bits
            frame = bytes(b)
            self.count["corrupted"] += 1
            self.note(f"corrupted byte {pos % len(b)} ^0x{bits:02x}", frame)
        copies = 2 if d_dup < s["dup"] else 1
        if copies == 2:
            self.count["dup"] += 1
            self.note("duplicated", frame)
        elif self.trace and d_cor >= s["corrupt"] and d_reo >= s["reorder"]:
            self.note("passed", frame)
        for _ in range(copies):
            self.out(frame, now, timers, reorder=d_reo < s["reorder"])

    def out(self, frame, now, timers, reorder):
        if reorder and self.held is None:
            self.held = (now + REORDER_HOLD_S, frame)
            self.count["reordered"] += 1
            self.note("held back (reordered)", frame)
            return
        self.emit(frame, now, timers)
        if self.held is not None:
            held, self.held = self.held[1], None
            self.emit(held, now, timers)

    def emit(self, frame, now, timers):
        if self.spec["delay"] > 0:
            self.count["delayed"] += 1
            heapq.heappush(timers, (now + self.spec["delay"], next(_order), self, frame))
        else:
            self.transmit(frame)

    def transmit(self, frame):
        """Send now, or queue behind frames the receiver had no room for (like a switch's
        buffer: QEMU's socket queue is short, and dropping there would be loss nobody asked
        for)."""
        if self.backlog:
            if len(self.backlog) >= BACKLOG_MAX:
                self.count["overflow"] += 1
            else:
                self.backlog.append(frame)
            return
        try:
            self.send(frame)
        except BlockingIOError:
            self.backlog.append(frame)
        except OSError:
            self.count["send_errors"] += 1   # the other end is not there (yet): the wire drops it

    def drain(self):
        """Send queued frames while the receiver takes them."""
        while self.backlog:
            try:
                self.send(self.backlog[0])
            except BlockingIOError:
                return
            except OSError:
                self.count["send_errors"] += 1
            self.backlog.popleft()

    def tick(self, now, timers):
        if self.held is not None and now >= self.held[0]:
            held, self.held = self.held[1], None
            self.emit(held, now, timers)

    def next_deadline(self):
        return self.held[0] if self.held is not None else None

    def report(self):
        c = self.count
        return (f"lossywire: {self.name} frames={c['frames']} bytes={c['bytes']} lost={c['lost']} "
                f"dup={c['dup']} reordered={c['reordered']} corrupted={c['corrupted']} "
                f"delayed={c['delayed']} send_errors={c['send_errors']} overflow={c['overflow']} "
                f"cut={c['cut']}")


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tap", required=True, help="existing tap device (this namespace)")
    ap.add_argument("--sock", required=True, help="unix datagram socket to bind (QEMU's remote)")
    ap.add_argument("--peer", required=True, help="QEMU's local unix socket path")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--both", default="", help="impairments for both directions")
    ap.add_argument("--up", default="", help="guest -> tap impairments")
    ap.add_argument("--down", default="", help="tap -> guest impairments")
    ap.add_argument("--log", action="store_true", help="one line per impaired frame")
    ap.add_argument("--trace", action="store_true", help="one line per frame")
    ap.add_argument("--report", type=float, default=0, help="print the summary every N s")
    ap.add_argument("--outage", metavar="BLOCK:MS",
                    help="cut the wire MS ms from the first TFTP DATA BLOCK from the tap side")
    ap.add_argument("--hold", action="store_true",
                    help="start clean; impair from the first SIGUSR1 on")
    a = ap.parse_args(argv)
    try:
        both = parse_spec(a.both)
        up_spec, down_spec = parse_spec(a.up, both), parse_spec(a.down, both)
    except (argparse.ArgumentTypeError, ValueError) as e:
        ap.error(str(e))

    try:
        outage = Outage(a.outage)
    except ValueError:
        ap.error(f"--outage {a.outage!r}: BLOCK:MS")
    tap = open_tap(a.tap)
    if os.path.exists(a.sock):
        os.unlink(a.sock)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(a.sock)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.setblocking(False)

    up = Direction("up", up_spec, a.seed, lambda f: os.write(tap, f), a.log, a.trace, outage)
    def to_guest(frame, connected=[]):
        # Connected, so that poll() reports when QEMU's receive queue has room again.
        if not connected:
            sock.connect(a.peer)
            connected.append(1)
        sock.send(frame)

    down = Direction("down", down_spec, a.seed, to_guest, a.log, a.trace, outage)
    print(f"lossywire: seed={a.seed} tap={a.tap} sock={a.sock} peer={a.peer} "
          f"up={up_spec} down={down_spec}", flush=True)

    up.armed = down.armed = not a.hold

    def arm(*_):
        if not up.armed:
            up.armed = down.armed = True
            print("lossywire: armed", flush=True)

    signal.signal(signal.SIGUSR1, arm)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    poller = select.poll()
    poller.register(tap, select.POLLIN)
    poller.register(sock.fileno(), select.POLLIN)
    timers = []
    next_report = time.monotonic() + a.report if a.report else None

    def report():
        print(up.report(), flush=True)
        print(down.report(), flush=True)

    while not stop:
        now = time.monotonic()
        deadlines = [d for d in (up.next_deadline(), down.next_deadline(),
                                 timers[0][0] if timers else None, next_report) if d is not None]
        wait_ms = max(0, int((min(deadlines) - now) * 1000) + 1) if deadlines else 1000
        poller.modify(sock.fileno(), select.POLLIN | (select.POLLOUT if down.backlog else 0))
        try:
            events = poller.poll(min(wait_ms, 1000))
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd, ev in events:
            if fd != tap and ev & select.POLLOUT:
                down.drain()
            if not ev & select.POLLIN:
                continue
            # Drain what is ready (bounded, so one busy side cannot starve the other).
            for _ in range(64):
                try:
                    if fd == tap:
                        frame = os.read(tap, MAX_FRAME)
                        down.frame_in(frame, now, timers)
                    else:
                        frame = sock.recv(MAX_FRAME)
                        up.frame_in(frame, now, timers)
                except (BlockingIOError, InterruptedError):
                    break
        up.tick(now, timers)
        down.tick(now, timers)
        while timers and timers[0][0] <= now:
            _, _, d, frame = heapq.heappop(timers)
            d.transmit(frame)
        if next_report and now >= next_report:
            report()
            next_report = now + a.report
    report()
    print("lossywire: exit", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
