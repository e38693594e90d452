// Opens the console page in headless Chromium as a phone (390x844, touch,
// device emulation) and uses its key bar: the bar shows; the terminal fits
// the width; sticky Ctrl then `c` and the ^C key each stop a `sleep`; the
// up arrow brings the last command back; Paste (answered through the page's
// prompt, as on a phone without clipboard access) types a command; a
// screenshot is kept.
//   node phone_check.js URL READY SCREENSHOT.png
// URL may carry user:password. Prints each step it checked.
'use strict';

const { chromium } = require('playwright-core');
const { chromiumPath, chromiumFlags, contextOptions } = require('./chromium');
const { hasLines } = require('./terminal_lines');

const [url, ready, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node phone_check.js URL READY SCREENSHOT.png');
  process.exit(2);
}
const phone = { width: 390, height: 844 };

// True when the terminal's last non-empty line ends with `text` (a prompt waiting).
function lastLineEnds(text) {
  const buffer = window.consoleTerminal.buffer.active;
  for (let i = buffer.length - 1; i >= 0; i -= 1) {
    const line = buffer.getLine(i).translateToString(true).trim();
    if (line) return line.endsWith(text);
  }
  return false;
}

// True when the shell has taken `command`: its line echoed, the cursor on the next, empty line.
function running(command) {
  const buffer = window.consoleTerminal.buffer.active;
  const row = buffer.baseY + buffer.cursorY;
  const here = buffer.getLine(row);
  const above = buffer.getLine(row - 1);
  return !!above && above.translateToString(true).trim().endsWith(command) &&
    (!here || here.translateToString(true).trim() === '');
}

async function waitForPrompt(page, what) {
  try {
    await page.waitForFunction(lastLineEnds, ready, { timeout: 20000 });
  } catch (timeout) {
    throw new Error(`no prompt after ${what}`);
  }
}

async function waitForLines(page, text, count) {
  await page.waitForFunction(hasLines, [text, count], { timeout: 30000 });
}

// A `sleep` ended by `interrupt`: the shell says it ended by SIGINT ($? 130), the
// `times`-th such answer of the run.
async function checkInterrupt(page, what, interrupt, times) {
  await page.keyboard.type('sleep 300\n');
  await page.waitForFunction(running, 'sleep 300', { timeout: 10000 });
  await interrupt();
  await waitForPrompt(page, what);
  await page.keyboard.type('echo status-$?\n');
  await waitForLines(page, 'status-130', times);
  console.log(`checked: ${what} stopped a sleep (status 130)`);
}

async function main() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags });
  try {
    const { options, target } = contextOptions(url, phone, { isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    const page = await (await browser.newContext(options)).newPage();
    page.on('dialog', (dialog) => dialog.accept('echo pasted-$((2+3))\r'));
    await page.goto(target);
    await page.waitForSelector('#key-bar', { state: 'visible', timeout: 10000 });
    await page.tap('#terminal');
    for (let attempt = 0; ; attempt += 1) {
      await page.keyboard.press('Enter');
      try {
        await waitForPrompt(page, 'Enter');
        break;
      } catch (error) {
        if (attempt === 30) throw error;
      }
    }
    const fits = await page.evaluate(() => {
      const screen = document.querySelector('.xterm-screen').getBoundingClientRect();
      const bar = document.getElementById('key-bar').getBoundingClientRect();
      const status = document.getElementById('status-bar').getBoundingClientRect();
      return { right: screen.right, cols: window.consoleTerminal.cols, barBottom: bar.bottom, statusTop: status.top,
        statusBottom: status.bottom, height: window.innerHeight };
    });
    if (fits.right > phone.width || fits.barBottom > fits.statusTop || fits.statusBottom > fits.height) {
      throw new Error('the page does not fit the phone: ' + JSON.stringify(fits));
    }
    console.log(`checked: the terminal fits the phone (${fits.cols} columns), the key bar above the status bar`);

    await checkInterrupt(page, 'sticky Ctrl, then c', async () => {
      await page.tap('#key-bar [data-modifier="ctrl"]');
      const pressed = await page.getAttribute('#key-bar [data-modifier="ctrl"]', 'aria-pressed');
      if (pressed !== 'true') throw new Error('Ctrl does not show as held');
      await page.keyboard.type('c');
    }, 1);
    const after = await page.getAttribute('#key-bar [data-modifier="ctrl"]', 'aria-pressed');
    if (after !== 'false') throw new Error('Ctrl stays held after one key');
    await checkInterrupt(page, 'the ^C key', () => page.tap('#key-bar [data-key="ctrl-c"]'), 2);

    await page.keyboard.type('echo arrow-$((3*3))\n');
    await waitForLines(page, 'arrow-9', 1);
    await waitForPrompt(page, 'echo');
    await page.tap('#key-bar [data-key="up"]');
    await page.keyboard.press('Enter');
    await waitForLines(page, 'arrow-9', 2);
    console.log('checked: the up arrow brought the last command back');

    await page.tap('#key-bar [data-action="paste"]');
    await waitForLines(page, 'pasted-5', 1);
    console.log('checked: Paste typed what the page asked for');
    await waitForPrompt(page, 'the paste');
    await page.screenshot({ path: screenshot, scale: 'css' });
    console.log(`phone ok: screenshot ${screenshot}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error('phone_check: ' + error.message);
  process.exit(1);
});
