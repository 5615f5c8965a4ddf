/* Bearing's small behaviours on top of server-rendered pages. No inline scripts
   (the Content Security Policy forbids them); every page works without this file. */
(function () {
  "use strict";

  /* --- A request that failed says so ------------------------------------------
     Validation errors (400, 409, 422) come back as the form with its errors and are
     swapped in place (see responseHandling in base.html). Anything else that fails
     is reported in the page's live region, never silently dropped. */
  var MESSAGES = {
    network: "Bearing could not be reached, so nothing was saved. Check your connection and try again; what you typed is still here.",
    401: "Your sign-in has ended, so nothing was saved. Copy what you typed, then sign in again.",
    403: "This page is out of date, so nothing was saved. Copy what you typed, then reload the page.",
    404: "This is no longer here. Reload the page to see where things stand.",
    413: "That is more than Bearing accepts at once, so nothing was saved. Shorten it and try again.",
    429: "Too many tries in a short while, so nothing was saved. Wait a minute and try again.",
    server: "Something went wrong on our side, so nothing was saved. Try again in a moment."
  };

  function statusRegion() {
    return document.getElementById("request-status");
  }

  function report(text, withSignIn) {
    var region = statusRegion();
    if (!region) return;
    region.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    if (withSignIn) {
      var a = document.createElement("a");
      a.href = "/login/?next=" + encodeURIComponent(window.location.pathname);
      a.textContent = "Sign in again";
      p.appendChild(document.createTextNode(" "));
      p.appendChild(a);
    }
    region.appendChild(p);
  }

  function clearReport() {
    var region = statusRegion();
    if (region) region.textContent = "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    if (MESSAGES[status]) {
      report(MESSAGES[status], status === 401);
    } else {
      report(MESSAGES.server, false);
    }
  });

  document.addEventListener("htmx:sendError", function () {
    report(MESSAGES.network, false);
  });

  document.addEventListener("htmx:timeout", function () {
    report(MESSAGES.network, false);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) clearReport();
  });
})();
