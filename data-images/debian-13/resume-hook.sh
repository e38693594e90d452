# shellcheck shell=sh
# Run by the launcher right after a warm start, through the guest agent as
# `/bin/sh -c` (it travels in the data image as warm-start.hook, so changing it
# needs no new guest disk): a guest resumed from the image's snapshot becomes a
# machine of its own. stdin: 64 bytes of fresh entropy from the host; $1: the
# launcher's VM_HOSTNAME (empty: the image's name stays).
set -eu

# The kernel's random pool: the host's bytes mixed in and credited
# (RNDADDENTROPY), then the CRNG rekeyed from it (RNDRESEEDCRNG), so that what
# follows draws other numbers than any other VM resumed from the same snapshot.
perl -e '
  read(STDIN, my $seed, 64) == 64 or die "warm-start.hook: 64 bytes of entropy expected on stdin\n";
  open(my $rng, ">", "/dev/urandom") or die "/dev/urandom: $!\n";
  ioctl($rng, 0x40085203, pack("ii", 8 * length($seed), length($seed)) . $seed) or die "RNDADDENTROPY: $!\n";
  ioctl($rng, 0x5207, 0) or die "RNDRESEEDCRNG: $!\n";
'

# Its own name, before the SSH keys that carry it (a cold boot takes it from
# systemd.hostname= on the kernel command line instead).
if [ -n "${1:-}" ]; then
  hostnamectl hostname "$1" || hostname "$1"
fi

# Its own machine-id.
rm -f /etc/machine-id
systemd-machine-id-setup >/dev/null 2>&1

# Its own SSH host keys, each replaced in one rename (never a missing key),
# the quick ed25519 first; then sshd reloads them. A restart that fails (a
# starved guest) is reported and leaves the steps after it to run: sshd reads
# the new keys at its next start.
for type in ed25519 ecdsa rsa; do
  key=/etc/ssh/ssh_host_${type}_key
  rm -f "$key.new" "$key.new.pub"
  ssh-keygen -q -t "$type" -N '' -C "root@$(hostname)" -f "$key.new"
  mv -f "$key.new.pub" "$key.pub"
  mv -f "$key.new" "$key"
done
systemctl try-restart ssh.service || echo "warm-start.hook: sshd was not restarted" >&2

# Its address from the network the launcher gives it now (DHCP from scratch).
for link in /sys/class/net/*; do
  name=${link##*/}
  [ "$name" = lo ] || networkctl reconfigure "$name" || true
done
