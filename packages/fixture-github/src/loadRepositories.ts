import fs from 'node:fs';
import path from 'node:path';

/** What GitHub accepts as an owner or repository name. */
export const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Seed content of one repository: its default branch's files. */
export interface RepositorySeed {
  owner: string;
  name: string;
  /** path inside the repository (`a/b.yaml`) → content. */
  files: Map<string, Buffer>;
}

function readTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string) => {
    const entries = fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const full = path.join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(full, relative);
      } else if (entry.isFile()) {
        files.set(relative, fs.readFileSync(full));
      }
      // Symbolic links and other special files are not part of the seed.
    }
  };
  walk(root, '');
  return files;
}

/**
 * Reads `<dir>/<owner>/<repo>/**` into one seed per repository. Files directly in
 * `<dir>` or `<dir>/<owner>` (a README, say) are not repositories and are skipped.
 */
export function loadRepositories(dir: string): RepositorySeed[] {
  let owners: fs.Dirent[];
  try {
    owners = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(
      `Cannot read the repositories folder ${dir}: ${(error as Error).message}`,
    );
  }
  const seeds: RepositorySeed[] = [];
  for (const owner of owners.filter(entry => entry.isDirectory())) {
    if (!NAME.test(owner.name)) {
      throw new Error(
        `${path.join(dir, owner.name)}: '${
          owner.name
        }' is not a GitHub owner name`,
      );
    }
    const ownerDir = path.join(dir, owner.name);
    const repos = fs
      .readdirSync(ownerDir, { withFileTypes: true })
      .filter(entry => entry.isDirectory());
    for (const repo of repos) {
      if (!NAME.test(repo.name) || repo.name === '.' || repo.name === '..') {
        throw new Error(
          `${path.join(ownerDir, repo.name)}: '${
            repo.name
          }' is not a GitHub repository name`,
        );
      }
      const files = readTree(path.join(ownerDir, repo.name));
      if (files.size === 0) {
        throw new Error(
          `${path.join(
            ownerDir,
            repo.name,
          )} holds no files; a repository needs at least one`,
        );
      }
      seeds.push({ owner: owner.name, name: repo.name, files });
    }
  }
  return seeds.sort((a, b) =>
    `${a.owner}/${a.name}` < `${b.owner}/${b.name}` ? -1 : 1,
  );
}
