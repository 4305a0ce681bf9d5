// The staff calendar: drag a booking to another time or staff column (the server decides;
// a refusal leaves the box where it was and says why), click free time to book there,
// and the staff filter submits itself. Without JavaScript every action has a link or form.
(function () {
  "use strict";

  const calendar = document.querySelector("[data-calendar]");
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  if (!calendar) return;

  const firstHour = Number(calendar.dataset.firstHour);
  const step = Number(calendar.dataset.step) || 15;
  const canEdit = calendar.dataset.canEdit === "true";
  const status = document.querySelector("[data-calendar-status]");
  const csrf = calendar.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // Minutes from the top of a track (1px per minute), snapped to the slot step.
  function minutesAt(track, clientY, grabOffset) {
    const y = clientY - track.getBoundingClientRect().top - (grabOffset || 0);
    return Math.max(0, Math.round(y / step) * step);
  }

  function clock(minutesFromTop) {
    const total = firstHour * 60 + minutesFromTop;
    return pad(Math.floor(total / 60)) + ":" + pad(total % 60);
  }

  if (!canEdit) return;

  let dragged = null;
  let grabOffset = 0;

  calendar.addEventListener("dragstart", (event) => {
    const box = event.target.closest(".cal-event[draggable=true]");
    if (!box) return;
    dragged = box;
    grabOffset = event.clientY - box.getBoundingClientRect().top;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", box.dataset.booking);
    box.classList.add("is-dragging");
  });

  calendar.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    calendar.querySelectorAll(".is-drop-target").forEach((t) => t.classList.remove("is-drop-target"));
  });

  calendar.addEventListener("dragover", (event) => {
    const track = event.target.closest("[data-track]");
    if (!dragged || !track) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    calendar.querySelectorAll(".is-drop-target").forEach((t) => t !== track && t.classList.remove("is-drop-target"));
    track.classList.add("is-drop-target");
  });

  calendar.addEventListener("drop", async (event) => {
    const track = event.target.closest("[data-track]");
    if (!dragged || !track) return;
    event.preventDefault();
    const box = dragged;
    dragged = null;
    const column = track.closest(".cal-column");
    const top = minutesAt(track, event.clientY, grabOffset);
    const body = new FormData();
    body.append("date", column.dataset.day);
    body.append("time", clock(top));
    body.append("staff", column.dataset.staff);
    box.classList.remove("is-dragging");
    let answer;
    try {
      const response = await fetch(box.dataset.moveUrl, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        credentials: "same-origin",
      });
      answer = await response.json();
      answer.ok = response.ok;
    } catch (error) {
      answer = { ok: false, detail: calendar.dataset.moveFailed };
    }
    if (!answer.ok) {
      // Refused (taken, outside working hours, not performed by that person): the box
      // never moved; shake it and say why.
      box.classList.add("is-refused");
      setTimeout(() => box.classList.remove("is-refused"), 700);
      say(answer.detail || calendar.dataset.moveFailed, true);
      return;
    }
    track.appendChild(box);
    box.style.top = top + "px";
    box.querySelector("[data-event-time]").textContent = answer.time;
    say(answer.detail, false);
  });

  // Click free time in a column: book there.
  calendar.addEventListener("click", (event) => {
    const track = event.target.closest("[data-track]");
    if (!track || event.target.closest(".cal-event, .cal-off")) return;
    if (track.closest(".cal-closed")) return;
    const column = track.closest(".cal-column");
    const params = new URLSearchParams({
      staff: column.dataset.staff,
      date: column.dataset.day,
      time: clock(minutesAt(track, event.clientY, 0)),
    });
    window.location.href = calendar.dataset.newUrl + "?" + params.toString();
  });
  // Live updates: every 20 s ask for the shown range's version (one cheap query); when it
  // changes, fetch this page again and swap in the new grid, keeping the scroll position.
  // Paused while a drag is in progress or the tab is hidden.
  let dragging = false;
  calendar.addEventListener("dragstart", () => { dragging = true; });
  calendar.addEventListener("dragend", () => { dragging = false; });
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
  window.setInterval(poll, 20000);
})();
