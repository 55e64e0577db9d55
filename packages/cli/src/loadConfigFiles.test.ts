import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFiles } from './loadConfigFiles';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'environment-ladder-config-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const resolved = path.join(tmp, name);
  fs.writeFileSync(resolved, text);
  return { given: name, resolved };
};

describe('loadConfigFiles', () => {
  it('reads environmentLadder only, substituting variables like the backend', () => {
    const config = loadConfigFiles(
      [
        file(
          'app-config.yaml',
          `backend:
  baseUrl: \${UNSET_EVERYWHERE}
  odd: { $file: ./nope.pem }
environmentLadder:
  serviceContainer: \${CONTAINER}
  rungs:
    - name: prod
      title: \${TITLE:-Production}
      clusters: ['\${CLUSTER}']
      declared:
        scale: $\${not a variable}
        featureFlags: { $env: FLAGS }
        secretsSource: \${UNSET}
`,
        ),
      ],
      { CONTAINER: 'app', CLUSTER: 'prod-eu', FLAGS: 'on', TITLE: '' },
    );
    expect(config.has('backend')).toBe(false);
    expect(config.getString('environmentLadder.serviceContainer')).toBe('app');
    const rung = config.getConfigArray('environmentLadder.rungs')[0];
    expect(rung.getString('title')).toBe('Production');
    expect(rung.getStringArray('clusters')).toEqual(['prod-eu']);
    expect(rung.getString('declared.scale')).toBe('${not a variable}');
    expect(rung.getString('declared.featureFlags')).toBe('on');
    expect(rung.has('declared.secretsSource')).toBe(false);
  });

  it('lets later files override earlier ones', () => {
    const config = loadConfigFiles(
      [
        file(
          'a.yaml',
          'environmentLadder:\n  serviceContainer: a\n  clusterTimeout: 5s\n',
        ),
        file('b.yaml', 'environmentLadder:\n  serviceContainer: b\n'),
      ],
      {},
    );
    expect(config.getString('environmentLadder.serviceContainer')).toBe('b');
    expect(config.getString('environmentLadder.clusterTimeout')).toBe('5s');
  });

  it('refuses $include under environmentLadder and unparsable files, naming the file', () => {
    expect(() =>
      loadConfigFiles(
        [
          file(
            'inc.yaml',
            'environmentLadder:\n  rungs: { $include: rungs.yaml }\n',
          ),
        ],
        {},
      ),
    ).toThrow(
      "inc.yaml: 'environmentLadder.rungs' uses $include, which inspect does not read",
    );
    expect(() =>
      loadConfigFiles([file('bad.yaml', 'environmentLadder: [\n')], {}),
    ).toThrow(/^bad\.yaml: not valid YAML/);
    expect(() => loadConfigFiles([file('list.yaml', '- a\n')], {})).toThrow(
      'list.yaml: not an app-config file',
    );
  });
});
