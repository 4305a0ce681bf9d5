// Client picker on the new-booking page: results as you type, from the clinic's own
// clients (the same links the search button gives without JavaScript).
(function () {
  "use strict";
  const form = document.querySelector("[data-client-picker]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector("[data-client-results]");
  let timer = null;
  let latest = 0;

  function linkFor(id) {
    const params = new URLSearchParams(window.location.search);
    params.delete("q");
    params.set("client", id);
    return "?" + params.toString();
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      const ticket = ++latest;
      if (query.length < 2) {
        list.replaceChildren();
        return;
      }
      const response = await fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || ticket !== latest) return;
      const { results } = await response.json();
      list.replaceChildren(
        ...results.map((client) => {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.className = "button button-small button-secondary";
          link.href = linkFor(client.id);
          link.textContent = client.detail ? client.name + " · " + client.detail : client.name;
          item.appendChild(link);
          return item;
        }),
      );
    }, 200);
  });
})();
