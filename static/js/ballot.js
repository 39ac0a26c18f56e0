// The ballot page ("My top ten") with JavaScript: reorder the cities by drag
// and drop (SortableJS, static/vendor/sortablejs) or by the keyboard's
// "move up / move down" buttons, and tell screen readers where a city went.
// The page works without it: the position fields order the ballot when it
// is saved, and this script only keeps those fields in step with the order
// on screen, so a save posts exactly what the member sees.
"use strict";

(function () {
  const list = document.querySelector("[data-ballot-list]");
  if (!list) {
    return;
  }
  const status = document.getElementById("ballot-status");
  const rows = () => [...list.querySelectorAll("[data-ballot-row]")];

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelector("[data-ballot-position]").value = index + 1;
    });
  }

  function announce(row, message) {
    const place = rows().indexOf(row) + 1;
    status.textContent = message || `${row.dataset.city} moved to ${place}.`;
  }

  // Moves the neighbour rather than the row itself, so the pressed button
  // never leaves the document and keeps the keyboard focus.
  function move(row, direction) {
    const neighbour = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!neighbour) {
      const edge = direction === "up" ? "first" : "last";
      announce(row, `${row.dataset.city} is already ${edge}.`);
      return;
    }
    list.insertBefore(neighbour, direction === "up" ? row.nextElementSibling : row);
    renumber();
    announce(row);
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (button) {
      move(button.closest("[data-ballot-row]"), button.dataset.move);
    }
  });

  if (rows().length < 2) {
    return;
  }
  // The arrows, the handles and the hint that tells of them.
  for (const control of document.querySelectorAll("[data-ballot-moves], [data-ballot-handle]")) {
    control.hidden = false;
  }
  if (window.Sortable) {
    window.Sortable.create(list, {
      handle: "[data-ballot-handle]",
      draggable: "[data-ballot-row]",
      ghostClass: "ballot__row--ghost",
      // Pointer events, not the HTML drag events: the same dragging by
      // mouse, pen and finger, in every browser.
      forceFallback: true,
      onEnd(event) {
        renumber();
        announce(event.item);
      },
    });
  }
})();
