// Watches one VM's row on the front's list in headless Chromium (driven by
// playwright-core) while that VM starts: prints each state the page shows for
// it, with the seconds since the page opened, keeps a screenshot of the first
// moment the row shows a state other than ready (the VM still booting beside
// the others), and stops once the row says ready.
//   node front_watch.js URL VM SCREENSHOT.png
// URL is the front's list, with its user:password (http://user:password@host:port/).
// Lines: `state VM STATE SECONDS` for each change (`absent` while the VM is not
// listed), then `screenshot PATH STATE` and `ready VM SECONDS`.
'use strict';

const { chromium } = require('playwright-core');
const { chromiumPath, chromiumFlags, contextOptions } = require('./chromium');

const WATCH_LIMIT_MS = 900000; // a hang guard for the VM's start, not a measurement
const LOOK_EVERY_MS = 100;

const [url, vm, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node front_watch.js URL VM SCREENSHOT.png');
  process.exit(2);
}

// The VM's row state as the page shows it, or `absent`.
async function rowState(page) {
  const cell = await page.$(`tr[data-vm="${vm}"] td.state`);
  if (!cell) return 'absent';
  const classes = (await cell.getAttribute('class')).split(' ');
  const state = classes.find((name) => name.startsWith('state-'));
  return state ? state.slice('state-'.length) : 'unknown';
}

async function main() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags });
  try {
    const { options, target } = contextOptions(url, { width: 1100, height: 420 });
    const page = await (await browser.newContext(options)).newPage();
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    await page.goto(target);
    let last = null;
    let shot = false;
    while (Date.now() - started < WATCH_LIMIT_MS) {
      const state = await rowState(page);
      if (state !== last) console.log(`state ${vm} ${state} ${seconds()}`);
      last = state;
      if (!shot && state !== 'absent' && state !== 'ready') {
        await page.screenshot({ path: screenshot });
        console.log(`screenshot ${screenshot} ${state}`);
        shot = true;
      }
      if (state === 'ready') {
        console.log(`ready ${vm} ${seconds()}`);
        return;
      }
      await page.waitForTimeout(LOOK_EVERY_MS);
    }
    throw new Error(`${vm} not ready on the front's list after ${WATCH_LIMIT_MS / 1000} s (last: ${last})`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error('front_watch: ' + error.message);
  process.exit(1);
});
