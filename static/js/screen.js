// The notice-board screen: a clock, views that advance by themselves (with a button to stop
// them, WCAG 2.2.2), and content fetched again every few minutes. When the network is gone the
// last content stays and a line says since when; the service worker keeps a copy of the page.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var holder = document.getElementById("screen-content");
    var status = document.getElementById("screen-status");
    var clock = document.getElementById("screen-clock");
    var dateLine = document.getElementById("screen-date");
    var pause = document.getElementById("screen-pause");
    var contentUrl = body.getAttribute("data-content-url");
    var refreshMs = parseInt(body.getAttribute("data-refresh-ms"), 10) || 300000;
    var slideMs = parseInt(body.getAttribute("data-slide-ms"), 10) || 12000;
    var index = 0;
    var paused = false;
    var lastHtml = null;
    var lastGood = holder.querySelector(".screen-content");
    var lastGoodTime = lastGood ? lastGood.getAttribute("data-generated") : "";

    function slides() {
      return holder.querySelectorAll(".screen-slide");
    }

    function show(next) {
      var all = slides();
      if (!all.length) {
        return;
      }
      index = next % all.length;
      all.forEach(function (slide, number) {
        slide.hidden = number !== index;
      });
    }

    function tick() {
      var now = new Date();
      clock.textContent = now.toLocaleTimeString("da-DK", { hour: "2-digit", minute: "2-digit" });
      clock.setAttribute("datetime", now.toISOString());
      dateLine.textContent = now.toLocaleDateString("da-DK", {
        weekday: "long",
        day: "numeric",
        month: "long",
      });
    }

    function offline() {
      status.textContent = status.getAttribute("data-offline") + " " + lastGoodTime + ".";
      status.hidden = false;
    }

    function refresh() {
      window
        .fetch(contentUrl, { credentials: "same-origin", cache: "no-cache" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".screen-content");
          if (!fresh) {
            throw new Error("no content");
          }
          status.hidden = true;
          lastGoodTime = fresh.getAttribute("data-generated") || lastGoodTime;
          if (html === lastHtml) {
            return;
          }
          lastHtml = html;
          holder.replaceChildren(document.importNode(fresh, true));
          show(0);
        })
        .catch(offline);
    }

    pause.hidden = false;
    pause.addEventListener("click", function () {
      paused = !paused;
      pause.setAttribute("aria-pressed", paused ? "true" : "false");
    });

    tick();
    show(0);
    window.setInterval(tick, 1000);
    window.setInterval(function () {
      if (!paused) {
        show(index + 1);
      }
    }, slideMs);
    window.setInterval(refresh, refreshMs);
    window.addEventListener("online", refresh);

    if ("serviceWorker" in navigator && body.getAttribute("data-worker-url")) {
      navigator.serviceWorker.register(body.getAttribute("data-worker-url")).catch(function () {
        // Without a worker the screen still refreshes; it only cannot start offline.
      });
    }
  });
})();
