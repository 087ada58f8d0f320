{# This rerun's legend (LegendContent): which files' rows to show and whether a feature is
   selected; the rows themselves, escaped by layers/map/legend.py, are in those files. #}
{% macro script(this, kwargs) %}
window.cbmShowLegend({{ this.legend_url|tojson }}, {{ this.layer_urls|tojson }},
                     {{ this.selection|tojson }});
{% endmacro %}
