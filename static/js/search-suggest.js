/* Suggestions under the search box (search/suggest.py), as the ARIA combobox pattern: the
   input is a combobox (aria-expanded, aria-activedescendant) controlling a listbox whose
   options lead to a topic's, organisation's, section's or author's page;
   Down/Up move, Enter opens the chosen one (or searches the words when none is chosen),
   Escape closes. Without this script the box is a plain search form. Every form carrying
   data-suggest-url gets it. */
(function () {
  "use strict";
  var DELAY = 150;

  function setUp(form, n) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var listId = "search-suggestions-" + n;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var timer = null;
    var latest = 0;
    var options = [];
    var active = -1;

    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.classList.add("has-suggestions");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.textContent = "";
      options = suggestions.map(function (s, i) {
        var option = document.createElement("li");
        var name = document.createElement("span");
        var meta = document.createElement("span");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", s.url);
        name.className = "search-suggestion__name";
        name.textContent = s.name;
        meta.className = "search-suggestion__meta";
        meta.textContent = s.kind_label + " · " + s.count;
        option.appendChild(name);
        option.appendChild(meta);
        // mousedown, not click: it comes before the input's blur closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.assign(s.url);
        });
        list.appendChild(option);
        return option;
      });
      status.textContent = suggestions.length ? form.getAttribute("data-suggest-count").replace("#", suggestions.length) : "";
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        choose(-1);
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      var ticket = ++latest;
      if (!q) {
        show([]);
        return;
      }
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          // An answer to an older keystroke arriving late is dropped.
          if (ticket === latest) show(data.suggestions || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= options.length) next = -1;
        if (next < -1) next = options.length - 1;
        choose(next);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(options[active].getAttribute("data-url"));
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-suggest-url]"), setUp);
})();
