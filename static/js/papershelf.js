// Papershelf's own JavaScript. Everything works without it; it only adds conveniences.
"use strict";

// "/" jumps to the search box, as on GitHub and arXiv listings (unless the user is typing somewhere).
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
  const box = document.getElementById("site-search-q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
