"""The Data & sources page: what the release holds, what is unverified, who is cited, where the files came from."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import fmt, queries
from dashboard.cache import memo
from dashboard.config import DATA_DIR, FIRST_HAND_KINDS
from dashboard.db import Release
from dashboard.views import Table

# Shown as a code block of its own, not as inline code in the caption: inline code inside a caption is drawn at the
# caption's 60 % opacity, green on grey, 3:1 (axe color-contrast, tests/test_browser_a11y.py).
TRY_SQL = "SELECT * FROM status_as_of(DATE '2025-01-01')"


@dataclass(frozen=True)
class DataView:
    version: str
    is_file: bool
    summary: str
    unverified_line: str
    unverified: Table
    files: Table
    cited_line: str
    hosts: Table
    dictionary: str


@memo(16)
def data_view(rel: Release) -> DataView:
    info = queries.dataset_info(rel)
    unv = queries.unverified(rel)
    files = queries.source_files(rel)
    hosts = queries.source_domains(rel)
    kinds = queries.source_kinds(rel)
    total = int(kinds["rows"].sum())
    first = int(kinds.loc[kinds["source_kind"].isin(FIRST_HAND_KINDS), "rows"].sum())
    readme = DATA_DIR / "README.md"
    return DataView(
        version=str(info["version"]),
        is_file=rel.kind == "file",
        summary=(
            f"Version {fmt.esc(info['version'])} · facts checked up to {info['as_of']:%d %B %Y} · built "
            f"{info['built_at']:%Y-%m-%d %H:%M} UTC · {info['instruments']} instruments, {info['actions']} acts by "
            f"{info['participants_with_actions']} states and organisations, {info['stances']} stances by "
            f"{info['companies_with_stances']} companies, {info['events']} events. Query it yourself in DuckDB:"
        ),
        unverified_line=f"{len(unv)} rows are loaded with verified = false; the app flags each of them where it appears.",
        unverified=Table(
            unv.assign(source_url=fmt.safe_urls(unv["source_url"])),
            {"source_url": "link:Source", "row_kind": "Row", "on_date": "Date"},
            "unverified rows",
            "Unverified rows",
            (),
            "unverified",
        ),
        files=Table(
            files,
            {"path": "File", "table_name": "Table", "accessed": "Last checked"},
            "source files",
            "Source files and provenance",
            (),
            "sources",
        ),
        cited_line=(
            f"{int(hosts['rows_citing'].sum())} fact rows cite {int(hosts['distinct_urls'].sum())} distinct "
            f"pages on {len(hosts)} sites. {first} of {total} rows ({first / max(1, total):.0%}) cite a "
            "first-hand page (the depositary, a government, parliament, EU institution or UN document, or the "
            "company); the rest cite the press or a secondary source where no first-hand page could be read. "
            "Where a fact was read in a copy, the copy is kept as evidence: "
            + ", ".join(f"{r.rows} {r.source_kind}" for r in kinds.itertuples())
            + "."
        ),
        hosts=Table(
            hosts,
            {
                "host": "Site",
                "source_kind": "Source kind",
                "rows_citing": "Rows citing it",
                "rows_with_evidence_copy": "Rows keeping a copy read",
                "distinct_urls": "Distinct pages",
                "tables": "Used in",
            },
            "sites",
            "Sites cited by the dataset",
            (),
            "hosts",
        ),
        dictionary=readme.read_text(encoding="utf-8") if readme.exists() else "The data dictionary is not bundled.",
    )
