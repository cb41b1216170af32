// Keep the CV list up to date while files are being checked: poll the status
// endpoint, replace the rows whose state changed, and say so in the status line.
// Without JavaScript the page says to reload it. Messages are translated by the
// catalogue at /jsi18n/<language>/ when the page loads it first; without it, English.
(function () {
  "use strict";

  // Translated through the catalogue's gettext when the page loaded it.
  function gettext(msgid) {
    return window.django && window.django.gettext ? window.django.gettext(msgid) : msgid;
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return String(values[name]);
    });
  }

  var table = document.querySelector("table[data-cv-status-url]");
  if (!table || !window.fetch) {
    return;
  }
  var url = table.getAttribute("data-cv-status-url");
  var note = document.getElementById("cv-checking-note");
  var announcer = document.getElementById("cv-status-announcer");
  var delay = 1000;
  var MAX_DELAY = 10000;

  function anyChecking() {
    return table.querySelector('tr[data-state="checking"]') !== null;
  }

  function describe(row) {
    var name = row.getAttribute("data-name");
    var state = row.getAttribute("data-state");
    if (state === "ready") {
      return format(gettext("“%(name)s” is ready."), { name: name });
    }
    if (state === "refused") {
      return format(gettext("“%(name)s” was refused; the reason is in the list."), { name: name });
    }
    return "";
  }

  function update(data) {
    var messages = [];
    data.cvs.forEach(function (cv) {
      var row = document.getElementById("cv-" + cv.id);
      if (!row || row.getAttribute("data-key") === cv.key) {
        return;
      }
      var holder = document.createElement("tbody");
      holder.innerHTML = cv.html;  // our own template, rendered and escaped by the server
      var fresh = holder.firstElementChild;
      row.parentNode.replaceChild(fresh, row);
      if (row.getAttribute("data-state") !== cv.state) {
        messages.push(describe(fresh));
      }
    });
    if (messages.length && announcer) {
      announcer.textContent = messages.join(" ");
    }
    if (note) {
      note.hidden = !data.checking;
    }
    return data.checking;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        delay = 1000;
        if (update(data)) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_DELAY);
        window.setTimeout(poll, delay);
      });
  }

  if (anyChecking()) {
    window.setTimeout(poll, delay);
  }
})();
