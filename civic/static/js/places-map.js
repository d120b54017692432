// 地域資源マップ: draws the places of the page's GeoJSON on a Leaflet map. Without JavaScript,
// or when Leaflet or the GeoJSON cannot be loaded, the map stays hidden and the list below is the
// page. Popups are built from text nodes: place names never become markup.
(function () {
  "use strict";
  var box = document.getElementById("place-map");
  if (!box || !window.L) { return; }
  var settings = JSON.parse(box.dataset.settings);
  var failed = document.getElementById("place-map-failed");
  box.hidden = false;
  var map = L.map(box).setView(settings.center, settings.zoom);
  L.tileLayer(settings.tiles, {maxZoom: settings.maxZoom, attribution: settings.attribution})
    .addTo(map);

  function popup(feature) {
    var wrap = document.createElement("div");
    var link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.name;
    var strong = document.createElement("strong");
    strong.appendChild(link);
    wrap.appendChild(strong);
    ["address", "opening_info"].forEach(function (key) {
      if (feature.properties[key]) {
        var line = document.createElement("div");
        line.textContent = feature.properties[key];
        wrap.appendChild(line);
      }
    });
    return wrap;
  }

  fetch(settings.geojson, {headers: {Accept: "application/geo+json"}})
    .then(function (answer) {
      if (!answer.ok) { throw new Error(answer.status); }
      return answer.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {radius: 8, weight: 2, className: "place-" + feature.properties.category});
        },
        onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature)); }
      }).addTo(map);
      if (collection.features.length) { map.fitBounds(layer.getBounds(), {padding: [20, 20], maxZoom: 16}); }
      box.dataset.ready = String(collection.features.length);
    })
    .catch(function () {
      box.hidden = true;
      if (failed) { failed.hidden = false; }
    });
}());
