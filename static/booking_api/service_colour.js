// The service form's colour picker (booking_api/admin/widgets.py): the preview takes
// the chosen colour and its name as soon as a colour is picked. Listens on the document,
// as the form's media may load before the form.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const input = event.target.closest("[data-colour-picker] input[type=radio]");
    if (!input) return;
    const picker = input.closest("[data-colour-picker]");
    const preview = picker.querySelector("[data-colour-preview]");
    [...preview.classList]
      .filter((name) => name.startsWith("svc-") && name !== "svc-colour-preview")
      .forEach((name) => preview.classList.remove(name));
    preview.classList.add("svc-" + (input.value || "default"));
    picker.querySelector("[data-colour-preview-name]").textContent =
      input.closest("label").textContent.trim();
  });
})();
