// Opens the console page in headless Chromium (driven by playwright-core),
// types a command into the guest's shell, then opens the page's player of
// the console's recording (the Replay button): it must load recording.cast,
// list the recording's markers, play, and show the typed command's answer
// once moved to the end; a screenshot of the player is kept.
//   node replay_check.js URL TYPED EXPECTED READY SCREENSHOT.png
// URL may carry user:password. Prints `markers ...` and `replay ok`.
'use strict';

const { chromium } = require('playwright-core');
const { chromiumPath, chromiumFlags, contextOptions } = require('./chromium');
const { hasLines, lastLineHas, terminalText } = require('./terminal_lines');

const [url, typed, expected, ready, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node replay_check.js URL TYPED EXPECTED READY SCREENSHOT.png');
  process.exit(2);
}

async function main() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumFlags });
  try {
    const { options, target } = contextOptions(url, { width: 1100, height: 640 });
    const page = await (await browser.newContext(options)).newPage();
    await page.goto(target);
    // The shell first: Enter until the prompt answers, then the command and its answer.
    for (let attempt = 0; ; attempt += 1) {
      await page.keyboard.press('Enter');
      try {
        await page.waitForFunction(lastLineHas, ready, { timeout: 3000 });
        break;
      } catch (timeout) {
        if (attempt === 60) throw new Error(`no "${ready}" prompt in the terminal`);
      }
    }
    await page.keyboard.type(typed + '\n');
    await page.waitForFunction(hasLines, [expected], { timeout: 30000 });

    await page.click('#replay-open');
    await page.waitForFunction(() => window.consoleReplay.loaded, null, { timeout: 30000 });
    const marks = await page.$$eval('#replay-marks option', (options) => options.map((o) => o.textContent));
    console.log('markers ' + JSON.stringify(marks));
    if (!marks.slice(1).some((label) => / start: /.test(label))) throw new Error('no start marker: ' + marks);
    const playing = await page.evaluate(() => window.consoleReplay.playing);
    if (!playing) throw new Error('the player did not start playing');
    // To the end: every output written, the typed command's answer among it.
    await page.$eval('#replay-seek', (seek) => {
      seek.value = seek.max;
      seek.dispatchEvent(new Event('input'));
    });
    try {
      await page.waitForFunction(hasLines, [expected, 1, 'consoleReplayTerminal'], { timeout: 10000 });
    } catch (timeout) {
      const text = await page.evaluate(terminalText, 'consoleReplayTerminal');
      throw new Error(`"${expected}" not in the replay at its end; its last lines:\n` +
                      text.trimEnd().split('\n').slice(-20).join('\n'));
    }
    await page.screenshot({ path: screenshot });
    const time = await page.textContent('#replay-time');
    console.log(`replay ok: ${time}, screenshot ${screenshot}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error('replay_check: ' + error.message);
  process.exit(1);
});
