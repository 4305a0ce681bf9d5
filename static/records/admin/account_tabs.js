/* The client account's tabs under their groups (templates/records/admin/client_detail.html).
   Two rows of WAI-ARIA tabs: the groups, then the chosen group's tabs. Arrow keys, Home
   and End move along a row (and choose), Space and Enter choose; the chosen tab is the
   URL's #tab-<key>, so a link to "#tab-loyalty" (from the Overview, or after an action)
   opens the Money group at its Loyalty tab, and the browser's back button follows.
   The server renders only the chosen tab (data-chosen-tab); another tab's panel is
   fetched the first time it is shown (its data-tab-src, the page's URL with
   ?tab=<key>&partial=1) and announced with an "account-tab:loaded" event, which the
   tabs' own scripts (inline_edit.js, files.js) listen to. Without the script every tab
   link loads the page at that tab (?tab=<key>). */
(function () {
    "use strict";
    const root = document.querySelector("[data-account-tabs]");
    if (!root) return;
    const groupTriggers = [...root.querySelectorAll("[data-group-trigger]")];
    const lastInGroup = {};

    function setSelected(triggers, chosen) {
        triggers.forEach((trigger) => {
            const on = trigger === chosen;
            trigger.setAttribute("aria-selected", on ? "true" : "false");
            trigger.tabIndex = on ? 0 : -1;
        });
    }

    function load(panel) {
        const src = panel.dataset.tabSrc;
        if (!src || panel.dataset.tabState) return;
        const body = panel.querySelector("[data-tab-body]");
        panel.dataset.tabState = "loading";
        panel.setAttribute("aria-busy", "true");
        fetch(src, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
            .then((response) => {
                if (!response.ok) throw new Error(String(response.status));
                return response.text();
            })
            .then((html) => {
                body.innerHTML = html;
                panel.dataset.tabState = "loaded";
                panel.dispatchEvent(new CustomEvent("account-tab:loaded", { bubbles: true }));
            })
            .catch(() => {
                // The placeholder's link (the page at this tab) stays; try again next time.
                delete panel.dataset.tabState;
            })
            .finally(() => panel.removeAttribute("aria-busy"));
    }

    function show(key, { focus = null, push = false } = {}) {
        const panel = root.querySelector(`[data-account-tab="${CSS.escape(key)}"]`);
        if (!panel) return false;
        load(panel);
        const group = panel.dataset.group;
        root.querySelectorAll("[data-group-panel]").forEach((el) => {
            el.hidden = el.dataset.groupPanel !== group;
        });
        root.querySelectorAll(`[data-group-panel="${CSS.escape(group)}"] [data-account-tab]`).forEach((el) => {
            el.hidden = el !== panel;
        });
        const groupTrigger = groupTriggers.find((t) => t.dataset.groupTrigger === group);
        setSelected(groupTriggers, groupTrigger);
        groupTrigger.href = `?tab=${key}#tab-${key}`;
        const tabTriggers = [...root.querySelectorAll(`[data-tablist="${CSS.escape(group)}"] [data-tab-trigger]`)];
        const tabTrigger = tabTriggers.find((t) => t.dataset.tabTrigger === key);
        if (tabTrigger) setSelected(tabTriggers, tabTrigger);
        lastInGroup[group] = key;
        if (focus) focus.focus();
        if (push && window.location.hash !== `#tab-${key}`) {
            window.history.pushState(null, "", `#tab-${key}`);
        }
        return true;
    }

    function firstOf(group) {
        const panel = root.querySelector(`[data-group-panel="${CSS.escape(group)}"] [data-account-tab]`);
        return lastInGroup[group] || (panel && panel.dataset.accountTab);
    }

    function keyOf(trigger) {
        return trigger.dataset.tabTrigger || firstOf(trigger.dataset.groupTrigger);
    }

    function fromLocation() {
        const match = window.location.hash.match(/^#tab-([\w-]+)$/);
        if (!match || !show(match[1])) show(root.dataset.chosenTab || firstOf(groupTriggers[0].dataset.groupTrigger));
    }

    // A link to another tab of this page (?tab=<key>#tab-<key>, e.g. from the Overview)
    // shows it here instead of loading the page again; links with more to ask (a page of
    // a list) load the page.
    function inPageTab(link) {
        const url = new URL(link.href, window.location.href);
        const match = url.hash.match(/^#tab-([\w-]+)$/);
        if (!match || url.pathname !== window.location.pathname) return null;
        const extra = [...url.searchParams.keys()].filter((name) => name !== "tab");
        return extra.length ? null : match[1];
    }

    document.addEventListener("click", (event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        const trigger = event.target.closest("[role=tab]");
        if (trigger && root.contains(trigger)) {
            event.preventDefault();
            show(keyOf(trigger), { push: true });
            return;
        }
        const link = event.target.closest("a[href]");
        const key = link && inPageTab(link);
        if (key && show(key, { push: true })) event.preventDefault();
    });

    root.addEventListener("keydown", (event) => {
        const trigger = event.target.closest("[role=tab]");
        if (!trigger) return;
        const row = [...trigger.closest("[role=tablist]").querySelectorAll("[role=tab]")];
        const at = row.indexOf(trigger);
        let next = null;
        if (event.key === "ArrowRight") next = row[(at + 1) % row.length];
        else if (event.key === "ArrowLeft") next = row[(at - 1 + row.length) % row.length];
        else if (event.key === "Home") next = row[0];
        else if (event.key === "End") next = row[row.length - 1];
        else if (event.key === " " || event.key === "Enter") next = trigger;
        if (!next) return;
        event.preventDefault();
        show(keyOf(next), { focus: next, push: true });
    });

    window.addEventListener("popstate", fromLocation);
    window.addEventListener("hashchange", fromLocation);
    fromLocation();
})();
