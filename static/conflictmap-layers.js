/* conflictmap: draws the event layers sent by conflictmap/maplayers.py (EventLayer, GridLayer).
 *
 * Loaded once per map iframe from /app/static (the browser caches it), so a slider move sends only
 * the data: per event its id, position, status, day, halo radius and relation code. Text arrives
 * HTML-escaped by the server (conflictmap.text.escape); Leaflet tooltips show it as text.
 */
(function () {
  'use strict';

  function day(n) { return new Date(n * 864e5).toISOString().slice(0, 10); }

  // The bounds of the whole selection, for the map's "Fit all" button (ViewControl in maplayers.py).
  function setFit(fit) {
    window.cmFit = fit || null;
    if (window.cmFitButton) { window.cmFitButton.disabled = !window.cmFit; }
  }

  window.cmDrawEvents = function (group, D, colours, labels) {  // colours, labels: per status code
    function tag(layer, i) { layer.feature = {type: 'Feature', properties: {id: D.id[i]}}; return layer; }
    function tip(layer, i) {
      layer.bindTooltip(function () {
        return D.title ? D.title[i] + ' · ' + day(D.d[i])
                       : D.id[i] + ' · ' + day(D.d[i]) + ' · ' + labels[D.s[i]] + ' (click for the claims)';
      }, {direction: 'top', sticky: true});
    }
    for (var i = 0; i < D.id.length; i++) {
      var c = colours[D.s[i]];
      var sel = D.id[i] === D.selected;
      if (D.h[i] > 0) {
        L.circle([D.lat[i], D.lon[i]], {radius: D.h[i], color: c, weight: 1, dashArray: '4 4',
          fillColor: c, fillOpacity: 0.10, opacity: 0.7, interactive: false}).addTo(group);
      }
      var pts = D.p[i];
      if (pts) {
        var line = tag(L.polyline(pts, {color: c, weight: sel ? 5 : 3, opacity: 0.85,
                                        dashArray: D.r[i] === 2 ? '6 6' : null}), i);
        tip(line, i);
        line.addTo(group);
        if (D.r[i] === 3 && window.cmArrows) { window.cmArrows(group, pts); }
      }
      var m = tag(L.circleMarker([D.lat[i], D.lon[i]], {radius: sel ? 11 : 7, color: sel ? '#000' : '#222',
        weight: sel ? 3 : 1, fillColor: c, fillOpacity: 0.9, className: 'cm-event'}), i);
      tip(m, i);
      m.addTo(group);
    }
    window.cmEventCount = D.id.length;
    window.cmLayerMode = 'events';
    setFit(D.fit);
  };

  window.cmDrawGrid = function (group, G, colours) {
    var total = 0;
    for (var i = 0; i < G.n.length; i++) {
      total += G.n[i];
      var r = 5 + 3 * Math.log2(G.n[i]);
      var m = L.circleMarker([G.lat[i], G.lon[i]], {radius: r, color: '#333', weight: 1,
        fillColor: colours[G.s[i]], fillOpacity: 0.55, className: 'cm-cell'});
      m.bindTooltip(G.n[i].toLocaleString() + ' events (click to zoom in)', {direction: 'top'});
      m.on('click', function (e) {
        var map = group._map; map.setView(e.latlng, Math.min(map.getZoom() + 2, 14));
      });
      m.addTo(group);
    }
    window.cmEventCount = total;
    window.cmLayerMode = 'grid';
    setFit(G.fit);
  };
})();
