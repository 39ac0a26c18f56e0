// TechVote progressive enhancement. Every control works without this file;
// with it, "Load more" appends contenders in place and votes update the score
// and the buttons without reloading the page.
"use strict";

(function () {
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  async function fetchPage(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  async function loadMore(event) {
    const link = event.target.closest("a[data-load-more]");
    if (!link) {
      return;
    }
    const list = document.getElementById("contenders-list");
    if (!list) {
      return;
    }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    let page;
    try {
      page = await fetchPage(link.href);
    } catch (error) {
      window.location.assign(link.href); // Fall back to the plain link.
      return;
    }
    const rows = page.querySelectorAll("#contenders-list > li");
    rows.forEach((row) => list.appendChild(document.adoptNode(row)));
    const next = page.querySelector("a[data-load-more]");
    if (next) {
      link.href = next.getAttribute("href");
      link.removeAttribute("aria-busy");
    } else {
      link.closest(".load-more").remove();
    }
    announce(`${rows.length} more contenders loaded.`);
    const firstLink = rows.length ? rows[0].querySelector("a") : null;
    if (firstLink) {
      firstLink.focus();
    }
  }

  function announce(message) {
    if (!status.isConnected) {
      document.body.appendChild(status);
    }
    status.textContent = message;
  }

  function showVoteError(widget, message) {
    let error = widget.parentElement.querySelector(".vote__error");
    if (!error) {
      error = document.createElement("p");
      error.className = "vote__error";
      error.setAttribute("role", "alert");
      widget.after(error);
    }
    error.textContent = message;
  }

  async function vote(event) {
    const form = event.target.closest("form[data-vote-form]");
    if (!form) {
      return;
    }
    event.preventDefault();
    const button = event.submitter;
    const widget = form.closest(".vote");
    const which = button ? button.dataset.vote : null;
    let response;
    let data;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form, button),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = await response.json();
    } catch (error) {
      showVoteError(widget, "Your vote could not be sent. Reload the page and try again.");
      return;
    }
    if (!response.ok) {
      showVoteError(widget, data.error);
      return;
    }
    const stale = widget.parentElement.querySelector(".vote__error");
    if (stale) {
      stale.remove();
    }
    const holder = document.createElement("div");
    holder.innerHTML = data.html;
    const replacement = holder.firstElementChild;
    widget.replaceWith(replacement);
    const again = which ? replacement.querySelector(`[data-vote="${which}"]`) : null;
    if (again) {
      again.focus();
    }
    const verdict = { 1: "Voted up", "-1": "Voted down", 0: "Vote taken back" }[data.vote];
    announce(`${verdict}. Score ${data.score}.`);
  }

  document.addEventListener("click", loadMore);
  document.addEventListener("submit", vote);
})();
