{# The feature panes (Panes): [name, z-index, takes the mouse], lowest first. #}
{% macro script(this, kwargs) %}
{{ this.panes|tojson }}.forEach(function (p) {
    var pane = {{ this._parent.get_name() }}.createPane(p[0]);
    pane.style.zIndex = p[1];
    if (!p[2]) { pane.style.pointerEvents = "none"; }
});
{% endmacro %}
