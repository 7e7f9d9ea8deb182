"""Floor (a): an empty Streamlit page (one title, so a browser has something to wait for)."""

import streamlit as st

st.title("Empty page")
