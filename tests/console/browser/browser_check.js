// Opens the console page in headless Chromium (driven by playwright-core),
// types a command, waits for a line reading EXPECTED in xterm.js's buffer,
// checks paste and copy (when READY is given), and keeps a screenshot.
//   node browser_check.js URL TYPED EXPECTED SCREENSHOT.png [READY]
// READY: text to wait for (a shell prompt) before typing.
// URL may carry the console's user:password (http://user:password@host:port/):
// the browser then answers the console's Basic challenge with them.
// FRONT_VMS=a,b: URL is the front's list; it must show those VMs ready, is
// kept as FRONT_SCREENSHOT, and the first one's link opens the console page.
'use strict';

const { chromium } = require('playwright-core');
const { chromiumPath, chromiumFlags, contextOptions } = require('./chromium');
const { hasLines, lastLineHas, terminalText } = require('./terminal_lines');

const [url, typed, expected, screenshot, ready] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node browser_check.js URL TYPED EXPECTED SCREENSHOT.png');
  process.exit(2);
}

// Presses Enter until the prompt shows: the guest may still be booting. Without
// it, the error holds the terminal's last lines and the screenshot is taken.
async function waitForReady(page, ready, screenshot) {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    await page.keyboard.press('Enter');
    try {
      await page.waitForFunction(lastLineHas, ready, { timeout: 3000 });
      return;
    } catch (timeout) {
      // still booting
    }
  }
  await page.screenshot({ path: screenshot });
  const text = (await page.evaluate(terminalText)).trimEnd().split('\n').slice(-30).join('\n');
  throw new Error(`no "${ready}" prompt in the terminal; its last lines:\n${text}`);
}

// Pastes a command the way a browser does (a paste event on xterm.js's
// textarea), waits for its answer, then copies the screen with Ctrl+Shift+C.
async function checkPasteAndCopy(page) {
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'echo pasted-$((2+3))\n');
    document.querySelector('.xterm-helper-textarea')
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(hasLines, ['pasted-5'], { timeout: 30000 });
  await page.evaluate(() => window.consoleTerminal.selectAll());
  await page.keyboard.press('Control+Shift+C');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (!copied.includes('pasted-5')) throw new Error('Ctrl+Shift+C did not copy the screen: ' + copied.slice(-200));
  await page.evaluate(() => window.consoleTerminal.clearSelection());
}

// The front's list: every VM of FRONT_VMS in a row, ready, then the first one's console.
async function openFromFront(page, names) {
  for (const name of names) {
    // The busybox guest boots first: its row says booting until then.
    await page.waitForSelector(`tr[data-vm="${name}"] td.state-ready`, { timeout: 180000 });
  }
  const summary = await page.textContent('#summary');
  await page.screenshot({ path: process.env.FRONT_SCREENSHOT });
  console.log(`front lists ${names.join(', ')}: "${summary}"`);
  await Promise.all([page.waitForNavigation(), page.click(`tr[data-vm="${names[0]}"] a`)]);
  console.log(`opened ${page.url()}`);
}

// The test restarts the console (told through stdout lines): the page must
// show the loss, reconnect by itself and work again.
async function checkReconnect(page) {
  console.log('restart-console');
  await page.waitForSelector('#status-bar.status-reconnecting', { timeout: 30000 });
  console.log('saw-disconnect');
  await page.waitForSelector('#status-bar.status-connected', { timeout: 90000 });
  await page.keyboard.type('echo again-$((1+1))');
  await page.keyboard.press('Enter');
  await page.waitForFunction(hasLines, ['again-2'], { timeout: 30000 });
  console.log('reconnected and typed again');
}

async function main() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags });
  try {
    const { options, target } = contextOptions(url, { width: 1100, height: 640 },
      { permissions: ['clipboard-read', 'clipboard-write'] });
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(target);
    if (process.env.FRONT_VMS) await openFromFront(page, process.env.FRONT_VMS.split(','));
    await page.waitForSelector('#status-bar.status-connected', { timeout: 30000 });
    await page.click('#terminal');
    if (ready) await waitForReady(page, ready, screenshot);
    // Type until the answer shows: the guest may still be printing its boot.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await page.keyboard.type(typed);
      await page.keyboard.press('Enter');
      try {
        await page.waitForFunction(hasLines, [expected], { timeout: 5000 });
        break;
      } catch (timeout) {
        if (attempt === 9) {
          await page.screenshot({ path: screenshot });
          const text = await page.evaluate(terminalText);
          throw new Error(`no "${expected}" in the terminal after typing "${typed}":\n${text.trimEnd()}`);
        }
      }
    }
    if (ready) await checkPasteAndCopy(page);
    const status = await page.textContent('#status-text');
    const title = await page.title();
    await page.screenshot({ path: screenshot });
    console.log(`found "${expected}"; status "${status}"; title "${title}"; screenshot ${screenshot}`);
    if (process.env.RECONNECT_CHECK) await checkReconnect(page);
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error('browser_check: ' + error.message);
  process.exit(1);
});
