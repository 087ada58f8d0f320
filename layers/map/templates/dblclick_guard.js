{# A double click zooms the map; it must not also select what lies under it (DoubleClickGuard).
   streamlit-folium reports clicks 250 ms after the last one; on a double click the selection
   it would report is put back as it was before the first click. #}
{% macro script(this, kwargs) %}
(function (map) {
    var before = null, last = 0;
    map.on("preclick", function () {
        var data = window.__GLOBAL_DATA__, now = Date.now();
        if (data && now - last > 500) {
            before = {object: data.last_object_clicked, tooltip: data.last_object_clicked_tooltip,
                      count: data.last_object_clicked_count, latlng: data.lat_lng_clicked};
        }
        last = now;
    });
    map.on("dblclick", function () {
        var data = window.__GLOBAL_DATA__;
        if (data && before) {
            data.last_object_clicked = before.object;
            data.last_object_clicked_tooltip = before.tooltip;
            data.last_object_clicked_count = before.count;
            data.lat_lng_clicked = before.latlng;
        }
    });
})({{ this._parent.get_name() }});
{% endmacro %}
