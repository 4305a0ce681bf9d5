// The automation form's live preview: on each change of the kind, title or message, the
// server fills the template for a sample patient (automations.admin.PreviewView).
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-nudge-preview]");
    if (!box) return;
    var form = box.closest("form");
    var timer = null;
    function field(name) { return form.querySelector("[name='" + name + "']"); }
    function showPlaceholders() {  // only the chosen kind's placeholders, or all before
      var kind = field("kind") ? field("kind").value : "";
      form.querySelectorAll("[data-placeholders-for]").forEach(function (line) {
        line.hidden = Boolean(kind) && line.dataset.placeholdersFor !== kind;
      });
    }
    function refresh() {
      showPlaceholders();
      var data = new FormData();
      ["kind", "title_template", "body_template", "months"].forEach(function (name) {
        var input = field(name);
        if (input) data.append(name, input.value);
      });
      var token = form.querySelector("[name='csrfmiddlewaretoken']");
      fetch(box.dataset.url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          var error = box.querySelector("[data-preview-error]");
          if (answer.hint) {  // no kind chosen yet: a hint, not an error
            error.hidden = true;
            box.querySelector("[data-preview-title]").textContent = answer.hint;
            box.querySelector("[data-preview-body]").textContent = "";
            box.querySelector("[data-preview-sms]").textContent = "";
            return;
          }
          if (answer.detail) {
            error.textContent = answer.detail;
            error.hidden = false;
            return;
          }
          error.hidden = true;
          box.querySelector("[data-preview-title]").textContent = answer.email.title;
          box.querySelector("[data-preview-body]").textContent = answer.email.body;
          box.querySelector("[data-preview-sms]").textContent =
            answer.sms.title + "\n" + answer.sms.body;
        });
    }
    ["kind", "title_template", "body_template", "months"].forEach(function (name) {
      var input = field(name);
      if (!input) return;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
      });
    });
    refresh();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
