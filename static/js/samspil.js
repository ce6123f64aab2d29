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
});
