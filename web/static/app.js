/* app.js: what every page may ask of the browser, and nothing more.
 * A form with data-confirm asks first; the page works without it (the
 * server still checks everything), it only keeps one tap from doing what
 * cannot be undone. Loaded deferred, from this site only (CSP). */
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var ask = form && form.getAttribute && form.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) {
      e.preventDefault();
    }
  }, true);
})();
