{% load static %}// The notice-board screen's service worker: the network first, its last answer when the
// network is gone, so the screen keeps showing the last content it had.
"use strict";
const CACHE = "samspil-skaerm-v1";
const SCREEN_URL = "{{ screen_url|escapejs }}";
const PRECACHE = [
  SCREEN_URL,
  "{% static 'css/screen.css' %}",
  "{% static 'js/screen.js' %}",
  "{% static 'js/easy-read.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        } else if (response.status === 404 || response.status === 410) {
          // Gone (a photo whose consent was withdrawn, say): not kept for offline either.
          event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(request)));
        }
        return response;
      })
      .catch(() => caches.match(request).then((cached) => cached || Response.error())),
  );
});
