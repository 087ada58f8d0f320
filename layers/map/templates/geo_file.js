{# One geometry file drawn in its group (GeoFile): fetched once per page by cbmGeo. #}
{% macro script(this, kwargs) %}
window.cbmGeo.attach({{ this._parent.get_name() }}, {{ this.url|tojson }});
{% endmacro %}
