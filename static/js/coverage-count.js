/*
 * The landing page's count: how many recruiters cover a role and a place, a number
 * and never names, and how their packets fare where enough people stand behind it. The two boxes are taxonomy-autocomplete.js comboboxes filling
 * hidden fields; once both hold a choice, the count is asked from
 * /recruiters/coverage/ (data-coverage-url) and said in the #coverage-result live
 * region. A role typed with its place ("attorney in London") fills both boxes.
 * The section stays hidden without JavaScript: the page itself is the same for
 * every visitor, and nothing in it works without the endpoint. Messages are translated
 * by the catalogue at /jsi18n/<language>/ when the page loads it first.
 */
(function () {
  "use strict";

  // Translated through the catalogue's gettext/ngettext when the page loaded it.
  function gettext(msgid) {
    return window.django && window.django.gettext ? window.django.gettext(msgid) : msgid;
  }

  function ngettext(singular, plural, count) {
    if (window.django && window.django.ngettext) {
      return window.django.ngettext(singular, plural, count);
    }
    return count === 1 ? singular : plural;
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return String(values[name]);
    });
  }

  function known(value) {
    return value !== null && value !== undefined;
  }

  function duration(hours) {
    if (hours < 48) {
      return format(ngettext("%(count)s hour", "%(count)s hours", hours), { count: hours });
    }
    var days = Math.round(hours / 24);
    return format(ngettext("%(count)s day", "%(count)s days", days), { count: days });
  }

  // How their packets fare, from the figures the endpoint released (each null unless at
  // least 10 people stand behind it).
  function market(figures) {
    var words = [];
    if (known(figures.opened_share) && known(figures.answered_share)) {
      words.push(
        format(
          gettext(
            "Of every 100 packets sent to them, %(opened)s were opened within 7 days and %(answered)s answered."
          ),
          { opened: figures.opened_share, answered: figures.answered_share }
        )
      );
    }
    if (known(figures.median_hours)) {
      words.push(
        format(gettext("Their first answer usually comes within %(time)s."), {
          time: duration(figures.median_hours),
        })
      );
    }
    return words.length ? words.join(" ") : gettext("How they answer: not enough data yet.");
  }

  function start() {
    var section = document.getElementById("coverage");
    var form = document.getElementById("coverage-form");
    if (!section || !form) {
      return;
    }
    var role = document.getElementById("coverage-role");
    var place = document.getElementById("coverage-place");
    var occupation = document.getElementById("coverage-occupation");
    var placeId = document.getElementById("coverage-place-id");
    var result = document.getElementById("coverage-result");
    var controller = null;
    section.hidden = false;

    function say(text) {
      result.textContent = text;
    }

    function update() {
      if (!occupation.value || !placeId.value) {
        say(occupation.value ? gettext("Now choose a place.") : gettext("Now choose a role."));
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var what = format(gettext("%(occupation)s in %(place)s"), {
        occupation: role.value,
        place: place.value,
      });
      var url = form.dataset.coverageUrl + "?occupation=" + encodeURIComponent(occupation.value) +
        "&place=" + encodeURIComponent(placeId.value);
      say(gettext("Counting…"));
      fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (answer) {
          if (!answer.ok) {
            say(answer.data.error || gettext("We could not count them right now."));
            return;
          }
          var count = answer.data.count;
          if (count === 0) {
            say(format(gettext("No recruiter covers %(what)s yet."), { what: what }));
          } else {
            say(
              format(
                ngettext(
                  "%(count)s recruiter covers %(what)s.",
                  "%(count)s recruiters cover %(what)s.",
                  count
                ),
                { count: count, what: what }
              ) + " " + market(answer.data.market || {})
            );
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            say(gettext("We could not count them right now."));
          }
        });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault(); // nothing to send: the count comes as you choose
    });
    role.addEventListener("taxonomy:select", function (event) {
      var item = event.detail;
      if (item.place) {
        role.value = item.display || item.label;
        place.value = item.place.label;
        placeId.value = String(item.place.id);
      }
      update();
    });
    place.addEventListener("taxonomy:select", update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
