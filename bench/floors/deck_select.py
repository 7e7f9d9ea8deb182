"""Interaction floor: the app's map layers and one selectbox of the same options, nothing else.

Changing the selectbox swaps in a deck built once per selection (by dashboard.maps.world_map, from statuses the
harness computed with the app's own functions), so a widget change here costs only Streamlit's round trip, the
selectbox and deck.gl redrawing the map: what no code of the app can remove from an interaction."""

import os
import pickle

import streamlit as st

from dashboard import maps

st.set_page_config(page_title="deck + select floor", layout="wide")


@st.cache_resource
def data():
    with open(os.environ["BENCH_FLOOR_DATA"], "rb") as fh:
        return pickle.load(fh)


@st.cache_resource
def deck(selection: str):
    return maps.world_map(data()["by_selection"][selection])


st.title("World map of participation")
labels = data()["labels"]
choice = st.selectbox(
    "Instrument", list(labels), format_func=labels.__getitem__, index=list(labels).index(data()["default"])
)
st.pydeck_chart(deck(choice), on_select="rerun", selection_mode="single-object", key="map", height=520)
