// The key bar for touch screens and narrow windows: the keys a phone's
// keyboard lacks (Esc, Tab, arrows, Ctrl-C), sticky Ctrl and Alt for the next
// key typed, paste and copy without a mouse; and the page kept to the visible
// viewport, so the on-screen keyboard never hides the prompt.
(function () {
  'use strict';

  const bar = document.getElementById('key-bar');
  const input = window.consoleInput;
  const term = window.consoleTerminal;
  const shown = window.matchMedia('(pointer: coarse), (max-width: 640px)');
  const sequences = {
    esc: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', 'ctrl-c': '\x03',
  };
  const sticky = { ctrl: false, alt: false };

  function showSticky() {
    for (const button of bar.querySelectorAll('[data-modifier]')) {
      button.setAttribute('aria-pressed', String(sticky[button.dataset.modifier]));
    }
  }

  // What the next key typed becomes: Ctrl takes a letter (or @[\]^_) to its control
  // byte, Alt puts Esc before it; both let go after one key.
  input.modify = (text) => {
    if (!sticky.ctrl && !sticky.alt) return text;
    let out = text;
    if (sticky.ctrl && text.length === 1) {
      const code = text.toUpperCase().charCodeAt(0);
      if (code >= 0x40 && code <= 0x5f) out = String.fromCharCode(code & 0x1f);
    }
    if (sticky.alt) out = '\x1b' + out;
    sticky.ctrl = false;
    sticky.alt = false;
    showSticky();
    return out;
  };

  async function paste() {
    let text = null;
    try {
      if (navigator.clipboard && navigator.clipboard.readText) text = await navigator.clipboard.readText();
    } catch (refused) {
      text = null; // no permission, or not a secure context: ask instead
    }
    if (text === null) text = window.prompt('Text to paste into the console:');
    if (text) term.paste(text);
  }

  // The selection, or the visible screen when nothing is selected (selecting by touch is fiddly).
  function copy() {
    let text = term.getSelection();
    if (!text) {
      const buffer = term.buffer.active;
      const lines = [];
      for (let row = 0; row < term.rows; row += 1) {
        const line = buffer.getLine(buffer.viewportY + row);
        lines.push(line ? line.translateToString(true) : '');
      }
      text = lines.join('\n').trimEnd();
    }
    window.consoleCopy(text);
  }

  bar.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.key) input.send(sequences[button.dataset.key]);
    if (button.dataset.modifier) {
      sticky[button.dataset.modifier] = !sticky[button.dataset.modifier];
      showSticky();
    }
    if (button.dataset.action === 'paste') paste();
    if (button.dataset.action === 'copy') copy();
    // Keep the on-screen keyboard up: the terminal keeps the focus.
    term.focus();
  });
  // A tap on a key must not take the focus from the terminal (it would close the keyboard).
  bar.addEventListener('mousedown', (event) => event.preventDefault());

  function showBar() {
    bar.hidden = !shown.matches;
  }
  shown.addEventListener('change', showBar);
  showBar();

  // The on-screen keyboard shrinks the visual viewport, not the window: the page follows it.
  function followViewport() {
    document.body.style.height = window.visualViewport.height + 'px';
    window.scrollTo(0, 0);
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', followViewport);
    followViewport();
  }
})();
