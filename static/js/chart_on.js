/* One way to draw a chart, for charts.js and insights/partner_charts.js: on the <canvas>
   `canvasId`, from the JSON data island `dataId` beside it (json_script), where the page has
   both and Chart.js is loaded; `build` turns the data into the chart's configuration. */
window.chartOn = function (canvasId, dataId, build) {
  "use strict";
  var canvas = document.getElementById(canvasId);
  var node = document.getElementById(dataId);
  var d = node ? JSON.parse(node.textContent) : null;
  if (!canvas || !d || !window.Chart) return;
  new window.Chart(canvas, build(d));
};
