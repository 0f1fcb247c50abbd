/* Knowledge base on the case page: "Insert link" puts a suggested article's URL into the reply
   (#reply-text) at the cursor. Loaded by the suggestions fragment, which htmx may swap in more than
   once: the listener is added once, on the document, so it serves every swap. */
(function () {
  "use strict";
  if (window.knowledgeInsertLinkReady) return;
  window.knowledgeInsertLinkReady = true;

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-link]");
    if (!button) return;
    var reply = document.getElementById("reply-text");
    if (!reply) return;
    var url = button.getAttribute("data-insert-link");
    var start = reply.selectionStart != null ? reply.selectionStart : reply.value.length;
    var end = reply.selectionEnd != null ? reply.selectionEnd : start;
    var before = reply.value.slice(0, start);
    var after = reply.value.slice(end);
    // Keep the link a word of its own, so channels turn it into a link.
    var text = (before && !/\s$/.test(before) ? " " : "") + url + (after && !/^\s/.test(after) ? " " : "");
    reply.value = before + text + after;
    var caret = before.length + text.length;
    reply.focus();
    reply.setSelectionRange(caret, caret);
    // The counter and the typing indicator listen for input.
    reply.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
