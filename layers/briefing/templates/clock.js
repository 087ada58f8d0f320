// The presenter window's clock (layers.briefing.page.clock_script): the time of day and the time
// since the presentation began (the room's start, which Python fills in), every second. Holds no
// less-than sign: an HTML sanitiser would take it for a tag.
(function () {
  var started = __STARTED__ * 1000;
  var shown = document.getElementById('clock');
  function two(n) { return (n > 9 ? '' : '0') + n; }
  function tick() {
    var now = new Date();
    var gone = Math.max(0, Math.floor((now.getTime() - started) / 1000));
    var h = Math.floor(gone / 3600), m = Math.floor(gone / 60) % 60, s = gone % 60;
    shown.textContent = two(now.getHours()) + ':' + two(now.getMinutes()) +
      '  ·  presenting for ' + (h ? h + ':' : '') + two(m) + ':' + two(s);
  }
  tick();
  setInterval(tick, 1000);
})();
