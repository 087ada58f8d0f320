{# Frames a scene (SceneFit) in the browser, at the map's real size: the bounds with a margin
   of `padding_share` of the map's smaller side (so a 16:9 screen and a page column both keep
   their edges clear), never closer than `max_zoom` (a single point keeps its surroundings).
   Runs when its group reaches the map, which is every time the scene changes. #}
{% macro script(this, kwargs) %}
(function (group) {
    function fit(map) {
        var size = map.getSize();
        var pad = Math.max({{ this.min_padding }},
                           Math.round(Math.min(size.x, size.y) * {{ this.padding_share }}));
        map.fitBounds({{ this.bounds|tojson }}, {padding: [pad, pad],
                                                maxZoom: {{ this.max_zoom }}, animate: false});
    }
    if (group._map) { fit(group._map); } else { group.once("add", function () { fit(group._map); }); }
})({{ this._parent.get_name() }});
{% endmacro %}
