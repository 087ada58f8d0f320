{# Fetches the map's geometry files once and draws them (GeoLoader; the files are written by
   layers/map/geo_files.py). A layer's group asks for its file with cbmGeo.attach on every rerun
   that shows it; the file is fetched once per page and the drawn Leaflet layer kept, so a toggle
   moves an existing layer instead of sending or parsing its geometry again. Tooltips are
   escaped HTML written by the server (layers/map/layer.py tooltip_html). #}
{% macro script(this, kwargs) %}
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

    function bind(layer, tooltip) {
        if (tooltip) { layer.bindTooltip(tooltip, {sticky: true}); }
    }

    function points(geometry) {
        var list = geometry.type === "Point" ? [geometry.coordinates] : geometry.coordinates;
        return list.map(function (c) { return [c[1], c[0]]; });
    }

    function paths(feature, style, pane, interactive, tooltip) {
        return L.geoJSON(feature, {
            style: function () { return style; }, pane: pane, interactive: interactive,
            smoothFactor: 1.0,
            onEachFeature: function (_f, layer) { bind(layer, tooltip); }
        });
    }

    function shapes(feature) {
        var p = feature.properties;
        var o = p.options;
        var live = Boolean(p.tooltip);
        if (p.draw === "point") {
            return points(feature.geometry).map(function (at) {
                var marker = L.circleMarker(at, L.extend({fill: true}, o,
                    {radius: p.radius, pane: p.pane, interactive: live}));
                bind(marker, p.tooltip);
                return marker;
            });
        }
        if (p.draw === "line" && p.hit) {
            // drawn deaf to the mouse; the invisible wide stroke takes the hover and the click
            return [paths(feature, o, p.pane, false, null),
                    paths(feature, p.hit, p.pane, true, p.tooltip)];
        }
        var area = paths(feature, o, p.pane, live, p.tooltip);
        if (live && p.draw === "area") {
            area.on("mouseover", function (e) {
                e.layer.setStyle({weight: Number(o.weight) + 2});
            });
            area.on("mouseout", function (e) { area.resetStyle(e.layer); });
        }
        return [area];
    }

    function build(doc) {
        var layer = L.featureGroup();
        doc.features.forEach(function (feature) {
            shapes(feature).forEach(function (shape) { layer.addLayer(shape); });
        });
        return layer;
    }

    function attach(group, url) {
        load(url).then(function (doc) {
            var entry = drawn[url] || (drawn[url] = {layer: build(doc), group: null});
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
            if (feature.properties.draw === "point") {
                points(feature.geometry).forEach(function (at) {
                    group.addLayer(L.circleMarker(at, L.extend({fill: true}, options,
                        {radius: radius, pane: pane, interactive: false})));
                });
            } else {
                group.addLayer(paths(feature, options, pane, false, null));
            }
        });
    }

    return {load: load, attach: attach, halo: halo};
})({{ this._parent.get_name() }});
{% endmacro %}
