"""The live view's JavaScript: its pure parts under node's test runner, and its messages
against the one written schema (ui/live/schema.py)."""
import re
import shutil
import subprocess

from tests.support import ROOT, require
from ui.live import schema

NODE = shutil.which("node") or "/usr/bin/node"


def test_the_pure_parts_pass_their_node_tests():
    require(NODE, "nodejs", "the live view's JS tests need it")
    done = subprocess.run([NODE, "--test", str(ROOT / "tests/unit/live_pure.test.mjs")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_page_uses_only_the_schemas_triggers_and_keys():
    js = (ROOT / "ui/live/live.js").read_text()
    triggers = set(re.findall(r'trigger\("(\w+)"', js))
    assert triggers == set(schema.TRIGGERS), triggers
    used = set(re.findall(r"\bdata\.(\w+)", js))
    assert used <= set(schema.PAYLOAD), used - set(schema.PAYLOAD)
    frame = set(re.findall(r"\bf\.(\w+)", js))
    assert frame <= set(schema.FRAME), frame - set(schema.FRAME)


def test_the_page_reads_only_the_schemas_geometry_and_controls():
    js = (ROOT / "ui/live/live.js").read_text()
    assert set(re.findall(r"\bst\.plane\.(\w+)", js)) <= set(schema.PLANE)
    assert set(re.findall(r"\bg\.(\w+)", js)) <= set(schema.DIAGRAM)
    assert set(re.findall(r"\blg\.(\w+)", js)) <= set(schema.LOSS)
    assert set(re.findall(r"\bnet\.(\w+)", js)) <= set(schema.NETWORK)
    assert set(re.findall(r"\bdata\.loss\.(\w+)", js)) <= set(schema.LOSS)
    assert set(re.findall(r'"(\w+)"', js)) & set(schema.CONTROLS) <= {"play", "pause"}
    assert not re.search(r"\._[a-zA-Z]|st-key-\w", js), "Plotly's private state or a named button"
    assert "window.__nnpPainted" not in js


def test_every_key_presses_known_controls():
    assert all(set(names) <= set(schema.CONTROLS) for names in schema.KEYS.values())


def test_the_view_registers_a_callback_for_every_trigger():
    view = (ROOT / "ui/live/view.py").read_text()
    assert set(re.findall(r"on_(\w+)_change=", view)) == set(schema.TRIGGERS)


def test_check_payload_names_unknown_and_missing_keys():
    assert schema.check_payload({"mount": 1, "extra": 2}) and \
        "unknown key 'extra'" in schema.check_payload({"extra": 2})
    problems = schema.check_payload({"plane": {"margin": {}, "height": 340},
                                     "controls": ["pause", "rewind"]})
    assert "missing key 'plane'" not in problems and "plane: missing key 'range'" in problems
    assert "diagram: missing key 'picture_px'" in problems
    assert "unknown control 'rewind'" in problems
