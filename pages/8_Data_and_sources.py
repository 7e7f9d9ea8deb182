"""Data & sources: downloads, data dictionary, methodology, provenance and what is unverified."""

import streamlit as st

from dashboard import queries, ui
from dashboard.config import DATA_DIR, STATUS_LABELS

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
    db_file = queries.release_file(rel)  # held open by the button: a prune after this run cannot break the click
    if db_file is not None:
        c[2].download_button(":material/database: The DuckDB file", db_file.read, file_name=f"atlas-{info['version']}.duckdb",
                             mime="application/octet-stream", on_click="ignore")
    else:
        c[2].caption("The DuckDB file of this release is no longer on the server: reload the page for the current "
                     "release.")
st.caption(f"Version {v} · facts checked up to {info['as_of']:%d %B %Y} · built {info['built_at']:%Y-%m-%d %H:%M} UTC · "
           f"{info['instruments']} instruments, {info['actions']} acts by {info['participants_with_actions']} states "
           f"and organisations, {info['stances']} stances by {info['companies_with_stances']} companies, "
           f"{info['events']} events. Try: `SELECT * FROM status_as_of(DATE '2025-01-01')` in DuckDB.")

st.subheader("Methodology")
st.markdown(
    "- **Signed**: a state or organisation signed a treaty or memorandum, or signed a declaration or statement that "
    "is open to signature. Signature alone creates no treaty obligation.\n"
    "- **Ratified / approved / accepted / acceded**: the act by which a party consents to be bound by a treaty, dated "
    "by the deposit of its instrument. Only these count toward an entry-into-force threshold.\n"
    "- **Endorsed / joined**: adopting or associating with a non-binding declaration, co-sponsoring a UN resolution, "
    "adhering to a recommendation, or joining a network or group.\n"
    "- **Declined**: publicly not signing or joining when invited or present (for companies: publicly reported as "
    "absent from a launch list, or refusing). **Withdrew**: leaving after having joined.\n"
    "- **Own law** and **applies as EU member**: for national laws and EU regulations there is nothing to sign; the "
    "map shows the jurisdiction whose law it is, and for EU regulations every EU member state on that date.\n"
    "- **Binding or voluntary**: binding = creates legal obligations when in force (treaties, regulations, statutes, "
    "executive orders; a bill is classed by what it would have been). Voluntary = declarations, statements, pledges, "
    "codes of practice or conduct, recommendations, resolutions of the UN General Assembly, initiatives.\n"
    "- **Verified**: stated by an official source, or by two independent reputable sources. Everything else is shown "
    "with the word UNVERIFIED and listed below. Dates are never guessed: when only a bound is known, the row says "
    "\"on or before\".\n"
    "- **As of a date**: every view can be recomputed as it stood on a past day from the dated acts; a later act "
    "(e.g. a withdrawal) replaces an earlier one from its date.\n"
    f"- Map colours (Okabe–Ito palette, safe for colour-blind readers): {', '.join(STATUS_LABELS.values())}.")

st.subheader("What is unverified")
unv = queries.unverified(rel)
st.caption(f"{len(unv)} rows are loaded with verified = false; the app flags each of them where it appears.")
st.dataframe(queries.unverified_table(rel), hide_index=True,
             column_config={"source_url": ui.link_config(), "row_kind": "Row", "on_date": "Date"})
ui.cite(view, "Unverified rows", unv, key="unverified")

st.subheader("Sources and provenance")
files = queries.source_files(rel)
st.dataframe(files, hide_index=True, column_config={"path": "File", "table_name": "Table", "accessed": "Last checked"})
ui.cite(view, "Source files and provenance", files, key="sources")

st.subheader("Who is cited")
hosts = queries.source_domains(rel)
st.caption(f"{int(hosts['rows_citing'].sum())} fact rows cite {int(hosts['distinct_urls'].sum())} distinct pages on "
           f"{len(hosts)} sites. Official sites (coe.int, europa.eu, gov.uk, un.org, oecd.org, governments and the "
           "companies themselves) are preferred; press is cited where no official page could be read.")
st.dataframe(hosts, hide_index=True, column_config={"host": "Site", "rows_citing": "Rows citing it",
                                                    "distinct_urls": "Distinct pages", "tables": "Used in"})
ui.cite(view, "Sites cited by the dataset", hosts, key="hosts")

with st.expander("Data dictionary (data/README.md)"):
    readme = DATA_DIR / "README.md"
    st.markdown(readme.read_text(encoding="utf-8") if readme.exists() else "The data dictionary is not bundled.")
ui.sync_url(view)
