// Map labels: `layers/map/labels.py` says what each label reads, where it hangs, from what zoom
// and with what weight; this engine draws them in a pane that ignores the mouse and keeps them
// from hiding each other or the places they name. labelgun (on rbush) decides which of two
// colliding labels stays, leaflet-textpath writes a line's name along it. Shared by the app's
// maps and the offline HTML handout (inlined there), so this file holds no closing tag.
// No label text reaches innerHTML: every text is a text node or an SVG text node.
(function () {
  "use strict";
  if (window.CbmLabels) { return; }

  var OBSTACLE_MARGIN = 1.5;  // px around a marker that no other place's label may enter
  var PAD = 1;                // px around a label's box, so shown labels never touch
  var MAX_PASSES = 4;         // rounds of trying each hidden label's next placement
  var LINE_SLACK = 24;        // px of a line left free beyond its name, so the name fits it
  // Kinds whose names may lie over other places' markers when no clear place is left (markers
  // draw above the label pane, so they stay visible): countries, seas, lakes. A place never.
  var OVER_MARKERS = {country: true, sea: true, lake: true};

  function px(value) { return value + "px"; }

  function Engine(map, options) {
    var self = this;
    this.map = map;
    this.options = options;
    this.styles = options.styles;
    var pane = map.getPane(options.pane) || map.createPane(options.pane);
    pane.style.zIndex = options.zIndex;
    pane.style.pointerEvents = "none";
    this.renderer = L.svg({pane: options.pane, padding: 0});  // names along what is in view
    this.entries = {};
    this.runs = 0;
    this.pending = null;
    map.on("layeradd", function (event) { self._added(event.layer); });
    map.on("layerremove", function (event) { self._removed(event.layer); });
    map.on("zoomend moveend resize", function () { self.schedule(); });
  }

  Engine.prototype._added = function (layer) {
    var entry = layer._cbmLabel;
    if (!entry) { return; }
    this.entries[entry.key] = entry;
    this.schedule();
  };

  Engine.prototype._removed = function (layer) {
    var entry = layer._cbmLabel;
    if (!entry || this.entries[entry.key] !== entry) { return; }
    delete this.entries[entry.key];
    this.schedule();
  };

  // A layer group of labels: add it to a layer's group, and the labels show while it does.
  Engine.prototype.layer = function (specs) {
    var self = this;
    return L.layerGroup(specs.map(function (spec) { return self._label(spec); }));
  };

  Engine.prototype._label = function (spec) {
    var style = this.styles[spec.kind];
    var entry = {spec: spec, weight: spec.weight, sizes: {}, choice: 0, shown: false};
    var layer;
    if (spec.kind === "line") {
      layer = L.polyline(spec.path, {pane: this.options.pane, renderer: this.renderer,
                                     interactive: false, opacity: 0, weight: 1, fill: false,
                                     className: "cbm-label-path"});
      entry.textOptions = {center: true, offset: -Math.round(this.options.halo / 2 + 2),
                           attributes: this._svgAttributes(spec, style)};
    } else {
      var span = document.createElement("span");
      span.className = "cbm-label-text";
      this._styleSpan(span, style);
      span.textContent = spec.texts[0];
      entry.span = span;
      layer = L.marker([spec.lat, spec.lon], {
        pane: this.options.pane, interactive: false, keyboard: false,
        icon: L.divIcon({className: "cbm-label cbm-label-" + spec.kind, html: span,
                         iconSize: [0, 0]})});
    }
    entry.layer = layer;
    entry.key = spec.id + "#" + L.Util.stamp(layer);
    layer._cbmLabel = entry;
    return layer;
  };

  Engine.prototype._styleSpan = function (span, style) {
    var halo = this.options.halo, ink = this.options.haloColor;
    span.style.position = "absolute";
    span.style.whiteSpace = "nowrap";
    span.style.lineHeight = "1.15";
    span.style.fontFamily = this.options.font;
    span.style.fontSize = px(style.size);
    span.style.fontWeight = style.bold ? "bold" : "normal";
    span.style.fontStyle = style.italic ? "italic" : "normal";
    span.style.color = style.color;
    if (style.caps) {
      span.style.textTransform = "uppercase";
      span.style.letterSpacing = "0.08em";
    }
    var r = halo / 2;
    span.style.textShadow = [[-r, -r], [r, -r], [-r, r], [r, r], [0, -r], [0, r], [-r, 0],
                             [r, 0]].map(function (d) {
      return px(d[0]) + " " + px(d[1]) + " " + px(r) + " " + ink;
    }).join(", ");
  };

  Engine.prototype._svgAttributes = function (spec, style) {
    return {
      "class": "cbm-line-label", "data-label": spec.id,
      "font-family": this.options.font, "font-size": style.size,
      "font-style": style.italic ? "italic" : "normal",
      "font-weight": style.bold ? "bold" : "normal",
      "fill": style.color, "stroke": this.options.haloColor,
      "stroke-width": this.options.halo, "stroke-linejoin": "round",
      "paint-order": "stroke", "pointer-events": "none"
    };
  };

  Engine.prototype.schedule = function () {
    var self = this;
    if (this.pending !== null) { return; }
    this.pending = setTimeout(function () { self.run(); }, 0);
  };

  // Is the engine at rest, every label placed for the current view? (the browser tests ask)
  Engine.prototype.idle = function () { return this.pending === null && this.runs > 0; };

  Engine.prototype._entries = function () {
    var entries = this.entries;
    return Object.keys(entries).map(function (key) { return entries[key]; });
  };

  Engine.prototype._size = function (entry, text) {
    if (!entry.sizes[text]) {
      entry.span.textContent = text;
      entry.sizes[text] = [entry.span.offsetWidth, entry.span.offsetHeight];
    }
    return entry.sizes[text];
  };

  // Where a label may go, preferred first: a place's name right of its marker, else left, for
  // each of its texts; an area's name centred on each of its anchors in turn; a line's name
  // along it, if it fits. A place on the map's edge or under a control is no place to go.
  Engine.prototype._candidates = function (entry, view) {
    var spec = entry.spec, map = this.map, found = [];
    if (spec.kind === "line") { return this._lineCandidates(entry, view); }
    if (!entry.layer._icon) { return found; }
    var reach = spec.radius > 0 ? spec.radius + this.options.gap : 0;
    var anchors = spec.anchors && spec.anchors.length ? spec.anchors : [[spec.lat, spec.lon]];
    for (var a = 0; a < anchors.length; a++) {
      var at = map.latLngToContainerPoint(anchors[a]);
      for (var i = 0; i < spec.texts.length; i++) {
        var size = this._size(entry, spec.texts[i]), w = size[0], h = size[1];
        var offsets = reach > 0 ? [[reach, -h / 2], [-reach - w, -h / 2]] : [[-w / 2, -h / 2]];
        for (var j = 0; j < offsets.length; j++) {
          var box = {minX: at.x + offsets[j][0] - PAD, minY: at.y + offsets[j][1] - PAD,
                     maxX: at.x + offsets[j][0] + w + PAD, maxY: at.y + offsets[j][1] + h + PAD};
          if (!view.fits(box)) { continue; }
          var clear = !view.markers.collides(box);
          if (!clear && !OVER_MARKERS[spec.kind]) { continue; }
          found.push({text: spec.texts[i], anchor: anchors[a], offset: offsets[j], box: box,
                      clear: clear});
        }
      }
    }
    // a country's or sea's name may lie over markers (they draw on top) only as a last resort
    return found.filter(function (c) { return c.clear; })
      .concat(found.filter(function (c) { return !c.clear; }));
  };

  // The map's visible box, less its controls (zoom buttons, legend, scale), and the markers.
  Engine.prototype._view = function (entries) {
    var map = this.map, size = map.getSize(), container = map.getContainer();
    var origin = container.getBoundingClientRect();
    var controls = rbush();
    var boxes = [];
    container.querySelectorAll(".leaflet-control").forEach(function (control) {
      var rect = control.getBoundingClientRect();
      if (rect.width && rect.height) {
        boxes.push({minX: rect.left - origin.left, minY: rect.top - origin.top,
                    maxX: rect.right - origin.left, maxY: rect.bottom - origin.top});
      }
    });
    controls.load(boxes);
    return {
      origin: origin,
      markers: this._obstacles(entries),
      fits: function (box) {
        return box.minX >= 0 && box.minY >= 0 && box.maxX <= size.x && box.maxY <= size.y &&
          !controls.collides(box);
      }
    };
  };

  Engine.prototype._lineCandidates = function (entry, view) {
    var layer = entry.layer, found = [], origin = view.origin;
    for (var i = 0; i < entry.spec.texts.length; i++) {
      layer.setText(null).setText(entry.spec.texts[i], entry.textOptions);  // one node at a time
      var node = layer._textNode;
      if (!node || !layer._path || !layer._path.getAttribute("d")) { break; }
      if (node.getComputedTextLength() + LINE_SLACK > layer._path.getTotalLength()) { continue; }
      var rect = node.getBoundingClientRect();
      if (!rect.width) { continue; }
      var box = {minX: rect.left - origin.left - PAD, minY: rect.top - origin.top - PAD,
                 maxX: rect.right - origin.left + PAD, maxY: rect.bottom - origin.top + PAD};
      if (view.fits(box)) { found.push({text: entry.spec.texts[i], box: box}); }
    }
    layer.setText(null);
    return found;
  };

  // Every marker a place's label must keep clear of, its own and every other one.
  Engine.prototype._obstacles = function (entries) {
    var map = this.map, boxes = [];
    entries.forEach(function (entry) {
      var spec = entry.spec;
      if (!(spec.radius > 0)) { return; }
      var at = map.latLngToContainerPoint([spec.lat, spec.lon]), r = spec.radius + OBSTACLE_MARGIN;
      boxes.push({minX: at.x - r, minY: at.y - r, maxX: at.x + r, maxY: at.y + r});
    });
    var tree = rbush();
    tree.load(boxes);
    return tree;
  };

  Engine.prototype.run = function () {
    this.pending = null;
    var zoom = this.map.getZoom(), self = this;
    var entries = this._entries();
    var view = this._view(entries);
    var active = [];
    entries.forEach(function (entry) {
      entry.candidates = zoom >= entry.spec.min_zoom ? self._candidates(entry, view) : [];
      entry.choice = 0;
      entry.shown = false;
      if (entry.candidates.length) { active.push(entry); }
    });
    var gun = new labelgun.default(function () {}, function () {}, 6);
    for (var pass = 0; pass < MAX_PASSES; pass++) {
      gun.reset();
      active.forEach(function (entry, i) {
        var box = entry.candidates[entry.choice].box;
        gun.ingestLabel({bottomLeft: [box.minX, box.minY], topRight: [box.maxX, box.maxY]},
                        "label-" + i, entry.weight, entry, entry.spec.id, false);
      });
      gun.update();
      var moved = false;
      active.forEach(function (entry, i) {
        entry.shown = gun.getLabel("label-" + i).state === "show";
        if (!entry.shown && entry.choice < entry.candidates.length - 1) {
          entry.choice += 1;
          moved = true;
        }
      });
      if (!moved) { break; }
    }
    entries.forEach(function (entry) { self._apply(entry); });
    this.runs += 1;
  };

  Engine.prototype._apply = function (entry) {
    var chosen = entry.shown ? entry.candidates[entry.choice] : null;
    if (entry.spec.kind === "line") {
      entry.layer.setText(null);
      if (chosen) { entry.layer.setText(chosen.text, entry.textOptions); }
      return;
    }
    var icon = entry.layer._icon;
    if (!icon) { return; }
    if (!chosen) {
      icon.style.visibility = "hidden";
      L.DomUtil.addClass(icon, "cbm-label-hidden");
      return;
    }
    entry.span.textContent = chosen.text;
    entry.layer.setLatLng(chosen.anchor);
    entry.span.style.left = px(chosen.offset[0]);
    entry.span.style.top = px(chosen.offset[1]);
    icon.style.visibility = "";
    L.DomUtil.removeClass(icon, "cbm-label-hidden");
  };

  // What is shown, for a look from the console and for the browser tests.
  Engine.prototype.shown = function () {
    return this._entries().filter(function (entry) { return entry.shown; }).map(function (entry) {
      var chosen = entry.candidates[entry.choice];
      return {id: entry.spec.id, kind: entry.spec.kind, text: chosen.text,
              feature: entry.spec.feature, lat: entry.spec.lat, lon: entry.spec.lon,
              radius: entry.spec.radius, anchor: chosen.anchor || null};
    });
  };

  window.CbmLabels = {
    attach: function (map, options) {
      var engine = new Engine(map, options);
      map.cbmLabels = engine;
      window.cbmLabelEngine = engine;
      return engine;
    }
  };
})();
