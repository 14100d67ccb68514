// Papershelf's own JavaScript: keyboard shortcuts, focus kept across htmx updates, the lists menu's Esc,
// copy buttons and the compact listing. Everything works without it; it only adds conveniences.
// Loaded in <head> without `defer` so the remembered density applies before the first paint; every
// other part listens on `document` and so needs no element to exist yet.
"use strict";

(function () {
  // Cards and their controls. Templates mark them with data-card / data-key; the class names are the
  // fallback so a rewritten card template keeps working as long as it keeps its usual classes.
  const CARD = "[data-card]";
  const CONTROL = {
    open: "[data-key=open], .paper-card__title a, .list-item__title a",
    upvote: "[data-key=upvote], .upvote__button",
    save: "[data-key=save], .save-control__quick button",
    dismiss: "[data-key=dismiss], .paper-actions__dismiss button",
  };
  const DENSITY_KEY = "papershelf.density";
  const root = document.documentElement;
  root.classList.add("js");

  // ── Compact listing, remembered in this browser ──────────────────────────────────────────────────
  function storedDensity() {
    try {
      return localStorage.getItem(DENSITY_KEY) === "compact";
    } catch (error) {
      return false; // storage refused (private mode, policy): the roomy default
    }
  }
  function setCompact(compact) {
    root.classList.toggle("density-compact", compact);
    try {
      localStorage.setItem(DENSITY_KEY, compact ? "compact" : "comfortable");
    } catch (error) {
      // not remembered, still applied
    }
    document.querySelectorAll("[data-density-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", compact ? "true" : "false");
    });
  }
  root.classList.toggle("density-compact", storedDensity());

  // ── Typing guard ─────────────────────────────────────────────────────────────────────────────────
  function isTyping(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    if (/^(TEXTAREA|SELECT)$/.test(element.tagName)) return true;
    if (element.tagName !== "INPUT") return false;
    return !/^(button|submit|reset|checkbox|radio|hidden|image|range|color|file)$/.test(element.type);
  }

  // ── Cards: which one is current, moving, acting ──────────────────────────────────────────────────
  function cards() {
    return Array.from(document.querySelectorAll(CARD)).filter(function (card) {
      return card.offsetParent !== null || card.getClientRects().length > 0;
    });
  }
  function currentCard() {
    const active = document.activeElement;
    const focused = active && active.closest ? active.closest(CARD) : null;
    return focused || document.querySelector(CARD + "[data-current]");
  }
  function markCurrent(card) {
    // An attribute, not a class: the cards' classes belong to their templates (and their tests).
    document.querySelectorAll(CARD + "[data-current]").forEach(function (other) {
      if (other !== card) other.removeAttribute("data-current");
    });
    if (card) card.setAttribute("data-current", "");
  }
  function move(step) {
    const all = cards();
    if (!all.length) return;
    const index = all.indexOf(currentCard());
    let next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
    next = Math.max(0, Math.min(all.length - 1, next));
    const card = all[next];
    markCurrent(card);
    const target = card.querySelector(CONTROL.open) || card;
    if (target === card && !card.hasAttribute("tabindex")) card.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest", behavior: "auto" });
  }
  function act(name) {
    const card = currentCard();
    const control = card && card.querySelector(CONTROL[name]);
    if (!control) return false;
    if (name !== "open") control.focus({ preventScroll: true });
    control.click();
    return true;
  }

  // ── Help overlay ─────────────────────────────────────────────────────────────────────────────────
  function helpDialog() {
    return document.getElementById("shortcuts");
  }
  function toggleHelp() {
    const dialog = helpDialog();
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  // ── Lists menu: Esc closes it and gives focus back to its summary ────────────────────────────────
  function closeMenu(menu) {
    menu.open = false;
    const summary = menu.querySelector("summary");
    if (summary) summary.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      const active = document.activeElement;
      const menu = (active && active.closest && active.closest("details.save-menu[open]")) ||
        document.querySelector("details.save-menu[open]");
      if (menu) {
        event.preventDefault();
        closeMenu(menu);
      }
      return; // the help <dialog> closes itself on Esc
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(document.activeElement)) return;
    const dialog = helpDialog();
    if (dialog && dialog.open && event.key !== "?") return;
    let done = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": done = act("open"); break;
      case "u": done = act("upvote"); break;
      case "s": done = act("save"); break;
      case "x": done = act("dismiss"); break;
      case "?": toggleHelp(); break;
      case "/": {
        const box = document.getElementById("site-search-q");
        if (box) {
          box.focus();
          box.select();
        } else done = false;
        break;
      }
      default: done = false;
    }
    if (done) event.preventDefault();
  });

  document.addEventListener("focusin", function (event) {
    const card = event.target.closest && event.target.closest(CARD);
    if (card) markCurrent(card);
  });

  // ── Buttons the page offers for the same things ──────────────────────────────────────────────────
  document.addEventListener("click", function (event) {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("[data-shortcuts-open]")) {
      event.preventDefault();
      toggleHelp();
      return;
    }
    if (target.closest("[data-shortcuts-close]")) {
      const dialog = helpDialog();
      if (dialog) dialog.close();
      return;
    }
    const density = target.closest("[data-density-toggle]");
    if (density) {
      setCompact(!root.classList.contains("density-compact"));
      return;
    }
    const copy = target.closest("[data-copy]");
    if (copy) {
      const field = document.getElementById(copy.getAttribute("data-copy"));
      if (field) copyField(field, copy);
      return;
    }
    // A click outside an open lists menu closes it, as a menu does.
    document.querySelectorAll("details.save-menu[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.open = false;
    });
  });

  function copyField(field, button) {
    const label = button.querySelector("[data-copy-label]") || button;
    const before = label.textContent;
    function done(message) {
      label.textContent = message;
      setTimeout(function () { label.textContent = before; }, 3000);
    }
    const text = field.tagName === "INPUT" || field.tagName === "TEXTAREA" ? field.value : field.textContent.trim();
    if (field.select) {
      field.focus();
      field.select();
    } else {
      // A link shown as text: select it, so "Press Ctrl+C" works where the clipboard API is refused.
      const range = document.createRange();
      range.selectNodeContents(field);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    // The selection copied the old way works in every browser and at once; the clipboard API is the
    // fallback (it can wait on a permission).
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    if (copied) {
      done("Copied");
    } else if (navigator.clipboard && window.isSecureContext) {
      // A clipboard that never answers (no permission prompt shown) must not leave the button silent.
      let settled = false;
      const settle = function (message) {
        if (!settled) done(message);
        settled = true;
      };
      navigator.clipboard.writeText(text).then(
        function () { settle("Copied"); },
        function () { settle("Press Ctrl+C"); },
      );
      setTimeout(function () { settle("Press Ctrl+C"); }, 1000);
    } else {
      done("Press Ctrl+C");
    }
    button.focus();
  }

  // ── Focus kept across htmx updates ───────────────────────────────────────────────────────────────
  // htmx disables the pressed button while its request runs (hx-disabled-elt), which moves focus to
  // <body>, then replaces the control. So remember what had focus when the request started and put it
  // back on the same control in the new markup: same id, else the same kind of control in the same
  // card; when the control is gone (a card turned into its "Hidden" notice), the notice's own button.
  const remembered = new WeakMap();
  const PAIRED = { dismiss: "undo", undo: "dismiss" };

  function describe(element) {
    if (!element || element === document.body) return null;
    const scope = element.id ? element : element.parentElement && element.parentElement.closest("[id]");
    return {
      id: element.id || null,
      scope: scope ? scope.id : null,
      card: (element.closest(CARD) || {}).id || null,
      key: element.getAttribute("data-key"),
      tag: element.tagName.toLowerCase(),
      className: (element.classList[0] || ""),
      value: element.getAttribute("value"),
    };
  }

  function findAgain(memory) {
    if (memory.id) {
      const same = document.getElementById(memory.id);
      if (same) return same;
    }
    const scopes = [memory.scope, memory.card].map(function (id) {
      return id && document.getElementById(id);
    });
    for (const scope of scopes) {
      if (!scope) continue;
      if (memory.key) {
        // The same control, or its counterpart: "Not interested" turns into "Undo" and back.
        const keys = [memory.key, PAIRED[memory.key]].filter(Boolean);
        for (const key of keys) {
          const keyed = scope.querySelector('[data-key="' + key + '"]');
          if (keyed) return keyed;
        }
      }
      if (memory.className) {
        let selector = memory.tag + "." + CSS.escape(memory.className);
        if (memory.value !== null) selector += '[value="' + CSS.escape(memory.value) + '"]';
        const similar = scope.querySelector(selector);
        if (similar) return similar;
      }
      const fallback = scope.querySelector("[data-key=undo], [data-key=dismiss], button, a[href]");
      if (fallback) return fallback;
    }
    return null;
  }

  // Kept per request (its XMLHttpRequest), not in one variable: a quick second key press ("s" then "x")
  // starts a request before the first has settled, and the first's settling must not use or clear the
  // second's memory.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const active = document.activeElement;
    const source = event.detail && event.detail.elt;
    const request = event.detail && event.detail.xhr;
    let memory = null;
    // A form submitted by a button: the button had focus (or was clicked with the mouse).
    if (active && active !== document.body && source && source.contains(active)) memory = describe(active);
    else if (active && active !== document.body && !isTyping(active)) memory = describe(active);
    if (request && memory) remembered.set(request, memory);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const request = event.detail && event.detail.xhr;
    const memory = request ? remembered.get(request) : null;
    if (!memory) return;
    remembered.delete(request);
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active) && !active.disabled) return;
    const again = findAgain(memory);
    if (again) {
      const card = again.closest(CARD);
      if (card) markCurrent(card);
      again.focus({ preventScroll: true });
    }
  });

  // ── Things that need the page's markup ───────────────────────────────────────────────────────────
  document.addEventListener("DOMContentLoaded", function () {
    // Controls that only work with this script stay hidden without it.
    document.querySelectorAll("[data-needs-js]").forEach(function (element) {
      element.hidden = false;
    });
    // Compact only means something on a page of papers.
    if (!document.querySelector(CARD)) {
      document.querySelectorAll("[data-density-toggle]").forEach(function (button) {
        button.hidden = true;
      });
    }
    document.querySelectorAll("[data-density-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", root.classList.contains("density-compact") ? "true" : "false");
    });
    // A first digest subscription starts in the reader's own time zone, as the browser knows it.
    document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
      let zone = "";
      try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      } catch (error) {
        return;
      }
      if (zone && Array.from(select.options).some(function (option) { return option.value === zone; })) {
        select.value = zone;
      }
    });
  });
})();
