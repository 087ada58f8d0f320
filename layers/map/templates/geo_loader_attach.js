{# Starts the map's geometry loader (GeoLoader; templates/geo_loader.js, loaded as a file). #}
{% macro script(this, kwargs) %}
window.cbmGeo = window.cbmGeo || CbmGeo.create({{ this._parent.get_name() }});
{% endmacro %}
