/*
 * Taxonomy autocomplete: turns a text input into an accessible combobox
 * (WAI-ARIA 1.2 combobox with a listbox popup) fed by /taxonomy/occupations/
 * or /taxonomy/places/. No inline script or style attribute is needed (CSP:
 * script-src 'self'); load it with
 *   <script src="{% static 'js/taxonomy-autocomplete.js' %}" defer></script>
 *
 * MARKUP CONTRACT
 *
 *   <label for="occupation-search">Occupation</label>
 *   <input type="text" id="occupation-search"
 *          data-autocomplete-url="{% url 'taxonomy:occupations' %}"
 *          autocomplete="off">
 *
 * Required:
 *   id                          the input needs an id (the listbox is "<id>-listbox").
 *   data-autocomplete-url       the endpoint; the script adds ?q=<typed text>.
 * Optional, what happens on a choice (any combination):
 *   data-autocomplete-value     id of an <input type="hidden"> that receives the chosen id
 *                               (single choice; the text input then shows the label).
 *                               With neither this nor a list, the input itself keeps the
 *                               chosen label (a name the form looks up, like a country).
 *   data-autocomplete-list      id of a <ul> (or <ol>) to which the choice is appended as
 *     + data-autocomplete-name  <li><label><input type="checkbox" name="NAME" value="ID"
 *                               checked> LABEL</label></li> (multiple choice; an id already
 *                               in the list is re-checked, not added twice).
 *   data-autocomplete-max       most checked boxes allowed in that list (e.g. 5); beyond it
 *                               the choice is refused and the status says why, on screen.
 *   data-autocomplete-count     id of an element that shows "N of MAX chosen" (kept up to
 *                               date as boxes are added, ticked or unticked).
 *   data-autocomplete-targets   the list holds targets, a job in a place each: a result with
 *                               a "place" ("attorney in London") is added as its "target"
 *                               ({value: "12.345@678", display: "Attorney in London, ..."});
 *                               a job alone is written in the box followed by a comma, for
 *                               the place to be typed after it.
 *   data-autocomplete-noun      what one entry is called in messages ("target").
 *   data-autocomplete-params    extra query string for the endpoint, e.g. "kind=city&kind=remote".
 *   data-autocomplete-min       characters before searching (default 2, like the server).
 * A checkbox posts the result's "value" (an occupation with its chosen title: "12.345")
 * and shows its "display" ("Attorney"); without them, its id and label. The same entry
 * under another title (or the same job in the same place) replaces the one listed.
 * In every case the input fires a bubbling "taxonomy:select" CustomEvent whose detail is
 * the result object ({id, label, value?, display?, kind?, matched?, place?, target?}).
 *
 * What the script adds: role="combobox", aria-autocomplete="list", aria-expanded,
 * aria-controls and aria-activedescendant on the input; a <ul role="listbox"
 * class="autocomplete-listbox"> right after it, whose <li role="option"
 * class="autocomplete-option"> items carry aria-selected on the active one; a polite
 * live region (class "autocomplete-status"), shown on screen, that says when there is
 * nothing to suggest, when a list is full and what was chosen (the number of suggestions
 * is for screen readers only: the open list shows it).
 * Keyboard: Down/Up move (and open the list), Enter chooses the active option (the form
 * is not submitted while the list is open), Escape closes the list (a second Escape
 * clears the text), Tab closes it. Mouse and touch: click an option.
 * Styling: a few layout properties are set through the CSSOM (allowed by the CSP);
 * site CSS can refine .autocomplete-listbox / .autocomplete-option[aria-selected="true"].
 * Words: messages are translated by the catalogue at /jsi18n/<language>/ when the page
 * loads it first (locale/fr/LC_MESSAGES/djangojs.po has them); without it, English.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var counter = 0;

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

  function visuallyHidden(el) {
    var s = el.style;
    s.position = "absolute";
    s.width = "1px";
    s.height = "1px";
    s.overflow = "hidden";
    s.clip = "rect(0 0 0 0)";
    s.whiteSpace = "nowrap";
  }

  function Combobox(input) {
    this.input = input;
    this.url = input.dataset.autocompleteUrl;
    this.min = parseInt(input.dataset.autocompleteMin || "2", 10) || 2;
    this.params = input.dataset.autocompleteParams || "";
    this.results = [];
    this.active = -1;
    this.cache = new Map();
    this.timer = null;
    this.controller = null;
    this.lastQuery = null;

    if (!input.id) {
      counter += 1;
      input.id = "taxonomy-autocomplete-" + counter;
    }
    this.listbox = document.createElement("ul");
    this.listbox.id = input.id + "-listbox";
    this.listbox.className = "autocomplete-listbox";
    this.listbox.setAttribute("role", "listbox");
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) {
      if (!label.id) {
        label.id = input.id + "-label";
      }
      this.listbox.setAttribute("aria-labelledby", label.id);
    }
    this.listbox.hidden = true;
    var ls = this.listbox.style;
    ls.listStyle = "none";
    ls.margin = "0";
    ls.padding = "0";
    ls.maxHeight = "18rem";
    ls.overflowY = "auto";
    ls.border = "1px solid currentColor";
    ls.borderRadius = "0.25rem";

    this.status = document.createElement("small");
    this.status.className = "autocomplete-status";
    this.status.id = input.id + "-status";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.status.style.display = "block";

    input.insertAdjacentElement("afterend", this.listbox);
    this.listbox.insertAdjacentElement("afterend", this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.setAttribute("autocomplete", "off");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.onBlur.bind(this));
    // mousedown, not click: choosing must happen before the input loses focus.
    this.listbox.addEventListener("mousedown", this.onPointer.bind(this));
    // Ticking or unticking a box changes the count shown on screen.
    this.lists().forEach(function (target) {
      target.list.addEventListener("change", function () {
        updateCount(target);
      });
    });
  }

  function updateCount(target) {
    var counter = document.getElementById(target.count || "");
    if (!counter || !target.list) {
      return;
    }
    var checked = target.list.querySelectorAll('input[type="checkbox"]:checked').length;
    counter.textContent = target.max
      ? format(gettext("%(count)s of %(max)s chosen"), { count: checked, max: target.max })
      : format(gettext("%(count)s chosen"), { count: checked });
  }

  // The list this box adds to, if any.
  Combobox.prototype.lists = function () {
    var data = this.input.dataset;
    var own = document.getElementById(data.autocompleteList || "");
    if (!own || !data.autocompleteName) {
      return [];
    }
    return [{ list: own, name: data.autocompleteName, max: parseInt(data.autocompleteMax || "0", 10),
              count: data.autocompleteCount, noun: data.autocompleteNoun || "" }];
  };

  Combobox.prototype.onInput = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var hidden = this.valueField();
    if (hidden) {
      hidden.value = ""; // typed text no longer matches the chosen id
    }
    this.timer = window.setTimeout(function () {
      self.search(self.input.value.trim());
    }, DEBOUNCE_MS);
  };

  Combobox.prototype.search = function (q) {
    var self = this;
    if (q.length < this.min) {
      this.lastQuery = null;
      this.show([]);
      return;
    }
    if (q === this.lastQuery) {
      return;
    }
    this.lastQuery = q;
    if (this.cache.has(q)) {
      this.show(this.cache.get(q));
      return;
    }
    if (this.controller) {
      this.controller.abort();
    }
    this.controller = new AbortController();
    var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") +
      "q=" + encodeURIComponent(q) + (this.params ? "&" + this.params : "");
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: this.controller.signal,
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (answer) {
        var results = answer.ok && Array.isArray(answer.data.results) ? answer.data.results : [];
        self.cache.set(q, results);
        if (self.input.value.trim() === q) {
          self.show(results, answer.ok ? "" : answer.data.error);
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          self.lastQuery = null;
          self.show([], gettext("Suggestions are unavailable right now."));
        }
      });
  };

  Combobox.prototype.show = function (results, message) {
    this.results = results;
    this.active = -1;
    this.listbox.textContent = "";
    this.input.removeAttribute("aria-activedescendant");
    for (var i = 0; i < results.length; i += 1) {
      var item = results[i];
      var option = document.createElement("li");
      option.id = this.listbox.id + "-" + i;
      option.className = "autocomplete-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(i);
      option.style.padding = "0.35rem 0.6rem";
      option.style.cursor = "pointer";
      option.textContent = optionText(item);
      var other = item.place ? item.place.matched : (item.kind ? item.matched : "");
      if (other) {
        // Another name of the place matched ("Munich, Germany (München)").
        var matched = document.createElement("small");
        matched.className = "autocomplete-matched";
        matched.textContent = " (" + other + ")";
        option.appendChild(matched);
      } else if (!item.display && item.matched) {
        var alt = document.createElement("small");
        alt.className = "autocomplete-matched";
        alt.textContent = " (" + item.matched + ")";
        option.appendChild(alt);
      }
      this.listbox.appendChild(option);
    }
    var open = results.length > 0;
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (message) {
      this.announce(message);
    } else if (this.input.value.trim().length >= this.min) {
      if (open) {
        this.announce(
          format(
            ngettext(
              "%(count)s suggestion, use up and down arrows to choose.",
              "%(count)s suggestions, use up and down arrows to choose.",
              results.length
            ),
            { count: results.length }
          ),
          true
        );
      } else {
        this.announce(
          format(gettext("No suggestions for “%(text)s”. Try other words."), {
            text: this.input.value.trim(),
          })
        );
      }
    } else {
      this.announce("");
    }
  };

  // Said to screen readers and shown on screen; ``quiet`` text is for screen readers only.
  Combobox.prototype.announce = function (text, quiet) {
    this.status.textContent = "";
    if (!text) {
      return;
    }
    if (quiet) {
      var hidden = document.createElement("span");
      visuallyHidden(hidden);
      hidden.textContent = text;
      this.status.appendChild(hidden);
    } else {
      this.status.textContent = text;
    }
  };

  function optionText(item) {
    return item.target ? item.target.display : item.display || item.label;
  }

  // What a list entry is, whatever title it was chosen under: "12.345@678" → "12@678".
  function entryKey(value) {
    return String(value).replace(/\.\d+/, "");
  }

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.move = function (delta) {
    if (!this.results.length) {
      return;
    }
    if (!this.isOpen()) {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
    var count = this.results.length;
    this.active = this.active === -1 ? (delta > 0 ? 0 : count - 1) : (this.active + delta + count) % count;
    var options = this.listbox.children;
    for (var i = 0; i < options.length; i += 1) {
      var on = i === this.active;
      options[i].setAttribute("aria-selected", on ? "true" : "false");
      options[i].style.background = on ? "var(--pico-primary-background, #1a73e8)" : "";
      options[i].style.color = on ? "var(--pico-primary-inverse, #fff)" : "";
    }
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.onKeydown = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!this.results.length) {
          this.lastQuery = null;
          this.search(this.input.value.trim());
        }
        this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (this.isOpen() && this.active !== -1) {
          event.preventDefault();
          this.choose(this.results[this.active]);
        } else if (this.isOpen()) {
          event.preventDefault(); // an open list is not a form submission
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.lastQuery = null;
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onBlur = function () {
    this.close();
  };

  Combobox.prototype.onPointer = function (event) {
    var option = event.target.closest('[role="option"]');
    if (!option) {
      return;
    }
    event.preventDefault();
    this.choose(this.results[parseInt(option.dataset.index, 10)]);
  };

  Combobox.prototype.valueField = function () {
    var id = this.input.dataset.autocompleteValue;
    return id ? document.getElementById(id) : null;
  };

  // Adds (or re-ticks) the item in ``target``'s list; false, with the reason on screen,
  // when the list is full.
  Combobox.prototype.addTo = function (target, item) {
    var entry = item.target || item;
    var value = String(entry.value || entry.id);
    var text = entry.display || entry.label;
    var boxes = target.list.querySelectorAll('input[type="checkbox"]');
    var checked = 0;
    var same = null;
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].name !== target.name) {
        continue;
      }
      // The same entry, or the same one under another title.
      if (entryKey(boxes[i].value) === entryKey(value)) {
        same = boxes[i];
      } else if (boxes[i].checked) {
        checked += 1;
      }
    }
    if (!same && target.max && checked >= target.max) {
      this.refused.push(format(limitMessage(target.noun, target.max), { max: target.max, name: text }));
      return false;
    }
    if (same) {
      same.value = value;
      same.checked = true;
      same.parentNode.lastChild.textContent = " " + text;
    } else {
      var li = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = target.name;
      box.value = value;
      box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + text));
      li.appendChild(label);
      target.list.appendChild(li);
    }
    updateCount(target);
    return true;
  };

  // The refusal when a list is full, in words for what it holds.
  function limitMessage(noun, max) {
    if (noun === "target") {
      return ngettext(
        "You can choose at most %(max)s target. Untick one to add %(name)s.",
        "You can choose at most %(max)s targets. Untick one to add %(name)s.",
        max
      );
    }
    return ngettext(
      "You can choose at most %(max)s item. Untick one to add %(name)s.",
      "You can choose at most %(max)s items. Untick one to add %(name)s.",
      max
    );
  }

  Combobox.prototype.choose = function (item) {
    if (!item) {
      return;
    }
    var hidden = this.valueField();
    var lists = this.lists();
    var chosen = [];
    this.refused = [];
    if (lists.length && "autocompleteTargets" in this.input.dataset && !item.target) {
      // A job alone: written in the box, for the place to be typed after it.
      this.input.value = (item.display || item.label) + ", ";
      this.lastQuery = null;
      this.close();
      this.announce(
        format(gettext("Now type where you want to work as %(role)s, or Remote."), {
          role: item.display || item.label,
        })
      );
      return;
    }
    if (lists.length && this.addTo(lists[0], item)) {
      chosen.push(optionText(item));
    }
    if (hidden) {
      hidden.value = String(item.value || item.id);
    }
    if (hidden || !lists.length) {
      this.input.value = optionText(item);
      chosen.push(optionText(item));
    } else if (!this.refused.length) {
      this.input.value = "";
    }
    this.lastQuery = null;
    this.close();
    var words = [];
    if (chosen.length) {
      var names = chosen.reduce(function (first, second) {
        return format(gettext("%(first)s and %(second)s"), { first: first, second: second });
      });
      words.push(format(gettext("%(names)s chosen."), { names: names }));
    }
    this.announce(words.concat(this.refused).join(" "));
    this.input.dispatchEvent(
      new CustomEvent("taxonomy:select", { bubbles: true, detail: item })
    );
  };

  function init(root) {
    var inputs = (root || document).querySelectorAll("input[data-autocomplete-url]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (!inputs[i].dataset.autocompleteReady) {
        inputs[i].dataset.autocompleteReady = "true";
        new Combobox(inputs[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
  window.taxonomyAutocomplete = { init: init };
})();
