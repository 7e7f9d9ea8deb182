"""Run a page of the app under streamlit.testing.v1.AppTest, the way a visitor's browser would reach it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = ["streamlit_app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]


def run_page(
    page: str = "streamlit_app.py", query: dict[str, str | list[str]] | None = None, timeout: float = 60
) -> AppTest:
    """Run `page` (a path relative to the repo root) with these URL query parameters. Pages live under the entry
    script, as in the real app, so links between pages resolve."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if page != "streamlit_app.py":
        at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> str:
    """Everything a reader sees as text on the page (markdown, captions, alerts, metrics, titles), joined."""
    parts = []
    for coll in (
        at.title,
        at.header,
        at.subheader,
        at.markdown,
        at.caption,
        at.info,
        at.warning,
        at.error,
        at.success,
        at.text,
    ):
        parts += [str(e.value) for e in coll]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)
