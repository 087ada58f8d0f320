// Fetches the map's geometry files (written by layers/map/geo_files.py) once and draws them with
// geo_draw.js (window.CbmGeoDraw). Served as a file like the others (layers/map/geo_layer.py
// MapScripts); geo_loader_attach.js starts one loader per map (GeoLoader). A layer's group asks
// for its file with cbmGeo.attach on every rerun that shows it; the file is fetched once per page
// and the drawn Leaflet layer kept, with the labels the file carries (labels.js), so showing it
// again moves an existing layer instead of sending or parsing its geometry again.
// The Map page's reruns instead give the list of their layers (cbmGeo.switches, from
// layer_switches.js), which draws those that are on in one group of the loader's own (`kept`)
// instead of a group per rerun, which the component would take off the map on every rerun: a
// rerun showing the same layers (a selection, a date) draws nothing again, and the list says
// what comes off. A layer's checkbox switches its layer here at the click
// (cbmGeo.sync, called by the page's layers/html/templates/layer_switch.js): the checkbox's own
// rerun is then only that checkbox's, and the next full rerun agrees. With the list comes the
// index of the feature cards' files: a click on a feature then has the page show its card at
// once (the page's CbmCardPreview, layers/html/templates/card_preview.js), a double click takes
// it back. Holds no closing tag.
window.CbmGeo = window.CbmGeo || (function () {
    "use strict";
    var PENDING_MS = 10000;  // a click's hold on the lists (stale): past any rerun's run

    function create(map) {
        // the group layers stay in across reruns, made by the first list of layers (switches),
        // while the component evaluates that rerun: so it is on the map before the component
        // binds its click handler to every layer there
        var kept = null;
        var documents = {};
        var drawn = {};
        var wanted = {};  // url: the group that is to hold its layers now (null: none)
        var notice = null;
        var board = null;  // this rerun's switchable layers (switches)
        var added = false;  // a layer joined a group since the last restack
        var switchable = {};  // url: true for every layer file a rerun's list has named
        var cards = null;  // the feature cards' index (switches), for the page's card preview
        var pending = {};  // checkbox key: a click the server's lists may not have seen (stale)

        // The page's card preview, when this map is the Map page's (null: another page's map,
        // or a page out of reach)
        function preview() {
            try {
                return cards && window.parent !== window && window.parent.CbmCardPreview || null;
            } catch (error) {
                return null;
            }
        }

        // A feature that takes the mouse: a hover fetches its card, a click shows it
        function live(layer, feature) {
            var id = feature.properties.id;
            if (!id) { return; }
            layer.on("mouseover", function () {
                var page = preview();
                if (page) { page.prefetch(id, cards); }
            });
            layer.on("click", function () {
                var page = preview();
                if (page) { page.show(id, cards); }
            });
        }
        map.on("dblclick", function () {
            var page = preview();
            if (page) { page.cancel(); }
        });
        // A tooltip open when the map moves is about where the pointer was: a tap's stays open on
        // a touch screen while the map flies to the tapped feature, and ends past the map's edge
        map.on("movestart", function () {
            map.eachLayer(function (layer) {
                var tip = layer.getTooltip && layer.getTooltip();
                if (tip && tip.isOpen()) { layer.closeTooltip(); }
            });
        });

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
            var made = [CbmGeoDraw.build(doc, live)];
            var engine = map.cbmLabels;
            if (engine && doc.labels && doc.labels.length) { made.push(engine.layer(doc.labels)); }
            return made;
        }

        function attach(rerunGroup, url) {
            var asked = kept || rerunGroup;
            wanted[url] = asked;
            load(url).then(function (doc) {
                if (wanted[url] !== asked) { return; }  // switched off or moved meanwhile
                // asked before this rerun's list made the kept group: it goes there all the same
                var group = kept || asked;
                wanted[url] = group;
                var entry = drawn[url] || (drawn[url] = {layers: build(doc), group: null});
                if (entry.group === group) { return; }  // drawn there already (kept)
                entry.layers.forEach(function (layer) {
                    // the previous rerun's group is already off the map: take the layer from it
                    if (entry.group) { entry.group.removeLayer(layer); }
                    group.addLayer(layer);
                });
                entry.group = group;
                added = true;
            });
        }

        function detach(url) {
            wanted[url] = null;
            var entry = drawn[url];
            if (entry && entry.group) {
                entry.layers.forEach(function (layer) { entry.group.removeLayer(layer); });
                entry.group = null;
            }
        }

        // What a Map page rerun shows: the legend file, whether a feature is selected, and every
        // layer in registry order as [key, file, on]: `key` names its checkbox's container (the
        // end of its class), `file` is under `base`. The layers that are on are drawn from here
        // (the page sends no group per layer). `cardsUrl`: the feature cards' index, or null.
        function switches(legendUrl, base, selection, rows, cardsUrl) {
            if (!kept) { kept = L.featureGroup().addTo(map); }
            var idle = window.requestIdleCallback || function (then) { setTimeout(then, 200); };
            if (cardsUrl && cardsUrl !== cards) {
                cards = cardsUrl;
                idle(function () {  // the page's script is installed after the map's first run
                    var page = preview();
                    if (page) { page.prefetch(null, cards); }
                });
            }
            var layers = rows.map(function (row) {
                return {key: row[0], url: base + row[1], on: row[2]};
            });
            var clickKept = stale(layers);
            board = {legend: legendUrl, selection: selection, layers: layers};
            // what this rerun does not show comes off the kept group (the component removes only
            // its own groups): layers switched off, and files of another date; never the
            // basemap, which is attached the same way but is in no list
            var shown = layers.filter(function (layer) { return layer.on; });
            var showing = {};
            layers.forEach(function (layer) { switchable[layer.url] = true; });
            shown.forEach(function (layer) { showing[layer.url] = true; });
            Object.keys(wanted).forEach(function (url) {
                if (wanted[url] === kept && switchable[url] && !showing[url]) { detach(url); }
            });
            shown.forEach(function (layer) { attach(kept, layer.url); });
            if (clickKept) {  // the legend this rerun drew is the stale list's: draw it again
                window.cbmShowLegend(legendUrl, shown.map(function (layer) {
                    return layer.url;
                }), selection);
            }
            Promise.all(shown.map(function (layer) { return load(layer.url); })).then(function () {
                if (added) { added = false; restack(-1); }  // one came on top: put in order
            });
            // the layers that are off, fetched and built while the page is idle, so a first
            // switch draws at once like a later one
            layers.forEach(function (layer) {
                if (layer.on || drawn[layer.url]) { return; }
                idle(function () {
                    load(layer.url).then(function (doc) {
                        if (!drawn[layer.url]) { drawn[layer.url] = {layers: build(doc), group: null}; }
                    });
                });
            });
        }

        // Later layers draw on top: after one is switched on, those after it come up again.
        function restack(from) {
            board.layers.slice(from + 1).forEach(function (layer) {
                var entry = drawn[layer.url];
                if (!layer.on || !entry || !entry.group) { return; }
                entry.layers.forEach(function (drawnLayer) {
                    if (drawnLayer.bringToFront) { drawnLayer.bringToFront(); }
                });
            });
        }

        // A rerun's list made before a checkbox's click had reached the server (the click came
        // while a full run was running, and the checkbox's own run waits for it) would take
        // back what the click drew. Each click is kept (`pending`) with the address's `layers`
        // as it stood then; the checkbox's run writes that parameter anew, so a list that
        // disagrees with the click while the address is unchanged is from before the click:
        // the click's state stands in it. A list that agrees, or one that comes after the
        // address changed (the server's own say, such as the place search switching a layer
        // on), ends the click's hold, as does PENDING_MS. True if a click stood in for a row.
        function stale(layers) {
            var now = Date.now(), param = layersParam(), held = false;
            layers.forEach(function (layer) {
                var click = pending[layer.key];
                if (!click) { return; }
                if (layer.on !== click.on && param === click.param && now - click.at < PENDING_MS) {
                    layer.on = click.on;
                    held = true;
                } else {
                    delete pending[layer.key];
                }
            });
            return held;
        }

        function layersParam() {
            try {
                return new URLSearchParams(window.parent.location.search).get("layers");
            } catch (error) {
                return null;
            }
        }

        // The page's layer checkboxes as they stand ({key: checked}): draw or remove each layer
        // whose checkbox differs from the map, and show the legend of what is on. False when
        // this map cannot (not drawn, or a checkbox it does not know), so the page asks the
        // server for the whole map instead.
        function sync(states) {
            if (!board) { return false; }
            var known = board.layers.map(function (layer) { return layer.key; });
            var unknown = Object.keys(states).some(function (key) {
                return known.indexOf(key) === -1;
            });
            var twice = known.some(function (key, index) { return known.indexOf(key) !== index; });
            if (unknown || twice) { return false; }  // two ids that give one class: ask the server
            var changed = false;
            board.layers.forEach(function (layer, index) {
                if (!(layer.key in states) || states[layer.key] === layer.on) { return; }
                layer.on = states[layer.key];
                pending[layer.key] = {on: layer.on, param: layersParam(), at: Date.now()};
                changed = true;
                if (layer.on) {
                    attach(kept, layer.url);
                    load(layer.url).then(function () { restack(index); });
                } else {
                    detach(layer.url);
                }
            });
            if (changed) {
                window.cbmShowLegend(board.legend, board.layers.filter(function (each) {
                    return each.on;
                }).map(function (each) { return each.url; }), board.selection);
            }
            return true;
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

        return {load: load, attach: attach, detach: detach, switches: switches,
                sync: sync, halo: halo};
    }

    return {create: create};
})();
