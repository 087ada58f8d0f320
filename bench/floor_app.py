"""The floor: the least a Streamlit page can be, one text and one checkbox.

`make bench` serves this with the same Streamlit, the same `.streamlit/config.toml` (it runs
from the repository root) and the same browser as the Map page, in the same run, so every Map
figure can be read as a multiple of what Streamlit itself costs on this machine at that moment
rather than as an absolute number that moves with the neighbours' load.
"""

import streamlit as st

st.write("The floor page: one text and one checkbox.")
st.checkbox("A checkbox", key="box")
