// Tables that do not fit their box become labelled rows (static/css/tables.css):
// each cell is named by its column's heading, so nothing scrolls sideways on a phone.
// Measured again when the window changes size. The admin's lists are the exception:
// staff compare rows, so a list stays a table and scrolls inside its box (".results",
// Django's) on a phone.
(function () {
  "use strict";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[0];
    if (!row) return null;
    var names = [];
    for (var i = 0; i < row.cells.length; i++) {
      var text = row.cells[i].textContent.replace(/\s+/g, " ").trim();
      for (var span = 0; span < (row.cells[i].colSpan || 1); span++) names.push(text);
    }
    return names;
  }

  function label(table) {
    var names = headings(table);
    if (!names) return;
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (names[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          // A field in a cell (the admin's rows of inline forms and editable lists) is
          // named by its column's heading when it has no label of its own.
          var field = cell.querySelector("input:not([type=hidden]), select, textarea");
          if (names[column] && field && !field.labels.length && !field.hasAttribute("aria-label")) {
            field.setAttribute("aria-label", names[column]);
          }
          // ...and not described by help text the row does not show (Django points at it).
          var described = field && field.getAttribute("aria-describedby");
          if (described && !document.getElementById(described)) {
            field.removeAttribute("aria-describedby");
          }
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function room(box) {
    var style = getComputedStyle(box);
    return box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  function fit() {
    var tables = document.querySelectorAll("table");
    var i;
    // Measure every table at its natural width first, then stack those too wide.
    for (i = 0; i < tables.length; i++) tables[i].classList.remove("table-stacked");
    var tooWide = [];
    for (i = 0; i < tables.length; i++) {
      if (tables[i].parentElement && tables[i].parentElement.classList.contains("results")) {
        continue;
      }
      var box = tables[i].parentElement || document.body;
      var width = Math.min(room(box), document.documentElement.clientWidth);
      if (tables[i].offsetWidth > width + 1) {
        tooWide.push(tables[i]);
      }
    }
    for (i = 0; i < tooWide.length; i++) tooWide[i].classList.add("table-stacked");
  }

  function start() {
    var tables = document.querySelectorAll("table");
    for (var i = 0; i < tables.length; i++) label(tables[i]);
    fit();
    window.addEventListener("resize", fit); // browsers send it at most once a frame
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
