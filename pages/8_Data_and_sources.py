"""Data & sources: downloads, data dictionary, methodology, provenance and what is unverified."""

import streamlit as st

from dashboard import exports, glossary, ui
from dashboard.views import datapage

view = ui.page("Data_and_sources", "Data & sources")
rel = view.rel
dv = datapage.data_view(rel)
st.markdown(
    "Everything in the Atlas comes from one DuckDB file, built from reviewable CSV sources with a source URL "
    "on every row. Download it whole, query it yourself, and tell us what is wrong."
)

st.header("Download the dataset")
c = st.columns(3)
c[0].download_button(
    ":material/table: CSV, one file per table (zip)",
    lambda: exports.export_zip(rel, "csv"),
    file_name=f"atlas-{dv.version}-csv.zip",
    mime="application/zip",
    on_click="ignore",
)
c[1].download_button(
    ":material/view_column: Parquet, one file per table (zip)",
    lambda: exports.export_zip(rel, "parquet"),
    file_name=f"atlas-{dv.version}-parquet.zip",
    mime="application/zip",
    on_click="ignore",
)
db_file = exports.release_file(rel)  # held open by the button: a prune after this run cannot break the click
if db_file is not None:
    c[2].download_button(
        ":material/database: The DuckDB file",
        db_file.read,
        file_name=f"atlas-{dv.version}.duckdb",
        mime="application/octet-stream",
        on_click="ignore",
    )
elif dv.is_file:
    c[2].caption("The DuckDB file of this release is no longer on the server: reload the page for the current release.")
st.caption(dv.summary)
st.code(datapage.TRY_SQL, language=None)  # no highlighting: its keyword blue is 3.7:1 on grey

st.header("Methodology and glossary")
st.markdown(glossary.METHODOLOGY)
st.markdown("**Every status word the Atlas uses**")
st.markdown(glossary.markdown())

st.header("What is unverified")
st.caption(dv.unverified_line)
ui.show(view, dv.unverified)
st.header("Sources and provenance")
ui.show(view, dv.files)
st.header("Who is cited")
st.caption(dv.cited_line)
ui.show(view, dv.hosts)
with st.expander("Data dictionary (data/README.md)"):
    st.markdown(dv.dictionary)
ui.sync_url(view)
