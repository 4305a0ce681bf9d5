// The client account's Files tab: photo fields only for a clinical photo, a lightbox
// for a photo, two photos side by side, and a question before removing a file.
(function () {
  "use strict";
  function init(root) {
  if (!root || root.dataset.filesBound) return;
  root.dataset.filesBound = "1";

  const photoFields = root.querySelector("[data-photo-fields]");
  const syncKind = () => {
    const kind = root.querySelector("[data-file-kind]:checked");
    if (photoFields) photoFields.hidden = !kind || kind.value !== "photo";
  };
  root.querySelectorAll("[data-file-kind]").forEach((r) => r.addEventListener("change", syncKind));
  syncKind();

  root.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  const lightbox = root.querySelector("[data-lightbox]");
  root.querySelectorAll("[data-lightbox-open]").forEach((button) => {
    button.addEventListener("click", () => {
      const item = button.closest("[data-clinical-photo]");
      const image = lightbox.querySelector("[data-lightbox-image]");
      image.src = item.dataset.full;
      image.alt = item.dataset.caption;
      lightbox.querySelector("[data-lightbox-caption]").textContent = item.dataset.caption;
      lightbox.showModal();
    });
  });

  const compare = root.querySelector("[data-compare]");
  const pair = root.querySelector("[data-compare-pair]");
  const picks = Array.from(root.querySelectorAll("[data-compare-pick]"));
  const chosen = [];
  const render = () => {
    pair.replaceChildren();
    chosen.forEach((box) => {
      const item = box.closest("[data-clinical-photo]");
      const figure = document.createElement("figure");
      figure.dataset.comparePhoto = item.dataset.clinicalPhoto;
      const image = document.createElement("img");
      image.src = item.dataset.full;
      image.alt = item.dataset.caption;
      const caption = document.createElement("figcaption");
      caption.textContent = item.dataset.caption;
      figure.append(image, caption);
      pair.append(figure);
    });
    compare.hidden = chosen.length < 2;
    if (chosen.length === 2) compare.scrollIntoView({ block: "nearest" });
  };
  picks.forEach((box) => {
    box.addEventListener("change", () => {
      const at = chosen.indexOf(box);
      if (box.checked && at < 0) {
        chosen.push(box);
        // Two at a time: the oldest pick makes way.
        if (chosen.length > 2) chosen.shift().checked = false;
      } else if (!box.checked && at >= 0) {
        chosen.splice(at, 1);
      }
      render();
    });
  });
  const clear = root.querySelector("[data-compare-clear]");
  if (clear) {
    clear.addEventListener("click", () => {
      chosen.splice(0).forEach((box) => { box.checked = false; });
      render();
    });
  }
  }

  init(document.querySelector("[data-client-files]"));
  // The Files tab fetched when opened (account_tabs.js).
  document.addEventListener("account-tab:loaded", (event) => {
    init(event.target.querySelector("[data-client-files]"));
  });
})();
