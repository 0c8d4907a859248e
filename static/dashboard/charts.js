/* Charts of the dashboard and of the reviews, drawn with the vendored Chart.js.
 *
 * No inline script (the Content Security Policy forbids it): each <canvas data-chart="ID">
 * reads its data from the JSON block <script type="application/json" id="ID"> written by
 * Django's json_script filter. The table next to each chart holds the same figures for screen
 * readers and for print. Lines differ by dash and point shape as well as colour, so that
 * they can be told apart without colour vision.
 */
(function () {
  "use strict";

  var COLOURS = ["#0b3d91", "#b45309", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#4d5562"];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
  var POINTS = ["circle", "rect", "triangle", "rectRot"];

  function readSpec(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toLocaleString("fr-FR") + " %";
  }

  function config(spec) {
    var line = spec.type === "line";
    var datasets = spec.datasets.map(function (set, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: colour,
        backgroundColor: line ? colour : colour + "cc",
        borderDash: line ? DASHES[i % DASHES.length] : [],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: line ? 3 : 0,
        spanGaps: false,
        borderWidth: 2
      };
    });
    var valueAxis = {
      beginAtZero: true,
      ticks: {
        precision: spec.percent ? undefined : 0,
        callback: spec.percent ? function (v) { return percent(v); } : undefined
      }
    };
    var scales = spec.horizontal ? { x: valueAxis } : { y: valueAxis };
    return {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: "fr-FR",
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1, labels: { usePointStyle: true } },
          tooltip: spec.percent ? {
            callbacks: { label: function (ctx) { return ctx.dataset.label + " : " + percent(ctx.parsed.y); } }
          } : {}
        }
      }
    };
  }

  function drawCharts() {
    if (typeof window.Chart === "undefined") { return; }
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = readSpec(canvas.getAttribute("data-chart"));
      if (!spec || !spec.labels || !spec.labels.length) { return; }
      new window.Chart(canvas, config(spec));
    });
  }

  function printButtons() {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  drawCharts();
  printButtons();
})();
