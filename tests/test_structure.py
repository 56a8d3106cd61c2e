"""The core's boundaries: playground/ never imports Streamlit, and only the figures
module imports Plotly (style notes, point 2)."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "playground"
CORE = ("config", "activations", "losses", "optimizers", "features", "datasets", "network",
        "history", "snapshots", "session", "cli", "links", "lessons", "userdata", "export",
        "mathview", "replay", "compare", "images", "codegen")


def imported_modules(path):
    """Top-level names of every module a file imports, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def package_files():
    """playground/*.py, and the files of a figures package if there is one."""
    return sorted(PACKAGE.glob("*.py")) + sorted(PACKAGE.glob("figures*/**/*.py"))


def is_figures(path):
    return path.relative_to(PACKAGE).parts[0].startswith("figures")


def test_the_scan_sees_the_core_and_its_imports():
    found = {path.stem for path in package_files()}
    assert set(CORE) <= found
    assert "numpy" in imported_modules(PACKAGE / "network.py")


def test_no_module_in_the_package_imports_streamlit():
    offenders = [path.name for path in package_files() if "streamlit" in imported_modules(path)]
    assert offenders == []


def test_only_the_figures_module_imports_plotly():
    offenders = [path.name for path in package_files()
                 if "plotly" in imported_modules(path) and not is_figures(path)]
    assert offenders == []


def test_importing_the_core_loads_neither_streamlit_nor_plotly():
    code = ("import sys, importlib\n"
            f"for name in {CORE!r}: importlib.import_module('playground.' + name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
