{# The Map page's layers as this rerun drew them (LayerSwitches): the legend file, whether a
   feature is selected, each layer's checkbox class name, file and state, and the index of the
   feature cards' files (null: none). With it cbmGeo keeps the layers drawn across reruns,
   switches one at its checkbox's click and shows a clicked feature's card, before the server
   has answered (layers/map/templates/geo_loader.js). #}
{% macro script(this, kwargs) %}
window.cbmGeo.switches({{ this.legend_url|tojson }}, {{ this.base|tojson }},
                       {{ this.selection|tojson }}, {{ this.layers|tojson }},
                       {{ this.cards_url|tojson }});
{% endmacro %}
