// The game page: send the play, then animate the outcome the server returned (the
// wheel turns to that prize; the scratch card is scratched off to show it). The draw
// happens on the server only; without this script the form posts and the page shows
// the recorded result.
(() => {
  const section = document.querySelector("[data-game]");
  if (!section) return;
  const form = section.querySelector("[data-play-form]");
  const button = form.querySelector("button[type=submit]");
  const result = section.querySelector("[data-result]");
  const playsLeft = section.querySelector("[data-plays-left]");
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const text = (name, label) =>
    section.querySelector(`[data-text-${name}]`).content.textContent.trim().replace("%(label)s", label);

  let turned = 0; // the wheel's total rotation so far, in degrees

  function spinTo(prizeId) {
    const wheel = section.querySelector("[data-wheel]");
    const segment = wheel.querySelector(`[data-prize="${prizeId}"]`);
    if (!segment) return Promise.resolve();
    const middle = parseFloat(segment.dataset.middle);
    // Whole turns for show, then stop with the segment's middle under the pointer.
    const target = turned + 5 * 360 + ((360 - middle - (turned % 360)) % 360 + 360) % 360;
    turned = target;
    if (reduceMotion) {
      wheel.style.transition = "none";
      wheel.style.transform = `rotate(${target}deg)`;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      wheel.addEventListener("transitionend", resolve, { once: true });
      wheel.style.transition = "transform 3.2s cubic-bezier(.17,.67,.21,1)";
      wheel.style.transform = `rotate(${target}deg)`;
    });
  }

  function scratchOff(label) {
    section.querySelector("[data-result-text]").textContent = label;
    const canvas = section.querySelector("[data-scratch]");
    if (!canvas) return Promise.resolve();
    const ctx = canvas.getContext("2d");
    if (reduceMotion) {
      canvas.remove();
      return Promise.resolve();
    }
    ctx.globalCompositeOperation = "destination-out";
    ctx.lineWidth = 34;
    ctx.lineCap = "round";
    const rows = 5;
    const duration = 1400;
    return new Promise((resolve) => {
      const start = performance.now();
      let last = { x: 0, y: 0 };
      function frame(now) {
        const t = Math.min((now - start) / duration, 1);
        // A zig-zag across the card, row by row.
        const row = Math.min(Math.floor(t * rows), rows - 1);
        const within = t * rows - row;
        const x = (row % 2 ? 1 - within : within) * canvas.width;
        const y = ((row + 0.5) / rows) * canvas.height;
        ctx.beginPath();
        ctx.moveTo(last.x, last.y);
        ctx.lineTo(x, y);
        ctx.stroke();
        last = { x, y };
        if (t < 1) requestAnimationFrame(frame);
        else { canvas.remove(); resolve(); }
      }
      requestAnimationFrame(frame);
    });
  }

  function paintCover() {
    const canvas = section.querySelector("[data-scratch]");
    if (!canvas) return;
    const ctx = canvas.getContext("2d");
    const style = getComputedStyle(section);
    ctx.fillStyle = style.getPropertyValue("--brand-accent").trim() || "#999";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = style.getPropertyValue("--brand-on-accent").trim() || "#fff";
    ctx.font = "bold 22px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("?", canvas.width / 2, canvas.height / 2);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    result.textContent = "";
    let answer;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
        body: new FormData(form),
        credentials: "same-origin",
      });
      answer = await response.json();
      if (!response.ok) {
        result.textContent = answer.detail || text("error", "");
        if (answer.code !== "no_plays_left" && answer.code !== "sold_out") button.disabled = false;
        return;
      }
    } catch (error) {
      result.textContent = text("error", "");
      button.disabled = false;
      return;
    }
    if (section.dataset.kind === "wheel") await spinTo(answer.prize);
    else await scratchOff(answer.label);
    result.textContent = text(answer.won ? "won" : "lost", answer.label);
    if (answer.voucher_code) result.textContent += ` ${text("voucher", answer.voucher_code)}`;
    if (answer.plays_left > 0) {
      button.disabled = false;
      playsLeft.textContent = "";
      // Play again: a fresh card to scratch.
      if (section.dataset.kind === "scratch") window.setTimeout(() => window.location.reload(), 2500);
    } else {
      playsLeft.textContent = text("none", "");
    }
  }, true);

  paintCover();
})();
