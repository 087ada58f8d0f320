// The Map page shows a clicked feature's card at the click, before the server answers. The map
// reports a click 250 ms late (streamlit-folium waits that long so that a double click can zoom
// without selecting, layers/map/templates/dblclick_guard.js), and the rerun that brings the card
// takes as long again; so at the click the map (layers/map/templates/geo_loader.js) calls
// CbmCardPreview.show with the feature's id and the address of the cards' index, and this
// script puts that feature's card, as the server wrote it into a file (layers/map/geo_files.py
// card_files: escaped when it was built, the same HTML the rerun brings), where the card stands:
// in the sidebar before the time controls, and under the map for a phone (card_preview.css
// shows one). Meanwhile the page's own card boxes are hidden (an attribute on the root, so no
// node of Streamlit's is touched), whatever card a rerun brings into them, and the address
// names the feature at once. When the rerun's card for that feature comes into a box, the copy
// there goes and the box shows again. A double click (CbmCardPreview.cancel) puts back what was
// there before its first click. Installed once per page; holds no opening angle bracket.
(function () {
  if (window.CbmCardPreview) { return; }
  var SIDE = ".st-key-card-in-sidebar";
  var UNDER = ".st-key-card-under-map";
  var SIDE_ANCHOR = '[data-testid="stSidebar"] .st-key-time-controls';  // the box after it
  var MAP_FRAME = ".st-key-map-frame";
  var PLACES = [  // where a copy stands: before the page's box there, else by its neighbour
    {box: SIDE, anchor: SIDE_ANCHOR, after: false, flag: "data-cbm-preview-side", name: "side"},
    {box: UNDER, anchor: MAP_FRAME, after: true, flag: "data-cbm-preview-under", name: "under"}
  ];
  var FIRST = "cbm-card-preview-first";  // no card on screen: the copy stands where one will
  var DOUBLE_MS = 500;  // a double click's clicks come closer than this (dblclick_guard.js)
  var GIVE_UP_MS = 8000;  // no rerun came with the card (a lost connection says so itself)
  var root = document.documentElement;
  var files = {};
  // The copy on screen: {id, indexUrl, at, parts, placed, feature, event, previous}: `feature`
  // and `event` the address before the click, `previous` the copy this one replaced when that
  // one's click had been reported already (so the server will select it)
  var shown = null;

  function get(url, json) {
    if (!files[url]) {
      files[url] = fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return json ? response.json() : response.text();
      });
      files[url].catch(function () { delete files[url]; });
    }
    return files[url];
  }

  function cardOf(id, indexUrl) {
    var base = indexUrl.slice(0, indexUrl.lastIndexOf("/") + 1);
    return get(indexUrl, true).then(function (index) {
      if (!Object.prototype.hasOwnProperty.call(index, id)) { throw new Error("no card"); }
      return get(base + index[id], false);
    });
  }

  // The feature whose card Streamlit shows in a box (null: none, or an event's)
  function onScreen(box) {
    var card = document.querySelector((box || SIDE) + " .feature-card");
    return card ? card.getAttribute("data-feature") : null;
  }

  function address() {
    var params = new URLSearchParams(window.location.search);
    return {feature: params.get("feature"), event: params.get("event")};
  }

  function setAddress(feature, event) {
    var url = new URL(window.location.href);
    [["feature", feature], ["event", event]].forEach(function (pair) {
      if (pair[1] === null) { url.searchParams.delete(pair[0]); }
      else { url.searchParams.set(pair[0], pair[1]); }
    });
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function drop(part) {
    part.node.remove();
    root.removeAttribute(part.place.flag);
  }

  // The copy gone, everywhere, and the page's boxes shown again
  function end() {
    if (!shown) { return; }
    shown.parts.forEach(drop);
    PLACES.forEach(function (place) { root.removeAttribute(place.flag); });
    window.clearTimeout(shown.timer);
    shown = null;
  }

  // Each copy whose own card has come into the page's box there goes (the sidebar's card comes
  // before the map in a rerun, the one under it after)
  function settle() {
    if (!shown || !shown.placed) { return; }
    shown.parts = shown.parts.filter(function (part) {
      if (onScreen(part.place.box) !== shown.id) { return true; }
      drop(part);
      return false;
    });
    if (!shown.parts.length) { end(); }
  }

  // The card's HTML as nodes, with anything that could run taken out. The files hold escaped
  // text in our own markup (layers/html/card.py), so nothing is, unless a file was tampered with.
  function nodes(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html").body;
    parsed.querySelectorAll("script, style, iframe, object, embed, link, meta, base, form")
      .forEach(function (node) { node.remove(); });
    parsed.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var value = attribute.value.replace(/\s+/g, "").toLowerCase();
        if (attribute.name.indexOf("on") === 0 || value.indexOf("javascript:") === 0) {
          node.removeAttribute(attribute.name);
        }
      });
    });
    return Array.prototype.slice.call(parsed.childNodes);
  }

  // Where the card goes. In the sidebar, a box styled as Streamlit's Markdown there (the card's
  // own look is style.css's .feature-card; the headings' sizes are the box's): an empty copy of
  // the sidebar card's box, or of a sidebar heading's, which is the same. Under the map, a plain
  // box, as mirror_card.js's copy of the card is.
  function put(html, place) {
    var model = place.name === "side" && document.querySelector(
      '[data-testid="stSidebar"] :is(' + SIDE + ', [data-testid="stHeading"]) ' +
      '[data-testid="stMarkdownContainer"]');
    var holder = document.createElement("div");
    holder.className = "cbm-card-preview cbm-card-preview-" + place.name;
    holder.setAttribute("data-testid", "cbmCardPreview");
    var inner = model ? model.cloneNode(false) : document.createElement("div");
    inner.replaceChildren.apply(inner, nodes(html));
    holder.appendChild(inner);
    var existing = document.querySelector(place.box);
    var at = existing || document.querySelector(place.anchor);
    if (!at || !at.parentNode) { return null; }
    if (!existing) { holder.classList.add(FIRST); }
    at.parentNode.insertBefore(holder, existing || !place.after ? at : at.nextSibling);
    root.setAttribute(place.flag, "");
    return {place: place, node: holder};
  }

  function show(id, indexUrl) {
    var now = Date.now();
    if (shown && shown.id === id) { return; }  // again: a double click's first click, say
    var before = shown ? {feature: shown.feature, event: shown.event} : address();
    var previous = !shown ? null : now - shown.at > DOUBLE_MS ? {
      id: shown.id, indexUrl: shown.indexUrl, feature: shown.feature, event: shown.event
    } : shown.previous;
    end();
    if (onScreen() === id) {  // the card that is up: no copy, and the address names it again
      setAddress(id, null);
      return;
    }
    var mine = shown = {id: id, indexUrl: indexUrl, at: now, parts: [], placed: false,
                        feature: before.feature, event: before.event, previous: previous};
    setAddress(id, null);
    mine.timer = window.setTimeout(function () {
      if (shown !== mine) { return; }
      // the server did not select it: the address goes back to what it holds
      if (mine.previous) { setAddress(mine.previous.id, null); }
      else { setAddress(mine.feature, mine.event); }
      end();
    }, GIVE_UP_MS);
    cardOf(id, indexUrl).then(function (html) {
      if (shown !== mine) { return; }
      mine.parts = PLACES.map(function (place) { return put(html, place); }).filter(Boolean);
      mine.placed = true;
      settle();  // a card that came meanwhile
    }).catch(function () {
      if (shown === mine) { end(); }  // no file (a data edit since): the rerun brings the card
    });
  }

  // A double click: the copy its first click showed goes, and the address is put back; a copy
  // older than the double click is not its own (its click was reported) and stays
  function cancel() {
    if (!shown || Date.now() - shown.at > DOUBLE_MS) { return; }
    var undone = shown;
    end();
    var previous = undone.previous;
    if (!previous) {
      setAddress(undone.feature, undone.event);
      return;
    }
    show(previous.id, previous.indexUrl);
    if (shown && shown.id === previous.id) {
      shown.feature = previous.feature;
      shown.event = previous.event;
      shown.at = 0;
    }
  }

  function prefetch(id, indexUrl) {
    var done = id === null ? get(indexUrl, true) : cardOf(id, indexUrl);
    done.catch(function () { /* fetched again at the click */ });
  }

  new MutationObserver(settle).observe(document.body, {childList: true, subtree: true});

  window.CbmCardPreview = {show: show, cancel: cancel, prefetch: prefetch};
})();
