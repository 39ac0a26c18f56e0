// TechVote duels: keyboard shortcuts. The page works without this script (each
// answer is a plain form post); with it, the arrow keys or 1 and 2 pick the left
// or right city and 3 answers "can't decide", except while typing a reason.
"use strict";

(function () {
  const KEYS = { ArrowLeft: "left", 1: "left", ArrowRight: "right", 2: "right", 3: "undecided" };
  const hint = document.getElementById("duel-keys");
  if (!hint) {
    return; // No duel to answer on this page (a suspended member, for one).
  }
  hint.hidden = false;
  let sent = false;

  document.addEventListener("keydown", (event) => {
    const answer = KEYS[event.key];
    const typing = event.target.closest && event.target.closest("input, textarea, select");
    if (!answer || typing || sent || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const button = document.querySelector(`[data-duel-key="${answer}"]`);
    if (!button) {
      return;
    }
    event.preventDefault();
    sent = true; // One answer per duel: a held key does not post it again.
    button.form.requestSubmit(button);
  });
})();
