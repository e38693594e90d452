// The Chromium the browser checks drive, and how they open a page.
'use strict';

const fs = require('fs');

const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// $CHROMIUM, else Debian's, else Ubuntu's snap. Ubuntu's chromium-browser deb
// is only a wrapper that asks for the snap, so without snapd (a container)
// there is none, and the error says so.
function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  const candidates = ['/usr/bin/chromium', '/snap/bin/chromium'];
  const found = candidates.find((path) => fs.existsSync(path));
  if (found) return found;
  throw new Error(`no Chromium at ${candidates.join(' or ')}: scripts/install-deps.sh test installs ` +
    "Debian's chromium; Ubuntu ships Chromium only as a snap, which needs snapd running. " +
    'Set CHROMIUM to the path of a Chromium or Chrome.');
}

// A browser context's options for URL, and the URL to open: a user:password in
// URL becomes the answer to the console's Basic challenge, not part of the URL.
function contextOptions(url, viewport, extra = {}) {
  const target = new URL(url);
  const options = { viewport, ...extra };
  if (target.username) {
    options.httpCredentials = {
      username: decodeURIComponent(target.username), password: decodeURIComponent(target.password) };
    target.username = '';
    target.password = '';
  }
  return { options, target: target.href };
}

module.exports = { chromiumFlags, chromiumPath, contextOptions };
