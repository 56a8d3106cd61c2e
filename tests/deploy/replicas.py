"""What the deploy tests share: free ports, GETs through nginx with a replica's cookie,
a websocket session playing on a replica, and whether a process is alive."""
import http.client
import os
import random
import socket
from pathlib import Path

from tools.livesession import LiveSession


def free_ports(count):
    """A first port such that it and the next count-1 ports are all free."""
    for _ in range(200):
        first = random.randint(20000, 60000)
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free consecutive ports")


def get(url, path="/", replica=None, source="127.0.0.1"):
    """(status, headers, body) of a GET, with the sticky cookie when `replica` is given,
    sent from the local address `source` (any 127.x.y.z is this machine's loopback, so
    127.0.0.2 stands in for another machine)."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    headers = {"Cookie": f"nnp_replica={replica}"} if replica else {}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def pinned_to(headers):
    """The replica named by the response's nnp_replica cookie, or None."""
    for cookie in headers.get_all("Set-Cookie") or []:
        if cookie.startswith("nnp_replica="):
            return cookie.split(";")[0].split("=", 1)[1]
    return None


async def playing_session(url, replica):
    """A websocket session sent with `replica`'s cookie, playing."""
    session = LiveSession(url, cookies={"nnp_replica": replica})
    await session.open()
    await session.wait_for(lambda: session.first_surface is not None, 30, "first surface")
    await session.press("play")
    await session.wait_for(lambda: session.epoch > 0, 30, "training")
    return session


def alive(pid):
    """True while `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
