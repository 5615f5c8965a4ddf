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

  /* --- Room left in a long field ---------------------------------------------
     A text area (or a long text input) with a maxlength shows how many characters
     are left. The maxlength itself is lifted, because a browser cuts a long paste
     at the limit without a word; past the limit the counter says by how much, and
     the server refuses the text (it never cuts it). Counted as the server counts:
     by character, a new line as two (the browser sends CR LF). */
  var LONG_INPUT = 300;

  function formatNumber(n) {
    return n.toLocaleString("en");
  }

  function lengthAsSent(value) {
    var newLines = value.match(/\n/g);
    return Array.from(value).length + (newLines ? newLines.length : 0);
  }

  function describeBy(field, id) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) === -1) ids.push(id);
    field.setAttribute("aria-describedby", ids.join(" "));
  }

  var counted = 0;

  function countRoom(field) {
    if (field.dataset.maxlength) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit) return;
    if (field.tagName === "INPUT" && (field.type === "hidden" || limit < LONG_INPUT)) return;
    field.dataset.maxlength = String(limit);
    field.removeAttribute("maxlength");
    counted += 1;
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = (field.id || "field-" + counted) + "-room";
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var shown = document.createElement("span");
    counter.appendChild(shown);
    counter.appendChild(live);
    field.insertAdjacentElement("afterend", counter);
    describeBy(field, counter.id);
    var wasOver = false;
    function update() {
      var left = limit - lengthAsSent(field.value);
      var over = left < 0;
      shown.textContent = over
        ? formatNumber(-left) + " characters too many: shorten it to save (up to " + formatNumber(limit) + ")."
        : formatNumber(left) + " of " + formatNumber(limit) + " characters left.";
      counter.classList.toggle("over", over);
      if (over !== wasOver) {
        live.textContent = over ? "Too long: " + shown.textContent : "Back within the limit.";
        wasOver = over;
      }
    }
    field.addEventListener("input", update);
    update();
  }

  function countRoomIn(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("textarea[maxlength], input[maxlength]")) countRoom(root);
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(countRoom);
  }

  countRoomIn(document);
  document.addEventListener("htmx:load", function (event) {
    countRoomIn(event.target);
  });

  /* --- Errors are where the person is looking ---------------------------------
     A form with errors has a summary at its top (includes/form_errors.html). Focus
     moves to it when the page loads and after an htmx swap brings one in, so the
     errors are seen (and read out) even when the form is below the fold. */
  function focusErrorSummary(root) {
    if (!root || !root.querySelector) return;
    var summary = root.matches && root.matches("[data-error-summary]")
      ? root
      : root.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }

  focusErrorSummary(document);
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) focusErrorSummary(event.target); // swapped-in content
  });
})();
