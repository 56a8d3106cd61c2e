"""deploy/start_replicas.sh, started and stopped from Python (the load test, the deploy
tests): it reads the lines the script prints for it (see the script's header)."""
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.appserver import ROOT, healthy

SCRIPT = ROOT / "deploy" / "start_replicas.sh"
SUPERVISORCTL = shutil.which("supervisorctl") or "/usr/bin/supervisorctl"

# The script's lines for programs, each a pattern and what it sets on a Deployment.
LINES = {
    re.compile(r"dir (\S+)$"): lambda d, m: setattr(d, "dir", m[1]),
    re.compile(r"replica (r\d+) pid (\d+) port (\d+)$"):
        lambda d, m: d.replicas.__setitem__(m[1], (int(m[2]), int(m[3]))),
    re.compile(r"nginx pid (\d+)$"): lambda d, m: setattr(d, "nginx_pid", int(m[1])),
    re.compile(r"ready (\S+)$"): lambda d, m: setattr(d, "url", m[1].rstrip("/")),
}


class DeployError(RuntimeError):
    """The deployment did not start; the message says why in one line, `output` holds
    everything the script printed."""

    def __init__(self, why, output):
        super().__init__(f"deploy/start_replicas.sh failed: {why}")
        self.output = output


@dataclass
class Deployment:
    """deploy/start_replicas.sh running: its nginx URL, replicas {name: (pid, port)}."""
    proc: subprocess.Popen
    url: str = ""
    dir: str = ""
    nginx_pid: int = 0
    replicas: dict = field(default_factory=dict)
    output: list = field(default_factory=list)

    @property
    def pids(self):
        return [self.nginx_pid] + [pid for pid, _ in self.replicas.values()]

    def replica_pid(self, name):
        """Replica `name`'s pid now, as supervisord reports it (a restarted replica has a
        new one; `replicas` keeps the first), or 0 while it is not running."""
        out = subprocess.run([SUPERVISORCTL, "-c", f"{self.dir}/supervisord.conf", "pid", name],
                             capture_output=True, text=True, timeout=30).stdout.strip()
        return int(out) if out.isdigit() else 0

    def supervisor_pid(self):
        """supervisord's pid (from its pidfile in the script's directory), or 0."""
        try:
            return int(Path(self.dir, "supervisord.pid").read_text())
        except (OSError, ValueError):
            return 0

    def restarted(self, name, old_pid):
        """True once replica `name` runs again as a new process (not `old_pid`) that
        answers its own health check: supervisord brought it back."""
        pid = self.replica_pid(name)
        return pid not in (0, old_pid) and healthy(f"http://127.0.0.1:{self.replicas[name][1]}")

    def read(self, line):
        """Take in one line the script printed."""
        self.output.append(line)
        for pattern, take in LINES.items():
            match = pattern.match(line.rstrip("\n"))
            if match:
                take(self, match)

    def why(self):
        """The script's own one-line reason (`failed ...`), else its last line."""
        lines = [line.strip() for line in self.output if line.strip()]
        reasons = [line[len("failed "):] for line in lines if line.startswith("failed ")]
        if reasons:
            return reasons[0]
        return lines[-1] if lines else f"it printed nothing (exit code {self.proc.poll()})"

    def stop(self, timeout=15):
        """SIGTERM the script, which stops nginx, supervisord and the replicas; returns its
        exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:       # the script hung: end what it started
                current = [self.replica_pid(name) for name in self.replicas]
                for pid in self.pids + current + [self.supervisor_pid(), self.proc.pid]:
                    try:
                        if pid:
                            os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.proc.wait()
        return self.proc.returncode


def start_deployment(replicas, port, timeout=120, env=None, python=sys.executable):
    """Run deploy/start_replicas.sh and wait for its `ready` line. Its replicas run on
    `python`, by default the interpreter running this (not whichever python3 is first on
    PATH, which may lack Streamlit). Raises DeployError when it does not become ready."""
    env = dict(os.environ if env is None else env, PYTHON=str(python))
    proc = subprocess.Popen(["bash", str(SCRIPT), str(replicas), str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    lines = queue.Queue()                   # the script's lines, then None when it ends

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)
    threading.Thread(target=pump, daemon=True).start()
    d = Deployment(proc)
    deadline = time.monotonic() + timeout
    while not d.url:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            d.stop()
            raise DeployError(f"not ready after {timeout:g} s", "".join(d.output)) from None
        if line is None:                    # the script ended before its `ready`
            d.stop()
            raise DeployError(d.why(), "".join(d.output))
        d.read(line)
    return d
