{# Fetches the map's geometry files (written by layers/map/geo_files.py) once and draws them with
   templates/geo_draw.js, inlined above it (GeoLoader). A layer's group asks for its file with
   cbmGeo.attach on every rerun that shows it; the file is fetched once per page and the drawn
   Leaflet layer kept, so a toggle moves an existing layer instead of sending or parsing its
   geometry again. #}
{% macro script(this, kwargs) %}
{{ this.draw_source }}
window.cbmGeo = window.cbmGeo || (function (map) {
    var documents = {};
    var drawn = {};
    var notice = null;

    function tell(message) {
        if (!notice) {
            notice = L.DomUtil.create("div", "map-notice", map.getContainer());
            notice.setAttribute("role", "alert");
        }
        notice.textContent = message;
    }

    function load(url) {
        if (!documents[url]) {
            documents[url] = fetch(url, {credentials: "same-origin"}).then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            });
            documents[url].catch(function (error) {
                delete documents[url];
                tell("Part of the map could not be loaded (" + error.message + "). " +
                     "Reload the page to try again.");
            });
        }
        return documents[url];
    }

    function attach(group, url) {
        load(url).then(function (doc) {
            var entry = drawn[url] || (drawn[url] = {layer: CbmGeoDraw.build(doc), group: null});
            // the previous rerun's group is already off the map: take the layer from it
            if (entry.group && entry.group !== group) { entry.group.removeLayer(entry.layer); }
            entry.group = group;
            group.addLayer(entry.layer);
        });
    }

    function halo(group, url, id, options, radius, pane) {
        load(url).then(function (doc) {
            var feature = doc.features.find(function (f) { return f.properties.id === id; });
            if (!feature) { return; }
            CbmGeoDraw.halo(feature, options, radius, pane).forEach(function (shape) {
                group.addLayer(shape);
            });
        });
    }

    return {load: load, attach: attach, halo: halo};
})({{ this._parent.get_name() }});
{% endmacro %}
