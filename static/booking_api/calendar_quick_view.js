// The calendar's quick view: resting the mouse on a booking (or tapping it with a finger)
// opens a small dialog with who, what, when, status, staff, phone and the client's
// markers, and Open / Check in / Move. A tap never starts a drag (that takes a long
// press, calendar.js) and does not follow the link; a mouse click still opens the
// booking. Esc or the close button closes it and gives focus back to the booking.
(function () {
  "use strict";
  const dialog = document.querySelector("[data-quick-view]");
  const calendar = document.querySelector("[data-calendar]");
  if (!dialog || !calendar) return;

  const HOVER_MS = 350; // the mouse rests this long before the quick view opens
  const LEAVE_MS = 250; // and may cross the gap to the dialog in this time
  const cache = new Map();
  let current = null; // the box the dialog is about
  let hoverTimer = null;
  let leaveTimer = null;
  let lastPointer = "mouse";
  let generation = 0; // goes up when a booking changes: older answers are stale

  function quickUrl(box) {
    const url = new URL(box.getAttribute("href"), window.location.href);
    return url.pathname.replace(/\/?$/, "/") + "quick/";
  }

  async function load(box) {
    const url = quickUrl(box);
    if (!cache.has(url)) {
      cache.set(
        url,
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : Promise.reject(response)))
          .catch((error) => {
            cache.delete(url);
            throw error;
          })
      );
    }
    return cache.get(url);
  }

  function fill(data) {
    const values = { ...data, ...data.markers };
    dialog.querySelectorAll("[data-quick]").forEach((element) => {
      element.textContent = values[element.dataset.quick] || "";
    });
    dialog.querySelectorAll("[data-quick-row]").forEach((row) => {
      row.hidden = !values[row.dataset.quickRow];
    });
    const tel = dialog.querySelector("[data-quick-tel]");
    if (data.phone) tel.href = "tel:" + data.phone.replace(/\s+/g, "");
    dialog.querySelector("[data-quick-open]").href = data.open_url;
    const checkIn = dialog.querySelector("[data-quick-check-in]");
    checkIn.hidden = !data.check_in_url;
    if (data.check_in_url) checkIn.action = data.check_in_url;
    const move = dialog.querySelector("[data-quick-move]");
    move.hidden = !data.move_url;
    if (data.move_url) move.href = data.move_url;
  }

  function place(box) {
    const rect = box.getBoundingClientRect();
    dialog.style.visibility = "hidden";
    dialog.hidden = false;
    const width = dialog.offsetWidth;
    const height = dialog.offsetHeight;
    let left = rect.right + 8;
    if (left + width > window.innerWidth - 8) left = Math.max(8, rect.left - width - 8);
    let top = Math.min(rect.top, window.innerHeight - height - 8);
    dialog.style.left = Math.max(8, left) + "px";
    dialog.style.top = Math.max(8, top) + "px";
    dialog.style.visibility = "";
  }

  async function open(box, { focus }) {
    current = box;
    box.setAttribute("aria-controls", dialog.id);
    box.setAttribute("aria-expanded", "true");
    let data;
    let asked;
    do {
      asked = generation;
      try {
        data = await load(box);
      } catch (error) {
        if (current !== box) return;
        fill({ client: dialog.dataset.failed, markers: {}, open_url: box.href });
        place(box);
        return;
      }
    } while (asked !== generation); // a move or resize landed meanwhile: ask again
    if (current !== box) return; // the pointer moved on meanwhile
    fill(data);
    place(box);
    if (focus) dialog.focus();
  }

  function close({ returnFocus } = {}) {
    clearTimeout(hoverTimer);
    clearTimeout(leaveTimer);
    if (dialog.hidden && !current) return;
    dialog.hidden = true;
    const box = current;
    current = null;
    if (box) {
      box.setAttribute("aria-expanded", "false");
      if (returnFocus && document.contains(box)) box.focus();
    }
  }

  function boxFrom(target) {
    const box = target.closest ? target.closest(".cal-event[data-booking]") : null;
    return box && calendar.contains(box) ? box : null;
  }

  // Which kind of pointer pressed last: a finger's tap opens the quick view.
  calendar.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
  }, true);

  calendar.addEventListener("click", (event) => {
    const box = boxFrom(event.target);
    if (!box || event.defaultPrevented || lastPointer === "mouse") return;
    // A tap (touch or pen): show the quick view instead of leaving the calendar.
    event.preventDefault();
    if (current === box && !dialog.hidden) close({ returnFocus: true });
    else open(box, { focus: true });
  });

  // Hover with a mouse.
  calendar.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse" || document.body.classList.contains("cal-is-dragging")) {
      return;
    }
    const box = boxFrom(event.target);
    if (!box) return;
    clearTimeout(leaveTimer);
    if (box === current) return;
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(() => open(box, { focus: false }), HOVER_MS);
  });
  calendar.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse") return;
    const box = boxFrom(event.target);
    if (!box || box.contains(event.relatedTarget)) return;
    clearTimeout(hoverTimer);
    if (current && lastPointer === "mouse") {
      leaveTimer = setTimeout(() => close(), LEAVE_MS);
    }
  });
  dialog.addEventListener("pointerenter", () => clearTimeout(leaveTimer));
  dialog.addEventListener("pointerleave", (event) => {
    if (event.pointerType === "mouse" && lastPointer === "mouse" && !dialog.contains(document.activeElement)) {
      leaveTimer = setTimeout(() => close(), LEAVE_MS);
    }
  });
  // A drag begins: the quick view steps aside.
  calendar.addEventListener("pointermove", () => {
    if (document.body.classList.contains("cal-is-dragging") && current) close();
  });

  dialog.querySelector("[data-quick-close]").addEventListener("click", () => {
    close({ returnFocus: true });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) {
      close({ returnFocus: dialog.contains(document.activeElement) || lastPointer !== "mouse" });
    }
  });
  // From the keyboard: "i" on a focused booking opens its quick view (Tab stays quiet;
  // Enter still opens the booking).
  calendar.addEventListener("keydown", (event) => {
    const box = boxFrom(event.target);
    if (box && (event.key === "i" || event.key === "I")) {
      event.preventDefault();
      open(box, { focus: true });
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (current && !dialog.contains(event.target) && !boxFrom(event.target)) close();
  });
  // A booking moved or resized here (calendar.js): forget what was cached, and show the
  // open quick view's booking as it is now (its override reason, its new time).
  calendar.addEventListener("calendar:changed", () => {
    generation += 1;
    cache.clear();
    if (current && !dialog.hidden) open(current, { focus: false });
  });
  // A live refresh of the grid replaces the boxes: forget what was cached.
  new MutationObserver(() => {
    cache.clear();
    if (current && !document.contains(current)) close();
  }).observe(calendar, { childList: true });
})();
