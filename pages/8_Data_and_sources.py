"""Data & sources: downloads, data dictionary, methodology, provenance and what is unverified."""

import streamlit as st

from dashboard import glossary, queries, ui
from dashboard.config import DATA_DIR

view = ui.page("Data_and_sources", "Data & sources")
rel, info = view.rel, view.info
st.markdown("Everything in the Atlas comes from one DuckDB file, built from reviewable CSV sources with a source URL "
            "on every row. Download it whole, query it yourself, and tell us what is wrong.")

st.subheader("Download the dataset")
v = ui.esc(info["version"])
c = st.columns(3)
c[0].download_button(":material/table: CSV, one file per table (zip)", lambda: queries.export_zip(rel, "csv"),
                     file_name=f"atlas-{info['version']}-csv.zip", mime="application/zip", on_click="ignore")
c[1].download_button(":material/view_column: Parquet, one file per table (zip)",
                     lambda: queries.export_zip(rel, "parquet"),
                     file_name=f"atlas-{info['version']}-parquet.zip", mime="application/zip", on_click="ignore")
if rel.kind == "file":
    c[2].download_button(":material/database: The DuckDB file", lambda: queries.release_bytes(rel), file_name=f"atlas-{info['version']}.duckdb",
                         mime="application/octet-stream", on_click="ignore")
st.caption(f"Version {v} · facts checked up to {info['as_of']:%d %B %Y} · built {info['built_at']:%Y-%m-%d %H:%M} UTC · "
           f"{info['instruments']} instruments, {info['actions']} acts by {info['participants_with_actions']} states "
           f"and organisations, {info['stances']} stances by {info['companies_with_stances']} companies, "
           f"{info['events']} events. Try: `SELECT * FROM status_as_of(DATE '2025-01-01')` in DuckDB.")

st.subheader("Methodology and glossary")
st.markdown(
    "- **Binding or voluntary**: binding = creates legal obligations when in force (treaties, regulations, statutes, "
    "executive orders; a bill is classed by what it would have been). Voluntary = declarations, statements, pledges, "
    "codes, plans, strategies, recommendations, resolutions of the UN General Assembly, initiatives.\n"
    "- **As of a date**: every view is recomputed as it stood on the chosen day from the dated acts and the "
    "instrument's own dates; a later act (e.g. a withdrawal) replaces an earlier one from its date.\n"
    "- **Counts and complete lists**: participant counts rest on the lists we name. Where an authoritative source "
    "reports a longer list, every view says so (\"12 of about 58 signatories named\").")
st.markdown("**Every status word the Atlas uses**")
st.markdown(glossary.markdown())
st.subheader("What is unverified")
unv = queries.unverified(rel)
st.caption(f"{len(unv)} rows are loaded with verified = false; the app flags each of them where it appears.")
ui.table(queries.unverified_table(rel), "unverified rows",
         column_config={"source_url": ui.link_config(), "row_kind": "Row", "on_date": "Date"})
ui.cite(view, "Unverified rows", unv, key="unverified")

st.subheader("Sources and provenance")
files = queries.source_files(rel)
ui.table(files, "source files", column_config={"path": "File", "table_name": "Table", "accessed": "Last checked"})
ui.cite(view, "Source files and provenance", files, key="sources")

st.subheader("Who is cited")
hosts = queries.source_domains(rel)
kinds = queries.source_kinds(rel)
first = int(kinds.loc[kinds["source_kind"].isin(["depositary", "official", "company"]), "rows"].sum())
st.caption(f"{int(hosts['rows_citing'].sum())} fact rows cite {int(hosts['distinct_urls'].sum())} distinct pages on "
           f"{len(hosts)} sites. {first} of {int(kinds['rows'].sum())} rows "
           f"({first / max(1, int(kinds['rows'].sum())):.0%}) cite a first-hand page (the depositary, a government, "
           "parliament, EU institution or UN document, or the company); the rest cite the press or a secondary "
           "source where no first-hand page could be read. Where a fact was read in a copy, the copy is kept as "
           "evidence: " + ", ".join(f"{r.rows} {r.source_kind}" for r in kinds.itertuples()) + ".")
ui.table(hosts, "sites", column_config={"host": "Site", "source_kind": "Source kind", "rows_citing": "Rows citing it",
                                       "rows_with_evidence_copy": "Rows keeping a copy read",
                                       "distinct_urls": "Distinct pages", "tables": "Used in"})
ui.cite(view, "Sites cited by the dataset", hosts, key="hosts")

with st.expander("Data dictionary (data/README.md)"):
    readme = DATA_DIR / "README.md"
    st.markdown(readme.read_text(encoding="utf-8") if readme.exists() else "The data dictionary is not bundled.")
ui.sync_url(view)
