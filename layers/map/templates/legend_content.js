{# This rerun's legend rows (LegendContent): HTML escaped by layers.map.legend, sent as a JSON
   string so no text from the data is ever script or template source. #}
{% macro script(this, kwargs) %}
(function (html) {
    if (window.cbmSetLegend) { window.cbmSetLegend(html); } else { window.cbmPendingLegend = html; }
})({{ this.html|tojson }});
{% endmacro %}
