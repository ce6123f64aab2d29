// The "Let læst" switch: shows the easy-read versions of news and events (and hides the usual
// text where one exists). The choice is kept in this browser (localStorage); a page may name
// its own default (<html data-easy-read-default="on">, the notice-board screen). Loaded in
// <head> without defer, so the page is drawn in the chosen version from the start.
(function () {
  "use strict";
  var KEY = "samspil-let-laest";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage refused (private mode): the page's default
    }
  }

  function wanted() {
    var value = stored();
    if (value === null) {
      return root.getAttribute("data-easy-read-default") === "on";
    }
    return value === "1";
  }

  function apply(on) {
    root.classList.toggle("easy-read-on", on);
    document.querySelectorAll("[data-easy-read-switch]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  apply(wanted());
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-easy-read-switch]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var on = !root.classList.contains("easy-read-on");
        try {
          window.localStorage.setItem(KEY, on ? "1" : "0");
        } catch (error) {
          // Not kept, but still switched for this page.
        }
        apply(on);
      });
    });
    apply(wanted());
  });
})();
