(function () {
  "use strict";
  var node = document.getElementById("compare-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var basicEl = document.getElementById("chart-basic");
  if (basicEl) {
    var bar = echarts.init(basicEl);
    bar.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["基本支出", "项目支出"] },
      grid: { left: 80, right: 20, bottom: 70 },
      xAxis: { type: "category", data: data.departments, axisLabel: { interval: 0, width: 160, overflow: "break" } },
      yAxis: { type: "value", name: "万元" },
      series: [
        { name: "基本支出", type: "bar", stack: "total", data: data.basic },
        { name: "项目支出", type: "bar", stack: "total", data: data.project }
      ]
    });
    window.addEventListener("resize", function () { bar.resize(); });
  }
  var treeEl = document.getElementById("chart-treemap");
  if (treeEl) {
    var tree = echarts.init(treeEl);
    tree.setOption({
      tooltip: { formatter: function (info) { return echarts.format.encodeHTML(info.name) + "：" + info.value + " 万元"; } },
      series: [{
        type: "treemap", name: "全部", data: data.treemap, leafDepth: 2, roam: false,
        label: { show: true, formatter: "{b}" },
        upperLabel: { show: true, height: 24 },
        levels: [
          { itemStyle: { borderColor: "#fff", borderWidth: 4, gapWidth: 4 } },
          { itemStyle: { borderColor: "#e4e7ec", borderWidth: 2, gapWidth: 1 } }
        ]
      }]
    });
    window.addEventListener("resize", function () { tree.resize(); });
    treeEl.setAttribute("data-ready", "1");
  }
})();
