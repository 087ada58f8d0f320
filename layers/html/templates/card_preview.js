// The Map page shows a clicked feature's card at the click, before the server answers. The map
// reports a click 250 ms late (streamlit-folium waits that long so that a double click can zoom
// without selecting, layers/map/templates/dblclick_guard.js), and the rerun that brings the card
// takes as long again; so at the click the map (layers/map/templates/geo_loader.js) calls
// CbmCardPreview.show with the feature's id and the address of the cards' index, and this
// script puts that feature's card, as the server wrote it into a file (layers/map/geo_files.py
// card_files: escaped when it was built, the same HTML the rerun brings), where the card stands:
// in the sidebar before the time controls, and under the map for a phone (card_preview.css
// shows one). The card on screen, if any, is hidden meanwhile, and the address names the
// feature at once. When the rerun's own card for that feature arrives, the copy goes and the
// page is Streamlit's again; a double click (CbmCardPreview.cancel) puts back what was there.
// Installed once per page; holds no opening angle bracket.
(function () {
  if (window.CbmCardPreview) { return; }
  var SIDE = ".st-key-card-in-sidebar";
  var UNDER = ".st-key-card-under-map";
  var SIDE_ANCHOR = '[data-testid="stSidebar"] .st-key-time-controls';  // the box after it
  var MAP_FRAME = ".st-key-map-frame";
  var HIDDEN = "cbm-card-previewed";
  var FIRST = "cbm-card-preview-first";  // no card on screen: the copy stands where one will
  var GIVE_UP_MS = 8000;  // no rerun came with the card (a lost connection says so itself)
  var files = {};
  var shown = null;  // {id, nodes, feature, event}: the copy on screen, and the address before

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

  // The feature whose card Streamlit shows now in `place` (null: none, or an event's)
  function onScreen(place) {
    var card = document.querySelector((place || SIDE) + " .feature-card");
    return card ? card.getAttribute("data-feature") : null;
  }

  function setAddress(feature, event) {
    var url = new URL(window.location.href);
    [["feature", feature], ["event", event]].forEach(function (pair) {
      if (pair[1] === null) { url.searchParams.delete(pair[0]); }
      else { url.searchParams.set(pair[0], pair[1]); }
    });
    window.history.replaceState(window.history.state, "", url.toString());
  }

  // The copies whose own card has come (all of them: `all`), and the cards they stood in for
  // shown again. The sidebar's card comes before the map in a rerun, the one under it after.
  function remove(all) {
    if (!shown) { return; }
    shown.parts = shown.parts.filter(function (part) {
      if (!all && onScreen(part.place) !== shown.id) { return true; }
      part.node.remove();
      if (part.hidden) { part.hidden.classList.remove(HIDDEN); }
      return false;
    });
    if (all || (shown.placed && !shown.parts.length)) {
      window.clearTimeout(shown.timer);
      shown = null;
    }
  }

  // Where the card's HTML goes. In the sidebar, a box styled as Streamlit's Markdown there (the
  // card's own look is style.css's .feature-card; the headings' sizes are the box's): an empty
  // copy of the sidebar card's box, or of a sidebar heading's, which is the same. Under the
  // map, a plain box, as mirror_card.js's copy of the card is.
  function box(place) {
    var model = place === "side" && document.querySelector(
      '[data-testid="stSidebar"] :is(' + SIDE + ', [data-testid="stHeading"]) ' +
      '[data-testid="stMarkdownContainer"]');
    var holder = document.createElement("div");
    holder.className = "cbm-card-preview cbm-card-preview-" + place;
    holder.setAttribute("data-testid", "cbmCardPreview");
    var inner = model ? model.cloneNode(false) : document.createElement("div");
    holder.appendChild(inner);
    return {holder: holder, inner: inner};
  }

  // Before the card Streamlit shows there (hidden meanwhile), else where it will stand
  function put(html, place, anchor, after) {
    var made = box(place === SIDE ? "side" : "under");
    made.inner.innerHTML = html;  // escaped by layers/html/card.py when the file was written
    var existing = document.querySelector(place);
    var at = existing || document.querySelector(anchor);
    if (!at || !at.parentNode) { return null; }
    if (existing) { existing.classList.add(HIDDEN); } else { made.holder.classList.add(FIRST); }
    at.parentNode.insertBefore(made.holder, existing || !after ? at : at.nextSibling);
    return {place: place, node: made.holder, hidden: existing};
  }

  function show(id, indexUrl) {
    if (onScreen() === id) {  // its card is up already: a copy for another click goes
      if (shown) { setAddress(id, null); }
      remove(true);
      return;
    }
    var before = shown ? {feature: shown.feature, event: shown.event} : {
      feature: new URLSearchParams(window.location.search).get("feature"),
      event: new URLSearchParams(window.location.search).get("event")
    };
    remove(true);
    var mine = shown = {id: id, parts: [], placed: false, feature: before.feature,
                        event: before.event};
    setAddress(id, null);
    mine.timer = window.setTimeout(function () {
      if (shown === mine) { remove(true); }
    }, GIVE_UP_MS);
    cardOf(id, indexUrl).then(function (html) {
      if (shown !== mine) { return; }
      mine.parts = [put(html, SIDE, SIDE_ANCHOR, false),
                    put(html, UNDER, MAP_FRAME, true)].filter(Boolean);
      mine.placed = true;
      remove(false);  // a card that came meanwhile
    }).catch(function () { /* no file: the rerun brings the card as before */ });
  }

  // A double click: what the first click showed goes, and the address is put back
  function cancel() {
    if (!shown) { return; }
    setAddress(shown.feature, shown.event);
    remove(true);
  }

  function prefetch(id, indexUrl) {
    var done = id === null ? get(indexUrl, true) : cardOf(id, indexUrl);
    done.catch(function () { /* fetched again at the click */ });
  }

  new MutationObserver(function () {
    if (shown && shown.placed) { remove(false); }
  }).observe(document.body, {childList: true, subtree: true});

  window.CbmCardPreview = {show: show, cancel: cancel, prefetch: prefetch};
})();
