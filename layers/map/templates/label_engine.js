{% macro script(this, kwargs) %}
{{ this.source }}
(function () {
    var engine = CbmLabels.attach({{ this._parent.get_name() }}, {{ this.options }});
    engine.layer({{ this.labels }}).addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
