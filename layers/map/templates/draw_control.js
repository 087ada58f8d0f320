{# The draw toolbar (DrawControl): Leaflet.draw's control, its drawings in a pane of their own
   over the features, kept in the one group streamlit-folium reads them from. #}
{% macro script(this, kwargs) %}
// drawings kept so far: {{ this.round|int }}
(function (map) {
    if (!map.getPane({{ this.pane|tojson }})) {
        map.createPane({{ this.pane|tojson }}).style.zIndex = {{ this.pane_z|tojson }};
    }
    var drawn = new L.FeatureGroup().addTo(map);
    var edit = {{ this.edit_options|tojson }};
    edit.featureGroup = drawn;
    new L.Control.Draw({
        position: {{ this.position|tojson }},
        draw: {{ this.draw_options|tojson }},
        edit: edit
    }).addTo(map);
    // Registered before streamlit-folium's own handler (it starts after this script), so a new
    // drawing is in the group when the component reads the group's GeoJSON.
    map.on(L.Draw.Event.CREATED, function (e) { drawn.addLayer(e.layer); });
    window.drawnItems = drawn;
})({{ this._parent.get_name() }});
{% endmacro %}
