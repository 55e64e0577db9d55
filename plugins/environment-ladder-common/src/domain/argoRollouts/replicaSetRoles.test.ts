import {
  listCliImages,
  replicaSetRoles,
  sortReplicaSetInfos,
} from './replicaSetRoles';

// Objects written for the roles of GetReplicaSetInfo (info/replicaset_info.go) and
// the image list of Images / mergeImageAndTags (info/rollout_info.go).
describe('replicaSetRoles', () => {
  const canary = { strategy: { canary: {} } };
  const status = { stableRS: 'aaa', currentPodHash: 'bbb' };

  it('canary: stable for the stable hash, else canary for the current one', () => {
    expect(replicaSetRoles(canary, status, 'aaa')).toEqual(['stable']);
    expect(replicaSetRoles(canary, status, 'bbb')).toEqual(['canary']);
    expect(replicaSetRoles(canary, status, 'ccc')).toEqual([]);
    // Fully promoted: stable only, never both.
    expect(
      replicaSetRoles(
        canary,
        { stableRS: 'aaa', currentPodHash: 'aaa' },
        'aaa',
      ),
    ).toEqual(['stable']);
  });

  it('canary with pingPong: ping and pong follow status.canary.stablePingPong', () => {
    const spec = { strategy: { canary: { pingPong: { pingService: 'p' } } } };
    const ping = { ...status, canary: { stablePingPong: 'ping' } };
    expect(replicaSetRoles(spec, ping, 'aaa')).toEqual(['stable', 'ping']);
    expect(replicaSetRoles(spec, ping, 'bbb')).toEqual(['canary', 'pong']);
    const pong = { ...status, canary: { stablePingPong: 'pong' } };
    expect(replicaSetRoles(spec, pong, 'aaa')).toEqual(['stable', 'pong']);
    expect(replicaSetRoles(spec, pong, 'bbb')).toEqual(['canary', 'ping']);
  });

  it('blue-green: stable, and active over preview when one hash is both', () => {
    const spec = { strategy: { blueGreen: {} } };
    const bg = {
      stableRS: 'aaa',
      currentPodHash: 'bbb',
      blueGreen: { activeSelector: 'aaa', previewSelector: 'bbb' },
    };
    expect(replicaSetRoles(spec, bg, 'aaa')).toEqual(['stable', 'active']);
    expect(replicaSetRoles(spec, bg, 'bbb')).toEqual(['preview']);
    expect(
      replicaSetRoles(
        spec,
        { ...bg, blueGreen: { activeSelector: 'bbb', previewSelector: 'bbb' } },
        'bbb',
      ),
    ).toEqual(['active']);
  });
});

describe('sortReplicaSetInfos', () => {
  it('puts the newest revision first, then orders by name', () => {
    expect(
      sortReplicaSetInfos([
        { name: 'b', revision: 1 },
        { name: 'z', revision: 2 },
        { name: 'a', revision: 1 },
      ]).map(rs => rs.name),
    ).toEqual(['z', 'a', 'b']);
  });
});

describe('listCliImages', () => {
  it('lists each container image of ReplicaSets with replicas once, tags merged and sorted, by image', () => {
    expect(
      listCliImages([
        {
          name: 'shop-new',
          revision: 2,
          replicas: 1,
          images: ['shop:2', 'envoy:1'],
          tags: ['canary'],
        },
        {
          name: 'shop-old',
          revision: 1,
          replicas: 3,
          images: ['shop:1', 'envoy:1'],
          tags: ['stable'],
        },
        {
          name: 'shop-older',
          revision: 0,
          replicas: 0,
          images: ['shop:0'],
          tags: [],
        },
      ]),
    ).toEqual([
      { image: 'envoy:1', tags: ['canary', 'stable'] },
      { image: 'shop:1', tags: ['stable'] },
      { image: 'shop:2', tags: ['canary'] },
    ]);
  });
});
