// Results as you type on the client list: the form's own GET, asked for just the
// results (?partial=1), debounced, stale answers dropped. Without JS the form submits.
(function () {
  "use strict";
  const form = document.querySelector("[data-client-search]");
  if (!form) return;
  const results = document.querySelector(form.dataset.results);
  const input = form.querySelector("input[name=q]");
  let timer = null;
  let inFlight = null;

  function refresh() {
    const params = new URLSearchParams(new FormData(form));
    const url = form.action || window.location.pathname;
    history.replaceState(null, "", "?" + params.toString());
    params.set("partial", "1");
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    fetch(url.split("?")[0] + "?" + params.toString(), {
      signal: inFlight.signal,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response)))
      .then((html) => {
        results.innerHTML = html;
        results.removeAttribute("aria-busy");
      })
      .catch((error) => {
        if (error.name !== "AbortError") results.removeAttribute("aria-busy");
      });
  }

  function schedule() {
    clearTimeout(timer);
    results.setAttribute("aria-busy", "true");
    timer = setTimeout(refresh, 200);
  }

  input.addEventListener("input", schedule);
  form.querySelectorAll("select, input[type=checkbox], input[type=date], input[data-clinic-picker]").forEach((el) => {
    el.addEventListener("change", schedule);
  });
})();
