"""The layer rules, read from the source with `ast` (imports, not behaviour): who may import what.

pages  ->  dashboard.ui, dashboard.views.*, lookups (widget options), state, config
views  ->  facts, lookups, queries, charts, maps, fmt, status, eif, completeness   (never Streamlit, never ui)
facts  ->  queries, lookups, status, eif, completeness                            (never views, charts, maps, ui)
queries -> db, cache                                                              (SQL access only)
charts, maps -> config, fmt, eif                                                  (frames in, figures out)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))]
MODULES = sorted((ROOT / "dashboard").rglob("*.py"))
MAX_PAGE_LINES = 70
MAX_MODULE_LINES = 360  # "about 350"
# The only dashboard modules that may import Streamlit: the page frame, the connection cache, the guards that
# patch Streamlit's own message handling, the presentation and embed frame, the date box, the map chart and the
# map's time-lapse player.
STREAMLIT_ALLOWED = {
    "ui.py",
    "queries.py",
    "guards.py",
    "searchbox.py",
    "outputs.py",
    "modes.py",
    "datebox.py",
    "mapchart.py",
    "playback.py",
}
FORBIDDEN_IN = {
    "queries.py": {
        "dashboard.facts",
        "dashboard.lookups",
        "dashboard.views",
        "dashboard.charts",
        "dashboard.maps",
        "dashboard.state",
        "dashboard.ui",
    },
    "facts.py": {"dashboard.views", "dashboard.charts", "dashboard.maps", "dashboard.ui"},
    "lookups.py": {"dashboard.facts", "dashboard.views", "dashboard.charts", "dashboard.maps", "dashboard.ui"},
    "charts.py": {"dashboard.queries", "dashboard.facts", "dashboard.lookups", "dashboard.views", "dashboard.ui"},
    "maps.py": {"dashboard.queries", "dashboard.facts", "dashboard.lookups", "dashboard.views", "dashboard.ui"},
}


def imports(path: Path) -> set[str]:
    """Every module a file imports: `import a.b` gives a.b; `from a import b` gives a and a.b."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _hits(found: set[str], banned: set[str]) -> list[str]:
    return sorted(m for m in found if any(m == b or m.startswith(b + ".") for b in banned))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_thin(page: Path):
    assert (
        _hits(
            imports(page),
            {
                "pandas",
                "plotly",
                "pydeck",
                "duckdb",
                "numpy",
                "dashboard.queries",
                "dashboard.facts",
                "dashboard.charts",
                "dashboard.maps",
            },
        )
        == []
    )
    n = len(page.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_PAGE_LINES, f"{page.name} has {n} lines; move logic into its view model"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(ROOT / "dashboard").as_posix())
def test_dashboard_layers(module: Path):
    found = imports(module)
    if module.name not in STREAMLIT_ALLOWED or module.parent.name == "views":
        assert _hits(found, {"streamlit"}) == [], f"{module.name} must not import Streamlit"
    if module.parent.name == "views":
        assert _hits(found, {"dashboard.ui"}) == []
    assert _hits(found, FORBIDDEN_IN.get(module.name, set())) == []
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{module.name} has {n} lines: it does more than one job"


def test_the_layer_check_sees_a_forbidden_import(tmp_path: Path):
    """The check itself: a page importing duckdb, or a view importing Streamlit, is caught."""
    page = tmp_path / "1_Bad.py"
    page.write_text("import duckdb\nfrom dashboard import ui\n", encoding="utf-8")
    assert _hits(imports(page), {"duckdb"}) == ["duckdb"]
    view = tmp_path / "bad_view.py"
    view.write_text("from streamlit import cache_data\n", encoding="utf-8")
    assert _hits(imports(view), {"streamlit"}) == ["streamlit", "streamlit.cache_data"]
