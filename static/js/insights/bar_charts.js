/* Bar charts of the channels, response and touchpoints pages: each <canvas data-bar-chart="ID">
   reads the JSON data island (json_script) with that id: {labels, datasets: [{label, values,
   colour}], horizontal, percent, notes}. `notes`, when given, holds for each label the lines
   its tooltip adds below the values. */
(function () {
  "use strict";

  var GRID = "#d5dbe1";

  function draw(canvas) {
    var node = document.getElementById(canvas.dataset.barChart);
    if (!node || !window.Chart) return;
    var d = JSON.parse(node.textContent);
    var axis = d.horizontal ? "y" : "x";
    var value = { grid: { color: GRID }, beginAtZero: true };
    if (d.percent) value.ticks = { callback: function (v) { return Math.round(v * 100) + "%"; } };
    var scales = {};
    scales[axis] = { grid: { display: false } };
    scales[axis === "x" ? "y" : "x"] = value;
    var tooltip = {};
    if (d.notes) {
      tooltip.callbacks = {
        afterBody: function (items) { return items.length ? d.notes[items[0].dataIndex] : []; }
      };
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: s.colour };
        })
      },
      options: { indexAxis: axis, maintainAspectRatio: false, animation: false, scales: scales,
                 plugins: { legend: { display: d.datasets.length > 1 }, tooltip: tooltip } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-bar-chart]").forEach(draw);
  });
})();
