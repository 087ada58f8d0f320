{# Frames a scene (SceneFit) in the browser, at the map's real size: the bounds with a margin
   of `padding_share` of the map's smaller side (so a 16:9 screen and a page column both keep
   their edges clear), never closer than `max_zoom` (a single point keeps its surroundings).
   Runs when its group reaches the map, which is every time the scene changes. The frame may
   still be settling then (no size yet, or the page giving it its height), so the fit waits
   for a size and follows the map's resizes until someone pans or zooms it. #}
{% macro script(this, kwargs) %}
(function (group) {
    var bounds = {{ this.bounds|tojson }};
    function fit(map) {
        var size = map.getSize();
        var pad = Math.max({{ this.min_padding }},
                           Math.round(Math.min(size.x, size.y) * {{ this.padding_share }}));
        map.fitBounds(bounds, {padding: [pad, pad], maxZoom: {{ this.max_zoom }},
                               animate: false});
    }
    function start(map, tries) {
        map.invalidateSize(false);
        var size = map.getSize();
        if ((size.x < 100 || size.y < 100) && tries < 60) {
            setTimeout(function () { start(map, tries + 1); }, 50);
            return;
        }
        fit(map);
        function refit() { if (group._map) { fit(map); } }
        function stop() { map.off("resize", refit); }
        map.on("resize", refit);
        map.once("dragstart", stop);
        map.getContainer().addEventListener("wheel", stop, {once: true});
        group.once("remove", stop);
    }
    if (group._map) { start(group._map, 0); }
    else { group.once("add", function () { start(group._map, 0); }); }
})({{ this._parent.get_name() }});
{% endmacro %}
