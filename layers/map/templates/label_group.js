{% macro script(this, kwargs) %}
if (window.cbmLabelEngine) {
    {{ this._parent.get_name() }}.addLayer(window.cbmLabelEngine.layer({{ this.labels }}));
}
{% endmacro %}
