// Forms on pages every visitor shares (the page cache, a proxy or CDN) carry no CSRF token:
// fetch the visitor's own from /csrf/ (which also sets their CSRF cookie) and fill every
// token field, at load and, if that has not finished, before a form is sent. Without it the
// server asks the visitor to confirm the sending instead (pagecache/csrf.py).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = (script && script.dataset.csrfUrl) || "/csrf/";
  var pending = null;

  function fields() {
    return document.querySelectorAll("input[name=csrfmiddlewaretoken]");
  }

  function blank() {
    return Array.prototype.some.call(fields(), function (field) {
      return !field.value;
    });
  }

  function fill() {
    if (!pending) {
      pending = fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("csrf " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          fields().forEach(function (field) {
            field.value = data.token;
          });
          return data.token;
        })
        .catch(function () {
          pending = null; // the next call asks again
          return "";
        });
    }
    return pending;
  }

  function start() {
    if (blank()) {
      fill();
    }
    document.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {
        return; // another script stopped this sending
      }
      var form = event.target;
      var field = form.querySelector && form.querySelector("input[name=csrfmiddlewaretoken]");
      if (!field || field.value || form.dataset.csrfTried) {
        return;
      }
      event.preventDefault();
      form.dataset.csrfTried = "1";
      var submitter = event.submitter || null;
      var send = function () {
        if (form.requestSubmit) {
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
      };
      // A form added after the first fill gets the token too; with none, the server asks
      // the visitor to confirm (one try per form).
      fill().then(function (token) {
        if (token && !field.value) {
          field.value = token;
        }
        send();
      }, send);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
