// TechVote progressive enhancement. Every control works without this file;
// with it, "Load more" appends contenders in place, and votes and comment
// thumbs update the score and the buttons without reloading the page.
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

  function showError(widget, message) {
    let error = widget.parentElement.querySelector(".inplace-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "inplace-error";
      error.setAttribute("role", "alert");
      widget.after(error);
    }
    error.textContent = message;
  }

  // Vote and thumb forms: post in the background, then swap in the fresh
  // widget the server rendered, keeping focus on the same button. Vote
  // buttons sit outside the page's one vote form and name their own URL.
  async function submitInPlace(event) {
    const form = event.target.closest("form[data-inplace]");
    const button = event.submitter;
    if (!form || !button) {
      return;
    }
    const widget = button.closest("[data-inplace-root]");
    if (!widget) {
      return;
    }
    event.preventDefault();
    const url = button.getAttribute("formaction") || form.action;
    const key = button.dataset.inplaceKey;
    let response;
    let data;
    try {
      response = await fetch(url, {
        method: "POST",
        body: new FormData(form, button),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = await response.json();
    } catch (error) {
      showError(widget, "That did not go through. Reload the page and try again.");
      return;
    }
    if (!response.ok) {
      showError(widget, data.error);
      return;
    }
    const stale = widget.parentElement.querySelector(".inplace-error");
    if (stale) {
      stale.remove();
    }
    const holder = document.createElement("div");
    holder.innerHTML = data.html;
    const replacement = holder.firstElementChild;
    widget.replaceWith(replacement);
    const again = key ? replacement.querySelector(`[data-inplace-key="${key}"]`) : null;
    if (again) {
      again.focus();
    }
    const value = "vote" in data ? data.vote : data.value;
    const verdict = { 1: "Up", "-1": "Down", 0: "Taken back" }[value];
    announce(`${verdict}. Score ${data.score}.`);
  }

  document.addEventListener("click", loadMore);
  document.addEventListener("submit", submitInPlace);
})();
