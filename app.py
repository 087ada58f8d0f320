"""Entry point: page config and navigation over the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(
    page_title="Caucasus Briefing Map",
    layout="wide",
    initial_sidebar_state="expanded",
)

navigation = st.navigation(
    [
        st.Page("pages/map.py", title="Map", default=True),
        st.Page("pages/briefing.py", title="Briefing", url_path="briefing"),
        st.Page("pages/article.py", title="Article", url_path="article"),
        st.Page("pages/sources.py", title="Sources", url_path="sources"),
        st.Page("pages/data.py", title="Data", url_path="data"),
    ]
)
navigation.run()
