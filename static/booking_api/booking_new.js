// The new-booking form: the staff list shows only those who perform the chosen service
// (the server renders and validates the same; this follows a change without a reload).
(function () {
  "use strict";
  function init() {
    const form = document.querySelector("[data-new-booking]");
    const data = document.getElementById("staff-by-service");
    if (!form || !data) return;
    const byService = JSON.parse(data.textContent);
    const service = form.querySelector("select[name=service]");
    const staff = form.querySelector("select[name=staff]");
    if (!service || !staff) return;
    const blank = staff.querySelector("option[value='']");
    const blankLabel = blank ? blank.textContent : "---------";
    service.addEventListener("change", function () {
      const rows = byService[service.value];
      if (!rows) return; // no service chosen: leave the list as it is
      const keep = staff.value;
      staff.replaceChildren(new Option(blankLabel, ""));
      rows.forEach(function (row) {
        staff.append(new Option(row[1], String(row[0]), false, String(row[0]) === keep));
      });
      staff.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
