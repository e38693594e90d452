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

const fs = require('fs');
const { chromium } = require('playwright-core');

const [url, typed, expected, screenshot, ready] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node browser_check.js URL TYPED EXPECTED SCREENSHOT.png');
  process.exit(2);
}

const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The Chromium to drive: $CHROMIUM, else Debian's, else Ubuntu's snap.
// Ubuntu's chromium-browser deb is only a wrapper that asks for the snap, so
// without snapd (a container) there is none, and the error says so.
function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  const candidates = ['/usr/bin/chromium', '/snap/bin/chromium'];
  const found = candidates.find((path) => fs.existsSync(path));
  if (found) return found;
  throw new Error(`no Chromium at ${candidates.join(' or ')}: scripts/install-deps.sh test installs ` +
    "Debian's chromium; Ubuntu ships Chromium only as a snap, which needs snapd running. " +
    'Set CHROMIUM to the path of a Chromium or Chrome.');
}

// All the text in the terminal's buffer, scrollback included.
function terminalText() {
  const buffer = window.consoleTerminal.buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i += 1) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join('\n');
}

// True when a line of the terminal reads exactly `expected` (a command's answer, not the boot log).
function terminalHas(expected) {
  const buffer = window.consoleTerminal.buffer.active;
  for (let i = 0; i < buffer.length; i += 1) {
    if (buffer.getLine(i).translateToString(true).trim() === expected) return true;
  }
  return false;
}

// True when the terminal's last non-empty line contains `text` (a prompt waiting).
function lastLineHas(text) {
  const buffer = window.consoleTerminal.buffer.active;
  for (let i = buffer.length - 1; i >= 0; i -= 1) {
    const line = buffer.getLine(i).translateToString(true).trim();
    if (line) return line.includes(text);
  }
  return false;
}

// Presses Enter until the prompt shows: the guest may still be booting.
async function waitForReady(page, ready) {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    await page.keyboard.press('Enter');
    try {
      await page.waitForFunction(lastLineHas, ready, { timeout: 3000 });
      return;
    } catch (timeout) {
      // still booting
    }
  }
  throw new Error(`no "${ready}" prompt in the terminal`);
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
  await page.waitForFunction(terminalHas, 'pasted-5', { timeout: 30000 });
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
  await page.waitForFunction(terminalHas, 'again-2', { timeout: 30000 });
  console.log('reconnected and typed again');
}

async function main() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: flags });
  try {
    const target = new URL(url);
    const options = { viewport: { width: 1100, height: 640 }, permissions: ['clipboard-read', 'clipboard-write'] };
    if (target.username) {
      options.httpCredentials = {
        username: decodeURIComponent(target.username), password: decodeURIComponent(target.password) };
      target.username = '';
      target.password = '';
    }
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(target.href);
    if (process.env.FRONT_VMS) await openFromFront(page, process.env.FRONT_VMS.split(','));
    await page.waitForSelector('#status-bar.status-connected', { timeout: 30000 });
    await page.click('#terminal');
    if (ready) await waitForReady(page, ready);
    // Type until the answer shows: the guest may still be printing its boot.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await page.keyboard.type(typed);
      await page.keyboard.press('Enter');
      try {
        await page.waitForFunction(terminalHas, expected, { timeout: 5000 });
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
