// Small improvements on a page that works without JavaScript.
document.addEventListener("keydown", function (e) {
  // "/" focuses the search box, as on most search sites.
  var box = document.querySelector("input[type=search]");
  if (e.key === "/" && box && document.activeElement !== box) { e.preventDefault(); box.focus(); box.select(); }
});
(function () {
  // In the document view, bring the anchored paragraph into view below the header.
  var id = decodeURIComponent(location.hash.slice(1));
  var target = id && document.getElementById(id);
  if (target) { target.classList.add("focus"); target.scrollIntoView({block: "center"}); }
})();
