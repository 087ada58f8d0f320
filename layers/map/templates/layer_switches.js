{# The Map page's layers as this rerun drew them (LayerSwitches): the group a layer switched on
   in the browser joins, the legend file, whether a feature is selected, and each layer's
   checkbox, file and state, so cbmGeo.sync can switch one before the server has answered. #}
{% macro script(this, kwargs) %}
window.cbmGeo.switches({{ this._parent.get_name() }}, {{ this.legend_url|tojson }},
                       {{ this.selection|tojson }}, {{ this.layers|tojson }});
{% endmacro %}
