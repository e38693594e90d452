// What the browser checks read from a page's xterm.js terminal. Each function
// runs in the page (page.evaluate, page.waitForFunction), so each stands alone.
'use strict';

// All the text in the terminal window[name]'s buffer, scrollback included.
function terminalText(name = 'consoleTerminal') {
  const buffer = window[name].buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i += 1) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join('\n');
}

// True when at least `count` lines of window[name] read exactly `text`
// (a command's answer, not the line that typed it).
function hasLines([text, count = 1, name = 'consoleTerminal']) {
  const buffer = window[name].buffer.active;
  let found = 0;
  for (let i = 0; i < buffer.length; i += 1) {
    if (buffer.getLine(i).translateToString(true).trim() === text) found += 1;
  }
  return found >= count;
}

// True when the live terminal's last non-empty line contains `text` (a prompt waiting).
function lastLineHas(text) {
  const buffer = window.consoleTerminal.buffer.active;
  for (let i = buffer.length - 1; i >= 0; i -= 1) {
    const line = buffer.getLine(i).translateToString(true).trim();
    if (line) return line.includes(text);
  }
  return false;
}

module.exports = { hasLines, lastLineHas, terminalText };
