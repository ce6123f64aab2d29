// Start DKFDS components (accordions, details, alerts) once the page has loaded.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // An embed's own ratio: set through the CSSOM, which the Content-Security-Policy allows
  // (a style attribute in the HTML it refuses).
  document.querySelectorAll(".responsive-object[data-ratio]").forEach(function (embed) {
    if (/^\d+(\.\d+)?%$/.test(embed.dataset.ratio)) {
      embed.style.paddingBottom = embed.dataset.ratio;
    }
  });
  // On a phone the calendar's filters fold behind their heading (a <details>, so the
  // keyboard and screen readers open it as they open any disclosure).
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (fold) {
      fold.open = false;
    });
  }
});
