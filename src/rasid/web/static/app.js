/* Rasid pages: small enhancements only; every page works without scripts except the map. */
(function () {
  "use strict";

  // In an article shown in context, bring the highlighted evidence into view inside its box.
  function centreEvidence(box) {
    var mark = box.querySelector("mark.hl-focus");
    if (!mark) { return; }
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
  }

  document.querySelectorAll("details").forEach(function (details) {
    var box = details.querySelector(".article-text");
    if (!box) { return; }
    if (details.open) { centreEvidence(box); }
    details.addEventListener("toggle", function () {
      if (details.open) { centreEvidence(box); }
    });
  });
})();

/* The filters are folded behind a button on phones and open on wider screens. */
(function () {
  "use strict";
  var fold = document.getElementById("filter-fold");
  if (fold && window.matchMedia("(min-width: 641px)").matches) { fold.open = true; }
})();
