// Wagtail's date (and date-time) picker on the admin's clinic-format fields
// (people.admin_toolkit.fields.ClinicDateInput): the field says its format, in the
// clinic's order (dd/mm/yyyy in the UK), so the browser's own picker never decides it.
(() => {
  const start = () => {
    document.querySelectorAll("input[data-clinic-picker]").forEach((input) => {
      if (input.dataset.pickerReady || !input.id) return;
      const init =
        input.dataset.clinicPicker === "datetime" ? window.initDateTimeChooser : window.initDateChooser;
      if (typeof init !== "function") return;
      input.dataset.pickerReady = "1";
      init(input.id, JSON.parse(input.dataset.pickerConfig || "{}"));
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // A client account tab fetched when opened (records' account_tabs.js).
  document.addEventListener("account-tab:loaded", start);
})();
