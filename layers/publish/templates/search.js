// The static edition's place search: `layers/data/search.py` (SearchIndex.rank) run in the
// reader's browser, step for step, over the texts `SearchIndex.as_json` wrote, so a reader of
// the published files gets the results a user of the app gets, in the same order. The typo
// score is rapidfuzz's fuzz.ratio, the normalised Indel similarity: fuzzball's `distance` with
// a substitution cost of 2, on the texts as given (`full_process: false`: fuzzball would
// otherwise trim and strip them), is that Indel distance, and (1 - distance / lengths) * 100 is
// computed as rapidfuzz computes it; Python's round() halves to even. Ties break on the same
// keys. A browser test compares the two rankings query by query
// (tests/browser/test_browser_publish.py).
// Holds no closing tag and writes nothing into the page: it returns feature ids.
(function () {
  "use strict";
  var TERM = 2;  // a text's kind, as layers/data/search.py numbers them (NAME 0, ALIAS 1)

  // layers.data.search.normalise: lowercase, dotless i and schwa by hand, accents folded,
  // every run of other characters one space.
  function normalise(text) {
    var folded = String(text).toLowerCase().replace(/ı/g, "i").replace(/ə/g, "e")
      .normalize("NFKD").replace(/\p{M}/gu, "");
    return folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(" ");
  }

  function wordStarts(text) {
    var starts = [0];
    for (var i = 0; i < text.length; i++) { if (text[i] === " ") { starts.push(i + 1); } }
    return starts;
  }

  // rapidfuzz.fuzz.ratio(a, b): 100 for two empty texts, else the Indel similarity in percent.
  function ratio(a, b) {
    var lengths = a.length + b.length;
    if (lengths === 0) { return 100; }
    return (1 - fuzzball.distance(a, b, {subcost: 2, full_process: false}) / lengths) * 100;
  }

  // Python's round(): halves go to the even neighbour.
  function pyRound(x) {
    var down = Math.floor(x), rest = x - down;
    if (rest > 0.5) { return down + 1; }
    if (rest < 0.5) { return down; }
    return down % 2 === 0 ? down : down + 1;
  }

  // _exact_rank: 0 whole, 1 prefix, 2 a word's prefix, 3 every query word a word's prefix,
  // 4 anywhere, null none.
  function exactRank(query, words, text) {
    if (text.text === query) { return 0; }
    if (text.text.indexOf(query) === 0) { return 1; }
    var startsWord = function (q) {
      return text.words.some(function (w) { return w.indexOf(q) === 0; });
    };
    if (startsWord(query)) { return 2; }
    if (words.length > 1 && words.every(startsWord)) { return 3; }
    if (text.text.indexOf(query) !== -1) { return 4; }
    return null;
  }

  // fuzzy_score: the best ratio against the whole text (where 0) and against each stretch as
  // long as the query, or one letter longer, that starts the text (1) or a later word (2).
  function fuzzyScore(query, text) {
    var best = ratio(query, text.text), where = 0;
    text.starts.forEach(function (start) {
      [query.length, query.length + 1].forEach(function (length) {
        var score = ratio(query, text.text.slice(start, start + length));
        if (score > best) { best = score; where = start === 0 ? 1 : 2; }
      });
    });
    return [best, where];
  }

  function compare(a, b) {  // Python's tuple order
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) { return a[i] < b[i] ? -1 : 1; }
    }
    return a.length - b.length;
  }

  function Index(data) {
    this.cutoff = data.cutoff;
    this.minChars = data.minChars;
    this.ids = data.ids;
    this.texts = data.texts.map(function (row) {
      return {text: row[0], words: row[0].split(" "), starts: wordStarts(row[0]), kind: row[1],
              finds: row[2], entry: row[3]};
    });
  }

  // SearchIndex.rank: feature ids, best first.
  Index.prototype.rank = function (query) {
    var wanted = normalise(query);
    if (!wanted) { return []; }
    var words = wanted.split(" "), best = {}, self = this;
    function offer(ident, key) {
      if (!(ident in best) || compare(key, best[ident]) < 0) { best[ident] = key; }
    }
    var fuzzy = wanted.replace(/ /g, "").length >= this.minChars;
    this.texts.forEach(function (text) {
      var rank = exactRank(wanted, words, text);
      if (rank !== null) {
        var tier = (rank === 0 ? 0 : 2) + (text.kind === TERM ? 1 : 0);
        text.finds.forEach(function (ident, position) {
          offer(ident, text.kind === TERM ? [tier, rank, text.entry, position, ident]
                                          : [tier, rank, text.kind, text.text.length, ident]);
        });
        return;
      }
      if (!fuzzy) { return; }
      var scored = fuzzyScore(wanted, text);
      if (scored[0] < self.cutoff) { return; }
      text.finds.forEach(function (ident, position) {
        offer(ident, [4, -pyRound(scored[0]), scored[1], text.kind, text.entry, position,
                      text.text.length, ident]);
      });
    });
    return Object.keys(best).map(Number)
      .sort(function (a, b) { return compare(best[a], best[b]); })
      .map(function (ident) { return self.ids[ident]; });
  };

  window.CbmSearch = {index: function (data) { return new Index(data); }, normalise: normalise};
})();
