{# Fills the component's frame with the map and frames the subject (FitFrame). The frame's
   height is set by the page's stylesheet (the window's height), so the map follows it. #}
{% macro script(this, kwargs) %}
(function (map) {
    var container = map.getContainer();
    container.style.height = "100vh";
    map.invalidateSize(false);
    {% if this.bounds %}
    map.fitBounds({{ this.bounds|tojson }}, {padding: [{{ this.padding }}, {{ this.padding }}],
                                             animate: false});
    {% endif %}
    window.addEventListener("resize", function () { map.invalidateSize(false); });
})({{ this._parent.get_name() }});
{% endmacro %}
