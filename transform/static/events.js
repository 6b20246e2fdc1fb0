/* The chronology's filters and the event page's switch between the two accounts.
   Without this script the chronology is the whole list, grouped by period, and an
   event page shows both accounts (side by side, or one after the other on a phone). */
(function () {
  "use strict";

  function chronology(form) {
    var period = form.querySelector("#filter-period");
    var entity = form.querySelector("#filter-entity");
    var count = form.querySelector(".filter-count");
    var keys = {};
    form.querySelectorAll("#filter-entities option").forEach(function (option) {
      keys[option.value] = option.getAttribute("data-key");
    });
    var events = document.querySelectorAll("li.event");
    function apply() {
      var wanted = period.value;
      var key = keys[entity.value.trim()] || "";
      var shown = 0;
      events.forEach(function (item) {
        var ok = (!wanted || item.getAttribute("data-period") === wanted) &&
          (!key || (" " + item.getAttribute("data-entities") + " ").indexOf(" " + key + " ") >= 0);
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      document.querySelectorAll("section.period").forEach(function (section) {
        section.hidden = !section.querySelector("li.event:not([hidden])");
      });
      count.textContent = shown + " of " + events.length + " events";
    }
    period.addEventListener("change", apply);
    entity.addEventListener("input", apply);
    entity.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  }

  function accounts(group) {
    var buttons = group.querySelectorAll("button");
    function show(key) {
      document.querySelectorAll("section.account").forEach(function (section) {
        section.hidden = Boolean(key) && section.getAttribute("data-account") !== key;
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-account") === key));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.getAttribute("data-account")); });
    });
    group.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.event-filters");
    if (form) { chronology(form); }
    var group = document.querySelector(".account-switch");
    if (group) { accounts(group); }
  });
}());
