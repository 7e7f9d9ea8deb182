"""Floor (b): only the app's map layers (dashboard.maps.world_map), same call and height as pages/1_World_map.py.

The statuses are computed once by the harness with the app's own functions (BENCH_FLOOR_DATA pickle)."""

import os
import pickle

import streamlit as st

from dashboard import maps

st.set_page_config(page_title="deck floor", layout="wide")


@st.cache_resource
def data():
    with open(os.environ["BENCH_FLOOR_DATA"], "rb") as fh:
        return pickle.load(fh)


st.pydeck_chart(
    maps.world_map(data()["statuses"]), on_select="rerun", selection_mode="single-object", key="map", height=520
)
