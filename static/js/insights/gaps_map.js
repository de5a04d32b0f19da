/* The gaps map on real map tiles (Leaflet, vendored): the same bubbles and partner markers as
   the server's SVG drawing, read from the data island #gaps-map-data (json_script):
   {tiles, attribution, nearby_miles, zips: [{zip, lat, lon, r, gap, new_patients,
   partners_nearby}], partners: [{zip, lat, lon, count, names}]}.
   The map is built hidden over the drawing and shown only once a tile has loaded, so that
   offline, or when the tile server fails, the drawing stays. The gaps carry their ZIP; the
   map's own place names locate the rest, whose ZIP shows on hover. */
(function () {
  "use strict";

  var BLUE = "#1d4f91", RED = "#a8231a", INK = "#1f2933";

  function popup(title, lines) {
    var box = document.createElement("div");
    box.className = "gaps-popup";
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = title;
    head.appendChild(strong);
    box.appendChild(head);
    lines.forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function plural(n, word) {
    return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s");
  }

  function zipBubble(z, miles) {
    var colour = z.gap ? RED : BLUE;
    var bubble = L.circleMarker([z.lat, z.lon], {
      radius: z.r, color: colour, weight: 1, fillColor: colour, fillOpacity: z.gap ? 0.45 : 0.35
    });
    var nearby = z.partners_nearby === null ? "Active partners within " + miles + " miles: unknown"
      : plural(z.partners_nearby, "active partner") + " within " + miles + " miles";
    var lines = [plural(z.new_patients, "new patient"), nearby];
    if (z.gap) lines.push("A gap: no active partner nearby.");
    bubble.bindPopup(popup("ZIP " + z.zip, lines));
    bubble.bindTooltip("ZIP " + z.zip, {
      permanent: z.gap, direction: "right", offset: [z.r, 0],
      className: z.gap ? "gaps-tip gaps-tip--gap" : "gaps-tip"
    });
    return bubble;
  }

  function partnerMarker(p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 4, color: "#ffffff", weight: 1.5, fillColor: INK, fillOpacity: 1
    });
    var lines = p.names.slice();
    if (p.count > p.names.length) lines.push("and " + (p.count - p.names.length) + " more");
    marker.bindPopup(popup(plural(p.count, "active partner") + " in ZIP " + p.zip, lines));
    marker.bindTooltip("Partners in ZIP " + p.zip);
    return marker;
  }

  function build(holder, data) {
    var figure = holder.closest(".gaps-map");
    var places = data.zips.concat(data.partners);
    var map = L.map(holder, { scrollWheelZoom: false, zoomSnap: 0.25 });
    map.fitBounds(places.map(function (p) { return [p.lat, p.lon]; }),
                  { padding: [24, 24], maxZoom: 12 });
    var tiles = L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 });
    tiles.once("tileload", function () {
      figure.dataset.map = "tiles";
      map.invalidateSize();
    });
    tiles.addTo(map);
    data.zips.forEach(function (z) { zipBubble(z, data.nearby_miles).addTo(map); });
    data.partners.forEach(function (p) { partnerMarker(p).addTo(map); });
  }

  function start() {
    var source = document.getElementById("gaps-map-data");
    var holder = document.getElementById("gaps-leaflet");
    if (!source || !holder || !window.L) return;
    var data = JSON.parse(source.textContent);
    if (data.tiles && (data.zips.length || data.partners.length)) build(holder, data);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
