// The Map page's layer checkboxes switch their layer on the map at the click, in the browser:
// each checkbox is a fragment of its own (views/map.py layer_switch), so its rerun is that one
// checkbox, not the map. Streamlit's checkbox is a React Aria control that fires no `change`
// event, so after a click or a Space in a layer checkbox the script reads every layer checkbox
// (found by its container's class, PREFIX and the layer's name, layers/map/state.py
// layer_class_name) and gives the map their states (cbmGeo.sync,
// layers/map/templates/geo_loader.js), which switches what differs. A map not drawn yet, or
// one that does not know a checkbox (a layer added since its last full rerun), has the page
// redraw the whole map instead (the hidden REDRAW button), so the map never stays behind its
// checkboxes. Installed
// once per page; holds no opening angle bracket. PREFIX and REDRAW are held to the Python
// names by tests/test_map_page.py.
(function () {
  if (window.__cbmLayerSwitch) { return; }
  window.__cbmLayerSwitch = true;
  var PREFIX = "st-key-layer-";
  var BOXES = '[class*="' + PREFIX + '"]';
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
      if (input && key) { found[key.slice(PREFIX.length)] = input.checked; }
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
    if (event.type === "keyup" && event.key !== " ") { return; }  // Space toggles; Tab does not
    if (target && target.closest && target.closest(BOXES)) {
      // once the checkbox has taken its new state and Streamlit has sent it to the server (after
      // the next frame): drawing before would hold that message back by the drawing's time
      requestAnimationFrame(function () { setTimeout(check, 0); });
    }
  }
  document.addEventListener("click", heard, true);
  document.addEventListener("keyup", heard, true);
})();
