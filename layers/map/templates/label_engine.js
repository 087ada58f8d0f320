{# The map's label engine (LabelEngine; templates/labels.js, loaded as a file). The labels come
   with the geometry files that carry them (templates/geo_loader.js) and in LabelGroups. #}
{% macro script(this, kwargs) %}
CbmLabels.attach({{ this._parent.get_name() }}, {{ this.options }});
{% endmacro %}
