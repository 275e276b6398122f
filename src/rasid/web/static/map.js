/* The map page: an offline basemap shipped with Rasid, and the located events of the filters.
   Text from the store is only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("page-data").textContent || "{}");
  var lang = document.documentElement.lang === "ar" ? "ar" : "en";
  var status = document.getElementById("map-status");
  var strings = {};

  function t(key, values) {
    var text = strings[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }

  var map = L.map("map", {
    zoomSnap: 0.5, minZoom: 2, maxZoom: 13, maxBounds: [[-85, -200], [85, 200]], worldCopyJump: false
  }).setView([33.2, 42.5], 5);
  map.attributionControl.setPrefix("<span translate=\"no\">Leaflet</span>");

  function countryStyle(feature) {
    var p = feature.properties;
    if (p.kind === "river") { return { color: "#5b9bd5", weight: 1.3, opacity: 0.9 }; }
    if (p.kind === "neighbor") {
      return { color: "#b9bcc0", weight: 0.6, fillColor: "#e6e6e1", fillOpacity: 1 };
    }
    var focus = p.iso === "IQ" || p.iso === "SY" || p.iso === "JO";
    return { color: "#7d8a99", weight: focus ? 1.4 : 0.9, fillColor: focus ? "#f7f2e3" : "#ece8dc",
             fillOpacity: 1 };
  }

  function placeName(p) { return (lang === "ar" && p.name_ar) ? p.name_ar : p.name; }

  // Numbers as the page writes them: Arabic-Indic digits and separators on Arabic pages.
  function num(value) {
    var text = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (lang !== "ar") { return text; }
    return text.replace(/,/g, "\u066c").replace(/\./g, "\u066b").replace(/[0-9]/g, function (d) {
      return String.fromCharCode(0x0660 + Number(d));
    });
  }

  // a date as the reader of the page writes it: "٢٨ يناير ٢٠٢٤" on Arabic pages
  function readableDate(iso) {
    if (!iso) return "?";
    var parts = String(iso).slice(0, 10).split("-");
    if (lang !== "ar" || typeof Intl === "undefined" || parts.length < 2) return digits(iso);
    var when = new Date(Date.UTC(+parts[0], +parts[1] - 1, parts[2] ? +parts[2] : 1));
    var shape = parts.length > 2
      ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }
      : { month: "long", year: "numeric", timeZone: "UTC" };
    try {
      return digits(new Intl.DateTimeFormat("ar", shape).format(when));
    } catch (e) {
      return digits(iso);
    }
  }

  function digits(text) {
    return lang === "ar" ? String(text).replace(/[0-9]/g, function (d) {
      return String.fromCharCode(0x0660 + Number(d));
    }) : String(text);
  }

  // An event's place on Arabic pages: the knowledge base's Arabic name (sent with the page),
  // else the English one, marked as a name not to translate.
  function eventPlace(ev, node) {
    var arabic = lang === "ar" && (page.places || {})[ev.place_id || ev.place_name];
    node.textContent = arabic ? digits(arabic) : (ev.place_name || "");
    if (lang === "ar" && !arabic && ev.place_name) {
      node.setAttribute("translate", "no");
      node.className += " ext";
      node.setAttribute("dir", "ltr");
    }
  }

  function addWorld() {
    // Natural Earth's countries (public domain), simplified: the sea is the map's background
    return fetch("/static/basemap/world.geojson").then(function (r) { return r.json(); })
      .then(function (fc) {
        L.geoJSON(fc, {
          style: function () {
            return { color: "#b9bcc0", weight: 0.6, fillColor: "#e6e6e1", fillOpacity: 1 };
          },
          interactive: false
        }).addTo(map);
      });
  }

  function addBasemap() {
    return fetch("/static/basemap/region.geojson").then(function (r) { return r.json(); })
      .then(function (fc) {
        L.geoJSON(fc, {
          style: countryStyle,
          interactive: false,
          onEachFeature: function (feature, layer) {
            if (feature.properties.kind === "country" && ["BH", "PS", "QA"].indexOf(feature.properties.iso) < 0) {
              layer.bindTooltip(placeName(feature.properties), {
                permanent: true, direction: "center", className: "place-label", interactive: false
              });
            }
          }
        }).addTo(map);
        map.attributionControl.addAttribution(t("map.basemap"));
      });
  }

  function addPlaces() {
    return fetch("/static/basemap/places.geojson").then(function (r) { return r.json(); })
      .then(function (fc) {
        L.geoJSON(fc, {
          pointToLayer: function (feature, latlng) {
            var base = feature.properties.kind === "base";
            return L.circleMarker(latlng, {
              radius: base ? 3 : 2.5, color: base ? "#4a5a6a" : "#6b7785", weight: 1,
              fillColor: base ? "#ffffff" : "#6b7785", fillOpacity: 1
            }).bindTooltip(placeName(feature.properties), { direction: "top" });
          }
        }).addTo(map);
      });
  }

  function popupFor(group) {
    var box = document.createElement("div");
    var head = document.createElement("div");
    head.className = "popup-place";
    eventPlace(group.items[0], head);
    box.appendChild(head);
    var list = document.createElement("ul");
    list.className = "popup-list";
    group.items.slice(0, 12).forEach(function (ev) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/events/" + encodeURIComponent(ev.id);
      a.textContent = readableDate(ev.date) + " · " + (lang === "ar" ? t("type." + ev.type) : (ev.summary || ev.type));
      a.setAttribute("dir", "auto");
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (group.items.length > 12) {
      var more = document.createElement("div");
      more.className = "muted";
      more.textContent = t("map.more", { n: num(group.items.length - 12) });
      box.appendChild(more);
    }
    return box;
  }

  // Every located event of the filters, a thousand a request, clustered as the map zooms out.
  function fetchAll(url, offset, items) {
    return fetch(url + "&offset=" + offset, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        items = items.concat(data.items || []);
        if (status) { status.textContent = t("map.loading", { n: num(items.length), total: num(data.total) }); }
        if ((data.items || []).length && items.length < data.total) {
          return fetchAll(url, offset + data.items.length, items);
        }
        return items;
      });
  }

  function addEvents() {
    return fetchAll(page.api, 0, []).then(function (items) {
        var groups = {};
        items.forEach(function (ev) {
          if (ev.lat === null || ev.lon === null) { return; }
          var key = ev.lat.toFixed(3) + "," + ev.lon.toFixed(3);
          if (!groups[key]) {
            groups[key] = { lat: ev.lat, lon: ev.lon, place: ev.place_name || "", items: [] };
          }
          groups[key].items.push(ev);
        });
        var cluster = L.markerClusterGroup({
          showCoverageOnHover: false, maxClusterRadius: 45,
          iconCreateFunction: function (c) {
            var n = 0;
            c.getAllChildMarkers().forEach(function (m) { n += m.options.count || 1; });
            var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
            return L.divIcon({
              html: "<div><span>" + num(n) + "</span></div>",
              className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40)
            });
          }
        });
        var markers = [];
        Object.keys(groups).forEach(function (key) {
          var g = groups[key];
          var counts = {};
          g.items.forEach(function (ev) { counts[ev.type] = (counts[ev.type] || 0) + 1; });
          var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0];
          var marker = L.circleMarker([g.lat, g.lon], {
            radius: 5 + Math.min(14, Math.sqrt(g.items.length) * 2.5),
            color: "#ffffff", weight: 1.5, fillColor: (page.colors || {})[top] || "#c0392b",
            fillOpacity: 0.85, className: "event-marker", count: g.items.length
          }).bindPopup(popupFor(g));
          cluster.addLayer(marker);
          markers.push(marker);
        });
        map.addLayer(cluster);
        var box = document.getElementById("map");
        box.setAttribute("data-markers", String(markers.length));
        box.setAttribute("data-events", String(items.length));
        if (status && page.total) { status.textContent = t("map.located", { total: num(items.length) }); }
        if (markers.length) {
          map.fitBounds(L.featureGroup(markers).getBounds(), { maxZoom: 7, padding: [40, 40] });
        } else if (status) {
          status.textContent = t("map.none");
        }
      });
  }

  fetch("/static/i18n.json").then(function (r) { return r.json(); })
    .then(function (all) { strings = all[lang] || all.en; })
    .then(addWorld)
    .then(addBasemap)
    .then(addPlaces)
    .then(addEvents)
    .catch(function (err) {
      if (status) { status.textContent = String(err); }
    });
})();
