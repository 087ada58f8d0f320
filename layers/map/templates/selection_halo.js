{# The outline of the selected feature (SelectionHalo), drawn from its layer's file by id. #}
{% macro script(this, kwargs) %}
window.cbmGeo.halo({{ this._parent.get_name() }}, {{ this.url|tojson }},
                   {{ this.feature_id|tojson }}, {{ this.options|tojson }},
                   {{ this.radius|tojson }}, {{ this.pane|tojson }});
{% endmacro %}
