// The Briefing page's arrow keys (layers.briefing.page.keyboard_script), which fills in the
// object {key name: widget key} below. Holds no less-than sign: an HTML sanitiser would take it
// for a tag.
(function () {
  var page = window.parent;
  var doc = page.document;
  var keys = __KEYS__;
  var typing = ['TEXTAREA', 'SELECT'];
  var clickable = ['checkbox', 'button', 'submit', 'reset'];
  function onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var key = keys[e.key];
    if (!key) { return; }
    var t = e.target;
    if (t && t.closest && t.closest('[contenteditable],[role=slider],[role=combobox],' +
        '[role=listbox],[role=tab],[role=spinbutton]')) { return; }
    if (t && typing.indexOf(t.tagName) !== -1) { return; }
    if (t && t.tagName === 'INPUT' && clickable.indexOf(t.type) === -1) { return; }
    var button = doc.querySelector('.st-key-' + key + ' button');
    if (button && !button.disabled) { e.preventDefault(); button.click(); }
  }
  if (page.__briefingKeys) { doc.removeEventListener('keydown', page.__briefingKeys); }
  page.__briefingKeys = onKey;
  doc.addEventListener('keydown', onKey);
  // Keys pressed while focus is inside a frame (the map, after a click on it) reach the frame's
  // own document, not the page's: listen there too, for every same-origin frame, now and later.
  function listenIn(frame) {
    try {
      var inner = frame.contentDocument;
      if (!inner || inner.__briefingKeysBound) { return; }
      inner.__briefingKeysBound = true;
      inner.addEventListener('keydown', function (e) { page.__briefingKeys(e); }, true);
    } catch (err) { /* a frame of another origin keeps its keys */ }
  }
  function listenInAll() { doc.querySelectorAll('iframe').forEach(listenIn); }
  listenInAll();
  if (!page.__briefingFrames) {
    page.__briefingFrames = new page.MutationObserver(listenInAll);
    page.__briefingFrames.observe(doc.body, {childList: true, subtree: true});
    doc.addEventListener('load', listenInAll, true);
  }
})();
