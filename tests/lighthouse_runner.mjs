// Lighthouse over several pages with one Chromium: tests/lighthouse.py runs it as
//   node tests/lighthouse_runner.mjs REQUESTS.json
// where REQUESTS.json is {"chrome": path, "flags": [...], "categories": [...], "pages": [[url, report path], ...]}.
// Chromium is started by chrome-launcher with the flags the lighthouse CLI gives it, and each page is scored by the
// pinned lighthouse package's Node API as its CLI scores it (storage reset before each page); its JSON report is
// written to its path. One browser and one Node start-up for all the pages, instead of one each (about 4 s a page
// on a 2-core machine); the full-page screenshot, which no score uses, is not taken.
import { readFileSync, writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const requests = JSON.parse(readFileSync(process.argv[2], "utf8"));
const chrome = await chromeLauncher.launch({ chromePath: requests.chrome, chromeFlags: requests.flags });
try {
  for (const [url, report] of requests.pages) {
    const result = await lighthouse(url, {
      port: chrome.port, output: "json", logLevel: "error", onlyCategories: requests.categories,
      disableFullPageScreenshot: true,
    });
    writeFileSync(report, result.report);
  }
} finally {
  await chrome.kill();
}
