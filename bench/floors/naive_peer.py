"""Floor (d): a NAIVE PEER of pages/1_World_map.py, written the way a typical Streamlit app is.

- a DuckDB connection and queries on every run (nothing cached);
- the country shapes inlined in the deck (GeoJsonLayer data= the whole GeoJSON, a fill colour per feature);
- plain pdk.Deck (pydeck's default pretty-printed JSON);
- the legend figure rebuilt on every run; a selectbox of instruments; the same table.
Same statuses (dashboard.status), markers, view, style and height as the app, so only the approach differs.
"""

import json
import os
from datetime import date

import duckdb
import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard import charts, maps, status
from dashboard.config import ROOT, STATUS_COLORS

st.set_page_config(page_title="Naive world map", layout="wide")
st.title("World map of participation")


def sql(name):
    return (ROOT / "dashboard" / "queries" / f"{name}.sql").read_text()


def dates(df, *cols):
    for c in cols:
        df[c] = pd.to_datetime(df[c]).dt.date
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


con = duckdb.connect(os.environ["ATLAS_DB"], read_only=True)
as_of = date.fromisoformat(st.query_params.get("as_of", "2026-06-30"))
inst = con.execute(sql("instruments")).df()
for c in ("kind", "scope", "status"):
    inst[c] = inst[c].astype(str)
inst = dates(inst, "adopted_on", "opened_on", "in_force_on", "ended_on")
parts = con.execute(sql("participants")).df()
parts["kind"] = parts["kind"].astype(str)
acts = dates(con.execute(sql("actions_as_of"), {"as_of": as_of}).df(), "action_date")
members = con.execute(sql("memberships_as_of"), {"as_of": as_of}).df()
con.close()

options = list(status.SELECTIONS) + list(inst["instrument_id"])
labels = status.SELECTIONS | dict(zip(inst["instrument_id"], inst["short_name"], strict=False))
wanted = st.query_params.get("instrument", "cets-225")
choice = st.selectbox(
    "Instrument", options, index=options.index(wanted) if wanted in options else 0, format_func=labels.get
)

df = status.participant_statuses(parts, inst, acts, members, choice, as_of)
states = df[df["kind"] != "organisation"]
colour = {r.participant_id: [*STATUS_COLORS[r.status], 235] for r in states.itertuples() if r.status != "none"}
with open(ROOT / "static" / "geo" / "world_110m.geojson") as fh:
    geo = json.load(fh)
for f in geo["features"]:
    f["properties"]["fill_color"] = colour.get(f["properties"]["iso3"], [*STATUS_COLORS["none"], 255])

countries = pdk.Layer(
    "GeoJsonLayer",
    id="countries",
    data=geo,
    get_fill_color="properties.fill_color",
    get_line_color=[255, 255, 255, 255],
    line_width_min_pixels=0.6,
    stroked=True,
    filled=True,
    pickable=True,
    auto_highlight=True,
)
dots = pdk.Layer(
    "ScatterplotLayer",
    id="markers",
    data=maps.markers(states),
    get_position="position",
    get_fill_color="color",
    get_radius="radius",
    radius_units="pixels",
    stroked=True,
    get_line_color=[17, 24, 39, 255],
    line_width_min_pixels=1,
    pickable=True,
    auto_highlight=True,
)
deck = pdk.Deck(
    layers=[countries, dots],
    map_provider=None,
    map_style=maps.STYLE_URL,
    initial_view_state=pdk.ViewState(latitude=25, longitude=12, zoom=0.9, min_zoom=0.3, max_zoom=7),
    tooltip={"text": "{name}\n{status_label}{date_label}"},
)
st.pydeck_chart(deck, height=520)
st.plotly_chart(charts.status_legend(maps.legend(df)), config={"displayModeBar": False})

st.subheader("The same data as a table")
rows = df[(df["status"] != "none") & (df["kind"] != "organisation")]
st.dataframe(rows[["name", "participant_id", "status_label", "action_date", "verified", "source_url"]], hide_index=True)
