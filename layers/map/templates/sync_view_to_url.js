{# Keeps the page address's `center` and `zoom` in step with the map (SyncViewToUrl). #}
{% macro script(this, kwargs) %}
(function (map) {
    function sync() {
        try {
            var url = new URL(window.parent.location.href);
            var c = map.getCenter();
            url.searchParams.set("center", c.lat.toFixed(4) + "," + c.lng.toFixed(4));
            url.searchParams.set("zoom", String(map.getZoom()));
            var here = window.parent.history;
            if (url.href !== window.parent.location.href) {
                here.replaceState(here.state, "", url.href);
            }
        } catch (e) { /* a parent on another origin keeps its own address */ }
    }
    map.on("moveend zoomend", sync);
    setInterval(sync, 1500);
})({{ this._parent.get_name() }});
{% endmacro %}
