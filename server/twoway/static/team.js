/* The team dashboard's charts: figures built on the server with plotly (team.py), drawn here by
   plotly.js (served from the plotly package at /team/plotly.min.js). */
(function () {
  "use strict";
  var data = document.getElementById("team-charts");
  if (!data || typeof Plotly === "undefined") return;
  var charts = JSON.parse(data.textContent);
  var config = { displaylogo: false, responsive: true };
  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (el) Plotly.newPlot(el, chart.figure.data, chart.figure.layout, config);
  });
  document.documentElement.dataset.chartsDrawn = String(charts.length);
})();
