// Installable portal: registers the service worker and offers "Add to home screen"
// (Chrome's beforeinstallprompt, or a hint on iOS, which has no such event). A patient
// who says "Not now" is not asked again on this device.
(() => {
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    });
    // Signing out clears what this device keeps (a shared phone); the server's
    // Clear-Site-Data header on the answer does too, where the browser honours it.
    document.addEventListener("submit", (event) => {
      const action = event.target.getAttribute && event.target.getAttribute("action");
      if (!action || !action.includes("/accounts/logout")) return;
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
      }
      if (window.caches) caches.keys().then((keys) => keys.forEach((key) => caches.delete(key)));
    });
  }

  const prompt = document.querySelector("[data-install]");
  if (!prompt) return;
  const DISMISSED = "portal-install-dismissed";
  const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (standalone || localStorage.getItem(DISMISSED)) return;

  const button = prompt.querySelector("[data-install-button]");
  let deferred = null;

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event;
    button.hidden = false;
    prompt.hidden = false;
  });
  button.addEventListener("click", async () => {
    if (!deferred) return;
    deferred.prompt();
    await deferred.userChoice;
    deferred = null;
    prompt.hidden = true;
  });
  prompt.querySelector("[data-install-dismiss]").addEventListener("click", () => {
    localStorage.setItem(DISMISSED, "1");
    prompt.hidden = true;
  });

  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  if (ios) {
    prompt.querySelector("[data-install-ios]").hidden = false;
    prompt.hidden = false;
  }
})();
