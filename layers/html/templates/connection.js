// When the server stops answering, Streamlit's dialog guesses at the cause: "Are you connected
// to the internet?" (or "Is Streamlit still running? ... streamlit run yourscript.py" on
// localhost). This dashboard needs no internet and is started with `make run`, so the dialog
// is made to say what is true.
//
// When the server is back (often a new one, with no memory of this tab), the page clicks its
// hidden catch-up button (RECONNECT, drawn by views/common.every_page) and covers itself with
// a short "catching up" notice until that run is over: the new session's first run reads the
// address, which holds what the page shows, so the briefer's next click is a change to it.
// Without this the next click was that first run, and the address it read overruled the
// click: a layer switched on stayed off, with no word why.
//
// Streamlit writes its connection and script states on the app's root element
// (data-test-connection-state, data-test-script-state); installed once per page.
(function () {
  if (window.__cbmConnectionWatch) { return; }
  window.__cbmConnectionWatch = true;
  var SAY = "The dashboard's server is not answering: it was stopped or is restarting. " +
    "No internet is needed. This page reconnects by itself as soon as the server is back " +
    "(your place on the page is kept); if it does not within a minute, start the server " +
    "again (make run) and reload this page.";
  var GUESSES = ["Are you connected to the internet?", "Is Streamlit still running?"];
  var RECONNECT = ".st-key-page-reconnect button";
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

  function catchUp() {
    var cover = document.createElement("div");
    cover.className = "cbm-catching-up";
    cover.setAttribute("role", "status");
    cover.textContent = "The server is back: catching up with this page…";
    document.body.appendChild(cover);
    var started = Date.now();
    var ran = false;
    var button = document.querySelector(RECONNECT);
    if (button) { button.click(); }
    var timer = setInterval(function () {
      var root = app();
      var state = root ? root.getAttribute("data-test-script-state") : "";
      if (state === "running" || state === "rerunRequested") { ran = true; }
      // a run too quick to be seen between two looks is over once 1.5 s have passed
      var done = state === "notRunning" && (ran || Date.now() - started > 1500);
      if (done || !button || Date.now() - started > CATCH_UP_MS) {
        clearInterval(timer);
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
})();
