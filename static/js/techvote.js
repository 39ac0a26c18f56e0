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
  // Rows, not the list's items: statistically tied rows share one item, a band.
  const ROWS = ".contender";
  let rowsBefore = 0;

  // A vote cast from a list's rows says which ranks the page shows, so that
  // its answer brings back the rows the vote moved among them (cities/moves.py).
  document.addEventListener("htmx:configRequest", (event) => {
    const { elt, parameters } = event.detail;
    if (!elt.closest(".vote") || !elt.closest("li.contender")) {
      return;
    }
    const ranks = [...document.querySelectorAll("li.contender[value]")].map((row) =>
      Number(row.getAttribute("value")),
    );
    parameters.shown_from = Math.min(...ranks);
    parameters.shown_to = Math.max(...ranks);
  });

  // The rows a vote moved take the places of the ranks they now hold (the
  // Top Ten stays ten, wherever a row came from); says how the row moved.
  function placeMovedRows() {
    const moves = document.querySelector("template.vote-moves");
    if (!moves) {
      return "";
    }
    const rows = [...moves.content.children];
    const places = rows.map((row) =>
      document.querySelector(`li.contender[value="${row.getAttribute("value")}"]`),
    );
    rows.forEach((row, index) => {
      if (places[index]) {
        places[index].replaceWith(row);
        htmx.process(row);
      }
    });
    moves.remove();
    return moves.dataset.announce;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    rowsBefore = event.detail.target.querySelectorAll(ROWS).length;
  });

  // A thread's replies: the form opened under a comment, a reply posted in place,
  // the next replies loaded. The answers name their own targets (HX-Retarget).
  // Where the "more replies" link stood, and how many replies followed it (posted
  // here since), so that what it loaded can be told from what was there.
  let moreAt = { index: 0, after: 0 };
  document.addEventListener("htmx:beforeRequest", (event) => {
    const root = event.detail.elt.dataset.moreReplies;
    const thread = root ? document.getElementById(`replies-${root}`) : null;
    if (thread) {
      const index = [...thread.children].indexOf(document.getElementById(`more-replies-${root}`));
      moreAt = { index, after: thread.children.length - index - 1 };
    }
  });

  function settleReplies(target, requestConfig) {
    if (target.classList.contains("reply-slot")) {
      return true; // The form, whose box has autofocus.
    }
    if (target.classList.contains("replies") && requestConfig.verb === "post") {
      const reply = target.lastElementChild.querySelector(".comment");
      reply.setAttribute("tabindex", "-1");
      reply.focus();
      announce("Your reply is posted.");
      return true;
    }
    const root = requestConfig.elt.dataset.moreReplies;
    if (root) {
      const thread = document.getElementById(`replies-${root}`);
      const items = [...thread.children];
      const loaded = items.slice(moreAt.index, items.length - moreAt.after);
      // A reply posted here went to the end of the thread; loaded, it takes its place.
      for (const item of loaded) {
        const reply = item.querySelector(":scope > .comment");
        for (const twin of reply ? thread.querySelectorAll(`#${reply.id}`) : []) {
          if (twin !== reply) {
            twin.parentElement.remove();
          }
        }
      }
      const more = document.getElementById(`more-replies-${root}`);
      const count = loaded.length - (more ? 1 : 0);
      announce(`${count} more ${count === 1 ? "reply" : "replies"} loaded.`);
      const first = loaded.length ? loaded[0].querySelector("a") : null;
      if (first) {
        first.focus();
      }
      return true;
    }
    return false;
  }

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-reply-cancel]");
    const slot = cancel ? cancel.closest(".reply-slot") : null;
    if (!slot) {
      return; // On the reply page of its own, Cancel is a plain link.
    }
    event.preventDefault();
    const comment = slot.closest(".comment");
    slot.replaceChildren();
    comment.querySelector(":scope > footer [data-hx-get]").focus();
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const { target, requestConfig, xhr } = event.detail;
    if (xhr.status >= 400) {
      return; // The refusal's message is an alert of its own.
    }
    if (settleReplies(target, requestConfig)) {
      return;
    }
    if (target.id === "contenders-list") {
      // The address now names every page on the screen (?upto=), so that
      // Back from a city comes to all these rows: replaced, not pushed, since
      // Back should leave the list rather than unload rows one page at a time.
      history.replaceState(history.state, "", requestConfig.path);
      const rows = [...target.querySelectorAll(ROWS)].slice(rowsBefore);
      announce(`${rows.length} more contenders loaded.`);
      const first = rows.length ? rows[0].querySelector("a") : null;
      if (first) {
        first.focus();
      }
      return;
    }
    const moved = placeMovedRows();
    // A vote or thumb widget, swapped whole: focus the same button in the new one.
    const widget = document.getElementById(target.id);
    if (!widget) {
      if (moved) {
        announce(moved); // The row moved off this page.
      }
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
    announce(`${verdict}. Score ${number}.${moved ? ` ${moved}` : ""}`);
  });
})();
