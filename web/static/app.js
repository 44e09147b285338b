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
  /* An article's replay or podcast: the player is loaded only when the
   * card is tapped (no data used, no third-party page loaded before). */
  /* A wish's title being typed: the wishes that look like it, so that a
   * duplicate is caught before it is posted (asked 300 ms after the last
   * key, each answer only if it is still the latest). */
  var typing = document.querySelector("input[data-similar]");
  if (typing && window.fetch) {
    var box = document.getElementById("w-similar"), timer = 0, asked = 0;
    typing.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = typing.value.trim(), mine = ++asked;
        if (q.length < 2) { box.hidden = true; return; }
        fetch(typing.getAttribute("data-similar") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { similar: [] }; })
          .then(function (m) {
            if (mine !== asked) return;
            var ul = box.querySelector("ul");
            ul.replaceChildren();
            (m.similar || []).forEach(function (w) {
              var li = document.createElement("li"), a = document.createElement("a");
              a.href = w.href; a.textContent = w.title; a.lang = w.lang; a.className = "tap";
              li.appendChild(a); ul.appendChild(li);
            });
            box.hidden = !ul.children.length;
          })
          .catch(function () { box.hidden = true; });
      }, 300);
    });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".media-card a.button");
    if (!a) return;
    var card = a.parentNode, el;
    var embed = card.getAttribute("data-embed"), video = card.getAttribute("data-video"),
        audio = card.getAttribute("data-audio");
    if (embed) {
      el = document.createElement("iframe");
      el.src = embed;
      el.setAttribute("allowfullscreen", "");
      el.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation");
      el.setAttribute("referrerpolicy", "no-referrer");
    } else if (video || audio) {
      el = document.createElement(video ? "video" : "audio");
      el.src = video || audio;
      el.controls = true;
      el.autoplay = true;
      el.preload = "none";
    } else {
      return; /* a page elsewhere: the link opens it */
    }
    e.preventDefault();
    el.className = card.getAttribute("data-strip") ? "player strip" : "player";
    card.replaceChildren(el);
  });
})();
