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

  // Events at one spot fan out around it (a "spider"): each keeps a marker of its own, so every event
  // is one click away, and a count badge at the hub says how many share the place. The ring is in
  // screen pixels, recomputed after each zoom; lines, routes and halos keep the true position.
  function spread(group, items) {
    var map = group._map;
    if (!map || !items.length) { return; }
    items.forEach(function (it) {
      var n = it.markers.length;
      var r = Math.max(20, n * 20 / (2 * Math.PI));
      var hub = map.latLngToLayerPoint(it.at), pts = [];
      for (var k = 0; k < n; k++) {
        var a = -Math.PI / 2 + 2 * Math.PI * k / n;
        var ll = map.layerPointToLatLng(L.point(hub.x + r * Math.cos(a), hub.y + r * Math.sin(a)));
        it.markers[k].setLatLng(ll);
        pts.push(ll);
      }
      it.legs.forEach(function (leg, k) { leg.setLatLngs([it.at, pts[k]]); });
    });
  }

  window.cmDrawEvents = function (group, D, colours, labels) {  // colours, labels: per status code
    function tag(layer, i) { layer.feature = {type: 'Feature', properties: {id: D.id[i]}}; return layer; }
    function tip(layer, i) {
      layer.bindTooltip(function () {
        return D.title ? D.title[i] + ' · ' + day(D.d[i])
                       : D.id[i] + ' · ' + day(D.d[i]) + ' · ' + labels[D.s[i]] + ' (click for the claims)';
      }, {direction: 'top', sticky: true});
    }
    // Group the markers by position (to about 10 m): a group of more than one is fanned out.
    var spots = {}, order = [];
    for (var j = 0; j < D.id.length; j++) {
      var k = D.lat[j].toFixed(4) + ',' + D.lon[j].toFixed(4);
      if (!spots[k]) { spots[k] = []; order.push(k); }
      spots[k].push(j);
    }
    var fans = [];
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
    }
    order.forEach(function (k) {
      var idx = spots[k], at = L.latLng(D.lat[idx[0]], D.lon[idx[0]]), fan = {at: at, markers: [], legs: []};
      // Selected last: drawn on top.
      idx.sort(function (a, b) { return (D.id[a] === D.selected) - (D.id[b] === D.selected); });
      idx.forEach(function (i) {
        var sel = D.id[i] === D.selected;
        if (idx.length > 1) {
          fan.legs.push(L.polyline([at, at], {color: '#333', weight: 1, opacity: 0.7, interactive: false})
            .addTo(group));
        }
        var m = tag(L.circleMarker(at, {radius: sel ? 11 : 7, color: sel ? '#000' : '#222',
          weight: sel ? 3 : 1, fillColor: colours[D.s[i]], fillOpacity: 0.9, className: 'cm-event'}), i);
        m.options.cmAt = [D.lat[i], D.lon[i]];
        tip(m, i);
        m.addTo(group);
        fan.markers.push(m);
      });
      if (idx.length > 1) {
        L.marker(at, {interactive: false, keyboard: false, icon: L.divIcon({className: 'cm-stack',
          iconSize: [18, 18], html: String(idx.length)})}).addTo(group);
        fans.push(fan);
      }
    });
    if (fans.length) {
      var redo = function () { spread(group, fans); };
      if (group._map) { redo(); } else { group.once('add', redo); }
      var map = group._map || null;
      var hook = function (m) {
        if (window.cmSpreadOff) { m.off('zoomend viewreset', window.cmSpreadOff); }
        window.cmSpreadOff = redo;
        m.on('zoomend viewreset', redo);
      };
      if (map) { hook(map); } else { group.once('add', function () { hook(group._map); }); }
    }
    window.cmStacks = fans.length;
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
