// The Map page's layer checkboxes switch their layer on the map at the click, in the browser:
// the checkbox's own rerun is then only the sidebar's layer list (views/map.py layer_toggles, a
// fragment), not the whole map. Streamlit's checkbox is a React Aria control that fires no
// `change` event, so after any click or key in a layer checkbox the script reads every layer
// checkbox (found by its container's class, `st-key-layer-...`, layers/map/state.py key_class)
// and gives the map their states (cbmGeo.sync, layers/map/templates/geo_loader.js), which
// switches what differs. A map not drawn yet, or one that does not know a checkbox (a layer
// added since its last full rerun), has the page redraw the whole map instead (the hidden
// REDRAW button), so the map never stays behind its checkboxes. Installed once per page; holds
// no opening angle bracket.
(function () {
  if (window.__cbmLayerSwitch) { return; }
  window.__cbmLayerSwitch = true;
  var PREFIX = "st-key-layer-";
  var BOXES = '[class*="st-key-layer-"]';
  var MAP = 'iframe[title="streamlit_folium.st_folium"]';
  var REDRAW = ".st-key-map-redraw button";

  function keyOf(node) {
    for (var i = 0; i !== node.classList.length; i++) {
      if (node.classList[i].indexOf(PREFIX) === 0) { return node.classList[i]; }
    }
    return null;
  }

  function states() {
    var found = {};
    document.querySelectorAll(BOXES).forEach(function (box) {
      var input = box.querySelector('input[type="checkbox"]');
      var key = keyOf(box);
      if (input && key) { found[key] = input.checked; }
    });
    return found;
  }

  function check() {
    var frame = document.querySelector(MAP);
    var done = false;
    try {
      var geo = frame && frame.contentWindow.cbmGeo;
      done = Boolean(geo && geo.sync(states()));
    } catch (error) {
      done = false;
    }
    window.__cbmLayerSwitches = (window.__cbmLayerSwitches || 0) + 1;
    if (!done) {
      var button = document.querySelector(REDRAW);
      if (button) { button.click(); }
    }
  }

  function heard(event) {
    var target = event.target;
    if (target && target.closest && target.closest(BOXES)) {
      // once the checkbox has taken its new state and Streamlit has sent it to the server (after
      // the next frame): drawing before would hold that message back by the drawing's time
      requestAnimationFrame(function () { setTimeout(check, 0); });
    }
  }
  document.addEventListener("click", heard, true);
  document.addEventListener("keyup", heard, true);
})();
