// The staff calendar: drag a booking to another time or staff column, or drag its bottom
// edge to change how long it lasts (the server decides; a refusal puts the box back and
// says why), click free time to book there, and the staff filter submits itself.
// Mouse, pen and touch alike (Pointer Events): with a finger, press and hold a booking
// for a moment to pick it up, so that a quick swipe still scrolls the page. Without
// JavaScript every action has a link or form (the appointment page's move and duration).
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const calendar = document.querySelector("[data-calendar]");
  if (!calendar) return;

  const firstHour = Number(calendar.dataset.firstHour);
  const defaultStep = Number(calendar.dataset.step) || 15;
  const canEdit = calendar.dataset.canEdit === "true";
  const status = document.querySelector("[data-calendar-status]");
  const LONG_PRESS_MS = 400; // a finger held this long picks a booking up
  const TOUCH_SLOP = 8; // px a finger may wander during the press (more: it scrolls)
  const MOUSE_SLOP = 4; // px the mouse moves before a press becomes a drag

  let dragging = false; // a drag or resize in progress: live updates wait

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // The grid starts on a whole hour, one pixel per minute: a service's slots (every
  // `step` minutes from the hour, as the engine offers them) are multiples of `step`.
  function snap(minutes, step) {
    return Math.max(0, Math.round(minutes / step) * step);
  }

  // A start in a column snaps to the engine's grid there: every `step` minutes from the
  // start of the working range under it (availability/intervals.py, starts_in).
  function snapInTrack(track, minutes, step) {
    let anchor = 0;
    for (const working of track.querySelectorAll(".cal-working")) {
      const top = parseFloat(working.style.top);
      if (minutes >= top - step && minutes < top + parseFloat(working.style.height)) {
        anchor = top;
        break;
      }
    }
    return Math.max(0, anchor + Math.round((minutes - anchor) / step) * step);
  }

  function clock(minutesFromTop) {
    const total = firstHour * 60 + minutesFromTop;
    return pad(Math.floor(total / 60)) + ":" + pad(total % 60);
  }

  // The same time as people at the clinic read it ("2:00 PM" in New York, "14:00" in
  // London): the page's locale (branding.clinic_time), for the drop preview.
  const shownClock = (() => {
    let format = null;
    try {
      format = new Intl.DateTimeFormat(calendar.dataset.timeLocale || undefined, {
        hour: "numeric", minute: "2-digit", timeZone: "UTC",
      });
    } catch (error) {
      return clock;
    }
    return (minutesFromTop) => {
      const total = firstHour * 60 + minutesFromTop;
      const moment = Date.UTC(2000, 0, 1, Math.floor(total / 60), total % 60);
      return format.format(moment).replace(/\u202f/g, "\u00a0");
    };
  })();

  function csrf() {
    const input = calendar.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function post(url, fields, failed) {
    const body = new FormData();
    Object.entries(fields).forEach(([key, value]) => body.append(key, value));
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": csrf() },
        credentials: "same-origin",
      });
      const answer = await response.json();
      answer.ok = response.ok;
      return answer;
    } catch (error) {
      return { ok: false, detail: failed };
    }
  }

  function refuse(box, answer, fallback) {
    box.classList.add("is-refused");
    setTimeout(() => box.classList.remove("is-refused"), 700);
    say(answer.detail || fallback, true);
  }

  // Refusals a manager or the front desk may override with a reason: a time the engine
  // does not offer, one just taken, outside working hours or over another booking.
  const OVERRIDABLE = new Set([
    "slot_not_offered", "slot_taken", "outside_working_hours", "overlaps_booking",
  ]);
  const canOverride = calendar.dataset.canOverride === "true";
  const overrideDialog = document.querySelector("[data-override-dialog]");

  // Ask for the reason in the page's dialog: resolves to the reason typed, or null when
  // the person cancels (the booking then stays where it was).
  function askReason(answer, kind) {
    const dialog = overrideDialog;
    const title = dialog.querySelector("[data-override-title]");
    const submit = dialog.querySelector("[data-override-submit]");
    // The move's words are the page's; a resize says what it changes.
    if (!title.dataset.move) {
      title.dataset.move = title.textContent;
      submit.dataset.move = submit.textContent;
    }
    const resize = kind === "resize";
    title.textContent = resize ? dialog.dataset.titleResize : title.dataset.move;
    submit.textContent = resize ? dialog.dataset.submitResize : submit.dataset.move;
    const form = dialog.querySelector("form");
    const input = dialog.querySelector("[data-override-reason]");
    dialog.querySelector("[data-override-refusal]").textContent = answer.detail || "";
    const error = dialog.querySelector("[data-override-error]");
    error.textContent = "";
    input.value = "";
    input.oninput = () => { error.textContent = ""; }; // no stale error once typed
    return new Promise((resolve) => {
      function done(reason) {
        form.removeEventListener("submit", submitted);
        dialog.removeEventListener("close", closed);
        if (dialog.open) dialog.close();
        resolve(reason);
      }
      function submitted(event) {
        event.preventDefault();
        const reason = input.value.trim();
        if (!reason) {
          error.textContent = dialog.dataset.reasonRequired;
          input.focus();
          return;
        }
        done(reason);
      }
      function closed() { done(null); }
      form.addEventListener("submit", submitted);
      dialog.addEventListener("close", closed);
      dialog.querySelector("[data-override-cancel]").onclick = () => dialog.close();
      dialog.showModal();
      input.focus();
    });
  }

  // Post a move or resize; when refused in a way the person may override, ask for the
  // reason and post it again as an override (audited and kept on the booking).
  async function postOrOverride(url, fields, failed, kind) {
    let answer = await post(url, fields, failed);
    if (answer.ok || !canOverride || !overrideDialog || !OVERRIDABLE.has(answer.code)) {
      return answer;
    }
    dragging = true; // no live refresh while the dialog is open
    const reason = await askReason(answer, kind);
    dragging = false;
    if (reason === null) return answer;
    answer = await post(url, { ...fields, override_reason: reason }, failed);
    return answer;
  }

  if (canEdit) {
    let gesture = null;
    let suppressClick = false;

    function trackAt(x, y) {
      for (const element of document.elementsFromPoint(x, y)) {
        if (gesture.box.contains(element)) continue;
        const track = element.closest("[data-track]");
        if (track && calendar.contains(track)) return track;
      }
      return null;
    }

    function begin() {
      const g = gesture;
      g.started = true;
      clearTimeout(g.timer);
      dragging = true;
      document.body.classList.add("cal-is-dragging");
      g.top0 = parseFloat(g.box.style.top);
      g.height0 = parseFloat(g.box.style.height);
      if (g.kind === "resize") {
        g.box.classList.add("is-resizing");
        g.height = g.height0;
      } else {
        g.box.classList.add("is-dragging");
        g.preview = document.createElement("div");
        g.preview.className = "cal-drop-preview";
        g.preview.style.height = g.height0 + "px";
        g.preview.setAttribute("aria-hidden", "true");
      }
    }

    function update(event) {
      const g = gesture;
      if (g.kind === "resize") {
        const top = g.box.getBoundingClientRect().top;
        g.height = Math.max(g.step, snap(event.clientY - top, g.step));
        g.box.style.height = g.height + "px";
        return;
      }
      const track = trackAt(event.clientX, event.clientY);
      if (!track || track.closest(".cal-closed")) {
        g.track = null;
        g.preview.remove();
        return;
      }
      g.track = track;
      const y = event.clientY - track.getBoundingClientRect().top - g.grab;
      g.top = snapInTrack(track, y, g.step);
      g.preview.style.top = g.top + "px";
      g.preview.textContent = shownClock(g.top);
      if (g.preview.parentNode !== track) track.appendChild(g.preview);
    }

    function end(g) {
      clearTimeout(g.timer);
      dragging = false;
      document.body.classList.remove("cal-is-dragging");
      g.box.classList.remove("is-dragging", "is-resizing", "is-pressed");
      if (g.preview) g.preview.remove();
    }

    async function finishMove(g) {
      const box = g.box;
      if (!g.track) return;
      const column = g.track.closest(".cal-column");
      const home = box.closest(".cal-column");
      if (column === home && g.top === g.top0) return; // put back where it was
      const answer = await postOrOverride(
        box.dataset.moveUrl,
        { date: column.dataset.day, time: clock(g.top), staff: column.dataset.staff },
        calendar.dataset.moveFailed,
        "move"
      );
      if (!answer.ok) {
        // Refused (taken, outside working hours, not performed by that person): the
        // box never moved; shake it and say why.
        refuse(box, answer, calendar.dataset.moveFailed);
        return;
      }
      g.track.appendChild(box);
      box.style.top = g.top + "px";
      box.querySelector("[data-event-time]").textContent = answer.time;
      box.toggleAttribute("data-overridden", Boolean(answer.override_reason));
      calendar.dispatchEvent(new CustomEvent("calendar:changed")); // the quick view reloads
      say(answer.detail, false);
    }

    async function finishResize(g) {
      const box = g.box;
      if (g.height === g.height0) return;
      const answer = await postOrOverride(
        box.dataset.resizeUrl,
        { duration: String(g.height) },
        calendar.dataset.resizeFailed,
        "resize"
      );
      if (!answer.ok) {
        box.style.height = g.height0 + "px";
        refuse(box, answer, calendar.dataset.resizeFailed);
        return;
      }
      box.dataset.duration = String(answer.duration);
      box.classList.toggle("cal-event--short", answer.duration < 40);
      box.querySelector("[data-event-time]").textContent = answer.time;
      box.toggleAttribute("data-overridden", Boolean(answer.override_reason));
      calendar.dispatchEvent(new CustomEvent("calendar:changed")); // the quick view reloads
      say(answer.detail, false);
    }

    calendar.addEventListener("pointerdown", (event) => {
      if (gesture || (event.pointerType === "mouse" && event.button !== 0)) return;
      const box = event.target.closest(".cal-event[data-move-url]");
      if (!box) return;
      const resize = Boolean(event.target.closest("[data-resize-handle]"));
      gesture = {
        kind: resize ? "resize" : "move",
        box,
        pointerId: event.pointerId,
        type: event.pointerType,
        x0: event.clientX,
        y0: event.clientY,
        grab: event.clientY - box.getBoundingClientRect().top,
        step: Number(box.dataset.step) || defaultStep,
        started: false,
      };
      if (event.pointerType === "mouse") {
        event.preventDefault(); // no text selection, no native link drag
      } else if (resize) {
        begin(); // the handle has touch-action: none; it never scrolls
      } else {
        box.classList.add("is-pressed");
        gesture.timer = setTimeout(() => {
          if (gesture && !gesture.started) begin();
        }, LONG_PRESS_MS);
      }
    });

    window.addEventListener("pointermove", (event) => {
      if (!gesture || event.pointerId !== gesture.pointerId) return;
      if (!gesture.started) {
        const far = Math.hypot(event.clientX - gesture.x0, event.clientY - gesture.y0);
        if (gesture.type !== "mouse") {
          if (far > TOUCH_SLOP) {
            end(gesture); // moved before the long press: a scroll, not a drag
            gesture = null;
          }
          return;
        }
        if (far <= MOUSE_SLOP) return;
        begin();
      }
      event.preventDefault();
      update(event);
    });

    // Once a finger has picked a booking up, its moves drag rather than scroll.
    calendar.addEventListener(
      "touchmove",
      (event) => {
        if (gesture && gesture.started) event.preventDefault();
      },
      { passive: false }
    );
    calendar.addEventListener("contextmenu", (event) => {
      if (gesture) event.preventDefault(); // a long press is not the link's menu
    });

    window.addEventListener("pointerup", (event) => {
      if (!gesture || event.pointerId !== gesture.pointerId) return;
      const g = gesture;
      gesture = null;
      end(g);
      if (!g.started) return;
      suppressClick = true; // the click that follows the release is not a click
      setTimeout(() => { suppressClick = false; }, 0);
      if (g.kind === "resize") finishResize(g);
      else finishMove(g);
    });

    window.addEventListener("pointercancel", (event) => {
      if (!gesture || event.pointerId !== gesture.pointerId) return;
      const g = gesture;
      gesture = null;
      end(g);
      if (g.kind === "resize" && g.started) g.box.style.height = g.height0 + "px";
    });

    calendar.addEventListener(
      "click",
      (event) => {
        if (suppressClick) {
          event.preventDefault();
          event.stopPropagation();
          suppressClick = false;
        }
      },
      true
    );

    // Click free time in a column: book there.
    calendar.addEventListener("click", (event) => {
      const track = event.target.closest("[data-track]");
      if (!track || event.target.closest(".cal-event, .cal-off")) return;
      if (track.closest(".cal-closed")) return;
      const column = track.closest(".cal-column");
      const y = event.clientY - track.getBoundingClientRect().top;
      const params = new URLSearchParams({
        staff: column.dataset.staff,
        date: column.dataset.day,
        time: clock(snapInTrack(track, y, defaultStep)),
      });
      window.location.href = calendar.dataset.newUrl + "?" + params.toString();
    });
  }

  // Live updates: every 20 s ask for the shown range's version (one cheap query); when it
  // changes, fetch this page again and swap in the new grid, keeping the scroll position.
  // Paused while a drag is in progress or the tab is hidden.
  const versionUrl = calendar.dataset.versionUrl;
  let version = null;
  async function poll() {
    if (dragging || document.hidden || !versionUrl) return;
    try {
      const response = await fetch(versionUrl + window.location.search, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (!response.ok) return;
      const latest = (await response.json()).version;
      if (version !== null && latest !== version && !dragging) {
        const page = await fetch(window.location.href, {
          credentials: "same-origin", headers: { "X-Calendar-Refresh": "1" },  // no new audit entry
        });
        if (!page.ok || dragging) return;
        const fresh = new DOMParser().parseFromString(await page.text(), "text/html")
          .querySelector("[data-calendar]");
        if (!fresh) return;
        const x = window.scrollX, y = window.scrollY, inner = calendar.scrollTop;
        calendar.innerHTML = fresh.innerHTML;
        calendar.scrollTop = inner;
        window.scrollTo(x, y);
      }
      version = latest;
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
  }
  poll();
  // A colleague's change shows within ten seconds (one cheap query per poll).
  window.setInterval(poll, 10000);
})();
