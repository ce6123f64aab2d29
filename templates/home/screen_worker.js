{% load static %}// The notice-board screen's service worker: the network first, its last answer when the
// network is gone, so the screen keeps showing the last content it had.
//
// A screen paired with its home (residents.screens) gets answers marked X-Skaerm-Parret: its
// page, its content and the home's own (botilbuddet) photos. Those are kept apart, in
// HOME_CACHE, and that whole cache is dropped the moment the screen's page or content comes
// back unpaired (revoked, or another browser profile): an unpaired view never finds them.
"use strict";
const CACHE = "samspil-skaerm-v2";
const HOME_CACHE = "samspil-skaerm-parret-v1";
const PAIRED_HEADER = "X-Skaerm-Parret";
const SCREEN_URL = "{{ screen_url|escapejs }}";
const CONTENT_URL = "{{ content_url|escapejs }}";
const PRECACHE = [
  SCREEN_URL,
  "{% static 'css/screen.css' %}",
  "{% static 'js/screen.js' %}",
  "{% static 'js/easy-read.js' %}",
];

function isScreen(url) {
  const path = new URL(url, self.location.href).pathname;
  return path === new URL(SCREEN_URL, self.location.href).pathname ||
    path === new URL(CONTENT_URL, self.location.href).pathname;
}

// Keep a good answer in the cache its audience belongs to; forget the paired one when the
// screen answers unpaired.
async function keep(request, response) {
  if (response.headers.get(PAIRED_HEADER)) {
    const home = await caches.open(HOME_CACHE);
    await home.put(request, response);
    const shared = await caches.open(CACHE);
    await shared.delete(request);
    return;
  }
  if (isScreen(request.url || request)) {
    await caches.delete(HOME_CACHE);
  }
  const shared = await caches.open(CACHE);
  await shared.put(request, response);
}

async function forget(request) {
  await Promise.all([CACHE, HOME_CACHE].map((name) => caches.open(name).then((c) => c.delete(request))));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all(
      PRECACHE.map((url) =>
        fetch(url, { credentials: "same-origin" }).then((response) =>
          response.ok ? keep(url, response) : undefined,
        ),
      ),
    ).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("samspil-skaerm") && name !== CACHE && name !== HOME_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
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
          event.waitUntil(keep(request, response.clone()));
        } else if (response.status === 304 && isScreen(request.url) && !response.headers.get(PAIRED_HEADER)) {
          // Unchanged, but unpaired now: nothing of the paired screen stays.
          event.waitUntil(caches.delete(HOME_CACHE));
        } else if (response.status === 404 || response.status === 410) {
          // Gone (a photo whose consent was withdrawn, or a revoked screen's): not kept.
          event.waitUntil(forget(request));
        }
        return response;
      })
      .catch(() => caches.match(request).then((cached) => cached || Response.error())),
  );
});
