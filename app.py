"""Entry point: page config and navigation over the pages; nothing else lives here.

The pages live in `views/`, not `pages/`: Streamlit 1.67 runs the first script run of a fresh
server in its old pages-directory mode whenever a `pages/` folder sits beside the main script,
so the first visitor saw every file of that folder as a page (even `common.py`) and a page
without this file's layout.
"""

import streamlit as st

from views.common import every_page

st.set_page_config(
    page_title="Caucasus Briefing Map",
    layout="wide",
    # "auto": open beside the page on a wide screen, folded away on a phone (Streamlit's 768 px
    # breakpoint) so the map comes first there; the Map page's card then stands under the map
    initial_sidebar_state="auto",
)

navigation = st.navigation(
    [
        st.Page("views/map.py", title="Map", default=True),
        st.Page("views/briefing.py", title="Briefing", url_path="briefing"),
        st.Page("views/article.py", title="Article", url_path="article"),
        st.Page("views/sources.py", title="Sources", url_path="sources"),
        st.Page("views/data.py", title="Data", url_path="data"),
        st.Page("views/workspace.py", title="My layers", url_path="my-layers"),
    ]
)
every_page()  # what every page says first: unreadable geodata, missing map libraries
navigation.run()
