/*
 * Cookie choices without leaving the page (progressive enhancement).
 *
 * The banner (templates/privacy/_cookie_banner.html) and the form on /privacy/cookies/
 * are ordinary forms that POST to /privacy/cookies/ and work without this script.
 * With it, a choice is sent with fetch(); the server answers JSON and sets the
 * choice cookie itself (this script writes no cookie and nothing to localStorage),
 * then the banner goes away, or the page says the choice was saved. If anything
 * goes wrong the form is submitted the ordinary way.
 */
(function () {
  "use strict";

  if (window.jlCookieChoices) {
    return; // loaded twice (the banner and a page of its own): one listener is enough
  }
  window.jlCookieChoices = true;

  function announce(form, text) {
    var status = document.getElementById("cookie-choice-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "cookie-choice-status";
      status.setAttribute("role", "status");
      status.className = "visually-hidden";
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  function formData(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    return data;
  }

  function submitPlainly(form, submitter) {
    form.dataset.cookiePlain = "1";
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter || undefined);
    } else {
      if (submitter && submitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = submitter.name;
        hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      form.submit();
    }
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches("[data-cookie-form]") || form.dataset.cookiePlain === "1") {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: formData(form, submitter),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (submitter && submitter.value !== "save") {
          // "Accept all" / "Only necessary": the switches show what was saved.
          var all = submitter.value === "all";
          form.querySelectorAll("input[type=checkbox]:not([disabled])").forEach(function (box) {
            box.checked = all;
          });
        }
        var banner = form.closest("[data-cookie-banner]");
        if (banner) {
          banner.remove();
          var main = document.getElementById("main");
          if (main) {
            main.setAttribute("tabindex", "-1");
            main.focus({ preventScroll: true });
          }
        }
        announce(form, answer.message || "");
      })
      .catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        submitPlainly(form, submitter);
      });
  }

  document.addEventListener("submit", onSubmit);
})();
