(function () {
    var FRAME = ".st-key-map-frame iframe";
    var held = null;
    function leaflet() {
        var frame = document.querySelector(FRAME);
        return frame && frame.contentWindow ? frame.contentWindow.map : null;
    }
    function resize(printing) {
        var map = leaflet();
        if (printing && map) { held = [map.getCenter(), map.getZoom()]; }
        document.documentElement.classList.toggle("printing", printing);
        if (map && held) {
            map.invalidateSize({pan: false});
            map.setView(held[0], held[1], {animate: false});
        }
        if (!printing) { held = null; }
    }
    function before() { resize(true); }
    function after() { resize(false); }
    if (window.__printMap) {
        window.removeEventListener("beforeprint", window.__printMap[0]);
        window.removeEventListener("afterprint", window.__printMap[1]);
    }
    window.__printMap = [before, after];
    window.addEventListener("beforeprint", before);
    window.addEventListener("afterprint", after);
})();
