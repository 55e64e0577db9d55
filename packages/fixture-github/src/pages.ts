import type { FixtureRepository, PullRecord } from './FixtureRepository';
import { lineDiff } from './lineDiff';

/**
 * Bare HTML pages for the web URLs the API hands out (`html_url`), so that a pull
 * request link in the demo opens something: the change, and buttons that call the
 * admin API to approve, merge or close it.
 */

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 960px; padding: 0 1rem; }
.banner { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem 1rem; border-radius: 6px; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; border-radius: 6px; }
.add { background: #e6ffec; display: block; } .del { background: #ffebe9; display: block; }
.state { font-weight: 600; padding: .1rem .5rem; border-radius: 1rem; color: #fff; }
.open { background: #1f883d; } .closed { background: #cf222e; } .merged { background: #8250df; }
form { display: inline; } button { margin-right: .5rem; }
</style></head><body>
<p class="banner">fixture-github: demo and test infrastructure, not GitHub.</p>
${body}
</body></html>
`;
}

export function pullPage(repo: FixtureRepository, pull: PullRecord): string {
  repo.refresh(pull);
  let state: string = pull.state;
  if (pull.mergedAt) state = 'merged';
  const files = repo.changedFiles(pull);
  const diffs = files
    .map(file => {
      const lines = lineDiff(
        file.before?.toString('utf8') ?? '',
        file.after?.toString('utf8') ?? '',
      )
        .map(line => {
          const text = escape(`${line.op} ${line.text}`);
          if (line.op === '+') return `<span class="add">${text}</span>`;
          if (line.op === '-') return `<span class="del">${text}</span>`;
          return `${text}\n`;
        })
        .join('');
      return `<h3>${escape(file.path)} <small>(${
        file.status
      })</small></h3><pre>${lines}</pre>`;
    })
    .join('\n');
  const admin = `/_fixture/pulls/${repo.owner}/${repo.name}/${pull.number}`;
  const actions =
    pull.state === 'open'
      ? `<p>
<form method="post" action="${admin}/approve?redirect=1"><button>Approve</button></form>
<form method="post" action="${admin}/merge?redirect=1"><button>Merge</button></form>
<form method="post" action="${admin}/close?redirect=1"><button>Close</button></form>
</p>`
      : '';
  const approvals = pull.reviews
    .filter(r => r.state === 'APPROVED')
    .map(r => escape(r.user));
  return page(
    `${pull.title} · Pull Request #${pull.number} · ${repo.fullName}`,
    `<p><a href="/${repo.fullName}">${escape(repo.fullName)}</a></p>
<h1>${escape(pull.title)} <small>#${pull.number}</small></h1>
<p><span class="state ${state}">${state}</span>
${escape(pull.user)} wants to merge <code>${escape(
      pull.head,
    )}</code> into <code>${escape(pull.base)}</code></p>
<p>Labels: ${pull.labels.map(escape).join(', ') || 'none'} ·
Reviewers requested: ${
      [
        ...pull.requestedReviewers,
        ...pull.requestedTeams.map(t => `${repo.owner}/${t}`),
      ]
        .map(escape)
        .join(', ') || 'none'
    } ·
Approved by: ${approvals.join(', ') || 'nobody'}</p>
${actions}
<pre>${escape(pull.body ?? '')}</pre>
<h2>Files changed (${files.length})</h2>
${diffs}`,
  );
}

export function repositoryPage(repo: FixtureRepository): string {
  const branches = Object.entries(repo.branches())
    .map(
      ([name, sha]) =>
        `<li><code>${escape(name)}</code> ${sha.slice(0, 7)}</li>`,
    )
    .join('');
  const pulls = [...repo.pulls()]
    .reverse()
    .map(p => {
      const state = p.mergedAt ? 'merged' : p.state;
      return `<li><a href="/${repo.fullName}/pull/${p.number}">#${
        p.number
      } ${escape(
        p.title,
      )}</a> <span class="state ${state}">${state}</span></li>`;
    })
    .join('');
  return page(
    repo.fullName,
    `<h1>${escape(repo.fullName)}</h1>
<h2>Pull requests</h2><ul>${pulls || '<li>none</li>'}</ul>
<h2>Branches</h2><ul>${branches}</ul>`,
  );
}
