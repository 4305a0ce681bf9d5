// Inline edits on the client account view: each contact field is saved as soon as the
// field is left (or Enter is pressed), by POSTing its own small form with fetch. The
// server validates; its error, naming the field, is shown beside it and the value stays
// for correction. Without JS each form has a Save button.
(function () {
  "use strict";

  // The field holds what is saved again (put back after an error): nothing to save,
  // and no error may stay beside a correct value.
  function clearError(input, status) {
    input.removeAttribute("aria-invalid");
    if (status.dataset.state === "error") {
      status.dataset.state = "";
      status.textContent = "";
    }
  }

  function save(form, input, status) {
    if (input.value === input.dataset.savedValue) {
      clearError(input, status);
      return;
    }
    status.dataset.state = "saving";
    status.textContent = status.dataset.saving || "…";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (ok) {
          clearError(input, status);
          input.value = data.value;
          input.dataset.savedValue = data.value;
          input.removeAttribute("aria-invalid");
          status.dataset.state = "saved";
          status.textContent = form.dataset.savedLabel || "✓";
        } else {
          input.setAttribute("aria-invalid", "true");
          status.dataset.state = "error";
          status.textContent = data.detail;
        }
      })
      .catch(() => {
        status.dataset.state = "error";
        status.textContent = form.dataset.failedLabel || "!";
      });
  }

  function bind(scope) {
    scope.querySelectorAll("form[data-inline-edit]").forEach((form) => {
    const input = form.querySelector("input[name=value]:not([type=hidden])");
    if (!input || form.dataset.inlineBound) return; // e.g. the VIP toggle: a plain form post
    form.dataset.inlineBound = "1";
    const status = form.querySelector("[data-field-status]");
    input.addEventListener("change", () => save(form, input, status));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form, input, status);
    });
    });
  }

  bind(document);
  // A client account tab fetched when opened (account_tabs.js).
  document.addEventListener("account-tab:loaded", (event) => bind(event.target));
})();
