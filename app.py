"""Entry point: page config and navigation over the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Caucasus Briefing Map", page_icon="🗺️", layout="wide")
st.title("Caucasus Briefing Map")
st.write("The September 2022 Armenia–Azerbaijan escalation, on a map.")
