"""What the tests need is written down: every package that tests, tools and benchmarks
import is in requirements-dev.txt (or the app's requirements.txt), and Hypothesis runs
derandomized, so a failure in CI reproduces here."""
import ast
import re
import sys
from importlib.metadata import packages_distributions

from hypothesis import settings

from tests.support import ROOT

OURS = {"playground", "ui", "tests", "tools", "benchmarks", "streamlit_app"}


def imported_top_names(folders=("tests", "tools", "benchmarks")):
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - OURS


def required():
    """Distribution names from both requirements files, lower case."""
    names = set()
    for file in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / file).read_text().splitlines():
            match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*[<>=!~]", line)
            if match:
                names.add(match.group(1).lower())
    return names


def test_every_package_the_tests_import_is_a_requirement():
    owners = packages_distributions()
    missing = {name: owners.get(name, [name]) for name in imported_top_names()
               if not {d.lower() for d in owners.get(name, [name])} & required()}
    assert missing == {}


def test_hypothesis_runs_derandomized():
    assert settings.default.derandomize and settings.default.database is None
