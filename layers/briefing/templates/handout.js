// The offline handout's scene player: draws the inlined layers and their labels with Leaflet and
// steps through the scenes by keys, buttons and #scene-N. No data text reaches innerHTML:
// tooltips and labels are text nodes, and everything else was escaped when the page was rendered.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("briefing-data").textContent);
  var map = L.map("map", {attributionControl: false, keyboard: false, zoomSnap: 0.25});
  window.briefingMap = map;  // for a look from the browser console (and the browser tests)
  L.control.attribution({prefix: false})
    .addAttribution("Natural Earth · GeoNames").addTo(map);
  L.control.scale({imperial: false}).addTo(map);

  function tooltip(name) {
    var span = document.createElement("span");
    span.textContent = name;
    return span;
  }
  function draw(item, interactive) {
    var g = item.geometry;
    if (g.type === "Point") {
      var opts = Object.assign({radius: item.radius, fill: true, interactive: interactive},
                               item.options);
      var marker = L.circleMarker([g.coordinates[1], g.coordinates[0]], opts);
      if (interactive) { marker.bindTooltip(tooltip(item.name)); }
      return marker;
    }
    var shape = L.geoJSON(g, {style: function () { return item.options; },
                              interactive: interactive});
    if (interactive) { shape.bindTooltip(tooltip(item.name), {sticky: true}); }
    return shape;
  }
  data.basemap.forEach(function (part) {
    L.geoJSON(part.geojson, {style: function () { return part.style; }, interactive: false})
      .addTo(map);
  });
  // The map labels (layers/map/templates/labels.js, inlined above): countries and seas always,
  // a layer's names with its layer, a highlighted feature's before all others.
  var labels = CbmLabels.attach(map, data.labels.options);
  labels.layer(data.labels.base).addTo(map);
  // A layer as one scene draws it: without the features that did not stand on the scene's day
  // (its `hidden`) and their labels. Drawn when first shown, and kept for every scene that
  // leaves out the same ones (all undated scenes share the whole layer).
  var groups = {};
  function layerGroup(id, hidden) {
    function stood(item) { return hidden.indexOf(item.id) < 0; }
    var items = data.layers[id].filter(stood);
    var gone = data.layers[id].filter(function (item) { return !stood(item); });
    var key = [id].concat(gone.map(function (item) { return item.id; })).join(" ");
    if (!groups[key]) {
      var names = (data.labels.layers[id] || []).filter(function (label) {
        return !label.feature || hidden.indexOf(label.feature) < 0;
      });
      groups[key] = L.layerGroup(items.map(function (item) { return draw(item, true); }));
      groups[key].addLayer(labels.layer(names));
    }
    return groups[key];
  }
  var highlights = {};
  Object.keys(data.highlights).forEach(function (id) {
    highlights[id] = data.highlights[id].map(function (item, i) { return draw(item, i > 0); });
    highlights[id].push(labels.layer(data.labels.highlights[id] || []));
  });

  var scenes = document.querySelectorAll(".scene");
  var total = data.scenes.length;
  var current = 0;
  var shown = L.layerGroup().addTo(map);

  // The scene's legend on the map, as the dashboard's map has it (a box that folds): a copy
  // of the rows the page already holds, escaped when the handout was made.
  var legendBody = null;
  var Legend = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = L.DomUtil.create("details", "map-legend");
      box.open = !window.matchMedia("(max-width: 640px)").matches;  // folded on a phone
      L.DomUtil.create("summary", "", box).textContent = "Legend";
      legendBody = L.DomUtil.create("div", "map-legend-body", box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  var legend = new Legend().addTo(map);
  function showLegend(article) {
    var rows = article ? article.querySelector(".legend") : null;
    legendBody.textContent = "";
    if (rows) { legendBody.appendChild(rows.cloneNode(true)); }
    legend.getContainer().hidden = !rows;
  }

  function show(n) {
    n = Math.max(1, Math.min(total, n));
    var scene = data.scenes[n - 1];
    shown.clearLayers();
    scene.layers.forEach(function (id) { shown.addLayer(layerGroup(id, scene.hidden)); });
    scene.highlight.forEach(function (id) {
      highlights[id].forEach(function (layer) { shown.addLayer(layer); });
    });
    map.fitBounds(scene.bounds, {padding: [16, 16], maxZoom: data.fitMaxZoom, animate: false});
    scenes.forEach(function (el, i) { el.hidden = i !== n - 1; });
    showLegend(scenes[n - 1]);
    document.getElementById("progress").textContent = n + " / " + total;
    document.getElementById("prev").disabled = n === 1;
    document.getElementById("next").disabled = n === total;
    current = n;
    if (location.hash !== "#scene-" + n) { location.hash = "scene-" + n; }
  }
  function fromHash() {
    var match = /^#scene-(\d+)$/.exec(location.hash);
    return match ? parseInt(match[1], 10) : 1;
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var step = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1}[event.key];
    if (step) { event.preventDefault(); show(current + step); }
    else if (event.key === "Home") { show(1); }
    else if (event.key === "End") { show(total); }
  });
  window.addEventListener("hashchange", function () {
    if (fromHash() !== current) { show(fromHash()); }
  });
  if (total > 0) { show(fromHash()); } else { map.fitWorld(); }
})();
