// Small enhancements of the analysis pages; every page also works without JavaScript.
(function () {
  "use strict";

  // Poll the analysis about once a second and reload when it is finished (the meta refresh
  // is the no-JavaScript fallback).
  function pollProgress(box) {
    var url = box.getAttribute("data-status-url");
    var text = document.getElementById("progress-text");
    var words = { pending: "Waiting for a free analyser…", running: "Measuring your colours…" };
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && (body.status === "done" || body.status === "failed")) {
            window.location.reload();
            return;
          }
          if (body && words[body.status] && text.textContent.trim() !== words[body.status]) {
            text.textContent = words[body.status];
          }
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    window.setTimeout(tick, 1000);
  }

  // Answer the colour check in place through POST /api/color-check.
  function colourCheck(form) {
    var result = document.getElementById("colour-check-result");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var hex = form.querySelector("input[name=hex]").value;
      fetch(form.getAttribute("data-api-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value,
        },
        body: JSON.stringify({ hex: hex, analysis: Number(form.getAttribute("data-analysis")) }),
      })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          result.textContent = "";
          if (body.error) {
            var error = document.createElement("p");
            error.className = "error";
            error.textContent = body.error.message;
            result.appendChild(error);
            return;
          }
          var verdict = document.createElement("p");
          verdict.className = "verdict";
          var swatch = document.createElement("span");
          swatch.className = "swatch small";
          swatch.style.background = body.hex;
          var strong = document.createElement("strong");
          strong.textContent = body.hex + ": " + body.verdict + ", " + body.score + "/100";
          verdict.appendChild(swatch);
          verdict.appendChild(strong);
          var why = document.createElement("p");
          why.textContent = body.why;
          result.appendChild(verdict);
          result.appendChild(why);
        })
        .catch(function () { form.submit(); });
    });
  }

  function confirmDeletes() {
    document.querySelectorAll("form.confirm-delete").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); return; }
        var confirmed = document.createElement("input");
        confirmed.type = "hidden";
        confirmed.name = "confirmed";
        confirmed.value = "yes";
        form.appendChild(confirmed);
      });
    });
  }

  // Dates are written in UTC; shown in the reader's own time zone.
  function localMoments() {
    document.querySelectorAll("time.moment").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) { return; }
      element.textContent = moment.toLocaleString(undefined, {
        day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"
      });
      element.title = element.getAttribute("datetime");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localMoments();
    var progress = document.getElementById("progress");
    if (progress) { pollProgress(progress); }
    var form = document.getElementById("colour-check-form");
    if (form) { colourCheck(form); }
    confirmDeletes();
  });
})();
