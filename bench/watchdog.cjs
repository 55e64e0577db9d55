/*
 * Preloaded (`node --require`) into the backend the benchmark starts: the
 * backend exits once the benchmark that started it is gone (its parent pid
 * changes), so that even a benchmark killed with SIGKILL leaves no backend
 * behind. One check a second; nothing else.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000).unref();
