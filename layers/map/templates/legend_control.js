{# The legend, on the map (LegendControl): a collapsible box whose rows the page sends with
   each rerun (LegendContent calls window.cbmSetLegend with escaped HTML). #}
{% macro script(this, kwargs) %}
(function (map) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
        var box = L.DomUtil.create("details", "map-legend");
        box.open = !window.matchMedia("(max-width: 640px)").matches;
        var summary = L.DomUtil.create("summary", "", box);
        summary.textContent = "Legend";
        var body = L.DomUtil.create("div", "map-legend-body", box);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        window.cbmSetLegend = function (html) { body.innerHTML = html; };
        if (window.cbmPendingLegend !== undefined) { body.innerHTML = window.cbmPendingLegend; }
        return box;
    };
    control.addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}
