// When the server stops answering, Streamlit's dialog guesses at the cause: "Are you connected
// to the internet?" (or "Is Streamlit still running? ... streamlit run yourscript.py" on
// localhost). This dashboard needs no internet and is started with `make run`, so the dialog
// is made to say what is true.
//
// When the server is back (often a new one, with no memory of this tab), the page clicks its
// hidden catch-up button (RECONNECT, drawn by views/common.every_page) and covers itself with
// a short "catching up" notice until that run has shown its mark and ended: the new session's first run reads the
// address, which holds what the page shows, so the briefer's next click is a change to it.
// Without this the next click was that first run, and the address it read overruled the
// click: a layer switched on stayed off, with no word why.
//
// Streamlit writes its connection and script states on the app's root element
// (data-test-connection-state, data-test-script-state); installed once per page.
(function () {
  if (window.__cbmConnectionWatch) { return; }
  window.__cbmConnectionWatch = true;
  var SAY = "The dashboard's server is not answering: it may have stopped or be restarting, " +
    "or this device may have lost its network to it. No internet is needed. This page " +
    "reconnects by itself as soon as the server answers again. If the server was restarted, " +
    "changes not saved to a file are gone; whoever runs it can start it again with make run.";
  var GUESSES = ["Are you connected to the internet?", "Is Streamlit still running?"];
  var RECONNECT = ".st-key-page-reconnect button";
  var CAUGHT_UP = ".cbm-caught-up";
  var CATCH_UP_MS = 30000;  // never cover the page longer than this
  var wasConnected = false;
  var lost = false;

  function mend(dialog) {
    var walker = document.createTreeWalker(dialog, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue;
      if (GUESSES.some(function (guess) { return text.indexOf(guess) !== -1; })) {
        node.nodeValue = SAY;
      } else if (text.indexOf("streamlit run yourscript.py") !== -1) {
        node.nodeValue = "make run";
      }
    }
  }

  function app() { return document.querySelector("[data-test-connection-state]"); }

  // The catch-up run shows its mark (CAUGHT_UP, drawn by every_page when the button was
  // clicked) early on; the cover goes once the mark is there and the script is no longer
  // busy, or after CATCH_UP_MS whatever happens. Keys are held while it is up, like clicks.
  function catchUp() {
    window.__cbmCatchUps = (window.__cbmCatchUps || 0) + 1;
    var cover = document.createElement("div");
    cover.className = "cbm-catching-up";
    cover.setAttribute("role", "status");
    cover.textContent = "The server is back: catching up with this page…";
    document.body.appendChild(cover);
    function hold(event) { event.stopImmediatePropagation(); event.preventDefault(); }
    window.addEventListener("keydown", hold, true);
    var started = Date.now();
    var stale = document.querySelector(CAUGHT_UP);  // a mark left by an earlier catch-up
    var button = document.querySelector(RECONNECT);
    if (button) { button.click(); }
    var timer = setInterval(function () {
      var root = app();
      var state = root ? root.getAttribute("data-test-script-state") : "";
      var busy = state === "running" || state === "rerunRequested";
      var mark = document.querySelector(CAUGHT_UP);
      var done = mark !== null && mark !== stale && !busy;
      if (done || !button || Date.now() - started > CATCH_UP_MS) {
        clearInterval(timer);
        window.removeEventListener("keydown", hold, true);
        cover.remove();
      }
    }, 100);
  }

  function watchConnection() {
    var root = app();
    if (!root) { return; }
    var connected = root.getAttribute("data-test-connection-state") === "CONNECTED";
    if (connected && lost) {
      lost = false;
      catchUp();
    } else if (!connected && wasConnected) {
      lost = true;
    }
    wasConnected = connected;
  }

  new MutationObserver(function (changes) {
    watchConnection();
    changes.forEach(function (change) {
      var at = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      var dialog = at && at.closest ? at.closest("[role=dialog]") : null;
      if (dialog) { mend(dialog); return; }
      change.addedNodes.forEach(function (added) {
        if (added.nodeType !== 1) { return; }
        if (added.matches("[role=dialog]")) { mend(added); }
        added.querySelectorAll("[role=dialog]").forEach(mend);
      });
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true,
                             attributes: true, attributeFilter: ["data-test-connection-state"]});
  watchConnection();  // connected already: a loss before the next change is still seen
})();
