// Django's autocomplete boxes (select2) are named and listed properly for screen readers:
// the search box inside takes the field's label, and the "clear" cross, which select2
// puts straight inside the list of chosen items, moves just before that list.
// select2 draws the box again on each change, so every change is fixed as it comes.
(function () {
  "use strict";

  function fix() {
    var boxes = document.querySelectorAll(".select2-container .select2-selection");
    for (var i = 0; i < boxes.length; i++) {
      var container = boxes[i].closest(".select2-container");
      var select = container.previousElementSibling;
      var label = select && select.labels && select.labels[0];
      var search = boxes[i].querySelector(".select2-search__field");
      if (search && label && !search.hasAttribute("aria-label")) {
        search.setAttribute("aria-label", label.textContent.replace(/[:\s]+$/, "").trim());
      }
      var list = boxes[i].querySelector("ul.select2-selection__rendered");
      var clear = list && list.querySelector(":scope > .select2-selection__clear");
      if (clear) list.parentNode.insertBefore(clear, list);
    }
  }

  function start() {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
