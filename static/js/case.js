// The case page: SLA countdowns, the reply's character counter, canned
// responses and the "typing" flag of the presence heartbeat. No framework;
// the page works without it (forms post, the server checks every limit).
(function () {
  "use strict";

  // -- SLA countdowns: elements with data-due (ISO time), optional data-warn.
  function span(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + String(mins).padStart(2, "0") + "m";
    return mins + "m";
  }
  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      const due = Date.parse(el.dataset.due);
      if (isNaN(due)) return;
      const left = due - now;
      el.textContent = left > 0 ? span(left) + " left" : "overdue " + span(left);
      const clock = el.closest(".clock");
      if (!clock) return;
      const warn = el.dataset.warn ? Date.parse(el.dataset.warn) : NaN;
      if (left <= 0) { clock.classList.remove("clock-ok", "clock-warning"); clock.classList.add("clock-breached"); }
      else if (!isNaN(warn) && now >= warn && clock.classList.contains("clock-ok")) {
        clock.classList.remove("clock-ok"); clock.classList.add("clock-warning");
      }
    });
  }

  // -- Reply: counter against the selected target's channel limit, typing flag.
  const text = document.getElementById("reply-text");
  const target = document.getElementById("reply-to");
  const counter = document.getElementById("reply-count");
  const typing = document.getElementById("presence-typing");
  function selected() { return target && target.selectedOptions[0]; }
  function count() {
    if (!text || !counter) return;
    const option = selected();
    const limit = option && option.dataset.limit ? parseInt(option.dataset.limit, 10) : null;
    const used = Array.from(text.value.trim()).length; // code points, as the server counts
    counter.textContent = limit ? used + " / " + limit + " characters" : used + " characters";
    counter.classList.toggle("over", Boolean(limit && used > limit));
    if (typing) typing.value = text.value.trim() ? "1" : "";
  }

  // -- Canned responses: bodies filled server-side, one per channel kind ("" is the default).
  const canned = document.getElementById("canned");
  const bodiesEl = document.getElementById("canned-bodies");
  const bodies = bodiesEl ? JSON.parse(bodiesEl.textContent) : {};
  function insertCanned() {
    const choice = bodies[canned.value];
    if (!choice || !text) return;
    const option = selected();
    const kind = option ? option.dataset.kind : "";
    const body = choice[kind] !== undefined ? choice[kind] : choice[""];
    const start = text.selectionStart, end = text.selectionEnd;
    text.value = text.value ? text.value.slice(0, start) + body + text.value.slice(end) : body;
    text.focus();
    text.selectionStart = text.selectionEnd = (text.value ? start : 0) + body.length;
    canned.value = "";
    count();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    tick();
    window.setInterval(tick, 15000);
    if (text) { text.addEventListener("input", count); count(); }
    if (target) target.addEventListener("change", count);
    if (canned) canned.addEventListener("change", insertCanned);
  });
})();
