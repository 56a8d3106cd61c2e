"""What the servers cost, read from Linux's /proc: their CPU seconds, resident memory,
child processes, which processes listen on a port, and which are Chromium's."""
import os
import threading
from pathlib import Path


def proc_children():
    """pid -> [child pids], for every process."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    return children


def descendants(pid, children=None):
    """Every process below `pid`: children, their children, and so on."""
    children = proc_children() if children is None else children
    out, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def is_chromium(pid):
    """Whether the process is one of Chromium's (a browser's, not nginx or a replica)."""
    try:
        return "chrom" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except (OSError, UnicodeDecodeError):
        return False


def cpu_seconds(pids):
    """User + system CPU seconds so far, summed over the processes still alive."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


def rss_bytes(pids):
    """Resident memory now, summed over the processes still alive."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def listening_sockets(port):
    """The local addresses ("127.0.0.1", "::1", "0.0.0.0", ...) and socket inodes of the
    TCP sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for table, decode in (("/proc/net/tcp", _ipv4), ("/proc/net/tcp6", _ipv6)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            address, hex_port = f[1].rsplit(":", 1)
            if f[3] == "0A" and int(hex_port, 16) == port:     # 0A: LISTEN
                found.append((decode(address), f[9]))
    return found


def _ipv4(hex_address):
    """/proc/net/tcp's address: 4 bytes in host (little-endian) order."""
    return ".".join(str(b) for b in reversed(bytes.fromhex(hex_address)))


def _ipv6(hex_address):
    """/proc/net/tcp6's address: four 32-bit words, each in host (little-endian) order."""
    import ipaddress
    raw = b"".join(bytes.fromhex(hex_address[i:i + 8])[::-1] for i in range(0, 32, 8))
    return str(ipaddress.IPv6Address(raw))


def listening_pids(port):
    """The processes holding a listening TCP socket on `port`."""
    inodes = {inode for _, inode in listening_sockets(port)}
    pids = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            pids.add(int(fd.parent.parent.name))
    return sorted(pids)


class ProcSampler:
    """Samples the servers' resident memory in the background; keeps the peak."""

    def __init__(self, pids, every=0.25):
        self.pids, self.every, self.peak = pids, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pids))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, rss_bytes(self.pids))
