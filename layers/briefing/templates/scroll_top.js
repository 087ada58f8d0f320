// Brings the Briefing page back to its top (layers.briefing.page.scroll_top_script): after a scene
// is added from the builder, at the page's foot, the new scene on show is at the top. Runs in
// its own same-origin frame and moves the page's scrolling container. Holds no less-than sign.
(function () {
  var doc = window.parent.document;
  var main = doc.querySelector('[data-testid=stMain]') || doc.scrollingElement;
  if (main) { main.scrollTo({top: 0, behavior: 'smooth'}); }
  window.parent.scrollTo({top: 0, behavior: 'smooth'});
})();
