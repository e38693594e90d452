// Generated from console/src/protocol.hpp by the build: do not edit.
window.consoleProtocol = Object.freeze({
  clientInput: 0x30,
  clientResize: 0x31,
  clientPause: 0x32,
  clientResume: 0x33,
  clientKeepalive: 0x34,
  serverOutput: 0x30,
  serverTitle: 0x31,
  serverReadOnly: 0x32,
  maxClientMessage: 65536,
});
