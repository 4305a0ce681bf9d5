{% load static %}// The portal's service worker. It keeps only the app shell (styles, scripts, icon) and
// the offline page, cached on install. Pages always come from the network and are never
// stored: they may show a patient's medical history, documents, messages or bookings,
// and a phone may be shared. Offline, every page falls back to the offline page.
// Signing out clears the caches (a message from pwa.js, and the server's
// Clear-Site-Data header). Push messages become notifications.
const CACHE = "{{ cache_name }}";  // a slug: safe in a string
const OFFLINE_URL = "{% url 'portal:pwa_offline' %}";
const SHELL = [
  OFFLINE_URL,
  "{% static 'portal/portal.css' %}",
  "{% static 'portal/portal.js' %}",
  "{% static 'portal/pwa.js' %}",
  "{% url 'portal:pwa_icon' 192 %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .catch(() => caches.match(OFFLINE_URL))
    );
    return;
  }
  if (SHELL.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "signed-out") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data.text() }; }
  event.waitUntil(
    self.registration.showNotification(data.title || "{{ clinic.name|escapejs }}", {
      body: data.body || "",
      tag: data.tag,
      icon: "{% url 'portal:pwa_icon' 192 %}",
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    })
  );
});
