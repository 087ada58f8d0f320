// The static edition's explorer (layers/publish): the map, its layers and labels, the search,
// the card and the permalink, from the config in the page and the hashed files it names.
// Features are drawn by the app's own drawer (layers/map/templates/geo_draw.js, CbmGeoDraw) from
// the app's drawing instructions. Everything is fetched from this origin, each file once. No
// text from the data reaches the page as HTML except a card and a tooltip, which
// layers/html/card.py and layers/map/layer.py escaped when they were written; names go into text
// nodes. Holds no closing tag.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("edition-config").textContent);
  var MAX_HITS = 8, TYPE_DELAY_MS = 60;

  var fetched = {};
  function fetchOnce(path, as) {
    if (!fetched[path]) {
      fetched[path] = fetch(path).then(function (response) {
        if (!response.ok) { throw new Error(path + ": " + response.status); }
        return as === "text" ? response.text() : response.json();
      });
    }
    return fetched[path];
  }
  function byId(id) { return document.getElementById(id); }
  function say(element, text) { element.textContent = text || ""; }

  // --- the map ---------------------------------------------------------------------------------
  var map = L.map("map", {zoomSnap: config.zoomSnap, minZoom: config.minZoom,
                          maxZoom: config.maxZoom, attributionControl: false});
  L.control.attribution({prefix: false}).addAttribution(config.attribution).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  // layers/map/mapview.py feature_panes, after the basemap's: [name, z-index, takes the mouse].
  config.panes.forEach(function (p) {
    var made = map.createPane(p[0]);
    made.style.zIndex = p[1];
    if (!p[2]) { made.style.pointerEvents = "none"; }
  });
  map.fitBounds(config.frame, {padding: [config.padding, config.padding], animate: false});

  var legend = byId("legend-template").content.firstElementChild.cloneNode(true);
  var legendControl = L.control({position: "bottomright"});
  legendControl.onAdd = function () {
    legend.open = !window.matchMedia("(max-width: 640px)").matches;
    L.DomEvent.disableClickPropagation(legend);
    L.DomEvent.disableScrollPropagation(legend);
    return legend;
  };
  legendControl.addTo(map);

  // The labels (layers/map/templates/labels.js): each geometry file carries its own, the
  // basemap's countries and seas always, a layer's names with its layer.
  var labelEngine = CbmLabels.attach(map, config.labelOptions);
  // The offline basemap (sea, land, lakes, rivers, borders, deaf to the mouse).
  var basemapDrawn = fetchOnce(config.basemap).then(function (doc) {
    CbmGeoDraw.build(doc).addTo(map);
    labelEngine.layer(doc.labels || []).addTo(map);
  });

  // --- layers and features ---------------------------------------------------------------------
  var layers = {};      // id -> {config, group, drawn (a promise)}
  var features = {};    // id -> {layer, feature, geometry, bounds}
  var order = config.layers.map(function (layer) { return layer.id; });
  config.layers.forEach(function (layer) {
    layers[layer.id] = {config: layer, group: L.layerGroup(), drawn: null,
                        box: document.querySelector('input[data-layer="' + layer.id + '"]')};
  });

  var pressed = {before: undefined, at: 0};
  function onFeature(shape, feature) {
    var id = feature.properties.id;
    shape.on("click", function (event) {
      var now = Date.now();
      if (now - pressed.at > 500) { pressed.before = selected; }
      pressed.at = now;
      L.DomEvent.stopPropagation(event);
      select(id);
    });
  }

  // A layer is drawn once, by the app's drawer, with a click on each feature that opens it.
  function ensureDrawn(id) {
    var layer = layers[id];
    if (!layer.drawn) {
      layer.drawn = fetchOnce(layer.config.geo).then(function (doc) {
        layer.group.addLayer(CbmGeoDraw.build(doc, onFeature));
        doc.features.forEach(function (feature) {
          var fid = feature.properties.id;
          if (!features[fid]) {
            features[fid] = {layer: id, feature: feature, geometry: feature.geometry,
                             bounds: L.geoJSON(feature.geometry).getBounds()};
          }
        });
        layer.group.addLayer(labelEngine.layer(doc.labels || []));
      });
    }
    return layer.drawn;
  }

  function visibleLayers() {
    return order.filter(function (id) { return layers[id].box.checked; });
  }
  function showLegend() {
    var shown = visibleLayers();
    legend.querySelectorAll("[data-legend]").forEach(function (rows) {
      rows.hidden = shown.indexOf(rows.getAttribute("data-legend")) === -1;
    });
    legend.querySelector("[data-legend-selection]").hidden = !selected || !shown.length;
    legend.querySelector("[data-legend-key]").hidden = !shown.length;
    legend.querySelector("[data-legend-empty]").hidden = shown.length > 0;
  }
  // Layers draw in registry order whatever order they are switched on (later ones on top).
  function setLayer(id, on) {
    var layer = layers[id];
    layer.box.checked = on;
    showLegend();
    if (!on) { map.removeLayer(layer.group); return Promise.resolve(); }
    return ensureDrawn(id).then(function () {
      if (!layer.box.checked) { return; }
      order.forEach(function (other) {
        if (layers[other].box.checked && map.hasLayer(layers[other].group)) {
          map.removeLayer(layers[other].group);
        }
      });
      order.forEach(function (other) {
        if (layers[other].box.checked && layers[other].drawn) { map.addLayer(layers[other].group); }
      });
    });
  }
  order.forEach(function (id) {
    layers[id].box.addEventListener("change", function () {
      setLayer(id, layers[id].box.checked);
      writeAddress();
    });
  });

  // The search index, and what a result says: the feature's name and layer.
  var searchIndex = null, searchFeatures = null;
  var searchReady = fetchOnce(config.search).then(function (data) {
    searchIndex = CbmSearch.index(data.index);
    searchFeatures = data.features;
  });

  // --- the selection and its card --------------------------------------------------------------
  var selected = null;
  var outline = L.layerGroup().addTo(map);
  var card = byId("card"), cardBody = byId("card-body"), permalink = byId("permalink");

  // The app's selection outline (layers/map/mapview.py selection_halo), drawn as the app does.
  function drawOutline(entry) {
    outline.clearLayers();
    if (!entry) { return; }
    var how = config.selection[entry.feature.properties.draw];
    CbmGeoDraw.halo(entry.feature, how.options, config.selectionRadius, how.pane)
      .forEach(function (shape) { outline.addLayer(shape); });
  }
  // Frames a feature clear of the open legend (a wide one would hide the feature's east).
  function fly(feature, animate) {
    var right = legend.open ? legend.offsetWidth + 24 : 24;
    map.fitBounds(feature.bounds, {paddingTopLeft: [24, 24], paddingBottomRight: [right, 24],
                                   maxZoom: config.fitMaxZoom, animate: animate});
  }

  // Opens a feature's card (null: closes it), once the search index says which layer the
  // feature is on. `options.fly`: frame the feature (a search result or a link; a click leaves
  // the view alone, the feature is in it), `options.animate` false: at once. A feature on a
  // hidden layer switches the layer on, and says so.
  function select(id, options) {
    return searchReady.then(function () { return open(id, options || {}); });
  }
  function open(id, options) {
    var note = byId("search-note");
    if (id === null) {
      selected = null;
      drawOutline(null);
      card.hidden = true;
      cardBody.textContent = "";
      showLegend();
      writeAddress();
      return Promise.resolve();
    }
    var found = searchFeatures[id];
    if (!found || !config.cards[id]) {
      say(note, "No feature “" + shorten(id) + "” is on this map.");
      return Promise.resolve();
    }
    selected = id;
    var layerId = found.layer, turnedOn = !layers[layerId].box.checked;
    if (turnedOn) {
      say(note, "Switched on the " + layers[layerId].config.title + " layer to show " +
          found.name + ".");
    } else if (options.fromSearch) {
      say(note, "");
    }
    return Promise.all([setLayer(layerId, true), fetchOnce(config.cards[id], "text")])
      .then(function (got) {
        if (selected !== id) { return; }
        cardBody.innerHTML = got[1];  // escaped by layers/html/card.py when it was written
        card.hidden = false;
        permalink.href = "#feature=" + encodeURIComponent(id);
        var feature = features[id];
        drawOutline(feature);
        showLegend();
        if (feature && options.fly) { fly(feature, options.animate !== false); }
        writeAddress();
        // on a phone the card stands under the map: show the map, the card starts below it
        if (options.reveal && window.matchMedia("(max-width: 768px)").matches) {
          map.getContainer().scrollIntoView({block: "start"});
        }
      });
  }
  byId("clear-selection").addEventListener("click", function () { select(null); });
  // A double click zooms; it does not also change what is selected.
  map.on("dblclick", function () {
    if (pressed.before !== undefined && pressed.before !== selected) {
      select(pressed.before);
    }
    pressed.before = undefined;
  });

  // --- the address: #feature=goris&layers=borders,september-2022 ------------------------------
  var defaultLayers = config.layers.filter(function (l) { return l.visible; })
    .map(function (l) { return l.id; });
  function shorten(text) { return text.length > 40 ? text.slice(0, 40) + "…" : text; }
  function readAddress() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var query = new URLSearchParams(location.search);  // the app's ?feature= links work too
    return {feature: params.get("feature") || query.get("feature"),
            layers: params.has("layers") ? params.get("layers") : query.get("layers")};
  }
  function writeAddress() {
    var params = new URLSearchParams();
    if (selected) { params.set("feature", selected); }
    var shown = visibleLayers();
    if (shown.join(",") !== defaultLayers.join(",")) { params.set("layers", shown.join(",")); }
    var hash = params.toString().replace(/%2C/g, ",");
    var address = location.pathname + (hash ? "#" + hash : "");
    if (address !== location.pathname + location.hash || location.search) {
      history.replaceState(null, "", address);
    }
  }
  function applyAddress() {
    var wanted = readAddress(), note = byId("search-note"), unknown = [];
    if (wanted.layers !== null && wanted.layers !== undefined) {
      var ids = wanted.layers.split(",").filter(Boolean);
      unknown = ids.filter(function (id) { return !layers[id]; });
      order.forEach(function (id) { setLayer(id, ids.indexOf(id) !== -1); });
    }
    if (unknown.length) {
      say(note, "No layer “" + shorten(unknown.join(", ")) + "”: it is left out.");
    }
    // the opening view is the permalink's at once, not a flight from the default frame
    if (wanted.feature) { return select(wanted.feature, {fly: true, animate: false}); }
    return Promise.resolve();
  }
  window.addEventListener("hashchange", function () {
    var wanted = readAddress();
    if (wanted.feature && wanted.feature !== selected) {
      select(wanted.feature, {fly: true, reveal: true});
    }
  });

  // --- search ----------------------------------------------------------------------------------
  var query = byId("place-query"), hits = byId("hits");
  function rank(text) { return searchIndex ? searchIndex.rank(text) : []; }
  function choose(id) {
    select(id, {fly: true, fromSearch: true, reveal: true});
  }
  function showHits() {
    var text = query.value, note = byId("search-note");
    hits.textContent = "";
    if (!text.trim()) { say(note, ""); return; }
    var found = rank(text).slice(0, MAX_HITS);
    say(note, found.length ? "" : "No place matches that name or spelling.");
    found.forEach(function (id) {
      var entry = searchFeatures[id], layer = layers[entry.layer];
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-feature", id);
      button.textContent = entry.name + " · " + layer.config.title +
        (layer.box.checked ? "" : " · layer off");
      button.addEventListener("click", function () { choose(id); });
      item.appendChild(button);
      hits.appendChild(item);
    });
  }
  var typing = null;
  query.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(showHits, TYPE_DELAY_MS);
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      showHits();
      var first = hits.querySelector("button");
      if (first) { first.click(); }
    } else if (event.key === "ArrowDown") {
      var top = hits.querySelector("button");
      if (top) { event.preventDefault(); top.focus(); }
    }
  });
  hits.addEventListener("keydown", function (event) {
    var buttons = Array.prototype.slice.call(hits.querySelectorAll("button"));
    var at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault(); buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : query).focus();
    }
  });

  // --- start -----------------------------------------------------------------------------------
  var drawnAtStart = Promise.all([basemapDrawn, searchReady].concat(
    visibleLayers().map(function (id) { return setLayer(id, true); })));
  var ready = drawnAtStart.then(applyAddress).then(function () {
    document.body.setAttribute("data-ready", "true");
  }, function (error) {
    say(byId("search-note"), "Part of the map could not be loaded: " + error.message);
    throw error;
  });
  // For a look from the browser console, and for the browser tests.
  window.edition = {map: map, select: select, rank: rank, ready: ready, labels: labelEngine,
                    features: features,
                    selected: function () { return selected; }};
})();
