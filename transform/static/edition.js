/* Progressive enhancement of the reading edition. Everything works without it:
   go-to-page falls back to the list of printed pages, notes are plain links. */
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";

  /* Go to a printed page: resolve it through the static page map (pagemap.js). */
  function setUpGoTo() {
    var form = document.querySelector("form.goto");
    if (!form) { return; }
    var message = form.querySelector(".goto-message");
    form.addEventListener("submit", function (event) {
      var map = window.EDITION_PAGEMAP || {};
      var book = form.elements.book.value;
      /* "58", "p. 58", "P58" and " vii " all mean the printed page */
      var page = form.elements.page.value.trim().toLowerCase().replace(/^pp?\.?\s*/, "");
      var target = (map[book] || {})[page];
      /* a page the witness does not number: its estimated place, said to be one */
      var estimated = ((window.EDITION_PAGEMAP_ESTIMATES || {})[book] || {})[page];
      event.preventDefault();
      if (target) {
        if (message) { message.textContent = ""; }
        window.location.href = root + target;
      } else if (estimated) {
        if (message) { message.textContent = ""; }
        var hash = estimated.indexOf("#");
        window.location.href = root + estimated.slice(0, hash) + "?estimated-page=" +
          encodeURIComponent(page) + estimated.slice(hash);
      } else if (message) {
        message.textContent = page ? "No printed page " + page + " in this book." :
          "Type a page number.";
      }
    });
  }

  /* Landed on an estimated page: say so beside the passage, and how good estimates are. */
  function showEstimate() {
    var page = new URLSearchParams(window.location.search).get("estimated-page");
    var target = page && window.location.hash ?
      document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
    if (!target) { return; }
    var note = document.createElement("p");
    note.className = "estimate-note";
    note.setAttribute("role", "status");
    note.textContent = "The printed page " + page + " has no number in the witness: " +
      "this passage is its estimated place, not a certain one (" +
      (window.EDITION_PAGEMAP_NOTE || "an estimate") + "). Cite the passage by its " +
      "chapter and paragraph.";
    target.parentNode.insertBefore(note, target);
  }

  /* One popover element shared by note calls and names. */
  var popover = null;
  var owner = null;
  function hide() {
    if (popover) { popover.hidden = true; }
    if (owner) { owner.removeAttribute("aria-describedby"); owner = null; }
  }
  function show(anchor, fill) {
    if (!popover) {
      popover = document.createElement("div");
      popover.className = "popover";
      popover.id = "edition-popover";
      popover.setAttribute("role", "tooltip");
      document.body.appendChild(popover);
    }
    popover.textContent = "";
    fill(popover);
    popover.hidden = false;
    var box = anchor.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 8));
    popover.style.left = left + "px";
    popover.style.top = (box.bottom + window.scrollY + 6) + "px";
    owner = anchor;
    anchor.setAttribute("aria-describedby", popover.id);
  }
  /* Following a link to a mention (a locator of the index of names) or back to a note
     call focuses it, and a card opened on that focus would cover the sentence the reader
     came for. Focus opens a card when the keyboard moved it (Tab), or on any other
     element than the address's target. */
  var tabbing = false;
  document.addEventListener("keydown", function (event) { tabbing = event.key === "Tab"; }, true);
  document.addEventListener("mousedown", function () { tabbing = false; }, true);
  function isTarget(anchor) {
    return anchor.id !== "" && decodeURIComponent(window.location.hash.slice(1)) === anchor.id;
  }
  function bind(anchor, fill) {
    var open = function () { show(anchor, fill); };
    anchor.addEventListener("mouseenter", open);
    anchor.addEventListener("focus", function () {
      if (tabbing || !isTarget(anchor)) { open(); }
    });
    anchor.addEventListener("mouseleave", hide);
    anchor.addEventListener("blur", hide);
  }

  function setUpNotes() {
    var calls = document.querySelectorAll(".note-call a[href^='#']");
    Array.prototype.forEach.call(calls, function (call) {
      var body = document.getElementById(call.getAttribute("href").slice(1));
      if (!body) { return; }
      bind(call, function (box) {
        var copy = body.cloneNode(true);
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) {
          el.removeAttribute("id");
        });
        var back = copy.querySelector(".note-back");
        if (back) { back.parentNode.removeChild(back); }
        while (copy.firstChild) { box.appendChild(copy.firstChild); }
      });
    });
  }

  function setUpNames() {
    var cards = window.EDITION_NAMES || {};
    var names = document.querySelectorAll("a.name[data-name]");
    Array.prototype.forEach.call(names, function (name) {
      var card = cards[name.getAttribute("data-name")];
      if (!card) { return; }
      bind(name, function (box) {
        var head = document.createElement("div");
        head.className = "card-name";
        head.textContent = card.name;
        box.appendChild(head);
        if (card.detail) {
          var dates = document.createElement("div");
          dates.className = "card-dates";
          dates.textContent = card.detail;
          box.appendChild(dates);
        }
        if (card.description) {
          var text = document.createElement("div");
          text.textContent = card.description;
          box.appendChild(text);
        }
        var hint = document.createElement("div");
        hint.className = "card-hint";
        hint.textContent = "Follow the link for the index entry.";
        box.appendChild(hint);
      });
    });
  }

  /* The reader's switches (original readings, names without underlining): CSS does
     the work (:has); this adds a class for browsers without :has and remembers the
     choice from page to page. */
  function setUpSwitch(id) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var key = "edition-" + id;
    var stored = null;
    try { stored = window.localStorage.getItem(key); } catch (e) { stored = null; }
    if (stored === "1") { box.checked = true; }
    var apply = function () {
      document.documentElement.classList.toggle(id, box.checked);
      try { window.localStorage.setItem(key, box.checked ? "1" : "0"); }
      catch (e) { /* storage may be unavailable (file://, privacy mode) */ }
    };
    box.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
  });
  setUpGoTo();
  showEstimate();
  setUpNotes();
  setUpNames();
  setUpSwitch("show-original");
  setUpSwitch("plain-names");
}());
