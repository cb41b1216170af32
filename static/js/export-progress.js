// While a copy of the person's data is being prepared, poll its status and move the
// progress bar; reload the page once it is ready (or failed) to show the download.
// Without JavaScript the page asks to be reloaded.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var rows = document.querySelectorAll("tr[data-status-url]");
  Array.prototype.forEach.call(rows, function (row) {
    var url = row.getAttribute("data-status-url");
    var bar = row.querySelector(".export-progress");
    var step = row.querySelector(".export-step");
    var state = row.querySelector(".export-state");
    var delay = 1000;

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (bar) {
            bar.value = data.progress;
            bar.textContent = data.progress + "%";
          }
          if (step) {
            step.textContent = data.step;
          }
          if (state) {
            state.textContent = data.state_label;
          }
          if (data.done) {
            window.location.reload();
            return;
          }
          delay = 1000;
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 15000);
          window.setTimeout(poll, delay);
        });
    }
    window.setTimeout(poll, delay);
  });
})();
