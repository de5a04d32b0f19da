/* Insights charts of the overview, ranking and trends pages: each <canvas> reads the JSON
   data island (json_script) beside it. Colours follow the stylesheet: ink for this year's
   data, muted for last year's, green/red for growing/declining. */
(function () {
  "use strict";

  var INK = "#1d4f91";
  var TEAL = "#0f766e";
  var MUTED = "#8a96a3";
  var GRID = "#d5dbe1";
  var BAND = "rgba(20, 102, 63, 0.15)";
  var PALETTE = ["#1d4f91", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#4b5866", "#15803d", "#a16207"];

  var common = { maintainAspectRatio: false, animation: false };

  function line(label, values, colour, dashed) {
    return { label: label, data: values, borderColor: colour, backgroundColor: colour,
             borderDash: dashed ? [6, 4] : [], pointRadius: 3, tension: 0, spanGaps: false };
  }

  function overviewMonths(d) {
    return {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          line("Referrals " + d.year, d.referrals, INK, false),
          line("Referrals " + (d.year - 1), d.referrals_last_year, INK, true),
          line("New patients " + d.year, d.new_patients, TEAL, false),
          line("New patients " + (d.year - 1), d.new_patients_last_year, MUTED, true)
        ]
      },
      options: Object.assign({}, common, {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: GRID } },
                  x: { grid: { display: false } } }
      })
    };
  }

  function overviewChannels(d) {
    return {
      type: "doughnut",
      data: { labels: d.labels, datasets: [{ data: d.values, backgroundColor: PALETTE }] },
      options: Object.assign({}, common, { plugins: { legend: { position: "right" } } })
    };
  }

  function rankingScatter(d) {
    return {
      type: "scatter",
      data: { datasets: [{ label: "Partners", backgroundColor: INK, pointRadius: 3,
                           data: d.x.map(function (x, i) { return { x: x, y: d.y[i], name: d.names[i] }; }) }] },
      options: Object.assign({}, common, {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: "Referrals in the window" }, grid: { color: GRID } },
          y: { min: 0, title: { display: true, text: "Quality index (1 = average)" }, grid: { color: GRID } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) {
            var p = ctx.raw;
            return p.name + ": " + p.x + " referrals, quality " + p.y.toFixed(2);
          } } }
        }
      })
    };
  }

  function trendsPartner(d) {
    var n = d.labels.length;
    function flat(v) { var out = []; for (var i = 0; i < n; i++) out.push(v); return out; }
    return {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: "Referrals", data: d.referrals, backgroundColor: INK, order: 1 },
          { type: "line", label: "Baseline mean", data: flat(d.mean), borderColor: "#14663f",
            borderDash: [6, 4], pointRadius: 0, fill: false, order: 0 },
          { type: "line", label: "Band high", data: flat(d.high), borderColor: "transparent",
            backgroundColor: BAND, pointRadius: 0, fill: "+1", order: 2 },
          { type: "line", label: "Band low", data: flat(d.low), borderColor: "transparent",
            pointRadius: 0, fill: false, order: 2 }
        ]
      },
      options: Object.assign({}, common, {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: GRID } },
                  x: { grid: { display: false } } },
        plugins: { legend: { labels: { filter: function (item) { return item.text.indexOf("Band") !== 0; } } } }
      })
    };
  }

  function draw() {
    window.chartOn("overview-months-chart", "overview-months-data", overviewMonths);
    window.chartOn("overview-channels-chart", "overview-channels-data", overviewChannels);
    window.chartOn("ranking-scatter-chart", "ranking-scatter-data", rankingScatter);
    window.chartOn("trends-partner-chart", "trends-partner-data", trendsPartner);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
