"""The house keeps its shape: wings import downward only, every module has a place, rooms small.

The layers follow the data: files → load → validate → analyse → report. A wing may import its
own modules, any wing of a lower layer, and the leaves; never a wing above it or beside it.
docs/architecture.md draws the same picture for people.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PROJECT

PACKAGE = "csi_tool"
# Top to bottom. Wings on one layer are independent of each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli",),
    ("site", "scaffold", "evidence"),
    ("gate",),
    ("backlog", "benefits", "history", "signals", "intake"),
    ("measures",),
    ("records", "tickets"),
    ("policies", "caches"),
    ("yaml", "git"),
)
# Small modules every wing may use; they import only one another (and the package's version).
LEAVES = frozenset(
    {
        "__init__",
        "clock",
        "collector",
        "errors",
        "fields",
        "layout",
        "markdown",
        "report",
        "progress",
        "parallel",
    }
)
MAX_MODULE_LINES = 340  # "about 300": split a module when it starts holding two ideas
MAX_WING_MODULES = 12  # "about ten"


@dataclass(frozen=True)
class UpwardImport:
    """An import that breaks the direction of the house."""

    path: str
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}"


def _room(module: str) -> str:
    """The wing or leaf a dotted module name (without the package prefix) belongs to."""
    return module.split(".", 1)[0]


def _rank(room: str) -> int | None:
    if room in LEAVES:
        return len(LAYERS)
    for rank, layer in enumerate(LAYERS):
        if room in layer:
            return rank
    return None


def _imported_modules(tree: ast.Module, importer: str) -> list[tuple[int, str]]:
    """(line, module below the package) of every import of the package's own code."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(f"{PACKAGE}."):
                    found.append((node.lineno, alias.name.removeprefix(f"{PACKAGE}.")))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the importer's package
                parts = importer.split(".")[: -node.level]
                module = ".".join([*parts, module] if module else parts)
                absolute = f"{PACKAGE}.{module}" if module else PACKAGE
            else:
                absolute = module
            if absolute == PACKAGE:  # `from csi_tool import x`: x is a module or a name
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif absolute.startswith(f"{PACKAGE}."):
                found.append((node.lineno, absolute.removeprefix(f"{PACKAGE}.")))
    return found


def upward_imports(package: Path) -> list[UpwardImport | str]:
    """Every import against the direction of the layers, and every module with no place."""
    problems: list[UpwardImport | str] = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).with_suffix("")
        importer = ".".join(relative.parts)
        room = _room(importer)
        rank = _rank(room)
        shown = path.relative_to(package.parent).as_posix()
        if rank is None:
            problems.append(f"{shown}: {room!r} is in no layer; add it to LAYERS or LEAVES")
            continue
        for line, imported in _imported_modules(ast.parse(path.read_text("utf-8")), importer):
            target = _room(imported)
            if target == "__version__":
                continue  # the package's version, a name in csi_tool/__init__.py
            target_rank = _rank(target)
            if target == room and room not in LEAVES:
                continue
            if target_rank is None:
                problems.append(f"{shown}:{line}: imports {imported!r}, which is in no layer")
            elif target_rank <= rank and not (room in LEAVES and target in LEAVES):
                problems.append(UpwardImport(shown, line, room, target))
    return problems


def test_wings_import_downward_only() -> None:
    assert [str(problem) for problem in upward_imports(PROJECT / PACKAGE)] == []


def _plant(root: Path, files: dict[str, str]) -> Path:
    package = root / PACKAGE
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_a_planted_upward_import_is_refused(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "records/__init__.py": '"""Records."""\n',
            "records/models.py": (
                "from csi_tool.errors import x\n\nfrom csi_tool.gate import judge\n"
            ),
            "gate/__init__.py": '"""Gate."""\n',
            "gate/judge.py": "from csi_tool.records.models import Record\n",
        },
    )
    problems = [str(problem) for problem in upward_imports(package)]
    assert problems == ["csi_tool/records/models.py:3: records imports gate"]


def test_wings_on_one_layer_stay_independent(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "backlog/ranking.py": "from csi_tool.benefits.review import MetricReview\n",
            "benefits/review.py": "from .. import errors\nfrom ..records import models\n",
        },
    )
    problems = [str(problem) for problem in upward_imports(package)]
    assert problems == ["csi_tool/backlog/ranking.py:1: backlog imports benefits"]


def test_leaves_import_no_wing_and_lazy_imports_count(tmp_path: Path) -> None:
    package = _plant(
        tmp_path,
        {
            "report.py": "from csi_tool.errors import Finding\n",
            "progress.py": "def f() -> None:\n    from csi_tool.records import register\n",
            "oracles/scan.py": "",
        },
    )
    problems = [str(problem) for problem in upward_imports(package)]
    assert problems == [
        "csi_tool/oracles/scan.py: 'oracles' is in no layer; add it to LAYERS or LEAVES",
        "csi_tool/progress.py:2: progress imports records",
    ]


def test_rooms_stay_small() -> None:
    package = PROJECT / PACKAGE
    too_long = [
        f"{path.relative_to(PROJECT)}: {lines} lines"
        for path in sorted(package.rglob("*.py"))
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []
    crowded = [
        f"{wing.name}: {count} modules"
        for wing in sorted(package.iterdir())
        if wing.is_dir() and (wing / "__init__.py").exists()
        if (count := len(list(wing.glob("*.py"))) - 1) > MAX_WING_MODULES
    ]
    assert crowded == []


def test_every_wing_says_what_it_does_and_may_import() -> None:
    for init in sorted((PROJECT / PACKAGE).glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
        assert docstring, f"{init}: no docstring"
        assert "import" in docstring.lower(), f"{init}: does not say what it may import"
