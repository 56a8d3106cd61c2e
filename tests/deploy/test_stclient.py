"""tools/stclient.py speaks Streamlit's private websocket protocol: these fail when an
upgrade changes the messages under it (a protobuf message or field renamed, a button's
widget id or a component's trigger sent another way), and when a run ends with a task
nobody awaited.

Against the real app (conftest's `app_url`, started by tools/appserver.py): a session
receives the live view's payload with exactly ui/live/schema.py's keys, finds Play by its
key and presses it, and its `want` triggers bring new batches with later epochs (after
Play, only a trigger makes the server send another). Closed while playing, it leaves no
task behind; a small load_test run prints no "Task exception was never retrieved".
"""
import asyncio
import gc
import subprocess
import sys

from tests.support import ROOT
from tools.livesession import LiveSession
from tools.stclient import run_async
from ui.live.schema import check_payload

BATCHES = 4             # batches that only `want` triggers can have brought


async def playing(url):
    """A session that has pressed Play and received BATCHES more batches."""
    s = LiveSession(url)
    await s.open()
    await s.wait_for(lambda: s.first_surface is not None, 60, "first surface")
    await s.press("play")
    await s.wait_for(lambda: s.running, 30, "a running payload")
    seq, epoch = s.seq, s.epoch
    await s.wait_for(lambda: s.seq >= seq + BATCHES and s.epoch > epoch, 60,
                     f"{BATCHES} batches asked for with `want`")
    return s


def test_a_session_gets_the_live_views_payload_and_its_triggers_bring_batches(app_url):
    async def check():
        s = await playing(app_url)
        try:
            assert check_payload(s.data) == []
            assert all(f["z"] for f in s.data["frames"])
            assert s.error is None and s.runs_finished > BATCHES
        finally:
            await s.close()
    run_async(check())


def test_closing_a_playing_session_leaves_no_task_and_no_unretrieved_error(app_url):
    async def check():
        failures = []
        asyncio.get_running_loop().set_exception_handler(
            lambda _, context: failures.append(context))
        s = await playing(app_url)
        await s.close()
        for _ in range(20):            # let the loop run what a leftover task would do
            await asyncio.sleep(0.05)
        gc.collect()                   # a dropped task that failed reports it when freed
        left = asyncio.all_tasks() - {asyncio.current_task()}
        return failures, left, s.error
    failures, left, error = run_async(check())
    assert (failures, left, error) == ([], set(), None)


def test_a_small_load_test_ends_without_a_task_exception(app_url):
    run = subprocess.run(
        [sys.executable, "benchmarks/load_test.py", "--url", app_url, "--sessions", "3",
         "--seconds", "2", "--client", "ws"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Task exception" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    row = [line for line in run.stdout.splitlines() if line.startswith("ws ")][-1]
    assert "failed" not in row, run.stdout
