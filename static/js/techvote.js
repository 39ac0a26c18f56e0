// TechVote progressive enhancement. Every control works without this file;
// with it, "Load more" appends contenders in place.
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
    if (!status.isConnected) {
      document.body.appendChild(status);
    }
    status.textContent = `${rows.length} more contenders loaded.`;
    const firstLink = rows.length ? rows[0].querySelector("a") : null;
    if (firstLink) {
      firstLink.focus();
    }
  }

  document.addEventListener("click", loadMore);
})();
