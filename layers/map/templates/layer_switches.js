{# The Map page's layers as this rerun drew them (LayerSwitches): the legend file, whether a
   feature is selected, and each layer's checkbox class name, file and state. With it cbmGeo keeps
   the layers drawn across reruns and switches one at its checkbox's click, before the server
   has answered (layers/map/templates/geo_loader.js). #}
{% macro script(this, kwargs) %}
window.cbmGeo.switches({{ this.legend_url|tojson }}, {{ this.base|tojson }},
                       {{ this.selection|tojson }}, {{ this.layers|tojson }});
{% endmacro %}
