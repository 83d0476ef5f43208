// The map's geography: Natural Earth country shapes (world-atlas countries-50m, bundled),
// region cells cut to their own country, and the Suwałki corridor measured from the same
// shapes. Polygon intersection is polygon-clipping's (npm), in projected screen coordinates.
import * as d3 from "d3";
import * as topojson from "topojson-client";
import world from "world-atlas/countries-50m.json";
import polygonClipping from "polygon-clipping";

export const countries = topojson.feature(world, world.objects.countries);
export const borders = topojson.mesh(world, world.objects.countries, (a, b) => a !== b);

// ISO 3166-1 alpha-2 codes of the scenarios (`country:` of a region) to Natural Earth names.
const NATURAL_EARTH_NAME = {
  PL: "Poland",
  LT: "Lithuania",
  LV: "Latvia",
  EE: "Estonia",
  BY: "Belarus",
  RU: "Russia",
  UA: "Ukraine",
  DE: "Germany",
  FI: "Finland",
  SE: "Sweden",
};
export const countryName = (code) => NATURAL_EARTH_NAME[String(code ?? "").toUpperCase()] ?? null;

const EARTH_RADIUS_KM = 6371.0088;

function feature(name) {
  return countries.features.find((f) => f.properties.name === name) ?? null;
}

// A feature's polygons as a polygon-clipping MultiPolygon in screen coordinates, cut to the
// rectangle [x0, y0, x1, y1] first so that later intersections stay small.
function projectedShape(f, projection, rect) {
  if (!f) return null;
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const [x0, y0, x1, y1] = rect;
  // Polygons wholly outside the rectangle (Russia's far east) are dropped before clipping.
  const shape = polys
    .map((rings) => rings.map((ring) => ring.map((p) => projection(p))))
    .filter((rings) => {
      const xs = rings[0].map((p) => p[0]);
      const ys = rings[0].map((p) => p[1]);
      return Math.max(...xs) >= x0 && Math.min(...xs) <= x1 && Math.max(...ys) >= y0 && Math.min(...ys) <= y1;
    });
  if (!shape.length) return [];
  const box = [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ];
  return polygonClipping.intersection(shape, box);
}

function circle(cx, cy, r, n = 48) {
  const ring = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    ring.push([cx + r * Math.cos(t), cy + r * Math.sin(t)]);
  }
  ring.push(ring[0]);
  return [ring];
}

export function pathOf(multiPolygon) {
  return multiPolygon
    .flatMap((poly) => poly.map((ring) => `M${ring.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join("L")}Z`))
    .join("");
}

// Region cells: for each country, the Voronoi cells of that country's region centres, each
// cut to a disc of `radius` px around its centre and to the country's shape, so that a cell
// never reaches over a border or into the sea. Regions whose country Natural Earth does not
// know (test scenarios) are cut to the disc only; the map clips those to land.
export function regionCells(regions, pts, projection, radius, extent) {
  const [width, height] = extent;
  const rect = [-radius, -radius, width + radius, height + radius];
  const shapes = new Map();
  const shapeOf = (code) => {
    const name = countryName(code);
    if (!name) return null;
    if (!shapes.has(name)) shapes.set(name, projectedShape(feature(name), projection, rect));
    return shapes.get(name);
  };
  const groups = d3.group(
    regions.map((r, i) => i),
    (i) => countryName(regions[i].country) ?? `?${regions[i].country}`,
  );
  const cells = new Array(regions.length).fill(null);
  for (const members of groups.values()) {
    const voronoi = d3.Delaunay.from(members.map((i) => pts[i])).voronoi(rect);
    members.forEach((i, k) => {
      const cell = voronoi.cellPolygon(k);
      if (!cell) return;
      let shape = polygonClipping.intersection([cell], circle(pts[i][0], pts[i][1], radius));
      const country = shapeOf(regions[i].country);
      if (country) shape = polygonClipping.intersection(shape, country);
      cells[i] = { shape, clipped: !!country };
    });
  }
  return cells;
}

function nearestPair(a, b) {
  let best = { km: Infinity, a: null, b: null };
  for (const p of a)
    for (const q of b) {
      const km = d3.geoDistance(p, q) * EARTH_RADIUS_KM;
      if (km < best.km) best = { km, a: p, b: q };
    }
  return best;
}

// The Suwałki corridor from the Natural Earth shapes: the Polish–Lithuanian border (the
// segment between Belarus and Kaliningrad) with its length, and the gap's width, the shortest
// distance between Belarus and Kaliningrad oblast (about 65 km: Wikipedia, "Suwałki Gap").
export function suwalkiCorridor() {
  const border = topojson.mesh(world, world.objects.countries, (a, b) => {
    const names = [a.properties?.name, b.properties?.name].sort().join("|");
    return names === "Lithuania|Poland";
  });
  const russia = feature("Russia");
  const belarus = feature("Belarus");
  if (!border.coordinates.length || !russia || !belarus) return null;
  const kaliningrad = russia.geometry.coordinates.find((rings) => d3.geoContains({ type: "Polygon", coordinates: rings }, [20.5, 54.7]));
  if (!kaliningrad) return null;
  // Only the vertices near the border can be nearest; this keeps the search small.
  const near = (p) => p[0] > 20 && p[0] < 26.5 && p[1] > 52.5 && p[1] < 55.5;
  const points = (g) => (g.type === "Polygon" ? g.coordinates.flat() : g.coordinates.flat(2));
  const belarusPoints = points(belarus.geometry).filter(near);
  const kaliningradPoints = kaliningrad.flat().filter(near);
  const gap = nearestPair(belarusPoints, kaliningradPoints);
  if (!gap.a) return null;
  return {
    border,
    borderKm: d3.geoLength(border) * EARTH_RADIUS_KM,
    gapKm: gap.km,
    gapFrom: gap.a,
    gapTo: gap.b,
  };
}
