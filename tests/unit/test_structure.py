"""The layers' boundaries, read from what importing each module really loads (so an import
through another module counts too):

- the core (playground/ and playground/data/) loads none of what is built on it: the
  pictures (playground/pictures/), the teaching features (playground/teach/), the figures
  (playground/figures/), the command line (playground/cli/): the session trains and
  predicts, it does not paint;
- the core, the pictures, the teaching features, the workshop room (playground/room/) and
  the command line load neither Plotly nor Streamlit;
- the figures (playground/figures/) load Plotly but not Streamlit, and take their pixels
  from the pictures, not from the teaching features;
- the pictures load neither the teaching features nor the figures: arrays in, pixels out;
- the live view's server side (ui/live/playback.py) loads no Streamlit;
- the app never loads torch (the PyTorch export only writes text);
- tests never import benchmarks/, benchmarks never import tests/ (both use tools/).
"""
import ast
import functools
import json
import subprocess
import sys

import pytest

from tests.support import ROOT

PACKAGE = ROOT / "playground"


def modules(folder, package):
    """Dotted names of the modules directly in `folder`."""
    return sorted(f"{package}.{p.stem}" for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__"))


CORE = modules(PACKAGE, "playground") + modules(PACKAGE / "data", "playground.data")
TEACH = modules(PACKAGE / "teach", "playground.teach") + ["playground.teach.codegen"] + \
    modules(PACKAGE / "teach" / "codegen", "playground.teach.codegen")
FIGURES = modules(PACKAGE / "figures", "playground.figures")
PICTURES = modules(PACKAGE / "pictures", "playground.pictures")
CLI = modules(PACKAGE / "cli", "playground.cli")
ROOM = modules(PACKAGE / "room", "playground.room")
BUILT_ON_THE_CORE = ("playground.pictures", "playground.teach", "playground.figures",
                     "playground.cli", "playground.room")


@functools.lru_cache(maxsize=None)
def loaded(module):
    """Every module in sys.modules after importing `module` in a fresh interpreter."""
    code = (f"import sys, importlib, json; importlib.import_module({module!r}); "
            "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return frozenset(json.loads(result.stdout))


def loaded_by(module, depth=1):
    """The packages `module` loads, named to `depth` parts ("plotly"; "playground.teach")."""
    return {".".join(m.split(".")[:depth]) for m in loaded(module)}


def built_on_the_core(module):
    """The picture, teaching, figure and command-line modules `module` loads."""
    return sorted(m for m in loaded(module) if m.startswith(BUILT_ON_THE_CORE))


def test_the_layers_are_found():
    assert {"playground.network", "playground.session", "playground.data.datasets"} <= set(CORE)
    assert not set(CORE) & {"playground.cli", "playground.teach", "playground.figures",
                            "playground.pictures"}
    assert {"playground.teach.codegen", "playground.teach.lessons"} <= set(TEACH)
    assert "playground.figures.charts" in FIGURES
    assert {"playground.pictures.plane", "playground.pictures.pixels"} <= set(PICTURES)
    assert {"playground.cli.main", "playground.cli.report"} <= set(CLI)
    assert {"playground.room.rules", "playground.room.store"} <= set(ROOM)


@pytest.mark.parametrize("module", CORE)
def test_the_core_loads_nothing_built_on_it(module):
    assert built_on_the_core(module) == []


def test_the_check_sees_what_is_built_on_the_core():
    assert "playground.teach.codegen" in built_on_the_core("playground.cli.main")


@pytest.mark.parametrize("module", CORE + PICTURES + TEACH + ROOM + CLI)
def test_core_pictures_teaching_and_cli_modules_load_neither_plotly_nor_streamlit(module):
    assert not loaded_by(module) & {"plotly", "streamlit"}


@pytest.mark.parametrize("module", FIGURES + ["ui.live.playback"])
def test_figures_and_playback_load_no_streamlit(module):
    assert "streamlit" not in loaded_by(module)


@pytest.mark.parametrize("module", FIGURES)
def test_figures_take_their_pixels_from_the_pictures_not_the_teaching(module):
    assert "playground.teach" not in loaded_by(module, depth=2)


@pytest.mark.parametrize("module", PICTURES)
def test_pictures_load_neither_teaching_nor_figures(module):
    assert not loaded_by(module, depth=2) & {"playground.teach", "playground.figures"}


@pytest.mark.parametrize("module", CORE + PICTURES + TEACH + FIGURES + CLI + ["streamlit_app"])
def test_the_app_never_loads_torch(module):
    assert "torch" not in loaded_by(module)


def test_the_check_sees_an_import_through_another_module():
    assert "plotly" in loaded_by("ui.panels.share")   # share -> ... -> figures -> plotly


def top_level_imports(path):
    """Top-level names of every module a file imports, wherever the statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder, forbidden", [("tests", "benchmarks"), ("benchmarks", "tests"),
                                               ("tools", "tests"), ("tools", "benchmarks")])
def test_tests_and_benchmarks_do_not_import_each_other(folder, forbidden):
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.py")
                 if forbidden in top_level_imports(p)]
    assert offenders == []
