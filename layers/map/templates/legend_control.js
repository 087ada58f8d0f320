{# The legend, on the map (LegendControl): a collapsible box. On each rerun LegendContent calls
   window.cbmShowLegend with the legend file and the visible layers' files (fetched once by
   cbmGeo); it joins their rows (HTML escaped by layers/map/legend.py) in the order given, as
   layers/map/legend.py legend_html does. #}
{% macro script(this, kwargs) %}
(function (map) {
    var body = null, pending = null, asked = 0;
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
        var box = L.DomUtil.create("details", "map-legend");
        box.open = !window.matchMedia("(max-width: 640px)").matches;
        var summary = L.DomUtil.create("summary", "", box);
        summary.textContent = "Legend";
        body = L.DomUtil.create("div", "map-legend-body", box);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        if (pending !== null) { body.innerHTML = pending; }
        return box;
    };
    window.cbmShowLegend = function (legendUrl, layerUrls, selection) {
        var call = ++asked;  // a later rerun's legend wins over a slower earlier one
        var loads = [legendUrl].concat(layerUrls).map(function (url) {
            return window.cbmGeo.load(url);
        });
        Promise.all(loads).then(function (docs) {
            if (call !== asked) { return; }
            var parts = docs[0];
            var rows = docs.slice(1).map(function (doc) { return doc.legend || ""; }).join("");
            var html = rows ? rows + (selection ? parts.selection : "") + parts.key : parts.empty;
            if (body) { body.innerHTML = html; } else { pending = html; }
        });
    };
    control.addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}
