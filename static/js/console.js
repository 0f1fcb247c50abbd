// Keyboard shortcuts of the console. No framework: rows are marked with
// data-href; forms on the case page with data-shortcut. Keys are ignored
// while typing in a field.
(function () {
  "use strict";
  function typing(event) {
    const el = event.target;
    return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  }
  function rows() { return Array.from(document.querySelectorAll("tr.case-row")); }
  function current() { return document.querySelector("tr.case-row.selected"); }
  // The inbox refreshes by swapping its rows: the selection is kept by the case's link, not the element.
  let selectedHref = null;
  function select(row) {
    const old = current();
    if (old) old.classList.remove("selected");
    selectedHref = row ? row.dataset.href : null;
    if (row) { row.classList.add("selected"); row.focus({ preventScroll: false }); }
  }
  document.addEventListener("htmx:afterSettle", function () {
    if (!selectedHref || current()) return;
    const row = rows().find(function (candidate) { return candidate.dataset.href === selectedHref; });
    if (!row) return;
    row.classList.add("selected");
    // Focus goes back only if it went down with the old row: never away from a field the agent is in.
    if (!document.activeElement || document.activeElement === document.body) row.focus({ preventScroll: true });
  });
  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(current());
    select(all[Math.min(all.length - 1, Math.max(0, index + step))] || all[0]);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    const key = event.key;
    if (key === "?") { const help = document.getElementById("shortcuts"); if (help) help.showModal(); event.preventDefault(); return; }
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    if (key === "Enter" && current()) { window.location = current().dataset.href; return; }
    if (key === "/") { const search = document.getElementById("id_q"); if (search) { search.focus(); event.preventDefault(); } return; }
    const target = document.querySelector('[data-shortcut="' + key + '"]');
    if (target) { event.preventDefault(); target.focus(); if (target.tagName === "BUTTON") target.click(); }
  });
  document.addEventListener("click", function (event) {
    const row = event.target.closest("tr.case-row");
    if (row && !event.target.closest("a")) select(row);
  });
})();
