// The portal's enhancement layer. Every page works without it (GET forms and links);
// with it: typed suggestions under the search box, results that change in place (htmx),
// and focus and announcements kept right when they do.
(function () {
  "use strict";
  document.documentElement.classList.add("cis-js");

  var DEBOUNCE_MS = 150;
  var SUGGESTIONS = 5;
  var KINDS = { places: "Lieu", themes: "Thème", projects: "Projet" };

  function suggestionHref(kind, item) {
    if (kind === "projects") return "/projets/" + encodeURIComponent(item.id);
    var facet = Object.keys(item.filter)[0];
    return "/recherche?" + new URLSearchParams([[facet, item.filter[facet]]]).toString();
  }

  // An ARIA 1.2 combobox over the search box: arrows move, Enter follows, Escape closes.
  function Combobox(input) {
    this.input = input;
    this.list = document.getElementById(input.id + "-suggestions");
    this.timer = 0;
    this.pending = null;
    this.active = -1;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.addEventListener("input", this.schedule.bind(this));
    input.addEventListener("keydown", this.key.bind(this));
    input.addEventListener("blur", this.close.bind(this));
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", this.clicked.bind(this));
  }
  Combobox.prototype.schedule = function () {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fetch.bind(this), DEBOUNCE_MS);
  };
  Combobox.prototype.fetch = function () {
    var text = this.input.value.trim();
    if (this.pending) this.pending.abort();
    if (text.length < 2) { this.close(); return; }
    this.pending = new AbortController();
    var url = this.input.dataset.suggest + "?" + new URLSearchParams({ q: text.slice(0, 100), size: SUGGESTIONS });
    fetch(url, { signal: this.pending.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(this.show.bind(this))
      .catch(function () { /* aborted or offline: the plain search still works */ });
  };
  Combobox.prototype.show = function (answer) {
    this.list.replaceChildren();
    this.active = -1;
    if (!answer) { this.close(); return; }
    var self = this;
    ["places", "themes", "projects"].forEach(function (kind) {
      answer[kind].forEach(function (item) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = self.list.id + "-" + self.list.children.length;
        option.dataset.href = suggestionHref(kind, item);
        option.textContent = item.label;
        var type = document.createElement("span");
        type.className = "cis-type";
        type.textContent = KINDS[kind];
        option.appendChild(type);
        self.list.appendChild(option);
      });
    });
    var open = this.list.children.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
  };
  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };
  Combobox.prototype.move = function (step) {
    var options = this.list.children;
    if (!options.length) return;
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    this.active = (this.active + step + options.length) % options.length;
    options[this.active].setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
  };
  Combobox.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      window.location.assign(this.list.children[this.active].dataset.href);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  };
  Combobox.prototype.clicked = function (event) {
    var option = event.target.closest("[role=option]");
    if (option) window.location.assign(option.dataset.href);
  };

  function enhance(root) {
    root.querySelectorAll("input[data-suggest]").forEach(function (input) {
      if (!input.cisCombobox) input.cisCombobox = new Combobox(input);
    });
  }

  // After results change in place: announce the new count, and keep the keyboard focus
  // somewhere sensible (the swapped-out element it was on is gone).
  document.addEventListener("htmx:afterSettle", function (event) {
    enhance(document);
    var total = document.querySelector("[data-total]");
    var live = document.getElementById("cis-total");
    if (total && live) live.textContent = total.textContent;
    var target = event.detail.target;
    if (target && target.id === "cis-plus") {
      var fresh = document.querySelectorAll("#cis-tuiles > li");
      var first = fresh[Math.min(shownBefore, fresh.length - 1)];
      if (first) first.querySelector("a").focus();
    } else if (!document.activeElement || document.activeElement === document.body) {
      var title = document.getElementById("cis-titre");
      if (title) title.focus();
    }
  });
  var shownBefore = 0;
  document.addEventListener("htmx:beforeRequest", function () {
    shownBefore = document.querySelectorAll("#cis-tuiles > li").length;
  });

  // On a phone the filter panel starts folded (its summary opens it), and stays as the
  // visitor left it when the results change in place.
  var PHONE = window.matchMedia("(max-width: 47.99em)");
  var filtersOpen = null;
  function foldFilters() {
    var panel = document.getElementById("cis-filtres-repli");
    if (!panel) return;
    panel.open = filtersOpen === null ? !PHONE.matches : filtersOpen;
    if (panel.cisFolding) return;  // "voir plus" settles without replacing the panel
    panel.cisFolding = true;
    panel.addEventListener("toggle", function () { if (PHONE.matches) filtersOpen = panel.open; });
  }
  document.addEventListener("htmx:afterSettle", foldFilters);

  document.addEventListener("DOMContentLoaded", function () { enhance(document); foldFilters(); });
})();
