// Fetches the map's geometry files (written by layers/map/geo_files.py) once and draws them with
// geo_draw.js (window.CbmGeoDraw). Served as a file like the others (layers/map/geo_layer.py
// MapScripts); geo_loader_attach.js starts one loader per map (GeoLoader). A layer's group asks
// for its file with cbmGeo.attach on every rerun that shows it; the file is fetched once per page
// and the drawn Leaflet layer kept, with the labels the file carries (labels.js), so a toggle
// moves an existing layer instead of sending or parsing its geometry again. Holds no closing tag.
window.CbmGeo = window.CbmGeo || (function () {
    "use strict";

    function create(map) {
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

        // The features of a file and, when the map has a label engine, its labels. Two layers,
        // both added straight to the group: the group passes its features' clicks on (a plain
        // layer group between them would swallow them).
        function build(doc) {
            var made = [CbmGeoDraw.build(doc)];
            var engine = map.cbmLabels;
            if (engine && doc.labels && doc.labels.length) { made.push(engine.layer(doc.labels)); }
            return made;
        }

        function attach(group, url) {
            load(url).then(function (doc) {
                var entry = drawn[url] || (drawn[url] = {layers: build(doc), group: null});
                entry.layers.forEach(function (layer) {
                    // the previous rerun's group is already off the map: take the layer from it
                    if (entry.group && entry.group !== group) { entry.group.removeLayer(layer); }
                    group.addLayer(layer);
                });
                entry.group = group;
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
    }

    return {create: create};
})();
