/* Full-text search of both books: Pagefind's index of every citable
   passage (transform/writers/search.py). Filters: book, person, place,
   organisation, event, a range of years (the years a passage's dates name),
   footnotes only. A "quoted phrase" keeps only the hits whose text
   holds the phrase. Every hit links to its paragraph or note and shows the book,
   chapter and printed page(s). */
(function () {
  "use strict";
  var form = document.querySelector("form.search-form");
  if (!form) { return; }
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var fields = {
    q: document.getElementById("search-query"),
    book: document.getElementById("search-book"),
    person: document.getElementById("search-person"),
    place: document.getElementById("search-place"),
    organisation: document.getElementById("search-org"),
    event: document.getElementById("search-event"),
    from: document.getElementById("search-from"),
    to: document.getElementById("search-to"),
    notes: document.getElementById("search-notes")
  };
  var PAGE = 50;
  var engine = null;

  /* One Pagefind index per book (data-indexes on the form): the first is loaded,
     the others are merged into it, so that hits, counts and filters cover both. */
  function load() {
    if (!engine) {
      var indexes = (form.getAttribute("data-indexes") || "pagefind/").split(/\s+/)
        .filter(function (path) { return path; })
        .map(function (path) { return new URL(path, document.baseURI).href; });
      var settings = { excerptLength: 40 };
      engine = import(indexes[0] + "pagefind.js").then(function (pagefind) {
        return pagefind.options(settings).then(function () {
          return Promise.all(indexes.slice(1).map(function (url) {
            return pagefind.mergeIndex(url, settings);
          }));
        }).then(function () {
          pagefind.init();
          return pagefind;
        });
      });
    }
    return engine;
  }

  function fillFilters(pagefind) {
    return pagefind.filters().then(function (filters) {
      Object.keys(filters.book || {}).sort().forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        fields.book.appendChild(option);
      });
      [["person", "search-persons"], ["place", "search-places"],
       ["organisation", "search-orgs"], ["event", "search-events"]].forEach(function (pair) {
        var values = filters[pair[0]] || {};
        var datalist = document.getElementById(pair[1]);
        Object.keys(values).sort().forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          option.label = name + " (" + values[name] + ")";
          datalist.appendChild(option);
        });
      });
    });
  }

  function normalise(text) {
    return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, " ");
  }

  function query() {
    var filters = {};
    ["book", "person", "place", "organisation", "event"].forEach(function (name) {
      var value = fields[name].value.trim();
      if (value) { filters[name] = value; }
    });
    /* A range of years: the passages whose dates name any year in it. */
    var from = parseInt(fields.from.value, 10);
    var to = parseInt(fields.to.value, 10);
    if (from || to) {
      from = from || 1861;
      to = to || 1950;
      var years = [];
      for (var y = Math.min(from, to); y <= Math.max(from, to); y += 1) { years.push(String(y)); }
      filters.year = { any: years };
    }
    if (fields.notes.checked) { filters["in"] = "footnotes"; }
    var text = fields.q.value.trim();
    var phrases = (text.match(/"[^"]+"/g) || []).map(function (p) {
      return normalise(p.slice(1, -1).trim());
    });
    return { text: text, terms: text.replace(/"/g, " ").trim(), phrases: phrases,
             filters: filters };
  }

  /* One hit: book and chapter (the link to the passage), printed page, excerpt. */
  function hitItem(data) {
    var item = document.createElement("li");
    item.className = "search-hit";
    var link = document.createElement("a");
    link.href = data.raw_url || data.url;
    link.className = "search-hit-link";
    link.textContent = data.meta.book + (data.meta.chapter ? ", " + data.meta.chapter : "");
    var where = document.createElement("span");
    where.className = "search-hit-page";
    where.textContent = " · " + data.meta.page;
    if (data.filters && data.filters["in"] && data.filters["in"][0] === "footnotes") {
      where.textContent += " (footnote)";
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-hit-excerpt";
    excerpt.innerHTML = data.excerpt;  /* Pagefind's excerpt: escaped text and <mark> */
    item.appendChild(link);
    item.appendChild(where);
    item.appendChild(excerpt);
    return item;
  }

  /* Shows the hits page by page: `next` gives the data of the next ones. */
  var more = null;
  function show(total, asked, next) {
    list.textContent = "";
    if (more) { more.remove(); more = null; }
    var shown = 0;
    var say = function () {
      status.textContent = total === 0 ? "No passage found for " + asked + "." :
        total + (total === 1 ? " passage" : " passages") + " found" +
        (shown < total ? " (" + shown + " shown)" : "") + ".";
    };
    var page = function () {
      return next(shown, PAGE).then(function (hits) {
        hits.forEach(function (data) { list.appendChild(hitItem(data)); });
        shown += hits.length;
        say();
        if (shown < total && !more) {
          more = document.createElement("button");
          more.type = "button";
          more.className = "search-more";
          more.textContent = "Show more";
          more.addEventListener("click", page);
          list.parentNode.insertBefore(more, list.nextSibling);
        } else if (shown >= total && more) {
          more.remove();
          more = null;
        }
      });
    };
    return page();
  }

  function run() {
    var asked = query();
    if (!asked.terms && !Object.keys(asked.filters).length) {
      status.textContent = "Type a word, a \"quoted phrase\", or choose a filter.";
      list.textContent = "";
      return Promise.resolve();
    }
    status.textContent = "Searching…";
    return load().then(function (pagefind) {
      return pagefind.search(asked.terms || null, { filters: asked.filters });
    }).then(function (search) {
      var results = search.results;
      if (!asked.phrases.length) {
        return show(results.length, asked.text || "these filters", function (from, count) {
          return Promise.all(results.slice(from, from + count).map(function (r) {
            return r.data();
          }));
        });
      }
      /* a phrase must be checked in the text: read every hit (they are small) */
      return Promise.all(results.map(function (r) { return r.data(); })).then(function (all) {
        var hits = all.filter(function (data) {
          var content = normalise(data.content);
          return asked.phrases.every(function (p) { return content.indexOf(p) >= 0; });
        });
        return show(hits.length, asked.text, function (from, count) {
          return Promise.resolve(hits.slice(from, from + count));
        });
      });
    }).catch(function (error) {
      status.textContent = "Search could not run here (" + error + "). Serve the site " +
        "over http(s); opened from disk, browsers block the search index.";
    });
  }

  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    fields.q.value = params.get("q") || "";
    ["book", "person", "place", "organisation", "event", "from", "to"].forEach(function (name) {
      fields[name].value = params.get(name) || "";
    });
    fields.notes.checked = params.get("notes") === "1";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (!params.get(key)) { params.delete(key); }
    });
    window.history.replaceState(null, "", "?" + params.toString());
    run();
  });
  fromAddress();
  if (window.location.protocol === "file:") {  /* browsers refuse the index from disk */
    status.textContent = "Search needs the site to be served over http(s): opened from " +
      "disk, browsers block its index. Use the index of names or the list of pages.";
    form.querySelector("button").disabled = true;
    return;
  }
  load().then(fillFilters).then(function () {
    fromAddress();  /* the book options exist now */
    if (window.location.search) { run(); }
  }).catch(function (error) {
    status.textContent = "Search could not start (" + error + "). Serve the site over " +
      "http(s); opened from disk, browsers block the search index.";
  });
}());
