// The console page: xterm.js bridged to /ws with the protocol of
// console/src/protocol.hpp (opcodes in protocol.js, generated from it).
(function () {
  'use strict';

  const op = window.consoleProtocol;
  const encoder = new TextEncoder();
  const ui = {
    bar: document.getElementById('status-bar'),
    title: document.getElementById('vm-title'),
    text: document.getElementById('status-text'),
    size: document.getElementById('size'),
    readOnly: document.getElementById('read-only'),
  };

  // Flow control as ttyd does it: pause the server while xterm.js is behind.
  const pauseAbove = 10;
  const resumeBelow = 4;
  const keepaliveMs = 30000;
  const maxRetryS = 30;

  const term = new Terminal({
    allowProposedApi: true,
    cursorBlink: true,
    fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 14,
    scrollback: 10000,
    theme: {
      background: '#0d1117', foreground: '#c9d1d9', cursor: '#58a6ff', selectionBackground: '#264f78',
      black: '#484f58', red: '#ff7b72', green: '#3fb950', yellow: '#d29922',
      blue: '#58a6ff', magenta: '#bc8cff', cyan: '#39c5cf', white: '#b1bac4',
      brightBlack: '#6e7681', brightRed: '#ffa198', brightGreen: '#56d364', brightYellow: '#e3b341',
      brightBlue: '#79c0ff', brightMagenta: '#d2a8ff', brightCyan: '#56d4dd', brightWhite: '#f0f6fc',
    },
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon.WebLinksAddon());
  term.loadAddon(new Unicode11Addon.Unicode11Addon());
  term.unicode.activeVersion = '11';
  term.open(document.getElementById('terminal'));
  window.consoleTerminal = term; // for tests and the curious

  let socket = null;
  let attempt = 0;
  let everConnected = false;
  let openedAt = 0;
  let sawOutput = false; // this connection has delivered terminal output
  let pendingWrites = 0;
  let paused = false;
  let countdown = null;

  function setStatus(state, text) {
    ui.bar.className = 'status-' + state;
    ui.text.textContent = text;
  }

  function send(opcode, payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const frame = new Uint8Array(1 + (payload ? payload.length : 0));
    frame[0] = opcode;
    if (payload) frame.set(payload, 1);
    socket.send(frame);
  }

  // Keystrokes and pastes, split below the server's message limit.
  function sendInput(bytes) {
    const chunk = op.maxClientMessage - 1;
    for (let at = 0; at < bytes.length; at += chunk) send(op.clientInput, bytes.subarray(at, at + chunk));
  }

  function sendResize() {
    const size = new Uint8Array(4);
    new DataView(size.buffer).setUint16(0, term.cols);
    new DataView(size.buffer).setUint16(2, term.rows);
    send(op.clientResize, size);
  }

  function writeOutput(bytes) {
    pendingWrites += 1;
    term.write(bytes, () => {
      pendingWrites -= 1;
      if (paused && pendingWrites < resumeBelow) {
        paused = false;
        send(op.clientResume);
      }
    });
    if (!paused && pendingWrites > pauseAbove) {
      paused = true;
      send(op.clientPause);
    }
  }

  function onMessage(event) {
    const frame = new Uint8Array(event.data);
    if (frame.length === 0) return;
    const payload = frame.subarray(1);
    if (frame[0] === op.serverOutput) {
      if (!sawOutput) firstOutput();
      writeOutput(payload);
    }
    else if (frame[0] === op.serverTitle) showTitle(new TextDecoder().decode(payload));
    else if (frame[0] === op.serverReadOnly) ui.readOnly.hidden = false;
  }

  function showTitle(title) {
    if (!title) return;
    ui.title.textContent = title;
    document.title = title + ' · console';
  }

  function connect() {
    const url = new URL('ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url.href);
    socket.binaryType = 'arraybuffer';
    socket.onopen = onOpen;
    socket.onmessage = onMessage;
    socket.onclose = onClose;
    setStatus(everConnected ? 'reconnecting' : 'connecting', 'Connecting…');
  }

  function onOpen() {
    openedAt = Date.now();
    sawOutput = false;
    pendingWrites = 0;
    paused = false;
    setStatus('connected', 'Connected');
    sendResize();
    term.focus();
  }

  // The VM side replays its recent output to every new connection: start clean.
  function firstOutput() {
    if (everConnected) term.reset();
    everConnected = true;
    sawOutput = true;
  }

  function onClose(event) {
    socket = null;
    // Only a connection that worked resets the back-off (the server may accept
    // the WebSocket and close it at once when the VM is not up yet).
    const worked = sawOutput || (openedAt && Date.now() - openedAt > 10000);
    if (worked) {
      attempt = 0;
      term.write('\r\n\x1b[2m[console disconnected' + (event.reason ? ': ' + event.reason : '') + ']\x1b[0m\r\n');
    }
    openedAt = 0;
    scheduleReconnect(event.reason || 'Disconnected');
  }

  // Exponential back-off with jitter: 1, 2, 4 ... 30 s, counted down in the bar.
  function scheduleReconnect(reason) {
    const delay = Math.min(maxRetryS, 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    let left = Math.ceil(delay);
    const tick = () => {
      if (left <= 0) { clearInterval(countdown); countdown = null; connect(); return; }
      setStatus(everConnected ? 'reconnecting' : 'disconnected', reason + ' · retry in ' + left + ' s');
      left -= 1;
    };
    clearInterval(countdown);
    countdown = setInterval(tick, 1000);
    tick();
  }

  // Ctrl+Shift+C copies the selection; Ctrl+Shift+V leaves the key to the browser's paste.
  function copySelection() {
    const text = term.getSelection();
    if (text) window.consoleCopy(text);
  }

  function legacyCopy(text) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
    term.focus();
  }

  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
    if (event.code === 'KeyC') { copySelection(); event.preventDefault(); return false; }
    if (event.code === 'KeyV') return false;
    return true;
  });

  // What is typed goes through modify (the key bar's sticky Ctrl and Alt, keys.js);
  // send types a key sequence of the bar's own.
  window.consoleInput = { send: (text) => sendInput(encoder.encode(text)), modify: (text) => text };
  window.consoleCopy = (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(() => legacyCopy(text));
    } else {
      legacyCopy(text);
    }
  };
  term.onData((data) => sendInput(encoder.encode(window.consoleInput.modify(data))));
  term.onBinary((data) => sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
  term.onResize(({ cols, rows }) => {
    ui.size.textContent = cols + '×' + rows;
    sendResize();
  });

  // Refit whenever the window or the terminal's box changes size.
  let fitQueued = false;
  function refit() {
    if (fitQueued) return;
    fitQueued = true;
    requestAnimationFrame(() => { fitQueued = false; fit.fit(); });
  }
  new ResizeObserver(refit).observe(document.getElementById('terminal'));
  window.addEventListener('resize', refit);

  setInterval(() => send(op.clientKeepalive), keepaliveMs);
  fit.fit();
  ui.size.textContent = term.cols + '×' + term.rows;
  connect();
})();
