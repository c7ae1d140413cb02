// The portal's maps (Leaflet). The results map draws the clusters and points that
// /api/v1/map computes on the server for the current view and filters: a browser cannot
// cluster 100,000 points itself in reasonable time. The map is hidden from assistive
// technologies; the list under it is its accessible alternative.
(function () {
  "use strict";
  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  var MAX_ZOOM = 18;

  function background(map, element) {
    // No tile server (or no network): clusters and markers still draw on a blank map.
    if (!element.dataset.tiles) return;
    var credit = document.createElement("span");
    credit.textContent = element.dataset.attribution || "";
    L.tileLayer(element.dataset.tiles, { maxZoom: MAX_ZOOM, attribution: credit.innerHTML }).addTo(map);
  }

  // The map is hidden from assistive technologies (the list is its alternative), so
  // nothing in it may take the keyboard focus either: zoom buttons, credits, popups.
  function outOfTabOrder(element) {
    function update() {
      element.querySelectorAll("a[href], button, input, [tabindex]").forEach(function (node) {
        if (node.getAttribute("tabindex") !== "-1") node.setAttribute("tabindex", "-1");
      });
    }
    update();
    new MutationObserver(update).observe(element, { childList: true, subtree: true });
  }

  function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }

  function viewBox(map) {
    var b = map.getBounds();
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
            clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map(function (n) { return n.toFixed(5); }).join(",");
  }

  function viewText(map) {
    var c = map.getCenter();
    return map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
  }

  function clusterMarker(map, cluster) {
    var size = 28 + Math.min(4, String(cluster.count).length) * 6;
    var marker = L.marker([cluster.center.lat, cluster.center.lon], {
      keyboard: false,
      icon: L.divIcon({ className: "cis-grappe", html: String(cluster.count), iconSize: [size, size] }),
    });
    marker.on("click", function () {
      var b = cluster.bounds;
      map.fitBounds([[b.south, b.west], [b.north, b.east]], { maxZoom: MAX_ZOOM, padding: [20, 20] });
      if (b.south === b.north && b.west === b.east) map.setZoom(map.getZoom() + 2);
    });
    return marker;
  }

  function pointMarker(point) {
    var link = document.createElement("a");
    link.href = "/projets/" + encodeURIComponent(point.id);
    link.textContent = point.title;
    return L.circleMarker([point.location.lat, point.location.lon], {
      radius: 7, className: "cis-point", keyboard: false,
    }).bindPopup(link);
  }

  function resultsMap(element) {
    var map = L.map(element, { maxZoom: MAX_ZOOM, minZoom: 2, keyboard: false });
    background(map, element);
    outOfTabOrder(element);
    var layer = L.layerGroup().addTo(map);
    var pending = null;

    function load() {
      if (pending) pending.abort();
      pending = new AbortController();
      var url = element.dataset.api + "&bbox=" + viewBox(map) + "&zoom=" + map.getZoom();
      element.dataset.state = "loading";
      fetch(url, { signal: pending.signal })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (answer) {
          layer.clearLayers();
          answer.clusters.forEach(function (c) { layer.addLayer(clusterMarker(map, c)); });
          answer.points.forEach(function (p) { layer.addLayer(pointMarker(p)); });
          element.dataset.clusters = answer.clusters.length;
          element.dataset.points = answer.points.length;
          element.dataset.state = "ready";
        })
        .catch(function (error) { if (error.name !== "AbortError") element.dataset.state = "failed"; });
      var address = new URL(window.location.href);
      address.searchParams.set("carte", viewText(map));
      window.history.replaceState(window.history.state, "", address);
    }

    map.on("moveend", load);
    var view = (element.dataset.view || "").split("/");
    var box = (element.dataset.bbox || "").split(",").map(Number);
    if (view.length === 3) map.setView([Number(view[1]), Number(view[2])], Number(view[0]));
    else if (box.length === 4) map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
    else map.fitBounds(FRANCE);

    var narrow = document.getElementById("cis-zone-recherche");
    if (narrow) {
      narrow.hidden = false;
      narrow.addEventListener("click", function () {
        var address = new URL(window.location.href);
        address.searchParams.set("bbox", viewBox(map));
        address.searchParams.set("carte", viewText(map));
        address.searchParams.delete("pages");
        window.location.assign(address);
      });
    }
  }

  function projectMap(element) {
    var here = [Number(element.dataset.lat), Number(element.dataset.lon)];
    var map = L.map(element, { maxZoom: MAX_ZOOM, keyboard: false, scrollWheelZoom: false }).setView(here, 12);
    background(map, element);
    outOfTabOrder(element);
    L.circleMarker(here, { radius: 8, className: "cis-point", keyboard: false }).addTo(map);
    element.dataset.state = "ready";
  }

  function start() {
    var results = document.getElementById("cis-carte");
    if (results && !results.dataset.state) resultsMap(results);
    var project = document.getElementById("cis-carte-projet");
    if (project && !project.dataset.state) projectMap(project);
  }

  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
