/* The cite control: a "Cite" button on every citable passage, a panel with
   the citation in six formats, and a copy button. Without JS the permalink (¶) and
   the Chicago citation as text are there already; this only adds to them.
   Templates come from cite-data.js (window.EDITION_CITE), one per book and format,
   rendered by the edition's Python (citeproc-py, bibtexparser, rispy); the values
   of a passage are the data-* attributes of its control. fill() mirrors
   transform/writers/citing.py:fill, and the tests compare the two. */
(function () {
  "use strict";
  var data = window.EDITION_CITE || null;
  var root = document.documentElement.getAttribute("data-root") || "";
  var TOKENS = ["id", "url", "locator", "label", "note", "sp", "ep"];

  /* A renamed id in the address: go where its passage is now. */
  function followRedirect() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id || !data || document.getElementById(id)) { return; }
    var target = (data.redirects || {})[id];
    if (target) { window.location.replace(root + target); }
  }

  function fill(template, style, values) {
    var text = template;
    TOKENS.forEach(function (name) {
      var value = values[name] || "";
      if (style === "bibtex" && name === "locator") { value = value.replace(/\u2013/g, "--"); }
      if (style === "csl-json") { value = JSON.stringify(value).slice(1, -1); }
      text = text.split("\u27e6" + name + "\u27e7").join(value);
    });
    if (style === "ris") {
      text = text.split("\n").filter(function (line) {
        return line !== "SP  - " && line !== "EP  - ";
      }).join("\n");
    }
    return text;
  }

  function citation(control, style) {
    /* the url is the one the build gave (absolute with a base URL), never this
       page's address: a copy opened from disk must not cite a file: address */
    var values = {};
    TOKENS.forEach(function (name) { values[name] = control.getAttribute("data-" + name) || ""; });
    var book = control.getAttribute("data-book");
    var template = data && data.templates[book] && data.templates[book][style];
    if (!template) {  /* no data file: the static Chicago text, as printed in the page */
      var text = control.querySelector(".cite-text");
      return text ? text.textContent.replace(/^Cite as: /, "") : "";
    }
    return fill(template, style, values).replace(/\n$/, "");
  }

  var panel = null;
  var current = null;
  var lastStyle = "chicago";
  try { lastStyle = window.localStorage.getItem("edition-cite-style") || "chicago"; }
  catch (e) { lastStyle = "chicago"; }

  function build() {
    panel = document.createElement("div");
    panel.className = "cite-panel";
    panel.id = "cite-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Cite this passage");
    panel.hidden = true;
    var head = document.createElement("p");
    head.className = "cite-panel-head";
    panel.appendChild(head);
    var link = document.createElement("p");
    link.className = "cite-panel-link";
    panel.appendChild(link);
    var label = document.createElement("label");
    label.textContent = "Format ";
    var select = document.createElement("select");
    select.className = "cite-style";
    var styles = (data && data.styles) || { chicago: "Chicago (note)" };
    Object.keys(styles).forEach(function (key) {
      var option = document.createElement("option");
      option.value = key;
      option.textContent = styles[key];
      select.appendChild(option);
    });
    label.appendChild(select);
    panel.appendChild(label);
    var text = document.createElement("textarea");
    text.className = "cite-output";
    text.readOnly = true;
    text.rows = 6;
    text.setAttribute("aria-label", "Citation");
    panel.appendChild(text);
    var buttons = document.createElement("p");
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "cite-copy";
    copy.textContent = "Copy";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "cite-close";
    close.textContent = "Close";
    var status = document.createElement("output");
    status.className = "cite-status";
    buttons.appendChild(copy);
    buttons.appendChild(document.createTextNode(" "));
    buttons.appendChild(close);
    buttons.appendChild(document.createTextNode(" "));
    buttons.appendChild(status);
    panel.appendChild(buttons);
    document.body.appendChild(panel);

    select.addEventListener("change", function () {
      lastStyle = select.value;
      try { window.localStorage.setItem("edition-cite-style", lastStyle); } catch (e) { /* file:// */ }
      show();
    });
    copy.addEventListener("click", function () {
      var value = text.value;
      var done = function () { status.textContent = "Copied."; };
      var fallback = function () {
        text.focus();
        text.select();
        try { document.execCommand("copy"); done(); }
        catch (e) { status.textContent = "Select the text and copy it."; }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(value).then(done, fallback);
      } else { fallback(); }
    });
    close.addEventListener("click", hide);
  }

  function show() {
    var control = current;
    var id = control.getAttribute("data-id");
    panel.querySelector(".cite-panel-head").textContent =
      "Cite " + id + " (" + control.getAttribute("data-label") + ")";
    var link = panel.querySelector(".cite-panel-link");
    link.textContent = "Permalink: ";
    var a = document.createElement("a");
    a.href = "#" + id;
    a.textContent = control.getAttribute("data-url");
    link.appendChild(a);
    if (!(data && data.base)) {
      link.appendChild(document.createElement("br"));
      var note = document.createElement("span");
      note.className = "cite-no-base";
      note.textContent = "No base URL was set when this site was built: the permalink " +
        "is relative to the edition's root (build with --base-url to cite it whole).";
      link.appendChild(note);
    }
    var select = panel.querySelector(".cite-style");
    select.value = lastStyle;
    if (select.value !== lastStyle) { select.value = "chicago"; }
    panel.querySelector(".cite-output").value = citation(control, select.value);
    panel.querySelector(".cite-status").textContent = "";
  }

  function hide() {
    if (!panel || panel.hidden) { return; }
    panel.hidden = true;
    if (current) {
      var button = current.querySelector(".cite-button");
      if (button) { button.setAttribute("aria-expanded", "false"); button.focus(); }
    }
    current = null;
  }

  function open(control, button) {
    if (!panel) { build(); }
    if (current === control && !panel.hidden) { hide(); return; }
    if (current) {
      var old = current.querySelector(".cite-button");
      if (old) { old.setAttribute("aria-expanded", "false"); }
    }
    current = control;
    show();
    panel.hidden = false;
    var box = button.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - panel.offsetWidth - 8));
    panel.style.left = left + "px";
    panel.style.top = (box.bottom + window.scrollY + 6) + "px";
    button.setAttribute("aria-expanded", "true");
    panel.querySelector(".cite-style").focus();
  }

  function setUp() {
    document.documentElement.classList.add("cite-js");
    var controls = document.querySelectorAll("span.cite[data-id]");
    Array.prototype.forEach.call(controls, function (control) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cite-button";
      button.textContent = "Cite";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", "cite-panel");
      button.setAttribute("aria-label", "Cite this passage (" +
        control.getAttribute("data-label") + ")");
      button.addEventListener("click", function () { open(control, button); });
      control.insertBefore(button, control.querySelector(".cite-text"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(); }
    });
    document.addEventListener("click", showOnTap);
  }

  /* The control shows on hover; a touch screen has none, so a tap on a passage (not on
     one of its links or buttons) shows that passage's control instead. */
  var tapped = null;
  function showOnTap(event) {
    if (event.target.closest("a, button, input, select, textarea, .cite-panel")) { return; }
    var passage = null;
    var node = event.target;
    while (node && node !== document.body && !passage) {
      var control = node.querySelector ? node.querySelector(":scope > span.cite[data-id]") : null;
      if (control) { passage = node; }
      node = node.parentNode;
    }
    if (tapped && tapped !== passage) { tapped.classList.remove("cite-tapped"); }
    tapped = passage;
    if (passage) { passage.classList.add("cite-tapped"); }
  }

  /* Search needs JS (the index is read in the browser): the link appears with it. */
  function addSearchLink() {
    var tools = document.querySelector(".site-header .tools");
    if (!tools || document.querySelector(".search-link")) { return; }
    var line = document.createElement("p");
    line.className = "search-link";
    var link = document.createElement("a");
    link.href = root + "search.html";
    link.textContent = "Search both books";
    line.appendChild(link);
    tools.insertBefore(line, tools.firstChild);
  }

  followRedirect();
  setUp();
  addSearchLink();
  window.EDITION_CITE_FILL = fill;
}());
