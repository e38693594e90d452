// The front's list of VMs: vms.json twice a second (so a state the front sees
// for one of its 1 s looks is shown), one row per VM, each linking to its
// console at <name>/. Text only goes in through textContent.
(function () {
  'use strict';

  const pollMs = 500;
  const rows = document.getElementById('vm-rows');
  const empty = document.getElementById('empty');
  const summary = document.getElementById('summary');

  function uptime(seconds) {
    if (seconds === undefined) return '–';
    const s = Math.floor(seconds);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function memory(mib) {
    if (mib === undefined) return '–';
    return mib >= 1024 && mib % 1024 === 0 ? mib / 1024 + ' GiB' : mib + ' MiB';
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function row(vm) {
    const tr = document.createElement('tr');
    tr.dataset.vm = vm.name;
    const name = document.createElement('td');
    const link = document.createElement('a');
    link.href = encodeURIComponent(vm.name) + '/';
    link.textContent = vm.name;
    name.appendChild(link);
    tr.appendChild(name);
    tr.appendChild(cell(vm.state + (vm.start === 'hibernate' ? ' (resumed)' : ''),
                        'state state-' + vm.state));
    tr.appendChild(cell(uptime(vm.uptime_seconds)));
    tr.appendChild(cell(vm.vcpus === undefined ? '–' : String(vm.vcpus), 'number'));
    tr.appendChild(cell(memory(vm.memory_mib), 'number'));
    tr.appendChild(cell(String(vm.viewers), 'number'));
    return tr;
  }

  function show(list) {
    rows.replaceChildren(...list.vms.map(row));
    empty.hidden = list.vms.length > 0;
    const ready = list.vms.filter((vm) => vm.state === 'ready').length;
    let text = list.vms.length + ' VM' + (list.vms.length === 1 ? '' : 's') + ', ' + ready + ' ready';
    if (list.unlisted > 0) text += ' · ' + list.unlisted + ' address(es) not answering';
    summary.textContent = text;
    summary.className = 'muted';
  }

  async function poll() {
    try {
      const answer = await fetch('vms.json', { cache: 'no-store', credentials: 'same-origin' });
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      show(await answer.json());
    } catch (error) {
      summary.textContent = 'Cannot reach the front (' + error.message + '); retrying';
      summary.className = 'stale';
    }
    setTimeout(poll, pollMs);
  }

  poll();
})();
