// Browser test of `dateline serve`: builds a store from articles.jsonl (written for this test),
// starts the server on loopback, drives Debian's chromium with playwright-core, and checks the
// filter bar, the evidence view, the article view and that hostile article text renders as
// text. Saves a screenshot. Prints "N passed, N failed" and exits non-zero on failure.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.DATELINE_BIN || path.join(root, "target/release/dateline");
const outDir = process.env.BROWSER_OUT || path.join(root, "target/browser");
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), "dateline-browser-"));
const db = path.join(work, "test.db");
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail !== undefined ? ": " + detail : ""}`); }
}

const ing = spawnSync(bin, ["ingest", "-q", "--db", db, path.join(here, "articles.jsonl")], { encoding: "utf8" });
check("ingest test articles", ing.status === 0, ing.stderr);

const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ["serve", "--db", db, "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", "inherit", "inherit"] });
let browser;
const deadline = Date.now() + 30000;
try {
  for (;;) {
    try { const r = await fetch(base + "/api/stats"); if (r.ok) break; } catch {}
    if (Date.now() > deadline) throw new Error("server did not start");
    await new Promise(r => setTimeout(r, 100));
  }
  // API guards, checked over HTTP.
  const get = async (p, init) => { const r = await fetch(base + p, init); return [r.status, await r.text(), r.headers]; };
  let [st, body, hd] = await get("/api/events?actor=" + encodeURIComponent("' OR 1=1 --"));
  check("hostile actor is data, not SQL", st === 200 && JSON.parse(body).events.length === 0, body);
  [st, body] = await get("/api/events?q=" + encodeURIComponent('") OR 1 --'));
  check("hostile full-text query is inert", st === 200, body);
  [st] = await get("/api/events?from=" + encodeURIComponent("2020'; DROP TABLE events;--"));
  check("bad date is a 400", st === 400);
  [st] = await get("/api/events?limit=1000000");
  check("huge limit is capped, not refused", st === 200);
  [st] = await get("/api/events?offset=999999999");
  check("deep offset refused", st === 400);
  [st] = await get("/api/events?q=" + "a".repeat(3000));
  check("long URI refused", st === 414);
  [st] = await get("/api/events", { method: "POST", body: "x" });
  check("POST refused (read-only)", st === 405);
  [st, body, hd] = await get("/");
  check("CSP header without inline scripts", (hd.get("content-security-policy") || "").includes("script-src 'self'"));
  [st, body] = await get("/openapi.json");
  check("openapi.json", st === 200 && JSON.parse(body).openapi.startsWith("3."));
  [st, body] = await get("/api/events?limit=500");
  const total = JSON.parse(body).events.length;
  check("events stored", total > 5, total);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const dialogs = [];
  page.on("dialog", d => { dialogs.push(d.message()); d.dismiss(); });
  const external = [];
  page.on("request", r => { if (!r.url().startsWith(base)) external.push(r.url()); });
  await page.goto(base + "/");
  await page.waitForSelector("#events tbody tr");
  const rows0 = await page.locator("#events tbody tr").count();
  check("event table filled", rows0 > 0, rows0);
  check("timeline drawn", (await page.locator("#timeline rect").count()) > 0);
  check("network drawn", (await page.locator("#network line").count()) > 0);
  check("map drawn with places", (await page.locator("#map circle").count()) > 0);

  // Use a filter: material conflict only.
  await page.selectOption("#f-quad", "4");
  await page.click("#apply");
  await page.waitForFunction(() => [...document.querySelectorAll("#events tbody tr td:nth-child(6)")].every(td => td.textContent === "4"));
  const quads = await page.locator("#events tbody tr td:nth-child(6)").allTextContents();
  check("QuadClass filter applied", quads.length > 0 && quads.length < rows0 && quads.every(q => q === "4"), quads.join(","));

  // Open an event: its evidence sentence with source, predicate and target marked.
  await page.locator("#events tbody tr").first().click();
  await page.waitForSelector("#detail .evidence mark.predicate");
  const marks = await page.locator("#detail .evidence mark").evaluateAll(ms => ms.map(m => m.className));
  check("evidence marks source, predicate, target", ["source", "predicate", "target"].every(k => marks.includes(k)), marks.join(","));

  // The hostile article, found by full-text search, renders as text.
  await page.selectOption("#f-quad", "");
  await page.fill("#f-q", "onerror");
  await page.click("#apply");
  await page.waitForFunction(() => document.querySelectorAll("#events tbody tr").length > 0 && document.querySelector("#count").textContent !== "");
  await page.locator("#events tbody tr").first().click();
  await page.waitForSelector("#open-article");
  await page.click("#open-article");
  await page.waitForSelector("#article .text");
  const text = await page.locator("#article .text").textContent();
  const title = await page.locator("#article .title").textContent();
  check("article shows <script> as text", text.includes("<script>window.__xss_script=1</script>"), text.slice(0, 120));
  check("article shows \"><img onerror as text", text.includes('"><img src=x onerror="window.__xss_img=1">'));
  check("hostile title shown as text", title.includes("<script>") && title.includes("onerror"), title);
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll("main img").length,
    scripts: document.querySelectorAll("main script").length,
    flags: [window.__xss_title, window.__xss_script, window.__xss_img].filter(x => x !== undefined).length,
  }));
  check("no element or script injected", injected.imgs === 0 && injected.scripts === 0 && injected.flags === 0, JSON.stringify(injected));
  check("article marks actors, dates and places", (await page.locator("#article mark.actor").count()) > 0
    && (await page.locator("#article mark.time").count()) > 0 && (await page.locator("#article mark.place").count()) > 0);
  check("no dialogs opened", dialogs.length === 0, dialogs.join(";"));
  check("no request left loopback", external.length === 0, external.join(" "));
  const shot = path.join(outDir, "screenshot.png");
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // Deep link to the article also works.
  await page.goto(base + "/#article=xss-article");
  await page.waitForSelector("#article .text");
  check("deep link opens article", (await page.locator("#article .title").textContent()).includes("Hostile headline"));
} catch (e) {
  check("browser test ran to the end", false, e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
