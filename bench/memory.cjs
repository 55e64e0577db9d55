/*
 * Preloaded (`node --require`) into the backend the benchmark starts, with
 * `--expose-gc`: on SIGUSR2 it collects garbage and writes
 * `process.memoryUsage()` to the file named by BENCH_MEMORY_FILE, so that the
 * benchmark can read the backend's heap before and after the model grows.
 * Nothing else; no port, no timer.
 */
const fs = require('node:fs');

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    // Twice: the first pass can leave garbage that only a second one frees.
    global.gc?.();
    global.gc?.();
    fs.writeFileSync(
      file,
      JSON.stringify({
        at: Date.now(),
        gc: Boolean(global.gc),
        ...process.memoryUsage(),
      }),
    );
  });
}
