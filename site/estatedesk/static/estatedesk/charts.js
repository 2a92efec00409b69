// Draws every <figure data-chart> of the page with the vendored Apache ECharts.
// The figure carries its data in a <script type="application/json"> (no inline code, so the
// CSP holds) and the same numbers in a table for screen readers and for printing.
(function () {
  "use strict";
  function draw(figure) {
    var data = JSON.parse(figure.querySelector("script[type='application/json']").textContent);
    var canvas = figure.querySelector("[data-chart-canvas]");
    var chart = window.echarts.init(canvas, null, { renderer: "svg" });
    var series = data.series.map(function (s) {
      return {
        name: s.name, type: data.kind || "line", data: s.data, smooth: false, connectNulls: false,
        markLine: s.target == null ? undefined : {
          symbol: "none", silent: true, lineStyle: { type: "dashed" },
          data: [{ yAxis: s.target, name: data.target_label || "" }],
        },
      };
    });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 32, bottom: 28, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", max: data.max == null ? undefined : data.max, min: data.min == null ? undefined : data.min },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function drawAll() {
    if (!window.echarts) { return; }
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
