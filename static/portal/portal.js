// The portal's own script. A form marked data-once cannot be sent twice (a double tap
// on "Confirm booking" must not book twice). Everything works without it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  // Disable after the browser has read the submitter's name/value.
  setTimeout(() => {
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; b.setAttribute("aria-busy", "true"); });
  }, 0);
});

// The wizard's "which pet?": the new pet's name and species show only for "Another pet".
function showNewPet() {
  const choice = document.querySelector("[data-pet-choice]:checked");
  const another = !choice || choice.value === "new";
  document.querySelectorAll("[data-new-pet]").forEach((input) => {
    const field = input.closest(".field");
    if (field) field.hidden = !another;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("[data-pet-choice]")) showNewPet();
});
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-pet-choice]")) showNewPet();
});

// Preferences: while "unsubscribe from all" is ticked the per-type switches are disabled
// (the server keeps them as they were); unticking it gives them back.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.closest || !box.closest("[data-unsubscribe-all]")) return;
  const switches = box.form && box.form.querySelector("[data-per-type-switches]");
  if (switches) switches.disabled = box.checked;
});

// An error box the server rendered (a declined card): focus it, so the patient (and a
// screen reader) lands on what went wrong rather than at the top of the page.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-focus-on-load]");
  if (box) {
    box.focus();
    box.scrollIntoView({ block: "center" });
  }
});
