/**
 * The HTML TCA report in a real browser (Debian's Chromium through playwright-core): `tributary demo --out` writes
 * report.html, `tributary tca --html --evaluate` writes another with the strategy comparison from `tributary evaluate
 * --json`. Each is loaded from file:// with the network blocked; every chart must have drawn (a uPlot canvas of
 * non-zero size with ink on it, and coloured pixels: its series, not only grey axes), the child-order table must have rows and a total row, and the
 * page must log no console error and throw nothing. A screenshot of each goes to test-artifacts/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const ARTIFACTS = join(ROOT, "test-artifacts");

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`tributary ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

interface ChartCheck {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Pixels with some ink (alpha > 0). */
  readonly inked: number;
  /** Saturated pixels: series and bars (axes, grid and text are grey). */
  readonly coloured: number;
}

async function checkReport(browser: Browser, file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const requests: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  const charts = await page.$$eval(".chart", (elements) =>
    elements.map((el) => {
      const canvas = el.querySelector("canvas");
      const name = el.getAttribute("data-chart") ?? "";
      if (canvas === null) return { name, width: 0, height: 0, inked: 0, coloured: 0 };
      const ctx = canvas.getContext("2d");
      const pixels = ctx === null ? new Uint8ClampedArray() : ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      let coloured = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number, pixels[i + 3]];
        if ((a as number) === 0) continue;
        inked++;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      return { name, width: canvas.width, height: canvas.height, inked, coloured };
    }),
  );
  const childRows = await page.$$eval("#children tbody tr", (rows) => rows.length);
  const total = await page.$eval("#children tfoot", (el) => el.textContent ?? "");
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  await page.close();
  return { charts: charts as ChartCheck[], childRows, total, problems, requests };
}

describe("the HTML TCA report in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-tca-html-"));
  let browser: Browser;

  beforeAll(async () => {
    run("demo", "--minutes", "3", "--seed", "5", "--order-count", "400", "--out", dir);
    const evaluation = run("evaluate", "--seeds", "2", "--window", "2", "--warmup", "1", "--frontier", "1,2", "--json");
    const evalFile = join(dir, "evaluate.json");
    writeFileSync(evalFile, evaluation);
    run("tca", "--db", join(dir, "journal.db"), "--html", join(dir, "compare.html"), "--evaluate", evalFile);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("draws every chart of the demo's report.html, with the child-order table, and no error", async () => {
    const r = await checkReport(browser, join(dir, "report.html"), "tca-report.png");
    expect(r.problems).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.charts.map((c) => c.name)).toEqual(["price", "schedule", "venues", "slippage", "markouts"]);
    for (const c of r.charts) {
      expect(c.width, c.name).toBeGreaterThan(100);
      expect(c.height, c.name).toBeGreaterThan(100);
      expect(c.inked, c.name).toBeGreaterThan(1000);
      expect(c.coloured, `${c.name}: no series drawn`).toBeGreaterThan(50);
    }
    expect(r.childRows).toBeGreaterThan(0);
    expect(r.total).toMatch(/total \/ average/);
  });

  it("adds the strategy comparison chart given evaluate's JSON", async () => {
    const r = await checkReport(browser, join(dir, "compare.html"), "tca-report-evaluate.png");
    expect(r.problems).toEqual([]);
    const evaluate = r.charts.find((c) => c.name === "evaluate");
    expect(evaluate?.coloured).toBeGreaterThan(50);
  });
});
