// door.js: the check-in page at the door. It keeps the counters live while
// organizers check people in (registered, waitlisted, checked in, every
// 5 s), and scans tickets with the phone's camera inside the page: each QR
// code read is checked in at once through the API, and the answer is said
// loudly (a name in green, "already checked in at 14:02 by ..." in amber,
// a ticket of another event or without a seat in red), so one organizer
// scans a queue without leaving the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts]");
  var refresh = function () {};
  if (box && window.fetch) {
    var url = box.getAttribute("data-counts");
    refresh = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) {
          if (!c) return;
          box.querySelectorAll("[data-count]").forEach(function (el) {
            var v = c[el.getAttribute("data-count")];
            if (typeof v === "number") el.textContent = String(v);
          });
        })
        .catch(function () {});
    };
    setInterval(function () { if (!document.hidden) refresh(); }, 5000);
  }

  var scan = document.querySelector("[data-scan]");
  var md = navigator.mediaDevices;
  // Without a camera API (an old browser, or a page not served over https)
  // the page keeps its other ways: the phone's camera app and the search.
  if (!scan || !md || !md.getUserMedia || !window.fetch || !window.Promise) return;
  scan.hidden = false;
  var fallback = document.querySelector("[data-scan-fallback]");
  if (fallback) fallback.hidden = true;

  function t(name) { return scan.getAttribute("data-t-" + name) || ""; }
  var startBtn = scan.querySelector("[data-scan-start]");
  var stopBtn = scan.querySelector("[data-scan-stop]");
  var view = scan.querySelector(".scan-view");
  var video = scan.querySelector("video");
  var result = scan.querySelector("[data-scan-result]");
  var log = scan.querySelector("[data-scan-log]");
  var eventId = scan.getAttribute("data-event");
  var csrf = scan.getAttribute("data-csrf");
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null, timer = 0, busy = false, last = "", lastAt = 0;
  var decode = null; // canvas -> Promise of the QR's text or null

  function say(kind, title, detail) {
    result.hidden = false;
    result.className = "scan-result " + kind;
    result.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    result.appendChild(strong);
    if (detail) {
      var p = document.createElement("span");
      p.textContent = detail;
      result.appendChild(p);
    }
  }

  // The door's log: the last answers, at the event's time (the server's).
  function remember(kind, text, at) {
    var li = document.createElement("li");
    li.className = kind;
    li.textContent = (at ? at + "  " : "") + text;
    log.insertBefore(li, log.firstChild);
    while (log.children.length > 8) log.removeChild(log.lastChild);
  }

  // The ticket code in a QR's text: the ticket's address, /t/CODE.
  function codeOf(text) {
    var m = /\/t\/([A-Za-z0-9_-]{22})(?:[?#\/]|$)/.exec(text || "");
    return m ? m[1] : null;
  }

  function buzz(ok) {
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [120, 80, 120]);
  }

  function checkin(code) {
    busy = true;
    say("wait", t("checking"));
    fetch("/api/v1/t/" + code + "/checkin", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf,
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: "event=" + encodeURIComponent(eventId)
    })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); })
      .then(function (a) {
        var b = a.body || {};
        var who = b.name ? b.name + (b.org ? " \u00b7 " + b.org : "") : "";
        if (b.error) {
          say("bad", b.error.message || t("not_ticket"));
          remember("bad", b.error.message || "");
          buzz(false);
        } else if (b.result === "checked_in") {
          say(b.off_day ? "warn" : "ok", who, b.message);
          remember(b.off_day ? "warn" : "ok", b.off_day ? who + " \u2014 " + b.message : who, b.scanned_time);
          buzz(!b.off_day);
          refresh();
        } else {
          say(b.result === "already" ? "warn" : "bad", who, b.message);
          remember(b.result === "already" ? "warn" : "bad", who + " \u2014 " + b.message, b.scanned_time);
          buzz(false);
        }
      })
      .catch(function () { say("bad", t("offline")); buzz(false); last = ""; })
      .then(function () { busy = false; });
  }

  function seen(text) {
    var now = Date.now();
    // A code held in front of the camera is read many times a second:
    // act on it once, and again only after it has been away a while.
    if (text === last && now - lastAt < 4000) { lastAt = now; return; }
    last = text;
    lastAt = now;
    var code = codeOf(text);
    if (!code) { say("bad", t("not_ticket")); buzz(false); return; }
    checkin(code);
  }

  function frame() {
    timer = 0;
    if (!stream) return;
    if (!busy && decode && video.readyState >= 2 && video.videoWidth) {
      // Decode a copy at most 640 px wide: enough for a ticket held up to
      // the phone, and quick on an old one.
      var k = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * k);
      canvas.height = Math.round(video.videoHeight * k);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      decode(canvas).then(function (text) { if (text && stream) seen(text); }, function () {});
    }
    timer = setTimeout(frame, 150);
  }

  // BarcodeDetector where the browser has one (Chrome on Android); jsQR,
  // loaded only when needed, everywhere else.
  function decoder() {
    if (window.BarcodeDetector) {
      return window.BarcodeDetector.getSupportedFormats().then(function (f) {
        if (f.indexOf("qr_code") < 0) throw new Error("no qr");
        var d = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (c) {
          return d.detect(c).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        };
      }).catch(jsqrDecoder);
    }
    return jsqrDecoder();
  }

  function jsqrDecoder() {
    return new Promise(function (resolve, reject) {
      function ready() {
        resolve(function (c) {
          var img = ctx.getImageData(0, 0, c.width, c.height);
          var q = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(q ? q.data : null);
        });
      }
      if (window.jsQR) return ready();
      var s = document.createElement("script");
      s.src = scan.getAttribute("data-jsqr");
      s.onload = ready;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = 0;
    if (stream) stream.getTracks().forEach(function (tr) { tr.stop(); });
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    startBtn.hidden = false;
  }

  function start() {
    startBtn.disabled = true;
    var dec = decoder();
    md.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (s) {
        return dec.then(function (d) { return [s, d]; }, function () {
          s.getTracks().forEach(function (tr) { tr.stop(); });
          throw { name: "NoDecoder" };
        });
      })
      .then(function (got) {
        stream = got[0];
        decode = got[1];
        video.srcObject = stream;
        var p = video.play();
        if (p && p.catch) p.catch(function () {});
        view.hidden = false;
        startBtn.hidden = true;
        say("wait", t("aim"));
        frame();
      }, function (err) {
        var name = err && err.name;
        say("bad", name === "NotAllowedError" ? t("denied") : name === "NoDecoder" ? t("offline") : t("nocamera"));
      })
      .then(function () { startBtn.disabled = false; });
  }

  startBtn.addEventListener("click", start);
  stopBtn.addEventListener("click", stop);
  // A phone put in a pocket stops filming; the organizer taps to go on.
  document.addEventListener("visibilitychange", function () { if (document.hidden) stop(); });
})();
