// Web push on the profile page. Permission is asked only when the patient presses
// "Turn on notifications", after reading what they will get.
(() => {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const status = box.querySelector(".push-status");
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    box.querySelector("[data-push-unsupported]").hidden = false;
    return;
  }
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const send = (method, body) => fetch(box.dataset.subscribeUrl, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const keyBytes = (base64) => {
    const padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const show = (subscribed) => { on.hidden = subscribed; off.hidden = !subscribed; };

  navigator.serviceWorker.ready
    .then((registration) => registration.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription)));

  on.addEventListener("click", async () => {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status.textContent = box.dataset.deniedText || "";
      return;
    }
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.vapidKey),
      });
      const response = await send("POST", subscription.toJSON());
      if (!response.ok) throw new Error(String(response.status));
      status.textContent = box.dataset.onText || "";
      show(true);
    } catch (error) {
      status.textContent = box.dataset.errorText || "";
    }
  });

  off.addEventListener("click", async () => {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await send("DELETE", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    status.textContent = box.dataset.offText || "";
    show(false);
  });
})();
