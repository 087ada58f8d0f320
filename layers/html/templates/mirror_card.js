(function () {
    var SOURCE = ".st-key-card-in-sidebar .feature-card";
    var MIRROR = ".st-key-card-under-map .card-mirror";
    function copy() {
        var mirror = document.querySelector(MIRROR);
        if (!mirror) { return; }
        var source = document.querySelector(SOURCE);
        var shown = mirror.firstElementChild;
        if (source && shown && shown.isEqualNode(source)) { return; }
        if (!source && !shown) { return; }
        mirror.replaceChildren.apply(mirror, source ? [source.cloneNode(true)] : []);
    }
    if (window.__cardMirror) { window.__cardMirror.disconnect(); }
    window.__cardMirror = new MutationObserver(copy);
    window.__cardMirror.observe(document.body, {childList: true, subtree: true,
                                                characterData: true});
    copy();
})();
