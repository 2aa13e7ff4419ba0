"""The layers, checked on the source (README, Design): imports only go down (cli → app →
backends → core; ``hubbot.errors`` and the top package's version importable from all),
pywikibot only in ``hubbot/backends/wiki/``, and every package's docstring names its layer
(a layer's top package also names the layers it may import). The tree is walked, so a new
module or subpackage is checked as soon as it exists; the checker is tested on small
synthetic trees, so it cannot pass by finding nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "hubbot"

# What each layer may import from hubbot, besides itself, hubbot.errors and hubbot (the
# version). The CLI goes through the app only.
MAY_IMPORT = {
    "core": set(),
    "backends": {"core"},
    "app": {"backends", "core"},
    "cli": {"app"},
}
EVERYWHERE = {"hubbot", "hubbot.errors"}
PYWIKIBOT_HOME = ("backends", "wiki")  # the only package that may import pywikibot


def _module(path: Path, root: Path) -> tuple[str, ...]:
    """``hubbot/app/sync.py`` -> ("hubbot", "app", "sync"); a package is its folder."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (anywhere in it: functions too), as absolute names,
    with the line it is on; ``from hubbot import b`` and ``from . import b`` yield the
    module ``b`` they name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module(path, root) if path.name == "__init__.py" else \
        _module(path, root)[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                name = ".".join(base + ((node.module,) if node.module else ()))
            else:
                name = node.module or ""
            if node.module is None or name == "hubbot":
                out += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, name))
    return out


def _layer(module: tuple[str, ...] | list[str]) -> str | None:
    return module[1] if len(module) > 1 and module[1] in MAY_IMPORT else None


def import_violations(root: Path) -> list[str]:
    """Each import that breaks the layering, as ``path:line: what``."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module(path, root)
        layer = _layer(module)
        where = f"{path.relative_to(root.parent)}"
        for line, name in _imports(path, root):
            parts = name.split(".")
            if parts[0] == "pywikibot":
                if module[1:3] != PYWIKIBOT_HOME:
                    problems.append(f"{where}:{line}: imports {name} (pywikibot only in "
                                    "hubbot/backends/wiki/)")
                continue
            if parts[0] != root.name or name in EVERYWHERE or \
                    name.startswith("hubbot.errors."):
                continue
            target = _layer(parts)
            if target is None:
                if len(parts) > 2 or parts[1] not in ("errors", "__version__"):
                    problems.append(f"{where}:{line}: imports {name}, in no layer")
                continue
            if layer is None:  # hubbot/__main__.py: the entry point, above every layer
                if module != ("hubbot", "__main__") and module != ("hubbot",):
                    problems.append(f"{where}:{line}: imports {name} from outside a layer")
                continue
            if target != layer and target not in MAY_IMPORT[layer]:
                problems.append(f"{where}:{line}: {layer} imports {name} ({target})")
    return problems


def docstring_violations(root: Path) -> list[str]:
    """Each package whose docstring does not name its layer (and, for a layer's top
    package, each layer it may import)."""
    problems = []
    for init in sorted(root.rglob("__init__.py")):
        module = _module(init, root)
        layer = _layer(module)
        if layer is None:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        named = {w for w in MAY_IMPORT if re.search(rf"\b{w}\b", doc, re.IGNORECASE)}
        where = "/".join(module)
        if layer not in named:
            problems.append(f"{where}: the docstring does not name its layer ({layer})")
        if len(module) == 2:
            for lower in sorted(MAY_IMPORT[layer] - named):
                problems.append(f"{where}: the docstring does not say it may import "
                                f"{lower}")
    return problems


def test_imports_only_go_down():
    assert import_violations(ROOT) == []


def test_every_package_docstring_names_its_layer():
    packages = list(ROOT.rglob("__init__.py"))
    assert len(packages) >= 6  # hubbot, four layers, backends/wiki at least
    assert docstring_violations(ROOT) == []


# --- the checker on synthetic trees ---------------------------------------------------

GOOD = {
    "__init__.py": '"""top"""\n__version__ = "1"\n',
    "__main__.py": "from hubbot.cli.main import run\n",
    "errors.py": '"""errors"""\n',
    "core/__init__.py": '"""The core: imports only errors."""\n',
    "core/records.py": "from hubbot.errors import HubbotError\nfrom . import pages\n",
    "core/pages.py": "",
    "core/read/__init__.py": '"""The core\'s reading stage."""\n',
    "core/read/scan.py": "from ..records import x\nfrom hubbot.core import pages\n",
    "backends/__init__.py": '"""The backends layer: it imports the core."""\n',
    "backends/files.py": "from hubbot.core.records import x\n",
    "backends/wiki/__init__.py": '"""Backends: the wiki."""\n',
    "backends/wiki/reads.py": "def f():\n    import pywikibot\n"
                              "    from pywikibot.exceptions import Error\n",
    "app/__init__.py": '"""The app: over the backends and the core."""\n',
    "app/sync.py": "from hubbot.backends.files import F\nfrom hubbot.core import records\n"
                   "import hubbot.errors\n",
    "cli/__init__.py": '"""The CLI: arguments in, one call into the app."""\n',
    "cli/main.py": "from hubbot import __version__\nfrom hubbot.app.sync import Sync\n"
                   "from hubbot.errors import UsageError\nfrom .output import Output\n",
    "cli/output.py": "",
}

BROKEN = [  # (file, text, what the checker must say)
    ("core/records.py", "from hubbot.app.sync import Sync\n", "core imports hubbot.app.sync"),
    ("core/read/scan.py", "from ...backends import files\n",
     "core imports hubbot.backends"),
    ("core/pages.py", "def f():\n    import hubbot.cli.main\n", "core imports hubbot.cli"),
    ("backends/files.py", "from hubbot.app import sync\n", "backends imports hubbot.app"),
    ("app/sync.py", "from hubbot.cli.output import Output\n", "app imports hubbot.cli"),
    ("cli/main.py", "from hubbot.core.records import x\n", "cli imports hubbot.core"),
    ("cli/main.py", "from hubbot.backends.files import F\n", "cli imports hubbot.backends"),
    ("app/sync.py", "import pywikibot\n", "imports pywikibot (pywikibot only"),
    ("backends/files.py", "from pywikibot import config\n", "imports pywikibot (pywikibot"),
    ("core/pages.py", "from hubbot.stray import x\n", "in no layer"),
]


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "hubbot"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_checker_passes_a_tree_that_keeps_the_rules(tmp_path):
    root = _tree(tmp_path, GOOD)
    assert import_violations(root) == []
    assert docstring_violations(root) == []


@pytest.mark.parametrize(("name", "text", "said"), BROKEN,
                         ids=[f"{n}:{s}" for n, _, s in BROKEN])
def test_the_checker_finds_an_import_going_up(tmp_path, name, text, said):
    root = _tree(tmp_path, GOOD | {name: GOOD[name] + text})
    (problem,) = import_violations(root)
    assert problem.startswith(f"hubbot/{name}:") and said in problem


@pytest.mark.parametrize(("name", "doc", "said"), [
    ("core/read/__init__.py", '"""The reading stage."""\n', "hubbot/core/read: the "
     "docstring does not name its layer (core)"),
    ("backends/wiki/__init__.py", "", "hubbot/backends/wiki: the docstring does not name "
     "its layer (backends)"),
    ("app/__init__.py", '"""The app: one run."""\n', "hubbot/app: the docstring does not "
     "say it may import backends"),
    ("cli/__init__.py", '"""Arguments in, one call into the app."""\n',
     "hubbot/cli: the docstring does not name its layer (cli)"),
])
def test_the_checker_finds_a_docstring_without_its_layer(tmp_path, name, doc, said):
    root = _tree(tmp_path, GOOD | {name: doc})
    assert said in docstring_violations(root)
