// Small improvements on a page that works without JavaScript.
document.addEventListener("keydown", function (e) {
  // "/" focuses the search box, as on most search sites.
  var box = document.querySelector("input[type=search]");
  if (e.key === "/" && box && document.activeElement !== box) { e.preventDefault(); box.focus(); box.select(); }
});
(function () {
  // In the document view, bring the anchored paragraph into view with the heading of its
  // section above it when both fit: the paragraph alone at the top says nothing of its context.
  var GAP = 16;  // pixels left above what is shown first

  function sectionHeading(el) {
    if (/^H\d$/.test(el.tagName)) return null;  // a heading is its own context
    for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
      if (/^H\d$/.test(prev.tagName)) return prev;
    }
    return null;
  }

  function reveal() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var target = id && document.getElementById(id);
    if (!target || !target.closest("article")) return;
    var old = document.querySelectorAll("article .focus");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("focus");
    target.classList.add("focus");
    var first = target, heading = sectionHeading(target);
    if (heading) {
      var span = target.getBoundingClientRect().bottom - heading.getBoundingClientRect().top;
      if (span + 2 * GAP <= window.innerHeight) first = heading;
    }
    window.scrollTo(0, window.scrollY + first.getBoundingClientRect().top - GAP);
  }

  reveal();
  // The browser scrolls to the fragment itself, on load and on a click on a ¶ or outline link;
  // adjust after it.
  window.addEventListener("load", reveal);
  window.addEventListener("hashchange", reveal);
})();
