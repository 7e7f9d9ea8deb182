"""Floor (c): only one of the app's Plotly charts (dashboard.charts.instruments_over_time)."""

import os
import pickle

import streamlit as st

from dashboard import charts

st.set_page_config(page_title="plotly floor", layout="wide")


@st.cache_resource
def data():
    with open(os.environ["BENCH_FLOOR_DATA"], "rb") as fh:
        return pickle.load(fh)


st.plotly_chart(charts.instruments_over_time(data()["instruments"]), key="over-time")
