"""The My layers page: the briefer's own layers, kept in the workspace GeoPackage.

Add a file (GeoJSON, KML, GeoPackage, zipped Shapefile, CSV) after a preview that says which
column is the name, the description and the date; edit or delete a feature; rename or delete a
layer; export the workspace or import one. Drawing happens on the Map page (draw mode). Every
rule is in `layers.workspace`; every string from a file or a user is shown as text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st
from shapely.geometry import box

import layers
from layers.data.catalog import bounds_around
from layers.html.markup import markdown_literal
from layers.map.mapview import FRAME_FEATURES
from layers.workspace.features import (
    FormError,
    Typed,
    edited_properties,
    sentence_choices,
    sentence_label,
)
from layers.workspace.store import (
    InvalidFeaturesError,
    UserFeature,
    UserLayer,
    Workspace,
    WorkspaceError,
    user_source,
)
from layers.workspace.upload import (
    FORMATS,
    MAX_BYTES,
    MAX_FEATURES,
    Mapping,
    Upload,
    UploadError,
    read_upload,
    suggest_mapping,
    to_features,
)
from views.common import article, shipped_catalog, use_stylesheet, workspace

NONE = "(none)"
FLASH = "workspace-flash"  # what the last action did, said once on the next run


def flash(kind: str, message: str, notes: list[str] | None = None) -> None:
    st.session_state[FLASH] = (kind, message, notes or [])


def region() -> tuple[float, float, float, float]:
    """The map's opening frame (Armenia, Azerbaijan with Nakhchivan): where a briefer's points
    mostly fall, and where a swapped latitude and longitude would not."""
    catalog = shipped_catalog()
    return bounds_around(catalog.feature(ident).geometry for ident in FRAME_FEATURES)


def features(count: int) -> str:
    return f"{count:,} feature" if count == 1 else f"{count:,} features"


def said(error: Exception) -> str:
    """An error as the page says it: a refused batch lists its problems."""
    if isinstance(error, InvalidFeaturesError):
        return "Nothing was saved: " + "; ".join(str(p) for p in error.problems[:10])
    return str(error)


@st.cache_data(show_spinner="Reading the file…", max_entries=4)
def read(file_name: str, data: bytes, layer: str | None) -> Upload:
    """One read per file and layer: a preview rerun does not parse the file again."""
    return read_upload(file_name, data, layer)


def add_upload(store: Workspace, upload: Upload, round_: int) -> None:
    """Add the previewed file as a layer, with the fields as they are now (read here, not
    passed in: the click and the last typing arrive in one run, after the args were made)."""
    state = st.session_state

    def column(key: str) -> str | None:
        chosen = state.get(f"{key}-{round_}")
        return None if chosen in (None, NONE) else chosen

    mapping = Mapping(name=column("map-name"), description=column("map-description"),
                      date=column("map-date"))
    title = str(state.get(f"upload-title-{round_}") or "").strip()
    source = str(state.get(f"upload-source-{round_}") or "")
    try:
        report: list[str] = []

        def features_for(layer_id: str) -> list:
            features, notes = to_features(upload, mapping, layer_id)
            report.extend(notes)
            return features

        layer_id, ids = store.add_layer(title or Path(upload.file_name).stem,
                                        user_source(upload.file_name, said=source), features_for)
    except (WorkspaceError, UploadError) as error:
        flash("error", said(error))
        return
    st.session_state.upload_round = st.session_state.get("upload_round", 0) + 1
    flash("success", f"Added {features(len(ids))} as the layer “{title}” ({layer_id}).", report)


def upload_section(store: Workspace) -> None:
    st.subheader("Add a file", anchor=False)
    st.caption(f"GeoJSON, KML, GeoPackage, zipped Shapefile, or CSV with latitude/longitude or "
               f"WKT columns; up to {MAX_BYTES // (1024 * 1024)} MB and {MAX_FEATURES:,} "
               "features. Any coordinate system the file declares is turned into "
               "longitude/latitude. Nothing is saved until you confirm.")
    round_ = st.session_state.get("upload_round", 0)
    uploaded = st.file_uploader("File to add", type=[s.lstrip(".") for s in FORMATS],
                                key=f"upload-file-{round_}")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    layer = st.session_state.get(f"upload-layer-{round_}")
    try:
        upload = read(uploaded.name, data, layer)
    except UploadError as error:
        st.error(markdown_literal(str(error)), icon=":material/error:")
        return
    if len(upload.layers) > 1:
        st.selectbox("The file holds several layers: which one", upload.layers,
                     key=f"upload-layer-{round_}")
    for note in upload.notes:
        st.warning(markdown_literal(note), icon=":material/build:")
    guess = suggest_mapping(upload.columns)
    options = [NONE, *upload.columns]

    def column(label: str, guessed: str | None, key: str) -> str | None:
        chosen = st.selectbox(label, options, index=options.index(guessed or NONE),
                              key=f"{key}-{round_}")
        return None if chosen == NONE else chosen

    left, middle, right = st.columns(3)
    with left:
        name = column("Name column", guess.name, "map-name")
    with middle:
        description = column("Description column", guess.description, "map-description")
    with right:
        date = column("Date column", guess.date, "map-date")
    mapping = Mapping(name=name, description=description, date=date)
    previewed, report = to_features(upload, mapping, "my-preview")
    st.markdown(f"**Preview:** {features(len(previewed))} from "
                f"{markdown_literal(upload.file_name)}, as they will be saved (the first 50).")
    west, south, east, north = upload.frame.total_bounds
    st.caption(f"They lie between latitudes {south:.3f} and {north:.3f} and longitudes "
               f"{west:.3f} and {east:.3f} (degrees, WGS84).")
    if not upload.frame.intersects(box(*region())).any():
        st.warning("None of them lies within the map's opening frame (Armenia and Azerbaijan): "
                   "if you expected them there, check that the latitude and longitude columns "
                   "are not swapped, and the file's coordinate system.",
                   icon=":material/explore_off:")
    st.dataframe([{"name": props["name"], "description": props["description"],
                   "date": props.get("date", ""), "category": props["category"],
                   "precision": props["precision"]} for props, _ in previewed[:50]],
                 hide_index=True, width="stretch")
    for note in report[len(upload.notes):]:
        st.info(markdown_literal(note), icon=":material/info:")
    st.text_input("Layer title", value=Path(upload.file_name).stem,
                  key=f"upload-title-{round_}", max_chars=120)
    st.text_input("Where the file comes from, in your words (optional)",
                           key=f"upload-source-{round_}", max_chars=300,
                           placeholder="e.g. a colleague's field notes, September 2022")
    st.caption("Each feature is marked “added by you” with this source, and its geometry "
               "“approximate”: nothing in the file is checked by this app.")
    st.button(f"Add {features(len(previewed))} as a layer", type="primary", key="upload-add",
              on_click=add_upload, args=(store, upload, round_))


def save_edit(store: Workspace, feature: UserFeature, key: str) -> None:
    state = st.session_state
    chosen = state.get(f"{key}-sentences") or []
    typed = Typed(name=state[f"{key}-name"], description=state[f"{key}-description"],
                  precision=state[f"{key}-precision"], source=state[f"{key}-source"],
                  date=state[f"{key}-date"], sentences=list(chosen))
    try:
        props = edited_properties(feature.properties, typed, article())
        store.update_feature(props["id"], props, feature.geometry, feature.revision)
    except (FormError, WorkspaceError) as error:
        flash("error", said(error))
        return
    flash("success", f"Saved “{props['name']}”.")


def delete_feature(store: Workspace, feature: UserFeature) -> None:
    try:
        store.delete_feature(feature.properties["id"], feature.revision)
    except WorkspaceError as error:
        flash("error", said(error))
        return
    flash("success", f"Deleted “{feature.properties['name']}”.")


def rename_layer(store: Workspace, layer: UserLayer, key: str) -> None:
    try:
        store.rename_layer(layer.id, st.session_state[key], layer.revision)
    except WorkspaceError as error:
        flash("error", said(error))
        return
    flash("success", f"Renamed the layer to “{st.session_state[key]}”.")


def delete_layer(store: Workspace, layer: UserLayer) -> None:
    try:
        store.delete_layer(layer.id, layer.revision)
    except WorkspaceError as error:
        flash("error", said(error))
        return
    flash("success", f"Deleted the layer “{layer.title}” and its {len(layer.features)} features.")


def edit_form(store: Workspace, layer: UserLayer) -> None:
    """Pick one of the layer's features and change what was typed about it."""
    by_id = {f.properties["id"]: f for f in layer.features}
    ident = st.selectbox("Feature", list(by_id), key=f"edit-pick-{layer.id}",
                         format_func=lambda i: f"{by_id[i].properties['name']} ({i})")
    feature = by_id[ident]
    props = feature.properties
    key = f"edit-{ident}-{feature.revision}"  # a new revision starts the form afresh
    choices = sentence_choices(article())
    linked = [(link["paragraph"], index) for link in props.get("article", [])
              for index, sentence in enumerate(article().paragraph(link["paragraph"]).sentences)
              if sentence.text == link["phrase"]]
    how = str(props.get("derivation", ""))
    with st.form(key):
        # no length cap: one would cut an uploaded name or description, unasked, on any save
        st.text_input("Name", value=props["name"], key=f"{key}-name")
        st.text_area("Description", value=props["description"], key=f"{key}-description")
        left, right = st.columns(2)
        left.selectbox("Precision", ["exact", "approximate", "schematic"],
                       index=["exact", "approximate", "schematic"].index(props["precision"]),
                       key=f"{key}-precision")
        right.text_input("Date (YYYY-MM-DD, YYYY-MM or YYYY; optional)",
                         value=props.get("date", ""), key=f"{key}-date")
        st.text_input("Source, in your words", key=f"{key}-source", max_chars=300,
                      value=how.split("; source as typed: ")[1] if "; source as typed: " in how
                      else "")
        st.multiselect("Article sentences it is about (optional)", choices, default=linked,
                       key=f"{key}-sentences",
                       format_func=lambda c: sentence_label(article(), c))
        st.form_submit_button("Save changes", on_click=save_edit, args=(store, feature, key))
    confirm = st.checkbox("I want to delete this feature", key=f"confirm-{key}")
    st.button("Delete feature", key=f"delete-{key}", disabled=not confirm,
              on_click=delete_feature, args=(store, feature))


def layers_section(store: Workspace, layers: list[UserLayer]) -> None:
    st.subheader("Your layers", anchor=False)
    if not layers:
        st.caption("None yet: add a file above, or draw on the Map page (turn on “Draw on the "
                   "map” in its sidebar).")
        return
    for layer in layers:
        source = layer.source.get("name", "")
        if layer.source.get("said"):
            source += f"; their source, as typed: {layer.source['said']}"
        with st.expander(markdown_literal(f"{layer.title} · {features(len(layer.features))}"),
                         icon=":material/layers:"):
            st.caption(markdown_literal(f"Added by you ({source}) · id {layer.id} · made "
                                        f"{layer.created[:10]}"))
            st.dataframe(
                [{"name": f.properties["name"], "category": f.properties["category"],
                  "precision": f.properties["precision"], "date": f.properties.get("date", ""),
                  "on the map": f"/?feature={f.properties['id']}", "id": f.properties["id"]}
                 for f in layer.features],
                hide_index=True, width="stretch",
                column_config={"on the map": st.column_config.LinkColumn(
                    "on the map", display_text="open", help="The Map page, this feature open")})
            if layer.features:
                edit_form(store, layer)
            key = f"rename-{layer.id}-{layer.revision}"
            st.text_input("Layer title", value=layer.title, key=key, max_chars=120)
            st.button("Rename layer", key=f"do-{key}", on_click=rename_layer,
                      args=(store, layer, key))
            confirm = st.checkbox("I want to delete this layer and its features",
                                  key=f"confirm-layer-{layer.id}")
            st.button("Delete layer", key=f"delete-layer-{layer.id}", disabled=not confirm,
                      on_click=delete_layer, args=(store, layer))


def import_file(store: Workspace, key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        ids = store.import_file(uploaded.getvalue(), uploaded.name)
    except WorkspaceError as error:
        flash("error", said(error))
        return
    st.session_state.import_round = st.session_state.get("import_round", 0) + 1
    flash("success", f"Imported {len(ids)} layers from {uploaded.name}.")


def exchange_section(store: Workspace, layers: list[UserLayer]) -> None:
    st.subheader("Export and import", anchor=False)
    if layers:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "workspace.gpkg"
            store.export_gpkg(copy)
            gpkg = copy.read_bytes()
        left, middle, right = st.columns(3)
        left.download_button("GeoPackage (QGIS)", gpkg, "my-layers.gpkg",
                             mime="application/geopackage+sqlite3", icon=":material/download:")
        middle.download_button("GeoJSON", store.export_geojson(), "my-layers.geojson",
                               mime="application/geo+json", icon=":material/download:")
        right.download_button("CSV (geometry as WKT)", store.export_csv(), "my-layers.csv",
                              mime="text/csv", icon=":material/download:")
    key = f"import-file-{st.session_state.get('import_round', 0)}"
    st.file_uploader("Import a workspace (a .gpkg or .geojson this page exported)",
                     type=["gpkg", "geojson", "json"], key=key)
    st.button("Import its layers", key="import-do", on_click=import_file, args=(store, key),
              disabled=st.session_state.get(key) is None)


def shown_path(path: Path) -> str:
    """The workspace file as the page names it: beside the app, relative to it."""
    try:
        return str(path.resolve().relative_to(layers.ROOT))
    except ValueError:
        return path.name


st.title("My layers", anchor=False)
use_stylesheet()
store, problem = workspace()
if FLASH in st.session_state:
    kind, message, notes = st.session_state.pop(FLASH)
    (st.success if kind == "success" else st.error)(markdown_literal(message))
    for note in notes:
        st.info(markdown_literal(note), icon=":material/info:")
if store is None:
    st.error(markdown_literal(problem or "The workspace could not be opened."),
             icon=":material/error:")
    st.caption("Every other page works with the app's own layers. Move the file aside (or set "
               "CBM_WORKSPACE to another path) and reload to start a new workspace.")
    st.stop()
st.caption(markdown_literal(
    f"Your own points, lines and areas, kept in {shown_path(store.path)} (a GeoPackage: it "
    "opens in QGIS). "
    "They appear under “My layers” on the map, in search, on the Data page, in briefings and "
    "handouts, always marked “added by you” with the source you gave."))
try:
    user_layers = store.layers()
except WorkspaceError as error:
    st.error(markdown_literal(str(error)), icon=":material/error:")
    st.stop()
upload_section(store)
layers_section(store, user_layers)
exchange_section(store, user_layers)
