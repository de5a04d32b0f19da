/* Liaison's charts: each <canvas> with a JSON data island (json_script) beside it.
   Colours follow the stylesheet: ink for data, green for the line that counts as improvement. */
(function () {
  "use strict";

  var INK = "#1d4f91";
  var GREEN = "#14663f";
  var GRID = "#d5dbe1";
  var MUTED = "#4b5866";

  // The MCID threshold as a dashed line across the whole chart, even with one measurement.
  var thresholdLine = {
    id: "thresholdLine",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.value === null || options.value === undefined) return;
      var y = chart.scales.y.getPixelForValue(options.value);
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = GREEN;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, y);
      ctx.lineTo(area.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = GREEN;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.fillText(options.label, area.right - 4, y - 6);
      ctx.restore();
    }
  };

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function shortDate(iso) {
    return MONTHS[parseInt(iso.slice(5, 7), 10) - 1] + " " + parseInt(iso.slice(8, 10), 10);
  }

  function shortMonth(iso) {
    return MONTHS[parseInt(iso.slice(5, 7), 10) - 1] + " " + iso.slice(2, 4);
  }

  function outcomeConfig(d) {
    return {
      type: "line",
      data: {
        labels: d.dates.map(shortDate),
        datasets: [{
          label: d.label + (d.unit ? " (" + d.unit + ")" : ""),
          data: d.scores,
          borderColor: INK,
          backgroundColor: INK,
          pointRadius: 4,
          tension: 0
        }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: d.minimum, max: d.maximum, grid: { color: GRID },
               title: { display: true, text: d.lowerIsBetter ? "lower is better" : "higher is better", color: MUTED } },
          x: { grid: { color: GRID } }
        },
        plugins: {
          legend: { display: false },
          thresholdLine: { value: d.threshold, label: "MCID line: " + d.threshold }
        }
      },
      plugins: [thresholdLine]
    };
  }

  function referralsConfig(d) {
    return {
      type: "bar",
      data: {
        labels: d.map(function (row) { return shortMonth(row.month); }),
        datasets: [{ label: "Referrals received", data: d.map(function (row) { return row.referrals; }),
                     backgroundColor: INK }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: GRID } },
                  x: { grid: { display: false } } },
        plugins: { legend: { display: false } }
      }
    };
  }

  function draw() {
    window.chartOn("outcome-chart", "outcome-chart-data", outcomeConfig);
    window.chartOn("referrals-chart", "referrals-chart-data", referralsConfig);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
