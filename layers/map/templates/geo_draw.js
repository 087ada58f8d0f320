// Draws the features of a geometry document (layers/map/geo_files.py: each feature's `draw`,
// `pane`, Leaflet `options`, `radius`, `tooltip`, `hit`) as Leaflet layers. One drawer for the
// live map (inlined by layers/map/geo_layer.py GeoLoader, which adds the fetching and caching)
// and the static edition (layers/publish, served as a file). Plain script, no template: the
// tooltips are HTML the server escaped (layers/map/layer.py tooltip_html). Holds no closing tag.
window.CbmGeoDraw = window.CbmGeoDraw || (function () {
    "use strict";

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

    // A feature's Leaflet layers: a circle marker for a point; an area with a hover highlight;
    // a line drawn deaf to the mouse under an invisible wide stroke that takes the hover and the
    // click (a 2 px dashed line is mostly gaps); the basemap's paths deaf. `onLive(layer,
    // feature)`, if given, is called for each layer that takes the mouse (to add a click).
    function shapes(feature, onLive) {
        var p = feature.properties;
        var o = p.options;
        var live = Boolean(p.tooltip);
        var made;
        if (p.draw === "point") {
            made = points(feature.geometry).map(function (at) {
                var marker = L.circleMarker(at, L.extend({fill: true}, o,
                    {radius: p.radius, pane: p.pane, interactive: live}));
                bind(marker, p.tooltip);
                return marker;
            });
            return told(made, live ? made : [], feature, onLive);
        }
        if (p.draw === "line" && p.hit) {
            var hit = paths(feature, p.hit, p.pane, true, p.tooltip);
            return told([paths(feature, o, p.pane, false, null), hit], [hit], feature, onLive);
        }
        var area = paths(feature, o, p.pane, live, p.tooltip);
        if (live && p.draw === "area") {
            area.on("mouseover", function (e) {
                e.layer.setStyle({weight: Number(o.weight) + 2});
            });
            area.on("mouseout", function (e) { area.resetStyle(e.layer); });
        }
        return told([area], live ? [area] : [], feature, onLive);
    }

    function told(made, interactive, feature, onLive) {
        if (onLive) { interactive.forEach(function (layer) { onLive(layer, feature); }); }
        return made;
    }

    // A whole document as one group, features in the document's order.
    function build(doc, onLive) {
        var group = L.featureGroup();
        doc.features.forEach(function (feature) {
            shapes(feature, onLive).forEach(function (shape) { group.addLayer(shape); });
        });
        return group;
    }

    // The outline of one feature (the selection), deaf to the mouse: a ring of `radius` around
    // a point, the feature's own paths otherwise, in `options` and `pane`.
    function halo(feature, options, radius, pane) {
        if (feature.properties.draw === "point") {
            return points(feature.geometry).map(function (at) {
                return L.circleMarker(at, L.extend({fill: true}, options,
                    {radius: radius, pane: pane, interactive: false}));
            });
        }
        return [paths(feature, options, pane, false, null)];
    }

    return {shapes: shapes, build: build, halo: halo};
})();
