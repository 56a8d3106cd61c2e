"""Debian's redis-server as a subprocess on a free port, with no persistence (--save ''
--appendonly no), for the Redis store's tests and the failover benchmark; one may stop it
and start it again (the store down and back)."""
import subprocess
import time

import redis

from tools.appserver import free_port, stop

REDIS_SERVER = "/usr/bin/redis-server"
PATIENCE_S = 30         # how long a starting redis-server may take to answer


class RedisServer:
    """A redis-server subprocess on one port, which a test may stop and start again."""

    def __init__(self, workdir):
        self.port, self.workdir, self.proc = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + PATIENCE_S
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server exited ({self.proc.returncode})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server silent for {PATIENCE_S} s")
                time.sleep(0.05)

    def stop(self):
        stop(self.proc)
