// TechVote: what htmx does not do. Every control works without JavaScript;
// with it, htmx (static/vendor/htmx) posts votes and thumbs and loads more
// contenders in place. This script tells screen readers what changed and
// keeps the keyboard where the person was.
"use strict";

(function () {
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  function announce(message) {
    if (!status.isConnected) {
      document.body.appendChild(status);
    }
    status.textContent = message;
  }

  const VERDICTS = { up: "Up", down: "Down" };
  let rowsBefore = 0;

  document.addEventListener("htmx:beforeSwap", (event) => {
    rowsBefore = event.detail.target.children.length;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const { target, requestConfig, xhr } = event.detail;
    if (xhr.status >= 400) {
      return; // The refusal's message is an alert of its own.
    }
    if (target.id === "contenders-list") {
      const rows = [...target.children].slice(rowsBefore);
      announce(`${rows.length} more contenders loaded.`);
      const first = rows.length ? rows[0].querySelector("a") : null;
      if (first) {
        first.focus();
      }
      return;
    }
    // A vote or thumb widget, swapped whole: focus the same button in the new one.
    const widget = document.getElementById(target.id);
    if (!widget) {
      return;
    }
    const pressed = requestConfig.triggeringEvent && requestConfig.triggeringEvent.submitter;
    const key = (pressed || requestConfig.elt).dataset.inplaceKey;
    const again = key ? widget.querySelector(`[data-inplace-key="${key}"]`) : null;
    if (again) {
      again.focus();
    }
    const on = widget.querySelector('[aria-pressed="true"]');
    const verdict = on ? VERDICTS[on.dataset.inplaceKey] : "Taken back";
    const score = widget.querySelector(".vote__score, .thumbs__score");
    const number = score ? score.textContent.trim().split(/\s+/).pop() : "";
    announce(`${verdict}. Score ${number}.`);
  });
})();
