/* The client account's tabs under their groups (templates/records/admin/client_detail.html).
   Two rows of WAI-ARIA tabs: the groups, then the chosen group's tabs. Arrow keys, Home
   and End move along a row (and choose), Space and Enter choose; the chosen tab is the
   URL's #tab-<key>, so a link to "#tab-loyalty" (from the Overview, or after an action)
   opens the Money group at its Loyalty tab, and the browser's back button follows. */
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

    function show(key, { focus = null, push = false } = {}) {
        const panel = root.querySelector(`[data-account-tab="${CSS.escape(key)}"]`);
        if (!panel) return false;
        const group = panel.dataset.group;
        root.querySelectorAll("[data-group-panel]").forEach((el) => {
            el.hidden = el.dataset.groupPanel !== group;
        });
        root.querySelectorAll(`[data-group-panel="${CSS.escape(group)}"] [data-account-tab]`).forEach((el) => {
            el.hidden = el !== panel;
        });
        const groupTrigger = groupTriggers.find((t) => t.dataset.groupTrigger === group);
        setSelected(groupTriggers, groupTrigger);
        groupTrigger.href = `#tab-${key}`;
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
        if (!match || !show(match[1])) show(firstOf(groupTriggers[0].dataset.groupTrigger));
    }

    root.addEventListener("click", (event) => {
        const trigger = event.target.closest("[role=tab]");
        if (!trigger || !root.contains(trigger)) return;
        event.preventDefault();
        show(keyOf(trigger), { push: true });
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
