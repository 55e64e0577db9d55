// Adds up the closing counts of Jest ("Tests: 3 failed, 1 skipped, 40 passed, 44 total")
// and Playwright ("12 passed", "1 failed", "2 skipped") logs given as arguments (scripts/test.sh:
// the unit, replicas and browser steps), and prints "passed failed skipped".
const fs = require('fs');
let passed = 0;
let failed = 0;
let skipped = 0;
// Terminal colour codes would split the numbers from their words.
const strip = text => text.replace(/\u001b\[[0-9;]*m/g, '');
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) continue;
  const text = strip(fs.readFileSync(file, 'utf8'));
  for (const line of text.split('\n')) {
    const jest = line.match(/^Tests:\s+(.*)total/);
    if (jest) {
      passed += Number((jest[1].match(/(\d+) passed/) || [0, 0])[1]);
      failed += Number((jest[1].match(/(\d+) failed/) || [0, 0])[1]);
      skipped += Number((jest[1].match(/(\d+) (skipped|todo)/) || [0, 0])[1]);
      continue;
    }
    const pw = line.match(/^\s+(\d+) (passed|failed|skipped|flaky)\b/);
    if (pw) {
      if (pw[2] === 'passed' || pw[2] === 'flaky') passed += Number(pw[1]);
      if (pw[2] === 'failed') failed += Number(pw[1]);
      if (pw[2] === 'skipped') skipped += Number(pw[1]);
    }
  }
}
console.log(`${passed} ${failed} ${skipped}`);
