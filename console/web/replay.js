// The recording's player: recording.cast (asciicast v2, the launcher's
// recording of this VM's console from its first byte) replayed in a second,
// read-only terminal over the live one, with play and pause, speed, a seek
// bar and the recording's markers (each start, resume and hibernation).
// The live console runs on underneath. Text only goes in through textContent.
(function () {
  'use strict';

  const maxIdleS = 2; // a pause longer than this is played as this long
  const frameMs = 100; // how often the seek bar follows the play
  const ui = {
    open: document.getElementById('replay-open'),
    panel: document.getElementById('replay'),
    close: document.getElementById('replay-close'),
    toggle: document.getElementById('replay-toggle'),
    seek: document.getElementById('replay-seek'),
    time: document.getElementById('replay-time'),
    speed: document.getElementById('replay-speed'),
    marks: document.getElementById('replay-marks'),
    note: document.getElementById('replay-note'),
  };
  const live = window.consoleTerminal;
  const term = new Terminal({
    disableStdin: true,
    fontFamily: live.options.fontFamily,
    fontSize: live.options.fontSize,
    scrollback: 10000,
    theme: live.options.theme,
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('replay-terminal'));
  window.consoleReplayTerminal = term; // for tests and the curious

  // The player's state, on the played time line (idle gaps capped).
  const player = { loaded: false, outputs: [], marks: [], duration: 0, position: 0, next: 0, playing: false };
  window.consoleReplay = player; // for tests and the curious
  let clock = null; // {wall, position} when play last started
  let timer = null;

  function clockText(seconds) {
    const whole = Math.floor(seconds);
    return Math.floor(whole / 60) + ':' + String(whole % 60).padStart(2, '0');
  }

  function showTime() {
    ui.seek.value = String(player.position);
    ui.time.textContent = clockText(player.position) + ' / ' + clockText(player.duration);
    ui.toggle.textContent = player.playing ? 'Pause' : 'Play';
  }

  // The header, then one event a line; a line that is not one is an error naming it.
  function parse(text) {
    const lines = text.split('\n');
    const header = JSON.parse(lines[0]);
    if (header.version !== 2) throw new Error('not an asciicast v2 recording');
    player.outputs = [];
    player.marks = [];
    let last = 0;
    let at = 0;
    for (let number = 1; number < lines.length; number++) {
      if (lines[number] === '') continue;
      const event = JSON.parse(lines[number]);
      if (!Array.isArray(event) || typeof event[0] !== 'number' || typeof event[2] !== 'string') {
        throw new Error('line ' + (number + 1) + ' is not an event');
      }
      at += Math.min(Math.max(event[0] - last, 0), maxIdleS);
      last = event[0];
      if (event[1] === 'o') player.outputs.push({ at, text: event[2] });
      if (event[1] === 'm') player.marks.push({ at, label: event[2] });
    }
    player.duration = at;
  }

  function showMarks() {
    ui.marks.replaceChildren();
    const first = document.createElement('option');
    first.textContent = player.marks.length + ' marker' + (player.marks.length === 1 ? '' : 's');
    first.value = '';
    ui.marks.appendChild(first);
    for (const mark of player.marks) {
      const option = document.createElement('option');
      option.value = String(mark.at);
      option.textContent = clockText(mark.at) + ' ' + mark.label;
      ui.marks.appendChild(option);
    }
  }

  // The screen at `to`: everything before it written at once.
  function seek(to) {
    player.position = Math.min(Math.max(to, 0), player.duration);
    term.reset();
    let next = 0;
    const texts = [];
    while (next < player.outputs.length && player.outputs[next].at <= player.position) {
      texts.push(player.outputs[next++].text);
    }
    player.next = next;
    term.write(texts.join(''));
    restartClock();
    showTime();
  }

  // Writes what is due, then waits for the next event (or the next frame of the seek bar).
  function tick() {
    timer = null;
    if (!player.playing) return;
    const played = (performance.now() - clock.wall) / 1000 * speed();
    player.position = Math.min(clock.position + played, player.duration);
    const texts = [];
    while (player.next < player.outputs.length && player.outputs[player.next].at <= player.position) {
      texts.push(player.outputs[player.next++].text);
    }
    if (texts.length) term.write(texts.join(''));
    if (player.position >= player.duration) player.playing = false;
    showTime();
    if (player.playing) timer = setTimeout(tick, frameMs);
  }

  function speed() {
    return Number(ui.speed.value);
  }

  // Play goes on from here at the new speed.
  function restartClock() {
    if (player.playing) clock = { wall: performance.now(), position: player.position };
  }

  function play() {
    if (player.position >= player.duration) seek(0);
    player.playing = true;
    clock = { wall: performance.now(), position: player.position };
    if (!timer) tick();
  }

  function pause() {
    player.playing = false;
    clearTimeout(timer);
    timer = null;
    showTime();
  }

  async function open() {
    ui.panel.hidden = false;
    // The live terminal's width (the output was laid out for it), as many rows as fit here.
    const fits = fit.proposeDimensions();
    term.resize(live.cols, fits && fits.rows > 0 ? fits.rows : live.rows);
    ui.note.textContent = 'Loading the recording…';
    pause();
    try {
      const answer = await fetch('recording.cast', { cache: 'no-store', credentials: 'same-origin' });
      const text = await answer.text();
      if (!answer.ok) throw new Error(text.trim() || 'HTTP ' + answer.status);
      parse(text);
    } catch (error) {
      ui.note.textContent = 'No recording to play: ' + error.message;
      return;
    }
    ui.note.textContent = '';
    ui.seek.max = String(player.duration);
    showMarks();
    player.loaded = true;
    seek(0);
    play();
  }

  function close() {
    pause();
    ui.panel.hidden = true;
    live.focus();
  }

  ui.open.addEventListener('click', open);
  ui.close.addEventListener('click', close);
  ui.toggle.addEventListener('click', () => (player.playing ? pause() : play()));
  ui.seek.addEventListener('input', () => seek(Number(ui.seek.value)));
  ui.speed.addEventListener('change', restartClock);
  ui.marks.addEventListener('change', () => {
    if (ui.marks.value !== '') seek(Number(ui.marks.value));
    ui.marks.value = '';
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !ui.panel.hidden) close();
  });
})();
