// The hand-off's baseline child (handoff.ts startIpcChannel): echoes every process.send message,
// exits when the parent disconnects.
//   ipc-echo.js   (started with an IPC channel)
process.on('message', (n) => process.send!(n));
process.on('disconnect', () => process.exit(0));
