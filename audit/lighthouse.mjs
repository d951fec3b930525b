// Lighthouse runs for audit/run.py, in one Node process driving one Chromium for the whole audit: starting
// Node, loading Lighthouse and launching Chromium again for every run cost seconds a run.
// One job per line on stdin (JSON: url, cookie, out, categories); one line per job on stdout (JSON: the
// categories' scores, or an error). The report itself is written to `out`.
import {writeFileSync} from 'node:fs';
import {createInterface} from 'node:readline';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null});
const page = await browser.newPage();
const cdp = await page.createCDPSession();

// Audits that weigh nothing in any score: the back/forward cache check navigates away and back, and the
// screenshots are for a person reading the report, which the scores and the failing audits are not.
const SKIPPED = ['bf-cache', 'screenshot-thumbnails', 'final-screenshot'];

// On a page that never goes quiet (the live agenda polls), Lighthouse stops waiting at maxWaitForLoad but
// its quiet-check can still fire once the run is over and fail on the closed session. In this long-lived
// process that stray rejection would end the audit; the run it belonged to has already answered.
process.on('unhandledRejection', (error) => {
  process.stderr.write(`lighthouse.mjs: ignored after its run: ${error?.message || error}\n`);
});

async function run({url, cookie, out, categories}) {
  // Each run is one person's first visit: Lighthouse empties the caches but keeps cookies, so a session
  // cookie another role's page set would travel beside this run's own (sent as a header) and win.
  await cdp.send('Network.clearBrowserCookies');
  const result = await lighthouse(url, {
    output: 'json',
    logLevel: 'error',
    onlyCategories: categories,
    skipAudits: SKIPPED,
    disableFullPageScreenshot: true,
    extraHeaders: cookie ? {Cookie: cookie} : {},
    // The live agenda polls every few seconds, so the network is never quiet for as long as Lighthouse
    // waits for: without a cap each run idles to its 45 s default.
    maxWaitForLoad: 15000,
  }, undefined, page);
  writeFileSync(out, result.report);
  const scores = {};
  for (const [name, category] of Object.entries(result.lhr.categories)) {
    scores[name] = Math.round(100 * (category.score ?? 0));
  }
  return scores;
}

try {
  for await (const line of createInterface({input: process.stdin})) {
    if (!line.trim()) continue;
    let answer;
    try {
      answer = {scores: await run(JSON.parse(line))};
    } catch (error) {
      answer = {error: String(error?.stack || error)};
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
} finally {
  await browser.disconnect();
  await chrome.kill();
}
