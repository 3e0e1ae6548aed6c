// Newsdesk: summary controls and sentence highlighting. Everything works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function highlight(id) {
    var m = /^s-(\d+)$/.exec(id || "");
    document.querySelectorAll(".is-highlighted").forEach(function (e) { e.classList.remove("is-highlighted"); });
    if (!m) return;
    var el = document.getElementById(id);
    if (el) el.classList.add("is-highlighted");
    document.querySelectorAll('[data-s="' + m[1] + '"]').forEach(function (e) { e.classList.add("is-highlighted"); });
  }
  function show(details) {
    var len = details.getAttribute("data-length") || "3";
    var fmt = details.getAttribute("data-format") || "text";
    details.querySelectorAll("button[data-summary-length]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-summary-length") === len));
    });
    details.querySelectorAll("button[data-summary-format]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-summary-format") === fmt));
    });
    details.querySelectorAll("[data-summary-output]").forEach(function (o) {
      o.hidden = !(o.getAttribute("data-length") === len && o.getAttribute("data-format") === fmt);
    });
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("button[data-summary-length],button[data-summary-format],a[data-summary-sentence]");
    if (!t) return;
    if (t.tagName === "A") { highlight(t.getAttribute("href").slice(1)); return; }
    var d = t.closest("details.summary");
    if (!d) return;
    if (t.hasAttribute("data-summary-length")) d.setAttribute("data-length", t.getAttribute("data-summary-length"));
    if (t.hasAttribute("data-summary-format")) d.setAttribute("data-format", t.getAttribute("data-summary-format"));
    show(d);
  });
  window.addEventListener("hashchange", function () { highlight(location.hash.slice(1)); });
  if (location.hash) highlight(location.hash.slice(1));
})();
